"""Tables stage: the per-theme Projektliste tables and the two Archiv tables.

A table is read page by page. Its header band (the lines between the title, or the page top, and the first
row) names the columns: upright header words or runs of rotated letters, matched against the vocabulary in the
`tables` section of `config/report.yaml`. The cell text below then fixes where each column really starts (a
rotated or centred header sits inside its column, not at its edge). A row starts at a line with a project
number (Projektliste) or a date (Archiv) in its column; the lines below belong to it until the next row
starts. No rules, page orientation or fixed coordinates are needed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import median
from typing import NamedTuple

import regex as re

from ..config import TableWords, profile
from ..model.records import ArchiveRow, Box, Char, Line, ListRow, ProjectList, Word
from ..tolerances import TOL, Tolerances
from .fields import join_lines, join_runs

DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}$")  # an Archiv row's date cell (a cell word, matched whole)


def table_words() -> TableWords:
    """The tables' titles, header words and status marks (config/report.yaml `tables`; the Projektliste's title
    is titles.list), of the configuration in force."""
    return profile().tables


def _status_words() -> list[tuple[str, str]]:
    """(heading word, status name) of each status, in the profile's order (config/report.yaml statuses)."""
    return [(st.word, st.name) for st in profile().statuses]


# ---------------------------------------------------------------- header words


def _cells(words: tuple[Word, ...], tol: Tolerances = TOL) -> list[list[Word]]:
    """Split a header line into cells at gaps wider than a couple of spaces."""
    cells: list[list[Word]] = []
    for w in words:
        if cells and w.x0 - cells[-1][-1].x1 <= tol.header_cell_gap * w.size:
            cells[-1].append(w)
        else:
            cells.append([w])
    return cells


def _centre(c: Char | Word) -> float:
    return (c.x0 + c.x1) / 2


def _rotated_columns(rotated: list[Char], tol: Tolerances = TOL) -> list[list[Char]]:
    """Rotated letters grouped into vertical columns by their centre x."""
    groups: list[list[Char]] = []
    for c in sorted(rotated, key=_centre):
        if groups and _centre(c) - _centre(groups[-1][-1]) <= tol.rot_x * max(c.x1 - c.x0, 1.0):
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def _rotated_runs(group: list[Char], tol: Tolerances = TOL) -> list[list[Char]]:
    """One vertical column of rotated letters split into words at vertical gaps, top to bottom."""
    runs: list[list[Char]] = []
    for c in sorted(group, key=lambda c: c.top):
        if runs and c.top - runs[-1][-1].bottom <= tol.rot_word_gap * (c.x1 - c.x0):
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def rotated_words(rotated: list[Char], tol: Tolerances = TOL) -> list[Word]:
    """Runs of rotated letters as words (text read bottom-up and top-down: both are offered)."""
    out: list[Word] = []
    for group in _rotated_columns(rotated, tol):
        for run in _rotated_runs(group, tol):
            x0, x1 = min(r.x0 for r in run), max(r.x1 for r in run)
            top, bottom = min(r.top for r in run), max(r.bottom for r in run)
            down = "".join(r.text for r in run)
            for text in (down[::-1], down):
                out.append(Word(text, x0, x1, top, bottom, run[0].size, run[0].bold, None))
    return out


def _rotated_phrases(group: list[Char], tol: Tolerances = TOL) -> tuple[str, str]:
    """A column of rotated letters as a phrase, words apart: read bottom-up and read top-down."""
    down = ["".join(c.text for c in run) for run in _rotated_runs(group, tol)]
    return " ".join(w[::-1] for w in reversed(down)), " ".join(down)


# ---------------------------------------------------------------- status heads by abbreviation


def status_forms() -> list[tuple[str, tuple[str, ...]]]:
    """(status, words) of every way config/report.yaml names a status: its name ("in Bearbeitung") and its
    heading word ("bearbeitung")."""
    return [(st.name, tuple(f.split())) for st in profile().statuses for f in dict.fromkeys((st.name, st.word))]


def _abbreviates(head: list[str], form: tuple[str, ...]) -> bool:
    """Every word of the head is the form's word at its place, or a prefix of it ending in "." (one at least)."""
    if len(head) != len(form) or not any(h.endswith(".") for h in head):
        return False
    for h, f in zip(head, form):
        stem = h[:-1] if h.endswith(".") else None
        if not (h.lower() == f.lower() or (stem and len(stem) < len(f) and f.lower().startswith(stem.lower()))):
            return False
    return True


