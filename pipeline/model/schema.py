"""Explicit pyarrow schemas of every output table, with each column's meaning (source of docs/data.md)."""

from __future__ import annotations

import pyarrow as pa

from .version import SCHEMA_VERSION  # noqa: F401 (re-exported; kept apart so a build reads it without pyarrow)

S, D, I, F, B = pa.string(), pa.date32(), pa.int32(), pa.float64(), pa.bool_()
K = pa.dictionary(pa.int32(), pa.string())  # low-cardinality kinds
L = pa.list_(pa.string())

EDITION = ("edition", S, "Edition id YYYY-MM, from the Stand date printed in the document", "2025-04")
NUMBER = ("project_number", S, "Project number as printed in that edition (theme.goal.section.index)", "1.1.2.1")
PID = (
    "project_id",
    S,
    "Stable project id across editions (see 'Data contract': never changes once given)",
    "klimaschutzkonzept-2-0",
)
FACT_PID = (
    "project_id",
    S,
    "Stable project id of the project this row belongs to (identity of edition and project_number; null: none)",
    "klimaschutzkonzept-2-0",
)
BOX = [
    ("page", I, "1-based PDF page the record starts on", "7"),
    ("x0", F, "Left edge of the record's first line, PDF points", "70.9"),
    ("top", F, "Top edge of the record's first line, points from the page top", "184.2"),
    ("x1", F, "Right edge of the record's first line", "335.0"),
    ("bottom", F, "Bottom edge of the record's first line", "195.2"),
]
SOURCE = (
    "source",
    K,
    "Whose error: extraction (nhr doubts its own reading of the PDF) | report (the report itself is wrong); "
    "one per kind, from the rule registry",
    "report",
)
DATE_COLS = [
    ("date_raw", S, "Date string exactly as printed", "3. Qu. 2022"),
    ("date_start", D, "First day of the interval the date string denotes (null if not understood)", "2022-07-01"),
    ("date_end", D, "Last day of that interval, inclusive", "2022-09-30"),
    ("date_precision", K, "day|week|month|quarter|half_year|season|year|multi_year|unknown", "quarter"),
    ("date_qualifier", K, "none|since|from|ongoing|recurring|range|list|approx", "none"),
]

