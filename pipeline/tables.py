"""Tables stage: the per-theme Projektliste tables and the two Archiv tables.

Columns are found from the header row's cell texts (and, for the status, from the rotated header
letters above the "x" marks), never from fixed coordinates.
"""
from __future__ import annotations

import regex as re

from .fields import joiner
from .records import ArchiveRow, Box, Char, Line, ListRow, ProjectList, Word
from .segment import STATUS_WORDS

NUMBER = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.\d{1,3}$")
DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}$")
MARKS = {"x", "X", "×", "✓", "✔", "●", "☒"}
# header words naming each column (one word each; the header cells may touch)
LIST_COLUMNS = [("number", r"Nr\.?|Nummer"), ("status", r"\w*[Ss]tatus"), ("title", r"Projekte?|Projekttitel|Titel"),
                ("cooperation", r"Zusammen\w*"), ("responsible", r"Verantw\w*|Zuständig\w*")]
COMPLETED_COLUMNS = [("theme", r"Themen\w*"), ("project", r"Projekte?"), ("report", r"Report|Bericht|Stand"),
                     ("number", r"Nr\.?|Nummer")]
DROPPED_COLUMNS = [("theme", r"Themen\w*"), ("project", r"Projekte?"), ("reason", r"Grund|Begründung"),
                   ("last_mention", r"letzte|Erwähnung")]


def _cells(words: tuple[Word, ...]) -> list[list[Word]]:
    """Split a header line into cells at gaps wider than a couple of spaces."""
    cells: list[list[Word]] = []
    for w in words:
        if cells and w.x0 - cells[-1][-1].x1 <= 0.9 * w.size:
            cells[-1].append(w)
        else:
            cells.append([w])
    return cells


_COMPILED: dict[str, re.Pattern] = {}


def _columns(header: Line, spec) -> list[tuple[str, float]]:
    """(name, x0) per column, from the header words that name them."""
    cols: dict[str, float] = {}
    for w in header.words:
        for name, rx in spec:
            pat = _COMPILED.get(rx) or _COMPILED.setdefault(rx, re.compile(rx))
            if name not in cols and pat.fullmatch(w.text):
                cols[name] = w.x0
                break
    return sorted(cols.items(), key=lambda c: c[1])


def _column_of(w: Word, cols: list[tuple[str, float]]) -> str:
    name = cols[0][0]
    for n, x in cols:
        if w.x0 >= x - 3:
            name = n
    return name


def _join_cell(lines: list[list[Word]], edge: float) -> str:
    """Join the word runs of one cell; a single long word broken at the cell edge is re-joined."""
    out = ""
    prev: list[Word] | None = None
    for ws in lines:
        if prev is not None:
            out += joiner(prev[-1], ws[0], edge, len(prev) == 1, prev[-2].text if len(prev) > 1 else "")
        out += " ".join(w.text for w in ws)
        prev = ws
    return out


def _status_columns(rotated: list[Char]) -> list[tuple[float, str]]:
    """Centre x and status of each rotated header column ("Ideenspeicher", "in Planung", …)."""
    groups: list[list[Char]] = []
    for c in sorted(rotated, key=lambda c: (c.x0 + c.x1) / 2):
        cx = (c.x0 + c.x1) / 2
        if groups and cx - (groups[-1][-1].x0 + groups[-1][-1].x1) / 2 <= 4:
            groups[-1].append(c)
        else:
            groups.append([c])
    out = []
    for g in groups:
        text = "".join(c.text for c in sorted(g, key=lambda c: c.top)).lower()
        text += "".join(c.text for c in sorted(g, key=lambda c: -c.top)).lower()
        for word, status in STATUS_WORDS:
            if word in text or word[:6] in text:
                out.append((sum((c.x0 + c.x1) / 2 for c in g) / len(g), status))
                break
    return out


class _Table:
    """Rows of one table across pages: header lines skipped, continuation lines merged."""

    def __init__(self, spec, starts_row):
        self.spec, self.starts_row = spec, starts_row
        self.cols: list[tuple[str, float]] = []
        self.rows: list[dict] = []

    def header(self, line: Line) -> None:
        cols = _columns(line, self.spec)
        if len(cols) >= 3:
            self.cols = cols

    def edge(self, name: str) -> float:
        """Right edge of a column: the furthest any of its words reaches."""
        return max((w.x1 for r in self.rows for ws in r["cells"].get(name, []) for w in ws), default=0.0)

    def add(self, line: Line) -> None:
        parts: dict[str, list[Word]] = {}
        for w in line.words:
            parts.setdefault(_column_of(w, self.cols), []).append(w)
        if self.starts_row(parts) or not self.rows:
            self.rows.append({"cells": {}, "lines": [line]})
        else:
            self.rows[-1]["lines"].append(line)
        for name, ws in parts.items():
            self.rows[-1]["cells"].setdefault(name, []).append(ws)


def _is_header(line: Line) -> bool:
    """A table's header row: it names at least three of the columns we know."""
    names = 0
    for spec in (LIST_COLUMNS, COMPLETED_COLUMNS, DROPPED_COLUMNS):
        names = max(names, len(_columns(line, spec)))
    return names >= 3