def abbreviated_statuses(head: str, forms: list[tuple[str, tuple[str, ...]]] | None = None) -> list[str]:
    """The statuses a table head names by abbreviation ("in Bearb." → ["in Bearbeitung"]); more than one:
    the head is ambiguous (refused by the callers, never guessed); none: it is no abbreviation of a status."""
    found = [name for name, words in (forms or status_forms()) if _abbreviates(head.split(), words)]
    return list(dict.fromkeys(found))


class Refused(NamedTuple):
    """A status head that abbreviates more than one status: where it is printed and what it may name."""

    page: int
    box: Box
    text: str
    statuses: list[str]


class Span(NamedTuple):
    """The x interval a header word or a block of cell text covers."""

    x0: float
    x1: float


class StatusColumn(NamedTuple):
    """A status column found in the header: where it lies (centre or left edge, see `StatusHeads`), its status."""

    x: float
    status: str


class StatusHeads(NamedTuple):
    """A page's status columns and how their x is measured: "center" (rotated headers) or "left" (upright)."""

    anchor: str
    columns: list[StatusColumn]


def named_columns(words: list[Word], spec: list[tuple[str, re.Pattern]]) -> dict[str, Span]:
    """The span of the first header word naming each column."""
    out: dict[str, Span] = {}
    for w in words:
        for name, rx in spec:
            if name not in out and rx.fullmatch(w.text):
                out[name] = Span(w.x0, w.x1)
                break
    return out


def status_columns(
    rotated: list[Char], refused: list[Refused] | None = None, page: int = 0, tol: Tolerances = TOL
) -> list[StatusColumn]:
    """Centre x and status of each rotated status header ("Ideenspeicher", "in Planung", "in Plan.", …);
    heads (on `page`) that abbreviate more than one status are appended to `refused`."""
    out, words = [], _status_words()
    for g in _rotated_columns(rotated, tol):
        text = "".join(c.text for c in sorted(g, key=lambda c: c.top)).lower()
        text += "".join(c.text for c in sorted(g, key=lambda c: -c.top)).lower()
        status = next((st for word, st in words if word in text or word[:6] in text), None)
        if status is None:
            status = _by_abbreviation(_rotated_phrases(g, tol), Box(page, *_extent(g)), refused)
        if status is not None:
            out.append(StatusColumn(sum(_centre(c) for c in g) / len(g), status))
    return out


def _by_abbreviation(phrases: tuple[str, ...], box: Box, refused: list[Refused] | None) -> str | None:
    """The one status a head abbreviates (in one of its readings); "" for an ambiguous head, refused (its
    column stays, so that its marks give no status rather than a neighbour's); None for no abbreviation."""
    for phrase in phrases:
        found = abbreviated_statuses(phrase)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            if refused is not None:
                refused.append(Refused(box.page, box, phrase, found))
            return ""
    return None


def _extent(items: list[Char] | list[Word]) -> tuple[float, float, float, float]:
    """x0, top, x1, bottom of some glyphs or words."""
    return min(i.x0 for i in items), min(i.top for i in items), max(i.x1 for i in items), max(i.bottom for i in items)


def upright_status_columns(
    lines: list[Line], refused: list[Refused] | None = None, tol: Tolerances = TOL
) -> list[StatusColumn]:
    """Status columns from upright header labels ("umgesetzt", "in Bearbeitung", "in Bearb.", …): left edge
    and status; heads that abbreviate more than one status are appended to `refused`."""
    out: list[StatusColumn] = []
    words = _status_words()
    for ln in lines:
        for cell in _cells(ln.words, tol):
            text = " ".join(w.text for w in cell).lower()
            heads = [StatusColumn(cell[0].x0, st) for word, st in words if word in text]
            heads = heads or _abbreviated_heads(ln.page, list(cell), refused)
            out += [h for h in heads if not h.status or h.status not in [c.status for c in out]]
    return out


