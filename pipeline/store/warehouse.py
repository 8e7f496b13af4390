"""parsed/nhr.duckdb for the data team: a copy of every Parquet table (Parquet stays the source of truth)
plus convenience views, rebuilt with every build; and the sandboxed database `nhr sql` queries."""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import TablesMissing, UsageError

log = logging.getLogger("nhr")

CONVENIENCE = {
    "current_projects": """
        SELECT p.* FROM projects p
        WHERE p.edition = (SELECT max(edition) FROM editions)""",
    "status_counts_by_theme_edition": """
        SELECT edition, theme, status, count(*) AS projects
        FROM projects GROUP BY ALL ORDER BY edition, theme, status""",
    "milestones_by_quarter": """
        SELECT edition, year(date_start) AS year, quarter(date_start) AS quarter, count(*) AS milestones
        FROM steps WHERE block = 'steps' AND date_start IS NOT NULL
          AND date_precision IN ('day', 'week', 'month', 'quarter')
        GROUP BY ALL ORDER BY edition, year, quarter""",
    "papers_by_body": """
        SELECT body_name, body_kind, paper_type, count(DISTINCT paper_reference) AS papers,
               count(*) AS consultations, min(date_start) AS first_date, max(date_start) AS last_date
        FROM committee WHERE body_name <> '' GROUP BY ALL ORDER BY consultations DESC""",
    "audit_findings_by_kind": """
        SELECT kind, severity, count(*) AS findings, count(DISTINCT project_id) AS projects,
               string_agg(DISTINCT coalesce(previous_edition || '→', '') || edition, ', ') AS editions
        FROM audit_findings GROUP BY ALL ORDER BY findings DESC, kind""",
}


VIEW_DOCS = {
    "current_projects": "The projects of the latest edition (with their project_id).",
    "status_counts_by_theme_edition": "Projects per edition, theme and status.",
    "milestones_by_quarter": "Milestones per edition and calendar quarter of their date (dates to a quarter or finer).",
    "papers_by_body": "Papers and consultations per body and paper type.",
    "audit_findings_by_kind": "Audit findings per kind and severity, with the projects and edition pairs.",
}
DUCKDB_STORAGE = "v1.1.0"  # the storage format nhr.duckdb is written in (ATTACH … STORAGE_VERSION)
OLDEST_DUCKDB = "1.1.0"  # the oldest DuckDB that opens it (tests/test_duckdb_compat.py; 1.0 cannot read keys)
NEW_WRITER = (1, 2)  # DuckDB versions from here on know STORAGE_VERSION; older ones write the old format anyway
# nhr.duckdb's columns stored as they are: its tables are small (a quarter MB as Parquet for six editions, the
# file ~9 MB of blocks either way) and DuckDB's choosing a compression per column was half of writing the file
COMPRESSION = "uncompressed"


def write_duckdb(out: Path, staged: dict[str, Path]) -> Path:
    """Create the DuckDB file under a staged name in `out` and return its path (the commit renames it).
    It holds a copy of every table (from the staged Parquet files, so it is part of the same commit and
    keeps working when parsed/ is moved or copied) with its keys and comments, plus the convenience views;
    written in the storage format of DuckDB DUCKDB_STORAGE, so DuckDB OLDEST_DUCKDB and newer open it."""
    draft = Draft(out, start=False)
    draft.begin(sorted(staged), staged)
    return draft.finish(out, staged)