TABLES: dict[str, list[tuple]] = {
    "editions": [
        EDITION,
        ("stand", D, "Stand (cut-off) date of the edition", "2025-04-01"),
        ("previous_stand", D, "Stand of the previous edition as named in the report", "2024-10-01"),
        ("title", S, "Report title from the cover", "Nachhaltigkeitsreport Kreis Soest"),
        ("source_file", S, "File name of the PDF", "nachhaltigkeitsreport-2025-04.pdf"),
        ("sha256", S, "SHA-256 of the PDF bytes", "3f1c…"),
        ("pages", I, "Page count", "84"),
        ("projects", I, "Projects found in the body", "98"),
        ("chars_body", I, "Printed characters on the pages outside furniture (spaces not counted)", "127039"),
        ("chars_furniture", I, "Characters of page furniture: running headers, page labels, the legend", "5317"),
        ("chars_assigned", I, "Body characters that ended in a record field", "127039"),
        ("chars_unassigned", I, "Body characters in no record field (each line an unassigned_text anomaly)", "0"),
        (
            "extraction_doubts",
            I,
            "Anomalies of the edition with source 'extraction' and severity warning or error: places where nhr "
            "doubts its own reading (0 on a clean read; see 'Audit rules')",
            "0",
        ),
        ("engine", K, "Layout engine used (pdfplumber|pdfium)", "pdfplumber"),
        ("pipeline_version", S, "nhr version that extracted it", "0.1.0"),
        ("schema_version", I, "Version of the table layout (columns and types) this build wrote", "2"),
    ],
    "projects": [
        EDITION,
        NUMBER,
        FACT_PID,
        ("theme", S, "Theme number", "1"),
        ("theme_title", S, "Theme title as printed on its title page", "KLIMA/ENERGIE/UMWELT"),
        ("goal", S, "Strategic goal number as printed", "1.1"),
        ("section", S, "Status section number as printed", "1.1.2"),
        ("status", K, "Status from the section the project is printed in", "in Bearbeitung"),
        ("title", S, "Full project title", "Klimaschutzkonzept 2.0"),
        ("list_title", S, "Short title in the edition's Projektliste (null if not listed)", "Klimaschutzkonzept 2.0"),
        ("list_status", K, "Status marked in the Projektliste (null if not listed)", "in Bearbeitung"),
        ("since_label", S, "Label of the '…seit:' line as printed", "Projektstart/im Status „in Bearbeitung“ seit:"),
        ("since_value", S, "Value of the '…seit:' line as printed", "01.10.2022"),
        ("since_start", D, "First day of the since value", "2022-10-01"),
        ("since_end", D, "Last day of the since value", "2022-10-01"),
        ("since_precision", K, "Precision of the since value", "day"),
        ("extra_header", S, "Further header lines, 'Label: value' joined by '; '", "Projektabschluss: 01.04.2025"),
        ("description_label", S, "Description label as printed", "Projektbeschreibung:"),
        ("description", S, "Description paragraphs joined by newlines", "Das Klimaschutzkonzept 2.0 soll …"),
        (
            "steps_label",
            S,
            "Milestone block label (null if absent)",
            "abgeschlossene Meilensteine (Datum des Abschlusses):",
        ),
        (
            "committee_label",
            S,
            "Committee block label (null if absent)",
            "Beratung/Information in politischen Gremien (…)",
        ),
        ("remark_label", S, "Remark label as printed", "Bemerkung (optional):"),
        ("remark", S, "Remark paragraphs joined by newlines", "geplante Meilensteine:"),
        ("n_steps", I, "Number of milestone/planning-step entries", "5"),
        ("n_committee", I, "Number of committee entries", "4"),
        ("end_page", I, "Last page the project block covers", "8"),
        *BOX,
    ],
    "steps": [
        EDITION,
        NUMBER,
        FACT_PID,
        ("block", K, "steps (milestones / planning steps) or planned ('geplante Meilensteine' in the remark)", "steps"),
        ("seq", I, "Position within the block, from 1", "1"),
        *DATE_COLS,
        ("text", S, "Entry text, wrapped lines joined", "Beschluss des Klimaschutzkonzeptes 2.0"),
        *BOX,
    ],
    "committee": [
        EDITION,
        NUMBER,
        FACT_PID,
        ("seq", I, "Position within the block, from 1", "1"),
        *DATE_COLS,
        ("text", S, "Consultation text as printed (after the date)", "Kreistag, Beschlussvorlage 029/2024"),
        ("body", S, "Gremium as printed (OParl Organization.name, as printed)", "Kreistag"),
        ("body_name", S, "Gremium name normalised (abbreviations expanded, genitive removed)", "Kreistag"),
        ("body_kind", K, "Kreistag|Kreisausschuss|Ausschuss|Beirat|other", "Kreistag"),
        ("paper_type", K, "OParl Paper.paperType (Beschlussvorlage, Informationsvorlage, …)", "Beschlussvorlage"),
        ("paper_reference", S, "OParl Paper.reference", "029/2024"),
        ("agenda_item", S, "OParl AgendaItem.number as printed", "TOP 14.5"),
        ("note", S, "The rest of the line (topic, quoted resolution)", ""),
        *BOX,
    ],
    "list_rows": [
        EDITION,
        ("theme", S, "Theme number of the Projektliste", "1"),
        NUMBER,
        FACT_PID,
        ("title", S, "Short title in the list", "Energieberatung für kreiseigene Gebäude"),
        ("status", K, "Status column holding the x", "umgesetzt"),
        ("cooperation", S, "'Zusammenarbeit mit Kommunen' cell", "Klimawerkstätten in allen 14 Städten und Gemeinden"),
        ("responsible", S, "'Verantwortlichkeit Abteilung/Sachgebiet' cell", "80.01"),
        *BOX,
    ],
    "archive_printed": [
        EDITION,
        ("kind", K, "completed (Umgesetzte Projekte) or dropped (Entfallene Projekte)", "completed"),
        ("theme", S, "Theme as printed in the archive", "Klima/Energie/Umwelt"),
        ("title", S, "Project title as printed in the archive", "10 Jahre Klimaschutzmanagement"),
        ("report", S, "completed: edition Stand the project was reported done in", "01.10.2022"),
        ("report_date", D, "report as a date", "2022-10-01"),
        ("printed_number", S, "completed: the number the project last had, as printed", "1.1.1 + 1.2.1"),
        ("reason", S, "dropped: reason given", "Daueraufgabe"),
        ("last_mention", S, "dropped: Stand of the last edition naming it", "01.10.2023"),
        ("last_mention_date", D, "last_mention as a date", "2023-10-01"),
        (
            "project_id",
            S,
            "The project the row archives, matched in the edition of its report/last_mention Stand by number "
            "and title (null: that edition is not built, or no match)",
            "a-klima-allianz",
        ),
        *BOX,
    ],
    "anomalies": [
        EDITION,
        (
            "kind",
            K,
            "What is odd (goal_label_without_digit, list_status_mismatch, unparsed_date, …)",
            "list_status_mismatch",
        ),
        ("severity", K, "info|warning|error", "warning"),
        SOURCE,
        ("page", I, "Page where it shows (null if not one place)", "73"),
        NUMBER,
        FACT_PID,
        ("detail", S, "Human-readable evidence", "list row 2.1.1.1 marked 'umgesetzt', body says 'in Bearbeitung'"),
        *BOX[1:],
        (
            "evidence",
            S,
            "The printed text the anomaly is about (null: structural)",
            "03.04.2025 Kreistag, Beschlussvorlage 057/2025",
        ),
    ],
    "papers": [
        ("paper_reference", S, "OParl Paper.reference", "029/2024"),
        ("paper_types", L, "Paper types the report gives it", "[Beschlussvorlage]"),
        ("body_names", L, "Gremien it was consulted in", "[Kreistag]"),
        ("first_date", D, "Earliest consultation date", "2024-03-21"),
        ("last_date", D, "Latest consultation date", "2024-03-21"),
        ("project_numbers", L, "edition:project_number of every citing project", "[2025-04:1.1.2.1]"),
        ("project_ids", L, "Stable project ids citing it (after reconciliation)", "[klimaschutzkonzept-2-0]"),
        ("editions", L, "Editions citing it", "[2024-04, 2024-10, 2025-04]"),
        ("citations", I, "Number of committee rows citing it", "3"),
    ],
    "bodies": [
        ("body_name", S, "OParl Organization.name (normalised)", "Kreistag"),
        ("body_kind", K, "Kreistag|Kreisausschuss|Ausschuss|Beirat|other", "Kreistag"),
        ("classification", S, "OParl Organization.classification, inferred from the name", "Parlament"),
        ("printed_as", L, "Every printed variant of the name", "[Kreistag]"),
        ("consultations", I, "Committee rows naming it", "12"),
        ("papers", I, "Distinct paper references consulted in it", "8"),
        ("first_date", D, "Earliest consultation date", "2022-06-21"),
        ("last_date", D, "Latest consultation date", "2025-03-20"),
    ],
}


