"""Page furniture on hand-built pages: decided per page, robust to body lines that look like furniture."""

from pipeline.layout.furniture import is_legend, page_label_number, reads_as, remove_furniture
from pipeline.model.records import Line, PageLayout, Word

H, W = 842.0, 595.0


def line(page: int, text: str, top: float, x0: float = 70.0, size: float = 10.0) -> Line:
    words, x = [], x0
    for t in text.split():
        words.append(Word(t, x, x + 5 * len(t), top, top + size, size, False, True))
        x += 5 * len(t) + 3
    return Line(page, tuple(words))


def _word(k: int) -> str:
    """A word unique to k: body lines must not repeat from page to page as furniture does."""
    return "".join(chr(97 + int(d)) for d in str(k))


def report(n: int = 12, label=lambda k: str(k), height=H, extra=None) -> list[PageLayout]:
    """n pages of body text with a page label at the foot; `extra` adds lines to a page."""
    pages = []
    for k in range(1, n + 1):
        lines = [line(k, f"Text {_word(k)} der Zeile {_word(j)}", 80 + 20 * j) for j in range(25)]
        lines.append(line(k, label(k), height - 40, x0=500))
        lines += (extra or {}).get(k, [])
        pages.append(PageLayout(k, W, height, lines))
    return pages


def texts(pages, attr="furniture"):
    return [ln.text for p in pages for ln in getattr(p, attr)]


def test_page_numbers_removed_although_a_digits_only_body_line_exists():
    pages = report(extra={3: [line(3, "42", 700)]})  # a table cell of digits inside the body
    remove_furniture(pages)
    assert texts(pages) == [str(k) for k in range(1, 13)]
    assert "42" in texts(pages, "lines")


def test_page_labels_by_sequence_on_a_page_with_its_own_geometry():
    pages = report(label=lambda k: f"Seite {k} von 12")
    landscape = pages[7]
    landscape.height, landscape.width = W, H  # a landscape list page: the label sits elsewhere
    landscape.lines[-1] = line(8, "Seite 8 von 12", W - 30, x0=700)
    remove_furniture(pages)
    assert "Seite 8 von 12" in texts(pages)
    assert all(not ln.text.startswith("Seite") for p in pages for ln in p.lines)


def test_a_number_out_of_sequence_stays_in_the_body():
    pages = report(label=lambda k: f"- {k} -")
    pages[4].lines[-1] = line(5, "17", H - 40, x0=500)  # not page 5's label: a body number at the foot
    remove_furniture(pages)
    assert "17" in texts(pages, "lines") and "- 6 -" in texts(pages)


def test_legend_wherever_printed_and_with_a_page_label():
    legend = "umgesetzt (innerhalb des letzten halben Jahres) in Bearbeitung in Planung Ideenspeicher"
    pages = report(extra={2: [line(2, legend, 400)], 3: [line(3, legend + " Seite 3", H - 60)]})
    remove_furniture(pages)
    assert texts(pages).count(legend) == 1 and legend + " Seite 3" in texts(pages)
    assert is_legend(legend) and not is_legend("Projekte in Planung und umgesetzt")


def test_recurring_header_removed_only_at_its_place():
    head = "Nachhaltigkeitsreport Kreis Soest"
    pages = report(extra={k: [line(k, head, 30)] for k in range(1, 13)})
    pages[5].lines.append(line(6, head, 400))  # the same words quoted in the body
    remove_furniture(pages)
    assert texts(pages).count(head) == 12 and texts(pages, "lines").count(head) == 1


def test_page_label_forms():
    assert [page_label_number(t) for t in ("7", "Seite 7", "Seite 7 von 90", "7 / 90", "- 7 -", "S. 7", "70.01")] == [
        7,
        7,
        7,
        7,
        7,
        7,
        None,
    ]


