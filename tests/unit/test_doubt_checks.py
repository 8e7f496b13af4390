"""Extraction doubts on hand-built records: each kind fires on a broken read and stays silent on a clean one."""

from builders import labelled_project, many_project_edition

from pipeline.config import profile
from pipeline.extract import doubts
from pipeline.model.kinds import DOUBT_SEVERITIES, SOURCES
from pipeline.model.records import ArchiveRow, Box, Entry, Line, ListRow, PageLayout, ProjectList, Word
from pipeline.surfaces.docs import every_kind

BOX = Box(5, 60, 100, 300, 110)


def kinds(found) -> list[str]:
    return [a.kind for a in found]


def test_every_kind_has_exactly_one_source_and_the_doubts_are_extraction_kinds():
    reg = every_kind()
    assert all(r.source in SOURCES for r in reg.values())
    new = {
        "label_missing",
        "entries_undated",
        "entry_continues_previous",
        "list_status_unread",
        "list_disagrees_with_body",
        "archive_unread",
        "furniture_reads_as_body",
        "furniture_inside_body_frame",
        "unassigned_text",
        "furniture_in_text",
    }
    assert {k for k in new if reg[k].source == "extraction" and reg[k].severity in DOUBT_SEVERITIES} == new
    assert reg["missing_progress_blocks"].source == "report"  # one project without blocks: the report's slip


def test_label_missing_fires_when_many_projects_of_a_status_lost_a_label():
    ps = [labelled_project(f"1.1.2.{i}", committee_label=None if i <= 4 else "Beratung:") for i in range(1, 11)]
    found = list(doubts.label_missing(many_project_edition(ps)))
    assert [a.project_number for a in found] == ["1.1.2.1", "1.1.2.2", "1.1.2.3", "1.1.2.4"]
    assert "committee label" in found[0].detail and "4 of 10" in found[0].detail


def test_label_missing_silent_on_one_omission_and_on_labels_a_status_does_not_print():
    ps = [labelled_project(f"1.1.2.{i}", committee_label=None if i == 1 else "Beratung:") for i in range(1, 11)]
    ideas = [labelled_project(f"1.1.4.{i}", "Ideenspeicher", steps_label=None, committee_label=None) for i in range(5)]
    assert list(doubts.label_missing(many_project_edition(ps + ideas))) == []


def _with_steps(entries: list[Entry], n: int = 4):
    return many_project_edition([labelled_project(f"1.1.2.{i}", steps=list(entries)) for i in range(1, n + 1)])


def test_entries_undated_fires_when_many_rows_lost_their_date():
    ed = _with_steps([Entry("01.02.2024", "Beschluss des Klimaschutzkonzeptes 2.0, inkl."), Entry("", "Soest 2030")])
    found = list(doubts.entries_undated(ed))
    assert len(found) == 4 and "4 of 8 entries" in found[0].detail


def test_entries_undated_silent_on_the_few_undated_entries_a_report_prints():
    ed = _with_steps([Entry("01.02.2024", "Beschluss"), Entry("03.2024", "Start"), Entry("2024", "Workshop")])
    ed.themes[0].goals[0].sections[0].projects[0].steps.append(Entry("", "fortlaufend"))
    assert list(doubts.entries_undated(ed)) == []


def test_entry_continues_previous_fires_on_split_off_continuations():
    ed = _with_steps(
        [Entry("01.02.2024", "Beschluss des Konzeptes, inkl. Teilbericht"), Entry("", "klimaneutraler Konzern")], 3
    )
    assert kinds(doubts.entry_continues_previous(ed)) == ["entry_continues_previous"] * 3


def test_entry_continues_previous_silent_on_one_step_in_lower_case():
    """One undated step that starts in lower case ("erster Workshop") is the report's wording, not a split."""
    ed = _with_steps([Entry("01.02.2024", "Beschluss"), Entry("03.2024", "Start"), Entry("2024", "Workshop")], 4)
    ed.themes[0].goals[0].sections[0].projects[0].steps += [
        Entry("", "Konzept zur Umsetzung"),
        Entry("", "erster Workshop"),
    ]
    assert list(doubts.entry_continues_previous(ed)) == []


def test_entry_continues_previous_silent_after_a_sentence_or_on_a_capital():
    for second in (Entry("", "laufende Umsetzung"), Entry("", "Workshop mit Kommunen")):
        first = Entry("01.02.2024", "Beschluss." if second.text[0].islower() else "Beschluss des Konzeptes")
        assert list(doubts.entry_continues_previous(_with_steps([first, second], 1))) == []
    # the first entry of a block has nothing to continue
    assert list(doubts.entry_continues_previous(_with_steps([Entry("", "laufende Verankerung")], 1))) == []