class Draft:
    """nhr.duckdb begun before its rows exist (a build starts it while its workers extract, in a thread:
    DuckDB works without the GIL): every table declared with all its keys and every column commented, the
    views made; then each table's rows added as the build hands it over (`feed`, the Arrow table it is about
    to write as Parquet), while the build converts and writes the next. `finish`, the commit's writer, adds
    the rows of any table not fed from its staged Parquet file and stages the file in the output folder, the
    same file write_duckdb makes. A build's draft lives in the temporary folder (`where`), so a build killed
    while it extracts leaves the output folder byte-unchanged."""

    def __init__(self, where: Path | None = None, start: bool = True):
        self.where = where
        self.path: Path | None = None
        self.con: Any = None
        self.error: BaseException | None = None
        self.names: list[str] = []
        self.filled: set[str] = set()
        self.sealed = False
        self.fed: queue.SimpleQueue = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        if start:
            from ..model.schema import TABLES

            self.thread = threading.Thread(target=self._draft_quietly, args=(sorted(TABLES),), daemon=True)
            self.thread.name = "nhr-duckdb"
            self.thread.start()

    def feed(self, tables: dict[str, Any]) -> None:
        """The rows of these tables (name → a pyarrow Table, as it will be written), added in the draft's thread
        (all at once: each statement the thread runs waits its turn for the interpreter while the build works)."""
        self.fed.put(dict(tables))

    def fed_all(self) -> None:
        """Every table of the build is fed: the draft's thread completes the file (committed, detached) while
        the build writes its Parquet files; finish() then only stages it."""
        self.fed.put(SEAL)

    def _draft_quietly(self, names: list[str]) -> None:
        """begin, then fill each table fed until told to stop (None) or to complete the file (SEAL); an error
        stops the draft, for finish() to report in the build's own thread."""
        try:
            self.begin(names)
            while (item := self.fed.get()) is not None:
                if item is SEAL:
                    self._seal(self.filled, {})
                    return
                for name, rows in item.items():
                    self.con.register(fed_view(name), rows)
                _fill(self.con, {name: fed_view(name) for name in item})
                self.filled.update(item)
                # written to the file now, while the build works out the next tables: the last checkpoint,
                # when the file is completed, then has little left to write
                self.con.execute("COMMIT; CHECKPOINT; BEGIN TRANSACTION")
        except BaseException as e:
            self.error = e

    def _stop(self) -> None:
        """The draft's thread told there is no more to feed, and waited for."""
        if self.thread is not None:
            self.fed.put(None)
            self.thread.join()

    def begin(self, names: list[str], staged: dict[str, Path] | None = None) -> None:
        """Declare the tables `names` (all keys), comment their columns, make the views; one transaction.
        Each column typed as DuckDB reads the table's `staged` Parquet file or, before it exists, an empty
        one of the table's schema."""
        import duckdb

        # a build's draft in the temporary folder; in the output folder, a staged file its recovery removes
        suffix = DRAFT_SUFFIX if self.thread is not None else STAGED_SUFFIX
        fd, tmp = tempfile.mkstemp(prefix=".nhr.", suffix=suffix, dir=self.where)
        os.close(fd)
        os.unlink(tmp)  # duckdb wants to create the file itself
        self.path = Path(tmp)
        self.names = names
        con = self.con = duckdb.connect(":memory:")
        version = tuple(int(x) for x in re.findall(r"\d+", duckdb.__version__)[:2])
        opt = f" (STORAGE_VERSION '{DUCKDB_STORAGE}')" if version >= NEW_WRITER else ""
        con.execute(f"ATTACH {_quote(str(self.path))} AS nhr{opt}")
        con.execute(f"SET force_compression = {_quote(COMPRESSION)}")
        con.execute("USE nhr")
        con.execute("BEGIN TRANSACTION")  # one commit: each statement on its own costs a write (~2 ms)
        with tempfile.TemporaryDirectory(prefix="nhr-types-") as d:
            typed = _columns(con, {name: (staged or {}).get(name) or _empty_table(name, Path(d)) for name in names})
        script = [sql for name in names for sql in _declaration(name, typed[name], _keys(name))]
        for name, sql in CONVENIENCE.items():
            script += [f"CREATE VIEW {name} AS {sql}", f"COMMENT ON VIEW {name} IS {_quote(VIEW_DOCS[name])}"]
        con.execute(";\n".join(script))  # one statement's turn: the build's thread holds the interpreter meanwhile

    def finish(self, out: Path, staged: dict[str, Path]) -> Path:
        """The rows of the staged Parquet files added, each table's comment written: the staged file's path.
        A build's draft is a head start only: when it could not begin or be completed where it lives (the
        temporary folder full, say), the file is made afresh in `out`, and any error told as usual."""
        if self.thread is None:
            return self._complete(out, staged)
        self._stop()
        if self.error is None:
            try:
                return self._complete(out, staged)
            except Exception as e:
                self.error = e
        log.info("nhr.duckdb written afresh: its draft failed (%s)", self.error)
        self.discard()
        return write_duckdb(out, staged)

    def _complete(self, out: Path, staged: dict[str, Path]) -> Path:
        if not self.sealed:
            self._seal(set(staged), staged)
        elif self.filled != set(staged):
            raise ValueError(f"the draft holds the tables {sorted(self.filled)}, the build stages {sorted(staged)}")
        fd, tmp = tempfile.mkstemp(prefix=".nhr.", suffix=STAGED_SUFFIX, dir=out)
        os.close(fd)
        shutil.move(str(self.path), tmp)  # a rename, or a copy from another file system
        return Path(tmp)

    def _seal(self, keep: set[str], staged: dict[str, Path]) -> None:
        """The tables `keep` given the rows not fed yet (from their `staged` Parquet files), every other
        declared table dropped (this build has no such table), the file committed and detached."""
        con = self.con
        for name in sorted(set(self.names) - keep):
            con.execute(f"DROP TABLE {name}")
        _fill(
            con,
            {name: f"read_parquet({_quote(str(Path(staged[name]).resolve()))})" for name in sorted(keep - self.filled)},
        )
        con.execute("COMMIT")
        con.execute("USE memory")
        con.execute("DETACH nhr")
        self.close()
        self.sealed = True

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def discard(self) -> None:
        """Drop a draft the build did not commit (it failed, or had nothing to write)."""
        self._stop()
        self.close()
        for f in (self.path, Path(f"{self.path}.wal")) if self.path else ():
            with contextlib.suppress(FileNotFoundError):
                f.unlink()


