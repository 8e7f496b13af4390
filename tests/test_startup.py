"""Issue 21, the fast engine's fixed costs: what a build imports where. The workers' forkserver loads the
extraction code only (no pyarrow, numpy, pandas or DuckDB: a third of its boot), and a build's parent never
loads pandas (0.4 s) — pyarrow pulls it in through pyarrow.dataset, which reading a Parquet file with
pq.read_table imports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from conftest import pdf_of

TABLE_LIBRARIES = ("pyarrow", "numpy", "pandas", "duckdb")

PRELOADED = """
import json, sys
from pipeline.layout.engines import libraries
from pipeline.store.boot import PRELOAD
for name in [*PRELOAD, *libraries("pdfium")]:
    __import__(name)
print(json.dumps(sorted(m for m in sys.argv[1:] if m in sys.modules)))
"""

BUILT = """
import json, sys
from pipeline.surfaces.cli import main
raw, out = sys.argv[1:3]
sys.argv = ["nhr", "build", "--raw", raw, "--out", out, "--engine", "pdfium", "--quiet"]
try:
    main()
except SystemExit as e:
    assert not e.code, e.code
print(json.dumps(sorted(m for m in ("pandas", "pyarrow.dataset") if m in sys.modules)))
"""


def run(code: str, *args) -> list[str]:
    r = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_the_forkserver_of_the_fast_engine_loads_no_table_library():
    """Everything the forkserver preloads for `--engine pdfium`, imported in a fresh interpreter: none of the
    table libraries come with it."""
    assert run(PRELOADED, *TABLE_LIBRARIES) == []


def test_a_build_and_its_rebuilds_never_load_pandas(tmp_path):
    """A fresh build, a rebuild from the cache (manifest gone) and a no-op rebuild, each in its own
    interpreter with the command's own code: pandas (and pyarrow.dataset) never loaded in the parent. Only
    the first finds nothing built (its workers start early)."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for e in ("2022-10", "2023-04"):
        shutil.copy(pdf_of(e), raw)
    from pipeline.store.boot import nothing_built

    assert nothing_built(out, "pdfium")  # a new folder: the command starts the workers before the build's imports
    assert run(BUILT, raw, out) == []
    assert not nothing_built(out, "pdfium")
    (out / "manifest.json").unlink()
    assert not nothing_built(out, "pdfium") and nothing_built(out, "pdfplumber")  # the cache can serve pdfium
    assert run(BUILT, raw, out) == []
    assert run(BUILT, raw, out) == []
    assert (out / "projects.parquet").exists() and (out / "nhr.duckdb").exists()
