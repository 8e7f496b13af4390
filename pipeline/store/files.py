"""Output side: atomic Parquet writes, the build lock and the manifest of what was built from what."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EnvError, LockedError

if TYPE_CHECKING:
    import pyarrow as pa
# pyarrow is imported where a table is written, not here: extraction workers load this module and never
# write a table (pyarrow and numpy are half of their start-up)

ENV_ERRNOS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EIO: "input/output error",
    errno.ENOTDIR: "not a directory",
    errno.EISDIR: "is a directory",
    errno.EMFILE: "too many open files",
}
READ_CHUNK = 1 << 20  # bytes read at a time when hashing a file
FSYNC_THREADS = 16  # files flushed at once, at most
LOCK_RETRY = 0.05  # s between tries of a lock another build holds


def env_error(e: OSError, path) -> EnvError:
    """An OSError of the machine as a one-line EnvError naming the path."""
    known = ENV_ERRNOS.get(e.errno) if e.errno is not None else None
    what = known or e.strerror or type(e).__name__
    where = f" at {e.filename}" if e.filename and str(e.filename) != str(path) else ""
    return EnvError(f"{path}: cannot write ({what}{where})")


def is_env(e: BaseException) -> bool:
    return isinstance(e, OSError) and e.errno in ENV_ERRNOS


def no_pandas_probe() -> None:
    """pyarrow imports pandas (0.4 s, a sixth of a pdfium build) the first time it converts a Python list,
    only to ask whether the list is a pandas object; nhr never hands it one. Answer that first question
    with pandas hidden: pyarrow then takes the plain path (and still imports pandas if a caller asks for it)."""
    import pyarrow as pa

    if "pandas" in sys.modules:
        return
    sys.meta_path.insert(0, _NoPandas)
    try:
        pa.array([0], pa.int64())
    finally:
        sys.meta_path.remove(_NoPandas)


class _NoPandas:
    """An import finder that says pandas is not there (see no_pandas_probe)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "pandas":
            raise ModuleNotFoundError("pandas hidden from pyarrow's probe", name=name)
        return None


def table(name: str, rows: list[dict]) -> pa.Table:
    """The rows of one table as a pyarrow Table of its schema (pipeline/model/schema.py)."""
    import pyarrow as pa

    from ..model.schema import schema

    no_pandas_probe()
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

    with ThreadPoolExecutor(max_workers=min(FSYNC_THREADS, len(paths))) as ex:
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
    import pyarrow.parquet as pq

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
def build_lock(out: Path, wait: bool = False, timeout: float | None = None):
    """One writer at a time per output directory (flock on out/.nhr.lock, opened close-on-exec so no
    child process can inherit it); `timeout` seconds of retrying before LockedError."""
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / ".nhr.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + (timeout or 0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"{out}: another nhr build is writing this directory; try again when it ends"
                    ) from None
                time.sleep(LOCK_RETRY)
        yield
    finally:
        os.close(fd)


# ---------------------------------------------------------------- the commit journal

JOURNAL = ".commit.json"
READER_LOCK_WAIT = 10  # s a reader waits for the lock to roll an interrupted commit forward


def fault(step: str) -> None:
    """Test hook: `NHR_FAULT=<step>` kills this process (SIGKILL) at that step of the build or the commit;
    `NHR_FAULT=bug:<step>` raises there instead, as a bug of nhr would."""
    value = os.environ.get("NHR_FAULT")
    if value == step:
        os.kill(os.getpid(), signal.SIGKILL)
    if value == f"bug:{step}":
        raise RuntimeError(f"NHR_FAULT={value} (a test hook)")


def file_facts(path: Path) -> dict:
    """SHA-256 and size of a file, as the manifest records them."""
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(READ_CHUNK), b""):
            h.update(chunk)
            n += len(chunk)
    return {"sha256": h.hexdigest(), "bytes": n}


def _safe_pair(src: str, dst: str) -> bool:
    """Journal entries name staged files of this directory only (a planted journal renames nothing else)."""
    plain = lambda n: isinstance(n, str) and n and "/" not in n and "\\" not in n and n not in (".", "..")
    return (
        bool(plain(src) and plain(dst)) and src.startswith(".") and src.endswith(".staged") and not dst.startswith(".")
    )


def read_journal(out: Path) -> list[tuple[str, str]] | None:
    """The renames of an interrupted commit, [] for an unusable journal, None when there is none."""
    try:
        data = json.loads((out / JOURNAL).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return []
    pairs = data.get("renames") if isinstance(data, dict) else None
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 and _safe_pair(*p) for p in pairs):
        return []
    return [tuple(p) for p in pairs]


