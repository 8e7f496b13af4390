"""Between consecutive editions: each rule on hand-built pairs (fires / must not), on the six corpus
editions, and on corpus editions altered on purpose (each change found, and nothing else)."""

from __future__ import annotations

import copy

import alter
import pyarrow.parquet as pq
import pytest
from test_rules import edition, project

from pipeline.across import findings
from pipeline.across.findings import RULES, Pair, audit_findings
from pipeline.model.records import ArchiveRow, Entry

OLD, NEW = "2024-10", "2025-04"
RULE = {r.kind.kind: r for r in RULES}


def pair(old_projects, new_projects, links=None, old_archive=(), new_archive=()) -> Pair:
    """Two hand-built editions; `links` old number → new number (default: same numbers where both exist)."""
    a = edition(*old_projects, stand="01.10.2024", edition_id=OLD, archive=old_archive)
    b = edition(*new_projects, archive=new_archive)
    if links is None:
        new_nums = {p.number for p in new_projects}
        links = {p.number: p.number for p in old_projects if p.number in new_nums}
    return Pair(a, b, links, {})


def found(kind: str, pr: Pair) -> list[tuple]:
    return [(f.previous_number, f.project_number) for f in RULE[kind](pr)]


STEPS = [Entry("21.03.2024", "Beschluss des Klimaschutzkonzeptes 2.0"), Entry("01.06.2024", "Zwischenbericht")]


def test_milestone_rewritten_and_dropped():
    old = project(steps=list(STEPS))
    same = project(steps=list(STEPS) + [Entry("18.11.2024", "Vorstellung im Ausschuss")])
    assert found("milestone_rewritten", pair([old], [same])) == []
    assert found("milestone_dropped", pair([old], [same])) == []
    redated = project(steps=[Entry("22.03.2024", STEPS[0].text), STEPS[1]])
    assert found("milestone_rewritten", pair([old], [redated])) == [("1.1.2.1", "1.1.2.1")]
    assert found("milestone_dropped", pair([old], [redated])) == []
    reworded = project(steps=[Entry(STEPS[0].date, "Beschluss des Klimaschutzkonzeptes 3.0"), STEPS[1]])
    f = list(RULE["milestone_rewritten"](pair([old], [reworded])))
    assert len(f) == 1 and "text changed" in f[0].detail and f[0].previous_evidence.startswith("21.03.2024")
    dropped = project(steps=[STEPS[1]])
    assert found("milestone_dropped", pair([old], [dropped])) == [("1.1.2.1", "1.1.2.1")]
    assert found("milestone_rewritten", pair([old], [dropped])) == []


def test_the_past_is_compared_once_per_pair_and_block(monkeypatch):
    """The four rules on rewritten and dropped entries share one comparison of each block per pair."""
    calls = []
    compare = findings.past_changes
    monkeypatch.setattr(findings, "past_changes", lambda pr, block: calls.append(block) or compare(pr, block))
    c = Entry("16.11.2023", "Ausschuss für Umwelt und Landwirtschaft, Informationsvorlage 312/2023")
    old = project(steps=list(STEPS), committee=[c])
    new = project(steps=[Entry("22.03.2024", STEPS[0].text)], committee=[])
    pr = pair([old], [new])
    kinds = ["milestone_rewritten", "milestone_dropped", "consultation_rewritten", "consultation_dropped"]
    assert [len(found(k, pr)) for k in kinds] == [1, 1, 0, 1]
    assert calls == ["steps", "committee"]


def test_another_producers_wrapping_or_date_format_is_not_a_rewrite():
    old = project(steps=[Entry("Mai 2024", "Bei 320 Flächen wurden Pflege- empfehlungen gegeben")])
    new = project(steps=[Entry("05/2024", "Bei 320 Flächen wurden Pflegeempfehlungen  gegeben")])
    assert found("milestone_rewritten", pair([old], [new])) == found("milestone_dropped", pair([old], [new])) == []
    assert found("since_changed", pair([project(since_value="Juni 2022")], [project(since_value="06/2022")])) == []


def test_entries_of_a_project_no_longer_printed_are_not_checked():
    old = project(steps=list(STEPS))
    assert found("milestone_dropped", pair([old], [], links={})) == []


def test_renumbered_project_keeps_its_past():
    old = project(index=2, steps=list(STEPS))
    new = project(index=1, steps=list(STEPS))  # a neighbour left: 1.1.2.2 → 1.1.2.1, by design
    assert found("milestone_dropped", pair([old], [new], links={"1.1.2.2": "1.1.2.1"})) == []


def test_consultation_rewritten_and_dropped():
    c = [Entry("16.11.2023", "Ausschuss für Umwelt und Landwirtschaft, Informationsvorlage 312/2023")]
    old = project(committee=list(c))
    assert found("consultation_rewritten", pair([old], [project(committee=list(c))])) == []
    changed = project(committee=[Entry("16.11.2023", c[0].text.replace("312", "313"))])
    assert found("consultation_rewritten", pair([old], [changed])) == [("1.1.2.1", "1.1.2.1")]
    assert found("consultation_dropped", pair([old], [project()])) == [("1.1.2.1", "1.1.2.1")]


