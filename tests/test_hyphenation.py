"""A hyphenating producer: gold editions re-typeset with words broken at the German dictionary's syllable
breaks (tests/render.py Style.hyphenate), the break marked by a plain hyphen or by a soft hyphen (U+00AD) in
the text layer. Read with both engines, each must meet the gold bar (a space after a line-final "-" or "/"
aside, as score_edition.py --ignore-breaks): the inserted hyphens removed, the words' own hyphens kept."""

from pathlib import Path

import pytest
from conftest import first_difference, gold, ignore_breaks, read_checked
from render import Style, render
from score_edition import score

from pipeline.extract import hyphens
from pipeline.model.export import to_gold

RENDERINGS = {
    "2023-10-plain-hyphens": ("2023-10", Style(hyphenate="-")),
    "2024-04-soft-hyphens": ("2024-04", Style(font="DejaVuSans", bold="DejaVuSans-Bold", hyphenate="\u00ad")),
}
ENGINES = ("pdfplumber", "pdfium")
BROKEN_LINES = 200  # lines ending in an inserted hyphen before a lower-case word: the rendering hyphenates


def _render_and_read(args: tuple[str, str]) -> tuple[dict, dict, list]:
    """One rendering made and read once per engine: (its gold, {engine: Edition}, pdfplumber's lines)."""
    name, pdf = args
    edition, style = RENDERINGS[name]
    g = gold(edition)
    render(g, pdf, style)
    read = {e: read_checked(pdf, e) for e in ENGINES}
    lines = [ln for p in read["pdfplumber"][0] for ln in p.lines]
    return g, {e: ed for e, (_, ed) in read.items()}, lines


@pytest.fixture(scope="session")
def renderings(tmp_path_factory):
    """Every hyphenated rendering, read once per engine, two at a time: name → (gold, pdf, {engine: Edition},
    pdfplumber's lines)."""
    from concurrent.futures import ProcessPoolExecutor

    d = tmp_path_factory.mktemp("hyphenated")
    jobs = [(name, str(d / f"{name}.pdf")) for name in RENDERINGS]
    with ProcessPoolExecutor(max_workers=2) as ex:
        return {
            name: (g, Path(pdf), read, lines)
            for (name, pdf), (g, read, lines) in zip(jobs, ex.map(_render_and_read, jobs))
        }


@pytest.fixture(params=list(RENDERINGS))
def hyphenated(request, renderings):
    """(gold, pdf, {engine: Edition}, pdfplumber's lines) of one hyphenated rendering."""
    return renderings[request.param]


@pytest.mark.parametrize("engine", ENGINES)
def test_hyphenated_rendering_meets_the_gold_bar(hyphenated, engine):
    g, _, read, _ = hyphenated
    ok, lines = score(ignore_breaks(g), ignore_breaks(to_gold(read[engine])), verbose=True)
    print("\n".join(lines))
    assert ok, lines[-1]


def test_engines_agree_on_hyphenated_renderings(hyphenated):
    _, _, read, _ = hyphenated
    assert first_difference(*(to_gold(read[e]) for e in ENGINES)) is None


def test_the_rendering_hyphenates(hyphenated):
    """The renderings break words in most paragraphs (so the bar above is a test of de-hyphenation), and the
    soft one puts U+00AD in the text layer (pdfplumber reads it; PDFium gives its line-end hyphen mark)."""
    _, pdf, _, lines = hyphenated
    ends = [a.words[-1].text for a, b in zip(lines, lines[1:]) if hyphens.broken(a.words[-1]) and b.text[:1].islower()]
    assert len(ends) > BROKEN_LINES and hyphens.hyphenating(lines)
    soft = sum(t.endswith(hyphens.SOFT) for t in ends)
    assert (soft > BROKEN_LINES) == ("soft" in pdf.name)


def test_undecided_breaks_are_info_doubts_with_page_and_box(hyphenated):
    _, _, read, _ = hyphenated
    for ed in read.values():
        doubts = [a for a in ed.anomalies if a.kind == "hyphen_undecided"]
        assert all(a.severity == "info" and a.box is not None and a.page == a.box.page for a in doubts)
        # only what is no word to look up stays undecided (a web address broken at its hyphen), never a word
        assert all(not hyphens.core(a.evidence.replace("- ", "")).isalpha() for a in doubts), doubts


def test_a_build_weighs_open_breaks_with_its_other_editions_words(renderings, tmp_path):
    """`nhr build` over both renderings: a break one edition's text left open (a web address broken at its
    hyphen) is settled by the other edition printing it whole; the bar still met."""
    from pipeline.store.build import build

    raw = tmp_path / "raw"
    raw.mkdir()
    for _, pdf, _, _ in renderings.values():
        (raw / pdf.name).write_bytes(pdf.read_bytes())
    built = {ed.edition: ed for ed in build(raw, tmp_path / "out", jobs=1, engine="pdfium").editions}
    alone = {ed.edition: ed for _, _, read, _ in renderings.values() for ed in [read["pdfium"]]}
    doubts = {k: sum(a.kind == "hyphen_undecided" for a in ed.anomalies) for k, ed in alone.items()}
    assert sum(a.kind == "hyphen_undecided" for ed in built.values() for a in ed.anomalies) < sum(doubts.values())
    for g, _, _, _ in renderings.values():
        ok, lines = score(ignore_breaks(g), ignore_breaks(to_gold(built[g["edition"]])))
        assert ok, lines[-1]
