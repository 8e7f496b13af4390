"""The build: extract every PDF once (cached by content hash), then write all tables atomically."""
from __future__ import annotations

import hashlib
from functools import lru_cache
import json
import logging
import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .config import config_hash
from .edition import ExtractError, extract
from .inputs import EXIT_DRIFT, EXIT_DUPLICATE, EXIT_FOREIGN, EXIT_INTERNAL, EXIT_UNREADABLE, InputError, check_pdf
from .records import Edition
from .rows import edition_rows
from .store import fsync_all, read_manifest, table, write_bytes, write_json, write_parquet

log = logging.getLogger("nhr")
PER_EDITION = ["editions", "projects", "steps", "committee", "list_rows", "archive_printed", "anomalies"]
MIN_READABLE = 0.8


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def validate(ed: Edition, path: str) -> None:
    """Refuse an edition whose structure drifted so far that most projects cannot be read."""
    projects = [p for _, _, _, p in ed.projects()]
    listed = sum(len(pl.rows) for pl in ed.project_lists)
    if not ed.themes or not projects:
        raise InputError(path, "no themes or projects found: not an edition of the Nachhaltigkeitsreport?", EXIT_FOREIGN)
    readable = sum(1 for p in projects if p.since_label and p.description_label is not None)
    expected = max(len(projects), listed)
    if readable < MIN_READABLE * expected:
        raise InputError(path, f"structure drifted: only {readable} of {expected} projects readable "
                               f"(need {MIN_READABLE:.0%}); refusing to write half an edition", EXIT_DRIFT)


def extract_checked(path: str, engine: str = "pdfplumber", jobs: int = 1) -> Edition:
    """check_pdf + extract + validate; every failure becomes an InputError with a one-line message."""
    check_pdf(path)
    try:
        ed = extract(path, engine, jobs)
    except InputError:
        raise
    except ExtractError as e:
        raise InputError(path, str(e), EXIT_FOREIGN)
    except Exception as e:  # pdfminer/pdfium failing inside a damaged stream
        raise InputError(path, f"damaged PDF content ({type(e).__name__}: {str(e)[:120]})", EXIT_UNREADABLE)
    validate(ed, path)
    return ed


def _work(args) -> tuple[str, Edition | None, tuple[str, int] | None, float]:
    path, engine, jobs = args
    t = time.perf_counter()
    try:
        return path, extract_checked(path, engine, jobs), None, time.perf_counter() - t
    except InputError as e:
        return path, None, (str(e), e.code), time.perf_counter() - t
    except Exception as e:  # never a traceback for a bad file
        return path, None, (f"{path}: internal error ({type(e).__name__}: {e})", EXIT_INTERNAL), time.perf_counter() - t


@dataclass
class BuildResult:
    editions: list[Edition] = field(default_factory=list)
    errors: list[tuple[str, int]] = field(default_factory=list)  # (message, exit code)
    extracted: list[str] = field(default_factory=list)  # files actually parsed this run
    cached: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    up_to_date: bool = False
    editions_ids: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Hash of the pipeline's own source: a changed extractor never serves stale cached records."""
    h = hashlib.sha256()
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def _cache_key(digest: str, engine: str) -> str:
    return f"{digest[:24]}-{engine}-{__version__}-{code_hash()}-{config_hash()}"


