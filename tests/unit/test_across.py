"""Across editions on hand-built records: linking renumbered and retitled projects, classifying changes."""

import pytest

from pipeline.across.history import Change, classify_change, transitions
from pipeline.across.reconcile import Item, link


def item(ed, number, title, status="in Bearbeitung", desc="", since="", steps=()):
    return Item(ed, number, number.rsplit(".", 2)[0], title, "", status, desc, since, frozenset(steps))


def test_a_renumbered_project_is_linked_by_title_and_steps():
    prev = [
        item("2024-10", "1.1.2.1", "Klimaschutzkonzept 2.0", steps={("01.01.2024", "beschluss")}),
        item("2024-10", "1.1.2.2", "Energieberatung für kreiseigene Gebäude"),
    ]
    cur = [
        item("2025-04", "1.1.1.1", "Klimaschutzkonzept 2.0", "umgesetzt", steps={("01.01.2024", "beschluss")}),
        item("2025-04", "1.1.2.1", "Energieberatung für kreiseigene Gebäude"),
    ]
    links, anomalies = link(prev, cur)
    assert {b: a for b, (a, _, _) in links.items()} == {"1.1.1.1": "1.1.2.1", "1.1.2.1": "1.1.2.2"}
    assert anomalies == []


def test_a_new_project_with_an_unrelated_title_is_not_linked():
    prev = [item("2024-10", "1.1.2.1", "Klimaschutzkonzept 2.0")]
    cur = [item("2025-04", "1.1.2.1", "Wasserstoffallianz Kreis Soest")]
    links, _ = link(prev, cur)
    assert links == {}


def test_a_project_the_archive_names_is_never_linked():
    prev = [item("2024-10", "1.1.2.1", "Klimaschutzkonzept 2.0")]
    cur = [item("2025-04", "1.1.2.1", "Klimaschutzkonzept 2.0")]
    links, _ = link(prev, cur, gone={"1.1.2.1": "completed"})
    assert links == {}


def test_transition_kinds():
    idn = [
        {"edition": "A", "project_id": "p", "status": "in Planung", "project_number": "1.1.3.1", "title": "X"},
        {"edition": "B", "project_id": "p", "status": "in Bearbeitung", "project_number": "1.1.2.1", "title": "X"},
        {"edition": "A", "project_id": "q", "status": "umgesetzt", "project_number": "1.1.1.1", "title": "Y"},
        {"edition": "A", "project_id": "r", "status": "in Planung", "project_number": "1.1.3.2", "title": "Z"},
        {"edition": "B", "project_id": "r", "status": "in Planung", "project_number": "1.1.3.1", "title": "Z"},
        {"edition": "B", "project_id": "s", "status": "in Planung", "project_number": "1.1.3.2", "title": "W"},
    ]
    kinds = {t["project_id"]: t["kind"] for t in transitions(idn, [], ["A", "B"])}
    assert kinds == {"p": "status_change", "q": "completed_archived", "r": "renumbered", "s": "new"}


def row(number="1.1.2.1", status="in Bearbeitung", title="Klimaschutzkonzept 2.0"):
    return {"project_number": number, "status": status, "title": title}


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (row(), row(), Change("unchanged")),
        (row(title="Klimaschutzkonzept  2.0"), row(title="Klimaschutzkonzept\n2.0"), Change("unchanged")),
        (row(status="in Planung", number="1.1.3.1"), row(), Change("status_change", True, True, False)),
        (row(number="1.1.2.2", title="X"), row(), Change("renumbered", False, True, True)),
        (row(title="Klimaschutzkonzept"), row(), Change("retitled", False, False, True)),
        (None, row(), Change("new")),
        (row(status="umgesetzt"), None, Change("completed_archived")),
        (row(), None, Change("dropped")),
    ],
)
def test_classify_change(old, new, expected):
    assert classify_change(old, new) == expected


def test_classify_change_needs_one_edition():
    with pytest.raises(ValueError):
        classify_change(None, None)


def test_the_status_date_and_the_completion_label_are_the_profiles_words(tmp_path, monkeypatch):
    """status_since reads the '…seit:' label and the completion header line by config/report.yaml
    (blocks.status_since, blocks.completion), not by words in the code."""
    import shutil

    from pipeline.across.history import status_since
    from pipeline.config import config_dir

    seit = {"since_label": "Projekt „umgesetzt“ seit:", "since_end": "2024-03-31", "status": "umgesetzt"}
    done = {"since_label": "Projektstart:", "extra_header": "Projektabschluss: 15.02.2025", "status": "umgesetzt"}
    assert status_since(seit) == "2024-03-31" and str(status_since(done)) == "2025-02-15"
    conf = tmp_path / "config"
    shutil.copytree(config_dir(), conf)
    report = (conf / "report.yaml").read_text(encoding="utf-8")
    report = report.replace("status_since: '(?i)seit'", "status_since: '(?i)ab dem'")
    (conf / "report.yaml").write_text(report.replace("completion: '(?i)abschluss'", "completion: '(?i)ende'"))
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    assert status_since(seit) is None and status_since(done) is None
    assert str(status_since({**done, "extra_header": "Projektende: 15.02.2025"})) == "2025-02-15"


def test_reconcile_reads_the_tolerances_it_is_given():
    """A link 0.05 above the link threshold is weak under TOL (weak = 0.1) and not under a test's own."""
    from pipeline.across.reconcile import Candidate, link_anomaly
    from pipeline.tolerances import TOL, Tolerances

    c = Candidate(TOL.link + 0.05, "1.1.1.1", "1.1.1.2", "title 0.80")
    assert link_anomaly(c, [], "2024-10", "2025-04").kind.kind == "weak_link"
    assert link_anomaly(c, [], "2024-10", "2025-04", Tolerances(weak=0.01)) is None
