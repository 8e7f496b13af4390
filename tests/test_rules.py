"""The audit rules, one by one on hand-built records (one case that fires, one that must not), then what
each finds on the six corpus editions (every finding a real error of the report)."""

from __future__ import annotations

import pytest

from pipeline.config import rule_words
from pipeline.extract.checks import EDITION_RULES
from pipeline.extract.rules import RulesConfigError, imbalance, months_before, validate_vocab
from pipeline.model.records import ArchiveRow, Box, Edition, Entry, Goal, ListRow, Project, ProjectList, Section, Theme

RULE = {r.kind.kind: r for r in EDITION_RULES}

STATUS_DIGIT = {"umgesetzt": "1", "in Bearbeitung": "2", "in Planung": "3", "Ideenspeicher": "4"}
LABEL = {
    "umgesetzt": "abgeschlossene Meilensteine (Datum des Abschlusses):",
    "in Bearbeitung": "abgeschlossene Meilensteine (Datum des Abschlusses):",
    "in Planung": "Erfolgte Planungsschritte (Datum des Abschlusses):",
    "Ideenspeicher": None,
}
COMMITTEE = "Beratung/Information in politischen Gremien (Datum/Gremium/Vorlagenart und -Nr.)"


def project(status: str = "in Bearbeitung", index: int = 1, **kw) -> Project:
    """A well-formed project of goal 1.1 (override any field)."""
    number = f"1.1.{STATUS_DIGIT[status]}.{index}"
    base = dict(
        since_label=f"Projektstart/im Status „{status}“ seit:",
        since_value="01.10.2022",
        description_label="Projektbeschreibung:",
        description=["Eine Beschreibung."],
        steps_label=LABEL[status],
        steps=[],
        committee_label=COMMITTEE if status != "Ideenspeicher" else None,
        committee=[],
        remark_label="Bemerkung (optional):",
        remark=[],
        box=Box(7, 70, 100, 300, 110),
    )
    base.update(kw)
    return Project(
        number, kw.pop("title", f"Projekt {number}"), status, **{k: v for k, v in base.items() if k != "title"}
    )


def edition(
    *projects: Project, stand: str = "01.04.2025", edition_id: str = "2025-04", archive=(), lists=None
) -> Edition:
    """One theme, one goal, its four sections holding `projects`, and a Projektliste naming them."""
    ed = Edition(edition_id, stand, None, "Nachhaltigkeitsreport Kreis Soest", "x.pdf", 10)
    secs = [Section(f"1.1.{d}", s, s) for s, d in STATUS_DIGIT.items()]
    for p in projects:
        secs[int(STATUS_DIGIT[p.status]) - 1].projects.append(p)
    ed.themes = [
        Theme(
            "1",
            "KLIMA/ENERGIE/UMWELT",
            "Klima/Energie/Umwelt",
            goals=[Goal("1.1", "Strategisches Ziel 1", "Ziel.", sections=secs)],
        )
    ]
    rows = lists if lists is not None else [ListRow("1", p.number, p.title, p.status, "", "80.01") for p in projects]
    ed.project_lists = [ProjectList("1", "Projektliste", rows)]
    ed.archive = list(archive)
    return ed


def kinds(ed: Edition, kind: str) -> list[tuple[str | None, str]]:
    """(project number, detail) of what rule `kind` reports on `ed`."""
    return [(a.project_number, a.detail) for a in RULE[kind](ed)]


def numbers(ed: Edition, kind: str) -> list[str | None]:
    return [n for n, _ in kinds(ed, kind)]


# ---------------------------------------------------------------- the registry


def test_every_rule_is_registered_with_meaning_and_severity():
    from pipeline.surfaces.docs import every_kind

    kinds = every_kind()
    assert len(kinds) >= 45 and len(RULE) == len(EDITION_RULES)  # no kind checked twice
    for r in kinds.values():
        assert r.severity in ("info", "warning", "error") and r.meaning.endswith((".", ")"))
        assert r.meaning[0].isupper() and len(r.meaning) < 200, r.kind


