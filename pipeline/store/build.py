"""The build: extract every PDF once (cached by content hash), then write all tables atomically."""

from __future__ import annotations

import hashlib
import importlib
import logging
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .. import __version__
from ..across.ids import MAP_NAME, IdMap, from_identity_table, map_bytes, read_map
from ..config import Limits, config_dir, config_hash, identity_map_path
from ..config import limits as load_limits
from ..errors import DuplicateEditionError, RemoteTraceback, WorkerError
from ..extract import hyphens
from ..model.records import Edition
from ..model.rows import edition_rows
from ..model.version import SCHEMA_VERSION
from .boot import start as start_workers
from .cache import cache_file, cache_key, code_hash, entries, from_cache, seal
from .extracting import (  # noqa: F401 (re-exported: the build's callers and tests name them here)
    MIN_READABLE,
    Failure,
    Job,
    Outcome,
    _work,
    extract_checked,
    limit_problem,
    refuse_unreadable,
    repeated_anomaly,
)
from .files import (
    READ_CHUNK,
    commit,
    env_error,
    fault,
    no_pandas_probe,
    read_manifest,
    recover,
    table,
    verify,
    write_bytes,
)
from .inputs import (
    EXIT_INTERNAL,
    EXIT_LIMIT,
    EXIT_UNREADABLE,
    InputError,
    engine_errors,  # noqa: F401 (re-exported)
    usable_pdfs,
)
from .stopping import pages_told, sigint_held, stop
from .warehouse import Draft, write_duckdb
from .workers import origin, page_pipe
from .workers import pool as worker_pool

if TYPE_CHECKING:
    from ..across.reconcile import Item, Linked, Prelinked

log = logging.getLogger("nhr")
PER_EDITION = ["editions", "projects", "steps", "committee", "list_rows", "archive_printed", "anomalies"]


class Snapshot(NamedTuple):
    """A PDF's private copy and the SHA-256 of its bytes."""

    copy: Path
    digest: str


class Editions(NamedTuple):
    """Every PDF's Edition, and the ones extracted in this run (not from the cache)."""

    every: dict[Path, Edition]
    fresh: dict[Path, Edition]


