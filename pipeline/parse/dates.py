"""Parse the report's messy date strings into an inclusive interval with precision and qualifier.

Order (as invoice2data does): our regex grammar for the German period forms → exact day dates →
dateparser, pinned, only for "<day> <month name> <year>" forms. Nothing is guessed: a string we do
not understand keeps `raw`, gets precision "unknown" and is reported as an anomaly by the caller.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from typing import NamedTuple

import regex as re

from ..config import DateWords, language, load
from .words import alternation

PRECISIONS = ["day", "week", "month", "quarter", "half_year", "season", "year", "multi_year", "unknown"]
QUALIFIERS = ["none", "since", "from", "ongoing", "recurring", "range", "list", "approx"]
_COARSE = {p: i for i, p in enumerate(PRECISIONS)}


def _coarseness(precision: str) -> int:
    """Rank of a precision, finer first (the coarser of two ends names a range)."""
    return _COARSE[precision]


@dataclass(frozen=True)
class DateInfo:
    raw: str
    start: dt.date | None
    end: dt.date | None
    precision: str
    qualifier: str

    def to_json(self) -> dict:
        d = asdict(self)
        d["start"] = self.start.isoformat() if self.start else None
        d["end"] = self.end.isoformat() if self.end else None
        return d

    @property
    def understood(self) -> bool:
        return self.precision != "unknown" or self.qualifier in ("ongoing", "recurring") or not self.raw.strip()


def _year(y: str) -> int:
    n = int(y)
    return n + 2000 if n < 100 else n


def _md(year: int, mmdd: str) -> dt.date:
    m, d = (int(x) for x in str(mmdd).split("-"))
    return dt.date(year, m, min(d, calendar.monthrange(year, m)[1]))


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _span(cfg: dict, year: int) -> tuple[dt.date, dt.date]:
    end_year = year + 1 if cfg.get("next_year_end") else year
    return _md(year, cfg["start"]), _md(end_year, cfg["end"])


def _month_no(word: str, words: DateWords) -> int | None:
    """'Jan.', 'Febr.', 'Sept', 'Oktober' → month number; abbreviations are prefixes of the name."""
    w = word.lower().rstrip(".")
    if len(w) >= 3:
        for i, name in enumerate(words.months, 1):
            if name.startswith(w):
                return i
    return words.month_variants.get(w)


Y = r"(\d{4}|\d{2})"


def _single_forms(words: DateWords) -> list[tuple[re.Pattern, str]]:
    """The patterns of one date expression, each with its kind (a key of _HANDLERS), built from the words."""
    quarter = alternation(words.quarter_words, optional_dot=True)  # "Qu.", "Quartal"
    half = alternation(words.half_words, optional_dot=True)  # "Hj.", "Halbjahr"
    week = alternation(words.week_words)  # "KW"
    return [
        # 24.09.2024, 1.4.24
        (re.compile(rf"^(\d{{1,2}})\.\s?(\d{{1,2}})\.\s?{Y}$"), "day"),
        # 09/2024, 09.2025, 11. 2024, 9-2024
        (re.compile(r"^(\d{1,2})\s?[./-]\s?(\d{4})$"), "month"),
        # 08/09.2024: two months of one year
        (re.compile(r"^(\d{1,2})/(\d{1,2})\.(\d{4})$"), "months"),
        # Jan. 2022, Sept. 2022, Okt 2024, Juni 2019
        (re.compile(r"^([A-Za-zÄÖÜäöü]{3,9})\.?\s*(\d{4})$"), "monthname"),
        # 1. April 2025, 01. Okt. 2024
        (re.compile(r"^(\d{1,2})\.?\s*([A-Za-zÄÖÜäöü]{3,9})\.?\s*(\d{4})$"), "daymonthname"),
        # 3. Qu. 2022, 4. Quartal 2023, Q1 2024, Q1/2024 ("Q1", "H2": the international notation)
        (re.compile(rf"^(?:([1-4])\.?\s*(?:{quarter})|Q\s?([1-4]))\s*/?\s*(\d{{4}})$", re.I), "quarter"),
        # 2. Hj. 2023, 2.Hj. 2024, 1. Halbjahr 2023, H2 2024
        (re.compile(rf"^(?:([12])\.?\s*(?:{half})|H\s?([12]))\s*/?\s*(\d{{4}})$", re.I), "half"),
        # KW 12/2025, KW12 2025, 12. KW 2025
        (re.compile(rf"^(?:(?:{week})\s?(\d{{1,2}})|(\d{{1,2}})\.?\s*(?:{week}))\s*[/.]?\s*(\d{{4}})$", re.I), "week"),
        # Herbst 2023, Frühj. 2022, Herb. 2022
        (re.compile(r"^([A-Za-zÄÖÜäöü]+)\.?\s*(\d{4})$"), "season"),
        # Anfang 2026, Mitte 2020, Ende 2025
        (re.compile(rf"^({alternation(words.year_parts)})\s+(\d{{4}})$", re.I), "yearpart"),
        # Ende Juni 2025, Anfang Okt. 2024
        (
            re.compile(rf"^({alternation(words.month_parts)})\s+([A-Za-zÄÖÜäöü]{{3,9}})\.?\s*(\d{{4}})$", re.I),
            "monthpart",
        ),
        # 2022
        (re.compile(r"^(\d{4})$"), "year"),
        # 2023/24, 2020/21, 2025/2026
        (re.compile(r"^(\d{4})\s?/\s?(\d{2}|\d{4})$"), "yearpair"),
    ]


@dataclass(frozen=True, eq=False)  # one object per configuration: hashed by identity (parse_date's cache key)
class _Grammar:
    """The date forms of config/lang-de.yaml `dates`: its words, the intervals of its period words, and the
    patterns built from them (words escaped; lowercase where matched without regard to case)."""

    words: DateWords
    spans: dict  # the intervals of the period words (seasons, halves, quarters, year_parts, month_parts)
    single: list[tuple[re.Pattern, str]]  # one date expression's patterns and their kinds, in order
    undated: list[tuple[re.Pattern, str]]  # word-only forms: a qualifier, no dates ("fortlaufend", "jährlich")
    qualifier_prefix: re.Pattern  # "seit", "ab", "ca." … before a date
    range_sep: re.Pattern  # what separates a range's two ends: a dash or the range words ("bis", as written)
    list_sep: re.Pattern  # what separates the dates of a list: the list words ("und", as written), ";", ","
    month_range: re.Pattern  # two month or season names sharing one year ("Mai/Juni 2024", "Juni bis August 2025")


def grammar() -> _Grammar:
    """The date forms of the configuration in force (config/lang-de.yaml `dates`), built once per configuration."""
    return _grammar(language().dates)


@cache
def _grammar(words: DateWords) -> _Grammar:
    range_word = alternation(words.range_words)  # "bis"; matched as written
    list_words = alternation(words.list_words)
    return _Grammar(
        words=words,
        spans=load("lang-de.yaml")["dates"],
        single=_single_forms(words),
        undated=[
            (re.compile(rf"^({alternation(words.ongoing)})$", re.I), "ongoing"),
            (re.compile(rf"^(\d+\s*x\s*)?({alternation(words.recurring)})$", re.I), "recurring"),
        ],
        qualifier_prefix=re.compile(rf"^({alternation(words.qualifiers)})\s+(.*)$", re.I),
        range_sep=re.compile(rf"\s*(?:–|—|-|{range_word})\s*"),
        list_sep=re.compile(rf"\s*(?:\b(?:{list_words})\b|/\s(?=\d)|(?<=\d{{4}})/(?=\d{{1,2}}\.)|;|,)\s*"),
        month_range=re.compile(rf"(\p{{L}}+\.?)\s*(?:/|[-–]|{range_word})\s*(\p{{L}}+\.?)\s+(\d{{4}})"),
    )


_NEXT = object()  # a handler's "not this form after all: try the next pattern"


def _h_day(m, g):
    d = dt.date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
    return d, d, "day", "none"


def _h_month(m, g):
    a, b = _month(int(m.group(2)), int(m.group(1)))
    return a, b, "month", "none"


def _h_months(m, g):
    y = int(m.group(3))
    a, _ = _month(y, int(m.group(1)))
    _, b = _month(y, int(m.group(2)))
    return (a, b, "month", "range") if a <= b else None


def _h_monthname(m, g):
    mo = _month_no(m.group(1), g.words)
    if not mo:
        return _NEXT
    a, b = _month(int(m.group(2)), mo)
    return a, b, "month", "none"


def _h_daymonthname(m, g):
    mo = _month_no(m.group(2), g.words)
    if not mo:
        return _NEXT
    d = dt.date(int(m.group(3)), mo, int(m.group(1)))
    return d, d, "day", "none"


def _h_quarter(m, g):
    a, b = _span(g.spans["quarters"][int(m.group(1) or m.group(2))], int(m.group(3)))
    return a, b, "quarter", "none"


def _h_half(m, g):
    a, b = _span(g.spans["halves"][int(m.group(1) or m.group(2))], int(m.group(3)))
    return a, b, "half_year", "none"


def _h_week(m, g):
    w, y = int(m.group(1) or m.group(2)), int(m.group(3))
    a = dt.date.fromisocalendar(y, w, 1)
    return a, a + dt.timedelta(days=6), "week", "none"


def _h_season(m, g):
    name = g.words.season_words.get(m.group(1).lower())
    if not name:
        return _NEXT
    a, b = _span(g.spans["seasons"][name], int(m.group(2)))
    return a, b, "season", "none"


def _h_yearpart(m, g):
    a, b = _span(g.spans["year_parts"][m.group(1).capitalize()], int(m.group(2)))
    return a, b, "season", "approx"


def _h_monthpart(m, g):
    mo = _month_no(m.group(2), g.words)
    if not mo:
        return _NEXT
    part = g.spans["month_parts"][m.group(1).capitalize()]
    y = int(m.group(3))
    last = calendar.monthrange(y, mo)[1]
    return dt.date(y, mo, part["start"]), dt.date(y, mo, min(part["end"], last)), "month", "approx"


def _h_year(m, g):
    y = int(m.group(1))
    return dt.date(y, 1, 1), dt.date(y, 12, 31), "year", "none"


def _h_yearpair(m, g):
    y1 = int(m.group(1))
    y2 = int(m.group(2)) if len(m.group(2)) == 4 else (y1 // 100) * 100 + int(m.group(2))
    if y2 == y1 + 1:  # "2023/24": a span of two (school/financial) years
        return dt.date(y1, 1, 1), dt.date(y2, 12, 31), "multi_year", "range"
    return None


# kind of a _single_forms pattern → its handler: (match, grammar) → (start, end, precision, qualifier),
# None (the string is of this form but no valid date: stop), or _NEXT (try the next pattern)
_HANDLERS = {
    "day": _h_day,
    "month": _h_month,
    "months": _h_months,
    "monthname": _h_monthname,
    "daymonthname": _h_daymonthname,
    "quarter": _h_quarter,
    "half": _h_half,
    "week": _h_week,
    "season": _h_season,
    "yearpart": _h_yearpart,
    "monthpart": _h_monthpart,
    "year": _h_year,
    "yearpair": _h_yearpair,
}


def _single(s: str, g: _Grammar) -> tuple[dt.date, dt.date, str, str] | None:
    """One date expression → (start, end, precision, qualifier) or None."""
    s = s.strip().rstrip(":,;").strip()
    for rx, kind in g.single:
        m = rx.match(s)
        handler = _HANDLERS.get(kind) if m else None
        if handler is None:
            continue
        try:
            out = handler(m, g)
        except (ValueError, KeyError):
            return None
        if out is not _NEXT:
            return out
    return None


def _dateparser_fallback(s: str):
    """dateparser for month-name spellings our table lacks ("1. Mrz. 2024", "Sep 2024"), pinned so it
    never invents a day: a month-only string becomes the whole month."""
    day = re.fullmatch(r"\d{1,2}\.?\s*\p{L}{3,}\.?\s+\d{4}", s)
    if not day and not re.fullmatch(r"\p{L}{3,}\.?\s*\d{4}", s):
        return None
    import dateparser

    parts = ["day", "month", "year"] if day else ["month", "year"]
    d = dateparser.parse(
        s,
        languages=["de"],
        settings={
            "PREFER_DAY_OF_MONTH": "first",
            "RELATIVE_BASE": dt.datetime(2000, 1, 1),
            "REQUIRE_PARTS": parts,
            "STRICT_PARSING": bool(day),
        },
    )
    if not d:
        return None
    if day:
        return d.date(), d.date(), "day", "none"
    a, b = _month(d.year, d.month)
    return a, b, "month", "none"


def _compact_range(s: str, g: _Grammar):
    """Ranges that share the year: "01.-03.10.2024", "01.09.-30.09.2024", "Mai/Juni 2024",
    "Sommer/Herbst 2025", "Juni - August 2025"."""
    if m := re.fullmatch(r"(\d{1,2})\.?\s*[-–]\s*(\d{1,2})\.(\d{1,2})\.(\d{4})", s):
        a, b = _single(f"{m[1]}.{m[3]}.{m[4]}", g), _single(f"{m[2]}.{m[3]}.{m[4]}", g)
    elif m := re.fullmatch(r"(\d{1,2}\.\d{1,2})\.?\s*[-–]\s*(\d{1,2}\.\d{1,2})\.(\d{4})", s):
        a, b = _single(f"{m[1]}.{m[3]}", g), _single(f"{m[2]}.{m[3]}", g)
    elif m := g.month_range.fullmatch(s):
        a, b = _single(f"{m[1]} {m[3]}", g), _single(f"{m[2]} {m[3]}", g)
    else:
        return None
    if a and b and a[0] <= b[1]:
        return a[0], b[1], max(a[2], b[2], key=_coarseness)
    return None


def _drop_trailing_note(s: str) -> str:
    """Remove a final "(…)" note, as `\\s*\\([^)]*\\)\\s*$` did but in linear time: that regex retried from
    every "(" and took 20 s on 80,000 of them (PDF text is untrusted)."""
    t = s.rstrip()
    if not t.endswith(")"):
        return s
    body = t[:-1]
    k = body.find("(", body.rfind(")") + 1)  # the first "(" after the last other ")"
    return body[:k].rstrip() if k >= 0 else s


class _Span(NamedTuple):
    """A date form's reading: inclusive interval, precision, and the qualifier the form itself implies."""

    start: dt.date
    end: dt.date
    precision: str
    qualifier: str


