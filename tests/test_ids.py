"""Project ids never change once given: builds of growing, shrinking and reordered sets of editions keep
every id the identity map holds (pdfium; each build starts from the session build's cache, so only a
changed engine or version parses PDFs again)."""

import json
import shutil

import pyarrow.parquet as pq
import pytest
from conftest import EDITIONS, RAW, pdf_of

from pipeline.across.ids import MAP_NAME, read_map
from pipeline.across.reconcile import reconcile
from pipeline.store.build import build

NEWEST = ["2024-10", "2025-04"]
OLDER = EDITIONS[:4]


@pytest.fixture
def make(tmp_path, pdfium_build):
    """make(editions, out) builds those editions into `out` (its cache seeded from the session build)."""
    seed = pdfium_build[1] / ".cache"

    def run(editions, out, engine="pdfium"):
        raw = tmp_path / ("raw-" + "-".join(editions))
        raw.mkdir(exist_ok=True)
        for ed in editions:
            shutil.copy(pdf_of(ed), raw)
        if not (out / ".cache").exists():
            shutil.copytree(seed, out / ".cache")
        build(raw, out, engine=engine)
        return ids_of(out)

    return run


def ids_of(out):
    return {
        (r["edition"], r["project_number"]): r["project_id"]
        for r in pq.read_table(out / "identity.parquet").to_pylist()
    }


def kept(first: dict, later: dict, retired: dict | None = None) -> list:
    """The printed projects of `first` whose id `later` changed (or lost), other than ids `retired`
    ({retired_id: surviving id}) into the id they have now."""
    retired = retired or {}
    return sorted((k, v, later.get(k)) for k, v in first.items() if later.get(k) not in (v, retired.get(v, v)))


def test_two_fresh_builds_give_identical_identity_tables(make, tmp_path, pdfium_build):
    make(EDITIONS, tmp_path / "a")
    make(EDITIONS, tmp_path / "b")
    a, b, c = (pq.read_table(d / "identity.parquet") for d in (tmp_path / "a", tmp_path / "b", pdfium_build[1]))
    assert a.equals(b) and a.equals(c)
    assert (tmp_path / "a" / MAP_NAME).read_bytes() == (tmp_path / "b" / MAP_NAME).read_bytes()


def test_backfill_keeps_every_id_given_first(make, tmp_path):
    out = tmp_path / "p"
    first = make(NEWEST, out)
    later = make(EDITIONS, out)
    assert kept(first, later) == []
    assert {k[0] for k in first} == set(NEWEST) and {k[0] for k in later} == set(EDITIONS)


def test_forward_fill_keeps_every_id(make, tmp_path):
    out = tmp_path / "p"
    first = make(OLDER, out)
    later = make(EDITIONS, out)
    assert kept(first, later) == []
    assert set(later) - set(first) == {k for k in later if k[0] in NEWEST}


@pytest.mark.parametrize(
    "steps",
    [
        [["2023-04", "2024-10"], EDITIONS, ["2023-10", "2025-04"], EDITIONS],
        [["2025-04"], NEWEST, ["2023-10", "2024-04", *NEWEST], EDITIONS],
        [EDITIONS, NEWEST, ["2022-10"], EDITIONS],
        [["2025-04"], ["2022-10", "2025-04"], ["2024-04", "2024-10", "2025-04"], EDITIONS],
    ],
    ids=["gaps", "one-then-grow", "shrink-then-grow", "disjoint-printings"],
)
def test_subsets_and_supersets_keep_every_id(make, tmp_path, steps):
    """Every id given stays with its printed project; only builds that never saw one printing of a project
    together (2022-10 and 2024-04 without the editions between) gave it two ids, and the build that joins
    them keeps one and retires the other into it."""
    out = tmp_path / "p"
    given: dict = {}
    for eds in steps:
        now = make(eds, out)
        retired = {r["retired_id"]: r["project_id"] for r in pq.read_table(out / "retired_ids.parquet").to_pylist()}
        assert kept({k: v for k, v in given.items() if k[0] in eds}, now, retired) == []
        given.update(now)
    m = read_map(out / MAP_NAME)
    assert m.ids == given  # the map holds every id given, the latest for each printed project
    assert bool(m.retired) == (steps[1] == ["2022-10", "2025-04"])


def test_a_rebuild_from_scratch_keeps_ids_through_the_kept_map(make, tmp_path, monkeypatch):
    conf = tmp_path / "conf"
    shutil.copytree(RAW.parent / "config", conf)
    (conf / "nhr.yaml").write_text("engine: pdfium\nidentity_map: ids/identity-map.json\n", encoding="utf-8")
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    first = make(NEWEST, tmp_path / "p1")
    assert (conf / "ids" / "identity-map.json").read_bytes() == (tmp_path / "p1" / MAP_NAME).read_bytes()
    shutil.rmtree(tmp_path / "p1")
    later = make(EDITIONS, tmp_path / "p2")
    assert kept(first, later) == []


