"""De-hyphenation: a hyphen a producer inserted at a line break is removed, one that belongs to the word stays.

Evidence, strongest first: a soft hyphen (U+00AD) in the text layer; the word printed unbroken elsewhere in
the edition; the hyphenated form printed on one line; the continuation's case (or an abbreviation or number
before the hyphen); two adjectives joined ("politisch-strukturell", word forms of config/lang-de.yaml
joining); a syllable break of the hyphenation dictionary (pyphen: LibreOffice's patterns). A break nothing
decides is kept as printed and doubted (`hyphen_undecided`, info). An edition whose producer does not
hyphenate (few line-end hyphens before lower-case words, TOL.hyphenating_share) keeps its hyphens as
printed: they are the author's own ("weiterzu-" + "entwickeln" typed by hand in the county's files).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import regex as re

from ..config import Language, language
from ..model.kinds import register
from ..model.records import Anomaly, Box, Edition, HyphenBreak, Line, Word
from ..tolerances import TOL, Tolerances

HYPHEN_UNDECIDED = register(
    "hyphen_undecided",
    "info",
    "Extraction doubt: a line-end hyphen of a hyphenating producer that neither the edition's own text nor the "
    "hyphenation dictionary tells inserted or part of the word; kept as printed.",
    source="extraction",
)

SOFT = "\u00ad"
WEAK = ("adjectives", "dictionary", "undecided")  # evidence a build weighs again with its other editions' words
EVIDENCE = ("words", "hyphen_breaks")  # the Edition's fields that hold hyphen evidence, not text
HYPHENS = ("-", SOFT)
LEADING = "„“\"'‚‘«»(["  # punctuation that may open a word
TRAILING = ".,;:!?)]“”\"'‘’»«"  # … or close it


class Decision(NamedTuple):
    """Whether a line-final hyphen stays (True), goes (False) or is undecided (None), and the evidence."""

    keep: bool | None
    evidence: str  # soft | unbroken | one_line | case | adjectives | dictionary | undecided


def _key(word: str) -> str:
    """A word as the vocabulary counts it: its first letter's case aside (a sentence may open with it)."""
    return word[:1].lower() + word[1:]


def core(word: str) -> str:
    """A word without the punctuation around it ("„On-Demand-" → "On-Demand-")."""
    return word.lstrip(LEADING).rstrip(TRAILING)


def broken(last: Word) -> bool:
    """Does a line end in a word with a hyphen at its end and no drawn space after it ("umge-")?"""
    return len(last.text) > 1 and last.text.endswith(HYPHENS) and not last.space_after


def vocabulary(lines: Sequence[Line]) -> Counter[str]:
    """The words printed whole in the edition (a line's broken last word and its continuation are not)."""
    keys: list[str] = []
    cut = False
    for ln in lines:
        ws = ln.words[1:] if cut else ln.words
        cut = broken(ln.words[-1])
        ws = ws[:-1] if cut else ws
        # _key(core(w.text)), inlined: ~80,000 words an edition
        keys += [(t := w.text.lstrip(LEADING).rstrip(TRAILING))[:1].lower() + t[1:] for w in ws]
    return Counter(keys)  # counted once: the same counts, in the same order, as one update per line


def hyphenating(lines: Sequence[Line], tol: Tolerances = TOL) -> bool:
    """Does the edition's producer hyphenate: do more than tol.hyphenating_share of its lines end in a
    hyphen before a lower-case word (the county's hand-set hyphens are far fewer)?"""
    conjunctions = language().conjunctions
    n = sum(
        1
        for a, b in zip(lines, lines[1:])
        if broken(a.words[-1]) and b.words[0].text[:1].islower() and b.words[0].text not in conjunctions
    )
    return n > tol.hyphenating_share * len(lines)


@cache
def _dictionary(name: str):
    """The hyphenation dictionary of a language (config/lang-de.yaml joining.dictionary), loaded once."""
    import pyphen

    return pyphen.Pyphen(lang=name)


@cache
def _adjective(w: Language) -> re.Pattern:
    """An adjective in lower case, as config/lang-de.yaml joining spells its endings."""
    alt = lambda xs: "|".join(re.escape(x) for x in sorted(xs, key=len, reverse=True))
    return re.compile(rf"\p{{Ll}}+(?:{alt(w.adjective_endings)})(?:{alt(w.inflections)})?")


