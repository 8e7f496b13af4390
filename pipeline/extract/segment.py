"""Segment stage: body lines → themes, goals, status sections, projects and their labelled blocks.

Parses by the report's numbering and block labels, never by coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import regex as re

from ..config import Profile, profile
from ..model.records import Line
from ..tolerances import TOL, Tolerances
from .fields import join_lines, joiner


class Grammar(NamedTuple):
    """What segment reads by: the report's wording (config/report.yaml) and the tolerances it allows."""

    profile: Profile
    tol: Tolerances
    rank: dict[str, int]  # block label name → its place in a project (labels come in this order)
    search_order: tuple[tuple[str, re.Pattern], ...]  # the order labels are tried in: the generic "extra" last


def grammar(prof: Profile | None = None, tol: Tolerances = TOL) -> Grammar:
    """The grammar of `prof` (else the configuration in force) under `tol`, built once per pair."""
    return _grammar(prof or profile(), tol)


@cache
def _grammar(prof: Profile, tol: Tolerances) -> Grammar:
    labels = prof.labels  # block labels, in order; unknown wordings of the same shape match too
    rank = {name: i for i, (name, _) in enumerate(labels)}
    return Grammar(prof, tol, rank, labels[:1] + labels[2:] + labels[1:2])


class LabelMatch(NamedTuple):
    """A block label read at a line: its kind, its wording as printed, the value after it, the line after it."""

    name: str
    label: str
    value: str
    end: int


class Block(NamedTuple):
    """A labelled block of a project: the label as printed, the value on its line, the lines under it."""

    label: str
    value: str
    lines: list[Line]


class Extra(NamedTuple):
    """A further header line of a project ("Projektabschluss: 01.04.2025"): label, value, the line."""

    label: str
    value: str
    line: Line


@dataclass
class ProjectBlock:
    number: str
    head: list[Line]  # number + title lines
    blocks: dict[str, Block] = field(default_factory=dict)  # block name → its Block
    extra: list[Extra] = field(default_factory=list)
    unlabelled: list[Line] = field(default_factory=list)
    label_lines: dict[str, Line] = field(default_factory=dict)  # name → the line its label is printed on


@dataclass
class SectionBlock:
    number: str
    heading: str
    status: str | None
    line: Line
    note: list[Line] = field(default_factory=list)
    projects: list[ProjectBlock] = field(default_factory=list)


@dataclass
class GoalBlock:
    number: str
    label: str
    line: Line
    text: list[Line] = field(default_factory=list)
    sections: list[SectionBlock] = field(default_factory=list)


@dataclass
class ThemeBlock:
    number: str
    title: str
    line: Line
    goals: list[GoalBlock] = field(default_factory=list)


@dataclass
class Document:
    cover: list[Line]
    intro: list[Line]
    themes: list[ThemeBlock]
    lists: list[Line]
    archive: list[Line]
    stray: list[Line] = field(default_factory=list)  # body lines no block takes (reported, never dropped)


def _balanced(label: str) -> bool:
    """Whether every "(" of a label is closed (a label wrapped inside its "(…)" is not)."""
    return label.count("(") <= label.count(")")


def _allowed(name: str, after: int, g: Grammar) -> bool:
    """Whether a label `name` may follow the last label of rank `after`: labels come in their order,
    and the further header lines ("extra") only right after the since line."""
    if name == "extra":
        return after in (g.rank["since"], g.rank["extra"])
    return g.rank[name] > after


def _unwrapped(lines: list[Line], lab: LabelMatch, g: Grammar) -> LabelMatch:
    """The label completed over the lines after it while its "(…)" is open (tol.label_wrap_lines lines at most)."""
    i, label, j = lab.end - 1, lab.label, lab.end
    while not _balanced(label) and j < len(lines) and j < i + g.tol.label_wrap_lines:
        prev = lines[j - 1].words
        label += joiner(prev[-1], lines[j].words[0], before=prev[-2].text if len(prev) > 1 else "") + lines[j].text
        j += 1
    return lab._replace(label=label, end=j)


def _steps_in_paragraph(lines: list[Line], i: int, name: str, label: str, g: Grammar) -> bool:
    """A steps-shaped phrase ("Meilensteine:") inside a paragraph (not bold, bold lines above it) is
    text, not a label: labels are set apart, and a real steps label names its "(…)" or "Datum"
    (config/report.yaml blocks.steps_label)."""
    return (
        name == "steps"
        and lines[i].bold is False
        and any(l.bold for l in lines[max(0, i - g.tol.bold_lookback_lines) : i])
        and not g.profile.steps_label.search(label)
    )


