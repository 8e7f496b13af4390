"""How `nhr audit` tells one anomaly printed in several editions from several anomalies, on hand-built rows."""

from pipeline.surfaces.audit import carried, failing, fold


def anomaly(edition, number, detail, kind="missing_progress_blocks", severity="warning"):
    return {"edition": edition, "project_number": number, "kind": kind, "severity": severity, "detail": detail}


IDENTITY = [
    {"edition": "2024-10", "project_number": "1.1.2.3", "project_id": "beheizung"},
    {"edition": "2025-04", "project_number": "1.1.2.2", "project_id": "beheizung"},  # renumbered
    {"edition": "2025-04", "project_number": "1.1.2.3", "project_id": "other"},
]


def test_a_renumbered_project_keeps_its_anomaly():
    rows = [
        anomaly("2024-10", "1.1.2.3", "project 1.1.2.3 (in Bearbeitung) prints no steps"),
        anomaly("2025-04", "1.1.2.2", "project 1.1.2.2 (in Bearbeitung) prints no steps"),
        anomaly("2025-04", "1.1.2.3", "project 1.1.2.3 (in Bearbeitung) prints no steps"),  # same number, other project
    ]
    folded = fold(rows, IDENTITY)
    assert sorted(r["editions"] for r in folded) == [["2024-10", "2025-04"], ["2025-04"]]
    pair = carried(rows, IDENTITY, "2024-10", "2025-04")
    assert [(r["project_number"], r["carried"]) for r in pair] == [("1.1.2.2", True), ("1.1.2.3", False)]


def test_the_stand_in_a_detail_does_not_split_an_anomaly_but_a_section_number_does():
    rows = [
        anomaly("2024-10", None, "label names a date other than the Stand 01.10.2024", "stale_label_date"),
        anomaly("2025-04", None, "label names a date other than the Stand 01.04.2025", "stale_label_date"),
        anomaly("2024-10", None, "section 2.7.3 printed inside goal 2.8", "section_number_mismatch"),
        anomaly("2025-04", None, "section 2.7.4 printed inside goal 2.8", "section_number_mismatch"),
    ]
    assert [len(r["editions"]) for r in fold(rows, [])] == [1, 1, 2]


def test_fail_on_counts_what_is_new_at_the_level_or_worse():
    pair = carried(
        [
            anomaly("2024-10", "1.1.2.3", "x", severity="error"),
            anomaly("2025-04", "1.1.2.2", "x", severity="error"),  # carried over: not counted
            anomaly("2025-04", "9.9.9.9", "y", severity="info"),
        ],
        IDENTITY,
        "2024-10",
        "2025-04",
    )
    a = {"within_editions": pair, "late_reported": [{"edition": "2025-04"}]}  # no severity: a warning
    assert (failing(a, "error"), failing(a, "warning"), failing(a, "info")) == (0, 1, 2)


def test_every_kind_has_a_german_name_on_the_audit_page():
    from pipeline.across.history import PRECEDENCE
    from pipeline.surfaces.docs import every_kind
    from pipeline.surfaces.labels import CHANGES, KINDS

    assert set(every_kind()) <= set(KINDS), "a rule kind without a German name in pipeline/surfaces/labels.py"
    assert set(PRECEDENCE) == set(CHANGES)


def test_a_cut_sql_cell_ends_in_an_ellipsis():
    from pipeline.surfaces.cli import cut

    assert cut("a" * 64, 60) == "a" * 59 + "…" and cut("a" * 60, 60) == "a" * 60