def _listed(statuses: list[str], numbers: list[str] | None = None, titles: list[str] | None = None):
    ps = [labelled_project(f"1.1.2.{i}") for i in range(1, len(statuses) + 1)]
    ed = many_project_edition(ps)
    numbers = numbers or [p.number for p in ps]
    titles = titles or [p.title for p in ps]
    rows = [ListRow("1", n, t, s, "", "61", BOX) for n, t, s in zip(numbers, titles, statuses)]
    ed.project_lists = [ProjectList("1", "Projektliste Klima", rows)]
    return ed


def test_list_status_unread_fires_when_most_rows_lack_a_mark():
    found = list(doubts.list_status_unread(_listed([""] * 8 + ["in Bearbeitung"] * 2)))
    assert kinds(found) == ["list_status_unread"] and "8 of 10 rows" in found[0].detail


def test_list_status_unread_silent_on_one_unmarked_row():
    assert list(doubts.list_status_unread(_listed([""] + ["in Bearbeitung"] * 9))) == []


def test_list_disagrees_with_body_fires_on_many_rows_of_other_numbers_or_titles():
    numbers = [f"1.1.2.{i}" for i in range(1, 7)] + ["9.9.9.1", "9.9.9.2"] + [f"1.1.2.{i}" for i in (9, 10)]
    titles = [f"Projekt 1.1.2.{i}" for i in range(1, 9)] + ["Radverkehr", "Wasserstoff"]
    found = list(doubts.list_disagrees_with_body(_listed(["in Bearbeitung"] * 10, numbers, titles)))
    assert [a.project_number for a in found] == ["9.9.9.1", "9.9.9.2", "1.1.2.9", "1.1.2.10"]


def test_list_disagrees_with_body_silent_on_shortened_titles_and_one_slip():
    titles = [f"1.1.2.{i}" for i in range(1, 11)]  # part of "Projekt 1.1.2.i": the list shortens titles
    statuses = ["umgesetzt"] + ["in Bearbeitung"] * 9  # one row marked otherwise: the report's slip
    assert list(doubts.list_disagrees_with_body(_listed(statuses, titles=titles))) == []


def test_archive_unread_fires_on_many_rows_without_their_date():
    ed = _listed(["in Bearbeitung"])
    ed.archive = [ArchiveRow("completed", "1", f"Altprojekt {i}", report="") for i in range(4)]
    assert kinds(doubts.archive_unread(ed)) == ["archive_unread"] * 4


def test_archive_unread_silent_on_dated_rows():
    ed = _listed(["in Bearbeitung"])
    ed.archive = [ArchiveRow("completed", "1", f"Alt {i}", report="01.10.2024") for i in range(4)]
    ed.archive += [ArchiveRow("dropped", "1", "Weg", reason="Daueraufgabe", last_mention="01.04.2024")]
    assert list(doubts.archive_unread(ed)) == []


def _line(text: str, top: float = 30, page: int = 4) -> Line:
    words, x = [], 60.0
    for w in text.split():
        words.append(Word(w, x, x + 5 * len(w), top, top + 9, 9, False, True))
        x += 5 * len(w) + 3
    return Line(page, tuple(words))


def test_furniture_reads_as_body_fires_on_a_label_heading_or_entry_set_aside():
    page = PageLayout(
        4,
        595,
        842,
        [],
        furniture=[
            _line("Beratung/Information in politischen Gremien (Datum):"),
            _line("1.1.2.3 Klimaschutzkonzept"),
            _line("03.04.2025 Kreistag, Beschlussvorlage 057/2025"),
        ],
    )
    found = doubts.furniture_doubts([page])
    assert [a.detail.split(":")[0] for a in found] == [
        "page furniture reads as a committee label",
        "page furniture reads as a project heading",
        "page furniture reads as a dated entry",
    ]


def test_furniture_reads_as_body_silent_on_page_labels_headers_and_the_legend():
    legend = "umgesetzt (innerhalb des letzten halben Jahres) in Bearbeitung in Planung Ideenspeicher"
    assert profile().legend.match(legend)
    page = PageLayout(
        4,
        595,
        842,
        [],
        furniture=[
            _line("Seite 7 von 90"),
            _line("Nachhaltigkeitsreport Kreis Soest – Stand: 01.04.2025"),
            _line(legend),
            _line("12"),
        ],
    )
    assert doubts.furniture_doubts([page]) == []


def _pair(old_steps: list[Entry], new_steps: list[Entry]):
    from pipeline.across.findings import Pair

    old = many_project_edition([labelled_project("1.1.2.1", steps=old_steps)], "01.10.2024")
    new = many_project_edition([labelled_project("1.1.2.1", steps=new_steps)], "01.04.2025")
    return Pair(old, new, {"1.1.2.1": "1.1.2.1"}, {})


