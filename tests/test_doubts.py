"""Extraction doubts on real PDFs: silent on every clean reading (the corpus and the 18 variants, both engines,
read once per session in conftest), loud on renderings nhr misreads today, and what `nhr check` and the
build's warning line make of them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import READ_ENGINES, READ_PDFS, gold, ignore_breaks, pdf_of
from render import Style, render
from score_edition import score
from test_kinds import assert_documented

from pipeline.model.export import to_gold
from pipeline.model.rows import edition_rows
from pipeline.store.build import extract_checked
from pipeline.surfaces.check import is_doubt
from pipeline.surfaces.cli import main

# renderings of the classes issue 20 names that nhr misread when the doubts were written: a block label that
# opens many pages at the same height (taken for a running header), and abbreviated status heads
BROKEN = {
    "label-opens-pages": Style(label_opens_page="Beratung"),
    "abbreviated-heads": Style(rotated_headers=False, status_heads=("umg.", "in Bearb.", "in Plan.", "Ideensp.")),
}


@pytest.mark.parametrize("engine", READ_ENGINES)
@pytest.mark.parametrize("pdf", READ_PDFS, ids=lambda p: p.stem)
def test_clean_readings_carry_no_extraction_doubt(readings, pdf, engine):
    """A doubt on a clean reading is a false alarm: the corpus and every variant meet the gold bar."""
    _, model, doubts = readings[(pdf.name, engine)]
    assert "refused" not in model
    assert doubts == [], doubts[:5]


@pytest.fixture(scope="module", params=list(BROKEN))
def broken(request, tmp_path_factory):
    """A rendering of 2025-04 in a style nhr misread: (pdf, {engine: (model, doubt rows)})."""
    pdf = tmp_path_factory.mktemp("broken") / f"{request.param}.pdf"
    render(gold("2025-04"), str(pdf), BROKEN[request.param])
    read = {}
    for engine in READ_ENGINES:
        ed = extract_checked(str(pdf), engine=engine)
        read[engine] = (to_gold(ed), [r for r in edition_rows(ed)["anomalies"] if is_doubt(r)])
    return pdf, read


@pytest.mark.parametrize("engine", READ_ENGINES)
def test_a_misread_rendering_meets_the_gold_or_carries_doubts(broken, engine):
    """Never silent: either the reading is right (the classes fixed) or nhr says it doubts it — and a
    rendering read right carries no doubt."""
    _, read = broken
    model, doubts = read[engine]
    ok, _ = score(ignore_breaks(gold("2025-04")), ignore_breaks(model))  # the gold bar: --ignore-breaks
    assert ok != bool(doubts), (ok, [d["kind"] for d in doubts][:5])
    assert_documented(d["kind"] for d in doubts)


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    return r.exit_code, r.output


def test_check_a_corpus_pdf_is_clean():
    code, out = run("check", pdf_of("2022-10"))
    assert code == 0, out
    assert "agree field for field" in out and "extraction doubts: 0" in out and "verdict: clean" in out
    assert "0 in none (0.00%)" in out


def test_check_a_broken_rendering_names_its_doubts(broken):
    pdf, read = broken
    code, out = run("check", pdf)
    if not read["pdfplumber"][1]:
        pytest.skip("this class is read right now: nothing to doubt")
    assert code == 10, out
    kinds = {d["kind"] for d in read["pdfplumber"][1]}
    assert any(k in out for k in kinds) and "verdict: nhr doubts its reading" in out and "p. " in out


def test_extract_warns_once_and_strict_fails_on_doubts(broken):
    pdf, read = broken
    if not read["pdfium"][1]:
        pytest.skip("this class is read right now: nothing to doubt")
    r = CliRunner().invoke(main, ["extract", str(pdf), "--engine", "pdfium", "--format", "summary", "--strict"])
    warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("nhr: warning:") and "extraction doubts" in ln]
    assert r.exit_code == 10 and len(warnings) == 1 and str(pdf) in warnings[0]


def test_build_warns_once_per_edition_with_doubts_and_strict_fails(broken, tmp_path):
    pdf, read = broken
    if not read["pdfium"][1]:
        pytest.skip("this class is read right now: nothing to doubt")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / pdf.name).write_bytes(pdf.read_bytes())
    args = ["build", "--raw", raw, "--out", tmp_path / "out", "--engine", "pdfium", "--quiet"]
    r = CliRunner().invoke(main, [str(a) for a in args])
    warnings = [ln for ln in r.stderr.splitlines() if "extraction doubts" in ln]
    assert r.exit_code == 0 and len(warnings) == 1 and pdf.name in warnings[0]
    r = CliRunner().invoke(main, [str(a) for a in args + ["--strict"]])
    assert r.exit_code == 10  # (list rows without a mark are also error-level anomalies of the report kind)
