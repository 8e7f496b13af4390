"""Structural checks: the report's own numbering, label and list errors and our count checks, each a
rule (its kind registered in pipeline/model/kinds.py) producing anomaly rows (nothing is fixed)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import regex as re

from ..config import profile
from ..model.kinds import kind, rule
from ..model.records import Anomaly, Edition
from ..parse.dates import parse_date
from . import doubts, rules
from .rules import hit, projects, run_edition, stand_date


def anomaly(
    name: str, page: int | None, detail: str, number: str | None = None, box=None, evidence: str = ""
) -> Anomaly:
    """An anomaly of a registered kind not tied to one project record (goals, sections, list rows)."""
    return kind(name).anomaly(page, detail, number, box, evidence)


def goals(ed: Edition):
    for th in ed.themes:
        for g in th.goals:
            yield th, g


def sections(ed: Edition):
    for _, g in goals(ed):
        for s in g.sections:
            yield g, s


@rule("goal_number_mismatch", "warning", "A goal's number does not start with its theme's number.", source="report")
def goal_number_mismatch(ed: Edition) -> Iterable[Anomaly]:
    for th, g in goals(ed):
        if not g.number.startswith(th.number + "."):
            yield anomaly(
                "goal_number_mismatch",
                g.box.page if g.box else None,
                f"goal {g.number} printed under theme {th.number}",
                box=g.box,
                evidence=g.label,
            )


@rule(
    "goal_label_without_digit", "warning", "A goal label lacks its number ('2.8 Strategisches Ziel').", source="report"
)
def goal_label_without_digit(ed: Edition) -> Iterable[Anomaly]:
    for _, g in goals(ed):
        if not re.search(r"\d\s*$", g.label):
            yield anomaly(
                "goal_label_without_digit",
                g.box.page if g.box else None,
                f"goal {g.number} printed as '{g.label}'",
                box=g.box,
                evidence=f"{g.number} {g.label}",
            )


@rule("goal_label_mismatch", "warning", "A goal label's digit differs from the goal's number.", source="report")
def goal_label_mismatch(ed: Edition) -> Iterable[Anomaly]:
    for _, g in goals(ed):
        if re.search(r"\d\s*$", g.label) and not g.label.rstrip().endswith(g.number.split(".")[-1]):
            yield anomaly(
                "goal_label_mismatch",
                g.box.page if g.box else None,
                f"goal {g.number} printed as '{g.label}'",
                box=g.box,
                evidence=f"{g.number} {g.label}",
            )


@rule(
    "section_count",
    "warning",
    "A goal does not have the four status sections numbered 1–4 (the report's error; a section heading nhr missed "
    "would show too, and leave its projects under the previous section).",
    source="report",
)
def section_count(ed: Edition) -> Iterable[Anomaly]:
    expected = list(profile().status_by_digit)  # the status sections every goal has (config/report.yaml statuses)
    for _, g in goals(ed):
        digits = [s.number.split(".")[-1] for s in g.sections]
        if digits != expected:
            yield anomaly(
                "section_count",
                g.box.page if g.box else None,
                f"goal {g.number} has sections {digits}, expected {expected[0]}-{expected[-1]}",
                box=g.box,
            )


@rule(
    "section_number_mismatch",
    "warning",
    "A section heading carries another goal's number ('2.7.3' inside goal 2.8).",
    source="report",
)
def section_number_mismatch(ed: Edition) -> Iterable[Anomaly]:
    for g, s in sections(ed):
        if not s.number.startswith(g.number + "."):
            yield anomaly(
                "section_number_mismatch",
                s.box.page if s.box else None,
                f"section {s.number} printed inside goal {g.number}",
                box=s.box,
                evidence=f"{s.number} {s.heading}",
            )


@rule(
    "section_status_mismatch",
    "warning",
    "A section's last digit and its heading name different statuses.",
    source="report",
)
def section_status_mismatch(ed: Edition) -> Iterable[Anomaly]:
    by_digit = profile().status_by_digit
    for _, s in sections(ed):
        if by_digit.get(s.number.split(".")[-1]) != s.status:
            yield anomaly(
                "section_status_mismatch",
                s.box.page if s.box else None,
                f"section {s.number} heading '{s.heading}'",
                box=s.box,
                evidence=f"{s.number} {s.heading}",
            )


@rule(
    "project_number_mismatch", "warning", "A project's number does not continue its section's number.", source="report"
)
def project_number_mismatch(ed: Edition) -> Iterable[Anomaly]:
    for _, s in sections(ed):
        for p in s.projects:
            if p.number.rsplit(".", 1)[0] != s.number:
                yield hit("project_number_mismatch", f"project {p.number} in section {s.number}", p, evidence=p.number)


@rule("numbering_gap", "warning", "A section's projects are not numbered 1, 2, 3, … in printed order.", source="report")
def numbering_gap(ed: Edition) -> Iterable[Anomaly]:
    for _, s in sections(ed):
        for i, p in enumerate(s.projects, 1):
            if p.number.rsplit(".", 1)[0] == s.number and p.number.rsplit(".", 1)[1] != str(i):
                yield hit("numbering_gap", f"project {p.number} is #{i} of section {s.number}", p, evidence=p.number)


@rule(
    "missing_since",
    "error",
    "A project prints no '…seit:' line (the report's omission; when many projects lack it, label_missing doubts nhr's "
    "reading).",
    source="report",
)
def missing_since(ed: Edition) -> Iterable[Anomaly]:
    for p in projects(ed):
        if not p.since_label:
            yield hit("missing_since", f"project {p.number} has no '…seit:' line", p)


@rule(
    "since_label_status",
    "warning",
    "The '…seit:' label names another status than the section the project stands in.",
    source="report",
)
def since_label_status(ed: Edition) -> Iterable[Anomaly]:
    prof = profile()
    for p in projects(ed):
        named = prof.status_of(p.since_label) if p.since_label else None
        if named and named != p.status:
            yield hit(
                "since_label_status",
                f"project {p.number} under '{p.status}' says '{p.since_label}'",
                p,
                evidence=f"{p.since_label} {p.since_value}",
            )


@rule(
    "stale_label_date",
    "info",
    "A description label names a date other than the edition's Stand "
    "('Projektbeschreibung und Planungsstand 01.04.2024:').",
    source="report",
)
def stale_label_date(ed: Edition) -> Iterable[Anomaly]:
    for p in projects(ed):
        dm = re.search(r"\d{1,2}\.\d{1,2}\.\d{4}", p.description_label or "")
        if dm and dm.group(0) != ed.stand:
            yield hit(
                "stale_label_date",
                f"project {p.number} label '{p.description_label}' names a date other than the Stand {ed.stand}",
                p,
                evidence=p.description_label or "",
            )


@rule("since_after_stand", "warning", "A project's '…seit:' date lies after the edition's Stand.", source="report")
def since_after_stand(ed: Edition) -> Iterable[Anomaly]:
    stand = stand_date(ed)
    for p in projects(ed):
        sv = parse_date(p.since_value)
        if stand and sv.start and sv.start > stand:
            yield hit(
                "since_after_stand",
                f"project {p.number} since '{p.since_value}' lies after the Stand {ed.stand}",
                p,
                evidence=f"{p.since_label} {p.since_value}",
            )


@rule(
    "step_after_stand",
    "info",
    "A completed milestone or planning step is dated after the edition's Stand.",
    source="report",
)
def step_after_stand(ed: Edition) -> Iterable[Anomaly]:
    stand = stand_date(ed)
    for p in projects(ed):
        for e in p.steps:
            d = parse_date(e.date)
            if d.start and stand and d.start > stand and d.qualifier not in ("since", "from"):
                yield hit(
                    "step_after_stand",
                    f"project {p.number} milestone '{e.date} {e.text[:60]}' dated after the Stand {ed.stand}",
                    p,
                    e.box,
                    f"{e.date} {e.text}",
                )


@rule(
    "unlabelled_text",
    "warning",
    "Text in a project stands under no known label (kept, and reported).",
    source="extraction",
)
def unlabelled_text(ed: Edition) -> Iterable[Anomaly]:
    for p in projects(ed):
        for text in p.unlabelled:
            yield hit(
                "unlabelled_text", f"project {p.number}: text under no known label: '{text[:80]}'", p, evidence=text
            )


@rule(
    "missing_description",
    "warning",
    "A project prints no description block (the report's omission; when many lack it, label_missing doubts nhr's "
    "reading).",
    source="report",
)
def missing_description(ed: Edition) -> Iterable[Anomaly]:
    for p in projects(ed):
        if p.description_label is None:
            yield hit("missing_description", f"project {p.number} has no description", p)


@rule("duplicate_number", "warning", "A project number is printed more than once in the body.", source="report")
def duplicate_number(ed: Edition) -> Iterable[Anomaly]:
    seen = Counter(p.number for p in projects(ed))
    for num, n in seen.items():
        if n > 1:
            yield anomaly("duplicate_number", None, f"project number {num} printed {n} times", num)


def projects_by_number(ed: Edition) -> dict:
    """The body's projects by their printed number (number → Project)."""
    return {p.number: p for p in projects(ed)}


