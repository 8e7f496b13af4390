"""Flatten Edition records into table rows (dicts keyed by the columns of pipeline.model.schema)."""

from __future__ import annotations

import datetime as dt

import regex as re

from ..parse.committee import parse_committee
from ..parse.dates import parse_date
from .records import Anomaly, Box, CharCounts, Edition, Entry

PLANNED = re.compile(r"^geplante?r?\s+Meilenstein(e)?\s*:?\s*$", re.I)


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
    active = False
    for k, para in enumerate(remark):
        if PLANNED.match(para):
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
    """All per-edition tables for one edition."""
    t: dict[str, list[dict]] = {
        k: [] for k in ("editions", "projects", "steps", "committee", "list_rows", "archive_printed", "anomalies")
    }
    E = ed.edition
    listed = {r.number: r for pl in ed.project_lists for r in pl.rows}
    anomalies = list(ed.anomalies)

    def date_check(raw: str, where: str, num: str | None, box: Box | None):
        d = parse_date(raw)
        if raw.strip() and not d.understood:
            anomalies.append(
                Anomaly(
                    "unparsed_date", "warning", box.page if box else None, f"{where}: date '{raw}' not understood", num
                )
            )

    for th, g, s, p in ed.projects():
        since = parse_date(p.since_value)
        date_check(p.since_value, f"project {p.number} since", p.number, p.box)
        lr = listed.get(p.number)
        t["projects"].append(
            {
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
        )
        for block, items in (("steps", p.steps), ("planned", planned_entries(p.remark, p.remark_boxes))):
            for i, e in enumerate(items, 1):
                date_check(e.date, f"project {p.number} {block} #{i}", p.number, e.box or p.box)
                t["steps"].append(
                    {
                        "edition": E,
                        "project_number": p.number,
                        "block": block,
                        "seq": i,
                        **_date_cols(e.date),
                        "text": e.text,
                        **_box(e.box or p.box),
                    }
                )
        for i, e in enumerate(p.committee, 1):
            date_check(e.date, f"project {p.number} committee #{i}", p.number, e.box)
            c = parse_committee(e.text)
            t["committee"].append(
                {
                    "edition": E,
                    "project_number": p.number,
                    "seq": i,
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
            )
    for pl in ed.project_lists:
        for r in pl.rows:
            t["list_rows"].append(
                {
                    "edition": E,
                    "theme": r.theme,
                    "project_number": r.number,
                    "title": r.title,
                    "status": r.status,
                    "cooperation": r.cooperation,
                    "responsible": r.responsible,
                    **_box(r.box),
                }
            )
    for a in ed.archive:
        for raw in (a.report, a.last_mention):
            date_check(raw, f"archive row '{a.project}'", None, a.box)
        t["archive_printed"].append(
            {
                "edition": E,
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
        )
    for an in anomalies:
        t["anomalies"].append(
            {
                "edition": E,
                "kind": an.kind,
                "severity": an.severity,
                "page": an.page,
                "project_number": an.project_number,
                "detail": an.detail,
                **{k: v for k, v in _box(an.box).items() if k != "page"},
                "evidence": an.evidence or None,
            }
        )
    t["editions"].append(
        {
            "edition": E,
            "stand": _day(ed.stand),
            "previous_stand": _day(ed.previous_stand or ""),
            "title": ed.title,
            "source_file": ed.source,
            "sha256": sha256,
            "pages": ed.pages,
            "projects": len(t["projects"]),
            **_chars(ed.chars),
            "engine": engine,
            "pipeline_version": version,
        }
    )
    return t