def test_config_is_validated():
    cfg = dict(rule_words())
    validate_vocab(cfg)
    with pytest.raises(RulesConfigError, match="plan_words"):
        validate_vocab({**cfg, "plan_words": "geplant"})
    with pytest.raises(RulesConfigError, match="regular expression"):
        validate_vocab({**cfg, "reference_rx": "(unclosed"})
    with pytest.raises(RulesConfigError, match="statuses"):
        validate_vocab({**cfg, "steps_labels": [{"rx": "x", "statuses": ["fertig"]}]})
    with pytest.raises(RulesConfigError, match="'planned_header_rx' is no longer read: .* report.yaml blocks.planned"):
        validate_vocab({**cfg, "planned_header_rx": "^geplante"})  # the planned-milestones wording lives once


def test_months_before():
    import datetime as dt

    assert months_before(dt.date(2025, 4, 1), 6) == dt.date(2024, 10, 1)
    assert months_before(dt.date(2024, 8, 31), 6) == dt.date(2024, 2, 29)


# ---------------------------------------------------------------- dates after the Stand


def test_committee_after_stand():
    late = project(committee=[Entry("03.04.2025", "Kreistag, Beschlussvorlage 057/2025")])
    ok = project(index=2, committee=[Entry("06.03.2025", "Ausschuss für Umwelt, Beschlussvorlage 057/2025")])
    assert numbers(edition(late, ok), "committee_after_stand") == ["1.1.2.1"]


def test_text_date_after_stand_only_for_facts():
    fact = project(remark=["Auftakttreffen des Clubs ist am 04.04.2025."])
    plan = project(
        index=2,
        remark=[
            "Das Treffen ist für den 04.04.2025 geplant.",
            "Die Maßnahme läuft zunächst vom 01.02.2025 bis 31.01.2027.",
        ],
    )
    planned_block = project(index=3, remark=["geplante Meilensteine:", "20.05.2025 Vorstellung im Ausschuss"])
    past = project(index=4, description=["Seit dem 01.01.2024 bietet die wfg ein Scouting an."])
    assert numbers(edition(fact, plan, planned_block, past), "text_date_after_stand") == ["1.1.2.1"]
    anachronism = edition(
        project(description=["Seit dem 01.01.2024 bietet die wfg ein Scouting an."]),
        stand="01.10.2022",
        edition_id="2022-10",
    )
    assert numbers(anachronism, "text_date_after_stand") == ["1.1.2.1"]


def test_completed_not_recent():
    stale = project("umgesetzt", since_value="24.09.2024")
    recent = project("umgesetzt", index=2, since_value="01.10.2024")
    closed = project(
        "umgesetzt",
        index=3,
        since_label="Projektstart:",
        since_value="17.11.2023",
        extra_header=[("Projektabschluss:", "01.04.2025")],
    )
    assert numbers(edition(stale, recent, closed), "completed_not_recent") == ["1.1.1.1"]
    assert numbers(edition(project("in Bearbeitung", since_value="2010")), "completed_not_recent") == []


# ---------------------------------------------------------------- blocks and labels


def test_ideenspeicher_with_progress():
    moved = project("Ideenspeicher", steps_label=LABEL["in Planung"], steps=[Entry("01.10.2023", "Gespräche geführt")])
    idea = project("Ideenspeicher", index=2)
    assert numbers(edition(moved, idea), "ideenspeicher_with_progress") == ["1.1.4.1"]


def test_missing_progress_blocks():
    bare = project(steps_label=None, committee_label=None, remark=["24.09.2024 Bericht im Ausschuss"])
    empty_blocks = project(index=2)  # labels printed, nothing under them: by design
    idea = project("Ideenspeicher", steps_label=None, committee_label=None)
    assert numbers(edition(bare, empty_blocks, idea), "missing_progress_blocks") == ["1.1.2.1"]


