"""Re-typeset a gold edition with reportlab in another style: the tests' "other PDF producer".

Other fonts, sizes, margins, justified text (words placed one by one: no space glyphs), milestones as
ruled two-column tables instead of tab stops, page numbers as "Seite N", upright or rotated status
headers. The extractor must read these as well as the corpus' LibreOffice rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

LEGEND = "umgesetzt (innerhalb des letzten halben Jahres)    in Bearbeitung    in Planung    Ideenspeicher"


@dataclass
class Style:
    font: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    ligatures: bool = False  # "ff", "fi", "fl", "ffi", "ffl" drawn as one glyph (a TrueType font that has them)
    size: float = 10.5
    left: float = 60
    right: float = 60
    top: float = 55
    bottom: float = 60
    leading: float = 1.3
    justify: bool = False
    tab: float = 95  # width of the date column
    steps_table: bool = False
    page_label: str = "Seite {n}"
    rotated_headers: bool = True
    running_header: bool = False  # report title and page number at the top of every page
    footer_legend: bool = False  # the status legend and the page label on one line at the foot
    mirrored: bool = False  # page labels at the outer margin: left on even pages, right on odd ones
    cover_stand: str = "Fortschreibung – Stand: {stand}"  # the cover line ({stand}, {stand_words})
    table_rules: bool = True  # Projektliste and Archiv tables ruled (False: columns only by their text)
    list_landscape: str = ""  # Projektliste pages in landscape: "size" (a landscape page, like LibreOffice) or
    # "rotate" (a portrait page shown turned by /Rotate 90, its text drawn sideways)
    list_widths: float = 1.0  # Projektliste column widths, scaled (< 1: more multi-line cells)
    marks_middle: bool = False  # the status "x" set at a multi-line row's vertical middle, on its own line
    cells_middle: bool = False  # every table cell centred vertically in its row (HTML's default), marks too
    hyphenate: str = ""  # break words at the German dictionary's syllable breaks (pyphen), the break marked in the
    # text layer with this: "-" (a plain hyphen, as most producers) or "\u00ad" (a soft hyphen; its glyph a hyphen)
    chapter_header: bool = False  # the running header names the theme ("1. KLIMA/ENERGIE/UMWELT"), not the report
    label_break: int = 0  # every n-th steps or committee label starts a new page (a "page break before" style)
    label_leading: float = 0.0  # line height of a block label (0: the body's); tighter: it sits higher on a page
    status_heads: tuple[str, ...] = ()  # what heads the status columns (default: the status names)
    heads_bottom: bool = False  # column names set at the foot of the header row, level with upright status heads
    status_pitch: float = 16  # pt between the Projektliste's status columns
    entry_cells: bool = False  # milestones and consultations as a borderless date | text grid: every wrapped line
    # of a cell drawn as its own line, a date too wide for its cell wrapped inside it
    cell_leading: float = 0.0  # × size: the line pitch inside such a cell (0: the body's `leading`)
    row_gap: float = 3.0  # pt: added between two rows of such a grid (a cell's padding)
    label_opens_page: str = ""  # a block label ("Beratung") that opens a new page in every project printing it


LIGATURE_GLYPHS = (("ffi", "\ufb03"), ("ffl", "\ufb04"), ("ff", "\ufb00"), ("fi", "\ufb01"), ("fl", "\ufb02"))


def register_ttf(name: str) -> None:
    """Make a TrueType font of matplotlib's (DejaVu, shipped with the test dependencies) usable by name."""
    if name in pdfmetrics.getRegisteredFontNames() or name in pdfmetrics.standardFonts:
        return
    import matplotlib
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(name, str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"{name}.ttf")))


@cache
def hyphenator():
    """The German hyphenation dictionary (pyphen ships LibreOffice's de_DE patterns)."""
    import pyphen

    return pyphen.Pyphen(lang="de_DE")


class LigatureCanvas(canvas.Canvas):
    """A producer that shapes text: each ligature is one glyph, mapped to its presentation form (U+FB0x)."""

    @staticmethod
    def shape(text: str) -> str:
        for letters, glyph in LIGATURE_GLYPHS:
            text = text.replace(letters, glyph)
        return text

    def drawString(self, x, y, text, *args, **kwargs):
        return super().drawString(x, y, self.shape(text), *args, **kwargs)

    def drawRightString(self, x, y, text, *args, **kwargs):
        return super().drawRightString(x, y, self.shape(text), *args, **kwargs)

    def drawCentredString(self, x, y, text, *args, **kwargs):
        return super().drawCentredString(x, y, self.shape(text), *args, **kwargs)