@rule(
    "list_row_not_in_body",
    "warning",
    "A Projektliste row names a number no project of the body has (the report's error; many such rows: "
    "list_disagrees_with_body doubts nhr's reading).",
    source="report",
)
def list_row_not_in_body(ed: Edition) -> Iterable[Anomaly]:
    body = projects_by_number(ed)
    for pl in ed.project_lists:
        for r in pl.rows:
            if r.number not in body:
                yield anomaly(
                    "list_row_not_in_body",
                    r.box.page if r.box else None,
                    f"list row {r.number} '{r.title}' has no project in the body",
                    r.number,
                    r.box,
                    r.title,
                )


@rule(
    "list_status_mismatch",
    "warning",
    "A Projektliste row marks another status than the body section (the report's error; many such rows: "
    "list_disagrees_with_body doubts nhr's reading).",
    source="report",
)
def list_status_mismatch(ed: Edition) -> Iterable[Anomaly]:
    body = projects_by_number(ed)
    for pl in ed.project_lists:
        for r in pl.rows:
            if r.number in body and body[r.number].status != r.status:
                yield anomaly(
                    "list_status_mismatch",
                    r.box.page if r.box else None,
                    f"list row {r.number} marked '{r.status}', body section says '{body[r.number].status}'",
                    r.number,
                    r.box,
                    f"{r.number} {r.title}",
                )


