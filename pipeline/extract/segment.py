"""Segment stage: body lines → themes, goals, status sections, projects and their labelled blocks.

Parses by the report's numbering and block labels, never by coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from ..config import profile
from ..model.records import Line
from .fields import join_lines, joiner

# The report's wording comes from config/report.yaml (pipeline.config.profile); these names alias it.
_P = profile()
THEME, GOAL, SECTION, PROJECT = _P.theme, _P.goal, _P.section, _P.project
LIST_TITLE = _P.list_title
ARCHIVE_TITLE = _P.archive_title

STATUS_WORDS = [(st.word, st.name) for st in _P.statuses]
STATUS_BY_DIGIT = {st.digit: st.name for st in _P.statuses}
COMPLETED, IN_PROGRESS, PLANNED, IDEA = (_P.status(r) for r in ("completed", "in_progress", "planned", "idea"))

# Block labels, in the order they appear in a project; unknown wordings of the same shape match too.
LABELS = list(_P.labels)
RANK = {name: i for i, (name, _) in enumerate(LABELS)}


def status_of(heading: str) -> str | None:
    """The status a heading or label names ("Projekte in Planung", "… „umgesetzte Projekte“ seit:")."""
    low = heading.lower()
    for word, status in STATUS_WORDS:
        if word in low:
            return status
    return None


@dataclass
class ProjectBlock:
    number: str
    head: list[Line]  # number + title lines
    blocks: dict[str, tuple[str, str, list[Line]]] = field(default_factory=dict)  # name → (label, inline value, lines)
    extra: list[tuple[str, str, Line]] = field(default_factory=list)
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
    return label.count("(") <= label.count(")")


def _label(lines: list[Line], i: int, after: int) -> tuple[str, str, str, int] | None:
    """Match a block label at line i (label may wrap over lines); returns (name, label, value, next i)."""
    text = lines[i].text
    for name, rx in LABELS[:1] + LABELS[2:] + LABELS[1:2]:  # the generic "Label: value" shape last
        if RANK[name] <= after and name != "extra":
            continue
        if name == "extra" and after not in (RANK["since"], RANK["extra"]):
            continue  # only right after the since line
        m = rx.match(text)
        if not m:
            continue
        label = m.group(1).strip()
        value = (m.group(2) if m.re.groups > 1 else "") or ""
        j = i + 1
        while not _balanced(label) and j < len(lines) and j < i + 3:  # a label wrapped inside its "(…)"
            prev = lines[j - 1].words
            label += joiner(prev[-1], lines[j].words[0], before=prev[-2].text if len(prev) > 1 else "") + lines[j].text
            j += 1
        if name == "steps" and lines[i].bold is False and any(l.bold for l in lines[max(0, i - 40) : i]):
            # "geplante Meilensteine:" inside a paragraph is text, not a label: labels are set apart
            if not re.search(r"\(|Datum", label):
                continue
        return name, label, value.strip(), j
    return None


def segment(lines: list[Line], big: float, right: float) -> Document:
    """Split the body lines into the document tree. `big` is the font size above which a numbered
    line is a theme title (theme title pages print it far larger than any heading)."""
    cover: list[Line] = []
    intro: list[Line] = []
    stray: list[Line] = []
    themes: list[ThemeBlock] = []
    lists: list[Line] = []
    archive: list[Line] = []

    # the tail: project lists and archive
    end = len(lines)
    for i, ln in enumerate(lines):
        if LIST_TITLE.match(ln.text) and ln.size >= big * 0.45:
            end = i
            break
    tail = lines[end:]
    for i, ln in enumerate(tail):
        if ARCHIVE_TITLE.match(ln.text):
            lists, archive = tail[:i], tail[i:]
            break
    else:
        lists = tail

    body = lines[:end]
    theme_idx = _theme_lines(body, big)
    first = theme_idx[0] if theme_idx else len(body)
    pre = body[:first]
    if pre:
        p1 = pre[0].page
        cover = [l for l in pre if l.page == p1] if len({l.page for l in pre}) > 1 else []
        intro = [l for l in pre if l not in cover]

    for k, ti in enumerate(theme_idx):
        stop = theme_idx[k + 1] if k + 1 < len(theme_idx) else len(body)
        m = THEME.match(body[ti].text)
        head = [Line(body[ti].page, body[ti].words[1:])] if m.group(2) else []
        j = ti + 1
        while j < stop and body[j].size >= big and not THEME.match(body[j].text):
            head.append(body[j])  # a long theme title wraps over several lines
            j += 1
        th = ThemeBlock(m.group(1), join_lines(head, right), body[ti])
        themes.append(th)
        stray += _theme_body(th, body[j:stop])
    return Document(cover, intro, themes, lists, archive, stray)


def _theme_lines(body: list[Line], big: float) -> list[int]:
    """Indices of theme title lines: "N. TITLE" set large, and followed by goal N.1 before the next one.
    `big` is the body size times 1.8; a producer that sets titles smaller still passes at 1.25."""
    cands = [i for i, ln in enumerate(body) if THEME.match(ln.text) and ln.size >= big / 1.8 * 1.25]
    goals = [(i, GOAL.match(ln.text).group(1)) for i, ln in enumerate(body) if GOAL.match(ln.text)]
    out = []
    for k, i in enumerate(cands):
        n = THEME.match(body[i].text).group(1)
        nxt = cands[k + 1] if k + 1 < len(cands) else len(body)
        if body[i].size >= big or any(i < j < nxt and g.split(".")[0] == n for j, g in goals):
            out.append(i)
    return out


def _theme_body(th: ThemeBlock, lines: list[Line]) -> list[Line]:
    """Fill the theme's goals, sections and projects; returns the lines no block takes."""
    stray: list[Line] = []
    goal: GoalBlock | None = None
    sec: SectionBlock | None = None
    proj: ProjectBlock | None = None
    cur: list[Line] | None = None  # where plain lines go
    rank = -1
    i = 0
    while i < len(lines):
        ln = lines[i]
        text = ln.text
        if m := GOAL.match(text):
            goal = GoalBlock(m.group(1), m.group(2).strip(), ln)
            th.goals.append(goal)
            sec = proj = None
            cur = goal.text
            i += 1
            continue
        if goal is not None and (m := SECTION.match(text)) and (st := status_of(m.group(2))):
            sec = SectionBlock(m.group(1), m.group(2).strip(), st, ln)
            goal.sections.append(sec)
            proj = None
            cur = sec.note
            i += 1
            continue
        if sec is not None and (m := PROJECT.match(text)) and (ln.bold or _since_follows(lines, i)):
            proj = ProjectBlock(m.group(1), [ln])
            sec.projects.append(proj)
            rank = -1
            # title continues until the first label
            j = i + 1
            while j < len(lines) and j < i + 4 and _label(lines, j, -1) is None and _is_title_cont(lines[j], ln):
                proj.head.append(lines[j])
                j += 1
            cur = proj.unlabelled
            i = j
            continue
        if proj is not None:
            lab = _label(lines, i, rank)
            if lab:
                name, label, value, j = lab
                if name == "extra":
                    proj.extra.append((label, value, ln))
                    rank = RANK["extra"]
                    cur = proj.unlabelled
                else:
                    rank = RANK[name]
                    body: list[Line] = []
                    proj.blocks[name] = (label, value, body)
                    proj.label_lines[name] = ln
                    cur = body if name != "since" else proj.unlabelled  # the since line has no body
                    if (
                        name == "since"
                        and not value
                        and j < len(lines)
                        and _label(lines, j, rank) is None
                        and not PROJECT.match(lines[j].text)
                        and lines[j].bold
                    ):
                        proj.blocks[name] = (label, lines[j].text, body)  # value wrapped to its own line
                        j += 1
                i = j
                continue
        (stray if cur is None else cur).append(ln)
        i += 1
    return stray


def _since_follows(lines: list[Line], i: int) -> bool:
    for j in range(i + 1, min(i + 4, len(lines))):
        lab = _label(lines, j, -1)
        if lab:
            return lab[0] == "since"
    return False


def _is_title_cont(ln: Line, head: Line) -> bool:
    return ln.bold == head.bold and abs(ln.size - head.size) < 0.6 and not PROJECT.match(ln.text)