def by_case(head: str, tail: str) -> bool | None:
    """Keep the hyphen before an upper-case word or a number ("Car-" + "Sharing", "2021-" + "2024") and
    after an abbreviation or a number ("E-" + "mobilität", "CO2-" + "reduzierte"), and before a conjunction
    ("Kinder-" + "und": a suspended compound); None: case says nothing."""
    if tail[:1].isdigit() or head[-1:].isdigit() or tail in language().conjunctions:
        return True
    if tail[:1].isupper():
        return None if head.isupper() and tail.isupper() else True  # a word in capitals broken: undecided here
    return True if head[-1:].isupper() else None


def adjectives(head: str, tail: str) -> bool:
    """Two adjectives joined by a hyphen ("naturwissenschaftlich-" + "technischen")."""
    return head.lower().endswith(language().adjective_suffixes) and bool(_adjective(language()).fullmatch(tail))


def syllable_break(head: str, tail: str) -> bool | None:
    """Is the break a syllable break of the joined word by the dictionary? None: no word to look up."""
    word = head + tail
    if not word.isalpha():
        return None
    return len(head) in _dictionary(language().dictionary).positions(word.lower())


def decide(left: str, right: str, vocab: Counter[str] | None = None) -> Decision:
    """The decision on a line-final hyphen: `left` the broken word with its hyphen, `right` the next word."""
    if left.endswith(SOFT):
        return Decision(False, "soft")
    head, tail = core(left[:-1]), core(right)
    if not head or not tail:
        return Decision(None, "undecided")
    if vocab is not None:
        if vocab[_key(head + tail)]:
            return Decision(False, "unbroken")
        if vocab[_key(f"{head}-{tail}")]:
            return Decision(True, "one_line")
    if (keep := by_case(head, tail)) is not None:
        return Decision(keep, "case")
    if adjectives(head, tail):
        return Decision(True, "adjectives")
    if syllable_break(head, tail):
        return Decision(False, "dictionary")
    return Decision(None, "undecided")


@dataclass
class Hyphenation:
    """One edition's evidence for its line-end hyphens, and the breaks it could not decide."""

    vocab: Counter[str]
    active: bool  # the producer hyphenates: weigh each break (else only soft hyphens go)
    doubts: dict[tuple, Anomaly] = field(default_factory=dict)
    breaks: dict[tuple, HyphenBreak] = field(default_factory=dict)  # decided by weak evidence (WEAK)

    def removes(self, last: Word, nxt: Word, page: int | None) -> bool:
        """Does the hyphen ending `last` go when the line is joined to the one starting with `nxt`?"""
        if last.text.endswith(SOFT):
            return True
        if not self.active:
            return False
        d = decide(last.text, nxt.text, self.vocab)
        if d.evidence in WEAK:
            printed = f"{last.text} {nxt.text}"
            key = (page, last.x0, last.top, last.text)
            self.breaks[key] = HyphenBreak(core(last.text[:-1]), core(nxt.text), d.keep, d.evidence, printed)
        if d.keep is None:
            self._doubt(last, nxt, page)
        return d.keep is False

    def _doubt(self, last: Word, nxt: Word, page: int | None) -> None:
        """Record an undecided break (once, however often its lines are joined)."""
        box = None if page is None else Box(page, *(round(v, 2) for v in (last.x0, last.top, last.x1, last.bottom)))
        key = (page, last.x0, last.top, last.text)
        self.doubts.setdefault(
            key,
            HYPHEN_UNDECIDED.anomaly(
                page,
                f"line-end hyphen in '{last.text}' + '{nxt.text}' kept as printed: neither the edition nor the "
                "dictionary tells whether the producer inserted it",
                None,
                box,
                f"{last.text} {nxt.text}",
            ),
        )


PLAIN = Hyphenation(Counter(), False)  # outside an edition's reading: hyphens kept as printed, soft ones go
_CURRENT: ContextVar[Hyphenation] = ContextVar("hyphenation", default=PLAIN)


def current() -> Hyphenation:
    """The hyphenation evidence of the edition being read."""
    return _CURRENT.get()


