"""Line joining rules with the report's real line breaks."""

from pipeline.extract.fields import joiner
from pipeline.model.records import Word


def w(text, space_after, x0=100.0, x1=150.0, size=11.0):
    return Word(text, x0, x1, 0, 10, size, False, space_after)


def test_drawn_space_means_soft_wrap():
    assert joiner(w("Kinder-", True), w("und", None)) == " "
    assert joiner(w("CO2-", True), w("reduzierte", None)) == " "


def test_break_after_hyphen_keeps_hyphen_without_space():
    assert joiner(w("Car-", False), w("Sharing", None)) == ""
    assert joiner(w("Vier-", False), w("Säulen-Konzept", None)) == ""
    assert joiner(w("Kinder-", False), w("und", None)) == " "  # suspended compound, no space glyph drawn
    assert joiner(w("-", False), w("anpassung", None)) == ""


def test_slash_joins():
    assert joiner(w("Wirtschaft/", False), w("Beschäftigung/Bildung", None)) == ""


def test_letter_break_in_narrow_cell():
    # "Gemeindeverwaltunge" + "n": a space would have fitted before the edge, so none was there
    assert joiner(w("Gemeindeverwaltunge", False, 377.1, 467.2, 9), w("n", None), edge=470.1, single=True) == ""
    # "Wirtschaftsförderungen" + "sind": the line is full, the space was dropped at the edge
    assert joiner(w("Wirtschaftsförderungen", False, 377.1, 470.1, 9), w("sind", None), edge=470.1, single=True) == " "
    assert joiner(w("70.01.,80.0", False, 482, 527, 9), w("1", None), edge=527.0, single=True) == ""
