"""The extraction workers' forkserver started, light enough to be the first thing `nhr build` does: this module
imports nothing of nhr but the engines' roster, so the forkserver boots (a fresh interpreter importing the
extractors, ~0.25 s) while the build's own process is still importing its command line."""

from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path

from ..layout.engines import libraries

# what the forkserver imports once, so each worker forks with it loaded (with the libraries of the build's
# engine: pdfplumber only when it is used)
PRELOAD = [
    "pipeline.store.extracting",
    "pipeline.extract.edition",
    "pipeline.layout.reading",
    "pipeline.layout.engines.pdfium",
    "pipeline.extract.checks",
]
CACHE_ENTRIES = "*-{engine}-*.json.z"  # the extraction cache's entries of one engine (store/cache.py names them)


def start(engine: str = "pdfium") -> None:
    """Start the forkserver now, if it is not running: its interpreter boots and imports the extraction code
    while the build goes on (hashing, cache, its own imports). Started in safe-path mode, so neither it nor
    the resource tracker puts the working directory on `sys.path` (a `python -c` would, in front of all)."""
    from multiprocessing import forkserver

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([*PRELOAD, *libraries(engine)])
    saved = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if saved is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = saved


def nothing_built(out: Path, engine: str) -> bool:
    """No build in `out` and no cache entry of `engine` there: a build will extract every PDF (its workers
    can start before the build has hashed anything)."""
    cache = out / ".cache"
    return not (out / "manifest.json").exists() and not any(cache.glob(CACHE_ENTRIES.format(engine=engine)))