@contextmanager
def reading(lines: Sequence[Line], tol: Tolerances = TOL) -> Iterator[Hyphenation]:
    """Read an edition's text with the evidence of its `lines` (the joins of fields and tables consult it)."""
    h = Hyphenation(vocabulary(lines), hyphenating(lines, tol))
    token = _CURRENT.set(h)
    try:
        yield h
    finally:
        _CURRENT.reset(token)


# ---------------------------------------------------------------- a build: the words of its other editions


def across(editions: list[Edition]) -> list[Edition]:
    """The editions of a build, each with the line-end hyphens its own text left to weak evidence (WEAK) weighed
    again by the words the other editions print whole; an edition whose text changes is a new copy (the
    Edition read from its PDF, and cached, stays as read)."""
    counts = Counter(w for ed in editions for w in set(ed.words))
    return [_resolved(ed, counts) for ed in editions]


def _others_say(b: HyphenBreak, counts: Counter[str], own: set[str]) -> bool | None:
    """What the other editions print whole: the joined word (False: the hyphen goes), the hyphenated one
    (True: it stays), or neither (None)."""
    for form, keep in ((b.head + b.tail, False), (f"{b.head}-{b.tail}", True)):
        if counts[_key(form)] > (_key(form) in own):
            return keep
    return None


def _resolved(ed: Edition, counts: Counter[str]) -> Edition:
    """`ed` with its weak breaks settled by the other editions' words (`counts` holds every edition's)."""
    own = set(ed.words)
    held: dict[str, str] = {}  # a printed break → the form the text holds for it
    wanted: dict[str, str] = {}  # a form the text holds → the form the other editions print
    made: Counter[str] = Counter()  # how many weak breaks made each form to change
    for b in ed.hyphen_breaks:
        keep = _others_say(b, counts, own)
        if keep is None:
            continue
        joined, hyphened = b.head + b.tail, f"{b.head}-{b.tail}"
        form = joined if b.keep is False else hyphened
        held[b.printed] = form
        if keep != (b.keep is not False):
            wanted[form] = hyphened if keep else joined
            made[form] += 1
    changes = _only_from_breaks(ed, wanted, made)
    settled = {p for p, form in held.items() if form in changes or not made[form]}
    if not settled:
        return ed
    out = _substituted(ed, _substitution(changes).sub) if changes else dataclasses.replace(ed)
    out.anomalies = [a for a in out.anomalies if not (a.kind == "hyphen_undecided" and a.evidence in settled)]
    return out


def _only_from_breaks(ed: Edition, wanted: dict[str, str], made: Counter[str]) -> dict[str, str]:
    """The changes of `wanted` whose every printing in the text came from a weak break (none from a firm one:
    a soft hyphen, or the word printed whole)."""
    if not wanted:
        return {}
    found = Counter(m for t in _texts(ed) for m in _substitution(wanted).pattern.findall(t))
    return {w: v for w, v in wanted.items() if found[w] == made[w]}


class _Rewrite(NamedTuple):
    """Changed words rewritten where they stand whole in a text (`pattern` finds them, `sub` rewrites)."""

    pattern: re.Pattern
    changes: dict[str, str]

    def sub(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.changes[m.group(0)], text)


def _substitution(changes: dict[str, str]) -> _Rewrite:
    """The rewrite of each changed word where it stands whole (not inside a longer word or compound)."""
    alt = "|".join(re.escape(w) for w in sorted(changes, key=len, reverse=True))
    return _Rewrite(re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])"), changes)


def _texts(obj) -> Iterator[str]:
    """Every text of a record tree (the hyphen evidence itself aside)."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from _texts(x)
    elif isinstance(obj, dict):
        for x in obj.values():
            yield from _texts(x)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name not in EVIDENCE:
                yield from _texts(getattr(obj, f.name))


def _substituted(obj, sub):
    """A copy of a record tree with `sub` applied to every text in it (the hyphen evidence itself left as is)."""
    if isinstance(obj, str):
        return sub(obj)
    if isinstance(obj, list):
        return [_substituted(x, sub) for x in obj]
    if isinstance(obj, tuple):
        return tuple(_substituted(x, sub) for x in obj)
    if isinstance(obj, dict):
        return {k: _substituted(v, sub) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        kept = ("words", "hyphen_breaks")
        return dataclasses.replace(
            obj,
            **{f.name: _substituted(getattr(obj, f.name), sub) for f in dataclasses.fields(obj) if f.name not in kept},
        )
    return obj
