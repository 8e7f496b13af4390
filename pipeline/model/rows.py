"""Flatten Edition records into table rows (dicts keyed by the columns of pipeline.model.schema).

project_id is not known within one edition: pipeline.across.crossed fills it in after reconciliation."""

from __future__ import annotations

import datetime as dt

from ..config import profile
from ..parse.committee import parse_committee
from ..parse.dates import parse_date
from .kinds import DOUBT_SEVERITIES
from .records import Anomaly, Box, CharCounts, Edition, Entry, Goal, ListRow, Project, Section, Theme
from .version import SCHEMA_VERSION


def _chars(c: CharCounts | None) -> dict:
    return {f"chars_{k}": getattr(c, k) if c else None for k in ("body", "furniture", "assigned", "unassigned")}


def _box(box: Box | None) -> dict:
    if box is None:
        return {"page": None, "x0": None, "top": None, "x1": None, "bottom": None}
    return {"page": box.page, "x0": box.x0, "top": box.top, "x1": box.x1, "bottom": box.bottom}


def _date_cols(raw: str) -> dict:
    d = parse_date(raw)
    return {
        "date_raw": raw,
        "date_start": d.start,
        "date_end": d.end,
        "date_precision": d.precision,
        "date_qualifier": d.qualifier,
    }


def _day(text: str) -> dt.date | None:
    d = parse_date(text or "")
    return d.start if d.precision == "day" else None


def planned_entries(remark: list[str], boxes: list[Box | None] | None = None) -> list[Entry]:
    """'geplante Meilensteine:' in a remark, then lines that start with a date: (date, text) entries,
    each with its paragraph's box when `boxes` (parallel to `remark`) is given."""
    out: list[Entry] = []
    planned, active = profile().planned, False  # config/report.yaml blocks.planned
    for k, para in enumerate(remark):
        if planned.match(para):
            active = True
            continue
        if not active:
            continue
        words = para.split()
        for n in range(min(5, len(words) - 1), 0, -1):
            head = " ".join(words[:n])
            if parse_date(head).start is not None:
                out.append(Entry(head.rstrip(":"), " ".join(words[n:]), boxes[k] if boxes and k < len(boxes) else None))
                break
        else:
            active = False
    return out


def edition_rows(ed: Edition, sha256: str = "", engine: str = "pdfplumber", version: str = "") -> dict[str, list[dict]]:
    """All per-edition tables for one edition, one function a table."""
    projects = _project_rows(ed)
    anomalies = _anomaly_rows(ed.edition, ed.anomalies)
    return {
        "editions": [
            _edition_row(ed, len(projects), sha256, engine, version) | {"extraction_doubts": doubts(anomalies)}
        ],
        "projects": projects,
        "steps": _step_rows(ed),
        "committee": _committee_rows(ed),
        "list_rows": _list_rows(ed),
        "archive_printed": _archive_rows(ed),
        "anomalies": anomalies,
    }


def doubts(anomaly_rows: list[dict]) -> int:
    """How many anomaly rows are extraction doubts (source extraction, severity warning or error)."""
    return sum(1 for r in anomaly_rows if r["source"] == "extraction" and r["severity"] in DOUBT_SEVERITIES)


def step_blocks(p: Project) -> dict[str, list[Entry]]:
    """A project's dated entries by block: its milestones ("steps") and the remark's planned ones ("planned")."""
    return {"steps": p.steps, "planned": planned_entries(p.remark, p.remark_boxes)}


def _project_rows(ed: Edition) -> list[dict]:
    """The projects table: one row a project, with its Projektliste row's title and status."""
    listed = {r.number: r for pl in ed.project_lists for r in pl.rows}
    return [_project_row(ed.edition, th, g, s, p, listed.get(p.number)) for th, g, s, p in ed.projects()]


