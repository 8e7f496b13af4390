"""Shared fixtures: every corpus and variant PDF read once per engine per test run (`readings`), the corpus
builds made from those readings, each computed once also when pytest-xdist runs the suite in several workers."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
import re
import shutil
import tempfile
from pathlib import Path

import pytest

# the cache's HMAC key: one per test machine user, never the developer's own
os.environ.setdefault("NHR_CACHE_KEY", str(Path(tempfile.gettempdir()) / f"nhr-test-cache-{os.getuid()}.key"))

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw_pdfs"
DATA = Path(__file__).resolve().parent / "data"
EDITIONS = ["2022-10", "2023-04", "2023-10", "2024-04", "2024-10", "2025-04"]


def without_progress(text: str) -> str:
    """A command's stderr without `nhr build`'s progress lines (they go to stderr, as plain lines when it is
    not a terminal; the error is still exactly one line)."""
    return "".join(ln for ln in text.splitlines(keepends=True) if not ln.startswith("nhr build: "))


def pdf_of(edition: str) -> Path:
    return RAW / f"nachhaltigkeitsreport-{edition}.pdf"


def gold(edition: str) -> dict:
    return json.loads((DATA / "gold" / f"{edition}.json").read_text(encoding="utf-8"))


# the longest test files first: under pytest-xdist each worker takes a file at a time, and none should start one
# of these as the others run out of work
LONGEST_FIRST = ("test_hostile.py", "test_variants.py", "test_fuzz.py", "test_doubts.py", "test_engines.py")
LONGEST_FIRST += ("test_ids.py", "test_surfaces.py", "test_inputs.py", "test_misread_classes.py")
LONGEST_FIRST += ("test_entry_tables.py", "test_readme.py", "test_workers.py", "test_exit_codes.py")
LONGEST_FIRST += ("test_cli_one.py", "test_hyphenation.py")


def pytest_collection_modifyitems(items):
    """The files of LONGEST_FIRST first, in that order; the others after them, as collected."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def once_per_run(factory, name: str, compute):
    """`compute(folder)` once per test run: in this process, or under pytest-xdist by the first worker that asks
    (the pools of the fixtures use every core meanwhile) while the others wait and load what it pickled."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return compute(factory.mktemp(name))
    shared = factory.getbasetemp().parent  # the run's folder, above each worker's own
    name = f"{name}-{os.environ.get('PYTEST_XDIST_TESTRUNUID', '')}"  # never a value of an earlier run (--basetemp)
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / f"{name}.pickle"
        if done.exists():
            return pickle.loads(done.read_bytes())
        folder = shared / name
        shutil.rmtree(folder, ignore_errors=True)  # left by a worker that failed computing it
        folder.mkdir()
        value = compute(folder)
        done.write_bytes(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        return value


def seeded_build(out: Path, engine: str, read: dict, jobs: int):
    """A build of the corpus whose extraction cache holds the session's readings of it (`extract` is layout then
    assemble, as `_read` does): the build itself, its tables and its cache, without reading any PDF again."""
    from pipeline.store import build as b
    from pipeline.store import cache

    key_of = getattr(cache, "cache_key", None) or b._cache_key  # cache.py holds the keys once issue 24 lands
    (out / ".cache").mkdir(parents=True)
    for pdf in sorted(RAW.glob("*.pdf")):
        digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
        key = key_of(digest, engine)
        (out / ".cache" / f"{key}.json.z").write_bytes(cache.seal(read[(pdf.name, engine)], digest, key))
    res = b.build(RAW, out, jobs=jobs, engine=engine)
    assert res.extracted == [] and len(res.cached) == len(EDITIONS), "the seeded cache was not used"
    return res


@pytest.fixture(scope="session")
def built(tmp_path_factory, read_editions):
    """One build of the whole corpus with pdfplumber (from the session's readings): (BuildResult, out dir)."""
    return once_per_run(
        tmp_path_factory, "parsed", lambda d: (seeded_build(d / "out", "pdfplumber", read_editions, 2), d / "out")
    )


@pytest.fixture(scope="session")
def editions(built):
    return {e.edition: e for e in built[0].editions}


@pytest.fixture
def raw_copy(tmp_path):
    """A private copy of raw_pdfs/ to add hostile files to."""
    d = tmp_path / "raw"
    shutil.copytree(RAW, d)
    return d


def first_difference(a, b, path: str = "") -> str | None:
    """Where two nested JSON-like values first differ ("themes[0].goals[2].text: 'x' != 'y'"), or None."""
    if type(a) is not type(b):
        return f"{path}: {a!r:.300} != {b!r:.300}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b), key=str):
            if (d := first_difference(a.get(k), b.get(k), f"{path}.{k}")) is not None:
                return d
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if (d := first_difference(x, y, f"{path}[{i}]")) is not None:
                return d
        return None if len(a) == len(b) else f"{path}: {len(a)} items != {len(b)} items"
    if a == b:
        return None
    if isinstance(a, str):  # show where the texts part
        i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        return f"{path} at {i}: …{a[max(0, i - 60) : i + 60]!r} != …{b[max(0, i - 60) : i + 60]!r}"
    return f"{path}: {a!r:.300} != {b!r:.300}"


@pytest.fixture(scope="session")
def pdfium_build(tmp_path_factory, read_editions):
    """One build of the whole corpus with the fast engine (from the session's readings): (BuildResult, out dir)."""
    return once_per_run(
        tmp_path_factory, "pdfium", lambda d: (seeded_build(d / "out", "pdfium", read_editions, 1), d / "out")
    )


READ_PDFS = sorted(RAW.glob("*.pdf")) + sorted((DATA / "variants").glob("*.pdf"))
READ_ENGINES = ("pdfplumber", "pdfium")


def words_of(pages) -> list[tuple]:
    """(page, body or furniture, line text, words) of every line, and the rotated glyphs' texts."""
    out = []
    for p in pages:
        for kind, lines in (("body", p.lines), ("furniture", p.furniture)):
            out += [(p.number, kind, ln.text, ln.words) for ln in lines]
        out.append((p.number, "rotated", " ".join(sorted(c.text for c in p.rotated)), ()))
    return out


def doubts_of(ed, anomalies: list[dict] | None = None) -> list[tuple]:
    """An edition's extraction doubts as (kind, page, detail) (from its anomaly rows, when given)."""
    from pipeline.model.rows import edition_rows
    from pipeline.surfaces.check import is_doubt

    rows = edition_rows(ed)["anomalies"] if anomalies is None else anomalies
    return [(r["kind"], r["page"], r["detail"]) for r in rows if is_doubt(r)]


def read_checked(path: str, engine: str):
    """One PDF read once by one engine as `extract_checked` reads it (check, layout, assemble, refuse_unreadable), the
    layout kept: (pages, Edition). Tests that need both the lines and the model read through this, never twice."""
    from pipeline.extract.edition import assemble
    from pipeline.layout.reading import paused_gc, read_layout
    from pipeline.store.build import refuse_unreadable
    from pipeline.store.inputs import check_pdf

    check_pdf(path)
    with paused_gc():
        pages = read_layout(path, engine)
        ed = assemble(pages, Path(path).name)
    refuse_unreadable(ed, path)
    return pages, ed


def _read(args: tuple[str, str]) -> tuple[list[tuple], dict, list[tuple], object, list[tuple]]:
    """One PDF read by one engine: its lines (for engine parity), its model in the gold format, its extraction
    doubts as (kind, page, detail), for a corpus PDF its Edition (the session's builds start from it), and
    every anomaly it emits as (kind, source, severity)."""
    from pipeline.extract.edition import assemble
    from pipeline.layout.reading import paused_gc, read_layout
    from pipeline.model.export import to_gold
    from pipeline.model.rows import edition_rows

    path, engine = args
    doubts: list[tuple] = []
    emitted: list[tuple] = []
    ed = None
    with paused_gc():
        pages = read_layout(path, engine)
        words = words_of(pages)
        try:
            ed = assemble(pages, Path(path).name)
            model = to_gold(ed)
            anomalies = edition_rows(ed)["anomalies"]
            doubts = doubts_of(ed, anomalies)
            emitted = sorted({(r["kind"], r["source"], r["severity"]) for r in anomalies})
        except Exception as e:  # refused: the failing test shows why
            model = {"refused": f"{type(e).__name__}: {e}"}
    return words, model, doubts, ed if Path(path).parent == RAW else None, emitted


def _read_all(folder: Path) -> dict:
    """Every corpus and variant PDF read once per engine, two at a time."""
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(str(p), e) for p in READ_PDFS for e in READ_ENGINES]
    with ProcessPoolExecutor(max_workers=2) as ex:
        return {(Path(p).name, e): r for (p, e), r in zip(jobs, ex.map(_read, jobs))}


