"""The German names the audit page gives to change kinds, severities and anomaly kinds (the page is read by
German auditors; the tables keep the English kinds)."""

from __future__ import annotations

CHANGES = {
    "new": "neu",
    "dropped": "entfallen",
    "completed_archived": "umgesetzt, ins Archiv",
    "status_change": "Statuswechsel",
    "renumbered": "neu nummeriert",
    "retitled": "umbenannt",
    "unchanged": "unverändert",
}

SEVERITIES = {"info": "Hinweis", "warning": "Warnung", "error": "Fehler"}

KINDS = {
    "hyphen_undecided": "Silbentrennung unentschieden",
    "status_head_ambiguous": "Statusspalte mehrdeutig",
    "entry_without_text": "Eintrag ohne Text",
    "furniture_reads_as_body": "Kopfzeile liest sich wie Text",
    "committee_after_stand": "Beratung nach dem Stand",
    "text_date_after_stand": "Datum im Text nach dem Stand",
    "completed_not_recent": "umgesetzt vor mehr als einem halben Jahr",
    "ideenspeicher_with_progress": "Ideenspeicher mit Fortschritt",
    "missing_progress_blocks": "keine Meilensteine und keine Beratung",
    "steps_label_status": "Meilenstein-Überschrift passt nicht zum Status",
    "paper_year_after_consultation": "Vorlagenjahr nach der Beratung",
    "paper_number_malformed": "Vorlagennummer fehlerhaft",
    "dangling_reference": "Verweis ins Leere",
    "duplicate_milestone": "Meilenstein doppelt",
    "diverging_copy": "abweichende Kopie eines Meilensteins",
    "unbalanced_quotes": "Klammer oder Anführungszeichen nicht geschlossen",
    "odd_list_cell": "auffällige Zelle der Projektliste",
    "archive_theme_unknown": "Archiv: unbekanntes Thema",
    "milestone_rewritten": "Meilenstein umgeschrieben",
    "milestone_dropped": "Meilenstein entfallen",
    "consultation_rewritten": "Beratung umgeschrieben",
    "consultation_dropped": "Beratung entfallen",
    "silent_drop": "Projekt ohne Archiveintrag entfallen",
    "archive_row_missing": "Archivzeile fehlt",
    "archive_row_changed": "Archivzeile geändert",
    "status_backwards": "Status rückwärts",
    "since_changed": "„seit“ geändert, Status gleich",
    "duplicate_title": "Titel doppelt",
    "goal_number_mismatch": "Zielnummer passt nicht",
    "goal_label_without_digit": "Ziel ohne Nummer",
    "goal_label_mismatch": "Zielüberschrift passt nicht",
    "section_count": "Abschnittszahl auffällig",
    "section_number_mismatch": "Abschnittsnummer passt nicht",
    "section_status_mismatch": "Abschnitt passt nicht zum Status",
    "project_number_mismatch": "Projektnummer passt nicht",
    "numbering_gap": "Lücke in der Nummerierung",
    "missing_since": "„seit“ fehlt",
    "since_label_status": "„seit“-Zeile nennt anderen Status",
    "stale_label_date": "veraltetes Datum in der Überschrift",
    "since_after_stand": "„seit“ nach dem Stand",
    "step_after_stand": "Meilenstein nach dem Stand",
    "unlabelled_text": "Text ohne Überschrift",
    "missing_description": "Projektbeschreibung fehlt",
    "duplicate_number": "Projektnummer doppelt",
    "list_row_not_in_body": "Projektliste: Zeile ohne Projekt",
    "list_status_mismatch": "Projektliste: anderer Status",
    "list_row_without_status": "Projektliste: Zeile ohne Status",
    "body_project_not_in_list": "Projekt fehlt in der Projektliste",
    "no_projects": "keine Projekte",
    "no_project_lists": "keine Projektliste",
    "unparsed_date": "Datum nicht verstanden",
    "contested_link": "Zuordnung umstritten",
    "weak_link": "Zuordnung schwach",
    "archive_mismatch": "Archiv weicht ab",
    "late_reported": "verspätet gemeldet",
}


def kind_label(kind: str) -> str:
    """A kind's German name; an unknown (new) kind keeps its English name, readable with spaces."""
    return CHANGES.get(kind) or KINDS.get(kind) or kind.replace("_", " ")