class Typesetter:
    def __init__(self, path: str, st: Style):
        for name in (st.font, st.bold):
            register_ttf(name)
        self.c = (LigatureCanvas if st.ligatures else canvas.Canvas)(path, pagesize=A4)
        self.st = st
        self.w, self.h = A4
        self.page = 1
        self.legend = False
        self.chapter = ""  # the running header's text while a theme is set (Style.chapter_header)
        self.labels = 0  # steps and committee labels set so far (Style.label_break)
        self.y = self.h - st.top

    # ------------------------------------------------------------ pages
    total = 0  # the page count, for "N / M" labels (known from a first pass)

    def new_page(self):
        st = self.st
        self.c.setFont(st.font, 9)
        label = st.page_label.format(n=self.page, total=self.total)
        if st.running_header:
            self.c.drawString(st.left, self.h - 28, self.chapter or "Nachhaltigkeitsreport Kreis Soest")
            self.c.drawRightString(self.w - st.right, self.h - 28, label)
        elif st.footer_legend and self.legend:
            self.c.setFont(st.font, 7)
            self.c.drawString(st.left, 30, LEGEND)
            self.c.drawRightString(self.w - st.right, 30, label)
        elif st.mirrored:
            if self.page % 2:
                self.c.drawRightString(self.w - st.right, 30, label)
            else:
                self.c.drawString(st.left, 30, label)
        else:
            self.c.drawCentredString(self.w / 2, 30, label)
        self.c.showPage()
        self._begin()
        self.page += 1
        self.y = self.h - st.top
        if self.legend and not st.footer_legend:
            self.c.setFont(st.font, 7)
            self.c.drawString(st.left + 30, self.h - (44 if st.running_header else 30), LEGEND)

    rotate = False  # pages are portrait media shown turned by /Rotate 90

    def orient(self, landscape: bool):
        """Set the page just begun to A4 landscape or portrait (how: Style.list_landscape)."""
        mode = self.st.list_landscape if landscape else ""
        if self.rotate:
            self.c.transform(0, -1, 1, 0, 0, A4[0])  # undo the sideways mapping _begin set on this page
        self.rotate = mode == "rotate"
        self.w, self.h = (A4[1], A4[0]) if mode else A4
        self.c.setPageSize((A4[1], A4[0]) if mode == "size" else A4)
        self._begin()
        self.y = self.h - self.st.top

    def _begin(self):
        """Start drawing a page: for a /Rotate 90 page, landscape coordinates mapped onto the portrait media."""
        self.c.setPageRotation(90 if self.rotate else 0)
        if self.rotate:
            self.c.transform(0, 1, -1, 0, A4[0], 0)

    def need(self, height: float):
        if self.y - height < self.st.bottom:
            self.new_page()

    def gap(self, k: float = 0.6):
        self.y -= k * self.st.size

    # ------------------------------------------------------------ text
    def wrap(self, text: str, font: str, size: float, width: float) -> list[list[str]]:
        lines, cur = [], []
        for word in text.split():
            trial = " ".join(cur + [word])
            if stringWidth(trial, font, size) <= width:
                cur.append(word)
                continue
            # break after a hyphen inside the word, as word processors do
            if "-" in word[:-1]:
                head = word[: word.rindex("-", 0, len(word) - 1) + 1]
                if stringWidth(" ".join(cur + [head]), font, size) <= width:
                    lines.append(cur + [head])
                    cur = [word[len(head) :]]
                    continue
            if self.st.hyphenate and (cut := self._syllable_cut(cur, word, font, size, width)):
                lines.append(cur + [cut[0]])
                cur = [cut[1]]
                continue
            if cur:
                lines.append(cur)
            cur = [word]
            while stringWidth(cur[0], font, size) > width:  # too long: break between letters
                w0 = cur[0]
                k = len(w0)
                while k > 1 and stringWidth(w0[:k], font, size) > width:
                    k -= 1
                lines.append([w0[:k]])
                cur = [w0[k:]]
        if cur:
            lines.append(cur)
        return lines

    def _syllable_cut(self, cur: list[str], word: str, font: str, size: float, width: float):
        """The longest head of `word` broken at a syllable break (with the style's hyphen mark) that still
        fits the line after `cur`, and the rest; None when no break fits. Only words of letters are broken."""
        core = word.strip(".,;:!?()„“\"'")
        if not core.isalpha():
            return None
        at = word.index(core)
        for pos in sorted(hyphenator().positions(core), reverse=True):
            head = word[: at + pos] + self.st.hyphenate
            if stringWidth(" ".join(cur + [head]), font, size) <= width:
                return head, word[at + pos :]
        return None

    def line(self, x: float, words: list[str], font: str, size: float, width: float, last: bool):
        c = self.c
        c.setFont(font, size)
        if self.st.justify and not last and len(words) > 1:
            total = sum(stringWidth(w, font, size) for w in words)
            gap = (width - total) / (len(words) - 1)
            xx = x
            for w in words:
                c.drawString(xx, self.y, w)
                xx += stringWidth(w, font, size) + gap
        else:
            c.drawString(x, self.y, " ".join(words))

    def para(self, text: str, bold=False, size=None, x=None, width=None, indent_rest=0.0, leading=0.0):
        st = self.st
        size = size or st.size
        leading = leading or st.leading
        font = st.bold if bold else st.font
        x = st.left if x is None else x
        width = (self.w - st.right - x) if width is None else width
        lines = self.wrap(text, font, size, width - indent_rest) or [[]]
        for i, ws in enumerate(lines):
            self.need(size * leading)
            self.y -= size * leading
            xx = x + (indent_rest if i else 0)
            self.line(xx, ws, font, size, width - (indent_rest if i else 0), i == len(lines) - 1)

    def entries(self, items: list[dict]):
        st = self.st
        x, tx = st.left, st.left + st.tab
        for e in items:
            date, text = e["date"], e["text"]
            if st.steps_table:
                dl = self.wrap(date, st.font, st.size, st.tab - 8) if date else []
                tl = self.wrap(text, st.font, st.size, self.w - st.right - tx - 4)
                n = max(len(dl), len(tl), 1)
                self.need(n * st.size * st.leading + 6)
                top = self.y
                self.c.line(x - 3, top - 2, self.w - st.right, top - 2)
                for i in range(n):
                    self.y -= st.size * st.leading
                    if i < len(dl):
                        self.line(x, dl[i], st.font, st.size, st.tab, True)
                    if i < len(tl):
                        self.line(tx, tl[i], st.font, st.size, self.w - st.right - tx, i == len(tl) - 1)
                self.c.line(tx - 4, top - 2, tx - 4, self.y - 4)
                self.y -= 4
                continue
            if st.entry_cells:
                self._cells(date, text)
                continue
            self.gap(0.25)
            if date and stringWidth(date, st.font, st.size) > st.tab - 6:
                self.para(date)  # too wide for the date column: alone on its line
                date = ""
            lines = self.wrap(text, st.font, st.size, self.w - st.right - tx) or [[]]
            for i, ws in enumerate(lines):
                self.need(st.size * st.leading)
                self.y -= st.size * st.leading
                if i == 0 and date:
                    self.c.setFont(st.font, st.size)
                    self.c.drawString(x, self.y, date)
                self.line(tx, ws, st.font, st.size, self.w - st.right - tx, i == len(lines) - 1)

    def _cells(self, date: str, text: str):
        """One row of a borderless date | text grid: each cell wrapped to its width, line by line."""
        st = self.st
        x, tx = st.left, st.left + st.tab
        pitch = st.size * (st.cell_leading or st.leading)
        dl = self.wrap(date, st.font, st.size, st.tab - 6) if date else []
        tl = self.wrap(text, st.font, st.size, self.w - st.right - tx) or [[]]
        self.y -= st.row_gap
        for i in range(max(len(dl), len(tl))):
            if self.y - pitch < st.bottom:
                self.new_page()
            self.y -= pitch
            if i < len(dl):
                self.line(x, dl[i], st.font, st.size, st.tab - 6, True)
            if i < len(tl):
                self.line(tx, tl[i], st.font, st.size, self.w - st.right - tx, i == len(tl) - 1)

    # ------------------------------------------------------------ tables
    def table(
        self,
        cols: list[tuple[str, float]],
        rows: list[list[str]],
        marks: list[int | None] | None = None,
        status_cols: list[str] | None = None,
        size=8.5,
    ):
        st = self.st
        xs = [st.left]
        for _, wdt in cols:
            xs.append(xs[-1] + wdt)

        def header():
            self._table_header(cols, xs, size, status_cols)

        header()
        for k, row in enumerate(rows):
            cells = [self.wrap(t, st.font, size, cols[i][1] - 6) for i, t in enumerate(row)]
            n = max(1, *(len(c) for c in cells))
            if self.y - (n + 1) * size * 1.25 < st.bottom:
                self.new_page()
                header()
            self.y -= 4
            y0 = self.y
            for i in range(n):
                self.y -= size * 1.25
                for j, cell in enumerate(cells):
                    if i < len(cell):
                        shift = (n - len(cell)) / 2 * size * 1.25 if st.cells_middle else 0.0
                        self.c.setFont(st.font, size)
                        self.c.drawString(xs[j] + 3, self.y - shift, " ".join(cell[i]))
                middle = (st.marks_middle or st.cells_middle) and n > 1
                if i == 0 and marks and marks[k] is not None and not middle:
                    self.c.drawString(xs[2] + 8 + marks[k] * st.status_pitch, self.y, "x")
            if (st.marks_middle or st.cells_middle) and n > 1 and marks and marks[k] is not None:
                self.c.drawString(xs[2] + 8 + marks[k] * st.status_pitch, y0 - size * 1.25 * (n + 1) / 2, "x")
            self.y -= 5
            if st.table_rules:
                self.c.line(st.left, self.y, xs[-1], self.y)

    def _table_header(self, cols, xs, size, status_cols):
        """A table's header row: column names, and the status names rotated or upright above the marks."""
        st = self.st
        self.need(60)
        top = self.y
        self.c.setFont(st.bold, size)
        hy = self.y - size * 1.3
        for (name, _), x in zip(cols, xs):
            parts = name.split("\n")
            down = 2 - len(parts) if st.heads_bottom and not (status_cols and x == xs[2]) else 0
            for i, part in enumerate(parts):
                self.c.drawString(x + 3, hy - (i + down) * size * 1.2, part)
        bottom = hy - 2 * size * 1.2
        if status_cols and st.heads_bottom:  # one line of upright heads, level with the names' last line
            self.c.setFont(st.font, 5)
            for j, s in enumerate(st.status_heads or status_cols):
                self.c.drawString(xs[2] + 4 + j * st.status_pitch, hy - size * 1.2, s)
        elif status_cols:
            self._status_headers(xs[2], bottom, list(st.status_heads or status_cols))
            bottom -= 55
        self.y = bottom
        if st.table_rules:
            self.c.line(st.left, top, xs[-1], top)
            self.c.line(st.left, self.y, xs[-1], self.y)

    def _status_headers(self, sx, bottom, status_cols):
        st = self.st
        for j, s in enumerate(status_cols):
            cx = sx + 6 + j * st.status_pitch
            if st.rotated_headers:
                self.c.saveState()
                self.c.translate(cx + 4, bottom - 50)
                self.c.rotate(90)
                self.c.setFont(st.font, 6)
                self.c.drawString(0, 0, s)
                self.c.restoreState()
            else:
                self.c.setFont(st.font, 5)
                self.c.drawString(cx - 2, bottom - 8 - j * 7, s)

    def save(self):
        self.new_page()
        self.c.save()