def _match_label(lines: list[Line], i: int, name: str, rx: re.Pattern, g: Grammar) -> LabelMatch | None:
    """Line i read as the label `name` of pattern `rx` (wrapped over lines if need be), or None."""
    m = rx.match(lines[i].text)
    if not m:
        return None
    value = (m.group(2) if m.re.groups > 1 else "") or ""
    lab = _unwrapped(lines, LabelMatch(name, m.group(1).strip(), value.strip(), i + 1), g)
    return None if _steps_in_paragraph(lines, i, name, lab.label, g) else lab


def _label(lines: list[Line], i: int, after: int, g: Grammar) -> LabelMatch | None:
    """Match a block label at line i (label may wrap over lines) that may follow the label of rank `after`."""
    for name, rx in g.search_order:
        if _allowed(name, after, g) and (lab := _match_label(lines, i, name, rx, g)) is not None:
            return lab
    return None


def _first(lines: list[Line], pattern: re.Pattern, min_size: float = 0.0) -> int:
    """Index of the first line matching `pattern` set at least `min_size`; len(lines) if none is."""
    return next((i for i, ln in enumerate(lines) if pattern.match(ln.text) and ln.size >= min_size), len(lines))


def _cover(pre: list[Line]) -> list[Line]:
    """The cover: the first page of the lines before the first theme, if they span more than one page."""
    p1 = pre[0].page
    return [l for l in pre if l.page == p1] if len({l.page for l in pre}) > 1 else []


def _title_wraps(body: list[Line], ti: int, stop: int, big: float, g: Grammar) -> list[Line]:
    """The lines a long theme title wraps onto after its number line ti: set `big`, no new theme."""
    j = ti + 1
    while j < stop and body[j].size >= big and not g.profile.theme.match(body[j].text):
        j += 1
    return body[ti + 1 : j]


def _theme_block(ln: Line, wraps: list[Line], right: float, g: Grammar) -> ThemeBlock:
    """The theme of number line `ln` (its title on that line after the number, and on `wraps`)."""
    m = g.profile.theme.match(ln.text)
    head = [Line(ln.page, ln.words[1:])] if m.group(2) else []
    return ThemeBlock(m.group(1), join_lines(head + wraps, right), ln)


def segment(lines: list[Line], big: float, right: float, g: Grammar | None = None) -> Document:
    """Split the body lines into the document tree. `big` is the font size above which a numbered
    line is a theme title (theme title pages print it far larger than any heading: tol.theme_title_size body
    sizes); `g` the wording and tolerances read by (default: the configuration in force, TOL)."""
    g = g or grammar()
    end = _first(lines, g.profile.list_title, big * g.tol.list_title_size)  # the tail: project lists, then archive
    tail = lines[end:]
    split = _first(tail, g.profile.archive_title)
    body = lines[:end]
    theme_idx = _theme_lines(body, big, g)
    pre = body[: theme_idx[0] if theme_idx else len(body)]
    cover = _cover(pre) if pre else []
    intro = [l for l in pre if l not in cover]
    themes: list[ThemeBlock] = []
    stray: list[Line] = []
    for ti, stop in zip(theme_idx, theme_idx[1:] + [len(body)]):
        wraps = _title_wraps(body, ti, stop, big, g)
        themes.append(_theme_block(body[ti], wraps, right, g))
        stray += _theme_body(themes[-1], body[ti + 1 + len(wraps) : stop], g)
    return Document(cover, intro, themes, tail[:split], tail[split:], stray)


def _theme_lines(body: list[Line], big: float, g: Grammar) -> list[int]:
    """Indices of theme title lines: "N. TITLE" set large, and followed by goal N.1 before the next one.
    `big` is the body size times tol.theme_title_size; a producer that sets titles smaller still passes at
    tol.small_theme_title_size."""
    theme, goal, tol = g.profile.theme, g.profile.goal, g.tol
    cands = [
        i
        for i, ln in enumerate(body)
        if theme.match(ln.text) and ln.size >= big / tol.theme_title_size * tol.small_theme_title_size
    ]
    goals = [(i, goal.match(ln.text).group(1)) for i, ln in enumerate(body) if goal.match(ln.text)]
    out = []
    for k, i in enumerate(cands):
        n = theme.match(body[i].text).group(1)
        nxt = cands[k + 1] if k + 1 < len(cands) else len(body)
        if body[i].size >= big or any(i < j < nxt and gn.split(".")[0] == n for j, gn in goals):
            out.append(i)
    return out


@dataclass
class _Cursor:
    """Where _theme_body stands: the open goal, section and project, the rank of the project's last
    label, and the list plain lines go to (None: stray)."""

    theme: ThemeBlock
    g: Grammar
    goal: GoalBlock | None = None
    sec: SectionBlock | None = None
    proj: ProjectBlock | None = None
    cur: list[Line] | None = None
    rank: int = -1


def _goal_step(c: _Cursor, lines: list[Line], i: int) -> int | None:
    """A goal heading opens a goal (closing section and project); the next index, or None if line i is none."""
    ln = lines[i]
    if not (m := c.g.profile.goal.match(ln.text)):
        return None
    c.goal = GoalBlock(m.group(1), m.group(2).strip(), ln)
    c.theme.goals.append(c.goal)
    c.sec = c.proj = None
    c.cur = c.goal.text
    return i + 1