class Chosen(NamedTuple):
    """The one Edition of an edition id, and the file it was read from."""

    edition: Edition
    path: Path


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(READ_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def check_size(path: Path, size: int, limits: Limits) -> None:
    """A PDF of `size` bytes over `limits.bytes_per_file` is refused (EXIT_LIMIT) before it is read."""
    if size > limits.bytes_per_file:
        raise InputError(
            path, f"{size} bytes, more than the limit of {limits.bytes_per_file} (limits.bytes_per_file)", EXIT_LIMIT
        )


def snapshot(path: Path, digest: str | None, into: Path, limits: Limits) -> Snapshot:
    """Read a PDF once into a private copy (same file name) and hash those bytes: what is parsed is what
    is hashed, even when the original is replaced mid-build. With `digest`, the copy must match it."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # never block on a FIFO or read a device
            raise InputError(path, "not a regular file (a FIFO, device or directory)", EXIT_UNREADABLE)
        check_size(path, st.st_size, limits)
        data = path.read_bytes()
    except OSError as e:
        raise InputError(path, f"cannot read file ({e.strerror})", EXIT_UNREADABLE) from e
    got = hashlib.sha256(data).hexdigest()
    if digest is not None and got != digest:
        raise InputError(
            path, "file changed while nhr was reading it; run the build again when it is complete", EXIT_UNREADABLE
        )
    into.mkdir(parents=True, exist_ok=True)
    copy = into / path.name
    copy.write_bytes(data)
    return Snapshot(copy, got)


def raise_bug(o: Outcome) -> None:
    """A bug of nhr in a worker, raised in the parent as one (exit 1) with the worker's traceback as its cause."""
    assert o.error is not None
    raise WorkerError(o.error.message) from RemoteTraceback(o.trace)


def heard(o: Outcome) -> None:
    """Log (shown with -v) what the PDF libraries said while the worker read this file."""
    for line in o.said:
        log.info("%s: %s", o.file, line)


def extract_isolated(path: Path, engine: str, jobs: int, limits: Limits) -> Edition:
    """One PDF read once and extracted in a limited worker process (what `nhr extract` runs)."""
    with tempfile.TemporaryDirectory(prefix="nhr-inputs-") as snap:
        copy = snapshot(path, None, Path(snap), limits).copy
        job = Job(str(copy), str(path), engine, jobs, limits, str(config_dir().resolve()), origin())
        outcome = _run_pool([job], 1, limits, False, None, fork=True)[0]  # no lock held: forked, no forkserver
    heard(outcome)
    err = outcome.error
    if err and err.code == EXIT_INTERNAL:
        raise_bug(outcome)
    if err:
        prefix = f"{path}: "
        raise InputError(
            path, err.message.split(": ", 1)[-1] if err.message.startswith(prefix) else err.message, err.code
        )
    assert outcome.edition is not None
    return outcome.edition


class Meanwhile(NamedTuple):
    """What the parent does while its workers extract: once, right after handing out the files, and with each
    good outcome as it arrives (told whether it is the last: what the build then does is no longer meanwhile)."""

    start: Callable[[], object]
    each: Callable[[Outcome, bool], object]


def _outcome(fut, job: Job, limits: Limits) -> Outcome:
    """One finished job's outcome; a dead worker is that file's one-line error, a worker running other code a bug."""
    try:
        o = fut.result()
    except BrokenProcessPool:
        o = Outcome(job.display, None, _died(job.display, limits), 0.0, origin=job.origin)
    if o.origin != job.origin:
        raise WorkerError(f"{job.display}: the worker ran nhr from {o.origin}, the build from {job.origin}")
    return o


def _run_pool(
    jobs: list[Job],
    n: int,
    limits: Limits,
    keep_going: bool,
    progress,
    fork: bool = False,
    meanwhile: Meanwhile | None = None,
) -> list[Outcome]:
    """Extract in `n` worker processes; a worker that dies is reported as that file's one-line error."""
    outcomes = []
    on_page = getattr(progress, "page", None)  # the CLI's progress also counts pages
    pipe = page_pipe() if on_page else (None, None)
    with pages_told(pipe, on_page), worker_pool(n, limits, jobs[0].engine, fork, pipe[1]) as ex:
        futures: dict = {}
        try:
            with sigint_held():  # a worker half started when Ctrl-C came would outlive the build, complaining
                futures = {ex.submit(_work, job): job for job in jobs}
            if meanwhile:
                meanwhile.start()
            for i, fut in enumerate(_progress(as_completed(futures), len(futures), progress), 1):
                o = _outcome(fut, futures[fut], limits)
                outcomes.append(o)
                fault(f"extracted:{i}")  # test hook: the build killed while its workers still run
                if meanwhile and o.edition is not None:
                    meanwhile.each(o, i == len(futures))
                if o.error and not keep_going:
                    _drop_queued(futures)  # stop at the first bad file
                    break
        except KeyboardInterrupt:  # Ctrl-C: end the workers now, not after the file each one reads
            stop(ex)
            raise
        except BaseException:  # the parent's own work failed (a bug, a broken configuration): no more files
            _drop_queued(futures)
            raise
    return outcomes


def _drop_queued(futures) -> None:
    """Drop the files no worker has started on: the build ends once the running ones are done."""
    for f in futures:
        f.cancel()


def _died(display: str, limits: Limits) -> Failure:
    """The Failure of a file whose worker process died under it."""
    return Failure(
        f"{display}: the worker process extracting it died (killed, or over the memory "
        f"limit of {limits.memory_mb} MB or the CPU limit: see limits in nhr.yaml)",
        EXIT_LIMIT,
    )


@dataclass
class BuildResult:
    editions: list[Edition] = field(default_factory=list)
    errors: list[Failure] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)  # files actually parsed this run
    cached: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    up_to_date: bool = False
    editions_ids: list[str] = field(default_factory=list)

    def messages(self) -> list[str]:
        """The one-line messages of the files the build could not use."""
        return [e.message for e in self.errors]


