"""Structural checks: the report's own errors and our count checks, as anomaly rows (nothing is fixed)."""
from __future__ import annotations

from collections import Counter

import regex as re

from .records import Anomaly, Edition
from .dates import parse_date
from .segment import STATUS_BY_DIGIT, status_of


def check_edition(ed: Edition) -> list[Anomaly]:
    out: list[Anomaly] = []
    add = lambda kind, sev, page, detail, num=None: out.append(Anomaly(kind, sev, page, detail, num))
    seen = Counter()
    stand = parse_date(ed.stand).start
    for th in ed.themes:
        for g in th.goals:
            page = g.box.page if g.box else None
            if not g.number.startswith(th.number + "."):
                add("goal_number_mismatch", "warning", page, f"goal {g.number} printed under theme {th.number}")
            if not re.search(r"\d\s*$", g.label):
                add("goal_label_without_digit", "warning", page, f"goal {g.number} printed as '{g.label}'")
            elif not g.label.rstrip().endswith(g.number.split(".")[-1]):
                add("goal_label_mismatch", "warning", page, f"goal {g.number} printed as '{g.label}'")
            digits = [s.number.split(".")[-1] for s in g.sections]
            if digits != ["1", "2", "3", "4"]:
                add("section_count", "warning", page, f"goal {g.number} has sections {digits}, expected 1-4")
            for s in g.sections:
                sp = s.box.page if s.box else None
                if not s.number.startswith(g.number + "."):
                    add("section_number_mismatch", "warning", sp, f"section {s.number} printed inside goal {g.number}")
                if STATUS_BY_DIGIT.get(s.number.split(".")[-1]) != s.status:
                    add("section_status_mismatch", "warning", sp, f"section {s.number} heading '{s.heading}'")
                for i, p in enumerate(s.projects, 1):
                    pp = p.box.page if p.box else None
                    seen[p.number] += 1
                    if p.number.rsplit(".", 1)[0] != s.number:
                        add("project_number_mismatch", "warning", pp, f"project {p.number} in section {s.number}", p.number)
                    elif p.number.rsplit(".", 1)[1] != str(i):
                        add("numbering_gap", "warning", pp, f"project {p.number} is #{i} of section {s.number}", p.number)
                    if not p.since_label:
                        add("missing_since", "error", pp, f"project {p.number} has no '…seit:' line", p.number)
                    else:
                        named = status_of(p.since_label)
                        if named and named != s.status:
                            add("since_label_status", "warning", pp,
                                f"project {p.number} under '{s.status}' says '{p.since_label}'", p.number)
                    if p.description_label and (dm := re.search(r"\d{1,2}\.\d{1,2}\.\d{4}", p.description_label)) \
                            and dm.group(0) != ed.stand:
                        add("stale_label_date", "info", pp, f"project {p.number} label '{p.description_label}' "
                                                            f"names a date other than the Stand {ed.stand}", p.number)
                    sv = parse_date(p.since_value)
                    if sv.start and stand and sv.start > stand:
                        add("since_after_stand", "warning", pp, f"project {p.number} since '{p.since_value}' "
                                                               f"lies after the Stand {ed.stand}", p.number)
                    for e in p.steps:
                        d = parse_date(e.date)
                        if d.start and stand and d.start > stand and d.qualifier not in ("since", "from"):
                            add("step_after_stand", "info", e.box.page if e.box else pp,
                                f"project {p.number} milestone '{e.date} {e.text[:60]}' dated after the Stand {ed.stand}",
                                p.number)
                    for text in p.unlabelled:
                        add("unlabelled_text", "warning", pp, f"project {p.number}: text under no known label: "
                                                              f"'{text[:80]}'", p.number)
                    if p.description_label is None:
                        add("missing_description", "warning", pp, f"project {p.number} has no description", p.number)
    for num, n in seen.items():
        if n > 1:
            add("duplicate_number", "warning", None, f"project number {num} printed {n} times", num)

    body = {p.number: (s.status, p) for _, _, s, p in ed.projects()}
    listed = {}
    for pl in ed.project_lists:
        for r in pl.rows:
            listed[r.number] = r
            page = r.box.page if r.box else None
            if r.number not in body:
                add("list_row_not_in_body", "warning", page, f"list row {r.number} '{r.title}' has no project in the body", r.number)
            elif body[r.number][0] != r.status:
                add("list_status_mismatch", "warning", page,
                    f"list row {r.number} marked '{r.status}', body section says '{body[r.number][0]}'", r.number)
            if not r.status:
                add("list_row_without_status", "error", page, f"list row {r.number} has no status mark", r.number)
    for num, (status, p) in body.items():
        if num not in listed and ed.project_lists:
            add("body_project_not_in_list", "warning", p.box.page if p.box else None,
                f"project {num} '{p.title}' is missing from the Projektliste", num)
    if not list(ed.projects()):
        add("no_projects", "error", None, "no projects found")
    if not ed.project_lists:
        add("no_project_lists", "error", None, "no Projektliste table found")
    from .rules import run_edition
    out.extend(run_edition(ed))
    return out
