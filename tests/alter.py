"""Editions altered on purpose (on the parsed Edition records, not the PDFs): what an auditor must catch."""

from __future__ import annotations

import copy
from collections import defaultdict

from pipeline.across.findings import audit_findings
from pipeline.across.reconcile import reconcile
from pipeline.model.records import Edition, Project, Section
from pipeline.model.rows import edition_rows


def clone(ed: Edition) -> Edition:
    return copy.deepcopy(ed)


def find(ed: Edition, number: str) -> tuple[Section, Project]:
    for *_, s, p in ed.projects():
        if p.number == number:
            return s, p
    raise KeyError(number)


def section(ed: Edition, number: str) -> Section:
    return next(s for th in ed.themes for g in th.goals for s in g.sections if s.number == number)


def renumber(ed: Edition, s: Section) -> None:
    """Number a section's projects 1…n again, list rows along (what the report does when one leaves)."""
    rows = {r.number: r for pl in ed.project_lists for r in pl.rows}
    moves = []
    for i, p in enumerate(s.projects, 1):
        new = f"{s.number}.{i}"
        if p.number != new:
            moves.append((p, rows.get(p.number), new))
    for p, r, new in moves:
        p.number = new
        if r is not None:
            r.number = new


def drop_list_row(ed: Edition, number: str) -> None:
    for pl in ed.project_lists:
        pl.rows = [r for r in pl.rows if r.number != number]


def drop_milestone(ed: Edition, number: str, seq: int = 0) -> str:
    """Remove one completed milestone; returns its text."""
    _, p = find(ed, number)
    return p.steps.pop(seq).text


def redate_milestone(ed: Edition, number: str, date: str, seq: int = 0) -> str:
    _, p = find(ed, number)
    p.steps[seq].date = date
    return p.steps[seq].text


def retext_consultation(ed: Edition, number: str, text: str, seq: int = 0) -> None:
    _, p = find(ed, number)
    p.committee[seq].text = text


def remove_project(ed: Edition, number: str) -> str:
    """Take a project out of the body and the list without an archive row; neighbours renumbered."""
    s, p = find(ed, number)
    s.projects.remove(p)
    drop_list_row(ed, number)
    renumber(ed, s)
    return p.title


def move_status(ed: Edition, number: str, target_section: str, status: str) -> Project:
    """Move a project into another section of its goal (a status change), numbers adjusted on both sides."""
    s, p = find(ed, number)
    rows = {r.number: r for pl in ed.project_lists for r in pl.rows}
    row = rows.get(number)
    s.projects.remove(p)
    renumber(ed, s)
    t = section(ed, target_section)
    t.projects.append(p)
    p.status = status
    p.number = f"{t.number}.{len(t.projects)}"
    if row is not None:
        row.number, row.status = p.number, status
    return p


def audit_editions(editions: list[Edition]) -> list[dict]:
    """audit_findings for Edition records alone (identity reconciled here), as a build computes them."""
    tables: dict[str, list[dict]] = defaultdict(list)
    for ed in editions:
        for k, rows in edition_rows(ed).items():
            tables[k].extend(rows)
    eds = sorted(e.edition for e in editions)
    rec = reconcile(
        tables["projects"], tables["steps"], eds, tables["archive_printed"], {e.edition: e.stand for e in editions}
    )
    return audit_findings(editions, rec.identity)