class Prepared:
    """What the parent works out while its workers still extract (else it is the serial tail of every build,
    after the last file): each edition's table rows, its projects as reconciliation compares them and their
    links to the editions before and after it among those at hand, and, for a fresh one, its sealed cache
    entry; and, for a build that writes (`duckdb`), nhr.duckdb's tables declared (warehouse.Draft)."""

    def __init__(self, digests: dict, engine: str, duckdb: bool = False):
        self.digests, self.engine, self.duckdb = digests, engine, duckdb
        self.rows: dict[Path, tuple[Edition, dict[str, list[dict]]]] = {}
        self.sealed: dict[Path, bytes] = {}
        self.draft: Draft | None = None
        self.linking = Linking()
        self.built: dict = {}  # table name → Arrow table, as the tables are complete

    def start(self, cached: Mapping[Path, Edition | None]) -> None:
        """Once the workers have their files: nhr.duckdb begun (tables declared, columns commented, in a
        thread), then the rows of the editions from the cache."""
        if self.duckdb and self.draft is None:
            self.draft = Draft()
        self.every(cached, False)

    def duckdb_writer(self) -> Callable[[Path, dict[str, Path]], Path]:
        """The commit's writer of nhr.duckdb: the draft begun meanwhile, else one from scratch."""
        return self.draft.finish if self.draft is not None else write_duckdb

    def convert(self, done: dict[str, list[dict]]) -> None:
        """Tables complete: as Arrow tables for the commit, and their rows handed to the draft nhr.duckdb (they
        go in there while the build works out the rest)."""
        converted = {name: table(name, rows) for name, rows in done.items()}
        self.built.update(converted)
        if self.draft is not None and converted:
            self.draft.feed(converted)

    def arrow(self, tables: dict[str, list[dict]]) -> dict:
        """Every table as Arrow, in the tables' order (those not converted yet converted now); the draft
        nhr.duckdb then has all and is completed while the Parquet files are written."""
        self.convert({name: rows for name, rows in tables.items() if name not in self.built})
        if self.draft is not None:
            self.draft.fed_all()
        return {name: self.built[name] for name in tables}

    def discard(self) -> None:
        """Remove what was prepared for a commit that did not happen (a draft nhr.duckdb)."""
        if self.draft is not None:
            self.draft.discard()

    def every(self, editions: Mapping[Path, Edition | None], seal: bool) -> None:
        """Work out the rows (and with `seal`, for editions just extracted, the cache entries) of these editions."""
        for p, ed in editions.items():
            if ed is None:
                continue
            self.rows[p] = (ed, edition_rows(ed, self.digests[p], self.engine, __version__))
            if seal:
                self.sealed[p] = self._seal(p, ed)
            self.linking.add(p, ed, self.rows[p][1])

    def rows_of(self, p: Path, ed: Edition) -> dict[str, list[dict]]:
        """The edition's rows, worked out now unless they were for this very Edition (each is used once:
        cross_tables adds to them; a build's de-hyphenation may have given a new copy)."""
        got = self.rows.pop(p, None)
        if got is not None and got[0] is ed:
            self.linking.same.add(p)
            return got[1]
        return edition_rows(ed, self.digests[p], self.engine, __version__)

    def entry(self, p: Path, ed: Edition) -> bytes:
        got = self.sealed.pop(p, None)
        return got if got is not None else self._seal(p, ed)

    def _seal(self, p: Path, ed: Edition) -> bytes:
        return seal(ed, self.digests[p], cache_key(self.digests[p], self.engine))


class Linking:
    """Reconciliation's share of the parent's waiting time: each edition's projects as Items, and the links
    between editions consecutive among those at hand (an edition arriving between two makes their pair moot).
    What the cross-edition tables use of it is only what rests on the very rows they are made from (`same`)."""

    def __init__(self) -> None:
        self.eds: dict[Path, Edition] = {}
        self.items: dict[Path, list[Item]] = {}
        self.archive: dict[Path, list[dict]] = {}
        self.pairs: dict[tuple[Path, Path], Linked] = {}
        self.same: set[Path] = set()  # files whose prepared rows the tables were made from

    def add(self, p: Path, ed: Edition, rows: dict[str, list[dict]]) -> None:
        """One more edition at hand: its Items, and the links of every consecutive pair not linked yet."""
        from ..across.reconcile import edition_items, link_editions

        self.eds[p] = ed
        self.items[p] = edition_items(rows["projects"], rows["steps"]).get(ed.edition, [])
        self.archive[p] = rows["archive_printed"]
        order = sorted(self.eds, key=lambda q: (self.eds[q].edition, str(q)))
        for a, b in zip(order, order[1:]):
            if (a, b) not in self.pairs and self.items[a] and self.eds[a].edition != self.eds[b].edition:
                self.pairs[(a, b)] = link_editions(self.items[a], self.items[b], self.archive[b], self.eds[a].stand)

    def prelinked(self, chosen: list[Chosen]) -> Prelinked:
        """What reconcile may take as worked out for the editions `chosen` (in edition order)."""
        from ..across.reconcile import Prelinked

        same = [c for c in chosen if c.path in self.same]
        items = {c.edition.edition: self.items[c.path] for c in same if self.items[c.path]}
        pairs = {
            (a.edition.edition, b.edition.edition): self.pairs[(a.path, b.path)]
            for a, b in zip(chosen, chosen[1:])
            if a.path in self.same and b.path in self.same and (a.path, b.path) in self.pairs
        }
        return Prelinked(items, pairs)


