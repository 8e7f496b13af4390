"""Split a committee consultation line into OParl-aligned fields.

"Kreistag, Beschlussvorlage 029/2024" → body "Kreistag" (Organization.name), paper_type
"Beschlussvorlage" (Paper.paperType), paper_reference "029/2024" (Paper.reference); agenda items
("TOP 14.5", "Ö2") and anything else (a quoted resolution, a topic) are kept as `agenda_item`/`note`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from typing import NamedTuple

import regex as re

from ..config import CommitteeWords, language
from .words import alternation

REFERENCE = re.compile(r"(?<![\d/])(\d{1,4}/\d{4}(?:-\d{1,2})?)(?![\d/])")
SEPARATOR = re.compile(r"(?<!-),\s|\s[–—-]\s|/(?=\p{Lu})")


@dataclass(frozen=True, eq=False)  # one object per configuration: hashed by identity
class _Grammar:
    """config/lang-de.yaml `committee`: the words of a consultation line and the patterns built from them."""

    words: CommitteeWords
    paper_type: re.Pattern  # a paper type, in the singular or plural ("Beschlussvorlage(n)")
    canonical: dict[str, str]  # a paper type lowercased → as configured
    agenda: re.Pattern  # an agenda item ("TOP 14.5", "Ö2")
    body_phrase: re.Pattern  # a committee's name ("Ausschuss für …")
    genitive: re.Pattern  # a body word's genitive ending ("Kreisausschusses")
    abbreviations: list[tuple[re.Pattern, str]]  # abbreviation before a space → the word (and the space)
    rest: re.Pattern  # function words at either end, or an agenda word alone: dropped from the note


def grammar() -> _Grammar:
    """The committee words of the configuration in force, built into patterns once per configuration."""
    return _grammar(language().committee)


@cache
def _grammar(w: CommitteeWords) -> _Grammar:
    top = alternation(w.agenda_words)  # "TOP"
    session = alternation(w.agenda_sessions)  # "Ö", "N"
    function_words = rf"(?:{alternation(w.function_words)})"
    return _Grammar(
        words=w,
        paper_type=re.compile(
            rf"(?<!\p{{L}})({alternation(w.paper_types)})(?:{alternation(w.plural_endings)})?(?!\p{{L}})", re.I
        ),
        canonical={t.lower(): t for t in w.paper_types},
        agenda=re.compile(
            rf"(?<!\p{{L}})((?:{top})\s*(?:(?:{session})\s?)?\d+(?:\.\d+)*|(?:{session})\s?\d+(?:\.\d+)*)(?![\p{{L}}\d])"
        ),
        body_phrase=re.compile(
            rf"(?i)(\p{{L}}*(?:{alternation(w.body_words)})\p{{L}}*(?:\s+(?:{alternation(w.subject_words)})\s+[^,;]+)?)"
        ),
        genitive=re.compile(
            rf"^(\p{{L}}*(?:{alternation(w.genitive_words)}))(?:{alternation(w.genitive_endings)})\b", re.I
        ),
        abbreviations=[(re.compile(rf"\b{re.escape(a)}\s"), f"{word} ") for a, word in w.abbreviations.items()],
        rest=re.compile(rf"^(?:{function_words}\s+)+|(?:\s+{function_words})+$|^{function_words}$|^(?:{top})$"),
    )


@dataclass(frozen=True)
class Consultation:
    body: str  # the Gremium as printed
    body_name: str  # normalised
    body_kind: str  # Kreistag | Kreisausschuss | Ausschuss | Beirat | other
    paper_type: str
    paper_reference: str
    agenda_item: str
    note: str

    def to_json(self) -> dict:
        return asdict(self)


def normalise_body(body: str, g: _Grammar | None = None) -> str:
    """A committee's name as printed, normalised: one space, genitive ending and abbreviations undone."""
    g = g or grammar()
    b = re.sub(r"\s+", " ", body).strip(" ,;:–-")
    b = g.genitive.sub(r"\1", b)  # "Kreisausschusses" → "Kreisausschuss"
    b = b[:1].upper() + b[1:]
    for rx, word in g.abbreviations:
        b = rx.sub(lambda _, w=word: w, b)  # the word as it is: no group references
    return b


def body_kind(name: str, g: _Grammar | None = None) -> str:
    """The kind of a committee by its name: the word it opens with, else one it holds (lang-de.yaml)."""
    words = (g or grammar()).words
    low = name.lower()
    for word, kind in words.kind_openings.items():
        if low.startswith(word.lower()):
            return kind
    for word, kind in words.kind_words.items():
        if word.lower() in low:
            return kind
    return "other"