def _abbreviated_heads(page: int, words: list[Word], refused: list[Refused] | None) -> list[StatusColumn]:
    """The status heads of a cell of abbreviated heads, set close ("in Bearb. in Plan."): from its first
    word on, the longest run of words that abbreviates a status (or is refused as ambiguous) is one head. A
    cell with any other word holds no status heads ("Arbeit u. Bildung" names no "umgesetzt")."""
    longest = max(len(f) for _, f in status_forms())
    out: list[StatusColumn] = []
    mine: list[Refused] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            run = words[i : i + n]
            st = _by_abbreviation((" ".join(w.text for w in run),), Box(page, *_extent(run)), mine)
            if st is not None:
                out.append(StatusColumn(run[0].x0, st))
                i += n
                break
        else:
            return []
    if refused is not None:
        refused += mine
    return out


# ---------------------------------------------------------------- columns from header and cell text


@dataclass(frozen=True)
class Column:
    name: str
    x0: float  # where the column's text starts: the header's left or its cell text's, whichever is further left
    x1: float  # right end of the header word that named it


def text_blocks(lines: list[Line], marks: frozenset[str] = frozenset(), tol: Tolerances = TOL) -> list[Span]:
    """x intervals covered by cell text, separated by gutters (gaps no word of any line crosses)."""
    spans = sorted((w.x0, w.x1, w.size) for ln in lines for w in ln.words if w.text not in marks)
    out: list[list[float]] = []
    for x0, x1, size in spans:
        if out and x0 - out[-1][1] < tol.gutter * size:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return [Span(a, b) for a, b in out]


def grid(named: dict[str, Span], blocks: list[Span]) -> list[Column]:
    """Columns left to right; each starts where its header or the first text block under it starts."""
    cols: list[Column] = []
    floor = -math.inf  # a column never reaches back over the previous column's header
    for name, (x0, x1) in sorted(named.items(), key=lambda c: c[1].x0):
        starts = [b0 for b0, b1 in blocks if b0 < x1 and b1 > x0 and b0 >= floor]
        cols.append(Column(name, min([x0] + starts), x1))
        floor = x1
    return cols


def column_of(w: Word, cols: list[Column], tol: Tolerances = TOL) -> str:
    """The column a word starts in: the last one whose start lies left of the word."""
    name = cols[0].name
    for c in cols:
        if w.x0 >= c.x0 - tol.edge * w.size:
            name = c.name
    return name


# ---------------------------------------------------------------- cells


def _status_labels(ln: Line, tol: Tolerances = TOL) -> bool:
    """A line of upright status headers only ("umgesetzt  in Bearbeitung …")."""
    cells = _cells(ln.words, tol)
    return all(upright_status_columns([Line(ln.page, tuple(c))], tol=tol) for c in cells)


def header_lines(band: list[Line], rotated_bottom: float, tol: Tolerances = TOL) -> int:
    """How many of the lines above a page's first row are its header (on a page the table continues on):
    set bold, beside the rotated headers, status labels, or tight below the header line before; the rest
    continue the row the last page ended in."""
    n = 0
    for i, ln in enumerate(band):
        tight = i > 0 and ln.top - band[i - 1].top <= tol.header_pitch * band[i - 1].size
        if not (i == 0 or ln.bold or tight or ln.top < rotated_bottom or _status_labels(ln, tol)):
            break
        n += 1
    return n


def _row_top(ln: Line, nxt: Line, tol: Tolerances = TOL) -> bool:
    """A plain line set tight above the next: part of the same row, not of the header."""
    return not ln.bold and nxt.top - ln.top <= tol.run_pitch * nxt.size


# ---------------------------------------------------------------- one table over its pages


@dataclass
class _Piece:
    """One table line: its words by column, its status marks, and whether it opens a row."""

    line: Line
    parts: dict[str, list[Word]]
    marks: list[Word]
    opens: bool


@dataclass
class _Row:
    lines: list[Line]
    cells: dict[str, list[list[Word]]] = field(default_factory=dict)
    marks: list[Word] = field(default_factory=list)
    status_cols: StatusHeads = StatusHeads("center", [])

    def take(self, ln: Line, parts: dict[str, list[Word]], marks: list[Word]) -> None:
        """Add a line's share to this row, keeping lines and cell lines in printed order."""
        if not any(l is ln for l in self.lines):
            self.lines.append(ln)
            self.lines.sort(key=lambda l: (l.page, l.top))
        self.marks.extend(marks)
        for name, ws in parts.items():
            self.cells.setdefault(name, []).append(ws)