def _to_cache(cache: Path, prepared: Prepared, fresh: dict, pdfs: list) -> None:
    """Store new entries and drop this engine's stale ones; a full disk only costs the cache."""
    digests, engine = prepared.digests, prepared.engine
    try:
        for p, ed in fresh.items():
            # not flushed: a torn entry fails its HMAC and is extracted again
            f = cache_file(cache, digests[p], engine)
            write_bytes(f, prepared.entry(p, ed), sync=False)
        keep = {cache_file(cache, digests[p], engine).name for p in pdfs}
        for f in entries(cache, engine) + list(cache.glob("*.pkl")):
            if f.name not in keep:
                f.unlink()
    except OSError as e:
        log.info("cache not written: %s", e)  # a full disk is reported by the commit, once


def _up_to_date(out: Path, old: dict, stamp: dict, inputs: dict) -> bool:
    """Nothing to do: same code, config, engine and inputs, and every table exactly as the build wrote it."""
    return (
        bool(old)
        and all(old.get(k) == v for k, v in stamp.items())
        and not old.get("errors")
        and old.get("all_inputs") == inputs
        and verify(out, old) is None
    )


def _hash_all(pdfs: list[Path], limits: Limits) -> dict[Path, str]:
    digests = {}
    for p in pdfs:
        try:
            check_size(p, p.stat().st_size, limits)
            digests[p] = sha256(p)
        except OSError as e:
            raise InputError(p, f"cannot read file ({e.strerror})", EXIT_UNREADABLE) from e
    return digests


def _extract_todo(
    todo: list[Path],
    digests: dict,
    engine: str,
    jobs: int,
    limits: Limits,
    keep_going: bool,
    progress,
    meanwhile: Meanwhile | None = None,
) -> list[Outcome]:
    """Extract the files not in the cache, each from a private copy of the bytes that were hashed."""
    with tempfile.TemporaryDirectory(prefix="nhr-inputs-") as snap:
        args: list[Job] = []
        per_file = jobs if len(todo) == 1 else 1  # one file: its pages are split over the jobs
        conf, here = str(config_dir().resolve()), origin()
        # largest files first so the workers finish together
        for i, p in enumerate(sorted(todo, key=lambda p: -p.stat().st_size)):
            copy = snapshot(p, digests[p], Path(snap) / str(i), limits).copy
            args.append(Job(str(copy), str(p), engine, per_file, limits, conf, here))
        warm = _prepare_writing()
        try:
            outcomes = _run_pool(args, max(1, min(jobs, len(args))), limits, keep_going, progress, False, meanwhile)
        finally:
            warm.join()
    return sorted(outcomes, key=lambda o: o.file)


WRITER_MODULES = (
    "pyarrow",
    "pyarrow.parquet",
    "pyarrow.compute",
    "duckdb",
    "pipeline.across.crossed",
    "pipeline.model.schema",
)


def _prepare_writing() -> threading.Thread:
    """Import what writing the tables needs in a thread, while this process only waits for its workers."""

    def imports() -> None:
        try:
            for name in WRITER_MODULES:
                importlib.import_module(name)
            no_pandas_probe()
        except Exception:  # the writer imports again, and reports any failure itself
            pass

    t = threading.Thread(target=imports, daemon=True, name="nhr-imports")
    t.start()
    return t


def build(
    raw: Path,
    out: Path,
    jobs: int = 1,
    engine: str = "pdfplumber",
    keep_going: bool = False,
    progress=None,
    limits: Limits | None = None,
) -> BuildResult:
    """Extract new/changed PDFs, recompute everything, write all tables. Raises InputError on the first
    bad file unless keep_going; nothing in `out` changes before every table is ready."""
    t0 = time.perf_counter()
    res = BuildResult()
    limits = limits or load_limits()
    pdfs, problems = usable_pdfs(raw, keep_going)
    res.errors += [Failure(str(e), e.code) for e in problems]
    out.mkdir(parents=True, exist_ok=True)
    recover(out)
    digests = _hash_all(pdfs, limits)
    stamp = _stamp(engine)
    old = read_manifest(out)
    all_inputs = {p.name: digests[p] for p in pdfs}
    if not problems and _up_to_date(out, old, stamp, all_inputs):
        _nothing_to_do(res, old, pdfs)
        res.seconds = time.perf_counter() - t0
        return res
    prepared = Prepared(digests, engine, duckdb=True)
    try:
        _build(res, pdfs, out, jobs, limits, keep_going, progress, prepared, stamp, all_inputs)
    finally:
        prepared.discard()
    res.seconds = time.perf_counter() - t0
    return res


