"""Output side: atomic Parquet writes, the build lock and the manifest of what was built from what."""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .schema import schema


class LockedError(Exception):
    pass


def table(name: str, rows: list[dict]) -> pa.Table:
    sch = schema(name)
    cols = {f.name: [r.get(f.name) for r in rows] for f in sch}
    arrays = []
    for f in sch:
        if pa.types.is_dictionary(f.type):
            arrays.append(pa.array(cols[f.name], pa.string()).dictionary_encode().cast(f.type))
        else:
            arrays.append(pa.array(cols[f.name], f.type))
    return pa.Table.from_arrays(arrays, schema=sch)


def fsync_all(paths) -> None:
    """Flush files to disk, all at once: concurrent fsyncs share the file system's journal commits
    (one after another they cost ~20 ms each here, a quarter of a pdfium build)."""
    def sync(p):
        with open(p, "rb") as f:
            os.fsync(f.fileno())
    paths = list(paths)
    if len(paths) <= 1:
        for p in paths:
            sync(p)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(16, len(paths))) as ex:
        list(ex.map(sync, paths))


def _atomic(path: Path, write, sync: bool = True) -> None:
    """Write via a temporary file in the same directory and rename it into place; `sync=False` when
    the caller flushes (`fsync_all`) before relying on the file, or the file can be regenerated."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        if sync:
            fsync_all([tmp])
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_parquet(path: Path, tbl: pa.Table, sync: bool = True) -> None:
    """Write to a temp file in the same directory, then rename into place."""
    _atomic(path, lambda tmp: pq.write_table(tbl, tmp, compression="zstd"), sync)


def write_json(path: Path, data, sync: bool = True) -> None:
    def w(tmp):
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1, default=str)
    _atomic(path, w, sync)


def write_bytes(path: Path, data: bytes, sync: bool = True) -> None:
    def w(tmp):
        with open(tmp, "wb") as f:
            f.write(data)
    _atomic(path, w, sync)


@contextlib.contextmanager
def build_lock(out: Path, wait: bool = False):
    """One build at a time per output directory (flock on out/.nhr.lock)."""
    out.mkdir(parents=True, exist_ok=True)
    f = open(out / ".nhr.lock", "w")
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise LockedError(f"{out}: another nhr build is writing this directory; try again when it ends")
        yield
    finally:
        f.close()


def read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
