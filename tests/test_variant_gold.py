"""Renderings of the six editions by other producers and templates (`tests/data/variants/`: serif with
ligatures, a second office template with landscape lists, HTML printed by Chromium), read by both
engines: each meets the gold bar of its edition, and both engines give the same model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DATA, first_difference, gold, ignore_breaks
from score_edition import score

VARIANTS = sorted((DATA / "variants").glob("*.pdf"))
ENGINES = ("pdfplumber", "pdfium")


def _edition_of(pdf: Path) -> str:
    return re.search(r"20\d\d-\d\d", pdf.name).group(0)


@pytest.fixture(scope="session")
def variant_models(readings) -> dict[tuple[str, str], dict]:
    """Every variant's model per engine (read once per session with its lines, in conftest)."""
    return {k: model for k, (_, model, _) in readings.items()}


def test_variants_are_there():
    assert len(VARIANTS) == 18


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("pdf", VARIANTS, ids=lambda p: p.stem)
def test_variant_meets_gold_bar(variant_models, pdf, engine):
    """The bar of score_edition.py, up to the hyphen/slash line-end ambiguity (listed by `-s`)."""
    g, pred = gold(_edition_of(pdf)), variant_models[(pdf.name, engine)]
    ok, lines = score(ignore_breaks(g), ignore_breaks(pred), verbose=True)
    assert ok, "\n".join(lines[:80])
    print(score(g, pred, verbose=True)[1][-1])


@pytest.mark.parametrize("pdf", VARIANTS, ids=lambda p: p.stem)
def test_engines_give_the_same_model(variant_models, pdf):
    a, b = (variant_models[(pdf.name, e)] for e in ENGINES)
    assert first_difference(a, b) is None
