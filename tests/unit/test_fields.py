"""Line joining rules with the report's real line breaks."""

from pipeline.extract.fields import Metrics, block_pitch, entries, joiner, learn_entry_pitch
from pipeline.model.records import Line, Word


def w(text, space_after, x0=100.0, x1=150.0, size=11.0):
    return Word(text, x0, x1, 0, 10, size, False, space_after)


def test_drawn_space_means_soft_wrap():
    assert joiner(w("Kinder-", True), w("und", None)) == " "
    assert joiner(w("CO2-", True), w("reduzierte", None)) == " "


def test_break_after_hyphen_keeps_hyphen_without_space():
    assert joiner(w("Car-", False), w("Sharing", None)) == ""
    assert joiner(w("Vier-", False), w("Säulen-Konzept", None)) == ""
    assert joiner(w("Kinder-", False), w("und", None)) == " "  # suspended compound, no space glyph drawn
    assert joiner(w("-", False), w("anpassung", None)) == ""


def test_slash_joins():
    assert joiner(w("Wirtschaft/", False), w("Beschäftigung/Bildung", None)) == ""


def test_letter_break_in_narrow_cell():
    # "Gemeindeverwaltunge" + "n": a space would have fitted before the edge, so none was there
    assert joiner(w("Gemeindeverwaltunge", False, 377.1, 467.2, 9), w("n", None), edge=470.1, single=True) == ""
    # "Wirtschaftsförderungen" + "sind": the line is full, the space was dropped at the edge
    assert joiner(w("Wirtschaftsförderungen", False, 377.1, 470.1, 9), w("sind", None), edge=470.1, single=True) == " "
    assert joiner(w("70.01.,80.0", False, 482, 527, 9), w("1", None), edge=527.0, single=True) == ""


# ---------------------------------------------------------------- (date, text) entries

SIZE = 10.0
LEFT, TAB, RIGHT = 70.0, 150.0, 500.0
METRICS = Metrics(pitch=12.0, body_size=SIZE, tab_x=TAB, right=RIGHT)


def row(top: float, *cells: tuple[float, str], page: int = 1) -> Line:
    """A line of words, each cell's words set from its x at 6 pt a letter with one space between."""
    words = []
    for x, text in cells:
        for t in text.split():
            words.append(Word(t, x, x + 6 * len(t), top, top + SIZE, SIZE, False, True))
            x += 6 * len(t) + 3
    last = words[-1]
    return Line(page, tuple(words[:-1]) + (last._replace(space_after=False),))


def read(*lines: Line, m: Metrics = METRICS) -> list[tuple[str, str]]:
    return [(e.date, e.text) for e in entries(list(lines), m, LEFT)]


def test_a_date_opens_an_entry_and_wrapped_text_continues_it():
    got = read(
        row(100, (LEFT, "01.2024"), (TAB, "Beschluss im Kreistag über die lange Vorlage zum Thema")),
        row(112, (TAB, "Klimaschutz")),
        row(130, (LEFT, "03.2024"), (TAB, "Start")),
    )
    assert got == [
        ("01.2024", "Beschluss im Kreistag über die lange Vorlage zum Thema Klimaschutz"),
        ("03.2024", "Start"),
    ]


def test_a_date_alone_on_its_line_takes_the_text_below():
    assert read(row(100, (LEFT, "2025")), row(130, (TAB, "Umsetzung"))) == [("2025", "Umsetzung")]


def test_a_date_wrapped_in_its_cell_goes_on():
    got = read(row(100, (LEFT, "01.09.2023 –"), (TAB, "Phase eins")), row(112, (LEFT, "29.02.2024")))
    assert got == [("01.09.2023 – 29.02.2024", "Phase eins")]


def test_text_from_the_left_margin_is_text_not_a_date():
    got = read(row(100, (LEFT, "Die Verwaltung prüft die Möglichkeiten einer Förderung durch das Land")))
    assert got == [("", "Die Verwaltung prüft die Möglichkeiten einer Förderung durch das Land")]


def test_an_early_line_end_starts_a_new_entry():
    got = read(row(100, (TAB, "Kurz")), row(112, (TAB, "Neu")))
    assert got == [("", "Kurz"), ("", "Neu")]


def test_without_a_learned_tab_stop_text_starts_60_pt_right_of_the_block():
    m = Metrics(pitch=12.0, body_size=SIZE, tab_x=None, right=RIGHT)
    assert read(row(100, (LEFT, "2024"), (LEFT + 60, "Planung")), m=m) == [("2024", "Planung")]


# ---------------------------------------------------------------- entries in borderless date | text tables


def test_a_date_cell_wrapped_over_three_lines_is_kept_whole():
    """ "seit" / "Sommer" / "2024" beside the row's wrapping text: no part alone is a date the reader knows."""
    got = read(
        row(100, (LEFT, "seit"), (TAB, "Erfolgreicher Einsatz der App bei Willkommensbesuchen des")),
        row(112, (LEFT, "Sommer"), (TAB, "Kreisjugendamtes")),
        row(124, (LEFT, "2024")),
        row(140, (LEFT, "2025"), (TAB, "Auswertung")),
    )
    assert got == [
        ("seit Sommer 2024", "Erfolgreicher Einsatz der App bei Willkommensbesuchen des Kreisjugendamtes"),
        ("2025", "Auswertung"),
    ]


