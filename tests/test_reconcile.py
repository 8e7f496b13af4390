"""Cross-edition identity against the answer key, and on editions perturbed on purpose."""

import copy
import csv
from collections import defaultdict

import pyarrow.parquet as pq
import pytest
from conftest import DATA

from pipeline.across.ids import map_bytes
from pipeline.across.reconcile import Linked, Prelinked, edition_items, link_editions, reconcile
from pipeline.model.rows import edition_rows
from pipeline.store.build import Chosen, Linking


def truth(name):
    return list(csv.DictReader(open(DATA / "truth" / name, encoding="utf-8")))


def groups(mapping):
    g = defaultdict(set)
    for k, v in mapping.items():
        g[v].add(k)
    return {frozenset(s) for s in g.values()}


@pytest.fixture(scope="module")
def tables(built):
    _, out = built
    return {
        n: pq.read_table(out / f"{n}.parquet").to_pylist()
        for n in ("identity", "projects", "steps", "archive_printed", "editions", "transitions")
    }


def test_every_link_matches_the_truth(tables):
    mine = {(r["edition"], r["project_number"]): r["project_id"] for r in tables["identity"]}
    key = {(r["edition"], r["number"]): r["stable_key"] for r in truth("identity.csv")}
    assert set(mine) == set(key)
    assert groups(mine) == groups(key)


def test_ids_are_deterministic(tables):
    eds = sorted(r["edition"] for r in tables["editions"])
    again = reconcile(tables["projects"], tables["steps"], eds, tables["archive_printed"]).identity
    assert [r["project_id"] for r in again] == [r["project_id"] for r in tables["identity"]]


def test_links_record_score_and_reason(tables):
    for r in tables["identity"]:
        assert r["match_reason"]
        assert (r["match_score"] is None) == (r["match_reason"] == "first appearance")


def _perturbed(tables):
    """2024-10 → a made-up next edition: sections reordered/renumbered, titles reworded, one project dropped."""
    base = [p for p in tables["projects"] if p["edition"] == "2025-04"]
    steps = [s for s in tables["steps"] if s["edition"] == "2025-04"]
    new, new_steps, expect = [], [], {}
    renum = {}
    by_section = defaultdict(list)
    for p in base:
        by_section[p["section"]].append(p)
    dropped = "1.4.2.3"  # leaves without an archive row
    for sec, ps in by_section.items():
        kept = [p for p in ps if p["project_number"] != dropped]
        for i, p in enumerate(reversed(kept), 1):  # reversed order: every index shifts
            renum[p["project_number"]] = f"{sec}.{i}"
    for k, p in enumerate(base):
        if p["project_number"] == dropped:
            continue
        q = copy.deepcopy(p)
        q["edition"] = "2025-10"
        q["project_number"] = renum[p["project_number"]]
        if k % 7 == 0:  # reworded titles
            words = q["title"].split()
            q["title"] = " ".join(words[::-1]) + " (fortgeschrieben)"
            q["list_title"] = None
        if k % 11 == 0:
            q["description"] = q["description"] + " Ergänzung zum neuen Stand mit weiteren Einzelheiten."
        new.append(q)
        expect[("2025-10", q["project_number"])] = ("2025-04", p["project_number"])
    for s in steps:
        if s["project_number"] in renum:
            t = dict(s, edition="2025-10", project_number=renum[s["project_number"]])
            new_steps.append(t)
    return new, new_steps, expect, dropped


def test_perturbed_edition_links_by_evidence(tables):
    new, new_steps, expect, dropped = _perturbed(tables)
    projects = [p for p in tables["projects"] if p["edition"] in ("2024-10", "2025-04")] + new
    steps = [s for s in tables["steps"] if s["edition"] in ("2024-10", "2025-04")] + new_steps
    rec = reconcile(projects, steps, ["2024-10", "2025-04", "2025-10"])
    ident = rec.identity
    pid = {(r["edition"], r["project_number"]): r["project_id"] for r in ident}
    wrong = [(k, v) for k, v in expect.items() if pid[k] != pid[v]]
    assert not wrong
    assert pid[("2025-04", dropped)] not in {pid[k] for k in expect}


def _as_reconciled(tables, pre=None):
    eds = sorted(r["edition"] for r in tables["editions"])
    stands = {r["edition"]: f"{r['stand']:%d.%m.%Y}" for r in tables["editions"]}  # as the report prints it
    rec = reconcile(tables["projects"], tables["steps"], eds, tables["archive_printed"], stands, pre=pre)
    return rec._replace(idmap=map_bytes(rec.idmap)), eds, stands


def test_links_worked_out_before_reconcile_are_the_links_it_makes(tables):
    want, eds, stands = _as_reconciled(tables)
    of = lambda name, ed: [r for r in tables[name] if r["edition"] == ed]  # noqa: E731
    items = {ed: edition_items(of("projects", ed), of("steps", ed))[ed] for ed in eds}
    pairs = {
        (a, b): link_editions(items[a], items[b], of("archive_printed", b), stands[a]) for a, b in zip(eds, eds[1:])
    }
    assert [r for r in want.identity if r["match_score"] is not None] and [k for k in want.archive_ids if k]
    assert _as_reconciled(tables, Prelinked(items, pairs))[0] == want
    cut = Prelinked({}, {(eds[0], eds[1]): Linked({}, [])})  # taken as given: no project of eds[1] linked
    assert _as_reconciled(tables, cut)[0].identity != want.identity
    half = Prelinked({e: i for e, i in items.items() if e < eds[3]}, {k: v for k, v in pairs.items() if k[0] < eds[2]})
    assert _as_reconciled(tables, half)[0] == want


def test_a_build_links_while_it_waits_only_what_rests_on_the_rows_it_writes(editions, tmp_path):
    paths = {e: tmp_path / f"{e}.pdf" for e in editions}
    order = sorted(editions, key=lambda e: (e != "2024-04", e), reverse=True)  # arriving out of edition order
    linking = Linking()
    for e in order:
        linking.add(paths[e], editions[e], edition_rows(editions[e], "0" * 64, "pdfplumber", "test"))
    assert {(a.stem, b.stem) for a, b in linking.pairs} >= set(zip(sorted(editions), sorted(editions)[1:]))
    chosen = [Chosen(editions[e], paths[e]) for e in sorted(editions)]
    assert linking.prelinked(chosen) == Prelinked({}, {})  # no rows the tables were made from yet
    linking.same = {paths[e] for e in editions if e != "2023-10"}  # as if de-hyphenation gave 2023-10 a new copy
    pre = linking.prelinked(chosen)
    assert sorted(pre.items) == sorted(e for e in editions if e != "2023-10")
    assert sorted(pre.pairs) == [
        (a, b) for a, b in zip(sorted(editions), sorted(editions)[1:]) if "2023-10" not in (a, b)
    ]


def test_a_second_file_of_an_edition_is_never_linked_to_itself(editions, tmp_path):
    linking = Linking()
    e = sorted(editions)[0]
    rows = edition_rows(editions[e], "0" * 64, "pdfplumber", "test")
    linking.add(tmp_path / "a.pdf", editions[e], rows)
    linking.add(tmp_path / "b.pdf", editions[e], rows)
    assert linking.pairs == {}
