"""Character accounting on hand-built records: unplaced text and page labels inside records are loud."""

from builders import one_project_edition

from pipeline.extract.accounting import account, furniture_in_text, unassigned_warning
from pipeline.model.records import Box, Edition, Entry, Line, PageLayout, Project, Word


def line(page: int, text: str, top: float) -> Line:
    return Line(
        page,
        tuple(
            Word(t, 70.0 + 40 * i, 100.0 + 40 * i, top, top + 10, 10.0, False, True) for i, t in enumerate(text.split())
        ),
    )


def edition(description: list[str], steps: list[Entry]) -> Edition:
    p = Project(
        "1.1.2.1",
        "Titel",
        "in Bearbeitung",
        description=description,
        steps=steps,
        box=Box(5, 70, 100, 400, 110),
        end_page=6,
    )
    return one_project_edition(p)


def test_counts_and_unassigned_lines():
    body = [line(5, "Projektbeschreibung: Text", 100), line(5, "stray words", 300)]
    page = PageLayout(5, 595, 842, body, furniture=[line(5, "5", 800)])
    counts, found = account([page], [body[1]], [], edition([], []))
    assert (counts.body, counts.furniture, counts.unassigned, counts.assigned) == (34, 1, 10, 24)
    assert [(a.kind, a.page, a.box.top) for a in found] == [("unassigned_text", 5, 300)]


def test_page_label_at_a_paragraph_end_or_entry_start():
    ed = edition(["Das Projekt läuft gut. 12"], [Entry("01.02.2024", "13 Start der Arbeiten", Box(6, 70, 80, 90, 90))])
    found = furniture_in_text(ed, {5: 12, 6: 13})
    assert [(a.kind, a.page) for a in found] == [("furniture_in_text", 5), ("furniture_in_text", 6)]


def test_numbers_that_are_not_page_labels_are_not_flagged():
    ed = edition(["Ziel bis 2030", "Abteilung 80"], [Entry("2024", "Phase 2", None)])
    assert furniture_in_text(ed, {5: 12, 6: 13}) == []
    assert furniture_in_text(ed, {}) == []


def test_warning_threshold():
    assert unassigned_warning("x.pdf", 10000, 20) is None
    assert "21 of 10000" in unassigned_warning("x.pdf", 10000, 21)


def test_a_list_of_department_numbers_is_not_a_page_label():
    from pipeline.extract.accounting import _label_token

    assert _label_token("61, 65", {65}) is None and _label_token("10 und 80", {80}) is None
    assert _label_token("70.01 69", {69}) == "69"


def test_labels_near_a_record_are_its_pages_and_the_page_after():
    from pipeline.extract.accounting import _near

    labels = {4: 10, 5: 11, 6: 12, 7: 13, 8: 14}
    assert _near(labels, 5, 6) == {11, 12, 13}
    assert _near(labels, 8, 8) == {14}


def test_page_label_inside_a_list_row_cell():
    from pipeline.extract.accounting import _list_row_leaks
    from pipeline.model.records import ListRow

    row = ListRow("1", "1.1.2.1", "Titel 31", "2", "", "FD 61", Box(30, 70, 100, 400, 110))
    found = _list_row_leaks(row, {30: 30, 31: 31})
    assert [(a.page, a.project_number, a.detail) for a in found] == [
        (30, "1.1.2.1", "list row 1.1.2.1: page label '31' inside a cell: Titel 31")
    ]
    assert _list_row_leaks(row, {30: 30, 32: 31}) == []  # 31 is printed two pages on: not this row's


def test_a_page_label_the_furniture_stage_missed_counts_as_furniture_not_as_lost_text():
    pages = [
        PageLayout(n, 595, 842, [line(n, "Text", 100)], furniture=[line(n, f"Seite {n + 2}", 800)]) for n in (5, 6)
    ]
    missed = line(7, "Seite 9", 400)  # a turned page: its label read as a body line, in no record
    stray = line(7, "Seite 4", 420)  # not this page's label: text in no record
    pages.append(PageLayout(7, 842, 595, [line(7, "Text", 100), missed, stray]))
    counts, found = account(pages, [missed, stray], [], edition([], []))
    assert [a.detail for a in found] == ["text in no record: Seite 4"]
    assert (counts.body, counts.furniture, counts.unassigned) == (4 * 3 + 6, 2 * 6 + 6, 6)
