"""Column and row logic of the tables stage on hand-built words and lines (no PDF)."""

from pipeline.extract import tables
from pipeline.extract.fields import join_runs
from pipeline.extract.tables import (
    Column,
    Span,
    abbreviated_statuses,
    column_of,
    grid,
    named_columns,
    parse_archive,
    parse_project_lists,
    rotated_words,
    table_words,
    text_blocks,
    upright_status_columns,
)
from pipeline.model.records import Char, Line, Word

SIZE = 9.0


def w(text: str, x0: float, top: float, size: float = SIZE, bold: bool = False, space: bool | None = False) -> Word:
    """A word as an engine would deliver it (0.5 em a letter)."""
    return Word(text, x0, x0 + 0.5 * size * len(text), top, top + size, size, bold, space)


def line(*words: Word, page: int = 1) -> Line:
    return Line(page, tuple(words))


def rotated(text: str, x: float, bottom: float, size: float = 7.0) -> list[Char]:
    """A word printed bottom-up (rotated 90°), letter by letter."""
    out, y = [], bottom
    for ch in text:
        out.append(Char(ch, x, x + size, y - 0.5 * size, y, size, False, False))
        y -= 0.5 * size
    return out


def test_rotated_letters_read_as_words():
    words = {x.text for x in rotated_words(rotated("Nr.", 80, 170) + rotated("Ideenspeicher", 300, 170))}
    assert {"Nr.", "Ideenspeicher"} <= words


def test_rotated_header_inside_its_column_starts_where_its_text_starts():
    named = {"number": Span(87, 95), "title": Span(125, 154), "status": Span(454, 508), "responsible": Span(685, 758)}
    cols = grid(named, [Span(71, 102), Span(125, 404), Span(685, 740)])
    assert [(c.name, c.x0) for c in cols] == [("number", 71), ("title", 125), ("status", 454), ("responsible", 685)]
    assert column_of(w("1.1.1.1", 71, 0), cols) == "number"
    assert column_of(w("Gebäude", 270, 0), cols) == "title"


def test_a_column_never_reaches_back_over_the_previous_header():
    cols = grid({"theme": Span(50, 110), "project": Span(180, 210)}, [Span(50, 200)])  # text of both columns touches
    assert cols == [Column("theme", 50, 110), Column("project", 180, 210)]


def test_gutters_separate_text_blocks_but_spaces_do_not():
    lines = [line(w("Klima", 60, 0), w("Energie", 60 + 2.5 * SIZE + 2, 0), w("65", 300, 0)), line(w("x", 200, 10))]
    assert text_blocks(lines, table_words().marks) == [(60, 60 + 2.5 * SIZE + 2 + 3.5 * SIZE), (300, 309)]


def test_header_words_name_columns_wherever_they_stand():
    spec = table_words().columns["list"]
    band = [
        w("Projektstatus", 250, 84, bold=True),
        w("Zusammenarbeit", 343, 112, bold=True),
        w("Verantwortlichkeit", 454, 112, bold=True),
        w("Nr.", 60, 116, bold=True),
        w("Projekt", 107, 116, bold=True),
    ]
    assert set(named_columns(band, spec)) == {"status", "cooperation", "responsible", "number", "title"}


def _list_page(top: float = 100.0, page: int = 1, header: bool = True) -> list[Line]:
    """A ruled-less Projektliste with upright headers spread over two lines, multi-line cells, a mark on
    a line of its own, and a page number below the table."""
    out = [
        line(w("Projektliste", 60, top, size=13, bold=True), w("„Mobilität“", 150, top, size=13, bold=True), page=page)
    ]
    if header:
        out += [
            line(
                w("Nr.", 60, top + 25, bold=True),
                w("Projekt", 110, top + 25, bold=True),
                w("Projektstatus", 250, top + 25, bold=True),
                w("Zusammenarbeit", 340, top + 25, bold=True),
                w("Verantwortlichkeit", 450, top + 25, bold=True),
                page=page,
            ),
            line(
                w("umgesetzt", 250, top + 40, size=5),
                w("in", 290, top + 40, size=5),
                w("Bearbeitung", 296, top + 40, size=5),
                page=page,
            ),
        ]
    y = top + 60
    out += [
        line(
            w("5.1.2.1", 60, y),
            w("klimaneutrale", 110, y, space=True),
            w("Anröchte,", 340, y, space=True),
            w("80.02", 450, y),
            page=page,
        ),
        line(w("Antriebe", 110, y + 11), w("Ense", 340, y + 11, space=True), page=page),
        line(w("x", 252, y + 6), page=page),  # set at the row's middle: a line of its own
        line(
            w("5.1.2.2", 60, y + 30), w("Bulli", 110, y + 30), w("x", 300, y + 30), w("80.01", 450, y + 30), page=page
        ),
        line(w("7", 470, y + 200), page=page),
    ]  # the page number, far below the table
    return out


