"""Layout stage: characters from a PDF engine → words → text lines in reading order, furniture removed.

Everything after this stage sees only `PageLayout` records, never the engine that produced them.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from operator import itemgetter

from ..model.records import LIGATURES, Char, Line, PageLayout, PageRange, RawPage, Word
from ..tolerances import TOL
from .fonts import is_bold
from .furniture import remove_furniture

# ---------------------------------------------------------------- engines


# The Euro's advance in Adobe's current metrics of the standard 14 fonts; pdfminer's older tables lack
# it, so a "€" in a non-embedded Helvetica/Times/Courier was 0 pt wide and the rest of its line shifted
EURO_WIDTH = {"Helvetica": 556, "Times": 500, "Courier": 600}


def _complete_standard_metrics() -> None:
    """Give pdfminer's standard-font metrics the Euro (what PDFium and every viewer use)."""
    from pdfminer.fontmetrics import FONT_METRICS

    for name, (_, widths) in FONT_METRICS.items():
        family = name.split("-")[0]
        if family in EURO_WIDTH:
            widths.setdefault("€", EURO_WIDTH[family])


def _pdfplumber_pages(path: str, first: int = 0, last: int | None = None) -> Iterator[RawPage]:
    import pdfplumber

    _complete_standard_metrics()

    bold: dict[str, bool] = {}
    with pdfplumber.open(path) as pdf:
        pages = pdf.pages[first:last]
        for page in pages:
            chars = []
            for c in page.chars:
                font = c.get("fontname") or ""
                if font not in bold:
                    bold[font] = is_bold(font)
                text = c["text"] or ""
                chars.append(
                    Char(
                        LIGATURES.get(text, text),
                        c["x0"],
                        c["x1"],
                        c["top"],
                        c["bottom"],
                        round(c.get("size") or 0.0, 2),
                        bold[font],
                        bool(c.get("upright", True)),
                    )
                )
            yield RawPage(page.page_number, float(page.width), float(page.height), chars)
            page.close()


def _pdfium_pages(path: str, first: int = 0, last: int | None = None) -> Iterator[RawPage]:
    from .pdfium_engine import pdfium_pages

    yield from pdfium_pages(path, first, last)


ENGINES = {"pdfplumber": _pdfplumber_pages, "pdfium": _pdfium_pages}
PAGE_HOOKS: list[Callable[[RawPage], None]] = []


def on_every_page(hook: Callable[[RawPage], None]) -> None:
    """Hand `hook` every page any engine reads in this process (and in the page-range processes it forks),
    before the page is laid out; an exception it raises stops the reading. A hook added twice runs once."""
    if hook not in PAGE_HOOKS:
        PAGE_HOOKS.append(hook)


def raw_pages(path: str, engine: str, first: int = 0, last: int | None = None) -> Iterator[RawPage]:
    """Pages first..last-1 (0-based) of a PDF as `engine` delivers them, each shown to the page hooks first."""
    for page in ENGINES[engine](path, first, last):
        for hook in PAGE_HOOKS:
            hook(page)
        yield page


def page_count(path: str) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


# ---------------------------------------------------------------- chars → lines


def _group_lines(chars: list[Char]) -> list[list[Char]]:
    """Cluster upright chars into visual lines by baseline."""
    rows: list[list[Char]] = []
    ref = -1e9
    row: list[Char] = []
    share, least, sizeless = TOL.baseline, TOL.baseline_min, TOL.sizeless
    for c in sorted(chars, key=_BOTTOM):
        bottom = c[4]
        tol = share * (c[5] or sizeless)
        if row and bottom - ref <= (tol if tol > least else least):
            row.append(c)
        else:
            row = [c]
            rows.append(row)
            ref = bottom
    return rows


_BOTTOM = itemgetter(4)
_X0 = itemgetter(1)
# every single character str.isspace() accepts (all lie below U+3001), NBSP included
_BLANKS = frozenset(ch for ch in map(chr, range(0x3001)) if ch.isspace())


def _words(row: list[Char], has_spaces: bool) -> list[Word]:
    """Split one line's chars into words at drawn spaces and at gaps wider than a fraction of the size.

    A word's font and box are its first glyph's; coordinates are rounded once, here, because engines
    differ in the last float bits. Runs for every glyph of a report, hence the plain tuple indexing.
    """
    words: list[Word] = []
    new = tuple.__new__
    part: list[Char] = []  # the current word's glyphs
    last = None  # the previous glyph kept

    def emit(space_after):
        c0 = part[0]
        text = "".join([c[0] for c in part]) if len(part) > 1 else c0[0]
        words.append(
            new(
                Word,
                (
                    text,
                    round(c0[1], 3),
                    round(part[-1][2], 3),
                    round(c0[3], 3),
                    round(c0[4], 3),
                    c0[5],
                    c0[6],
                    space_after if has_spaces else None,
                ),
            )
        )

    fake_bold, word_gap, min_size = TOL.fake_bold, TOL.word_gap, TOL.min_size
    for c in sorted(row, key=_X0):
        t = c[0]
        if last is not None and t == last[0] and abs(c[1] - last[1]) < fake_bold:
            continue  # fake bold: the same glyph printed twice, slightly offset
        last_x1 = last[2] if last is not None else 0.0
        last = c
        if t in _BLANKS or (len(t) > 1 and t.isspace()):
            if part:
                emit(True)
                part = []
        else:
            if part:
                size = c[5]
                if c[1] - last_x1 > word_gap * (size if size > min_size else min_size):
                    emit(False)
                    part = []
            part.append(c)
    if part:
        emit(False)
    return words


def build_pages(raw: Iterable[RawPage]) -> list[PageLayout]:
    """Turn engine output into line records for every page."""
    raw = list(raw)
    has_spaces = any(c.text == " " for _, _, _, chars in raw for c in chars)
    pages = []
    for number, width, height, chars in raw:
        upright = [c for c in chars if c.upright and c.text]
        rotated = [c for c in chars if not c.upright and c.text.strip()]
        lines = []
        for row in _group_lines(upright):
            ws = _words(row, has_spaces)
            if ws:
                lines.append(Line(number, tuple(ws)))
        lines.sort(key=lambda l: (round(l.top), l.x0))
        pages.append(PageLayout(number, width, height, lines, rotated))
    _unknown_line_ends(pages)
    return pages


def _unknown_line_ends(pages: list[PageLayout]) -> None:
    """Producers that never draw the space a line (or a table cell line) was wrapped at tell us nothing
    by its absence: mark such word ends as unknown (None) instead of "no space"."""
    ends = [l.trailing_space for p in pages for l in p.lines if len(l.words) > TOL.long_line_words]
    if not ends or sum(1 for e in ends if e) >= TOL.drawn_line_ends * len(ends):
        return
    for p in pages:
        new = []
        for l in p.lines:
            ws = list(l.words)
            for i, w in enumerate(ws):
                last_of_run = i == len(ws) - 1 or ws[i + 1].x0 - w.x1 > TOL.run_gap * w.size
                if w.space_after is False and last_of_run:
                    ws[i] = w._replace(space_after=None)
            new.append(Line(l.page, tuple(ws)))
        p.lines = new


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