def _normalise(raw: str) -> str:
    """Collapse whitespace and drop a final "(…)" note and colon: "01.04.2025 (vorher in Planung)"."""
    s = re.sub(r"\s+", " ", raw).strip()
    s = _drop_trailing_note(s)
    return s.rstrip(":").strip()


def _undated(raw: str, s: str, g: _Grammar) -> DateInfo | None:
    """An empty string, or a word that names no date but a kind of schedule ("fortlaufend", "jährlich")."""
    if not s:
        return DateInfo(raw, None, None, "unknown", "none")
    for rx, qualifier in g.undated:
        if rx.match(s):
            return DateInfo(raw, None, None, "unknown", qualifier)
    return None


def _split_qualifier(s: str, g: _Grammar) -> tuple[str | None, str]:
    """A leading "seit"/"ab"/"bis"/"ca." … → (its qualifier, the rest); (None, s) without one. A prefix that
    matched but is no key (another case folding) is approx."""
    m = g.qualifier_prefix.match(s)
    if not m:
        return None, s
    return g.words.qualifiers.get(m.group(1).lower(), "approx"), m.group(2)


def _as_single(s: str, g: _Grammar) -> _Span | None:
    """One date expression ("24.09.2024", "Herbst 2023"), dateparser as the last resort."""
    one = _single(s, g) or _dateparser_fallback(s)
    return _Span(*one) if one else None


