"""Both layout engines give the same words and lines on every PDF we hold: the corpus (`raw_pdfs/`) and the
renderings by other producers (`tests/data/variants/`). The model-level comparison lives with the gold
tests; this one is a level lower, so an engine difference shows where it starts (page, line, word).

Text, word order, size, boldness and `space_after` must be identical everywhere. Boxes are identical (to
the rounding of `layout._words`) except where PDFium cannot know what pdfminer reads from the PDF:
- widths given in fractions of a font unit (Chromium's CID fonts, reportlab's embedded TrueType):
  PDFium keeps whole units, so positions drift along a run of glyphs: by less than one unit (a
  thousandth of the size) per glyph from the line start (and Chromium's page scale, 0.24 × 2.59, is
  single precision in PDFium: y within 0.2 % of the size);
- a font descriptor with Ascent and Descent 0 (LibreOffice's DejaVu Serif): pdfminer puts the
  baseline at the box bottom, PDFium derives a descent from the glyphs (every box 0.176 × size lower).
"""

from __future__ import annotations

import pytest
from conftest import READ_ENGINES, READ_PDFS

PDFS, ENGINES = READ_PDFS, READ_ENGINES
EXACT = 0.0015  # words are rounded to 3 decimals; engines differ in the last float bits
# (x drifts by a font unit per glyph, y as a fraction of the font size) tolerated per producer, as above
TOLERANCE = {"serif": (False, 0.18), "html-A": (True, 0.002)}


def tolerance(name: str) -> tuple[bool, float]:
    return next((t for prefix, t in TOLERANCE.items() if name.startswith(prefix + "-")), (False, 0.0))


@pytest.fixture(scope="session")
def layouts(readings) -> dict[tuple[str, str], list[tuple]]:
    """Every PDF's lines per engine (read once per session with the models, in conftest)."""
    return {k: words for k, (words, *_) in readings.items()}


def differences(a: list[tuple], b: list[tuple], units: bool, tol_y: float, lacks: str = "") -> list[str]:
    """Where two engines' lines differ beyond the tolerance: x by up to a font unit per glyph from the
    line start when `units`, y by a fraction of the size. Lines with a glyph of `lacks` (one pdfminer
    has no width for, so 0 pt wide there) are compared by their letters only."""

    def key(line):
        if any(ch in line[2] for ch in lacks):
            return line[:2] + (line[2].replace(" ", ""),)
        return line[:3]

    if [key(x) for x in a] != [key(y) for y in b]:
        diff = next((x[:3], y[:3]) for x, y in zip(a + [()] * len(b), b + [()] * len(a)) if key(x) != key(y))
        return [f"text: {diff[0]} != {diff[1]}"]
    out = []
    for (page, _, text, wa), (_, _, _, wb) in zip(a, b):
        if key((page, _, text)) != (page, _, text):
            continue
        out += _word_differences(f"p{page} {text[:60]!r}", wa, wb, units, tol_y)
    return out


def _word_differences(where: str, wa: tuple, wb: tuple, units: bool, tol_y: float) -> list[str]:
    out, glyphs = [], 0
    for u, v in zip(wa, wb):
        glyphs += len(u.text) + 1
        tol_x = EXACT + (glyphs * u.size / 1000 if units else 0.0)
        if (u.text, u.size, u.bold, u.space_after) != (v.text, v.size, v.bold, v.space_after):
            out.append(f"{where}: {u} != {v}")
        elif max(abs(u.x0 - v.x0), abs(u.x1 - v.x1)) > tol_x or max(abs(u.top - v.top), abs(u.bottom - v.bottom)) > max(
            EXACT, tol_y * u.size
        ):
            out.append(f"{where}: box {u[1:5]} != {v[1:5]}")
    return out


def test_all_pdfs_are_there():
    assert len(PDFS) == 24


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_engines_give_the_same_lines(layouts, pdf):
    a, b = (layouts[(pdf.name, e)] for e in ENGINES)
    bad = differences(a, b, *tolerance(pdf.name))
    assert not bad, f"{len(bad)} differences, first:\n" + "\n".join(bad[:10])


def test_ligatures_read_as_letters(layouts):
    """A serif rendering sets "ff", "fi", "fl" as one glyph: both engines read the words whole."""
    for engine in ENGINES:
        text = " ".join(t for _, kind, t, _ in layouts[("serif-2025-04.pdf", engine)] if kind == "body")
        for word in ("Wasserstoff", "Pflege", "geschaffen", "definiert"):
            assert f" {word}" in text, (engine, word)
        assert not any(ch in text for ch in "\ufb00\ufb01\ufb02\ufb03\ufb04"), engine


def test_rotated_pages_read_as_pdfplumber_reads_them(tmp_path):
    """/Rotate 90 and 270 pages: both engines give the displayed page size and the same upright glyphs."""
    import pdfplumber
    import pikepdf
    from reportlab.pdfgen import canvas

    from pipeline.layout.engines.pdfium import pages as pdfium_pages

    raw, pdf = tmp_path / "raw.pdf", tmp_path / "rot.pdf"
    c = canvas.Canvas(str(raw), pagesize=(400, 600))
    for r in (0, 90, 270):
        c.setFont("Times-Roman", 12)
        c.drawString(50, 500, f"Body of page {r}")
        c.saveState(), c.translate(200, 300), c.rotate(90 if r != 270 else -90)
        c.drawString(0, 0, "Turned header"), c.restoreState(), c.showPage()
    c.save()
    with pikepdf.open(raw) as p:
        for page, r in zip(p.pages, (0, 90, 270)):
            page.Rotate = r
        p.save(pdf)
    with pdfplumber.open(pdf) as plumber:
        for compiled in (True, False):
            for p, (_, w, h, chars) in zip(plumber.pages, pdfium_pages(str(pdf), compiled=compiled)):
                assert (w, h) == (p.width, p.height)
                want = [
                    (c["text"], round(c["x0"], 2), round(c["top"], 2), c["upright"]) for c in p.chars if c["upright"]
                ]
                assert [(c.text, round(c.x0, 2), round(c.top, 2), c.upright) for c in chars if c.upright] == want
                assert sum(not c.upright for c in chars) == sum(not c["upright"] for c in p.chars)