STATUS = ["umgesetzt", "in Bearbeitung", "in Planung", "Ideenspeicher"]


MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


def stand_words(stand: str) -> str:
    """ "01.10.2022" → "1. Oktober 2022"."""
    d, m, y = stand.split(".")
    return f"{int(d)}. {MONTHS[int(m) - 1]} {y}"


def render(gold: dict, path: str, st: Style) -> None:
    if "{total}" in st.page_label:  # a first pass counts the pages
        total = _render(gold, path, st, 0)
        _render(gold, path, st, total)
    else:
        _render(gold, path, st, 0)


def _render(gold: dict, path: str, st: Style, total: int) -> int:
    t = Typesetter(path, st)
    t.total = total
    t.c.setTitle(f"{gold['title']} – Stand {gold['stand']}")
    _cover_and_intro(t, gold)
    t.legend = True
    for th in gold["themes"]:
        _theme(t, th)
    t.legend = False
    _lists(t, gold)
    _archive(t, gold)
    t.save()
    return t.page - 1


INTRO = {"heading": (1, True, 15), "subheading": (1, True, 12), "paragraph": (0.6, False, None)}


def _cover_and_intro(t: Typesetter, gold: dict) -> None:
    st = t.st
    t.y = t.h - 200
    t.para(gold["title"], bold=True, size=24)
    t.gap(1)
    t.para(st.cover_stand.format(stand=gold["stand"], stand_words=stand_words(gold["stand"])), size=14)
    t.new_page()
    for block in gold["intro"]:
        if block["kind"] == "bullet":
            t.para("- " + block["text"], x=st.left + 15)
            continue
        gap, bold, size = INTRO.get(block["kind"], INTRO["paragraph"])
        t.gap(gap)
        t.para(block["text"], bold=bold, size=size)