def _project_row(E: str, th: Theme, g: Goal, s: Section, p: Project, lr: ListRow | None) -> dict:
    """One project's row (`lr`: its Projektliste row, if listed)."""
    since = parse_date(p.since_value)
    return {
        "edition": E,
        "project_number": p.number,
        "theme": th.number,
        "theme_title": th.title,
        "goal": g.number,
        "section": s.number,
        "status": p.status,
        "title": p.title,
        "list_title": lr.title if lr else None,
        "list_status": lr.status if lr else None,
        "since_label": p.since_label,
        "since_value": p.since_value,
        "since_start": since.start,
        "since_end": since.end,
        "since_precision": since.precision,
        "extra_header": "; ".join(f"{a} {b}".strip() for a, b in p.extra_header) or None,
        "description_label": p.description_label,
        "description": "\n".join(p.description),
        "steps_label": p.steps_label,
        "committee_label": p.committee_label,
        "remark_label": p.remark_label,
        "remark": "\n".join(p.remark),
        "n_steps": len(p.steps),
        "n_committee": len(p.committee),
        "end_page": p.end_page,
        **_box(p.box),
    }


def _step_rows(ed: Edition) -> list[dict]:
    """The steps table: each project's milestones, then its remark's planned ones (boxed by the entry, else
    by the project)."""
    return [
        {
            "edition": ed.edition,
            "project_number": p.number,
            "block": block,
            "seq": i,
            **_date_cols(e.date),
            "text": e.text,
            **_box(e.box or p.box),
        }
        for *_, p in ed.projects()
        for block, items in step_blocks(p).items()
        for i, e in enumerate(items, 1)
    ]


def _committee_rows(ed: Edition) -> list[dict]:
    """The committee table: each project's consultations, read into OParl fields."""
    return [_committee_row(ed.edition, p.number, i, e) for *_, p in ed.projects() for i, e in enumerate(p.committee, 1)]


def _committee_row(E: str, number: str, seq: int, e: Entry) -> dict:
    """One consultation's row."""
    c = parse_committee(e.text)
    return {
        "edition": E,
        "project_number": number,
        "seq": seq,
        **_date_cols(e.date),
        "text": e.text,
        "body": c.body,
        "body_name": c.body_name,
        "body_kind": c.body_kind,
        "paper_type": c.paper_type or None,
        "paper_reference": c.paper_reference or None,
        "agenda_item": c.agenda_item or None,
        "note": c.note or None,
        **_box(e.box),
    }


def _list_rows(ed: Edition) -> list[dict]:
    """The list_rows table: the rows of every Projektliste."""
    return [
        {
            "edition": ed.edition,
            "theme": r.theme,
            "project_number": r.number,
            "title": r.title,
            "status": r.status,
            "cooperation": r.cooperation,
            "responsible": r.responsible,
            **_box(r.box),
        }
        for pl in ed.project_lists
        for r in pl.rows
    ]


def _archive_rows(ed: Edition) -> list[dict]:
    """The archive_printed table: the Archiv rows as printed, with their day dates."""
    return [
        {
            "edition": ed.edition,
            "kind": a.kind,
            "theme": a.theme,
            "title": a.project,
            "report": a.report or None,
            "report_date": _day(a.report),
            "printed_number": a.number or None,
            "reason": a.reason or None,
            "last_mention": a.last_mention or None,
            "last_mention_date": _day(a.last_mention),
            **_box(a.box),
        }
        for a in ed.archive
    ]


def _anomaly_rows(E: str, anomalies: list[Anomaly]) -> list[dict]:
    """The anomalies table (the page is its own column, the box gives only x0, top, x1, bottom); severity and
    source are the registry's for the kind (set when the anomaly was made)."""
    return [
        {
            "edition": E,
            "kind": an.kind,
            "severity": an.severity,
            "source": an.source,
            "page": an.page,
            "project_number": an.project_number,
            "detail": an.detail,
            **{k: v for k, v in _box(an.box).items() if k != "page"},
            "evidence": an.evidence or None,
        }
        for an in anomalies
    ]


def _edition_row(ed: Edition, n_projects: int, sha256: str, engine: str, version: str) -> dict:
    """The editions table's row: Stand, source, character account and how it was built."""
    return {
        "edition": ed.edition,
        "stand": _day(ed.stand),
        "previous_stand": _day(ed.previous_stand or ""),
        "title": ed.title,
        "source_file": ed.source,
        "sha256": sha256,
        "pages": ed.pages,
        "projects": n_projects,
        **_chars(ed.chars),
        "engine": engine,
        "pipeline_version": version,
        "schema_version": SCHEMA_VERSION,
    }