def _build(
    res: BuildResult,
    pdfs: list[Path],
    out: Path,
    jobs: int,
    limits: Limits,
    keep_going: bool,
    progress,
    prepared: Prepared,
    stamp: dict,
    all_inputs: dict,
) -> None:
    """The build's work once it has to write: every edition, every table, one commit (into `res`)."""
    cache = out / ".cache"
    digests = prepared.digests
    results, fresh = _editions_for(pdfs, cache, jobs, limits, keep_going, progress, res, prepared)
    chosen = _one_per_edition(results, res, keep_going)
    # line-end hyphens an edition's own text left open, weighed with the words of the build's other editions
    chosen = [Chosen(ed, c.path) for ed, c in zip(hyphens.across([c.edition for c in chosen]), chosen)]
    res.editions = [c.edition for c in chosen]
    try:
        tables, idmap = _tables(chosen, prepared, known_ids(out), prepared.convert)
        built = prepared.arrow(tables)
    finally:  # the editions just extracted are kept even when their tables cannot be made
        _to_cache(cache, prepared, fresh, pdfs)
    res.counts = {k: len(v) for k, v in tables.items()}
    manifest = {**stamp, **_inputs_part(chosen, digests, all_inputs)}
    manifest = {**manifest, "tables": sorted(built), "counts": res.counts, "errors": res.messages()}
    ids = map_bytes(idmap)
    if identity_map_path():  # the kept map as this build leaves it: the next build is up to date with it
        manifest["identity_map"] = hashlib.sha256(ids).hexdigest()
    commit(out, built, manifest=manifest, extra={MAP_NAME: ids}, derived={"nhr.duckdb": prepared.duckdb_writer()})
    prepared.draft = None  # committed: nothing left to discard
    keep_map(ids)
    res.editions_ids = [e.edition for e in res.editions]


def _stamp(engine: str) -> dict:
    """What the tables were built with; a manifest with another stamp is out of date."""
    return {
        "pipeline_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "code_hash": code_hash(),
        "config_hash": config_hash(),
        "engine": engine,
        "identity_map": _kept_map_hash(),
    }


def _kept_map_hash() -> str | None:
    """SHA-256 of the identity map the data team keeps (nhr.yaml `identity_map`), None when unset or absent."""
    path = identity_map_path()
    if path is None:
        return None
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise InputError(path, f"cannot read the identity map ({e.strerror})", EXIT_UNREADABLE) from e


def known_ids(out: Path) -> IdMap:
    """The ids given before: the identity map the data team keeps (nhr.yaml `identity_map`) first, completed
    by the one of the last build in `out` (or, from an nhr before the map, that build's identity table)."""
    last = read_map(out / MAP_NAME) if (out / MAP_NAME).exists() else from_identity_table(out / "identity.parquet")
    kept = identity_map_path()
    return read_map(kept).over(last) if kept else last


def keep_map(data: bytes) -> None:
    """Write the identity map back to the file the data team keeps (nhr.yaml `identity_map`), when set."""
    kept = identity_map_path()
    if kept is None:
        return
    try:
        if not kept.is_file() or kept.read_bytes() != data:
            kept.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(kept, data)
    except OSError as e:
        raise env_error(e, kept) from None


def _nothing_to_do(res: BuildResult, old: dict, pdfs: list[Path]) -> None:
    """The result of a build with nothing changed (no PDF work, no writes), told from the old manifest."""
    res.up_to_date = True
    res.cached = [str(p) for p in pdfs]
    res.counts = old.get("counts", {})
    res.editions_ids = sorted({v["edition"] for v in old.get("inputs", {}).values()})


def _tables(chosen: list[Chosen], prepared: Prepared, known: IdMap, ready=None) -> tuple[dict[str, list[dict]], IdMap]:
    """Every table's rows (the per-edition tables, then the tables across editions) and the identity map;
    `ready` given the tables complete while the rest is worked out."""
    from ..across.crossed import cross_tables

    tables: dict[str, list[dict]] = {k: [] for k in PER_EDITION}
    for ed, p in chosen:
        for k, rows in prepared.rows_of(p, ed).items():
            tables[k].extend(rows)
    cross = cross_tables([c.edition for c in chosen], tables, known, prepared.linking.prelinked(chosen), ready)
    tables.update(cross.tables)
    return tables, cross.idmap


