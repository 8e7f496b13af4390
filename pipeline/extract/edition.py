"""Edition stage: run layout → segment → fields → tables on one PDF and assemble the Edition record.

The Stand date and the edition id come from the document itself (cover line, "seit der letzten
Überarbeitung zum …"), never from the file name.
"""

from __future__ import annotations

import os
from collections import Counter

import regex as re

from ..config import profile
from ..errors import ExtractError
from ..layout.lines import paused_gc, read_layout
from ..model.records import Anomaly, Box, Edition, Goal, Line, Project, Section, Theme
from ..parse.dates import parse_date
from . import fields
from .accounting import account
from .segment import segment
from .tables import parse_archive, parse_project_lists

STAND = profile().stand  # config/report.yaml stand.current
PREVIOUS = profile().previous  # config/report.yaml stand.previous


def edition_id(stand: str) -> str:
    d, m, y = stand.split(".")
    return f"{int(y):04d}-{int(m):02d}"


def find_stand(lines: list[Line]) -> str:
    """The Stand as DD.MM.YYYY from the first line that prints one ("Stand: 01.04.2025", "… – Stand:
    01.10.2022", "Stand 1. April 2025", "Stand Oktober 2025"); "" if none does."""
    for ln in lines:
        if (m := STAND.search(ln.text)) and (d := parse_date(m.group(1))).precision in ("day", "month"):
            return f"{d.start:%d.%m.%Y}"
    return ""


def find_previous(lines: list[Line]) -> str | None:
    """The previous edition's Stand the report names ("seit der letzten Überarbeitung zum 01.10.2024"),
    also when the sentence wraps before the date; the commonest if it is printed more than once."""
    texts = [ln.text for ln in lines]
    found = Counter(m.group(1) for a, b in zip(texts, texts[1:] + [""]) if (m := PREVIOUS.search(f"{a} {b}")))
    return found.most_common(1)[0][0] if found else None


def stand_anomalies(stand: str, previous: str | None) -> list[Anomaly]:
    """The previous-Stand sentence as a cross-check of the cover: it must name an earlier Stand."""
    if previous is None:
        return []
    d, p = parse_date(stand).start, parse_date(previous).start
    if p is None or d is None or p < d:
        return []
    return [
        Anomaly(
            "previous_stand_not_earlier",
            "error",
            None,
            f"the report names {previous} as its previous Stand, but its own Stand is {stand}",
        )
    ]


def _text(lines: list[Line]) -> str:
    return fields.join_lines(lines) if lines else ""


def extract(path: str, engine: str = "pdfplumber", jobs: int = 1) -> Edition:
    """Parse one edition PDF into an Edition record (with anomalies)."""
    with paused_gc():
        pages = read_layout(path, engine, jobs)
        return assemble(pages, os.path.basename(path))


