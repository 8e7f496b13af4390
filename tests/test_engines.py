"""Both layout engines over the whole corpus, compared table by table; and results independent of --jobs."""

import pyarrow.parquet as pq
import pytest
from conftest import DATA, EDITIONS, RAW, gold
from score_edition import score

from pipeline.model.export import to_gold
from pipeline.store.build import build

PER_EDITION = ["projects", "steps", "committee", "list_rows", "archive_printed", "anomalies"]
CROSS = ["identity", "transitions", "status_history", "late_reported", "archive", "archive_check", "papers", "bodies"]
CROSS += ["audit_findings", "retired_ids"]


def tables(out, names):
    return {n: pq.read_table(out / f"{n}.parquet") for n in names}


def test_pdfium_records_identical_to_pdfplumber(built, pdfium_build):
    """Every record, box included, is the same. Accepted differences: none (the editions table names the engine)."""
    a, b = tables(built[1], PER_EDITION + CROSS), tables(pdfium_build[1], PER_EDITION + CROSS)
    for name in a:
        assert a[name].equals(b[name]), name
    ea, eb = (pq.read_table(o / "editions.parquet").drop_columns(["engine"]) for o in (built[1], pdfium_build[1]))
    assert ea.equals(eb)


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdfium_meets_the_gold_bar(pdfium_build, edition):
    ed = next(e for e in pdfium_build[0].editions if e.edition == edition)
    ok, lines = score(gold(edition), to_gold(ed))
    assert ok, "\n".join(lines)


def test_results_do_not_depend_on_jobs(pdfium_build, tmp_path):
    """--jobs 2 (a pool over PDFs) and a single PDF split over page ranges give the same tables."""
    out = tmp_path / "j2"
    build(RAW, out, jobs=2, engine="pdfium")
    names = PER_EDITION + CROSS + ["editions"]
    a, b = tables(pdfium_build[1], names), tables(out, names)
    for n in names:
        assert a[n].equals(b[n]), n
    from pipeline.extract.edition import extract

    one = RAW / "nachhaltigkeitsreport-2024-04.pdf"
    assert to_gold(extract(str(one), "pdfium", jobs=2)) == to_gold(extract(str(one), "pdfium", jobs=1))


def _glyph_loops(pdf_path):
    """(compiled, reference) Char lists for every page of one PDF."""
    import pypdfium2 as pdfium

    from pipeline.layout.engines import pdfium as pdfium_engine

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            h = float(page.get_size()[1])
            fast = pdfium_engine.page_chars(tp.raw, page.raw, h)
            yield i + 1, fast, pdfium_engine.page_chars(tp.raw, page.raw, h, compiled=False)
            tp.close()
            page.close()
    finally:
        pdf.close()


def test_compiled_glyph_loop_is_built():
    """CI has a C compiler: the fast path must be there (a user without one gets the reference loop)."""
    from pipeline.layout.engines import pdfium as pdfium_engine

    assert pdfium_engine._glyphs is not None, "pipeline/layout/_glyphs.c was not compiled at install"


GLYPH_PDFS = [RAW / f"nachhaltigkeitsreport-{e}.pdf" for e in EDITIONS] + sorted((DATA / "variants").glob("*.pdf"))


@pytest.mark.parametrize("pdf", GLYPH_PDFS, ids=lambda p: p.stem)
def test_compiled_glyph_loop_equals_reference(pdf):
    """The C loop is a port of the Python one: same Char records, float for float, on every page of the
    corpus and of the variants (ligatures, Chromium's scaled pages and inkless spaces); and so are the lines
    and words grouped from them."""
    from pipeline.model.records import Char

    n = 0
    for page, fast, ref in _glyph_loops(pdf):
        assert all(type(c) is Char for c in fast)
        assert fast == ref, f"page {page}"
        n += len(fast)
        _grouping_equals_reference(page, fast)
    assert n > 10_000


