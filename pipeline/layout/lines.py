"""Characters → words → text lines in reading order: an engine's `RawPage`s become `PageLayout`s."""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter

from ..model.records import Char, Line, PageLayout, RawPage, Word
from ..tolerances import TOL

# The compiled grouping (pipeline/layout/_glyphs.c rows and words), built at install when a C compiler is there;
# the same records as the Python reference below (tests/unit/test_lines.py, tests/test_engines.py), build_pages
# in about 40 % of the time
try:
    from . import _glyphs  # type: ignore[attr-defined]
except ImportError:  # no compiler at install: the reference
    _glyphs = None


def _group_lines(chars: list[Char], compiled: bool = True) -> list[list[Char]]:
    """Cluster upright chars into visual lines by baseline; `compiled=False` forces the Python reference."""
    if compiled and _glyphs is not None:
        tols = (TOL.baseline, TOL.baseline_min, TOL.sizeless)
        rows = _glyphs.rows(chars, tols)  # sorted by bottom there, unless a bottom is no float or NaN (None)
        return rows if rows is not None else _glyphs.rows(sorted(chars, key=_BOTTOM), tols, True)
    return _rows_py(sorted(chars, key=_BOTTOM))


def _rows_py(ordered: list[Char]) -> list[list[Char]]:
    """Chars sorted by bottom into visual lines: the reference for the compiled `_glyphs.rows`."""
    rows: list[list[Char]] = []
    ref = -1e9
    row: list[Char] = []
    share, least, sizeless = TOL.baseline, TOL.baseline_min, TOL.sizeless
    for c in ordered:
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
_TEXT = itemgetter(0)
# every single character str.isspace() accepts (all lie below U+3001), NBSP included
_BLANKS = frozenset(ch for ch in map(chr, range(0x3001)) if ch.isspace())


def _words(row: list[Char], has_spaces: bool, compiled: bool = True) -> list[Word]:
    """Split one line's chars into words at drawn spaces and at gaps wider than a fraction of the size."""
    if compiled and _glyphs is not None:
        tols = (TOL.fake_bold, TOL.word_gap, TOL.min_size)
        ws = _glyphs.words(row, has_spaces, Word, tols)  # sorted by x0 there, unless an x0 is no float or NaN (None)
        return ws if ws is not None else _glyphs.words(sorted(row, key=_X0), has_spaces, Word, tols, True)
    return _words_py(sorted(row, key=_X0), has_spaces)


def _words_py(ordered: list[Char], has_spaces: bool) -> list[Word]:
    """One line's chars sorted by x0 into words: the reference for the compiled `_glyphs.words`.

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
    for c in ordered:
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
    has_spaces = any(" " in map(_TEXT, chars) for _, _, _, chars in raw)
    pages = []
    for number, width, height, chars in raw:
        upright = [c for c in chars if c[7] and c[0]]  # Char.upright, Char.text: ~500,000 glyphs a build
        rotated = [c for c in chars if not c[7] and c[0].strip()]
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