def schema(name: str) -> pa.Schema:
    return pa.schema([pa.field(c[0], c[1]) for c in TABLES[name]])


TABLES.update(
    {
        "identity": [
            PID,
            EDITION,
            NUMBER,
            ("title", S, "Body title in that edition", "Klimaschutzkonzept 2.0"),
            ("status", K, "Status in that edition", "in Bearbeitung"),
            ("match_score", F, "Evidence score of the link to the previous edition (null: first appearance)", "0.96"),
            ("match_reason", S, "Evidence behind the link, per feature", "title 1.00, description 1.00, goal 1.00"),
        ],
        "status_history": [
            PID,
            ("status", K, "Status during this spell", "in Bearbeitung"),
            ("project_number", S, "Number at the end of the spell", "1.1.2.1"),
            ("title", S, "Title at the end of the spell", "Klimaschutzkonzept 2.0"),
            ("valid_from", D, "Stand of the first edition of the spell (dbt snapshot valid_from)", "2022-10-01"),
            (
                "valid_to",
                D,
                "Stand of the first edition after the spell, the one that showed the change; null = current "
                "(dbt snapshot valid_to)",
                "2024-10-01",
            ),
            ("valid_from_edition", S, "valid_from as an edition id", "2022-10"),
            ("valid_to_edition", S, "valid_to as an edition id (null = current)", "2024-10"),
            ("last_seen", S, "Last edition of the spell", "2024-04"),
            ("last_seen_stand", D, "Stand of last_seen", "2024-04-01"),
            ("reported_since", S, "The '…seit:' value printed at the start of the spell", "01.10.2022"),
            ("reported_since_start", D, "reported_since, first day", "2022-10-01"),
            ("reported_since_end", D, "reported_since, last day", "2022-10-01"),
        ],
        "transitions": [
            PID,
            ("from_edition", S, "Older edition of the pair", "2024-10"),
            ("to_edition", S, "Newer edition of the pair", "2025-04"),
            ("from_stand", D, "Stand of the older edition", "2024-10-01"),
            ("to_stand", D, "Stand of the newer edition (the date the change was shown)", "2025-04-01"),
            ("from_status", K, "Status in the older edition (null: not there)", "in Bearbeitung"),
            ("to_status", K, "Status in the newer edition (null: not there)", "umgesetzt"),
            ("from_number", S, "Number in the older edition", "1.1.2.1"),
            ("to_number", S, "Number in the newer edition", "1.1.1.1"),
            ("from_title", S, "Title in the older edition", "Energieberatung für kreiseigene Gebäude"),
            ("to_title", S, "Title in the newer edition", "Energieberatung für kreiseigene Gebäude"),
            ("from_page", I, "Page in the older PDF", "8"),
            ("to_page", I, "Page in the newer PDF", "7"),
            (
                "kind",
                K,
                "new|dropped|completed_archived|status_change|renumbered|retitled|unchanged (by precedence)",
                "status_change",
            ),
            ("status_changed", B, "Status differs", "true"),
            ("renumbered", B, "Number differs", "true"),
            ("retitled", B, "Title differs", "false"),
        ],
        "late_reported": [
            PID,
            EDITION,
            ("stand", D, "Stand of that edition (the date the change was shown)", "2025-04-01"),
            NUMBER,
            ("since_value", S, "Since value printed in the newer edition", "24.09.2024"),
            ("since_end", D, "Its last day", "2024-09-24"),
            ("previous_edition", S, "Edition that still showed the old status", "2024-10"),
            ("previous_stand", D, "Stand of that edition", "2024-10-01"),
            ("previous_status", K, "Old status", "in Bearbeitung"),
            ("status", K, "New status", "umgesetzt"),
            ("page", I, "Page of the project in the newer edition", "7"),
            ("detail", S, "Evidence", "status umgesetzt since 24.09.2024, but 2024-10 still showed in Bearbeitung"),
        ],
        "archive": [
            ("kind", K, "completed|dropped", "completed"),
            PID,
            ("theme", S, "Theme number", "1"),
            ("title", S, "Title in the last edition that showed it", "Klima-Allianz"),
            ("edition", S, "completed: last edition as umgesetzt; dropped: last mention", "2024-04"),
            ("project_number", S, "Its number there", "1.1.1.1"),
        ],
        "archive_check": [
            (
                "side",
                K,
                "printed (a row of the latest printed archive) or rebuilt (a rebuilt row nobody printed)",
                "printed",
            ),
            ("kind", K, "completed|dropped", "completed"),
            ("title", S, "Title", "Klima-Allianz"),
            ("printed_edition", S, "Edition the printed row names", "2024-04"),
            ("printed_number", S, "Number the printed row names", "1.1.1.1"),
            ("project_id", S, "Matched rebuilt project", "a-klima-allianz"),
            ("rebuilt_edition", S, "Edition of the rebuilt row", "2024-04"),
            ("rebuilt_number", S, "Number of the rebuilt row", "1.1.1.1"),
            ("matched", B, "A counterpart was found", "true"),
            ("detail", S, "Disagreements, if any", "printed number 1.1.1 + 1.2.1, rebuilt 1.1.1.1"),
            ("page", I, "Page of the printed row", "83"),
        ],
    }
)