def _grouping_equals_reference(page, chars):
    """The compiled grouping into lines and words (`_glyphs.rows`, `_glyphs.words`) is a port of lines.py's Python
    one: the same rows and the same Word records, float repr for float, with and without drawn spaces."""
    from pipeline.layout import lines

    upright = [c for c in chars if c.upright and c.text]
    rows = lines._group_lines(upright)
    assert rows == lines._group_lines(upright, compiled=False), f"page {page}"
    for row in rows:
        for has_spaces in (True, False):
            assert repr(lines._words(row, has_spaces)) == repr(lines._words(row, has_spaces, compiled=False)), page


def test_engine_without_the_compiled_loop(tmp_path):
    """An install without a C compiler: the import fails quietly and the same records come out."""
    import json
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['pipeline.layout._glyphs'] = None\n"  # import of the extension now fails
        "from pipeline.layout.engines import pdfium; assert pdfium._glyphs is None\n"
        "from pipeline.extract.edition import extract; from pipeline.model.export import to_gold; import json\n"
        "print(json.dumps(to_gold(extract(sys.argv[1], 'pdfium'))))"
    )
    pdf = RAW / "nachhaltigkeitsreport-2022-10.pdf"
    r = subprocess.run([sys.executable, "-c", code, str(pdf)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == gold("2022-10")


# reportlab's standard fonts, renamed in the PDF to font names of other producers (no glyphs change)
FONT_NAMES = {
    "Helvetica": "Arial,Bold",
    "Helvetica-Bold": "ABCDEF+Calibri-Bold",
    "Helvetica-Oblique": "Foo,B",
    "Times-Roman": "Foo-BoldItalic",
    "Times-Bold": "Helvetica-Black",
    "Times-Italic": "Times-Roman",
    "Courier": "Semibold",
    "Courier-Bold": "Foo,Italic",
}


def _renamed_fonts_pdf(tmp_path):
    """One line "n" per font name of FONT_NAMES (n its index), each in the font renamed to that name."""
    import pikepdf
    from reportlab.pdfgen import canvas

    raw, pdf = tmp_path / "raw.pdf", tmp_path / "fonts.pdf"
    c = canvas.Canvas(str(raw), pagesize=(400, 600))
    for k, font in enumerate(FONT_NAMES):
        c.setFont(font, 12)
        c.drawString(50, 550 - 30 * k, str(k))
    c.save()
    with pikepdf.open(raw) as p:
        for f in p.pages[0].Resources.Font.values():
            name = pikepdf.Name("/" + FONT_NAMES[str(f.BaseFont)[1:]])
            f.BaseFont = name
            # a descriptor naming the font, so pdfminer reports the name (it reports "unknown" without one)
            f.FontDescriptor = p.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.FontDescriptor,
                    FontName=name,
                    Flags=32,
                    FontBBox=[0, -200, 1000, 800],
                    ItalicAngle=0,
                    Ascent=800,
                    Descent=-200,
                    CapHeight=700,
                    StemV=80,
                )
            )
        p.save(pdf)
    return pdf


def test_one_bold_rule_in_both_glyph_loops_and_both_engines(tmp_path):
    """The C loop, its Python reference and the pdfplumber engine call a font bold by the same rule
    (`layout/fonts.is_bold`), ",B" style names included."""
    from pipeline.layout.engines import engine_pages
    from pipeline.layout.engines.pdfium import _glyphs
    from pipeline.layout.engines.pdfium import pages as pdfium_pages
    from pipeline.layout.fonts import is_bold

    assert _glyphs is not None
    pdf = _renamed_fonts_pdf(tmp_path)
    want = {str(k): is_bold(name) for k, name in enumerate(FONT_NAMES.values())}
    assert sorted(want.values()) == [False, False] + [True] * 6
    for chars in (
        next(pdfium_pages(str(pdf), compiled=True))[3],
        next(pdfium_pages(str(pdf), compiled=False))[3],
        next(engine_pages("pdfplumber")(str(pdf)))[3],
    ):
        assert {c.text: c.bold for c in chars if c.text.strip()} == want