DRAFT_SUFFIX = ".duckdb.draft"
SEAL = object()  # fed to the draft: no more tables, complete the file
STAGED_SUFFIX = ".duckdb.staged"  # files.recover removes ".*.staged" files a killed commit left


def _quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _keys(name: str) -> list[tuple[str, ...]]:
    from ..model.schema import KEYS

    return list(KEYS.get(name, []))


def _empty_table(name: str, folder: Path) -> Path:
    """An empty Parquet file of the table's schema in `folder`: typed as the build's file will be."""
    import pyarrow.parquet as pq

    from ..model.schema import schema
    from .files import no_pandas_probe

    no_pandas_probe()  # pyarrow would import pandas (0.35 s) to look for it
    path = folder / f"{name}.parquet"
    pq.write_table(schema(name).empty_table(), path)
    return path


def _columns(con, files: dict[str, Path]) -> dict[str, list[tuple[str, str]]]:
    """(column, DuckDB type) of each table's Parquet file as DuckDB reads it, in the file's column order (one
    query for all)."""
    import pyarrow.parquet as pq

    query = " UNION ALL ".join(
        f"SELECT {_quote(name)}, column_name, column_type "
        f"FROM (DESCRIBE SELECT * FROM read_parquet({_quote(str(Path(path).resolve()))}))"
        for name, path in files.items()
    )
    types = {(n, c): t for n, c, t in con.execute(query).fetchall()}
    return {name: [(c, types[(name, c)]) for c in pq.read_schema(path).names] for name, path in files.items()}


def _declaration(name: str, cols: list[tuple[str, str]], keys: list[tuple[str, ...]]) -> list[str]:
    """CREATE TABLE with its columns and `keys` (the first the primary key), and a comment on every column."""
    from ..model.schema import TABLES

    decl = [f'"{c}" {t}' for c, t in cols]
    decl += [("PRIMARY KEY" if i == 0 else "UNIQUE") + f" ({', '.join(k)})" for i, k in enumerate(keys)]
    comments = [f'COMMENT ON COLUMN {name}."{c[0]}" IS {_quote(c[2])}' for c in TABLES[name]]
    return [f"CREATE TABLE {name} ({', '.join(decl)})", *comments]


