"""Page furniture: running headers and footers, page labels and the status legend, decided page by page.

A line is furniture when it sits in the top or bottom band of its page, on the outer side of every
body line there, and is one of:
- a *recurring* line: its text (digits masked) is printed on many pages at the same distance from
  the same page edge (body lines with the same text elsewhere do not matter);
- a *page label* ("7", "Seite 7", "Seite 7 von 90", "7 / 90", "- 7 -") whose number follows the page
  sequence (printed number = physical page − one offset shared by the document);
- the *status legend* (the four status names in order), which is furniture wherever it is printed.
A recurring line that reads as the report's body (config/report.yaml) is furniture only where the report's
structure says it is a repeat: a block label never is (labels open blocks; one may open many pages at one
height); a numbered heading only when one heading, number included, recurs (a theme named at every page's
top: the body prints each heading once). Furniture that reads like the body is kept in `PageLayout.doubtful`
too (an extraction doubt of the edition stage): a dated entry, a line that announces what follows (ends in
":"), a heading the body does not print besides.
The lines are kept in `PageLayout.furniture`, nothing is dropped.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

import regex as re

from ..config import Profile, profile
from ..model.records import Line, PageLayout
from ..tolerances import TOL, Tolerances

_N = r"(\d{1,4}|[ivxlc]{1,7}|[IVXLC]{1,7})"  # arabic or roman (front matter), one case
PAGE_LABELS = [
    re.compile(rf"^(?:Seite|S\.|Page)\s*{_N}(?:\s*(?:von|/|of)\s*\d{{1,4}})?$", re.I),
    re.compile(r"^(\d{1,4})\s*(?:/|von|of)\s*\d{1,4}$", re.I),
    re.compile(rf"^[-–—]\s*{_N}\s*[-–—]$"),
    re.compile(rf"^{_N}$"),
]
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def _headings(p: Profile) -> tuple[re.Pattern, ...]:
    """config/report.yaml numbering: the theme, goal, section and project headings (number, title)."""
    return (p.theme, p.goal, p.section, p.project)


@cache
def _labels(p: Profile) -> tuple[re.Pattern, ...]:
    """config/report.yaml labels: the block labels (not the generic "Label: value" shape of `extra`)."""
    return tuple(rx for name, rx in p.labels if name != "extra")


DOUBTFUL = ("entry", "announce")  # what a line set aside as furniture may read as, in doubt
_ANNOUNCES = re.compile(r"^\p{Lu}.{2,100}:$")


def heading_number(text: str, prof: Profile | None = None) -> str | None:
    """The number of a numbered heading with its title ("1. KLIMA" → "1", "1.2.3 umgesetzt" → "1.2.3"), or None;
    by the profile `prof` (default: the configuration in force)."""
    t = _SPACE.sub(" ", text.strip())
    for rx in _headings(prof or profile()):
        if (m := rx.match(t)) and m.re.groups > 1 and m.group(2):
            return m.group(1)
    return None


def reads_as(text: str, prof: Profile | None = None) -> str | None:
    """What a line reads as in the report's body: "label" (a block label), "heading" (numbered, with its
    title), "entry" (opens with a date, text after it), "announce" (ends in ":", like a label of unknown
    wording); None for anything else."""
    prof = prof or profile()
    t = _SPACE.sub(" ", text.strip())
    if any(rx.match(t) for rx in _labels(prof)):
        return "label"
    if heading_number(t, prof) is not None:
        return "heading"
    if _opens_with_date(t):
        return "entry"
    return "announce" if _ANNOUNCES.match(t) else None


def _opens_with_date(text: str) -> bool:
    """A line that opens with a date the report's date grammar reads (one or two words) and goes on."""
    from ..parse.dates import parse_date

    words = text.split()
    return any(
        len(words) > k and any(ch.isdigit() for ch in words[k - 1]) and parse_date(" ".join(words[:k])).start
        for k in (1, 2)
    )


def norm_key(text: str) -> str:
    """A line's text with digits masked and spaces collapsed: what a running header has on every page."""
    return _DIGITS.sub("#", _SPACE.sub(" ", text.strip()))


def page_label_number(text: str) -> int | None:
    """The page number a page label prints ("Seite 7 von 90" → 7, "- 7 -" → 7, "iv" → 4), or None."""
    t = text.strip()
    for rx in PAGE_LABELS:
        if m := rx.match(t):
            return _number(m.group(1))
    return None


def _number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    values = [_ROMAN[c] for c in s.lower()]
    n = sum(-v if v < w else v for v, w in zip(values, values[1:] + [0]))
    return n if _roman(n) == s.lower() else None  # only well-formed numerals: "vi", not "iiiiv"