@pytest.fixture(scope="session")
def session_reads(tmp_path_factory) -> dict[tuple[str, str], tuple]:
    """Every corpus and variant PDF read once per engine per test run: (name, engine) → (lines, model, doubts,
    Edition of a corpus PDF, anomalies emitted)."""
    return once_per_run(tmp_path_factory, "readings", _read_all)


@pytest.fixture(scope="session")
def readings(session_reads) -> dict[tuple[str, str], tuple[list[tuple], dict, list[tuple]]]:
    """Every corpus and variant PDF read once per engine per session: (name, engine) → (lines, model, doubts)."""
    return {k: r[:3] for k, r in session_reads.items()}


@pytest.fixture(scope="session")
def emitted_kinds(session_reads) -> dict[tuple[str, str], list[tuple]]:
    """Every anomaly a corpus or variant PDF's reading emits: (name, engine) → [(kind, source, severity)]."""
    return {k: r[4] for k, r in session_reads.items()}


@pytest.fixture(scope="session")
def read_editions(session_reads) -> dict:
    """The corpus PDFs' Editions as the session read them: (name, engine) → Edition."""
    return {k: r[3] for k, r in session_reads.items() if r[3] is not None}


def ignore_breaks(x):
    """A model or text as score_edition.py --ignore-breaks compares it (the suite's one such helper)."""
    # whitespace collapsed and a space after "-" or "/" dropped: whether a line ending in "-" or "/" had a
    # space after it in the source ("Wasser- rückhalt" or "Wasser-rückhalt") is not recorded in a PDF
    if isinstance(x, dict):
        return {k: ignore_breaks(v) for k, v in x.items()}
    if isinstance(x, list):
        return [ignore_breaks(v) for v in x]
    return re.sub(r"([-/]) ", r"\1", re.sub(r"\s+", " ", x).strip()) if isinstance(x, str) else x