class Table:
    """Rows of one table across pages: header bands read, continuation lines merged."""

    def __init__(
        self, spec, starts_row: Callable[[dict[str, list[Word]]], bool], opens: re.Pattern, tol: Tolerances = TOL
    ):
        self.spec, self.starts_row, self.opens, self.tol = spec, starts_row, opens, tol
        self.named: dict[str, Span] = {}
        self.status = StatusHeads("center", [])
        self.rows: list[_Row] = []
        self.unplaced: list[Line] = []  # lines on the table's pages that belong to no row (reported, never dropped)
        self.refused: list[Refused] = []  # status heads that abbreviate more than one status (reported)

    def edge(self, name: str) -> float:
        """Right edge of a column's text: the furthest any of its words reaches."""
        return max((w.x1 for r in self.rows for ws in r.cells.get(name, []) for w in ws), default=0.0)

    def read_page(self, lines: list[Line], rotated: list[Char], titled: bool) -> None:
        """One page's share of the table: a header band (if printed) and the rows below it. `titled`: the
        table's title is on this page, so nothing above the first row can continue an earlier row."""
        data = self._header(lines, rotated, titled)
        if not self.named:
            self.unplaced += data
            return
        pieces = self._pieces(data, grid(self.named, text_blocks(data, table_words().marks, self.tol)))
        if self._middle_aligned(pieces, self.tol):
            self._add_centred(pieces)
        else:
            for pc in pieces:
                self._add(pc)

    def _header(self, lines: list[Line], rotated: list[Char], titled: bool) -> list[Line]:
        """Read the page's header band, if it names enough columns; returns the lines below it."""
        first = next((i for i, ln in enumerate(lines) if self._opens_row(ln)), len(lines))
        top = lines[first].top if first < len(lines) else math.inf
        rot = [c for c in rotated if (c.top + c.bottom) / 2 < top]
        head = _band_end(lines, first, rot, titled, self.tol)
        band = lines[:head]
        named = named_columns([w for ln in band for w in ln.words] + rotated_words(rot, self.tol), self.spec)
        if len(named) < self.tol.min_named:
            return lines  # no header on this page: the table just continues
        self.named = named
        page = lines[0].page if lines else 0
        cols = status_columns(rot, self.refused, page, self.tol)
        upright = upright_status_columns(band, self.refused, self.tol) if not cols else []
        self.status = StatusHeads("center", cols) if cols else StatusHeads("left", upright)
        return lines[head:]

    def _opens_row(self, ln: Line) -> bool:
        """Does a word of the line look like a row's opening (a project number, a date)?"""
        return any(self.opens.fullmatch(w.text) for w in ln.words)

    def _pieces(self, data: list[Line], cols: list[Column]) -> list[_Piece]:
        """The table's lines split by column, up to where the table ends on the page."""
        reach = self._reach(data)
        pieces: list[_Piece] = []
        for i, ln in enumerate(data):
            if i and ln.top - data[i - 1].bottom > max(reach, self.tol.reach * ln.size):
                self.unplaced += data[i:]  # below the table: a page number, a note; never part of a cell
                break
            pieces.append(self._split(ln, cols))
        return pieces

    def _reach(self, data: list[Line]) -> float:
        """How far below its previous line a line may start and still be in the table: a multiple of the
        usual gap above a row (rows may be spaced wider than their lines)."""
        gaps = [b.top - a.bottom for a, b in zip(data, data[1:]) if self._opens_row(b)]
        return self.tol.row_gaps * median(gaps) if gaps else 0.0

    def _split(self, ln: Line, cols: list[Column]) -> _Piece:
        """A line's words by column (status marks apart), and whether it opens a row."""
        parts: dict[str, list[Word]] = {}
        marks: list[Word] = []
        glyphs = table_words().marks
        for w in ln.words:
            name = column_of(w, cols, self.tol)
            if w.text in glyphs and "status" in self.named and name in ("status", "title", "number"):
                marks.append(w)
            else:
                parts.setdefault(name, []).append(w)
        return _Piece(ln, parts, marks, self.starts_row(parts))

    def _add(self, pc: _Piece) -> None:
        """File a line under the row it opens, else under the row above (cells set at the row's top)."""
        if pc.opens or not self.rows:
            self.rows.append(_Row([], status_cols=self.status))
        self.rows[-1].take(pc.line, pc.parts, pc.marks)

    @staticmethod
    def _middle_aligned(pieces: list[_Piece], tol: Tolerances = TOL) -> bool:
        """Cells centred in their rows: a row-opening line lacks a cell whose lines sit tight above and below
        it (set at the row's top, a cell would start on the row's first line)."""
        for i in range(1, len(pieces) - 1):
            above, pc, below = pieces[i - 1], pieces[i], pieces[i + 1]
            tight = (
                pc.line.top - above.line.top <= tol.run_pitch * pc.line.size
                and below.line.top - pc.line.top <= tol.run_pitch * pc.line.size
            )
            if (
                pc.opens
                and tight
                and not above.opens
                and not below.opens
                and (set(above.parts) & set(below.parts)) - set(pc.parts)
            ):
                return True
        return False

    def _add_centred(self, pieces: list[_Piece]) -> None:
        """File each column's runs of lines under the row-opening line they are centred on."""
        anchors = [pc for pc in pieces if pc.opens]
        if not anchors:
            for pc in pieces:
                self._add(pc)
            return
        rows = {id(pc): _Row([], status_cols=self.status) for pc in anchors}
        for name in sorted({n for pc in pieces for n in pc.parts}) + [_MARKS]:
            for run in _runs(_in_column_run(pieces, name), self.tol):
                for pc in run:
                    _take_share(rows[id(_anchor_of(pc, run, anchors))], pc, name)
        self.rows += [rows[id(pc)] for pc in anchors]

    def text(self, row: _Row, name: str) -> str:
        """A cell's text, its wrapped lines re-joined."""
        page = [row.lines[0].page] * len(row.cells.get(name, [])) if row.lines else []
        return join_runs(row.cells.get(name, []), self.edge(name), cell=True, pages=page, tol=self.tol)