def _roman(n: int) -> str:
    out = ""
    for v, r in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out, n = out + r, n - v
    return out


def is_legend(text: str, prof: Profile | None = None) -> bool:
    """The status legend, alone or followed by a page label ("… in Planung  Ideenspeicher  Seite 9")."""
    m = (prof or profile()).legend.match(text.strip())  # config/report.yaml legend.pattern
    return bool(m) and (not m.group(1) or page_label_number(m.group(1)) is not None)


@dataclass(frozen=True)
class _Edge:
    """A line of a page's top or bottom band: which edge, and its distance from that edge."""

    line: Line
    edge: str
    distance: float
    page: int


def _band_lines(page: PageLayout, tol: Tolerances) -> list[_Edge]:
    """The lines of a page's two bands, from each edge inwards, as long as they stay in the band."""
    out = []
    by_top = sorted(page.lines, key=lambda l: l.top)
    for l in by_top:
        if l.top >= tol.band * page.height:
            break
        out.append(_Edge(l, "top", l.top, page.number))
    for l in reversed(by_top):
        if l.bottom <= (1 - tol.band) * page.height:
            break
        out.append(_Edge(l, "bottom", page.height - l.bottom, page.number))
    return out


def _recurring(bands: list[list[_Edge]], need: int, tol: Tolerances, prof: Profile) -> set[int]:
    """ids of band lines printed on at least `need` pages at one distance from their edge, with numbers
    that stay the same or follow the page, at a place that mostly holds such lines (a body label that
    often opens a page shares its place with every other first line of a page: it is not furniture;
    one running header per chapter is)."""
    groups: dict[tuple[str, str], list[_Edge]] = defaultdict(list)
    for band in bands:
        for e in band:
            groups[(e.edge, norm_key(e.line.text))].append(e)
    found = []
    for hits in groups.values():
        for cluster in _clusters(sorted(hits, key=lambda e: e.distance), tol.position_tol):
            same = _consistent(cluster)
            if len({e.page for e in same}) >= need and _may_repeat(same, prof):
                found.append(same)
    recurring = {id(e.line) for c in found for e in c}
    return {id(e.line) for c in found if _furniture_place(c, recurring, bands, tol) for e in c}


def _may_repeat(cluster: list[_Edge], prof: Profile) -> bool:
    """Can the report's structure print this line on every page of the cluster? Not a block label (labels
    open blocks, any page may start with one); a heading only as one heading, one number on every page (the
    body prints each heading once: headings that differ are body)."""
    kind = reads_as(cluster[0].line.text, prof)
    if kind == "label":
        return False
    if kind != "heading":
        return True
    return len({heading_number(e.line.text, prof) for e in cluster}) == 1


def _consistent(cluster: list[_Edge]) -> list[_Edge]:
    """The lines of a cluster whose every number is either one value on all pages ("Stand 01.04.2025")
    or follows the page ("Seite 7"); numbered headings ("1.1 Strategisches Ziel 1", "2.1 …") do neither."""
    nums = [[int(x) for x in _DIGITS.findall(e.line.text)] for e in cluster]
    keep = list(range(len(cluster)))
    for j in range(min(map(len, nums))):
        const = Counter(n[j] for n in nums).most_common(1)[0]
        seq = Counter(n[j] - e.page for n, e in zip(nums, cluster)).most_common(1)[0]
        if const[1] >= seq[1]:
            keep = [i for i in keep if nums[i][j] == const[0]]
        else:
            keep = [i for i in keep if nums[i][j] - cluster[i].page == seq[0]]
    return [cluster[i] for i in keep]


def _furniture_place(cluster: list[_Edge], recurring: set[int], bands: list[list[_Edge]], tol: Tolerances) -> bool:
    """Do recurring lines make up at least `place_share` of all band lines printed where `cluster` is?"""
    lo, hi = cluster[0].distance - tol.position_tol, cluster[-1].distance + tol.position_tol
    here = [id(e.line) for band in bands for e in band if e.edge == cluster[0].edge and lo <= e.distance <= hi]
    return sum(1 for i in here if i in recurring) >= tol.place_share * len(here)


def _clusters(hits: list[_Edge], tol: float) -> list[list[_Edge]]:
    """Split band lines sorted by distance where consecutive distances differ by more than tol."""
    groups: list[list[_Edge]] = []
    for h in hits:
        if groups and h.distance - groups[-1][-1].distance <= tol:
            groups[-1].append(h)
        else:
            groups.append([h])
    return groups


