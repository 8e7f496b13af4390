"""Fields stage: a block's lines → paragraphs or (date, text) entries, re-joining wrapped lines."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import NamedTuple

from ..config import DateWords, language
from ..model.records import Box, Entry, Line, Word
from ..parse.words import alternation
from ..tolerances import TOL, Tolerances
from . import hyphens
from .hyphens import HYPHENS, SOFT


def joiner(
    last: Word, nxt: Word, edge: float | None = None, single: bool = False, before: str = "", tol: Tolerances = TOL
) -> str:
    """What goes between the last word of a line and the first word of the next wrapped line.

    `edge` is the right edge of the column (for cells and headings) and `single` says the line held
    only this word: then a word too long for its column may have been broken between two letters.
    `before` is the word in front of `last` on its line.
    """
    if last.space_after:
        return " "  # the producer drew the space the line was wrapped at
    if last.text.endswith(HYPHENS):
        # config/lang-de.yaml joining: a hyphen before or after a conjunction is a suspended compound
        conjunctions = language().conjunctions
        if len(last.text) == 1:  # "und -" + "anpassung": the hyphen opens the next word; else a dash
            if before in conjunctions:  # "Vorlagenart und -" + "Nr.)": a suspended compound
                return ""
            return "" if last.space_after is False and nxt.text[:1].islower() else " "
        return " " if nxt.text in conjunctions else ""  # break after a hyphen keeps it: "Car-Sharing"
    if last.text.endswith("/") and len(last.text) > 1:
        return ""  # "Wirtschaft/" + "Beschäftigung": the report's slashed compounds (theme names) carry no space
    if single and edge is not None and _char_break(last, nxt, edge, tol):
        return ""
    return " "


def _char_break(last: Word, nxt: Word, edge: float, tol: Tolerances = TOL) -> bool:
    """Was a single over-long word broken between letters ("Gemeindeverwaltunge" + "n")?"""
    if last.space_after is False and last.x1 + tol.space_fits * last.size < edge - tol.edge_slack:
        return True  # a space would have fitted and was drawn nowhere else: no space was there
    tail, head = last.text[-1:], nxt.text[:1]
    if nxt.text.lower().strip(".,;:") in language().short_words:  # "Kinder- und Jugend…": no broken word
        return False
    if (tail.isdigit() and head.isdigit()) or (len(nxt.text) <= 2 and head.islower()):
        return True
    # no space information at all: a mid-word break fills the column to within a letter of its edge
    per_char = (last.x1 - last.x0) / max(len(last.text), 1)
    return last.space_after is None and last.x1 >= edge - per_char and tail.islower() and head.islower()


def _broken_word(last: Word, nxt: Word, edge: float) -> bool:
    """A word alone on its cell line, filling the cell to its edge and continued by lower-case letters or
    digits without a drawn space: one word broken between two letters ("Gesund" + "heit", "80." + "01")."""
    if last.space_after or not last.text or not nxt.text:
        return False
    per_char = (last.x1 - last.x0) / len(last.text)
    if last.x1 < edge - per_char or nxt.text.lower().strip(".,;:") in language().short_words:
        return False
    tail, head = last.text[-1], nxt.text[0]
    return (tail.islower() and head.islower()) or (head.isdigit() and (tail.isdigit() or tail in ".,"))


def join_runs(
    runs: Sequence[Sequence[Word]],
    edge: float | None = None,
    cell: bool = False,
    pages: Sequence[int] = (),
    tol: Tolerances = TOL,
) -> str:
    """Re-join wrapped runs of words (text lines, or the lines of a table cell) into one text, `joiner`
    deciding what goes between two runs. `edge` is the right edge of the column; in a table `cell` a
    single word filling the cell to its edge may run straight on into the next line (`_broken_word`).
    A line-end hyphen the producer inserted goes (`hyphens`); `pages` (of each run, if known) place doubts."""
    out = ""
    prev: Sequence[Word] | None = None
    for k, ws in enumerate(runs):
        if prev is not None:
            single = len(prev) == 1
            if not (cell and single and edge is not None and _broken_word(prev[-1], ws[0], edge)):
                page = pages[k - 1] if len(pages) >= k else None
                if hyphens.broken(prev[-1]) and hyphens.current().removes(prev[-1], ws[0], page):
                    out = out[:-1]  # the hyphen the producer inserted ("umge-" + "setzt", "so-" + "wie")
                else:
                    out += joiner(prev[-1], ws[0], edge, single, prev[-2].text if len(prev) > 1 else "", tol)
        out += " ".join([w.text for w in ws])
        prev = ws
    return out.replace(SOFT, "")


def join_lines(lines: list[Line], edge: float | None = None, tol: Tolerances = TOL) -> str:
    """The text of wrapped lines re-joined (`join_runs` over their words)."""
    return join_runs([ln.words for ln in lines], edge, pages=[ln.page for ln in lines], tol=tol)


@dataclass(frozen=True)
class Metrics:
    """Document-wide measures the field parsers need, learned from the document itself, and the tolerances
    they are read with."""

    pitch: float  # usual baseline distance between wrapped lines of body text
    body_size: float
    tab_x: float | None  # x where entry text starts (tab stop / second table column)
    right: float  # right edge of the body text column
    entry_right: float | None = None  # right edge of entry text (a table column may end before `right`)
    entry_pitch: float | None = None  # baseline distance of an entry's (a table cell's) wrapped lines
    tol: Tolerances = TOL


def learn_metrics(lines: list[Line], tol: Tolerances = TOL) -> Metrics:
    """The body size, line pitch and right edge of the body text, read under `tol`."""
    sizes = Counter(round(l.size, 1) for l in lines)
    body = sizes.most_common(1)[0][0] if sizes else tol.default_body_size
    gaps: Counter[float] = Counter()
    for a, b in zip(lines, lines[1:]):
        if a.page == b.page and round(a.size, 1) == body == round(b.size, 1):
            d = round(b.top - a.top, 1)
            if 0 < d < 3 * body:
                gaps[d] += 1
    pitch = _line_pitch(gaps, body, tol.pitch_weight, tol)
    right = max((l.x1 for l in lines if round(l.size, 1) == body), default=0.0)
    return Metrics(pitch, body, None, right, tol=tol)


def block_pitch(
    blocks: list[list[Line]], body: float, weight: float | None = None, tol: Tolerances = TOL
) -> float | None:
    """The distance of wrapped lines inside these blocks (`_line_pitch` of the gaps between their
    consecutive lines on one page), or None when no two of their lines follow each other."""
    gaps: Counter[float] = Counter()
    for lines in blocks:
        for a, b in zip(lines, lines[1:]):
            d = round(b.top - a.top, 1)
            if a.page == b.page and 0 < d < 3 * body:
                gaps[d] += 1
    return _line_pitch(gaps, body, tol.pitch_weight if weight is None else weight, tol) if gaps else None


def _line_pitch(gaps: Counter, body: float, weight: float, tol: Tolerances) -> float:
    """The distance of wrapped lines: the smallest frequent gap between body lines, not the commonest
    one (a report of many one-line labels has more paragraph gaps than line gaps). Gaps within 0.25 pt
    are one cluster (rounding); its largest member is the pitch; a cluster is frequent when it weighs
    at least `weight` of the heaviest."""
    clusters: list[list[float]] = []
    for d in sorted(g for g in gaps if g >= tol.pitch_floor * body):
        if clusters and d - clusters[-1][-1] <= tol.pitch_cluster:
            clusters[-1].append(d)
        else:
            clusters.append([d])
    if not clusters:
        return tol.default_pitch * body
    weights = [sum(gaps[d] for d in c) for c in clusters]
    heavy = next(c for c, w in zip(clusters, weights) if w >= weight * max(weights))
    return heavy[-1]


def learn_entry_right(blocks: list[list[Line]], right: float) -> float | None:
    """Where entry text wraps: the furthest right an entry line reaches (never past the body's edge)."""
    ends = [ln.x1 for lines in blocks for ln in lines]
    return min(max(ends), right) if ends else None


def learn_entry_pitch(blocks: list[list[Line]], m: Metrics) -> float | None:
    """The distance of an entry's wrapped lines (a table cell's, which may be set tighter or looser than the
    prose): measured only where a line goes on in the text column after a line that did not end early, so
    the gaps between rows never count; None without such a pair."""
    tab = m.tab_x if m.tab_x is not None else m.right
    wrap = replace(m, right=m.entry_right) if m.entry_right else m
    pairs = [
        [a, b]
        for lines in blocks
        for a, b in zip(lines, lines[1:])
        if b.x0 >= tab - m.tol.date_column and not _hard_break(a, b, wrap)
    ]
    return block_pitch(pairs, m.body_size, tol=m.tol)


def learn_tab_x(blocks: list[list[Line]], left: float, tol: Tolerances = TOL) -> float | None:
    """The x where entry text starts: the commonest start of indented lines in entry blocks."""
    xs: Counter[int] = Counter()
    for lines in blocks:
        for ln in lines:
            if ln.x0 > left + tol.tab_indent:
                xs[round(ln.x0)] += 1
            else:
                for a, b in zip(ln.words, ln.words[1:]):
                    if b.x0 - a.x1 > tol.tab_gap * a.size:
                        xs[round(b.x0)] += 1
                        break
    return float(xs.most_common(1)[0][0]) if xs else None


def _new_block(prev: Line, ln: Line, m: Metrics) -> bool:
    """Does `ln` start a new paragraph/entry rather than continue `prev`?"""
    if prev.page == ln.page:
        return ln.top - prev.top > m.pitch + m.tol.paragraph_gap * m.body_size
    # across a page break: a wrapped line ends in a drawn space, a hyphen, or at the right edge
    last = prev.words[-1]
    if last.space_after or last.text.endswith(HYPHENS):
        return False
    if last.space_after is False:
        return prev.x1 + m.tol.next_word_room * prev.size < m.right - m.tol.right_slack
    room = m.tol.next_word_room * prev.size + (ln.words[0].x1 - ln.words[0].x0)
    return prev.x1 + room < m.right - m.tol.right_slack


def paragraph_lines(lines: list[Line], m: Metrics) -> list[list[Line]]:
    """Group lines into paragraphs by vertical spacing; a short line followed by text also ends one."""
    groups: list[list[Line]] = []
    for ln in lines:
        if groups and not _new_block(groups[-1][-1], ln, m) and not _hard_break(groups[-1][-1], ln, m):
            groups[-1].append(ln)
        else:
            groups.append([ln])
    return groups


def paragraphs(lines: list[Line], m: Metrics) -> list[str]:
    return [join_lines(g, tol=m.tol) for g in paragraph_lines(lines, m)]


def _hard_break(prev: Line, ln: Line, m: Metrics) -> bool:
    """A line that ended early although the next word would have fitted is a real line break."""
    if prev.trailing_space or prev.words[-1].text.endswith(HYPHENS):
        return False
    w = ln.words[0]
    return (
        prev.x1 + m.tol.next_word_room * prev.size + (w.x1 - w.x0) < m.right - m.tol.hard_break_slack
        and prev.page == ln.page
    )


def _split_date(ln: Line, m: Metrics) -> tuple[list[Word], list[Word]]:
    """Split a line that starts in the date column into its date words and text words."""
    ws = ln.words
    for i in range(1, len(ws)):
        gap = ws[i].x0 - ws[i - 1].x1
        at_tab = m.tab_x is not None and abs(ws[i].x0 - m.tab_x) <= m.tol.at_tab
        if (at_tab and gap > m.tol.tab_date_gap * ws[i].size) or gap > m.tol.date_gap * ws[i].size:
            return list(ws[:i]), list(ws[i:])
    cut = _widened_gap(ws, m.tol)
    return (list(ws[:cut]), list(ws[cut:])) if cut else (list(ws), [])


def _widened_gap(ws: tuple[Word, ...], tol: Tolerances = TOL) -> int | None:
    """Where a date cell that grew to fit its date ends: the first gap after a date-like prefix that is
    clearly wider than the line's word spaces (HTML flex rows put the text right after a long date)."""
    gaps = [b.x0 - a.x1 for a, b in zip(ws, ws[1:])]
    for i in range(1, min(len(ws), tol.date_words_max)):
        gap, others = gaps[i - 1], sorted(gaps[: i - 1] + gaps[i:])
        usual = others[len(others) // 2] if others else 0.0
        if (
            gap > tol.tab_date_gap * ws[i].size
            and gap > tol.widened_gap * usual
            and _date_cell().dateish.search(" ".join(w.text for w in ws[:i]))
        ):
            return i
    return None


def _date_goes_on(date: str, more: str) -> bool:
    """Is `more` the rest of a date cell that wrapped ("01.09.2023 –" + "29.02.2024", "16.06.2024" + "und",
    "seit" + "Sommer" + "2024")? The cell so far ends or `more` begins with a joining word or sign; or the
    cell so far is no date the reader knows and `more` completes it, or is none on its own either."""
    from ..parse.dates import parse_date

    cell = _date_cell()
    if cell.goes_on.search(date) or cell.goes_on_from.search(more):
        return True
    if parse_date(date).understood:
        return False
    return parse_date(f"{date} {more}").understood or not parse_date(more).understood


class _DateCell(NamedTuple):
    """What a date cell holds and how it wraps, by the words of config/lang-de.yaml `dates`."""

    dateish: re.Pattern  # a digit or a word that names a schedule ("fortlaufend", "jährlich")
    goes_on: re.Pattern  # a cell that ends in a dash, slash, comma or a list or range word goes on ("… und")
    goes_on_from: re.Pattern  # … and its rest may begin with that dash, slash or word ("–" + "29.02.2024")


def _date_cell() -> _DateCell:
    """The date cell's patterns of the configuration in force, built once per configuration."""
    return _date_cell_of(language().dates)


@cache
def _date_cell_of(w: DateWords) -> _DateCell:
    joining = alternation(w.list_words + w.range_words)
    return _DateCell(
        re.compile(r"\d|" + alternation(w.ongoing + w.recurring), re.I),
        re.compile(rf"(–|-|\b(?:{joining})|/|,)$"),
        re.compile(rf"^(–|-|/|(?:{joining})\b)"),
    )


# Geometry of entry lines, in points unless said otherwise.


def entries(lines: list[Line], m: Metrics, left: float) -> list[Entry]:
    """Parse milestone or committee lines into (date, text) entries, joining continuation lines."""
    tab = m.tab_x if m.tab_x is not None else left + m.tol.default_tab
    m = replace(m, pitch=m.entry_pitch) if m.entry_pitch else m  # a table's cells may be set tighter or looser
    wrap = replace(m, right=m.entry_right) if m.entry_right else m  # an early line end means: new entry
    reader = _EntryReader(m, tab, wrap)
    for ln in lines:
        reader.read(ln)
    reader.flush()
    return reader.out


def _date_and_text(ln: Line, m: Metrics, tab: float) -> tuple[list[Word], list[Word]]:
    """A line starting in the date column as its date words and text words; a line printed from the left
    margin that is no date is all text."""
    dw, tw = _split_date(ln, m)
    if not tw and not (
        _date_cell().dateish.search(" ".join(w.text for w in dw))
        and ln.x1 < tab + m.tol.date_alone_reach * (m.right - tab)
    ):
        return [], list(dw)
    return dw, tw


@dataclass
class _EntryReader:
    """The state of `entries`: the entries so far, the one being read (its date and text lines), the line
    before, and whether a date printed alone on its line waits for its text."""

    m: Metrics
    tab: float  # x where entry text starts
    wrap: Metrics  # `m` with the right edge entry text wraps at
    out: list[Entry] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    date: str = ""
    waiting: bool = False
    prev: Line | None = None

    def flush(self) -> None:
        """Close the entry being read (if any) and start an empty one."""
        if (self.lines or self.date) and self.prev is not None:  # prev is set once anything was read
            self.out.append(Entry(self.date, join_lines(self.lines, tol=self.m.tol), Box.of(self.lines or [self.prev])))
        self.lines, self.date = [], ""

    def read(self, ln: Line) -> None:
        """Take one line: a date (opening or continuing an entry) and/or text."""
        line: Line | None = ln
        if ln.x0 < self.tab - self.m.tol.date_column:
            line = self._date_column(ln)
        if line is not None:
            self._text(ln, line)
        self.prev = ln

    def _date_column(self, ln: Line) -> Line | None:
        """A line starting in the date column: its text line, or None when its date was taken (with any text)."""
        dw, tw = _split_date(ln, self.m)
        more = " ".join(w.text for w in dw)
        if dw[-1].x1 < self.tab - self.m.tol.date_column and self._date_goes_on(ln, more, tw):
            self.date = f"{self.date} {more}"  # a date wrapped inside its table cell
            if tw:
                self.lines.append(Line(ln.page, tuple(tw)))
            return None
        dw, tw = _date_and_text(ln, self.m, self.tab)
        if not dw:
            return Line(ln.page, tuple(tw))
        more = " ".join(w.text for w in dw)
        self.flush()
        self.date = more
        self.waiting = not tw
        self.lines = [Line(ln.page, tuple(tw))] if tw else []
        return None

    def _date_goes_on(self, ln: Line, more: str, text: list[Word]) -> bool:
        """Does the date `more` on `ln` (beside `text`) continue the date of the entry being read? Not when a
        row gap lies between, nor when the row's text ended on the line before and `ln` brings new text: a
        row's cells all start at its top."""
        prev = self.prev
        if not self.date or prev is None:
            return False
        if prev.page == ln.page and _new_block(prev, ln, self.m):
            return False
        if text and self.lines and _hard_break(self.lines[-1], Line(ln.page, tuple(text)), self.wrap):
            return False
        return _date_goes_on(self.date, more)  # across a page break: the cell's content alone decides

    def _text(self, ln: Line, line: Line) -> None:
        """File a text line (`line`, the text part of `ln`): into the entry being read, or as a new entry."""
        if self.waiting:
            self.lines.append(line)
            self.waiting = False
        elif self.lines and self._continues(ln):
            self.lines.append(line)
        else:
            self.flush()
            self.lines = [line]

    def _continues(self, ln: Line) -> bool:
        """Is `ln` a wrapped line of the entry being read?"""
        prev = self.prev
        return prev is not None and not _new_block(prev, ln, self.m) and not _hard_break(prev, ln, self.wrap)