class _Marks(NamedTuple):
    """What a consultation line names besides its body: the paper's reference, agenda item and type."""

    reference: re.Match | None
    agenda: re.Match | None
    paper_type: re.Match | None


TRIM = " ,;:–-/"  # what a body is stripped of at both ends


def _split_quote(s: str) -> tuple[str, str]:
    """A quoted resolution or topic runs to the end of the line: (the line before it, the quote)."""
    if q := re.search(r"[„\"](.+)$", s):
        return s[: q.start()].strip(), q.group(0).strip()
    return s, ""


def _paper_type(s: str, ref: re.Match | None, g: _Grammar) -> re.Match | None:
    """The paper type that names the paper: the last before the reference, else the first found."""
    # a paper type opens a segment ("…, Beschlussvorlage") or names the reference right after it
    types = [
        t
        for t in g.paper_type.finditer(s)
        if re.search(r"(^|[,;/–—-])\s*$", s[: t.start()]) or (ref and 0 <= ref.start() - t.end() <= 3)
    ]
    before_ref = [t for t in types if ref and t.end() <= ref.start()]
    return before_ref[-1] if before_ref else (types[0] if types else None)


def _marks(s: str, g: _Grammar) -> _Marks:
    """Find the reference, agenda item and paper type of a line."""
    ref = REFERENCE.search(s)
    return _Marks(ref, g.agenda.search(s), _paper_type(s, ref, g))


def _body_end(s: str, marks: _Marks) -> int:
    """Where the body's text ends: at the first separator, paper type, agenda item or reference."""
    found = [m.start() for m in (SEPARATOR.search(s), marks.paper_type, marks.agenda, marks.reference) if m]
    return min(found, default=len(s))


def _is_name_item(seg: str, g: _Grammar) -> bool:
    """A short capitalised list item that is no paper type, reference or agenda item."""
    if len(seg.split()) > 3 or not seg[:1].isupper():
        return False
    return not (g.paper_type.search(seg) or REFERENCE.search(seg) or g.agenda.search(seg))


def _extend_listed_subject(body: str, after: str, g: _Grammar) -> str:
    """ "Ausschuss für Bildung, Integration, Schule u. Sport, Allgemeine Informationen …": the name
    goes on over short capitalised list items."""
    for seg in re.split(r"(?<!-),\s", after.lstrip(", "))[:4]:
        if not _is_name_item(seg, g):
            break
        body = f"{body}, {seg}"
    return body


def _body(s: str, cut: int, g: _Grammar) -> str:
    """The committee as printed: the body phrase of the text before `cut`, else the first in the line."""
    body = s[:cut].strip(TRIM)
    if body.startswith(g.words.listed_subjects):
        body = _extend_listed_subject(body, s[cut:], g)
    if m := g.body_phrase.search(body):
        return body[m.start() :].strip(TRIM)
    m = g.body_phrase.search(s)
    return m.group(1).strip(TRIM) if m else ""


def _rest(s: str, parts: tuple[str, ...], g: _Grammar) -> str:
    """The line without the fields read from it (each removed once), separators and function words."""
    rest = s
    for part in parts:
        if part:
            rest = rest.replace(part, " ", 1)
    rest = re.sub(r"^[\s,;:–—/-]+|[\s,;:–—/-]+$", "", re.sub(r"\s*([,;])(\s*[,;])+", r"\1", rest))
    rest = re.sub(r"\s+", " ", rest).strip(" ,;–-")
    return g.rest.sub("", rest).strip(" ,;–-")


def _group(m: re.Match | None, n: int) -> str:
    """Group n of a match, "" without one."""
    return m.group(n) if m else ""


def parse_committee(text: str) -> Consultation:
    """Never raises: unknown shapes leave fields empty and everything in `note`."""
    g = grammar()
    s, quote = _split_quote(re.sub(r"\s+", " ", text if isinstance(text, str) else "").strip())
    marks = _marks(s, g)
    reference, agenda = _group(marks.reference, 1), _group(marks.agenda, 1)
    printed_type = _group(marks.paper_type, 1)
    paper_type = g.canonical[printed_type.lower()] if printed_type else ""
    body = _body(s, _body_end(s, marks), g)
    rest = _rest(s, (body, _group(marks.paper_type, 0), reference, agenda), g)
    note = " ".join(x for x in (rest, quote) if x)
    agenda_item = re.sub(r"\s+", " ", agenda)
    name = normalise_body(body, g)
    return Consultation(body, name, body_kind(name, g) if name else "other", paper_type, reference, agenda_item, note)