def _fill(con, sources: dict[str, str]) -> None:
    """Declared tables' rows from their sources (name → its Parquet file read, or a view of its rows), in two
    statements however many tables: one query checks every key, one script inserts the rows and writes each
    table's comment, which says which key holds and which does not. A table whose rows break a key is declared
    again without it first."""
    from ..model.schema import SCHEMA_VERSION, TABLE_DOCS

    holding = _holding(con, sources)
    script = []
    for name, src in sources.items():
        declared = _keys(name)
        keys = holding.get(name, [])
        broken = [k for k in declared if k not in keys]
        if broken:
            cols = [(c, t) for c, t, *_ in con.execute(f"DESCRIBE {name}").fetchall()]
            con.execute(";\n".join([f"DROP TABLE {name}", *_declaration(name, cols, keys)]))
        note = f" Key: ({', '.join(keys[0])})." if keys else ""
        note += "".join(f" Key ({', '.join(k)}) not declared: this build's rows break it." for k in broken)
        script.append(f"INSERT INTO {name} SELECT * FROM {src}")
        script.append(
            f"COMMENT ON TABLE {name} IS {_quote(TABLE_DOCS[name] + note + f' Schema version {SCHEMA_VERSION}.')}"
        )
    if script:
        con.execute(";\n".join(script))


def _holding(con, sources: dict[str, str]) -> dict[str, list[tuple[str, ...]]]:
    """For each table (name → source), the declared keys its rows hold: their columns never null, no two rows
    sharing their values (one query for all)."""
    parts = []
    for name, src in sources.items():
        if not (keys := _keys(name)):
            continue
        held = ", ".join(
            f"count(DISTINCT row({', '.join(k)})) = count(*) "
            f"AND count(*) FILTER (WHERE {' OR '.join(f'{c} IS NULL' for c in k)}) = 0"
            for k in keys
        )
        parts.append(f"SELECT {_quote(name)}, [{held}]::BOOLEAN[] FROM {src}")
    rows = con.execute(" UNION ALL ".join(parts)).fetchall() if parts else []
    return {name: [k for k, ok in zip(_keys(name), held) if ok] for name, held in rows}


def fed_view(name: str) -> str:
    """The name a fed table's rows are seen under while they are added."""
    return f"nhr_fed_{name}"


SANDBOX = [
    "SET enable_external_access = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET lock_configuration = true",
]
TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _tables(parsed: Path) -> list[str]:
    """The tables of this --parsed directory (from its manifest, else its Parquet files)."""
    from .files import read_manifest

    names = read_manifest(parsed).get("tables") or [p.stem for p in sorted(parsed.glob("*.parquet"))]
    names = [n for n in names if isinstance(n, str) and TABLE_NAME.match(n) and (parsed / f"{n}.parquet").is_file()]
    if not names:
        raise TablesMissing(f"{parsed}: no tables found: run 'nhr build' first (or pass --parsed DIR)")
    return names


def connect(parsed: Path, unsafe: bool = False):
    """An in-memory DuckDB with one table per Parquet file of `parsed` plus the convenience views.
    Safe by default: the tables are copied in, then file access, extension install/autoload and further
    configuration changes are switched off, so a query can read nothing else and write nothing at all.
    `unsafe=True` gives views over the files instead, with DuckDB's full powers (for power users)."""
    import duckdb

    con = duckdb.connect(":memory:")
    kind = "VIEW" if unsafe else "TABLE"
    for t in _tables(parsed):
        path = str((parsed / f"{t}.parquet").resolve()).replace("'", "''")
        con.execute(f"CREATE {kind} {t} AS SELECT * FROM read_parquet('{path}')")
    for name, sql in CONVENIENCE.items():
        con.execute(f"CREATE VIEW {name} AS {sql}")
    if not unsafe:
        for stmt in SANDBOX:
            con.execute(stmt)
    return con


def _first_line(e: Exception) -> str:
    """An error's first line (DuckDB's messages run over several)."""
    return (str(e).splitlines() or [type(e).__name__])[0]


class Answer(NamedTuple):
    """A query's result: the column names and the rows (tuples, in column order)."""

    columns: list[str]
    rows: list[tuple]


def query(parsed: Path, sql: str, unsafe: bool = False) -> Answer:
    """Run SQL against the tables of `parsed` (sandboxed unless `unsafe`).
    DuckDB's own errors (parser, binder, a refused file access, a damaged table) are a UsageError."""
    import duckdb

    try:
        con = connect(parsed, unsafe)
    except duckdb.Error as e:
        raise UsageError(f"query failed: {_first_line(e)}") from e
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return Answer([], [])
        return Answer([d[0] for d in cur.description], cur.fetchall())
    except duckdb.Error as e:
        raise UsageError(f"query failed: {_first_line(e)}") from e
    finally:
        con.close()