def test_projektliste_without_rules_upright_headers_and_multi_line_cells():
    unplaced: list[Line] = []
    lists = parse_project_lists(_list_page(), {}, unplaced)
    assert [ln.text for ln in unplaced] == ["7"]  # reported as text in no record, not glued to a cell
    assert len(lists) == 1 and lists[0].theme == "5" and lists[0].title == "Projektliste „Mobilität“"
    assert [(r.number, r.title, r.status, r.cooperation, r.responsible) for r in lists[0].rows] == [
        ("5.1.2.1", "klimaneutrale Antriebe", "umgesetzt", "Anröchte, Ense", "80.02"),
        ("5.1.2.2", "Bulli", "in Bearbeitung", "", "80.01"),
    ]  # the page number "7" is in no cell


def test_a_row_continues_after_the_repeated_header_of_the_next_page():
    first = _list_page()[:-2]
    nxt = [
        line(
            w("Nr.", 60, 50, bold=True),
            w("Projekt", 110, 50, bold=True),
            w("Projektstatus", 250, 50, bold=True),
            w("Zusammenarbeit", 340, 50, bold=True),
            w("Verantwortlichkeit", 450, 50, bold=True),
            page=2,
        ),
        line(w("und", 340, 90, space=True), w("Soest", 360, 90), page=2),
        line(w("5.1.2.2", 60, 110), w("Bulli", 110, 110), w("x", 300, 110), w("80.01", 450, 110), page=2),
    ]
    rows = parse_project_lists(first + nxt, {})[0].rows
    assert rows[0].title == "klimaneutrale Antriebe"
    assert rows[0].cooperation == "Anröchte, Ense und Soest" and rows[1].number == "5.1.2.2"


def test_rotated_status_headers_give_the_status_by_the_marks_centre():
    lines = _list_page()
    rot = {
        1: rotated("Ideenspeicher", 240, 150)
        + rotated("Planung", 256, 150)
        + rotated("Bearbeitung", 272, 150)
        + rotated("umgesetzt", 288, 150)
    }
    hdr = lines[1]
    lines = [lines[0], hdr] + [
        line(w("5.1.2.1", 60, 170), w("Bus", 110, 170), w("x", 259, 170), w("80", 450, 170)),
        line(w("5.1.2.2", 60, 182), w("Rad", 110, 182), w("x", 291, 182), w("80", 450, 182)),
    ]
    rows = parse_project_lists(lines, rot)[0].rows
    assert [(r.number, r.status) for r in rows] == [("5.1.2.1", "in Planung"), ("5.1.2.2", "umgesetzt")]


def test_a_word_broken_at_the_cell_edge_is_joined_and_a_wrap_is_not():
    edge = 60 + 0.5 * SIZE * len("Gerechtigkeit/Gesund")
    assert (
        join_runs([[w("Gerechtigkeit/Gesund", 60, 0)], [w("heit", 60, 10)]], edge, cell=True)
        == "Gerechtigkeit/Gesundheit"
    )
    assert join_runs([[w("70.01.,80.", 60, 0)], [w("01", 60, 10)]], 60 + 4.5 * 10, cell=True) == "70.01.,80.01"
    assert (
        join_runs([[w("Klimawerkstätten", 60, 0, space=True)], [w("allen", 60, 10)]], 200, cell=True)
        == "Klimawerkstätten allen"
    )
    assert (
        join_runs([[w("Kreis", 60, 0, space=None)], [w("heit", 60, 10)]], 200, cell=True) == "Kreis heit"
    )  # far from the edge


def test_archive_rows_start_at_their_date_and_keep_multi_line_cells():
    b = dict(bold=True)
    lines = [
        line(w("Archiv", 60, 50, size=20, bold=True)),
        line(w("(seit", 60, 80), w("01.10.2022)", 85, 80)),
        line(w("Entfallene", 60, 120, size=13, bold=True), w("Projekte", 120, 120, size=13, bold=True)),
        line(
            w("Themenfeld", 60, 145, **b),
            w("Projekt", 180, 145, **b),
            w("Grund", 330, 145, **b),
            w("letzte", 460, 145, **b),
        ),
        line(w("Erwähnung", 460, 155, **b)),
        line(
            w("Wirtschaft/", 60, 175),
            w("Gamification", 180, 175),
            w("Mehrfachnennung:", 330, 175, space=True),
            w("01.10.2023", 460, 175),
        ),
        line(w("Beschäftigung", 60, 186), w("DorfApps", 330, 186)),
        line(w("Konsum", 60, 200), w("Marken", 180, 200), w("kein", 330, 200), w("01.04.2024", 460, 200)),
        line(w("78", 470, 600)),
    ]
    since, rows = parse_archive(lines)
    assert since == "01.10.2022"
    assert [(r.kind, r.theme, r.project, r.reason, r.last_mention) for r in rows] == [
        ("dropped", "Wirtschaft/Beschäftigung", "Gamification", "Mehrfachnennung: DorfApps", "01.10.2023"),
        ("dropped", "Konsum", "Marken", "kein", "01.04.2024"),
    ]