def test_steps_label_status():
    wrong = project("in Bearbeitung", steps_label="Erfolgte Planungsschritte (Datum des Abschlusses):")
    generic = project("in Bearbeitung", index=2, steps_label="Meilensteine (Datum des Abschlusses):")
    planning = project("in Planung")
    assert numbers(edition(wrong, generic, planning), "steps_label_status") == ["1.1.2.1"]
    assert numbers(edition(project("in Planung", steps_label=LABEL["umgesetzt"])), "steps_label_status") == ["1.1.3.1"]


# ---------------------------------------------------------------- committee papers


def test_paper_year_after_consultation():
    odd = project(
        committee=[Entry("14.11.2023", "Ausschuss für Umwelt und Landwirtschaft/Information Ö2 Antrag 095/2024")]
    )
    ok = project(index=2, committee=[Entry("30.03.2023", "Kreistag, Beschlussvorlage 111/2022-1")])
    assert numbers(edition(odd, ok), "paper_year_after_consultation") == ["1.1.2.1"]


def test_paper_number_malformed():
    odd = project(committee=[Entry("14.11.2023", "Kreistag, Beschlussvorlage 95/23")])
    ok = project(
        index=2,
        committee=[
            Entry("30.03.2023", "Kreistag – TOP 14.5 – Vorlage 076/2023"),
            Entry("30.03.2023", "Kreistag, Beschlussvorlage 111/2022-1"),
        ],
    )
    assert numbers(edition(odd, ok), "paper_number_malformed") == ["1.1.2.1"]


# ---------------------------------------------------------------- references, copies, typography, cells


def test_dangling_reference():
    dangling = project(steps=[Entry("01.10.2023", "Konzept basierend auf der Datenstrategie (s. 6.4.3.1)")])
    to_section = project(index=2, remark=["Zusammenarbeit mit Digitales (s. 1.1.4)"])
    to_project = project(index=3, remark=["Auch das Projekt 1.1.2.1 gehört dazu; Sachgebiet 80.01 hilft."])
    assert numbers(edition(dangling, to_section, to_project), "dangling_reference") == ["1.1.2.1"]


def test_duplicate_milestone():
    text = "Bericht zu den Ergebnissen der Gebäudesteckbriefe im Ausschuss"
    a = project(steps=[Entry("24.09.2024", text), Entry("2024", "kein Fortschritt")])
    b = project(index=2, steps=[Entry("24.09.2024", text), Entry("2025", "kein Fortschritt")])
    c = project(index=3, steps=[Entry("24.09.2024", text + " Bau")])
    assert numbers(edition(a, b, c), "duplicate_milestone") == ["1.1.2.2"]


def test_entry_without_text():
    """ "seit Sommer" / "2024" read as two rows leaves a year without text; a dated entry with text is quiet."""
    split = project(steps=[Entry("seit Sommer", "Einsatz der App"), Entry("2024", "")], committee=[Entry("", "")])
    whole = project(index=2, steps=[Entry("seit Sommer 2024", "Einsatz der App")])
    assert kinds(edition(split, whole), "entry_without_text") == [
        ("1.1.2.1", "project 1.1.2.1 milestone '2024' has no text after 'seit Sommer'")
    ]


def test_diverging_copy():
    text = "Beschluss des Klimaschutzkonzeptes 2.0, inkl. Teilbericht klimaneutraler Konzern Kreis Soest 2030"
    a = project(steps=[Entry("21.03.2024", text)])
    b = project("in Planung", steps=[Entry("21.03.2024", text[:-4] + "2023.")])
    same = project(index=2, steps=[Entry("21.03.2024", text)])  # identical: duplicate_milestone's case
    added = project(index=3, steps=[Entry("13.02.2024", "Übergabe Förderbescheid Fahrradmietsystem")])
    more = project(
        index=4, steps=[Entry("13.02.2024", "Übergabe Förderbescheid Fahrradmietsystem (Inbetriebnahme 2025)")]
    )
    other_day = project(index=5, steps=[Entry("22.03.2024", text[:-4] + "2031")])
    assert numbers(edition(a, same, added, more, other_day, b), "diverging_copy") == ["1.1.3.1"]


