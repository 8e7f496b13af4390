"""Page furniture: running headers and footers, page labels and the status legend, decided page by page.

A line is furniture when it sits in the top or bottom band of its page, on the outer side of every
body line there, and is one of:
- a *recurring* line: its text (digits masked) is printed on many pages at the same distance from
  the same page edge (body lines with the same text elsewhere do not matter);
- a *page label* ("7", "Seite 7", "Seite 7 von 90", "7 / 90", "- 7 -") whose number follows the page
  sequence (printed number = physical page − one offset shared by the document);
- the *status legend* (the four status names in order), which is furniture wherever it is printed.
The lines are kept in `PageLayout.furniture`, nothing is dropped.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import regex as re

from .records import Line, PageLayout


@dataclass(frozen=True)
class FurnitureSettings:
    band: float = 0.15  # share of the page height at the top and at the bottom where furniture may sit
    position_tol: float = 3.0  # pt: how far one recurring line's distance from its edge may vary
    min_share: float = 0.25  # a recurring line must be printed on at least this share of the pages …
    min_pages: int = 2  # … and on at least this many


SETTINGS = FurnitureSettings()

PAGE_LABELS = [
    re.compile(r"^(?:Seite|S\.|Page)\s*(\d{1,4})(?:\s*(?:von|/|of)\s*(\d{1,4}))?$", re.I),
    re.compile(r"^(\d{1,4})\s*(?:/|von|of)\s*(\d{1,4})$", re.I),
    re.compile(r"^[-–—]\s*(\d{1,4})\s*[-–—]$"),
    re.compile(r"^(\d{1,4})$"),
]
LEGEND_STATUSES = ("umgesetzt", "Bearbeitung", "Planung", "Ideenspeicher")
_LEGEND = re.compile(r"(?i)^\W*umgesetzt\b.{0,60}?\bBearbeitung\b.{0,20}?\bPlanung\b.{0,20}?\bIdeenspeicher\W*(.*)$")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def norm_key(text: str) -> str:
    """A line's text with digits masked and spaces collapsed: what a running header has on every page."""
    return _DIGITS.sub("#", _SPACE.sub(" ", text.strip()))


def page_label_number(text: str) -> int | None:
    """The page number a page label prints ("Seite 7 von 90" → 7), or None."""
    t = text.strip()
    for rx in PAGE_LABELS:
        if m := rx.match(t):
            return int(m.group(1))
    return None


def is_legend(text: str) -> bool:
    """The status legend, alone or followed by a page label ("… in Planung  Ideenspeicher  Seite 9")."""
    m = _LEGEND.match(text.strip())
    return bool(m) and (not m.group(1) or page_label_number(m.group(1)) is not None)


@dataclass(frozen=True)
class _Edge:
    """A line of a page's top or bottom band: which edge, and its distance from that edge."""
    line: Line
    edge: str
    distance: float


def _band_lines(page: PageLayout, st: FurnitureSettings) -> list[_Edge]:
    """The lines of a page's two bands, from each edge inwards, as long as they stay in the band."""
    out = []
    by_top = sorted(page.lines, key=lambda l: l.top)
    for l in by_top:
        if l.top >= st.band * page.height:
            break
        out.append(_Edge(l, "top", l.top))
    for l in reversed(by_top):
        if l.bottom <= (1 - st.band) * page.height:
            break
        out.append(_Edge(l, "bottom", page.height - l.bottom))
    return out


def _recurring(bands: list[list[_Edge]], need: int, st: FurnitureSettings) -> set[tuple[str, str, int]]:
    """(edge, key, rounded distance) of band lines printed on at least `need` pages at one distance."""
    seen: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    for i, band in enumerate(bands):
        for e in band:
            seen[(e.edge, norm_key(e.line.text))].append((e.distance, i))
    out = set()
    for (edge, key), hits in seen.items():
        for cluster in _clusters(sorted(hits), st.position_tol):
            if len({i for _, i in cluster}) >= need:
                out.update((edge, key, round(d)) for d, _ in cluster)
    return out


def _clusters(hits: list[tuple[float, int]], tol: float) -> list[list[tuple[float, int]]]:
    """Split sorted (distance, page) pairs where consecutive distances differ by more than tol."""
    groups: list[list[tuple[float, int]]] = []
    for h in hits:
        if groups and h[0] - groups[-1][-1][0] <= tol:
            groups[-1].append(h)
        else:
            groups.append([h])
    return groups


def _label_offset(pages: list[PageLayout], bands: list[list[_Edge]], st: FurnitureSettings) -> int | None:
    """The offset (physical page − printed number) most band page labels share, if enough do."""
    offsets = Counter()
    for p, band in zip(pages, bands):
        for off in {p.number - n for e in band if (n := page_label_number(e.line.text)) is not None}:
            offsets[off] += 1
    if not offsets:
        return None
    off, count = offsets.most_common(1)[0]
    return off if count >= max(st.min_pages, 3) else None


def _page_furniture(page: PageLayout, band: list[_Edge], recurring, offset, st) -> set[int]:
    """ids of the lines that are furniture on this page: band lines from each edge inwards while they
    are furniture, and the legend wherever it is."""
    out = {id(l) for l in page.lines if is_legend(l.text)}
    for edge in ("top", "bottom"):
        for e in (e for e in band if e.edge == edge):
            if not _is_furniture(page, e, recurring, offset):
                break
            out.add(id(e.line))
    return out


def _is_furniture(page: PageLayout, e: _Edge, recurring, offset) -> bool:
    text = e.line.text
    if (e.edge, norm_key(text), round(e.distance)) in recurring or is_legend(text):
        return True
    n = page_label_number(text)
    return n is not None and offset is not None and page.number - n == offset


def remove_furniture(pages: list[PageLayout], st: FurnitureSettings = SETTINGS) -> None:
    """Move each page's furniture lines from `page.lines` into `page.furniture`."""
    if not pages:
        return
    need = max(st.min_pages, math.ceil(st.min_share * len(pages)))
    bands = [_band_lines(p, st) for p in pages]
    recurring = _recurring(bands, need, st)
    if _all_recurring(pages, recurring):
        return  # a document made only of recurring lines has no body to frame
    offset = _label_offset(pages, bands, st)
    for p, band in zip(pages, bands):
        out = _page_furniture(p, band, recurring, offset, st)
        if out:
            p.furniture.extend(l for l in p.lines if id(l) in out)
            p.lines = [l for l in p.lines if id(l) not in out]


def _all_recurring(pages: list[PageLayout], recurring) -> bool:
    keys = {k for _, k, _ in recurring}
    return bool(keys) and all(norm_key(l.text) in keys for p in pages for l in p.lines)