PREV_BOX = [(f"previous_{c[0]}", c[1], f"{c[2]} (older edition)", c[3]) for c in BOX]
TABLES["audit_findings"] = [
    ("kind", K, "Rule that found it (see 'Audit rules' below)", "milestone_rewritten"),
    ("severity", K, "info|warning|error", "warning"),
    SOURCE,
    ("edition", S, "Newer edition of the pair (the edition, for duplicate_title)", "2025-04"),
    ("previous_edition", S, "Older edition of the pair (null for duplicate_title)", "2024-10"),
    ("stand", D, "Stand of edition", "2025-04-01"),
    ("previous_stand", D, "Stand of previous_edition", "2024-10-01"),
    PID,
    ("project_number", S, "Number in the newer edition (null: not printed there)", "1.1.2.1"),
    ("previous_number", S, "Number in the older edition (duplicate_title: the first printing)", "1.1.2.2"),
    (
        "detail",
        S,
        "What changed, in words",
        "2024-10 1.1.2.2 printed '21.03.2024 Beschluss …', 2025-04 1.1.2.1 prints …",
    ),
    (
        "evidence",
        S,
        "Text printed in the newer edition (null: nothing printed)",
        "21.03.2024 Beschluss des Klimaschutzkonzeptes 2.0",
    ),
    ("previous_evidence", S, "Text printed in the older edition", "21.03.2024 Beschluss des Klimaschutzkonzeptes 2.0"),
    *BOX,
    *PREV_BOX,
]