def fsync_dir(out: Path) -> None:
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def apply_renames(out: Path, pairs) -> None:
    """Rename staged files into place (each one atomic), then flush the directory."""
    for k, (src, dst) in enumerate(pairs, 1):
        if (out / src).exists():
            os.replace(out / src, out / dst)
        fault(f"rename:{k}")
    fsync_dir(out)


def recover(out: Path) -> bool:
    """Under the lock: finish an interrupted commit (roll forward) and remove staged leftovers.
    A journal is only written once every staged file is on disk, so rolling forward is always complete;
    an unusable journal means the renames never started. True when something was rolled forward."""
    pairs = read_journal(out)
    if pairs:
        apply_renames(out, pairs)
    if pairs is not None:
        (out / JOURNAL).unlink()
        fsync_dir(out)
    for stray in list(out.glob(".*.staged")) + list(out.glob(".*.tmp")):
        with contextlib.suppress(FileNotFoundError):
            stray.unlink()
    return bool(pairs)


def commit_files(out: Path, staged: list[tuple[str, str]]) -> None:
    """Publish staged files (already flushed) atomically as a set: journal, renames, journal removed."""
    write_json(out / JOURNAL, {"renames": [list(p) for p in staged]})
    fault("journal")
    apply_renames(out, staged)
    fault("renamed")
    (out / JOURNAL).unlink()
    fsync_dir(out)


def verify(out: Path, manifest: dict) -> str | None:
    """None when every file the manifest lists has its recorded size and SHA-256, else the first problem."""
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return "manifest.json lists no file hashes (built by an older nhr)"
    for name, facts in sorted(files.items()):
        p = out / name
        try:
            if p.stat().st_size != facts.get("bytes") or file_facts(p) != facts:
                return f"{p} differs from what the build wrote (changed since?)"
        except OSError:
            return f"{p} is missing"
    return None


def ready(parsed: Path) -> None:
    """For readers: roll an interrupted commit forward (taking the lock briefly), or raise EnvError."""
    if not (parsed / JOURNAL).exists():
        return
    try:
        with build_lock(parsed, timeout=READER_LOCK_WAIT):
            recover(parsed)
    except LockedError as e:
        raise EnvError(f"{parsed}: a build is committing; try again in a moment") from e
    except OSError as e:
        why = (ENV_ERRNOS.get(e.errno) if e.errno is not None else None) or e.strerror
        raise EnvError(
            f"{parsed}: a build was interrupted while committing and this directory cannot be "
            f"repaired here ({why}); run 'nhr build' with write access"
        ) from e


def read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def commit(
    out: Path,
    built: dict,
    manifest: dict,
    extra: dict[str, bytes] | None = None,
    derived: dict[str, Callable[[Path, dict[str, Path]], Path]] | None = None,
) -> None:
    """Publish all tables, the `extra` files (name → bytes: the identity map), the `derived` ones (name → a
    writer that stages a file from the staged tables and returns its path: nhr.duckdb) and the manifest
    as one set: each is written under a staged name and flushed, then a journal names the renames, then
    they are renamed into place (the manifest last) and the journal removed. A process killed anywhere
    leaves either the old set or, once the journal exists, a commit every later build or reader rolls
    forward. A failure while staging removes what was staged."""
    out.mkdir(parents=True, exist_ok=True)
    recover(out)
    staged: list[tuple[str, str]] = []
    try:
        for name, tbl in built.items():
            src = f".{name}.parquet.staged"
            staged.append((src, f"{name}.parquet"))
            write_parquet(out / src, tbl, sync=False)
            fault("staging")
        for name, data in (extra or {}).items():
            staged.append((f".{name}.staged", name))
            write_bytes(out / f".{name}.staged", data, sync=False)
        tables = {dst[: -len(".parquet")]: out / src for src, dst in staged if dst.endswith(".parquet")}
        for name, write in (derived or {}).items():
            staged.append((write(out, tables).name, name))
        fsync_all(out / src for src, _ in staged)  # every staged file is on disk before the journal names it
        manifest = {**manifest, "files": {dst: file_facts(out / src) for src, dst in staged}}
        write_json(out / ".manifest.json.staged", manifest)
        staged.append((".manifest.json.staged", "manifest.json"))
    except BaseException as e:
        for stray in out.glob(".*.staged"):  # ours: the lock is held
            with contextlib.suppress(OSError):
                stray.unlink()
        if isinstance(e, OSError) and is_env(e):
            raise env_error(e, out) from None
        raise
    fault("staged")
    commit_files(out, staged)