@pytest.mark.parametrize(
    "text,bad",
    [
        ("Vor-Ort-Beratungen „KlimaSicher“ in sozialen Einrichtungen“", True),
        ("Abschluss des Vergabeverfahrens „Rahmenvertrag über Büromaterial", True),
        ("Zertifikat „Fair Trade Kreis Soest”", True),
        ("Abteilungen der Kreisverwaltung (Organisation, Soziales", True),
        ('Zertifikat "Fair Trade Kreis Soest', True),
        ("Projekt „Leseförderung – ein ‚Modell‘“ (2024 – 2026)", False),
        ('Zertifikat "Fair Trade Kreis Soest"', False),
        ("Konzeption des „Rollibusses“ als Teil des ÖPNV", False),
    ],
)
def test_imbalance(text, bad):
    assert (imbalance(text) is not None) == bad


def test_unbalanced_quotes_in_every_field():
    p = project(
        title="Zertifikat „Fair Trade Kreis Soest”",
        steps=[Entry("2023", "Beratung „KlimaSicher“ ok")],
        committee=[Entry("2023", "Kreistag (Vorlage 001/2023")],
    )
    ok = project(index=2, description=["„Die Kreisverwaltung wird beauftragt …", "… bereitgestellt werden.“"])
    found = kinds(edition(p, ok), "unbalanced_quotes")
    assert [n for n, _ in found] == ["1.1.2.1", "1.1.2.1", None]
    assert "title" in found[0][1] and "committee" in found[1][1] and "list row 1.1.2.1 title" in found[2][1]


def test_odd_list_cell():
    rows = [
        ListRow("1", "1.1.2.1", "A", "in Bearbeitung", "", "70.01.,80.01"),
        ListRow("1", "1.1.2.2", "B", "in Bearbeitung", "", "80.02, Dez.06"),
        ListRow("1", "1.1.2.3", "C", "in Bearbeitung", "", "Dez. 06, wfg, PAD"),
        ListRow("1", "1.1.2.4", "D", "in Bearbeitung", "", "Kantinen-ausschuss"),
    ]
    assert numbers(edition(lists=rows), "odd_list_cell") == ["1.1.2.1"]


def test_archive_theme_unknown():
    rows = [
        ArchiveRow("dropped", "Digitalisierung", "Gamification", reason="Mehrfachnennung", last_mention="01.10.2023"),
        ArchiveRow("completed", "Klima/Energie/Umwelt", "Klima-Allianz", report="01.04.2024", number="1.1.1.1"),
    ]
    found = kinds(edition(archive=rows), "archive_theme_unknown")
    assert len(found) == 1 and "Gamification" in found[0][1]


# ---------------------------------------------------------------- the six corpus editions