def test_compiled_glyph_loop_takes_its_tolerances_from_the_settings():
    """The C loop has no tolerances of its own: `pipeline/tolerances.py` hands them in with each call.
    With an upright angle wider than a full turn, the rotated Projektliste headers come back upright."""
    import ctypes

    import pypdfium2 as pdfium

    from pipeline.layout.engines import pdfium as pe
    from pipeline.model.records import Char
    from pipeline.tolerances import TOL

    assert pe.GLYPH_TOLERANCES == (
        TOL.upright_angle,
        TOL.upright_skew,
        TOL.space_em,
        TOL.hyphen_space_slack,
        TOL.ligature_ink_slack,
    )
    pdf = pdfium.PdfDocument(str(RAW / "nachhaltigkeitsreport-2025-04.pdf"))
    try:
        for page in pdf:
            tp, h = page.get_textpage(), float(page.get_size()[1])
            args = (ctypes.cast(tp.raw, ctypes.c_void_p).value, ctypes.cast(page.raw, ctypes.c_void_p).value, h)
            usual = pe._glyphs.page_chars(*args, pe.FUNCTIONS, Char, pe.is_bold, pe.GLYPH_TOLERANCES)
            if any(not c.upright for c in usual):
                turned = pe._glyphs.page_chars(*args, pe.FUNCTIONS, Char, pe.is_bold, (7.0, *pe.GLYPH_TOLERANCES[1:]))
                assert all(c.upright for c in turned) and len(turned) == len(usual)
                return
    finally:
        pdf.close()
    raise AssertionError("no page with rotated glyphs in the 2025-04 edition")


def test_every_configured_engine_is_a_module_with_pages_and_every_page_meets_the_hooks():
    """`config.ENGINES` is the one list: each name is a module of `layout/engines/` whose `pages` reads a
    page range of a corpus PDF (the same page numbers and glyph counts), shown first to a per-page hook."""
    from pipeline.config import ENGINES
    from pipeline.layout import engines

    seen: list[tuple[int, int]] = []

    def hook(page):
        seen.append((page.number, len(page.chars)))

    engines.on_every_page(hook)
    engines.on_every_page(hook)  # added twice, runs once
    try:
        read = {e: [(p.number, len(p.chars)) for p in engines.raw_pages(str(pdf_2022()), e, 1, 3)] for e in ENGINES}
    finally:
        engines.PAGE_HOOKS.remove(hook)
    assert set(read) == {"pdfplumber", "pdfium"}
    assert read["pdfplumber"] == read["pdfium"] and [n for n, _ in read["pdfium"]] == [2, 3]
    assert seen == read["pdfplumber"] + read["pdfium"]
    with pytest.raises(ValueError, match="no engine 'pdfminer'"):
        engines.engine_pages("pdfminer")


def test_each_engine_declares_its_libraries_and_their_damage_errors():
    """What a build needs to know of an engine comes from its module: the libraries it reads with (a plain
    exception raised inside them is damaged content) and their errors; a pdfium read never loads pdfplumber."""
    import subprocess
    import sys

    from pdfminer.pdfparser import PDFSyntaxError

    from pipeline.config import ENGINES
    from pipeline.layout import engines
    from pipeline.store.inputs import engine_errors

    assert tuple(engines.LIBRARIES) == ENGINES  # the roster of the engines' libraries names every engine, in order
    assert engines.libraries("pdfium") == ("pypdfium2",)
    assert set(engines.libraries()) == {"pdfplumber", "pdfminer", "pypdfium2"}
    assert issubclass(PDFSyntaxError, engine_errors()) and all(issubclass(e, Exception) for e in engine_errors())
    code = (
        "import sys; from pipeline.extract.edition import extract; extract(sys.argv[1], 'pdfium')\n"
        "print(sorted(m for m in ('pdfplumber', 'pdfminer') if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code, str(pdf_2022())], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stderr


def pdf_2022():
    return RAW / "nachhaltigkeitsreport-2022-10.pdf"