def test_entry_split_or_merged_fires_on_a_row_read_as_two_in_one_edition():
    from pipeline.across.findings import entry_split_or_merged

    whole = [Entry("21.03.2024", "Beschluss des Klimaschutzkonzeptes 2.0, inkl. Teilbericht Kreis Soest 2030")]
    split = [
        Entry("21.03.2024", "Beschluss des Klimaschutzkonzeptes 2.0, inkl. Teilbericht Kreis"),
        Entry("", "Soest 2030"),
    ]
    found = list(entry_split_or_merged(_pair(whole, split))) + list(entry_split_or_merged(_pair(split, whole)))
    assert [
        (f.kind, f.source, f.detail.endswith(f"{how} in the newer edition"))
        for f, how in zip(found, ("split", "merged"))
    ] == [
        ("entry_split_or_merged", "extraction", True),
        ("entry_split_or_merged", "extraction", True),
    ]


def test_entry_split_or_merged_silent_when_both_editions_print_the_same_rows_or_add_one():
    from pipeline.across.findings import entry_split_or_merged

    rows = [Entry("21.03.2024", "Beschluss"), Entry("", "fortlaufend Umsetzung")]
    assert list(entry_split_or_merged(_pair(rows, rows))) == []
    assert list(entry_split_or_merged(_pair(rows[:1], rows + [Entry("01.2025", "Start")]))) == []


def _row(kind: str, page: int | None, source: str = "extraction", severity: str = "warning", edition: str = "2025-04"):
    return {"edition": edition, "kind": kind, "source": source, "severity": severity, "page": page}


def test_doubt_line_names_the_commonest_kinds_and_their_pages():
    from pipeline.surfaces.check import doubt_line

    rows = [_row("label_missing", p) for p in (9, 7, 8, 7)] + [_row("entries_undated", 3)]
    rows += [_row("section_count", 2, source="report"), _row("weak_link", None, severity="info")]
    line = doubt_line("x.pdf", rows)
    assert line is not None and line.startswith("x.pdf: 5 extraction doubts")
    assert "label_missing ×4 (p. 7, 8, 9); entries_undated ×1 (p. 3)" in line
    assert doubt_line("x.pdf", rows[5:]) is None  # report errors and info rows are no doubts


def test_built_doubt_lines_one_per_edition_with_doubts_from_anomalies_and_findings(tmp_path):
    from pipeline.store.files import table, write_parquet
    from pipeline.surfaces.check import built_doubt_lines

    eds = [{"edition": e, "source_file": f"{e}.pdf"} for e in ("2024-10", "2025-04")]
    anomalies = [_row("section_count", 2, "report", edition="2024-10"), _row("label_missing", 7)]
    findings = [_row("entry_split_or_merged", 12)]
    for name, rows in (("editions", eds), ("anomalies", anomalies), ("audit_findings", findings)):
        write_parquet(tmp_path / f"{name}.parquet", table(name, rows))
    lines = built_doubt_lines(tmp_path)
    assert len(lines) == 1 and lines[0].startswith("2025-04.pdf: 2 extraction doubts")


def test_check_verdict_and_code_follow_disagreement_then_doubts():
    from pipeline.surfaces.check import Check, differences

    a = {"themes": [{"title": "A", "goals": [1, 2]}], "stand": "01.04.2025"}
    b = {"themes": [{"title": "B", "goals": [1]}], "stand": "01.04.2025"}
    assert differences(a, b) == ["themes[0].goals: 2 items != 1 items", "themes[0].title: 'A' != 'B'"]
    assert differences(a, a) == []
    assert Check("x.pdf").code == 0 and "clean" in Check("x.pdf").verdict()
    assert Check("x.pdf", doubts=[_row("label_missing", 7)]).code == 10
    assert Check("x.pdf", differences=["stand"], doubts=[_row("label_missing", 7)]).code == 13


def _page(n: int, body_tops: list[float], furniture: list[Line] = ()) -> PageLayout:
    return PageLayout(n, 595, 842, [_line(f"Text {n} {t}", t) for t in body_tops], furniture=list(furniture))


def test_furniture_inside_body_frame_fires_where_other_pages_print_body_text():
    # a body line opening pages 1-3 at the body's first line, read as a running header there
    label = [_line("Weitere Angaben zum Vorhaben", 60, n) for n in (1, 2, 3)]
    pages = [_page(n, [80, 100], [label[n - 1]]) for n in (1, 2, 3)] + [_page(n, [60, 80]) for n in range(4, 11)]
    found = doubts.furniture_doubts(pages)
    assert [(a.kind, a.page) for a in found] == [("furniture_inside_body_frame", n) for n in (1, 2, 3)]
    assert "7 of 9 pages" in found[0].detail


def test_furniture_inside_body_frame_silent_on_headers_above_the_body_and_other_page_sizes():
    header = _line("Nachhaltigkeitsreport Kreis Soest", 30)
    pages = [_page(n, [60, 80, 100], [header]) for n in range(1, 11)]
    landscape = PageLayout(11, 842, 595, [_line("Projektliste", 30)])  # another page size: its own frame
    assert doubts.furniture_doubts(pages + [landscape]) == []
