"""nhr.duckdb opens in the oldest DuckDB docs/data.md names, with every table, key and comment.

That DuckDB lives in a small venv of its own under the test cache (.ci/run creates it; otherwise this test
does, with pip). Skipped only when pip cannot reach the package registry."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.model.schema import KEYS, TABLES
from pipeline.store.warehouse import OLDEST_DUCKDB

CACHE = Path(os.environ.get("NHR_TEST_CACHE", Path.home() / ".cache" / "nhr-tests"))
UNREACHABLE = (  # pip's words when the registry cannot be reached
    "No matching distribution",
    "Could not fetch",
    "NewConnectionError",
    "Network is unreachable",
    "timed out",
)

PROBE = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
q = lambda sql: con.execute(sql).fetchall()
print(json.dumps({
    "version": duckdb.__version__,
    "counts": {t: q(f"SELECT count(*) FROM {t}")[0][0] for (t,) in q("SELECT table_name FROM duckdb_tables()")},
    "table_comments": {t: c for t, c in q("SELECT table_name, comment FROM duckdb_tables()")},
    "uncommented": q("SELECT table_name, column_name FROM duckdb_columns() c JOIN duckdb_tables() USING (table_name) "
                     "WHERE c.comment IS NULL OR c.comment = ''"),
    "keys": sorted([t, k, list(c)] for t, k, c in q(
        "SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints() "
        "WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE')")),
    "views": q("SELECT count(*) FROM current_projects")[0][0],
}))
"""


@pytest.fixture(scope="session")
def old_duckdb() -> Path:
    """The python of a venv holding DuckDB OLDEST_DUCKDB (made once, kept in the test cache)."""
    venv = CACHE / f"duckdb-{OLDEST_DUCKDB}"
    py = venv / "bin" / "python"
    probe = [str(py), "-c", f"import duckdb; assert duckdb.__version__ == '{OLDEST_DUCKDB}'"]
    if py.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return py
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
    r = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", f"duckdb=={OLDEST_DUCKDB}"], capture_output=True, text=True
    )
    if r.returncode != 0:
        if any(w in r.stderr for w in UNREACHABLE):
            pytest.skip(f"pip cannot reach the package registry to install duckdb=={OLDEST_DUCKDB}")
        raise AssertionError(f"pip install duckdb=={OLDEST_DUCKDB} failed: {r.stderr.strip()[-500:]}")
    return py


@pytest.mark.parametrize("which", ["oldest", "installed"])
def test_nhr_duckdb_opens_with_keys_and_comments(which, request, pdfium_build):
    """In the oldest DuckDB docs/data.md names, and in the one nhr is installed with."""
    out = pdfium_build[1]
    py = str(request.getfixturevalue("old_duckdb")) if which == "oldest" else sys.executable
    r = subprocess.run([py, "-c", PROBE, str(out / "nhr.duckdb")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    if which == "oldest":
        assert got["version"] == OLDEST_DUCKDB
    assert got["counts"] == json.loads((out / "manifest.json").read_text())["counts"]
    assert set(got["table_comments"]) == set(TABLES) and all(got["table_comments"].values())
    assert got["uncommented"] == []
    want = sorted(
        [t, "PRIMARY KEY" if i == 0 else "UNIQUE", list(k)] for t, keys in KEYS.items() for i, k in enumerate(keys)
    )
    assert got["keys"] == want  # every key of schema.KEYS holds on the corpus, so each is declared
    assert got["views"] == 98


def test_the_oldest_duckdb_named_is_the_one_docs_state():
    assert f"DuckDB {OLDEST_DUCKDB}" in (Path(__file__).resolve().parent.parent / "docs" / "data.md").read_text()