def _upright_status_columns(lines: list[Line]) -> list[tuple[float, str]]:
    """Status columns from upright header labels ("umgesetzt", "in Bearbeitung", …): left edge and status."""
    out = []
    for ln in lines:
        for cell in _cells(ln.words):
            text = " ".join(w.text for w in cell).lower()
            for word, status in STATUS_WORDS:
                if word in text and status not in [s for _, s in out]:
                    out.append((cell[0].x0, status))
    return out


def parse_project_lists(lines: list[Line], rotated_by_page: dict[int, list[Char]]) -> list[ProjectList]:
    """Every 'Projektliste „…“' table with its rows."""
    lists: list[ProjectList] = []
    table: _Table | None = None
    current: tuple[str, list[tuple[float, str]]] = ("center", [])  # status columns of the latest header
    sizes = [ln.size for ln in lines if NUMBER.match(ln.words[0].text)]
    body_size = max(set(sizes), key=sizes.count) if sizes else 0.0
    header: list[Line] | None = None  # lines of the header being read

    def finish():
        if table and lists:
            for r in table.rows:
                lists[-1].rows.append(_list_row(r, table))

    for ln in lines:
        if re.match(r"^Projektliste\b", ln.text):
            finish()
            lists.append(ProjectList("", ln.text))
            table = _Table(LIST_COLUMNS, lambda parts: any(NUMBER.match(w.text) for w in parts.get("number", [])))
            continue
        if table is None:
            continue
        rot = rotated_by_page.get(ln.page, [])
        if _is_header(ln):
            table.header(ln)
            header = [ln]
            continue
        if header is not None:
            tight = ln.page == header[-1].page and 0 < ln.top - header[-1].top <= 1.5 * header[-1].size \
                and not NUMBER.match(ln.words[0].text)
            if tight or ln.bold or abs(ln.size - body_size) > 0.6 or ln.top < max((c.bottom for c in rot), default=0.0):
                header.append(ln)
                continue
            cols = _status_columns(rot)
            current = ("center", cols) if cols else ("left", _upright_status_columns(header))
            header = None
        if table.cols:
            table.add(ln)
            table.rows[-1].setdefault("status_cols", current)
    finish()
    for pl in lists:
        firsts = [r.number.split(".")[0] for r in pl.rows if r.number]
        pl.theme = max(set(firsts), key=firsts.count) if firsts else ""
        for r in pl.rows:
            r.theme = pl.theme
    return lists


def _list_row(r: dict, table: _Table) -> ListRow:
    cells = r["cells"]
    txt = lambda name: _join_cell(cells.get(name, []), table.edge(name))
    status = ""
    marks = [w for ws in cells.get("status", []) + cells.get("title", []) for w in ws if w.text in MARKS]
    mode, cols = r["status_cols"]
    if marks and cols:
        x = (marks[0].x0 + marks[0].x1) / 2 if mode == "center" else marks[0].x0
        status = min(cols, key=lambda c: abs(c[0] - x))[1]
    title_lines = [[w for w in ws if w.text not in MARKS] for ws in cells.get("title", [])]
    title = _join_cell([ws for ws in title_lines if ws], table.edge("title"))
    return ListRow("", txt("number"), title, status, txt("cooperation"), txt("responsible"), Box.of(r["lines"]))


def parse_archive(lines: list[Line]) -> tuple[str, list[ArchiveRow]]:
    """The 'Umgesetzte Projekte' and 'Entfallene Projekte' tables of the Archiv chapter."""
    since = ""
    rows: list[ArchiveRow] = []
    table: _Table | None = None
    kind = ""

    def finish():
        if table:
            for r in table.rows:
                c = lambda n: _join_cell(r["cells"].get(n, []), table.edge(n))
                rows.append(ArchiveRow(kind, c("theme"), c("project"), c("report"), c("number"), c("reason"),
                                       c("last_mention"), Box.of(r["lines"])))

    dated = lambda name: (lambda parts: any(DATE.match(w.text) for w in parts.get(name, [])))
    head: Line | None = None  # the header line last seen: lines set tight below it continue it
    for ln in lines:
        if not since and (m := re.search(r"\(seit\s+([\d.]+)\)", ln.text)):
            since = m.group(1)
            continue
        if re.match(r"^Umgesetzte\s+Projekte\b", ln.text):
            finish()
            kind, table = "completed", _Table(COMPLETED_COLUMNS, dated("report"))
            continue
        if re.match(r"^Entfallene\s+Projekte\b", ln.text):
            finish()
            kind, table = "dropped", _Table(DROPPED_COLUMNS, dated("last_mention"))
            continue
        if table is None:
            continue
        if _is_header(ln):
            table.header(ln)
            head = ln
            continue
        if head is not None and ln.page == head.page and 0 < ln.top - head.top <= 1.5 * head.size \
                and not table.starts_row({_column_of(w, table.cols): [w] for w in ln.words}):
            head = ln  # second header line ("Erwähnung"), bold or not
            continue
        head = None
        if not table.cols or (ln.bold and not table.rows):
            continue
        if ln.bold and all(_column_of(w, table.cols) == table.cols[-1][0] for w in ln.words) and len(ln.words) == 1 \
                and not DATE.match(ln.text):
            continue
        table.add(ln)
    finish()
    return since, rows