def _as_compact_range(s: str, g: _Grammar) -> _Span | None:
    """A range whose ends share the year: "01.-03.10.2024", "Mai/Juni 2024"."""
    r = _compact_range(s, g)
    if not r:
        return None
    a, b, precision = r
    return _Span(a, b, precision, "range")


def _as_range(s: str, g: _Grammar) -> _Span | None:
    """Two full dates around a dash or "bis": "01.09.2023 – 29.02.2024", "2025 - 2027" (multi_year)."""
    parts = [x for x in g.range_sep.split(s) if x]
    if len(parts) != 2:
        return None
    first, last = _single(parts[0], g), _single(parts[1], g)
    if not (first and last) or first[0] > last[1]:
        return None
    p = max(first[2], last[2], key=_coarseness)
    return _Span(first[0], last[1], "multi_year" if p == "year" else p, "range")


def _as_list(s: str, g: _Grammar) -> _Span | None:
    """Several dates: "16.06.2024 und 14.10.2024", "2020/01.10.2024" → first … last, the coarsest precision."""
    parts = [x for x in g.list_sep.split(s) if x]
    if len(parts) < 2:
        return None
    got = [one for x in parts if (one := _single(x, g))]
    if not got or len(got) != len(parts):
        return None
    p = max((one[2] for one in got), key=_coarseness)
    return _Span(min(one[0] for one in got), max(one[1] for one in got), p, "list")


# the date forms after the qualifier, tried in order; the first that reads the string wins
DATE_FORMS: list[tuple[str, Callable[[str, _Grammar], _Span | None]]] = [
    ("single", _as_single),
    ("compact_range", _as_compact_range),
    ("range", _as_range),
    ("list", _as_list),
]


def parse_date(text: str) -> DateInfo:
    """Parse one date string of the report into a DateInfo; never raises, never guesses."""
    return _parse_date(text, grammar())


@lru_cache(maxsize=4096)
def _parse_date(text: str, g: _Grammar) -> DateInfo:
    """parse_date under the date words of one configuration (a changed configuration reads anew)."""
    raw = text if isinstance(text, str) else ""
    s = _normalise(raw)
    if undated := _undated(raw, s, g):
        return undated
    qualifier, s = _split_qualifier(s, g)
    for _name, form in DATE_FORMS:
        if span := form(s, g):
            return DateInfo(raw, span.start, span.end, span.precision, qualifier or span.qualifier)
    return DateInfo(raw, None, None, "unknown", "none")