TABLES["retired_ids"] = [
    ("retired_id", S, "A project_id once given and now retired (never given again)", "klimaschutzbuerger-2"),
    ("project_id", S, "The id that survives: the retired id's rows carry it now", "klimaschutzbuerger"),
    ("edition", S, "First edition whose project carried the retired id", "2024-10"),
    ("project_number", S, "That project's number there", "1.3.2.4"),
    (
        "reason",
        S,
        "Why it was retired: the link that merged the two identities and its evidence",
        "merged into klimaschutzbuerger: forced by config/overrides.yaml",
    ),
]

TABLE_DOCS = {
    "editions": "One row per edition (PDF) of the report: Stand, source file, character account, how it was built.",
    "projects": "One row per project printed in an edition, with its header fields and Projektliste entry.",
    "steps": "Milestones and planned steps of each project, one row a dated entry.",
    "committee": "Consultations in political bodies of each project, one row a printed line, in OParl fields.",
    "list_rows": "The rows of every Projektliste (the per-theme project tables).",
    "archive_printed": "The report's own archive of completed and dropped projects, as printed.",
    "anomalies": "What is odd within one edition (and the cross-edition link and archive checks), with evidence.",
    "papers": "Council papers (Vorlagen) the committee lines cite, across all editions.",
    "bodies": "Political bodies (Gremien) the committee lines name, across all editions.",
    "identity": "The stable project_id of every printed project (edition, number), with the link's evidence.",
    "status_history": "Status spells per project (SCD type 2, dbt-snapshot style), dated by the editions' Stand.",
    "transitions": "What happened to each project between consecutive editions.",
    "late_reported": "Status changes dated before the previous edition's Stand although that edition missed them.",
    "archive": "The archive rebuilt from the transitions (completed and dropped projects).",
    "archive_check": "The latest printed archive matched against the rebuilt one, both ways.",
    "audit_findings": "What changed between consecutive editions that should not have (see 'Audit rules').",
    "retired_ids": "Project ids retired when two identities were merged, and the id that survives each.",
}

# Keys declared in nhr.duckdb (PRIMARY KEY; UNIQUE for a second key); they hold on every build by construction
# and are tested on the corpus (a build whose data breaks one writes that table without it, and says so in the
# table's comment).
KEYS: dict[str, list[tuple[str, ...]]] = {
    "editions": [("edition",)],
    "projects": [("edition", "project_number")],
    "steps": [("edition", "project_number", "block", "seq")],
    "committee": [("edition", "project_number", "seq")],
    "identity": [("edition", "project_number"), ("edition", "project_id")],
    "status_history": [("project_id", "valid_from_edition")],
    "transitions": [("project_id", "from_edition")],
    "late_reported": [("project_id", "edition")],
    "archive": [("project_id", "edition")],
    "papers": [("paper_reference",)],
    "bodies": [("body_name",)],
    "retired_ids": [("retired_id",)],
}


def layout() -> str:
    """A fingerprint of every table's columns and types (what SCHEMA_VERSION versions)."""
    import hashlib

    text = "\n".join(f"{t}.{f.name}:{f.type}" for t in TABLES for f in schema(t))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