def test_engine_and_version_switch_keep_ids(make, tmp_path, monkeypatch, built):
    """The two newest editions parsed again by the other engine (its records from the session's pdfplumber
    build's cache), then by another nhr version."""
    out = tmp_path / "p"
    first = make(EDITIONS, out)
    for f in (built[1] / ".cache").glob("*-pdfplumber-*"):
        shutil.copy(f, out / ".cache")
    newest = {k: v for k, v in first.items() if k[0] in NEWEST}
    assert kept(newest, make(NEWEST, out, engine="pdfplumber")) == []
    monkeypatch.setattr("pipeline.store.build.__version__", "99.0.0")
    assert kept(newest, make(NEWEST, out)) == []
    assert json.loads((out / "manifest.json").read_text())["pipeline_version"] == "99.0.0"
    assert kept(first, read_map(out / MAP_NAME).ids) == []  # the older editions stay in the map


def test_an_override_that_merges_two_identities_keeps_the_survivor_and_retires_the_other(pdfium_build, monkeypatch):
    out = pdfium_build[1]
    t = {
        n: pq.read_table(out / f"{n}.parquet").to_pylist() for n in ("projects", "steps", "archive_printed", "editions")
    }
    eds = sorted(r["edition"] for r in t["editions"])
    first = reconcile(t["projects"], t["steps"], eds, t["archive_printed"])
    pid = {(r["edition"], r["project_number"]): r["project_id"] for r in first.identity}
    trans = pq.read_table(out / "transitions.parquet").to_pylist()
    gone = next(r for r in trans if r["to_edition"] == "2025-04" and r["kind"] in ("dropped", "completed_archived"))
    new = next(r for r in trans if r["to_edition"] == "2025-04" and r["kind"] == "new")
    old_id, new_id = gone["project_id"], new["project_id"]
    force = {(("2024-10", gone["from_number"]), ("2025-04", new["to_number"]))}
    monkeypatch.setattr("pipeline.across.reconcile._overrides", lambda: (force, set()))
    again = reconcile(t["projects"], t["steps"], eds, t["archive_printed"], known=first.idmap)
    now = {(r["edition"], r["project_number"]): r["project_id"] for r in again.identity}
    assert now[("2025-04", new["to_number"])] == old_id  # the id with more printings survives
    assert [(r["retired_id"], r["project_id"]) for r in again.retired] == [(new_id, old_id)]
    assert "forced by config/overrides.yaml" in again.retired[0]["reason"]
    assert {k: v for k, v in now.items() if v != pid[k]} == {("2025-04", new["to_number"]): old_id}
    assert new_id in again.idmap.retired and new_id not in again.idmap.ids.values()
    monkeypatch.setattr("pipeline.across.reconcile._overrides", lambda: (set(), set()))
    undone = reconcile(t["projects"], t["steps"], eds, t["archive_printed"], known=again.idmap)
    split = {(r["edition"], r["project_number"]): r["project_id"] for r in undone.identity}
    assert split[("2025-04", new["to_number"])] not in (old_id, new_id)  # a retired id is never given again
    assert [r["retired_id"] for r in undone.retired] == [new_id]


def test_an_upgrade_keeps_the_ids_of_a_build_made_before_the_map(make, tmp_path):
    import pyarrow as pa

    out = tmp_path / "p"
    make(NEWEST, out)
    t = pq.read_table(out / "identity.parquet")
    old = pa.array(["old-" + x for x in t.column("project_id").to_pylist()])
    pq.write_table(t.set_column(0, "project_id", old), out / "identity.parquet")
    (out / MAP_NAME).unlink()  # as nhr 0.3 left parsed/
    given = dict(zip(zip(t.column("edition").to_pylist(), t.column("project_number").to_pylist()), old.to_pylist()))
    assert kept(given, make(EDITIONS, out)) == []


def test_ids_are_whole_words(pdfium_build):
    ident = pq.read_table(pdfium_build[1] / "identity.parquet").to_pylist()
    for r in ident:
        assert len(r["project_id"]) <= 48 or "-" not in r["project_id"]
    from pipeline.across.ids import slug

    words = {w for r in ident for w in slug(r["title"], 10_000).split("-")}
    assert all(w in words or w.isdigit() for r in ident for w in r["project_id"].split("-"))


def test_an_override_in_the_config_merges_two_identities_in_a_build(make, tmp_path, monkeypatch, pdfium_build):
    trans = pq.read_table(pdfium_build[1] / "transitions.parquet").to_pylist()
    gone = next(r for r in trans if r["to_edition"] == "2025-04" and r["kind"] in ("dropped", "completed_archived"))
    new = next(r for r in trans if r["to_edition"] == "2025-04" and r["kind"] == "new")
    out = tmp_path / "p"
    first = make(NEWEST, out)
    conf = tmp_path / "conf"
    shutil.copytree(RAW.parent / "config", conf)
    (conf / "overrides.yaml").write_text(
        f'force:\n  - {{from: "2024-10:{gone["from_number"]}", to: "2025-04:{new["to_number"]}"}}\nforbid: []\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    later = make(NEWEST, out)
    survivor, retired = first[("2024-10", gone["from_number"])], first[("2025-04", new["to_number"])]
    assert later[("2025-04", new["to_number"])] == survivor
    assert kept(first, later, {retired: survivor}) == []
    rows = pq.read_table(out / "retired_ids.parquet").to_pylist()
    assert [(r["retired_id"], r["project_id"], r["edition"]) for r in rows] == [(retired, survivor, "2025-04")]
    assert "forced by config/overrides.yaml" in rows[0]["reason"]
