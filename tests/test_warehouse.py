"""nhr.duckdb begun while the workers extract (warehouse.Draft), its rows fed as the build converts each table,
is the database write_duckdb makes from the staged tables alone: the same tables, types, keys, comments, views
and rows, also when the rows break a key, when only some tables were fed, or when what was fed is not what is
staged; and a build that fails or is killed while it extracts leaves no draft in its output folder."""

from __future__ import annotations

import shutil

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from conftest import RAW, pdf_of

from pipeline.model.schema import KEYS
from pipeline.store.build import build
from pipeline.store.warehouse import Draft, write_duckdb


def contents(db) -> dict:
    """Everything a reader of the file sees: tables and their comments, columns with types and comments,
    constraints, views, and every row."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = {
            "tables": "SELECT table_name, comment FROM duckdb_tables() ORDER BY ALL",
            "columns": "SELECT table_name, column_index, column_name, data_type, comment FROM duckdb_columns() "
            "ORDER BY ALL",
            "keys": "SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints() "
            "WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') ORDER BY ALL",
            "views": "SELECT view_name, sql, comment FROM duckdb_views() WHERE NOT internal ORDER BY ALL",
        }
        got = {k: con.execute(v).fetchall() for k, v in q.items()}
        for name, _ in got["tables"]:
            got[name] = con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
        return got
    finally:
        con.close()


def both_ways(staged: dict, where) -> tuple[dict, dict]:
    """The database from scratch and from a draft begun before the rows (in a thread, as a build does)."""
    scratch, drafted = where / "scratch", where / "drafted"
    scratch.mkdir()
    drafted.mkdir()
    draft = Draft(where)
    return contents(write_duckdb(scratch, staged)), contents(draft.finish(drafted, staged))


def finished_and_scratch(draft: Draft, staged: dict, where) -> tuple[dict, dict]:
    """The draft's database as its commit finishes it, and the one write_duckdb makes from the staged tables."""
    (where / "a").mkdir()
    (where / "b").mkdir()
    return contents(draft.finish(where / "a", staged)), contents(write_duckdb(where / "b", staged))


def test_a_draft_makes_the_database_write_duckdb_makes(pdfium_build, tmp_path):
    _, out = pdfium_build
    staged = {p.stem: p for p in out.glob("*.parquet")}
    scratch, drafted = both_ways(staged, tmp_path)
    assert scratch == drafted
    assert len(scratch["keys"]) >= len(KEYS) and scratch["projects"]  # real keys, real rows
    assert not list(tmp_path.glob(".*.draft"))
    # each column typed as DuckDB reads the table's own Parquet file (the types are declared before it exists)
    con = duckdb.connect()
    for name, path in staged.items():
        want = [(c, t) for c, t, *_ in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]
        assert [(c, t) for _, _, c, t, _ in (r for r in scratch["columns"] if r[0] == name)] == want, name


def test_a_draft_that_could_not_begin_is_made_at_the_commit(pdfium_build, tmp_path):
    _, out = pdfium_build
    staged = {p.stem: p for p in out.glob("*.parquet")}
    draft = Draft(tmp_path / "no-such-folder")  # its thread fails: the commit's writer starts afresh
    finished, scratch = finished_and_scratch(draft, staged, tmp_path)
    assert finished == scratch


def test_a_key_the_rows_break_is_dropped_both_ways(pdfium_build, tmp_path):
    _, out = pdfium_build
    staged = {p.stem: p for p in out.glob("*.parquet")}
    projects = pq.read_table(staged["projects"])
    staged["projects"] = tmp_path / "projects.parquet"
    pq.write_table(pa.concat_tables([projects, projects.slice(0, 1)]), staged["projects"])  # one row twice
    scratch, drafted = both_ways(staged, tmp_path)
    assert scratch == drafted
    assert not [k for k in scratch["keys"] if k[0] == "projects"]
    comment = dict(scratch["tables"])["projects"]
    assert "not declared: this build's rows break it" in comment


def test_a_failed_build_leaves_no_draft(tmp_path, monkeypatch):
    drafts = []

    def begin(self, names, real=Draft.begin):
        try:
            real(self, names)
        finally:
            drafts.append(self.path)

    monkeypatch.setattr(Draft, "begin", begin)
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(pdf_of("2022-10"), raw)
    (raw / "nachhaltigkeitsreport-2023-04.pdf").write_bytes(pdf_of("2023-04").read_bytes()[:40_000])  # truncated
    out = tmp_path / "out"
    try:
        build(raw, out, jobs=1, engine="pdfium")
    except Exception as e:
        assert "nachhaltigkeitsreport-2023-04.pdf" in str(e)
    else:
        raise AssertionError("a truncated edition was built")
    assert drafts, "the build failed before its workers started: no draft to clean up"
    assert not [p for p in drafts if p.exists()] and not list(out.glob("*duckdb*"))


def test_a_draft_that_cannot_be_completed_is_made_at_the_commit(pdfium_build, tmp_path):
    _, out = pdfium_build
    staged = {p.stem: p for p in out.glob("*.parquet")}
    draft = Draft(tmp_path)

    def full(out, staged):
        raise OSError(28, "No space left on device")  # the temporary folder full while the rows go in

    draft._complete = full  # type: ignore[method-assign]
    finished, scratch = finished_and_scratch(draft, staged, tmp_path)
    assert finished == scratch
    assert not draft.path.exists()