def assemble(pages, source: str) -> Edition:
    lines = [l for p in pages for l in p.lines]
    if not lines:
        raise ExtractError("no text layer (a scanned PDF?); run OCR first, e.g. ocrmypdf")
    metrics = fields.learn_metrics(lines)
    big = 1.8 * metrics.body_size
    doc = segment(lines, big, metrics.right)

    furniture = [ln for p in pages[:3] for ln in p.furniture]
    stand = find_stand(doc.cover + lines[:80] + furniture)
    if not stand:
        raise ExtractError("no 'Stand: DD.MM.YYYY' date found: not an edition of the Nachhaltigkeitsreport?")
    previous = find_previous(lines)
    title = doc.cover[0].text if doc.cover else ""
    title = re.sub(r"\s*[–-]\s*Stand.*$", "", title)

    ed = Edition(edition_id(stand), stand, previous, title, source, len(pages))
    ed.intro = _intro(doc.intro, metrics)

    entry_blocks = [
        b[2]
        for th in doc.themes
        for g in th.goals
        for s in g.sections
        for p in s.projects
        for name, b in p.blocks.items()
        if name in ("steps", "committee")
    ]
    left = Counter(round(l.x0) for l in lines).most_common(1)[0][0]
    metrics = fields.Metrics(
        metrics.pitch,
        metrics.body_size,
        fields.learn_tab_x(entry_blocks, left),
        metrics.right,
        fields.learn_entry_right(entry_blocks, metrics.right),
    )

    for tb in doc.themes:
        th = Theme(tb.number, tb.title, box=Box.of([tb.line]))
        ed.themes.append(th)
        for gb in tb.goals:
            goal = Goal(gb.number, gb.label, _text(gb.text), box=Box.of([gb.line]))
            th.goals.append(goal)
            for sb in gb.sections:
                sec = Section(sb.number, sb.status or "", sb.heading, _text(sb.note) or None, box=Box.of([sb.line]))
                goal.sections.append(sec)
                for pb in sb.projects:
                    sec.projects.append(_project(pb, sec.status, metrics, left))

    ed.project_lists = parse_project_lists(doc.lists, {p.number: p.rotated for p in pages}, doc.stray)
    ed.archive_since, ed.archive = parse_archive(doc.archive, doc.stray)
    titles = {pl.theme: re.sub(r"^Projektliste\s*", "", pl.title).strip("„“\"' ") for pl in ed.project_lists}
    for th in ed.themes:
        th.list_title = titles.get(th.number, "")
    from .checks import check_edition

    ed.anomalies = check_edition(ed)
    unlabelled = [
        ln for th in doc.themes for g in th.goals for s in g.sections for p in s.projects for ln in p.unlabelled
    ]
    ed.chars, found = account(pages, doc.stray, unlabelled, ed)
    ed.anomalies += found + stand_anomalies(stand, previous)
    return ed


def _project(pb, status: str, m: fields.Metrics, left: float) -> Project:
    head = pb.head
    mt = re.match(r"^\S+\s+(.*)$", fields.join_lines(head))
    p = Project(pb.number, mt.group(1) if mt else "", status, box=Box.of(head))
    if "since" in pb.blocks:
        label, value, _ = pb.blocks["since"]
        p.since_label, p.since_value = label, value
    p.extra_header = [(lab, val) for lab, val, _ in pb.extra]
    if "description" in pb.blocks:
        label, value, ls = pb.blocks["description"]
        p.description_label = label
        p.description = ([value] if value else []) + fields.paragraphs(ls, m)
    if "steps" in pb.blocks:
        label, _, ls = pb.blocks["steps"]
        p.steps_label, p.steps = label, fields.entries(ls, m, left)
    if "committee" in pb.blocks:
        label, _, ls = pb.blocks["committee"]
        p.committee_label, p.committee = label, fields.entries(ls, m, left)
    if "remark" in pb.blocks:
        label, value, ls = pb.blocks["remark"]
        p.remark_label = label
        groups = fields.paragraph_lines(ls, m)
        p.remark = ([value] if value else []) + [fields.join_lines(g) for g in groups]
        p.remark_boxes = ([Box.of([pb.label_lines["remark"]])] if value else []) + [Box.of(g) for g in groups]
    p.unlabelled = [fields.join_lines([l]) for l in pb.unlabelled]
    all_lines = [l for b in pb.blocks.values() for l in b[2]] + head
    p.end_page = max(l.page for l in all_lines)
    return p


def _intro(lines: list[Line], m: fields.Metrics) -> list[dict]:
    """The introduction chapter as headings, paragraphs and bullets."""
    out: list[dict] = []
    groups: list[list[Line]] = []
    for ln in lines:
        prev = groups[-1][-1] if groups else None
        if (
            prev is not None
            and prev.bold == ln.bold
            and abs(prev.size - ln.size) < 0.5
            and not ln.text.startswith(("- ", "• "))
            and (
                ln.top - prev.top <= m.pitch * ln.size / m.body_size + 0.1 * ln.size
                if prev.page == ln.page
                else not fields._new_block(prev, ln, m)
            )
        ):
            groups[-1].append(ln)
        else:
            groups.append([ln])
    for g in groups:
        text = fields.join_lines(g)
        if g[0].bold and g[0].size > m.body_size * 1.3:
            kind = "heading"
        elif g[0].bold:
            kind = "subheading"
        elif re.match(r"^[-•]\s", text):
            kind, text = "bullet", re.sub(r"^[-•]\s+", "", text)
        else:
            kind = "paragraph"
        out.append({"kind": kind, "text": text})
    return out