CORPUS = {  # kind → {(edition, project number)}: each is an error printed in the report (see the closing note)
    "committee_after_stand": {("2025-04", "1.4.2.7")},
    "text_date_after_stand": {
        ("2022-10", "3.1.2.5"),
        ("2023-04", "3.1.2.5"),
        ("2023-10", "3.1.2.5"),
        ("2025-04", "1.3.2.1"),
    },
    "completed_not_recent": {("2025-04", "1.1.1.1")},
    "ideenspeicher_with_progress": {("2025-04", "4.2.4.2")},
    "missing_progress_blocks": {
        ("2023-04", "1.1.2.4"),
        ("2023-10", "1.1.2.4"),
        ("2024-04", "1.1.2.3"),
        ("2024-10", "1.1.2.3"),
        ("2025-04", "1.1.2.2"),
    },
    "steps_label_status": {
        ("2024-10", "4.3.2.2"),
        ("2024-10", "5.3.2.3"),
        ("2025-04", "4.3.2.2"),
        ("2025-04", "5.3.2.3"),
    },
    "paper_year_after_consultation": {("2024-04", "1.4.2.8"), ("2024-10", "1.4.2.8"), ("2025-04", "1.4.2.8")},
    "paper_number_malformed": set(),
    "dangling_reference": {(e, "6.4.2.2") for e in ("2023-10", "2024-04", "2024-10", "2025-04")},
    "duplicate_milestone": {
        ("2023-10", "3.2.2.2"),
        ("2024-04", "3.2.2.2"),
        ("2024-10", "3.2.2.2"),
        ("2024-10", "1.1.2.2"),
        ("2024-10", "6.2.2.1"),
        ("2025-04", "1.1.2.1"),
        ("2025-04", "3.1.2.3"),
        ("2025-04", "3.1.2.4"),
        ("2025-04", "3.2.2.2"),
        ("2025-04", "6.2.2.1"),
    },
    "unbalanced_quotes": {
        ("2022-10", "4.1.3.3"),
        ("2023-04", "4.1.3.3"),
        ("2023-10", "4.1.3.2"),
        ("2023-10", "2.4.2.3"),
        ("2024-04", "4.1.3.1"),
        ("2024-04", "4.1.2.1"),
        ("2024-04", "2.4.2.2"),
        ("2024-04", "1.3.2.2"),
        ("2024-10", "4.1.2.1"),
        ("2024-10", "4.1.4.1"),
        ("2024-10", "1.3.2.1"),
        ("2024-10", "2.4.2.1"),
        ("2025-04", "1.3.2.1"),
        ("2025-04", "2.4.2.1"),
        ("2025-04", "4.1.2.1"),
        ("2025-04", "4.1.4.1"),
    },
    "odd_list_cell": {("2025-04", "1.3.2.4")},
    "entry_without_text": set(),
    "diverging_copy": {(e, "1.1.3.1") for e in ("2024-04", "2024-10", "2025-04")},
    "archive_theme_unknown": {("2024-04", None), ("2024-10", None), ("2025-04", None)},
    "step_after_stand": {
        ("2025-04", "1.3.3.1"),
        ("2025-04", "5.4.2.1"),
        ("2025-04", "5.5.3.1"),
        ("2025-04", "5.7.2.3"),
    },
    "since_label_status": {("2025-04", "2.1.1.1"), ("2025-04", "2.1.1.2")},
    "goal_label_without_digit": {("2024-04", None), ("2024-10", None), ("2025-04", None)},
    "stale_label_date": {(e, "5.8.3.1") for e in ("2022-10", "2023-04", "2023-10", "2024-10", "2025-04")},
    # extraction doubts (pipeline/extract/doubts.py): a clean reading carries none
    "label_missing": set(),
    "entries_undated": set(),
    "entry_continues_previous": set(),
    "list_status_unread": set(),
    "list_disagrees_with_body": set(),
    "archive_unread": set(),
}


@pytest.mark.parametrize("kind", sorted(CORPUS))
def test_what_each_rule_finds_in_the_corpus(editions, kind):
    found = {(e, a.project_number) for e, ed in editions.items() for a in RULE[kind](ed)}
    assert found == CORPUS[kind]


def test_anomalies_carry_box_and_evidence(editions):
    for ed in editions.values():
        for a in ed.anomalies:
            if a.kind in CORPUS and a.kind not in ("goal_label_without_digit",):
                assert a.box and a.box.page == a.page and a.evidence, (ed.edition, a)


def test_corpus_hyphens_are_read_as_printed(editions):
    """The county's editions do not hyphenate (their few line-end hyphens are the author's, and the gold keeps
    them): no break is weighed, none doubted (hyphen_undecided fires on hyphenating renderings,
    tests/test_hyphenation.py)."""
    assert not [a for ed in editions.values() for a in ed.anomalies if a.kind == "hyphen_undecided"]
    assert not [b for ed in editions.values() for b in ed.hyphen_breaks]
    assert all(len(ed.words) > 1000 for ed in editions.values())  # the words a build weighs other editions' by
