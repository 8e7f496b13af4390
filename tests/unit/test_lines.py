"""Glyphs into lines and words (pipeline/layout/lines.py): the compiled grouping of `_glyphs.c` against the
Python reference, on hand-built glyphs that reach every branch (the corpus pages: tests/test_engines.py)."""

import pytest

from pipeline.layout import lines
from pipeline.model.records import Char, Word


def ch(text, x0, bottom=100.0, size=10.0, width=5.0, bold=False):
    """One upright glyph, `width` wide, its top a size above its bottom."""
    return Char(text, x0, x0 + width, bottom - size, bottom, size, bold)


def both_words(row, has_spaces=True):
    """The compiled and the reference words of one line, asserted identical (values, types, float reprs)."""
    fast, ref = lines._words(row, has_spaces), lines._words(row, has_spaces, compiled=False)
    assert repr(fast) == repr(ref)
    assert [tuple(map(type, w)) for w in fast] == [tuple(map(type, w)) for w in ref]
    assert all(type(w) is Word for w in fast)
    return fast


def both_rows(chars):
    """The compiled and the reference lines of one page, asserted identical."""
    fast, ref = lines._group_lines(chars), lines._group_lines(chars, compiled=False)
    assert fast == ref and all(type(r) is list for r in fast)
    return fast


def test_compiled_grouping_is_built():
    """CI has a C compiler: the fast path must be there (a user without one gets the reference)."""
    assert lines._glyphs is not None, "pipeline/layout/_glyphs.c was not compiled at install"


def test_words_split_at_spaces_and_gaps():
    """A drawn space ends a word with a space after it; a wide gap ends one without; glyphs out of order are sorted."""
    row = [ch("b", 5.0), ch("a", 0.0), ch(" ", 10.0), ch("c", 15.0), ch("d", 40.0)]
    ws = both_words(row)
    assert [(w.text, w.x0, w.x1, w.space_after) for w in ws] == [
        ("ab", 0.0, 10.0, True),
        ("c", 15.0, 20.0, False),
        ("d", 40.0, 45.0, False),
    ]
    assert [w.space_after for w in both_words(row, has_spaces=False)] == [None, None, None]


def test_fake_bold_and_blanks():
    """The same glyph printed twice a hair apart is one glyph; NBSP, ideographic and multi-character blanks split."""
    row = [
        ch("x", 0.0),
        ch("x", 0.01),
        ch("y", 5.0),
        ch("\u00a0", 10.0),
        ch("z", 15.0),
        ch("\u3000", 20.0),
        ch("w", 25.0),
        ch("  ", 30.0),
        ch("v", 35.0),
        ch("\u200b", 40.0, width=0.0),
        ch("u", 40.0),
    ]
    ws = both_words(row)
    assert [w.text for w in ws] == ["xy", "z", "w", "v\u200bu"]
    assert [w.text for w in both_words([ch(" ", 0.0), ch(" ", 5.0)])] == []
    assert both_words([]) == []


def test_rounding_sizes_and_types():
    """Coordinates rounded to 3 places as Python rounds (halves, negative zero, ints kept ints); size 0 gaps."""
    row = [
        ch("a", 0.0005, size=0.0, width=0.001),
        ch("b", 1.0015, size=0.0, width=0.001),
        Char("c", 3, 4, -1, 0, 1, True),
        ch("d", -2.0004, bottom=-2.5e-4, width=1.0),
    ]
    ws = both_words(row)
    assert [(w.text, w.x0, type(w.x1)) for w in ws] == [
        ("d", -2.0, float),
        ("a", round(0.0005, 3), float),
        ("b", round(1.0015, 3), float),
        ("c", 3, int),
    ]
    assert repr(ws[0].bottom) == "-0.0"
    assert [len(r) for r in both_rows(row)] == [2, 2]


def test_rows_by_baseline():
    """Glyphs within the baseline tolerance of a line's first bottom join it; size 0 takes the sizeless share."""
    chars = [
        ch("a", 0.0, bottom=100.0),
        ch("b", 5.0, bottom=101.0),
        ch("c", 0.0, bottom=130.0),
        ch("d", 0.0, bottom=130.4, size=0.0),
        ch("e", 0.0, bottom=90.0, size=0.0),
        ch("f", 0.0, bottom=200.0, size=1e-9),
    ]
    rows = both_rows(chars)
    assert [[c.text for c in r] for r in rows] == [["e"], ["a", "b"], ["c", "d"], ["f"]]
    assert both_rows([]) == []


@pytest.mark.parametrize("bad", [[("a", 1.0)], ["a"], [Char("a", "x", 1.0, 0.0, 1.0, 1.0, False)]])
def test_bad_records_raise(bad):
    """A record that is no Char is a TypeError in both paths, never a crash."""
    with pytest.raises((TypeError, IndexError)):
        lines._words(bad, True)
    with pytest.raises((TypeError, IndexError)):
        lines._words(bad, True, compiled=False)


def test_rounding_equals_python_on_ties_and_random_values():
    """The compiled words round coordinates to 3 places exactly as round(x, 3): halves that are and are not
    ties in binary, negative values rounding to -0.0, huge values, and 20,000 random ones."""
    import random

    rnd = random.Random(21)
    xs = [k / 1000 + 0.0005 for k in range(-2000, 2000)] + [2.675, 1.0005, -0.0004, -0.0, 0.0, 1e12 + 0.0005]
    xs += [rnd.uniform(-1000, 1000) for _ in range(10_000)] + [
        rnd.uniform(0, 900) * 10 ** rnd.randint(-6, 3) for _ in range(10_000)
    ]
    for x in xs:
        (w,) = both_words([Char("a", x, x, x, x, 10.0, False)])
        assert (repr(w.x0), repr(w.x1), repr(w.top), repr(w.bottom)) == (repr(round(x, 3)),) * 4


def test_order_of_unsorted_equal_and_odd_keys():
    """Glyphs out of order, equal keys (stable: first drawn first), integer and NaN coordinates (sorted the
    Python way, then grouped in C): the same lines and words as the reference."""
    nan = float("nan")
    row = [ch("c", 10.0), ch("a", 0.0), ch("b", 0.0), ch("d", -0.0), ch("e", 0.0, bottom=99.5)]
    assert [w.text for w in both_words(row)] == ["abde", "c"]
    assert [[c.text for c in r] for r in both_rows(row)] == [["e", "c", "a", "b", "d"]]
    odd = [Char("b", 5, 6, 0, 10, 10.0, False), Char("a", 0, 1, 0, 10, 10.0, False), ch("n", nan, bottom=nan)]
    both_words(odd)
    both_rows(odd)
    both_words([ch("x", 3.0), ch("y", nan), ch("z", 1.0)])