_MARKS = "\0marks"  # the status marks, filed like one more column


def _band_end(lines: list[Line], first: int, rot: list[Char], titled: bool, tol: Tolerances = TOL) -> int:
    """How many lines above the first row (line `first`) form the header band: all of them on the page
    that prints the table's title, else the header-like ones; less the upper half of a first row whose
    cells are centred."""
    head = first if titled else header_lines(lines[:first], max((c.bottom for c in rot), default=-math.inf), tol)
    while 0 < head and first < len(lines) and _row_top(lines[head - 1], lines[head], tol):
        head -= 1  # the upper half of a first row whose cells are centred
    return head


def _in_column_run(pieces: list[_Piece], name: str) -> list[_Piece]:
    """The pieces with words in column `name` (or, for `_MARKS`, with status marks)."""
    return [pc for pc in pieces if (pc.marks if name == _MARKS else name in pc.parts)]


def _take_share(row: _Row, pc: _Piece, name: str) -> None:
    """File a piece's words of column `name` (or, for `_MARKS`, its status marks) under `row`."""
    if name == _MARKS:
        row.take(pc.line, {}, pc.marks)
    else:
        row.take(pc.line, {name: pc.parts[name]}, [])


def _mid(pc: _Piece) -> float:
    return (pc.line.top + pc.line.bottom) / 2


def _anchor_of(pc: _Piece, run: list[_Piece], anchors: list[_Piece]) -> _Piece:
    """The row-opening line a centred cell line belongs to: the one inside its run, else the one nearest
    the run's middle (or, where a run spans several rows' cells, nearest the line itself)."""
    opened = [a for a in run if a.opens]
    if len(opened) == 1:
        return opened[0]
    at = _mid(pc) if opened else sum(map(_mid, run)) / len(run)
    return min(anchors, key=lambda a: abs(_mid(a) - at))


def _runs(pieces: list[_Piece], tol: Tolerances = TOL) -> list[list[_Piece]]:
    """Pieces of one column split where more than a line pitch separates them: one run, one cell."""
    runs: list[list[_Piece]] = []
    for pc in pieces:
        if runs and pc.line.top - runs[-1][-1].line.top <= tol.run_pitch * pc.line.size:
            runs[-1].append(pc)
        else:
            runs.append([pc])
    return runs


def _continues_title(title: list[Line], ln: Line, tol: Tolerances = TOL) -> bool:
    """A long title wrapped onto the next line: same page, same size and weight, set tight below."""
    last = title[-1]
    return (
        ln.page == last.page
        and ln.bold == last.bold
        and abs(ln.size - last.size) < tol.title_size
        and 0 < ln.top - last.top <= tol.header_pitch * last.size
    )


