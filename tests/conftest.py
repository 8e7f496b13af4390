"""Shared fixtures: every corpus PDF is parsed once per test session (by one `nhr build`)."""

from __future__ import annotations

import json
import os
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


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One build of the whole corpus: (BuildResult, out dir)."""
    from pipeline.store.build import build

    out = tmp_path_factory.mktemp("parsed")
    res = build(RAW, out, jobs=2)
    return res, out


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
def pdfium_build(tmp_path_factory):
    """One build of the whole corpus with the fast engine: (BuildResult, out dir)."""
    from pipeline.store.build import build

    out = tmp_path_factory.mktemp("pdfium")
    return build(RAW, out, jobs=1, engine="pdfium"), out


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


def doubts_of(ed) -> list[tuple]:
    """An edition's extraction doubts as (kind, page, detail)."""
    from pipeline.model.rows import edition_rows
    from pipeline.surfaces.check import is_doubt

    return [(r["kind"], r["page"], r["detail"]) for r in edition_rows(ed)["anomalies"] if is_doubt(r)]


def read_checked(path: str, engine: str):
    """One PDF read once by one engine as `extract_checked` reads it (check, layout, assemble, validate), the
    layout kept: (pages, Edition). Tests that need both the lines and the model read through this, never twice."""
    from pipeline.extract.edition import assemble
    from pipeline.layout.lines import paused_gc, read_layout
    from pipeline.store.build import validate
    from pipeline.store.inputs import check_pdf

    check_pdf(path)
    with paused_gc():
        pages = read_layout(path, engine)
        ed = assemble(pages, Path(path).name)
    validate(ed, path)
    return pages, ed


def _read(args: tuple[str, str]) -> tuple[list[tuple], dict, list[tuple]]:
    """One PDF read by one engine: its lines (for engine parity), its model in the gold format and its
    extraction doubts as (kind, page, detail)."""
    from pipeline.extract.edition import assemble
    from pipeline.layout.lines import paused_gc, read_layout
    from pipeline.model.export import to_gold

    path, engine = args
    doubts: list[tuple] = []
    with paused_gc():
        pages = read_layout(path, engine)
        words = words_of(pages)
        try:
            ed = assemble(pages, Path(path).name)
            model = to_gold(ed)
            doubts = doubts_of(ed)
        except Exception as e:  # refused: the failing test shows why
            model = {"refused": f"{type(e).__name__}: {e}"}
    return words, model, doubts


@pytest.fixture(scope="session")
def readings() -> dict[tuple[str, str], tuple[list[tuple], dict, list[tuple]]]:
    """Every corpus and variant PDF read once per engine per session, two at a time."""
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(str(p), e) for p in READ_PDFS for e in READ_ENGINES]
    with ProcessPoolExecutor(max_workers=2) as ex:
        return {(Path(p).name, e): r for (p, e), r in zip(jobs, ex.map(_read, jobs))}


def ignore_breaks(x):
    """A model or text as score_edition.py --ignore-breaks compares it (the suite's one such helper)."""
    # whitespace collapsed and a space after "-" or "/" dropped: whether a line ending in "-" or "/" had a
    # space after it in the source ("Wasser- rückhalt" or "Wasser-rückhalt") is not recorded in a PDF
    if isinstance(x, dict):
        return {k: ignore_breaks(v) for k, v in x.items()}
    if isinstance(x, list):
        return [ignore_breaks(v) for v in x]
    return re.sub(r"([-/]) ", r"\1", re.sub(r"\s+", " ", x).strip()) if isinstance(x, str) else x