def _inputs_part(chosen: list[Chosen], digests: dict, all_inputs: dict) -> dict:
    """The manifest's account of the inputs: each edition's source PDF, and every PDF present by hash."""
    return {
        "inputs": {p.name: _input_facts(p, digests[p], ed.edition) for ed, p in chosen},
        "all_inputs": all_inputs,
    }


def _input_facts(p: Path, digest: str, edition: str) -> dict:
    """A source PDF in the manifest: its hash, its edition and where it was read (`nhr report` finds it there)."""
    return {"sha256": digest, "edition": edition, "path": str(p.absolute())}


def _editions_for(
    pdfs: list[Path],
    cache: Path,
    jobs: int,
    limits: Limits,
    keep_going: bool,
    progress,
    res: BuildResult,
    prepared: Prepared,
) -> Editions:
    """Every PDF's Edition: from an authentic cache entry, else extracted; bad files raise InputError, or
    with keep_going are noted in res.errors. While the workers extract, `prepared` works on what is there."""
    digests, engine = prepared.digests, prepared.engine
    todo, loaded = [], {}
    for p in pdfs:
        ed = from_cache(cache, digests[p], engine)
        if ed is None:
            todo.append(p)
        else:
            loaded[p] = ed
            res.cached.append(str(p))
    if todo:
        start_workers(engine)  # the forkserver boots while this process copies the files to extract
    fresh: dict[Path, Edition] = {}
    # the last file's cache entry is sealed later, while nhr.duckdb is completed (_to_cache)
    meanwhile = Meanwhile(
        lambda: prepared.start(loaded), lambda o, last: prepared.every({Path(o.file): o.edition}, not last)
    )
    if todo:
        outcomes = _extract_todo(todo, digests, engine, jobs, limits, keep_going, progress, meanwhile)
    else:  # every edition from the cache: nhr.duckdb begun in its thread while their rows are worked out
        outcomes = []
        meanwhile.start()
    for o in outcomes:
        heard(o)
        err = o.error
        if err and err.code == EXIT_INTERNAL and (not keep_going or o.trace):
            if not keep_going:
                raise_bug(o)
            log.info("%s", o.trace)  # with --keep-going the bug is one of the errors; -v shows its traceback
        if err and not keep_going:
            raise InputError(o.file, err.message[len(o.file) + 2 :], err.code)
        if err:
            res.errors.append(err)
            continue
        assert o.edition is not None
        fresh[Path(o.file)] = o.edition
        res.extracted.append(o.file)
        log.info("extracted %s in %.1fs", o.file, o.seconds)
    return Editions({**fresh, **loaded}, fresh)


def _one_per_edition(results: dict, res: BuildResult, keep_going: bool) -> list[Chosen]:
    """One file per edition: identical duplicates collapse, differing ones are refused."""
    by_edition: dict[str, list[Path]] = {}
    for p in sorted(results):
        by_edition.setdefault(results[p].edition, []).append(p)
    editions: list[Chosen] = []
    for ed_id, paths in sorted(by_edition.items()):
        if len(paths) > 1:
            # same edition twice: harmless when the records are the same (a copy, a re-saved file)
            from ..model.export import to_gold

            if all(
                to_gold(results[p]) | {"intro": None} == to_gold(results[paths[0]]) | {"intro": None} for p in paths
            ):
                res.notes.append(
                    f"edition {ed_id}: {', '.join(p.name for p in paths)} hold the same records; "
                    f"using {paths[0].name} (first by name)"
                )
            else:
                msg = (
                    f"edition {ed_id} appears in {len(paths)} files with different content "
                    f"({', '.join(p.name for p in paths)}); remove all but one"
                )
                if not keep_going:
                    raise DuplicateEditionError(paths[1], msg)
                res.errors.append(Failure(f"{paths[1]}: {msg}", DuplicateEditionError.exit_code))
                continue
        editions.append(Chosen(results[paths[0]], paths[0]))
    return editions


def _progress(it, total, progress):
    """Pass items through, telling `progress(done, total)` before the first (done 0) and after each."""
    if progress is not None:
        progress(0, total)
    for done, x in enumerate(it, 1):
        if progress is not None:
            progress(done, total)
        yield x