def test_silent_drop():
    gone = project(title="Bewertung zur Starkregenvorsorge an kreiseigenen Immobilien")
    archived = project("umgesetzt", title="Klima-Allianz")
    rows = [ArchiveRow("completed", "Klima/Energie/Umwelt", "Klima-Allianz", report="01.10.2024", number="1.1.1.1")]
    pr = pair([gone, archived], [], links={}, new_archive=rows)
    assert found("silent_drop", pr) == [("1.1.2.1", None)]


def test_silent_drop_accepts_the_short_list_title():
    p = project(
        title="Neustart der AG „Zukunft der Pflege“ im Kreis Soest sowie Einrichtung einer Koordinierungsstelle"
    )
    rows = [ArchiveRow("completed", "Gesellschaft", "AG „Zukunft der Pflege“", report="01.10.2024", number="1.1.2.1")]
    assert found("silent_drop", pair([p], [], links={}, new_archive=rows)) == []


def test_archive_row_missing_and_changed():
    row = ArchiveRow(
        "dropped",
        "Klima/Energie/Umwelt",
        "Moore als Treibhausgasspeicher",
        reason="ersetzt durch Projekt „Schwammwald“",
        last_mention="01.10.2023",
    )
    other = ArchiveRow(
        "completed", "Mobilität", "Masterplan nachhaltige Mobilität", report="01.04.2024", number="5.7.1.1"
    )
    assert found("archive_row_missing", pair([], [], old_archive=[row, other], new_archive=[row, other])) == []
    assert found("archive_row_changed", pair([], [], old_archive=[row, other], new_archive=[row, other])) == []
    assert len(found("archive_row_missing", pair([], [], old_archive=[row, other], new_archive=[other]))) == 1
    moved = copy.copy(other)
    moved.report = "01.10.2024"
    f = list(RULE["archive_row_changed"](pair([], [], old_archive=[row, other], new_archive=[row, moved])))
    assert len(f) == 1 and "01.04.2024" in f[0].detail and "01.10.2024" in f[0].detail
    assert found("archive_row_missing", pair([], [], old_archive=[row, other], new_archive=[row, moved])) == []


def test_status_backwards():
    old = project("in Bearbeitung")
    back = project("in Planung")
    links = {"1.1.2.1": "1.1.3.1"}
    assert found("status_backwards", pair([old], [back], links)) == [("1.1.2.1", "1.1.3.1")]
    said = project("in Planung", remark=["Die Umsetzung wurde verschoben, Fördermittel fehlen."])
    assert found("status_backwards", pair([old], [said], links)) == []
    new_reason = project("in Planung", remark=["Mangels Personal ruht die Umsetzung derzeit."])
    assert found("status_backwards", pair([old], [new_reason], links)) == []
    old_reason = project("in Bearbeitung", remark=["Da der LWL die Jugendämter einbeziehen möchte, dauert es."])
    same_remark = project("in Planung", remark=list(old_reason.remark))  # printed before the move: says nothing of it
    assert found("status_backwards", pair([old_reason], [same_remark], links)) == [("1.1.2.1", "1.1.3.1")]
    forward = project("umgesetzt")
    assert found("status_backwards", pair([old], [forward], {"1.1.2.1": "1.1.1.1"})) == []


def test_since_changed():
    old = project(since_value="2010")
    assert found("since_changed", pair([old], [project(since_value="2010 und 01.01.2024")])) == [("1.1.2.1", "1.1.2.1")]
    assert found("since_changed", pair([old], [project(since_value="2010 ")])) == []
    moved = project("umgesetzt", since_value="24.09.2024")
    assert found("since_changed", pair([old], [moved], {"1.1.2.1": "1.1.1.1"})) == []


def test_duplicate_title():
    a = project(title="Förderung der Kreislaufwirtschaft")
    b = project(index=2, title="Förderung der  Kreislaufwirtschaft")
    c = project(index=3, title="Förderung der digitalen Transformation")
    f = list(RULE["duplicate_title"](edition(a, b, c), {}))
    assert [(x.previous_number, x.project_number) for x in f] == [("1.1.2.1", "1.1.2.2")]
    assert f[0].previous_edition is None and f[0].page == 7 and f[0].previous_page == 7


# ---------------------------------------------------------------- the corpus

CORPUS = {  # (kind, older edition, newer edition, older number, newer number)
    ("since_changed", "2023-10", "2024-04", "3.1.2.5", "3.1.2.4"),  # '2010' → '2010 und 01.01.2024', status kept
    ("status_backwards", "2023-04", "2023-10", "5.2.3.2", "5.2.4.1"),  # Planung → Ideenspeicher, remark unchanged
}


