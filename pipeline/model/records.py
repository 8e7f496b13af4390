"""Plain typed records passed between the stages (layout → segment → fields/tables → edition)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar, overload

_T = TypeVar("_T")


class cached_property(Generic[_T]):  # noqa: N801 (named as the functools one it replaces)
    """functools.cached_property without the lock Python 3.11 takes on every first read (~55,000 reads a build)."""

    def __init__(self, fn: Callable[[Any], _T]) -> None:
        self.fn, self.name, self.__doc__ = fn, fn.__name__, fn.__doc__

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> cached_property[_T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)  # kept where the next read finds it first
        return value


# Letters of the ligature glyphs Unicode has code points for (Alphabetic Presentation Forms, as NFKC
# decomposes them): a producer may map a ligature glyph to one of these instead of to its letters
LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}


class Char(NamedTuple):
    """One glyph with its box; what every layout engine must deliver (a tuple: there are 100k a report).

    A ligature glyph is one Char whose text is its letters ("ff"), never a presentation form ("ﬀ")."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    upright: bool = True


class RawPage(NamedTuple):
    """One page as an engine delivers it: its number (1-based), size in points, and drawn glyphs."""

    number: int
    width: float
    height: float
    chars: list[Char]


class PageRange(NamedTuple):
    """A share of one PDF's pages for a worker process: pages first..last-1 (0-based) read by `engine`."""

    path: str
    engine: str
    first: int
    last: int


class Word(NamedTuple):
    """A run of glyphs between spaces or gaps (a tuple: there are 20k a report)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    space_after: bool | None  # a space glyph follows; None when the producer draws no spaces


@dataclass(frozen=True)
class Line:
    """A text line in reading order, with the page it sits on and its bounding box."""

    page: int
    words: tuple[Word, ...]

    @cached_property
    def text(self) -> str:
        return " ".join([w.text for w in self.words])

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @cached_property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @cached_property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @cached_property
    def size(self) -> float:
        return max(w.size for w in self.words)

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words)

    @property
    def trailing_space(self) -> bool | None:
        return self.words[-1].space_after


@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    lines: list[Line]
    rotated: list[Char] = field(default_factory=list)
    furniture: list[Line] = field(default_factory=list)
    doubtful: list[Line] = field(default_factory=list)  # furniture lines that read like the body (in doubt)


@dataclass
class Box:
    """Where a record was printed: page and bounding box of its first line."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    @classmethod
    def of(cls, lines: list[Line]) -> Box | None:
        if not lines:
            return None
        first = [ln for ln in lines if ln.page == lines[0].page]
        return cls(
            lines[0].page,
            round(min(l.x0 for l in first), 2),
            round(min(l.top for l in first), 2),
            round(max(l.x1 for l in first), 2),
            round(max(l.bottom for l in first), 2),
        )


@dataclass
class Entry:
    """A milestone/planning step or a committee consultation: (date, text) as printed."""

    date: str
    text: str
    box: Box | None = None


@dataclass
class Project:
    number: str
    title: str
    status: str
    since_label: str = ""
    since_value: str = ""
    extra_header: list[tuple[str, str]] = field(default_factory=list)
    description_label: str | None = None
    description: list[str] = field(default_factory=list)
    steps_label: str | None = None
    steps: list[Entry] = field(default_factory=list)
    committee_label: str | None = None
    committee: list[Entry] = field(default_factory=list)
    remark_label: str | None = None
    remark: list[str] = field(default_factory=list)
    remark_boxes: list[Box | None] = field(default_factory=list)  # where each remark paragraph was printed
    box: Box | None = None
    end_page: int | None = None
    unlabelled: list[str] = field(default_factory=list)  # text under no known label (reported, not dropped)


@dataclass
class Section:
    number: str
    status: str
    heading: str
    empty_note: str | None = None
    projects: list[Project] = field(default_factory=list)
    box: Box | None = None


@dataclass
class Goal:
    number: str
    label: str
    text: str
    sections: list[Section] = field(default_factory=list)
    box: Box | None = None


@dataclass
class Theme:
    number: str
    title: str
    list_title: str = ""
    goals: list[Goal] = field(default_factory=list)
    box: Box | None = None


@dataclass
class ListRow:
    theme: str
    number: str
    title: str
    status: str
    cooperation: str
    responsible: str
    box: Box | None = None


@dataclass
class ProjectList:
    theme: str
    title: str
    rows: list[ListRow] = field(default_factory=list)


@dataclass
class ArchiveRow:
    kind: str  # completed | dropped
    theme: str
    project: str
    report: str = ""  # completed: edition the project was reported done
    number: str = ""
    reason: str = ""  # dropped
    last_mention: str = ""
    box: Box | None = None


@dataclass
class Anomaly:
    kind: str
    severity: str  # info | warning | error (the registry's, pipeline/model/kinds.py)
    source: str  # extraction | report (the registry's)
    page: int | None
    detail: str
    project_number: str | None = None
    box: Box | None = None  # where the evidence is printed (page and first line)
    evidence: str = ""  # the printed text the anomaly is about


@dataclass(frozen=True)
class CharCounts:
    """Printed characters (spaces not counted) by where they ended up: body = assigned + unassigned."""

    body: int
    furniture: int
    assigned: int
    unassigned: int


@dataclass(frozen=True)
class HyphenBreak:
    """A line-end hyphen of a hyphenating producer that the edition's own text did not decide firmly (decided by
    word forms or the dictionary, or undecided): a build weighs it again with the words of its other editions."""

    head: str  # the broken word without its hyphen and the punctuation before it ("Pflegeein")
    tail: str  # the continuation without the punctuation after it ("richtungen")
    keep: bool | None  # the edition's decision: kept, removed, or undecided (kept as printed)
    evidence: str  # adjectives | dictionary | undecided
    printed: str  # the two words as printed ("Pflegeein- richtungen"), the evidence of its doubt if undecided


@dataclass
class Edition:
    edition: str
    stand: str
    previous_stand: str | None
    title: str
    source: str
    pages: int
    intro: list[dict] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    project_lists: list[ProjectList] = field(default_factory=list)
    archive_since: str = ""
    archive: list[ArchiveRow] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    chars: CharCounts | None = None  # where the printed characters ended up
    words: list[str] = field(default_factory=list)  # the words printed whole (a build's hyphen evidence)
    hyphen_breaks: list[HyphenBreak] = field(default_factory=list)  # line-end hyphens the build weighs again

    def projects(self):
        """Yield (theme, goal, section, project) in printed order."""
        for th in self.themes:
            for g in th.goals:
                for s in g.sections:
                    for p in s.projects:
                        yield th, g, s, p
