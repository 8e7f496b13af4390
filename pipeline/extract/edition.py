"""Edition stage: run layout → segment → fields → tables on one PDF and assemble the Edition record.

The Stand date and the edition id come from the document itself (cover line, "seit der letzten
Überarbeitung zum …"), never from the file name.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace

import regex as re

from ..config import profile
from ..errors import EXIT_NO_TEXT, ExtractError
from ..layout.reading import paused_gc, read_layout
from ..model.kinds import register
from ..model.records import Anomaly, Box, Edition, Goal, Line, Project, Section, Theme
from ..parse.dates import parse_date
from ..tolerances import TOL, Tolerances
from . import fields, hyphens
from .accounting import account
from .checks import check_edition
from .doubts import date_doubts, furniture_doubts
from .segment import Block, Document, GoalBlock, ProjectBlock, ThemeBlock, grammar, segment
from .tables import Refused, parse_archive, parse_project_lists

PREVIOUS_STAND_NOT_EARLIER = register(
    "previous_stand_not_earlier",
    "error",
    "The report's previous-Stand sentence names a Stand not earlier than its own cover's.",
    source="report",
)
STATUS_HEAD_AMBIGUOUS = register(
    "status_head_ambiguous",
    "warning",
    "Extraction doubt: a Projektliste status head abbreviates more than one status of report.yaml; its column "
    "gives no status.",
    source="extraction",
)


def edition_id(stand: str) -> str:
    d, m, y = stand.split(".")
    return f"{int(y):04d}-{int(m):02d}"


def find_stand(lines: list[Line]) -> str:
    """The Stand as DD.MM.YYYY from the first line that prints one ("Stand: 01.04.2025", "… – Stand:
    01.10.2022", "Stand 1. April 2025", "Stand Oktober 2025"); "" if none does (config/report.yaml stand.current)."""
    stand = profile().stand
    for ln in lines:
        if (m := stand.search(ln.text)) and (d := parse_date(m.group(1))).precision in ("day", "month"):
            return f"{d.start:%d.%m.%Y}"
    return ""


def find_previous(lines: list[Line]) -> str | None:
    """The previous edition's Stand the report names ("seit der letzten Überarbeitung zum 01.10.2024"),
    also when the sentence wraps before the date; the commonest if it is printed more than once."""
    texts, previous = [ln.text for ln in lines], profile().previous  # config/report.yaml stand.previous
    found = Counter(m.group(1) for a, b in zip(texts, texts[1:] + [""]) if (m := previous.search(f"{a} {b}")))
    return found.most_common(1)[0][0] if found else None


def stand_anomalies(stand: str, previous: str | None) -> list[Anomaly]:
    """The previous-Stand sentence as a cross-check of the cover: it must name an earlier Stand."""
    if previous is None:
        return []
    d, p = parse_date(stand).start, parse_date(previous).start
    if p is None or d is None or p < d:
        return []
    return [
        PREVIOUS_STAND_NOT_EARLIER.anomaly(
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


def assemble(pages, source: str, tol: Tolerances = TOL) -> Edition:
    """One edition's pages → the Edition record: its tree, fields, tables, checks and character account, read
    under the tolerances `tol` (a test may pass its own)."""
    lines = [l for p in pages for l in p.lines]
    if not lines:
        raise ExtractError("no text layer (a scanned PDF?); run OCR first, e.g. ocrmypdf", EXIT_NO_TEXT)
    with hyphens.reading(lines, tol) as hyphenation:
        ed = _assemble(pages, lines, source, tol)
    ed.anomalies += list(hyphenation.doubts.values()) + date_doubts(ed)
    ed.words = sorted(hyphenation.vocab)
    ed.hyphen_breaks = list(hyphenation.breaks.values())
    return ed


def _assemble(pages, lines: list[Line], source: str, tol: Tolerances) -> Edition:
    """`assemble` with the edition's hyphenation evidence in place."""
    metrics = fields.learn_metrics(lines, tol)
    doc = segment(lines, tol.theme_title_size * metrics.body_size, metrics.right, grammar(tol=tol))
    stand = _stand(doc, lines, pages, tol)
    previous = find_previous(lines)
    ed = Edition(edition_id(stand), stand, previous, _title(doc), source, len(pages))
    metrics = _prose_metrics(doc, metrics)
    ed.intro = _intro(doc.intro, metrics)
    left = _left_margin(lines)
    entry_metrics = _entry_metrics(doc, metrics, left)
    ed.themes = [_theme(tb, entry_metrics, left) for tb in doc.themes]
    refused = _read_tables(ed, doc, pages, tol)
    ed.anomalies = check_edition(ed)
    unlabelled = [ln for pb in _project_blocks(doc) for ln in pb.unlabelled]
    ed.chars, found = account(pages, doc.stray, unlabelled, ed)
    ed.anomalies += found + furniture_doubts(pages) + stand_anomalies(stand, previous)
    ed.anomalies += [status_head_ambiguous(r) for r in refused]
    return ed


def status_head_ambiguous(r: Refused) -> Anomaly:
    """The doubt for a Projektliste status head refused as ambiguous."""
    named = " or ".join(f"'{st}'" for st in r.statuses)
    return STATUS_HEAD_AMBIGUOUS.anomaly(r.page, f"status head '{r.text}' may name {named}", box=r.box, evidence=r.text)


def _stand(doc: Document, lines: list[Line], pages, tol: Tolerances = TOL) -> str:
    """The edition's Stand from its cover, first lines or first pages' furniture; no Stand is no edition."""
    furniture = [ln for p in pages[: tol.stand_furniture_pages] for ln in p.furniture]
    stand = find_stand(doc.cover + lines[: tol.stand_lines] + furniture)
    if not stand:
        raise ExtractError("no 'Stand: DD.MM.YYYY' date found: not an edition of the Nachhaltigkeitsreport?")
    return stand


def _title(doc: Document) -> str:
    """The report's title: the first cover line, without its "– Stand …" tail (config/report.yaml stand.title_tail)."""
    title = doc.cover[0].text if doc.cover else ""
    return profile().title_tail.sub("", title)


def _left_margin(lines: list[Line]) -> float:
    """The commonest left edge of the body lines, rounded to whole pt."""
    return Counter(round(l.x0) for l in lines).most_common(1)[0][0]


def _project_blocks(doc: Document) -> list[ProjectBlock]:
    """Every project of the document tree, in printed order."""
    return [p for th in doc.themes for g in th.goals for s in g.sections for p in s.projects]


def _blocks(doc: Document, names: tuple[str, ...]) -> list[list[Line]]:
    """The lines of every project's blocks of these kinds, a list a block."""
    return [b.lines for p in _project_blocks(doc) for name, b in p.blocks.items() if name in names]


def _prose_metrics(doc: Document, m: fields.Metrics) -> fields.Metrics:
    """The metrics with the pitch of the projects' running text (descriptions and remarks): a report's
    tables of milestones may set their lines tighter or looser than its paragraphs."""
    pitch = fields.block_pitch(_blocks(doc, ("description", "remark")), m.body_size, tol=m.tol)
    return replace(m, pitch=pitch) if pitch else m


def _entry_metrics(doc: Document, m: fields.Metrics, left: float) -> fields.Metrics:
    """The metrics with the pitch (lines of one entry, or one table cell), tab stop and right edge of the
    (date, text) entries, learned from the steps and committee blocks of all projects."""
    entry_blocks = _blocks(doc, ("steps", "committee"))
    em = fields.Metrics(
        m.pitch,
        m.body_size,
        fields.learn_tab_x(entry_blocks, left, m.tol),
        m.right,
        fields.learn_entry_right(entry_blocks, m.right),
        tol=m.tol,
    )
    return replace(em, entry_pitch=fields.learn_entry_pitch(entry_blocks, em))


def _theme(tb: ThemeBlock, m: fields.Metrics, left: float) -> Theme:
    """A theme record with its goals, sections and projects."""
    th = Theme(tb.number, tb.title, box=Box.of([tb.line]))
    th.goals = [_goal(gb, m, left) for gb in tb.goals]
    return th


def _goal(gb: GoalBlock, m: fields.Metrics, left: float) -> Goal:
    """A goal record with its sections and their projects."""
    goal = Goal(gb.number, gb.label, _text(gb.text), box=Box.of([gb.line]))
    for sb in gb.sections:
        sec = Section(sb.number, sb.status or "", sb.heading, _text(sb.note) or None, box=Box.of([sb.line]))
        sec.projects = [_project(pb, sec.status, m, left) for pb in sb.projects]
        goal.sections.append(sec)
    return goal


def _read_tables(ed: Edition, doc: Document, pages, tol: Tolerances = TOL) -> list[Refused]:
    """The Projektliste and Archiv tables into `ed`, and each theme's list title from its Projektliste;
    returns the status heads refused as ambiguous."""
    refused: list[Refused] = []
    rotated = {p.number: p.rotated for p in pages}
    ed.project_lists = parse_project_lists(doc.lists, rotated, doc.stray, refused, tol)
    ed.archive_since, ed.archive = parse_archive(doc.archive, doc.stray, tol)
    lead = profile().list_title  # config/report.yaml titles.list: the "Projektliste" a list's title starts with
    titles = {pl.theme: lead.sub("", pl.title).lstrip().strip("„“\"' ") for pl in ed.project_lists}
    for th in ed.themes:
        th.list_title = titles.get(th.number, "")
    return refused


def _project(pb: ProjectBlock, status: str, m: fields.Metrics, left: float) -> Project:
    """A project record from its block: title, header lines, and each labelled block read as its kind."""
    mt = re.match(r"^\S+\s+(.*)$", fields.join_lines(pb.head))
    p = Project(pb.number, mt.group(1) if mt else "", status, box=Box.of(pb.head))
    b = pb.blocks
    if "since" in b:
        p.since_label, p.since_value = b["since"].label, b["since"].value
    p.extra_header = [(e.label, e.value) for e in pb.extra]
    if "description" in b:
        p.description_label = b["description"].label
        p.description = _with_value(b["description"].value, fields.paragraphs(b["description"].lines, m))
    if "steps" in b:
        p.steps_label, p.steps = b["steps"].label, fields.entries(b["steps"].lines, m, left)
    if "committee" in b:
        p.committee_label, p.committee = b["committee"].label, fields.entries(b["committee"].lines, m, left)
    if "remark" in b:
        _read_remark(p, b["remark"], pb.label_lines["remark"], m)
    p.unlabelled = [fields.join_lines([l]) for l in pb.unlabelled]
    p.end_page = _end_page(pb)
    return p


def _end_page(pb: ProjectBlock) -> int:
    """The last page a project's title or block lines are printed on."""
    return max(l.page for l in [l for b in pb.blocks.values() for l in b.lines] + pb.head)


def _with_value(value: str, paragraphs: list[str]) -> list[str]:
    """The paragraphs of a block, after the value printed on its label line, if any."""
    return ([value] if value else []) + paragraphs


def _read_remark(p: Project, block: Block, label_line: Line, m: fields.Metrics) -> None:
    """The remark's paragraphs into `p`, each with its box (the value on the label line boxed by that line)."""
    groups = fields.paragraph_lines(block.lines, m)
    p.remark_label = block.label
    p.remark = _with_value(block.value, [fields.join_lines(g) for g in groups])
    p.remark_boxes = ([Box.of([label_line])] if block.value else []) + [Box.of(g) for g in groups]


def _intro(lines: list[Line], m: fields.Metrics) -> list[dict]:
    """The introduction chapter as headings, paragraphs and bullets."""
    out: list[dict] = []
    groups: list[list[Line]] = []
    for ln in lines:
        prev = groups[-1][-1] if groups else None
        if (
            prev is not None
            and prev.bold == ln.bold
            and abs(prev.size - ln.size) < m.tol.intro_size_tolerance
            and not ln.text.startswith(("- ", "• "))
            and (
                ln.top - prev.top <= m.pitch * ln.size / m.body_size + m.tol.intro_pitch_slack * ln.size
                if prev.page == ln.page
                else not fields._new_block(prev, ln, m)
            )
        ):
            groups[-1].append(ln)
        else:
            groups.append([ln])
    for g in groups:
        text = fields.join_lines(g)
        if g[0].bold and g[0].size > m.body_size * m.tol.intro_heading_size:
            kind = "heading"
        elif g[0].bold:
            kind = "subheading"
        elif re.match(r"^[-•]\s", text):
            kind, text = "bullet", re.sub(r"^[-•]\s+", "", text)
        else:
            kind = "paragraph"
        out.append({"kind": kind, "text": text})
    return out