def test_a_build_writes_the_database_its_own_parquet_files_make(pdfium_build, tmp_path):
    _, out = pdfium_build
    staged = {p.stem: p for p in out.glob("*.parquet")}
    assert contents(out / "nhr.duckdb") == contents(write_duckdb(tmp_path, staged))
    con = duckdb.connect(str(out / "nhr.duckdb"), read_only=True)  # stored as is: choosing a compression cost more
    kinds = {c for (c,) in con.execute("SELECT DISTINCT compression FROM pragma_storage_info('steps')").fetchall()}
    con.close()
    assert "Uncompressed" in kinds and kinds <= {"Uncompressed", "Constant"}  # constant: a column all one value


def fed(draft: Draft, staged: dict, names) -> Draft:
    names = list(names)
    draft.feed({name: pq.read_table(staged[name]) for name in names[:2]})  # in batches, as a build feeds it
    draft.feed({name: pq.read_table(staged[name]) for name in names[2:]})
    return draft


def test_a_draft_fed_every_table_is_completed_before_the_commit_asks(pdfium_build, tmp_path):
    _, out = pdfium_build
    staged = {p.stem: p for p in out.glob("*.parquet")}
    draft = fed(Draft(tmp_path), staged, sorted(staged))
    draft.fed_all()
    draft.thread.join()
    assert draft.sealed and draft.error is None and draft.con is None  # committed and detached in its thread
    finished, scratch = finished_and_scratch(draft, staged, tmp_path)
    assert finished == scratch


def test_a_draft_fed_some_tables_takes_the_others_from_their_files(pdfium_build, tmp_path):
    _, out = pdfium_build
    staged = {p.stem: p for p in out.glob("*.parquet")}
    draft = fed(Draft(tmp_path), staged, ["projects", "steps"])
    finished, scratch = finished_and_scratch(draft, staged, tmp_path)
    assert draft.filled == {"projects", "steps"} and not draft.error
    assert finished == scratch


def test_a_draft_completed_with_other_tables_than_staged_is_made_afresh(pdfium_build, tmp_path):
    _, out = pdfium_build
    staged = {p.stem: p for p in out.glob("*.parquet")}
    draft = fed(Draft(tmp_path), staged, sorted(staged)[1:])  # one table never fed
    draft.fed_all()
    finished, scratch = finished_and_scratch(draft, staged, tmp_path)
    assert isinstance(draft.error, ValueError)  # said with -v: "nhr.duckdb written afresh: …"
    assert finished == scratch
    assert not list(tmp_path.glob(".*.draft"))


def test_which_keys_the_rows_hold(monkeypatch):
    from pipeline.store import warehouse

    keys = {"t": [("i",), ("s",), ("s", "u"), ("n",), ("u", "i")], "e": [("i",), ("s", "u")], "k": []}
    monkeypatch.setattr(warehouse, "_keys", lambda name: keys[name])
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT * FROM (VALUES (1, 'a', 'x', 1), (2, 'a', 'y', NULL), (3, 'b', 'x', 3)) v(i, s, u, n)"
    )
    got = warehouse._holding(con, {"t": "t", "e": "(SELECT * FROM t WHERE false)", "k": "t"})
    assert got == {"t": [("i",), ("s", "u"), ("u", "i")], "e": keys["e"]}  # s repeats, n has a null; no rows break none
    assert warehouse._holding(con, {}) == {}


def test_a_build_completes_its_draft_without_falling_back(pdfium_build, tmp_path, monkeypatch):
    """A build's nhr.duckdb is its draft's (fed table by table, completed in its thread), never the fallback made
    afresh at the commit: were the draft to fail, this build would (the fallback is what fails here)."""
    from pipeline.store import warehouse

    out = tmp_path / "out"
    out.mkdir()
    shutil.copytree(pdfium_build[1] / ".cache", out / ".cache")  # every edition from the cache: no PDF read

    def afresh(*args, **kwargs):
        raise AssertionError("nhr.duckdb written afresh: the build's draft failed")

    monkeypatch.setattr(warehouse, "write_duckdb", afresh)
    res = build(RAW, out, jobs=1, engine="pdfium")
    assert res.extracted == [] and len(res.cached) == 6
    monkeypatch.undo()
    staged = {p.stem: p for p in out.glob("*.parquet")}
    assert contents(out / "nhr.duckdb") == contents(write_duckdb(tmp_path, staged))


def test_the_editions_just_read_are_cached_even_when_their_tables_fail(tmp_path, monkeypatch):
    from pipeline.store import build as b

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(pdf_of("2022-10"), raw)

    def broken(name, rows):
        raise RuntimeError(f"a bug converting {name}")

    monkeypatch.setattr(b, "table", broken)
    try:
        build(raw, tmp_path / "out", jobs=1, engine="pdfium")
    except RuntimeError as e:
        assert "a bug converting" in str(e)
    else:
        raise AssertionError("the build went on without its tables")
    assert len(list((tmp_path / "out" / ".cache").glob("*-pdfium-*.json.z"))) == 1  # read again? no: cached
    assert not list((tmp_path / "out").glob("*.parquet"))