def _read_tables(
    lines: list[Line], kinds: dict[str, Callable[[], Table]], rotated_by_page, tol: Tolerances = TOL
) -> list[tuple[str, list[Line], Table]]:
    """Split lines at the tables' titles (title lines kept) and feed each table its lines page by page."""
    titles = table_words().titles
    tables: list[tuple[str, list[Line], Table]] = []
    chunk: list[Line] = []

    def flush():
        if chunk and tables:
            titled = tables[-1][1][0].page == chunk[0].page
            tables[-1][2].read_page(chunk, rotated_by_page.get(chunk[0].page, []), titled)

    for ln in lines:
        kind = next((k for k in kinds if titles[k].match(ln.text)), None)
        if kind or (chunk and ln.page != chunk[0].page):
            flush()
            chunk = []
        if kind:
            tables.append((kind, [ln], kinds[kind]()))
        elif tables and not chunk and _continues_title(tables[-1][1], ln, tol):
            tables[-1][1].append(ln)
        else:
            chunk.append(ln)
    flush()
    return tables


def _in_column(name: str, rx: re.Pattern) -> Callable[[dict[str, list[Word]]], bool]:
    """A row starts where the given column's first word on the line matches `rx` whole."""
    return lambda parts: bool(parts.get(name)) and bool(rx.fullmatch(parts[name][0].text))


# ---------------------------------------------------------------- Projektliste


def parse_project_lists(
    lines: list[Line],
    rotated_by_page: dict[int, list[Char]],
    unplaced: list[Line] | None = None,
    refused: list[Refused] | None = None,
    tol: Tolerances = TOL,
) -> list[ProjectList]:
    """Every 'Projektliste „…“' table with its rows; lines in no row are appended to `unplaced`, status heads
    refused as ambiguous to `refused`."""
    p = profile()
    spec, number = p.tables.columns["list"], p.project_number  # config/report.yaml numbering.project_number
    new = lambda: Table(spec, _in_column("number", number), number, tol)
    lists: list[ProjectList] = []
    for _, title, table in _read_tables(lines, {"list": new}, rotated_by_page, tol):
        pl = ProjectList("", join_lines(title), [_list_row(r, table) for r in table.rows])
        firsts = [r.number.split(".")[0] for r in pl.rows if r.number]
        pl.theme = max(set(firsts), key=firsts.count) if firsts else ""
        for r in pl.rows:
            r.theme = pl.theme
        lists.append(pl)
        if unplaced is not None:
            unplaced += table.unplaced
        if refused is not None:
            refused += table.refused
    return lists


def _status(row: _Row) -> str:
    """The status whose column holds the row's mark."""
    heads = row.status_cols
    if not row.marks or not heads.columns:
        return ""
    m = row.marks[0]
    x = _centre(m) if heads.anchor == "center" else m.x0
    return min(heads.columns, key=lambda c: abs(c.x - x)).status


def _list_row(r: _Row, table: Table) -> ListRow:
    txt = lambda name: table.text(r, name)
    return ListRow("", txt("number"), txt("title"), _status(r), txt("cooperation"), txt("responsible"), Box.of(r.lines))


# ---------------------------------------------------------------- Archiv


def parse_archive(
    lines: list[Line], unplaced: list[Line] | None = None, tol: Tolerances = TOL
) -> tuple[str, list[ArchiveRow]]:
    """The 'Umgesetzte Projekte' and 'Entfallene Projekte' tables of the Archiv chapter; lines in no row
    are appended to `unplaced`."""
    v = table_words()
    since = next((m.group(1) for ln in lines if (m := v.titles["archive_since"].search(ln.text))), "")
    kinds = {
        "completed": lambda: Table(v.columns["completed"], _in_column("report", DATE), DATE, tol),
        "dropped": lambda: Table(v.columns["dropped"], _in_column("last_mention", DATE), DATE, tol),
    }
    rows: list[ArchiveRow] = []
    for kind, _, table in _read_tables(lines, kinds, {}, tol):
        for r in table.rows:
            c = lambda n: table.text(r, n)
            rows.append(
                ArchiveRow(
                    kind,
                    c("theme"),
                    c("project"),
                    c("report"),
                    c("number"),
                    c("reason"),
                    c("last_mention"),
                    Box.of(r.lines),
                )
            )
        if unplaced is not None:
            unplaced += table.unplaced
    return since, rows