def _theme(t: Typesetter, th: dict) -> None:
    t.new_page()
    if t.st.chapter_header:
        t.chapter = f"{th['number']}. {th['title']}"
    t.y -= 150
    t.para(f"{th['number']}. {th['title']}", bold=True, size=24)
    t.new_page()
    for g in th["goals"]:
        t.gap(1.5)
        t.para(f"{g['number']} {g['label']}", bold=True, size=13)
        t.gap(0.5)
        t.para(g["text"], bold=True)
        for s in g["sections"]:
            t.gap(1.6)
            t.need(60)
            t.para(f"{s['number']} {s['heading']}", bold=True, size=12)
            if s["empty_note"]:
                t.gap(0.6)
                t.para(s["empty_note"])
            for p in s["projects"]:
                _project(t, p)


def _project(t: Typesetter, p: dict) -> None:
    t.gap(1.4)
    t.need(80)
    t.para(f"{p['number']} {p['title']}", bold=True, indent_rest=0)
    t.gap(0.5)
    t.para(f"{p['since_label']} {p['since_value']}", bold=True)
    for e in p["extra_header"]:
        t.gap(0.5)
        t.para(f"{e['label']} {e['value']}", bold=True)
    t.gap(0.5)
    t.para(p["description_label"], bold=True)
    for para in p["description"]:
        t.gap(0.4)
        t.para(para)
    for label, items in (("steps_label", "steps"), ("committee_label", "committee")):
        if p[label]:
            t.gap(0.8)
            t.labels += 1
            opens = t.st.label_opens_page and p[label].startswith(t.st.label_opens_page)
            if opens or (t.st.label_break and t.labels % t.st.label_break == 0):
                t.new_page()
            t.para(p[label], bold=True, leading=t.st.label_leading)
            t.entries(p[items])
    t.gap(0.8)
    t.para(p["remark_label"], bold=True)
    for para in p["remark"]:
        t.gap(0.3)
        t.para(para)


