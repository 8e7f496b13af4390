"""Layout stage, the reading: a PDF through an engine (`engines/`) → lines (`lines.py`) → furniture set
aside (`furniture.py`), in one process or a pool of page-range processes, the cycle collector paused.

Everything after this stage sees only `PageLayout` records, never the engine that produced them.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

from ..model.records import PageLayout, PageRange, RawPage
from .engines import raw_pages
from .furniture import remove_furniture
from .lines import build_pages


def page_count(path: str) -> int:
    """How many pages the PDF has (PDFium's count, whatever engine reads them)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


@contextmanager
def paused_gc():
    """Extraction allocates ~100k long-lived tuples a report; Python's cycle collector rescans them again
    and again while they accumulate (2.6 s → 2.3 s for a pdfium build of the corpus when paused). Paused
    for one file or page range; what cycles the engine leaves are collected when it resumes."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _page_range(share: PageRange) -> list[RawPage]:
    """One worker's share of a PDF's pages, read with the collector paused."""
    with paused_gc():
        return list(raw_pages(share.path, share.engine, share.first, share.last))


def read_layout(path: str, engine: str = "pdfplumber", jobs: int = 1) -> list[PageLayout]:
    """Read a PDF into page layouts with furniture removed; with jobs > 1 the pages are read by a pool
    of processes in ranges (each reopens the file: pages cannot be shared between processes)."""
    if jobs > 1:
        n = page_count(path)
        step = -(-n // jobs)
        ranges = [PageRange(path, engine, i, min(i + step, n)) for i in range(0, n, step)]
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=len(ranges)) as ex:
            raw = [p for part in ex.map(_page_range, ranges) for p in part]
    else:
        raw = list(raw_pages(path, engine))
    pages = build_pages(raw)
    remove_furniture(pages)
    return pages
