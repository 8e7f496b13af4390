"""Table rows from a hand-built edition, one function a table; its unparsed dates (doubts) in printed order."""

from builders import one_project_edition

from pipeline.extract.checks import stale_label_date
from pipeline.extract.doubts import date_doubts
from pipeline.model.records import ArchiveRow, Box, Entry, ListRow, Project, ProjectList
from pipeline.model.rows import _committee_rows, _list_rows, _project_rows, _step_rows, edition_rows

BOX = Box(4, 60.0, 100.0, 500.0, 110.0)
STEP_BOX = Box(5, 60.0, 200.0, 500.0, 210.0)


def edition():
    """One project (a milestone, a planned one in its remark, a consultation), a list row, an archive row."""
    p = Project(
        "1.1.2.1",
        "Titel",
        "in Bearbeitung",
        since_value="bald",
        steps=[Entry("irgendwann", "Tat", STEP_BOX)],
        committee=[Entry("später", "Kreisausschuss")],
        remark=["geplante Meilensteine:", "01.04.2026 Fertig"],
        remark_boxes=[BOX, STEP_BOX],
        box=BOX,
        end_page=5,
    )
    ed = one_project_edition(p)
    ed.project_lists = [ProjectList("1", "Projektliste", [ListRow("1", "1.1.2.1", "Kurz", "2", "", "FD 61", BOX)])]
    ed.archive = [ArchiveRow("completed", "1", "Alt", report="nie", last_mention="01.10.2024")]
    ed.anomalies = [stale_label_date.kind.anomaly(3, "printed")]
    return ed


def test_unparsed_dates_in_printed_order_with_their_boxes():
    found = [(a.detail.split(":")[0], a.page) for a in date_doubts(edition())]
    assert found == [
        ("project 1.1.2.1 since", 4),
        ("project 1.1.2.1 steps #1", 5),
        ("project 1.1.2.1 committee #1", None),  # a consultation has only its own box
        ("archive row 'Alt'", None),
    ]


def test_steps_rows_hold_milestones_then_planned_ones_of_the_remark():
    rows = _step_rows(edition())
    assert [(r["block"], r["seq"], r["text"], r["page"]) for r in rows] == [
        ("steps", 1, "Tat", 5),
        ("planned", 1, "Fertig", 5),
    ]
    assert rows[1]["date_start"].isoformat() == "2026-04-01"


def test_project_row_carries_its_list_row():
    (row,) = _project_rows(edition())
    assert (row["list_title"], row["list_status"], row["n_steps"], row["n_committee"]) == ("Kurz", "2", 1, 1)


def test_committee_and_list_rows():
    assert [r["text"] for r in _committee_rows(edition())] == ["Kreisausschuss"]
    assert [(r["project_number"], r["responsible"]) for r in _list_rows(edition())] == [("1.1.2.1", "FD 61")]


def test_edition_rows_tables_and_the_editions_anomalies_as_they_are():
    ed = edition()
    assert [a["kind"] for a in edition_rows(ed)["anomalies"]] == ["stale_label_date"]  # rows only flatten
    ed.anomalies += date_doubts(ed)
    t = edition_rows(ed, sha256="abc")
    assert list(t) == ["editions", "projects", "steps", "committee", "list_rows", "archive_printed", "anomalies"]
    assert (t["editions"][0]["projects"], t["editions"][0]["sha256"]) == (1, "abc")
    assert [a["kind"] for a in t["anomalies"]] == ["stale_label_date"] + ["unparsed_date"] * 4
    assert (t["anomalies"][0]["page"], t["anomalies"][0]["x0"]) == (3, None)
    # each row carries its kind's source; the four unparsed dates (extraction, warning) are the doubts
    assert [a["source"] for a in t["anomalies"]] == ["report"] + ["extraction"] * 4
    assert t["editions"][0]["extraction_doubts"] == 4