def _section_step(c: _Cursor, lines: list[Line], i: int) -> int | None:
    """A numbered heading naming a status opens a section of the goal; the next index, or None."""
    ln = lines[i]
    p = c.g.profile
    if c.goal is None or not (m := p.section.match(ln.text)) or not (status := p.status_of(m.group(2))):
        return None
    c.sec = SectionBlock(m.group(1), m.group(2).strip(), status, ln)
    c.goal.sections.append(c.sec)
    c.proj = None
    c.cur = c.sec.note
    return i + 1


def _project_step(c: _Cursor, lines: list[Line], i: int) -> int | None:
    """A project number line (bold, or with its since label just below) opens a project with its
    title lines; the index after the title, or None."""
    ln = lines[i]
    if c.sec is None or not (m := c.g.profile.project.match(ln.text)) or not (ln.bold or _since_follows(lines, i, c.g)):
        return None
    proj = ProjectBlock(m.group(1), [ln, *_title_continues(lines, i, c.g)])
    c.proj = proj
    c.sec.projects.append(proj)
    c.rank = -1
    c.cur = proj.unlabelled
    return i + len(proj.head)


def _title_continues(lines: list[Line], i: int, g: Grammar) -> list[Line]:
    """The lines after project number line i that continue its title: same font, before the first label."""
    j = i + 1
    while (
        j < len(lines)
        and j < i + g.tol.title_max_lines
        and _label(lines, j, -1, g) is None
        and _is_title_cont(lines[j], lines[i], g)
    ):
        j += 1
    return lines[i + 1 : j]


def _label_step(c: _Cursor, lines: list[Line], i: int) -> int | None:
    """A block label of the open project opens that block; the index after it, or None."""
    if c.proj is None or (lab := _label(lines, i, c.rank, c.g)) is None:
        return None
    if lab.name == "extra":
        c.proj.extra.append(Extra(lab.label, lab.value, lines[i]))
        c.rank = c.g.rank["extra"]
        c.cur = c.proj.unlabelled
        return lab.end
    return _open_block(c, c.proj, lines, i, lab)


def _open_block(c: _Cursor, proj: ProjectBlock, lines: list[Line], i: int, lab: LabelMatch) -> int:
    """Open the labelled block `lab` in `proj`; the since line has no body, and its value may stand
    on the line below (wrapped); the index after the label (and that value)."""
    c.rank = c.g.rank[lab.name]
    body: list[Line] = []
    proj.blocks[lab.name] = Block(lab.label, lab.value, body)
    proj.label_lines[lab.name] = lines[i]
    c.cur = body if lab.name != "since" else proj.unlabelled
    if lab.name == "since" and not lab.value and _since_value_below(lines, lab.end, c.rank, c.g):
        proj.blocks[lab.name] = Block(lab.label, lines[lab.end].text, body)
        return lab.end + 1
    return lab.end


def _since_value_below(lines: list[Line], j: int, rank: int, g: Grammar) -> bool:
    """Whether line j is a since label's value wrapped to its own line: bold, no label, no project number."""
    return (
        j < len(lines)
        and _label(lines, j, rank, g) is None
        and not g.profile.project.match(lines[j].text)
        and lines[j].bold
    )


# the steps of _theme_body, tried in this order on each line
_STEPS = (_goal_step, _section_step, _project_step, _label_step)


def _step(c: _Cursor, lines: list[Line], i: int) -> int | None:
    """The first step that takes line i: the index it moves on to, or None if none takes it."""
    for step in _STEPS:
        if (n := step(c, lines, i)) is not None:
            return n
    return None


def _theme_body(th: ThemeBlock, lines: list[Line], g: Grammar) -> list[Line]:
    """Fill the theme's goals, sections and projects; returns the lines no block takes."""
    stray: list[Line] = []
    c = _Cursor(th, g)
    i = 0
    while i < len(lines):
        nxt = _step(c, lines, i)
        if nxt is None:
            (stray if c.cur is None else c.cur).append(lines[i])
            nxt = i + 1
        i = nxt
    return stray


def _since_follows(lines: list[Line], i: int, g: Grammar) -> bool:
    """Whether the first label within the next lines after line i is the since label."""
    for j in range(i + 1, min(i + g.tol.title_max_lines, len(lines))):
        lab = _label(lines, j, -1, g)
        if lab:
            return lab.name == "since"
    return False


def _is_title_cont(ln: Line, head: Line, g: Grammar) -> bool:
    """Whether `ln` continues the title of project line `head`: same weight and size, no project number."""
    return (
        ln.bold == head.bold
        and abs(ln.size - head.size) < g.tol.title_size_tolerance
        and not g.profile.project.match(ln.text)
    )
