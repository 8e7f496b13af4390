"""Where every printed character ended up: in a record field, in page furniture, or nowhere.

Text the extractor cannot place is reported as an `unassigned_text` anomaly with its page and box,
and a page label found inside a record's text (a footer glued onto a paragraph) as `furniture_in_text`:
a new producer's losses and leaks must be loud, never silent.
"""

from __future__ import annotations

from collections import Counter

import regex as re

from ..layout.furniture import page_label_number
from ..model.kinds import register
from ..model.records import Anomaly, Box, CharCounts, Edition, Line, ListRow, PageLayout, Project
from ..tolerances import TOL, Tolerances

UNASSIGNED_TEXT = register(
    "unassigned_text",
    "warning",
    "A body line that no record took (text accounting): nhr did not place it, so a field may lack it.",
    source="extraction",
)
FURNITURE_IN_TEXT = register(
    "furniture_in_text",
    "warning",
    "A page label found inside a record's text (a footer glued onto a paragraph or cell by nhr).",
    source="extraction",
)
LABEL_PAGES_AFTER = (
    1  # pages: a record's text may carry the label of this many pages after its last (a footer glued on)
)
EXCERPT_CHARS = 80  # characters: how much of the text a furniture_in_text anomaly quotes
# a bare number beside other text (a cell that is only "80" is a department), not one of a list ("61, 65")
_BARE_NUMBER = re.compile(r"(?<![,;/&]|\bund|\boder)\s(\d{1,4})$|^(\d{1,4})\s(?![,;/&]|und\b|oder\b)")


def ink(lines: list[Line]) -> int:
    """Printed characters of some lines (spaces are not printed)."""
    return sum(len(w.text) for ln in lines for w in ln.words)


def account(
    pages: list[PageLayout], unplaced: list[Line], unlabelled: list[Line], ed: Edition
) -> tuple[CharCounts, list[Anomaly]]:
    """Character counts and the anomalies for text no record took and page labels inside records.

    `unplaced` are the body lines the segment and table stages left in no record field; `unlabelled`
    the lines kept under no label of a project (counted as unassigned, reported by the checks).
    """
    labels = printed_labels(pages)
    missed = {id(ln) for ln in missed_page_labels(unplaced, labels)}
    unplaced = [ln for ln in unplaced if id(ln) not in missed]
    body = ink([ln for p in pages for ln in p.lines if id(ln) not in missed])
    furniture = ink([ln for p in pages for ln in p.furniture]) + ink(
        [ln for p in pages for ln in p.lines if id(ln) in missed]
    )
    unassigned = ink(unplaced) + ink(unlabelled)
    counts = CharCounts(body, furniture, body - unassigned, unassigned)
    found = [
        UNASSIGNED_TEXT.anomaly(
            ln.page,
            f"text in no record: {ln.text[:200]}",
            None,
            Box.of([ln]),
        )
        for ln in unplaced
    ]
    return counts, found + furniture_in_text(ed, labels)


def missed_page_labels(unplaced: list[Line], labels: dict[int, int]) -> list[Line]:
    """Lines in no record that print their own page's label ("Seite 67" on page 67, by the offset the found
    labels keep): page furniture the furniture stage missed (on a turned page), counted as furniture."""
    offsets = Counter(printed - physical for physical, printed in labels.items())
    offset = offsets.most_common(1)[0][0] if offsets else 0
    return [ln for ln in unplaced if page_label_number(ln.text) == ln.page + offset]


def printed_labels(pages: list[PageLayout]) -> dict[int, int]:
    """Physical page → the page number printed on it (from the furniture found there)."""
    out = {}
    for p in pages:
        for ln in p.furniture:
            n = page_label_number(ln.text)
            if n is not None:
                out[p.number] = n
    return out


def _label_token(text: str, labels: set[int]) -> str | None:
    m = _BARE_NUMBER.search(text.strip())
    if m and int(m.group(1) or m.group(2)) in labels:
        return m.group(0).strip()
    return None


def _project_texts(p: Project) -> list[tuple[str, Box | None]]:
    """A project's free texts, each with the box it is known by."""
    texts = [(t, p.box) for t in p.description] + list(zip(p.remark, p.remark_boxes))
    return texts + [(e.text, e.box or p.box) for e in p.steps + p.committee]


def furniture_in_text(ed: Edition, labels: dict[int, int]) -> list[Anomaly]:
    """Texts that begin or end in a bare number printed as a page label on the pages the record spans."""
    if not labels:
        return []
    in_projects = [a for *_, p in ed.projects() for a in _project_leaks(p, labels)]
    return in_projects + [a for pl in ed.project_lists for r in pl.rows for a in _list_row_leaks(r, labels)]


def _near(labels: dict[int, int], first: int, last: int) -> set[int]:
    """The page labels printed on physical pages first..last and the LABEL_PAGES_AFTER pages after."""
    return {labels[n] for n in range(first, last + 1 + LABEL_PAGES_AFTER) if n in labels}


def _project_leaks(p: Project, labels: dict[int, int]) -> list[Anomaly]:
    """furniture_in_text anomalies of one project's free texts (the pages it spans: its box's to its end page)."""
    first = p.box.page if p.box else 1
    near = _near(labels, first, p.end_page or first)
    return [
        FURNITURE_IN_TEXT.anomaly(
            box.page if box else first,
            f"project {p.number}: page label '{tok}' inside the text: …{text[-EXCERPT_CHARS:]}",
            p.number,
            box,
        )
        for text, box in _project_texts(p)
        if (tok := _label_token(text, near)) is not None
    ]


def _list_row_leaks(r: ListRow, labels: dict[int, int]) -> list[Anomaly]:
    """furniture_in_text anomalies of one Projektliste row's text cells (the row's page)."""
    page = r.box.page if r.box else 0
    near = _near(labels, page, page)
    return [
        FURNITURE_IN_TEXT.anomaly(
            page,
            f"list row {r.number}: page label '{tok}' inside a cell: {cell[:EXCERPT_CHARS]}",
            r.number,
            r.box,
        )
        for cell in (r.title, r.cooperation, r.responsible)
        if (tok := _label_token(cell, near)) is not None
    ]


def unassigned_warning(source: str, body: int | None, unassigned: int | None, tol: Tolerances = TOL) -> str | None:
    """One warning line when an edition left more than tol.warn_share of its body characters in no record."""
    if not body or not unassigned or unassigned <= tol.warn_share * body:
        return None
    return (
        f"{source}: {unassigned} of {body} body characters ({unassigned / body:.2%}) are in no record "
        f"(unassigned_text anomalies say where)"
    )