def _lists(t: Typesetter, gold: dict) -> None:
    st = t.st
    cols = [
        ("Nr.", 42),
        ("Projekt\nTextteil", 150),
        ("Projektstatus", 70 + 4 * (st.status_pitch - 16)),
        ("Zusammenarbeit mit\nKommunen", 110),
        ("Verantwortlichkeit\nAbteilung/Sachgebiet", 95),
    ]
    if st.list_landscape:
        cols = [(name, w * 1.5) for name, w in cols]
    cols = [(name, w * (st.list_widths if i != 2 else 1.0)) for i, (name, w) in enumerate(cols)]
    for pl in gold["project_lists"]:
        t.new_page()
        t.chapter = ""
        t.orient(st.list_landscape)
        t.para(pl["title"], bold=True, size=13)
        t.gap(1)
        rows = [[r["number"], r["title"], "", r["cooperation"], r["responsible"]] for r in pl["rows"]]
        marks = [STATUS.index(r["status"]) if r["status"] in STATUS else None for r in pl["rows"]]
        t.table(cols, rows, marks, list(st.status_heads) or STATUS)


def _archive(t: Typesetter, gold: dict) -> None:
    t.new_page()
    t.orient(False)
    t.y -= 100
    t.para("Archiv", bold=True, size=20)
    t.para("der Projekte, die nicht mehr im Report enthalten sind", bold=True, size=13)
    t.para(f"(seit {gold['archive']['since']})", size=11)
    t.new_page()
    t.para("Umgesetzte Projekte", bold=True, size=13)
    t.gap(1)
    t.table(
        [("Themenfelder", 120), ("Projekte", 180), ("Report", 70), ("Nummer", 80)],
        [[a["theme"], a["project"], a["report"], a["number"]] for a in gold["archive"]["completed"]],
    )
    t.gap(2)
    t.need(120)
    t.para("Entfallene Projekte", bold=True, size=13)
    t.gap(1)
    t.table(
        [("Themenfeld", 120), ("Projekt", 160), ("Grund", 110), ("letzte\nErwähnung", 70)],
        [[a["theme"], a["project"], a["reason"], a["last_mention"]] for a in gold["archive"]["dropped"]],
    )