@rule(
    "list_row_without_status",
    "error",
    "A Projektliste row has no status mark (the report's omission; most rows of a list without one: "
    "list_status_unread doubts nhr's reading of the status columns).",
    source="report",
)
def list_row_without_status(ed: Edition) -> Iterable[Anomaly]:
    for pl in ed.project_lists:
        for r in pl.rows:
            if not r.status:
                yield anomaly(
                    "list_row_without_status",
                    r.box.page if r.box else None,
                    f"list row {r.number} has no status mark",
                    r.number,
                    r.box,
                    r.title,
                )


@rule(
    "body_project_not_in_list",
    "warning",
    "A project of the body is missing from the Projektliste (the report's omission, or a list row nhr did not read: "
    "then unassigned_text names its lines).",
    source="report",
)
def body_project_not_in_list(ed: Edition) -> Iterable[Anomaly]:
    listed = {r.number for pl in ed.project_lists for r in pl.rows}
    if not ed.project_lists:
        return
    for p in projects_by_number(ed).values():
        if p.number not in listed:
            yield hit(
                "body_project_not_in_list",
                f"project {p.number} '{p.title}' is missing from the Projektliste",
                p,
                evidence=p.title,
            )


@rule("no_projects", "error", "No project was found in the body.", source="extraction")
def no_projects(ed: Edition) -> Iterable[Anomaly]:
    if not list(ed.projects()):
        yield anomaly("no_projects", None, "no projects found")


@rule("no_project_lists", "error", "No Projektliste table was found.", source="extraction")
def no_project_lists(ed: Edition) -> Iterable[Anomaly]:
    if not ed.project_lists:
        yield anomaly("no_project_lists", None, "no Projektliste table found")


RULES = (
    goal_number_mismatch,
    goal_label_without_digit,
    goal_label_mismatch,
    section_count,
    section_number_mismatch,
    section_status_mismatch,
    project_number_mismatch,
    numbering_gap,
    missing_since,
    since_label_status,
    stale_label_date,
    since_after_stand,
    step_after_stand,
    unlabelled_text,
    missing_description,
    duplicate_number,
    list_row_not_in_body,
    list_status_mismatch,
    list_row_without_status,
    body_project_not_in_list,
    no_projects,
    no_project_lists,
)  # the structural rules of this module, in the order they run
EDITION_RULES = (*RULES, *rules.RULES, *doubts.RULES)  # every within-edition rule: structure, plausibility, doubts


def check_edition(ed: Edition) -> list[Anomaly]:
    """Every within-edition rule (structural ones here, plausibility ones in pipeline/extract/rules.py, doubts in
    pipeline/extract/doubts.py)."""
    return run_edition(ed, EDITION_RULES)