def test_a_wrapped_list_title_is_one_title():
    lines = _list_page()
    lines[0] = line(
        w("Projektliste", 60, 100, size=13, bold=True),
        w("„Gesellschaft/soziale", 150, 100, size=13, bold=True, space=True),
    )
    lines.insert(1, line(w("Gerechtigkeit/Gesundheit“", 60, 116, size=13, bold=True)))
    pl = parse_project_lists(lines, {})[0]
    assert pl.title == "Projektliste „Gesellschaft/soziale Gerechtigkeit/Gesundheit“" and len(pl.rows) == 2


def test_cells_centred_in_their_rows_go_to_the_row_they_are_centred_on():
    """HTML's default: each cell centred vertically; a two-line title sits half a line above and below
    the number, a three-line cell a line above and below."""
    hdr = _list_page()[:3]
    y = 200
    rows = [
        line(w("Energie-", 110, y - 5)),
        line(w("Anröchte,", 340, y - 10, space=True)),
        line(w("5.1.2.1", 60, y), w("x", 252, y), w("Ense,", 340, y, space=True), w("80.02", 450, y)),
        line(w("beratung", 110, y + 5), w("Soest", 340, y + 10)),
        line(w("5.1.2.2", 60, y + 24), w("Bulli", 110, y + 24), w("x", 300, y + 24), w("80.01", 450, y + 24)),
    ]
    rows.sort(key=lambda l: l.top)
    got = parse_project_lists(hdr + rows, {})[0].rows
    assert [(r.number, r.title, r.status, r.cooperation, r.responsible) for r in got] == [
        ("5.1.2.1", "Energie-beratung", "umgesetzt", "Anröchte, Ense, Soest", "80.02"),
        ("5.1.2.2", "Bulli", "in Bearbeitung", "", "80.01"),
    ]


def test_status_heads_abbreviated_by_prefixes_ending_in_a_dot():
    got = {h: abbreviated_statuses(h) for h in ("umg.", "in Bearb.", "in Plan.", "Ideensp.", "Bearb.", "i. P.")}
    assert got == {
        "umg.": ["umgesetzt"],
        "in Bearb.": ["in Bearbeitung"],
        "in Plan.": ["in Planung"],
        "Ideensp.": ["Ideenspeicher"],
        "Bearb.": ["in Bearbeitung"],  # the status's heading word (config/report.yaml statuses.*.word)
        "i. P.": ["in Planung"],
    }
    # not abbreviations of a status: a full name (read as such elsewhere), a column name, a word that is no
    # prefix, a head with a word too many, a "prefix" as long as the word
    for head in ("in Bearbeitung", "Nr.", "umgs.", "in Plan. x.", "Planung."):
        assert abbreviated_statuses(head) == [], head


def test_heads_set_close_together_are_split_into_the_statuses_they_abbreviate():
    """One cell of words ("in Bearb. in Plan."): from each word on, the longest run that abbreviates a status."""
    cell = line(w("umg.", 250, 0, size=5), w("in", 270, 0, size=5), w("Bearb.", 276, 0, size=5))
    cell2 = line(
        w("in", 250, 0, size=5), w("Bearb.", 256, 0, size=5), w("in", 272, 0, size=5), w("Plan.", 278, 0, size=5)
    )
    cell3 = line(w("i.", 250, 0, size=5), w("B.", 256, 0, size=5))  # "i. B.", not "i." (Ideenspeicher) and "B."
    assert [(c.x, c.status) for c in upright_status_columns([cell2])] == [(250, "in Bearbeitung"), (272, "in Planung")]
    assert [c.status for c in upright_status_columns([cell])] == ["umgesetzt", "in Bearbeitung"]
    assert [c.status for c in upright_status_columns([cell3])] == ["in Bearbeitung"]
    title = line(w("Arbeit", 60, 0), w("u.", 95, 0), w("Bildung", 108, 0))  # "u." is no head in a title
    assert upright_status_columns([title]) == []


AMBIGUOUS = [("in Planung", ("in", "Planung")), ("in Prüfung", ("in", "Prüfung")), ("umgesetzt", ("umgesetzt",))]


def test_an_abbreviation_of_two_statuses_is_ambiguous():
    assert abbreviated_statuses("in P.", AMBIGUOUS) == ["in Planung", "in Prüfung"]
    assert abbreviated_statuses("in Pl.", AMBIGUOUS) == ["in Planung"]


