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

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import regex as re

from ..config import language
from ..model.records import Anomaly, Box, Line, Word
from ..tolerances import TOL

SOFT = "\u00ad"
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
    words: Counter[str] = Counter()
    cut = False
    for ln in lines:
        ws = ln.words[1:] if cut else ln.words
        cut = broken(ln.words[-1])
        ws = ws[:-1] if cut else ws
        words.update(_key(core(w.text)) for w in ws)
    return words


def hyphenating(lines: Sequence[Line]) -> bool:
    """Does the edition's producer hyphenate: do more than TOL.hyphenating_share of its lines end in a
    hyphen before a lower-case word (the county's hand-set hyphens are far fewer)?"""
    n = sum(
        1
        for a, b in zip(lines, lines[1:])
        if broken(a.words[-1]) and b.words[0].text[:1].islower() and b.words[0].text not in _words().conjunctions
    )
    return n > TOL.hyphenating_share * len(lines)


@cache
def _words():
    return language()


@cache
def _dictionary():
    import pyphen

    return pyphen.Pyphen(lang=_words().dictionary)


@cache
def _adjective() -> re.Pattern:
    """An adjective in lower case, as config/lang-de.yaml joining spells its endings."""
    w = _words()
    alt = lambda xs: "|".join(re.escape(x) for x in sorted(xs, key=len, reverse=True))
    return re.compile(rf"\p{{Ll}}+(?:{alt(w.adjective_endings)})(?:{alt(w.inflections)})?")


def by_case(head: str, tail: str) -> bool | None:
    """Keep the hyphen before an upper-case word or a number ("Car-" + "Sharing", "2021-" + "2024") and
    after an abbreviation or a number ("E-" + "mobilität", "CO2-" + "reduzierte"), and before a conjunction
    ("Kinder-" + "und": a suspended compound); None: case says nothing."""
    if tail[:1].isdigit() or head[-1:].isdigit() or tail in _words().conjunctions:
        return True
    if tail[:1].isupper():
        return None if head.isupper() and tail.isupper() else True  # a word in capitals broken: undecided here
    return True if head[-1:].isupper() else None


def adjectives(head: str, tail: str) -> bool:
    """Two adjectives joined by a hyphen ("naturwissenschaftlich-" + "technischen")."""
    return head.lower().endswith(_words().adjective_suffixes) and bool(_adjective().fullmatch(tail))


def syllable_break(head: str, tail: str) -> bool | None:
    """Is the break a syllable break of the joined word by the dictionary? None: no word to look up."""
    word = head + tail
    if not word.isalpha():
        return None
    return len(head) in _dictionary().positions(word.lower())


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

    def removes(self, last: Word, nxt: Word, page: int | None) -> bool:
        """Does the hyphen ending `last` go when the line is joined to the one starting with `nxt`?"""
        if last.text.endswith(SOFT):
            return True
        if not self.active:
            return False
        d = decide(last.text, nxt.text, self.vocab)
        if d.keep is None:
            self._doubt(last, nxt, page)
        return d.keep is False

    def _doubt(self, last: Word, nxt: Word, page: int | None) -> None:
        """Record an undecided break (once, however often its lines are joined)."""
        box = None if page is None else Box(page, *(round(v, 2) for v in (last.x0, last.top, last.x1, last.bottom)))
        key = (page, last.x0, last.top, last.text)
        self.doubts.setdefault(
            key,
            Anomaly(
                "hyphen_undecided",
                "info",
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
def reading(lines: Sequence[Line]) -> Iterator[Hyphenation]:
    """Read an edition's text with the evidence of its `lines` (the joins of fields and tables consult it)."""
    h = Hyphenation(vocabulary(lines), hyphenating(lines))
    token = _CURRENT.set(h)
    try:
        yield h
    finally:
        _CURRENT.reset(token)
