"""Extraction doubts: checks that nhr misread the PDF, from the report's own invariants and redundancy
(the label skeleton of each status, entries that carry their dates, the Projektliste against the body, the
archive's date cells, furniture that reads like body text), never from a gold file.

A report's own slips are single (one project without a label, one list row without a mark, reported by the
`report` kinds of pipeline/extract/checks.py); a misread repeats, so most checks here fire only when an oddity
is shared by at least TOL.doubt_min records and TOL.doubt_share of those the check looks at. Every kind is
registered with source="extraction"; docs/producers.md says what each means and what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import regex as re
from rapidfuzz import fuzz

from ..config import Profile, profile
from ..model.kinds import kind, register, rule
from ..model.records import Anomaly, Box, Edition, Entry, Line, ListRow, PageLayout, Project
from ..model.rows import step_blocks
from ..parse.dates import parse_date
from ..parse.text import norm
from ..tolerances import TOL, Tolerances
from .rules import hit, projects

LABEL_FIELD = {  # a label of config/report.yaml → the Project field that holds it as printed
    "since": "since_label",
    "description": "description_label",
    "steps": "steps_label",
    "committee": "committee_label",
    "remark": "remark_label",
}
SENTENCE_END = re.compile(r"[.!?:;)\"“]\s*$")
ENTRY_HEAD_WORDS = 3  # words at a line's start that may hold an entry's date ("seit Sommer 2024")


def many(n: int, of: int, tol: Tolerances = TOL) -> bool:
    """Enough of `of` records share an oddity to be a misread, not one slip of the report."""
    return n >= tol.doubt_min and n >= tol.doubt_share * of


# ---------------------------------------------------------------- the label skeleton of each status


@rule(
    "label_missing",
    "warning",
    "Many projects of one status lack a label its skeleton (report.yaml) names: nhr likely lost the "
    "label. One such project is the report's omission.",
    source="extraction",
)
def label_missing(ed: Edition) -> Iterable[Anomaly]:
    for st in profile().statuses:
        of = [p for p in projects(ed) if p.status == st.name]
        for label in st.skeleton:
            lacking = [p for p in of if not getattr(p, LABEL_FIELD.get(label, ""), "x")]
            if many(len(lacking), len(of)):
                yield from (
                    hit(
                        "label_missing",
                        f"project {p.number} ({st.name}) prints no {label} label; "
                        f"{len(lacking)} of {len(of)} projects of its status lack it",
                        p,
                        evidence=p.title,
                    )
                    for p in lacking
                )


# ---------------------------------------------------------------- entries: each row carries its date


def _entry_blocks(ed: Edition) -> Iterator[tuple[Project, str, list[Entry]]]:
    for p in projects(ed):
        yield p, "milestone", p.steps
        yield p, "consultation", p.committee


@rule(
    "entries_undated",
    "warning",
    "Many of the edition's entries have no date: wrapped lines were likely read as rows of their own "
    "(the report prints a few undated entries).",
    source="extraction",
)
def entries_undated(ed: Edition) -> Iterable[Anomaly]:
    blocks = list(_entry_blocks(ed))
    entries = sum(len(b) for *_, b in blocks)
    undated = sum(1 for *_, b in blocks for e in b if not norm(e.date))
    if not (many(undated, entries) and undated > TOL.undated_share * entries):
        return
    for p, what, block in blocks:
        for e in block:
            if not norm(e.date):
                yield hit(
                    "entries_undated",
                    f"project {p.number} {what} without a date ({undated} of {entries} entries of the edition)",
                    p,
                    e.box,
                    e.text,
                )


@rule(
    "entry_continues_previous",
    "warning",
    "Many undated entries begin in lower case after an entry not ending a sentence: continuations nhr split "
    "off (wrapped lines read as rows). One such entry is the report's.",
    source="extraction",
)
def entry_continues_previous(ed: Edition) -> Iterable[Anomaly]:
    found, undated = [], 0
    for p, what, block in _entry_blocks(ed):
        undated += sum(1 for e in block[1:] if not norm(e.date))
        for before, e in zip(block, block[1:]):
            if not norm(e.date) and e.text[:1].islower() and not SENTENCE_END.search(before.text):
                found.append((p, what, before, e))
    if not many(len(found), undated):  # a step may well start in lower case ("erster Workshop"); many cannot
        return
    for p, what, before, e in found:
        yield hit(
            "entry_continues_previous",
            f"project {p.number} {what} '{norm(e.text)[:60]}' continues '…{norm(before.text)[-40:]}'",
            p,
            e.box,
            f"{before.text} / {e.text}",
        )


# ---------------------------------------------------------------- the Projektliste against the body


def _rows(ed: Edition) -> list[ListRow]:
    return [r for pl in ed.project_lists for r in pl.rows]


@rule(
    "list_status_unread",
    "error",
    "Many rows of a Projektliste carry no status mark: nhr did not read its status columns (heads it does not "
    "know, marks it does not see). One unmarked row is the report's (list_row_without_status).",
    source="extraction",
)
def list_status_unread(ed: Edition) -> Iterable[Anomaly]:
    for pl in ed.project_lists:
        bare = [r for r in pl.rows if not r.status]
        if many(len(bare), len(pl.rows)) and 2 * len(bare) >= len(pl.rows):
            pages = sorted({r.box.page for r in bare if r.box})
            first = bare[0]
            yield kind("list_status_unread").anomaly(
                first.box.page if first.box else None,
                f"Projektliste '{norm(pl.title)[:60]}': {len(bare)} of {len(pl.rows)} rows without a status mark "
                f"(pages {', '.join(map(str, pages))})",
                first.number,
                first.box,
                pl.title,
            )


def disagreement(r: ListRow, p: Project | None, tol: Tolerances = TOL) -> str | None:
    """How a list row disagrees with the body's project of its number (None: it agrees). The list shortens
    titles by design, so a title disagrees only when not even part of it matches."""
    if p is None:
        return "no project of this number in the body"
    if r.status and r.status != p.status:
        return f"status '{r.status}', body '{p.status}'"
    a, b = norm(r.title).casefold(), norm(p.title).casefold()
    if max(fuzz.partial_ratio(a, b), fuzz.token_set_ratio(a, b)) < tol.list_title_match:
        return f"title '{norm(r.title)[:50]}', body '{norm(p.title)[:50]}'"
    return None


@rule(
    "list_disagrees_with_body",
    "warning",
    "Many Projektliste rows disagree with the body (number, status, title): nhr likely misread the "
    "table. One or two are the report's own.",
    source="extraction",
)
def list_disagrees_with_body(ed: Edition) -> Iterable[Anomaly]:
    body = {p.number: p for p in projects(ed)}
    rows = _rows(ed)
    bad = [(r, why) for r in rows if (why := disagreement(r, body.get(r.number)))]
    if not many(len(bad), len(rows)):
        return
    for r, why in bad:
        yield kind("list_disagrees_with_body").anomaly(
            r.box.page if r.box else None,
            f"list row {r.number}: {why}",
            r.number,
            r.box,
            r.title,
        )


# ---------------------------------------------------------------- the archive against the body


@rule(
    "archive_unread",
    "warning",
    "Many archive rows lack the date their table prints (completed: the report; dropped: the last mention) "
    "or name a project the body still prints: nhr likely misread the archive's columns.",
    source="extraction",
)
def archive_unread(ed: Edition) -> Iterable[Anomaly]:
    titles = {norm(p.title).casefold() for p in projects(ed)}
    bad = [
        a
        for a in ed.archive
        if not norm(a.report if a.kind == "completed" else a.last_mention) or norm(a.project).casefold() in titles
    ]
    if many(len(bad), len(ed.archive)):
        for a in bad:
            yield kind("archive_unread").anomaly(
                a.box.page if a.box else None,
                f"archive row '{norm(a.project)[:60]}' ({a.kind}): no date, or a project the body prints",
                None,
                a.box,
                f"{a.theme} {a.project} {a.report or a.last_mention}",
            )


# ---------------------------------------------------------------- furniture that reads like body text

register(
    "furniture_reads_as_body",
    "warning",
    "A line set aside as page furniture reads as a block label, heading or dated entry: nhr likely took "
    "body text for a running header.",
    source="extraction",
)


def body_vocabulary(text: str, prof: Profile) -> str | None:
    """What a line reads as in the report profile ("committee label", "project heading", "entry"); None."""
    for name, rx in prof.labels:
        if name != "extra" and rx.match(text):  # `extra` is any "Word:" line, a running header's too
            return f"{name} label"
    for name, rx in (("goal", prof.goal), ("section", prof.section), ("project", prof.project)):
        if rx.match(text):
            return f"{name} heading"
    words = text.split()
    for n in range(min(ENTRY_HEAD_WORDS, len(words) - 1), 0, -1):
        head = parse_date(" ".join(words[:n]))
        if head.start is not None and head.precision == "day" and re.search(r"\p{L}{3}", " ".join(words[n:])):
            return "dated entry"
    return None


register(
    "furniture_inside_body_frame",
    "warning",
    "A line set aside as page furniture sits where other pages of its size print body text: nhr likely "
    "took body text for furniture.",
    source="extraction",
)


def furniture_doubts(pages: list[PageLayout]) -> list[Anomaly]:
    """furniture_reads_as_body and furniture_inside_body_frame: furniture lines that read, or sit, like body text."""
    out = []
    bands, prof = _body_bands(pages), profile()
    overlapping: dict[tuple, set[int]] = {}  # (page size, top, bottom) → pages printing body text there
    for pg in pages:
        size = (pg.width, pg.height)
        doubtful = {id(ln) for ln in pg.doubtful}  # the furniture stage's own doubts (layout/furniture.py)
        for ln in pg.furniture:
            if (what := _reads_as(ln, prof) or ("body text" if id(ln) in doubtful else None)) is not None:
                out.append(_furniture_anomaly("furniture_reads_as_body", f"reads as a {what}", ln))
            key = (size, ln.top, ln.bottom)
            if key not in overlapping:  # furniture recurs at one place: each place is measured once
                overlapping[key] = {n for n, b in bands[size] if any(t < ln.bottom and u > ln.top for t, u in b)}
            inside, others = len(overlapping[key] - {pg.number}), len(bands[size]) - 1
            if many(inside, others):
                where = f"sits where {inside} of {others} pages of its size print body text"
                out.append(_furniture_anomaly("furniture_inside_body_frame", where, ln))
    return out


def _body_bands(pages: list[PageLayout]) -> dict[tuple[float, float], list[tuple[int, list[tuple[float, float]]]]]:
    """Page size → (page number, the vertical extents of its body lines) of every page of that size."""
    out: dict[tuple[float, float], list[tuple[int, list[tuple[float, float]]]]] = {}
    for pg in pages:
        out.setdefault((pg.width, pg.height), []).append((pg.number, [(ln.top, ln.bottom) for ln in pg.lines]))
    return out


def _furniture_anomaly(name: str, what: str, ln: Line) -> Anomaly:
    return kind(name).anomaly(ln.page, f"page furniture {what}: '{ln.text[:80]}'", None, Box.of([ln]), ln.text)


def _reads_as(ln: Line, prof: Profile) -> str | None:
    if prof.legend.match(ln.text):
        return None  # the status legend is furniture by design
    return body_vocabulary(ln.text, prof)


RULES = (
    label_missing,
    entries_undated,
    entry_continues_previous,
    list_status_unread,
    list_disagrees_with_body,
    archive_unread,
)  # the doubts that read the Edition record, in the order they run (furniture_doubts reads the pages)


# ---------------------------------------------------------------- dates no reader understands


UNPARSED_DATE = register(
    "unparsed_date",
    "warning",
    "A printed date string is not understood (kept as date_raw, precision unknown).",
    source="extraction",
)


def date_doubts(ed: Edition) -> list[Anomaly]:
    """unparsed_date anomalies of the edition's projects, then of its archive rows, in printed order."""
    found = [a for *_, p in ed.projects() for a in _project_date_doubts(p)]
    found += [
        _unparsed(raw, f"archive row '{a.project}'", None, a.box)
        for a in ed.archive
        for raw in (a.report, a.last_mention)
    ]
    return [a for a in found if a is not None]


def _project_date_doubts(p: Project) -> list[Anomaly | None]:
    """The unparsed_date checks of a project's since date, steps, planned steps and consultations."""
    n = p.number
    out = [_unparsed(p.since_value, f"project {n} since", n, p.box)]
    for block, items in step_blocks(p).items():
        out += [_unparsed(e.date, f"project {n} {block} #{i}", n, e.box or p.box) for i, e in enumerate(items, 1)]
    return out + [_unparsed(e.date, f"project {n} committee #{i}", n, e.box) for i, e in enumerate(p.committee, 1)]


def _unparsed(raw: str, where: str, number: str | None, box: Box | None) -> Anomaly | None:
    """An unparsed_date anomaly for a printed date string no reader understands; None for one it does."""
    if not raw.strip() or parse_date(raw).understood:
        return None
    return UNPARSED_DATE.anomaly(box.page if box else None, f"{where}: date '{raw}' not understood", number)