def test_a_date_cell_goes_on_with_a_dash_or_joining_word():
    got = read(
        row(100, (LEFT, "01.09.2023"), (TAB, "Teilnahme von 22 Personen an einer Maßnahme zur Integration in den")),
        row(112, (LEFT, "–"), (TAB, "Arbeitsmarkt")),
        row(124, (LEFT, "29.02.2024")),
        row(140, (LEFT, "16.06.2024"), (TAB, "Start der Verkehre")),
        row(152, (LEFT, "und")),
        row(164, (LEFT, "14.10.2024")),
    )
    assert got == [
        ("01.09.2023 – 29.02.2024", "Teilnahme von 22 Personen an einer Maßnahme zur Integration in den Arbeitsmarkt"),
        ("16.06.2024 und 14.10.2024", "Start der Verkehre"),
    ]


def test_a_dash_in_the_date_column_of_a_new_row_is_its_date():
    """ "–" below a date continues the cell only while the row's text goes on; after text that ended, a row."""
    got = read(row(100, (LEFT, "2023"), (TAB, "Ausschreibung")), row(112, (LEFT, "–"), (TAB, "Vergabe")))
    assert got == [("2023", "Ausschreibung"), ("–", "Vergabe")]


def test_a_complete_date_below_a_complete_one_opens_a_new_row():
    got = read(row(100, (LEFT, "2023"), (TAB, "Start")), row(112, (LEFT, "2024"), (TAB, "Ende")))
    assert got == [("2023", "Start"), ("2024", "Ende")]


def test_a_date_cell_goes_on_across_a_page_break():
    got = read(row(700, (LEFT, "2023 –"), (TAB, "Diverse Veranstaltungen")), row(60, (LEFT, "2024"), page=2))
    assert got == [("2023 – 2024", "Diverse Veranstaltungen")]


LONG = "Abstimmung der Planung mit den Städten und Gemeinden im Kreis"  # ends 11 pt short of RIGHT: full


def test_cells_looser_than_the_prose_keep_their_wrapped_lines():
    """A grid's cell lines 14 pt apart where the prose's are 12 pt: the entry pitch holds them together."""
    m = Metrics(pitch=12.0, body_size=SIZE, tab_x=TAB, right=RIGHT, entry_pitch=14.0)
    lines = [row(100, (LEFT, "2024"), (TAB, LONG)), row(114, (TAB, "Fachbehörden")), row(130, (TAB, "Ausschreibung"))]
    assert read(*lines, m=m) == [("2024", f"{LONG} Fachbehörden"), ("", "Ausschreibung")]
    assert len(read(*lines)) == 3  # read with the prose's pitch (12 pt), every line was an entry


def test_undated_rows_of_a_tight_table_part_at_the_row_gap():
    """Rows 13.5 pt apart, a cell's lines 11.5 pt, the prose's 15 pt: a full last line does not glue two rows."""
    m = Metrics(pitch=15.0, body_size=SIZE, tab_x=TAB, right=RIGHT, entry_pitch=11.5)
    lines = [row(100, (TAB, LONG)), row(111.5, (TAB, LONG)), row(125, (TAB, "Vergabe")), row(138.5, (TAB, "Bau"))]
    assert read(*lines, m=m) == [("", f"{LONG} {LONG}"), ("", "Vergabe"), ("", "Bau")]
    prose = Metrics(pitch=15.0, body_size=SIZE, tab_x=TAB, right=RIGHT)
    assert read(*lines, m=prose)[0] == ("", f"{LONG} {LONG} Vergabe")  # with the prose's pitch two rows merged


def test_entry_pitch_is_measured_on_wrapped_lines_only():
    """Nine one-line rows 13.5 pt apart, one row wrapped at 11.5 pt: only the wrap is a cell's pitch; the gaps
    before a dated line or after a line that ended early are rows."""
    undated = [row(100 + 13.5 * i, (TAB, "Zeile")) for i in range(9)]
    dated = [row(300 + 13.5 * i, (LEFT, f"{2020 + i}"), (TAB, "Zeile")) for i in range(5)]
    wrapped = [row(400, (TAB, LONG)), row(411.5, (TAB, "Fachbehörden"))]
    m = Metrics(pitch=15.0, body_size=SIZE, tab_x=TAB, right=RIGHT)
    assert learn_entry_pitch([undated, dated, wrapped], m) == 11.5
    assert learn_entry_pitch([undated, dated], m) is None
    assert block_pitch([undated, wrapped], SIZE) == 13.5  # all gaps alike: the rows' gap outweighs the wrap


def test_a_test_passes_its_own_tolerances():
    """The letter-break rule and the entry reader read the Tolerances they are given, not only TOL."""
    from pipeline.tolerances import TOL, Tolerances

    broken = w("Gemeindeverwaltunge", False, 377.1, 467.2, 9), w("Nachbar", None)
    assert joiner(*broken, edge=470.1, single=True) == ""  # a space would have fitted: a broken word
    roomy = Tolerances(space_fits=1.0)  # … unless a space is as wide as the type: then it would not have
    assert joiner(*broken, edge=470.1, single=True, tol=roomy) == " "
    # the gap before the tab stop ends the date cell under TOL; with gaps that never end it, all is date
    line = row(100, (LEFT, "01.2024"), (TAB, "Beschluss"))
    assert read(line) == [("01.2024", "Beschluss")]
    wide = Tolerances(date_gap=99.0, tab_date_gap=99.0)
    assert read(line, m=Metrics(12.0, SIZE, TAB, RIGHT, tol=wide)) == [("01.2024 Beschluss", "")] and TOL.date_gap < 99