def _seal(ed: Edition) -> bytes:
    """A cache entry: the pickled records behind their SHA-256."""
    data = pickle.dumps(ed, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(data).digest() + data


def _unseal(blob: bytes) -> Edition:
    if hashlib.sha256(blob[32:]).digest() != blob[:32]:
        raise ValueError("cache entry damaged")
    return pickle.loads(blob[32:])


def build(raw: Path, out: Path, jobs: int = 1, engine: str = "pdfplumber", keep_going: bool = False,
          progress=None) -> BuildResult:
    """Extract new/changed PDFs, recompute everything, write all tables. Raises InputError on the first
    bad file unless keep_going; nothing in `out` changes before every table is ready."""
    t0 = time.perf_counter()
    res = BuildResult()
    pdfs = sorted(p for p in raw.iterdir() if p.suffix.lower() == ".pdf" and p.is_file()) if raw.is_dir() else []
    if not pdfs:
        raise InputError(raw, "no PDF files found", EXIT_UNREADABLE)
    cache = out / ".cache"
    digests = {p: sha256(p) for p in pdfs}
    stamp = {"pipeline_version": __version__, "code_hash": code_hash(), "config_hash": config_hash(), "engine": engine}
    old = read_manifest(out)
    if old and all(old.get(k) == v for k, v in stamp.items()) and not old.get("errors") \
            and old.get("all_inputs") == {p.name: digests[p] for p in pdfs} \
            and all((out / f"{t}.parquet").exists() for t in old.get("tables", [])):
        res.up_to_date = True  # nothing changed: no PDF work, no writes
        res.cached = [str(p) for p in pdfs]
        res.counts = old.get("counts", {})
        res.editions_ids = sorted({v["edition"] for v in old.get("inputs", {}).values()})
        res.seconds = time.perf_counter() - t0
        return res
    todo, loaded = [], {}
    for p in pdfs:
        f = cache / f"{_cache_key(digests[p], engine)}.pkl"
        if f.exists():
            try:
                loaded[p] = _unseal(f.read_bytes())
                res.cached.append(str(p))
                continue
            except Exception:
                pass
        todo.append(p)

    results: dict[Path, Edition] = {}
    if todo:
        if jobs > 1 and len(todo) > 1:
            # largest files first so the workers finish together
            args = [(str(p), engine, 1) for p in sorted(todo, key=lambda p: -p.stat().st_size)]
            with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as ex:
                outcomes = sorted(_progress(ex.map(_work, args), len(args), progress), key=lambda o: o[0])
        else:
            args = [(str(p), engine, jobs) for p in todo]  # one file: its pages are split over the jobs
            outcomes = []
            for a in _progress(args, len(args), progress):
                o = _work(a)
                outcomes.append(o)
                if o[2] and not keep_going:
                    break
        for path, ed, err, secs in outcomes:
            if err:
                if not keep_going:
                    raise InputError(path, err[0].split(": ", 1)[-1], err[1])
                res.errors.append(err)
                continue
            results[Path(path)] = ed
            res.extracted.append(path)
            log.info("extracted %s in %.1fs", path, secs)
    results.update(loaded)

    # one file per edition: identical duplicates collapse, differing ones are refused
    by_edition: dict[str, list[Path]] = {}
    for p in sorted(results):
        by_edition.setdefault(results[p].edition, []).append(p)
    editions = []
    for ed_id, paths in sorted(by_edition.items()):
        if len(paths) > 1:
            # same edition twice: harmless when the records are the same (a copy, a re-saved file)
            from .export import to_gold
            if all(to_gold(results[p]) | {"intro": None} == to_gold(results[paths[0]]) | {"intro": None} for p in paths):
                res.notes.append(f"edition {ed_id}: {', '.join(p.name for p in paths)} hold the same records; "
                                 f"using {paths[0].name} (first by name)")
            else:
                msg = (f"edition {ed_id} appears in {len(paths)} files with different content "
                       f"({', '.join(p.name for p in paths)}); remove all but one")
                if not keep_going:
                    raise InputError(paths[1], msg, EXIT_DUPLICATE)
                res.errors.append((f"{paths[1]}: {msg}", EXIT_DUPLICATE))
                continue
        editions.append((results[paths[0]], paths[0]))
    res.editions = [e for e, _ in editions]

    tables: dict[str, list[dict]] = {k: [] for k in PER_EDITION}
    for ed, p in editions:
        for k, rows in edition_rows(ed, digests[p], engine, __version__).items():
            tables[k].extend(rows)
    from .crossed import cross_tables
    tables.update(cross_tables(res.editions, tables))

    # write: cache first (harmless), then every table to a staging name, then rename all (journalled)
    for p in todo:
        if p in results:
            # not flushed: a cache entry torn by a crash fails its checksum and is extracted again
            write_bytes(cache / f"{_cache_key(digests[p], engine)}.pkl", _seal(results[p]), sync=False)
    keep = {f"{_cache_key(digests[p], engine)}.pkl" for p in pdfs}
    for f in cache.glob("*.pkl"):  # entries of other versions, engines' older runs or removed files
        if f.name not in keep and f"-{engine}-" in f.name:
            f.unlink()
    built = {name: table(name, rows) for name, rows in tables.items()}
    res.counts = {k: len(v) for k, v in tables.items()}
    commit(out, built, manifest={
        **stamp, "inputs": {p.name: {"sha256": digests[p], "edition": results[p].edition} for _, p in editions},
        "all_inputs": {p.name: digests[p] for p in pdfs}, "tables": sorted(built), "counts": res.counts,
        "errors": [e for e, _ in res.errors]})
    res.editions_ids = [e.edition for e in res.editions]
    res.seconds = time.perf_counter() - t0
    return res


def _progress(it, total, progress):
    """Pass items through, telling `progress(done, total)` after each (the CLI draws a bar)."""
    for done, x in enumerate(it, 1):
        if progress is not None:
            progress(done, total)
        yield x


def commit(out: Path, built: dict, manifest: dict) -> None:
    """Write all tables under temporary names, then rename them into place under a journal: a build
    killed mid-way is rolled forward by the next run, so readers never see a mix of two builds."""
    out.mkdir(parents=True, exist_ok=True)
    recover(out)
    staged = {}
    for name, tbl in built.items():
        tmp = out / f".{name}.parquet.staged"
        write_parquet(tmp, tbl, sync=False)
        staged[str(tmp)] = str(out / f"{name}.parquet")
    tmp = out / ".manifest.json.staged"
    write_json(tmp, manifest, sync=False)
    staged[str(tmp)] = str(out / "manifest.json")
    fsync_all(staged)  # every staged file is on disk before the journal names it
    write_json(out / ".commit.json", staged)
    recover(out)
    # the DuckDB views bind to the Parquet files, so they are made once those are in place
    from .warehouse import write_duckdb
    os.replace(write_duckdb(out, sorted(built)), out / "nhr.duckdb")


def recover(out: Path) -> None:
    """Finish an interrupted commit (roll forward), or drop stray staged files."""
    j = out / ".commit.json"
    if j.exists():
        try:
            staged = json.loads(j.read_text(encoding="utf-8"))
        except ValueError:
            staged = {}
        for src, dst in staged.items():
            if os.path.exists(src):
                os.replace(src, dst)
        j.unlink()
    for stray in out.glob(".*.staged"):
        stray.unlink()