def _label_offsets(pages: list[PageLayout], bands: list[list[_Edge]], tol: Tolerances) -> set[int]:
    """The offsets (physical page − printed number) that enough band page labels share: one for the
    arabic numbers, maybe another for a roman-numbered front matter."""
    offsets: Counter[int] = Counter()
    for p, band in zip(pages, bands):
        for off in {p.number - n for e in band if (n := page_label_number(e.line.text)) is not None}:
            offsets[off] += 1
    return {off for off, count in offsets.items() if count >= tol.min_pages}


def _page_furniture(page: PageLayout, band: list[_Edge], recurring, offsets: set[int], prof: Profile) -> set[int]:
    """ids of the lines that are furniture on this page: band lines from each edge inwards while they
    are furniture, and the legend wherever it is."""
    out = {id(l) for l in page.lines if is_legend(l.text, prof)}
    for edge in ("top", "bottom"):
        for e in (e for e in band if e.edge == edge):
            if not _is_furniture(page, e, recurring, offsets, prof):
                break
            out.add(id(e.line))
    return out


def _is_furniture(page: PageLayout, e: _Edge, recurring, offsets: set[int], prof: Profile) -> bool:
    text = e.line.text
    if id(e.line) in recurring or is_legend(text, prof):
        return True
    n = page_label_number(text)
    return n is not None and page.number - n in offsets


def remove_furniture(pages: list[PageLayout], tol: Tolerances = TOL, prof: Profile | None = None) -> None:
    """Move each page's furniture lines from `page.lines` into `page.furniture`; the report's wording from `prof`
    (default: the configuration in force)."""
    if not pages:
        return
    prof = prof or profile()
    need = min(tol.min_pages, max(2, len(pages)))
    bands = [_band_lines(p, tol) for p in pages]
    recurring = _recurring(bands, need, tol, prof)
    if _all_recurring(pages, recurring):
        return  # a document made only of recurring lines has no body to frame
    offsets = _label_offsets(pages, bands, tol)
    recurring = _outside_frame(pages, bands, recurring, offsets, tol, prof)
    for p, band in zip(pages, bands):
        out = _page_furniture(p, band, recurring, offsets, prof)
        if out:
            p.furniture.extend(l for l in p.lines if id(l) in out)
            p.lines = [l for l in p.lines if id(l) not in out]
    _mark_doubtful(pages, prof)


def _mark_doubtful(pages: list[PageLayout], prof: Profile) -> None:
    """Keep in `PageLayout.doubtful` the furniture lines that read like the body: a dated entry, a line that
    announces what follows, a heading the body does not print (set aside, it would be lost)."""
    body = {n for p in pages for l in p.lines if (n := heading_number(l.text, prof)) is not None}
    for p in pages:
        p.doubtful = [l for l in p.furniture if _reads_like_body(l.text, body, prof)]


def _reads_like_body(text: str, body: set[str], prof: Profile) -> bool:
    """A furniture line in doubt; `body`: the heading numbers the body prints."""
    kind = reads_as(text, prof)
    if kind == "heading":
        return heading_number(text, prof) not in body
    return kind in DOUBTFUL and not is_legend(text, prof)


def _outside_frame(
    pages: list[PageLayout],
    bands: list[list[_Edge]],
    recurring: set[int],
    offsets: set[int],
    tol: Tolerances,
    prof: Profile,
) -> set[int]:
    """Recurring lines that lie outside the body's frame: above where the body usually starts, below
    where it usually ends. A label that opens a few pages after some space ("Bemerkung (optional):"
    below the legend) recurs too, but inside the frame."""
    frame = _frame(pages, bands, recurring, offsets, tol, prof)
    return {
        id(e.line)
        for band in bands
        for e in band
        if id(e.line) in recurring and e.distance < frame[e.edge] - tol.frame_margin
    }


def _frame(pages, bands, recurring: set[int], offsets: set[int], tol: Tolerances, prof: Profile) -> dict[str, float]:
    """The body's usual first-line top and last-line bottom, as distances from their page edges: the
    `frame_quantile` of the pages (the fullest ones), lines that look like furniture left aside."""
    first, last = [], []
    for p in pages:
        body = sorted(
            (
                l
                for l in p.lines
                if id(l) not in recurring
                and not is_legend(l.text, prof)
                and not (page_label_number(l.text) is not None)
            ),
            key=lambda l: l.top,
        )
        if body:
            first.append(body[0].top)
            last.append(p.height - max(l.bottom for l in body))
    pick = lambda xs: sorted(xs)[int(tol.frame_quantile * (len(xs) - 1))] if xs else math.inf  # noqa: E731
    return {"top": pick(first), "bottom": pick(last)}


def _all_recurring(pages: list[PageLayout], recurring: set[int]) -> bool:
    return bool(recurring) and all(id(l) in recurring for p in pages for l in p.lines)