def test_what_the_rules_find_between_the_corpus_editions(built):
    rows = pq.read_table(built[1] / "audit_findings.parquet").to_pylist()
    assert {
        (r["kind"], r["previous_edition"], r["edition"], r["previous_number"], r["project_number"]) for r in rows
    } == CORPUS
    for r in rows:
        assert r["page"] and r["previous_page"] and r["evidence"] and r["previous_evidence"] and r["project_id"]


# ---------------------------------------------------------------- editions altered on purpose


@pytest.fixture(scope="module")
def baseline(editions):
    return {key(f) for f in alter.audit_editions(list(editions.values()))}


def key(f: dict) -> tuple:
    return f["kind"], f["previous_edition"], f["edition"], f["previous_number"], f["project_number"]


def altered(editions, edition_id: str, *changes) -> tuple:
    """The corpus editions with a copy of `edition_id` changed by `changes`: (changed copy, all editions)."""
    ed = alter.clone(editions[edition_id])
    for change in changes:
        change(ed)
    return ed, [e for k, e in editions.items() if k != edition_id] + [ed]


def new_findings(editions, baseline, edition_id, *changes) -> set[tuple]:
    """Findings on the altered corpus minus what the corpus itself has."""
    _, eds = altered(editions, edition_id, *changes)
    return {key(f) for f in alter.audit_editions(eds)} - baseline


def test_corpus_alone_matches_the_built_table(baseline):
    assert baseline == CORPUS


def test_every_planted_change_is_found_and_nothing_else(editions, baseline):
    changes = [
        lambda ed: alter.drop_milestone(ed, "1.2.2.1", 2),  # a past milestone disappears
        lambda ed: alter.redate_milestone(ed, "2.3.2.1", "27.04.2023", 0),  # one is re-dated
        lambda ed: alter.retext_consultation(
            ed, "1.4.2.5", "Ausschuss für Umwelt und Landwirtschaft, Informationsvorlage 313/2023"
        ),
        lambda ed: alter.remove_project(ed, "1.3.2.2"),  # leaves without an archive row; 1.3.2.3 → 1.3.2.2
        lambda ed: alter.move_status(ed, "5.8.2.1", "5.8.3", "in Planung"),  # backwards, no reason given
    ]
    assert new_findings(editions, baseline, "2025-04", *changes) == {
        ("milestone_dropped", OLD, NEW, "1.2.2.1", "1.2.2.1"),
        ("milestone_rewritten", OLD, NEW, "2.3.2.1", "2.3.2.1"),
        ("consultation_rewritten", OLD, NEW, "1.4.2.5", "1.4.2.5"),
        ("silent_drop", OLD, NEW, "1.3.2.2", None),
        ("status_backwards", OLD, NEW, "5.8.2.1", "5.8.3.2"),
    }


def test_changes_in_a_middle_edition(editions, baseline):
    """Altering 2024-04: found against 2023-10; against 2024-10 only what really differs again."""
    got = new_findings(
        editions,
        baseline,
        "2024-04",
        lambda ed: alter.redate_milestone(ed, "1.2.2.1", "08.09.2023", 0),
        lambda ed: alter.remove_project(ed, "2.4.2.2"),
    )
    assert got == {
        ("milestone_rewritten", "2023-10", "2024-04", "1.2.2.2", "1.2.2.1"),
        ("milestone_rewritten", "2024-04", "2024-10", "1.2.2.1", "1.2.2.1"),
        ("silent_drop", "2023-10", "2024-04", "2.4.2.3", None),
    }  # numbers as each edition prints them


def test_archive_rows_dropped_and_titles_doubled(editions, baseline):
    def drop_archive_row(ed):
        ed.archive = [a for a in ed.archive if a.project != "Klima-Allianz"]

    def double_title(ed):
        _, p = alter.find(ed, "3.1.2.3")
        p.title = alter.find(ed, "3.1.2.2")[1].title

    got = new_findings(editions, baseline, "2025-04", drop_archive_row, double_title)
    assert got == {
        ("archive_row_missing", OLD, NEW, "1.1.1.1", None),
        ("duplicate_title", None, NEW, "3.1.2.2", "3.1.2.3"),
    }


def test_renumbering_and_shortened_list_titles_are_not_findings(editions, baseline):
    """What the report does by design: a neighbour leaves with an archive row (the rest renumbered), and
    list titles are shorter than body titles."""

    def archive_properly(ed):
        title = alter.remove_project(ed, "1.3.2.2")
        ed.archive.append(
            ArchiveRow("dropped", "Klima/Energie/Umwelt", title, reason="Daueraufgabe", last_mention="01.10.2024")
        )

    def shorten_list_titles(ed):
        for pl in ed.project_lists:
            for r in pl.rows:
                r.title = " ".join(r.title.split()[:2])

    assert new_findings(editions, baseline, "2025-04", archive_properly, shorten_list_titles) == set()


def test_the_build_writes_what_audit_findings_computes(editions, built):
    rows = pq.read_table(built[1] / "identity.parquet").to_pylist()
    assert {key(f) for f in audit_findings(list(editions.values()), rows)} == set(CORPUS)