def _abbreviated_list(heads: list[str], marks=(254, 280, 332), top: float = 100.0) -> list[Line]:
    """A Projektliste whose column names sit at the foot of a two-line header row, the status columns headed
    by abbreviations on that last line, level with "Nr." (bottom-aligned headings)."""
    b = dict(bold=True)
    cols = [w("Nr.", 60, top + 37, **b), w("Textteil", 110, top + 37, **b)]
    cols += [w(t, 250 + 26 * j + 6 * k, top + 37, size=5) for j, h in enumerate(heads) for k, t in enumerate(h.split())]
    cols += [w("Kommunen", 380, top + 37, **b), w("Sachgebiet", 460, top + 37, **b)]
    return [
        line(w("Projektliste", 60, top, size=13, bold=True), w("„Mobilität“", 150, top, size=13, bold=True)),
        line(
            w("Projekt", 110, top + 25, **b),
            w("Projektstatus", 250, top + 25, **b),
            w("Zusammenarbeit", 380, top + 25, **b),
            w("Verantwortlichkeit", 460, top + 25, **b),
        ),
        line(*sorted(cols, key=lambda x: x.x0)),
        line(w("5.1.2.1", 60, top + 60), w("Bus", 110, top + 60), w("x", marks[0], top + 60), w("80", 460, top + 60)),
        line(w("5.1.2.2", 60, top + 72), w("Rad", 110, top + 72), w("x", marks[1], top + 72), w("80", 460, top + 72)),
        line(w("5.1.2.3", 60, top + 84), w("Weg", 110, top + 84), w("x", marks[2], top + 84), w("80", 460, top + 84)),
    ]


def test_abbreviated_upright_heads_under_bottom_aligned_headings_give_the_status():
    refused: list = []
    rows = parse_project_lists(_abbreviated_list(["umg.", "in Bearb.", "in Plan.", "Ideensp."]), {}, [], refused)
    assert [(r.number, r.status) for r in rows[0].rows] == [
        ("5.1.2.1", "umgesetzt"),
        ("5.1.2.2", "in Bearbeitung"),
        ("5.1.2.3", "Ideenspeicher"),
    ]
    assert refused == []


def test_an_ambiguous_head_is_refused_with_its_page_and_box(monkeypatch):
    monkeypatch.setattr(tables, "status_forms", lambda: AMBIGUOUS)
    refused: list = []
    rows = parse_project_lists(_abbreviated_list(["umg.", "in P.", "in Pl."], (254, 280, 306)), {}, [], refused)
    assert [(r.text, r.statuses, r.page) for r in refused] == [("in P.", ["in Planung", "in Prüfung"], 1)]
    assert refused[0].box.x0 == 276 and refused[0].box.top == 137  # where "in P." is printed
    # no status guessed for the refused column; the others are read
    assert [r.status for r in rows[0].rows] == ["umgesetzt", "", "in Planung"]


def test_abbreviated_rotated_heads_give_the_status_and_an_ambiguous_one_is_refused(monkeypatch):
    lines = _list_page()
    hdr, rows = (
        lines[:2],
        [
            line(w("5.1.2.1", 60, 170), w("Bus", 110, 170), w("x", 259, 170), w("80", 450, 170)),
            line(w("5.1.2.2", 60, 182), w("Rad", 110, 182), w("x", 275, 182), w("80", 450, 182)),
        ],
    )
    rot = {1: rotated("umg.", 256, 150) + rotated("Bearb.", 272, 150)}
    assert [r.status for r in parse_project_lists(hdr + rows, rot)[0].rows] == ["umgesetzt", "in Bearbeitung"]
    forms = [(name, (name,)) for name in ("umgesetzt", "geplant", "gestoppt")]
    monkeypatch.setattr(tables, "status_forms", lambda: forms)
    refused: list = []
    rot = {1: rotated("umg.", 256, 150) + rotated("ge.", 272, 150)}
    got = parse_project_lists(hdr + rows, rot, [], refused)[0].rows
    assert [r.status for r in got] == ["umgesetzt", ""]  # no neighbour's status for the refused column's mark
    assert [(r.text, r.statuses) for r in refused] == [("ge.", ["geplant", "gestoppt"])]


def test_a_refused_head_becomes_an_extraction_doubt_with_page_and_box(monkeypatch):
    from pipeline.extract.edition import status_head_ambiguous

    monkeypatch.setattr(tables, "status_forms", lambda: AMBIGUOUS)
    refused: list = []
    parse_project_lists(_abbreviated_list(["umg.", "in P.", "in Pl."], (254, 280, 306)), {}, [], refused)
    a = status_head_ambiguous(refused[0])
    assert (a.kind, a.severity, a.page, a.box.x0, a.evidence) == ("status_head_ambiguous", "warning", 1, 276, "in P.")
    assert "'in Planung' or 'in Prüfung'" in a.detail
