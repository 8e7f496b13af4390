"""Regular expressions built from the configured words (config/lang-de.yaml): escaped, longest first."""

from __future__ import annotations

from collections.abc import Iterable

import regex as re


def alternation(words: Iterable[str], optional_dot: bool = False) -> str:
    """The words as one alternation, longest first so that a word never loses to its own prefix;
    with `optional_dot`, a word's final dot may be left out in the text ("Qu." reads "Qu" too)."""
    out = []
    for w in sorted(words, key=len, reverse=True):
        if optional_dot and w.endswith("."):
            out.append(re.escape(w[:-1]) + r"\.?")
        else:
            out.append(re.escape(w))
    return "|".join(out)