def test_one_running_header_per_chapter():
    heads = {
        k: [line(k, ["1. KLIMA/ENERGIE/UMWELT", "2. GESELLSCHAFT", "3. WIRTSCHAFT"][(k - 1) // 4], 30)]
        for k in range(1, 13)
    }
    pages = report(extra=heads)
    remove_furniture(pages)
    assert sorted(set(texts(pages)) - {str(k) for k in range(1, 13)}) == [
        "1. KLIMA/ENERGIE/UMWELT",
        "2. GESELLSCHAFT",
        "3. WIRTSCHAFT",
    ]


def test_a_label_that_often_opens_a_page_is_body():
    pages = report()
    for k in (2, 5, 7, 9, 11):  # "Bemerkung (optional):" is the first line of five pages
        pages[k - 1].lines[0] = line(k, "Bemerkung (optional):", 80)
    remove_furniture(pages)
    assert texts(pages, "lines").count("Bemerkung (optional):") == 5


def test_roman_front_matter_and_arabic_body():
    pages = report(label=lambda k: ["i", "ii", "iii", "iv"][k - 1] if k <= 4 else str(k - 4))
    remove_furniture(pages)
    assert texts(pages) == ["i", "ii", "iii", "iv"] + [str(k) for k in range(1, 9)]
    assert page_label_number("iiii") is None and page_label_number("Seite XII") == 12


def test_a_label_set_apart_below_the_legend_is_body():
    legend = "umgesetzt (innerhalb des letzten halben Jahres) in Bearbeitung in Planung Ideenspeicher"
    pages = report(extra={k: [line(k, legend, 30)] for k in range(1, 13)})
    for k in (3, 6, 9, 12):  # a label opens these pages after some space, below the body's usual top
        pages[k - 1].lines[0] = line(k, "Bemerkung (optional):", 95)
    remove_furniture(pages)
    assert texts(pages, "lines").count("Bemerkung (optional):") == 4


HEAD = "Nachhaltigkeitsreport Kreis Soest"
COMMITTEE = "Beratung/Information in politischen Gremien (Datum/Gremium/Vorlagenart und -Nr.)"


def test_a_block_label_opening_pages_at_one_height_is_body():
    """A label opens four pages a little above where text starts (a label style with a tighter line): it
    recurs alone at its place and lies outside the body's usual frame, yet a block label is never furniture;
    the running header above it still is."""
    pages = report(extra={k: [line(k, HEAD, 30)] for k in range(1, 13)})
    for k in (2, 5, 8, 11):
        pages[k - 1].lines[0] = line(k, COMMITTEE, 72)
    remove_furniture(pages)
    assert texts(pages, "lines").count(COMMITTEE) == 4 and texts(pages).count(HEAD) == 12
    assert not any(p.doubtful for p in pages)


def test_a_theme_named_atop_every_page_is_furniture_but_sections_in_page_sequence_are_body():
    """A running header that repeats one heading (its theme, printed in the body as well) is furniture; section
    headings whose goal number happens to follow the page, at one height on three pages, are headings."""
    theme = "1. KLIMA/ENERGIE/UMWELT"
    pages = report(extra={k: [line(k, theme, 30)] for k in range(1, 13)})
    pages[0].lines.append(line(1, theme, 300, size=24))  # the theme's own heading
    for k in (3, 4, 5):
        pages[k - 1].lines[0] = line(k, f"1.{k - 2}.1 umgesetzt", 72)
    remove_furniture(pages)
    assert texts(pages).count(theme) == 12 and texts(pages, "lines").count(theme) == 1
    sections = [t for t in texts(pages, "lines") if t.endswith("umgesetzt")]
    assert sections == ["1.1.1 umgesetzt", "1.2.1 umgesetzt", "1.3.1 umgesetzt"]
    assert not any(p.doubtful for p in pages)


def test_furniture_that_reads_like_the_body_is_in_doubt():
    """Set aside, but in doubt: a recurring line that opens with a date, one that announces what follows, a
    heading the body does not print besides."""
    extra = {k: [line(k, "01.04.2025 Fortschreibung", 30), line(k, "Projekte des Kreises:", 45)] for k in range(1, 13)}
    extra[1].append(line(1, "2. GESELLSCHAFT", 60))
    pages = report(extra=extra)
    for p in pages[1:]:
        p.lines.append(line(p.number, "2. GESELLSCHAFT", 60))
    remove_furniture(pages)
    doubtful = [ln.text for p in pages for ln in p.doubtful]
    assert doubtful.count("01.04.2025 Fortschreibung") == 12 and doubtful.count("Projekte des Kreises:") == 12
    assert doubtful.count("2. GESELLSCHAFT") == 12
    assert "Seite" not in " ".join(doubtful) and not any(d.isdigit() for d in doubtful)  # page labels: no doubt


def test_what_a_line_reads_as():
    assert [
        reads_as(t)
        for t in (
            COMMITTEE,
            "Erfolgte Planungsschritte (Datum des Abschlusses):",
            "Bemerkung (optional):",
            "1.2.3.4 Radwegekonzept",
            "1. KLIMA/ENERGIE/UMWELT",
            "März 2024 Beschluss im Kreistag",
            "Ziele des Kreises:",
            HEAD,
            "Seite 7",
            "7.",
            "Stand: 01.04.2025",
        )
    ] == ["label", "label", "label", "heading", "heading", "entry", "announce", None, None, None, None]


def test_doubtful_furniture_becomes_an_extraction_doubt_with_page_and_box():
    from pipeline.extract.edition import furniture_doubts

    pages = report(extra={k: [line(k, "01.04.2025 Fortschreibung", 30)] for k in range(1, 13)})
    assert furniture_doubts(pages) == []  # nothing set aside yet
    remove_furniture(pages)
    found = furniture_doubts(pages)
    assert [(a.kind, a.severity, a.page, a.box.top) for a in found[:2]] == [
        ("furniture_reads_as_body", "warning", 1, 30),
        ("furniture_reads_as_body", "warning", 2, 30),
    ]
    assert len(found) == 12 and found[0].evidence == "01.04.2025 Fortschreibung"
