"""Milestones and consultations set as borderless date | text tables by producers nhr was not written
against, rendered by tests/render.py and read by both engines (issue 20, classes 1 and 3):

- a grid whose cells draw each wrapped line on its own, at a line pitch looser than the prose's, with a
  date column so narrow that long dates ("seit Sommer 2024", "01.09.2023 – 29.02.2024") wrap inside it;
- a tight table whose rows follow each other closer than the prose's lines, with runs of undated rows.

Each rendering must meet the gold bar of its (edited) gold, up to the hyphen/slash line-end ambiguity."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pytest
from conftest import _read, first_difference, gold, ignore_breaks
from render import Style, render
from reportlab.pdfbase.pdfmetrics import stringWidth
from score_edition import score
from test_variants import _euro_spaced

GRID = Style(entry_cells=True, tab=62, row_gap=2.0, leading=1.2, cell_leading=1.4)
TIGHT = Style(
    font="Times-Roman",
    bold="Times-Bold",
    size=11,
    leading=1.45,
    entry_cells=True,
    tab=70,
    cell_leading=1.15,
    row_gap=1.5,
)
RENDERINGS = {  # name → (edition, style, runs of undated rows: every n-th project with three steps, 0: none)
    "grid-2023-04": ("2023-04", GRID, 0),
    "grid-2025-04": ("2025-04", GRID, 0),
    "tight-2024-04": ("2024-04", TIGHT, 5),
    "tight-2024-10": ("2024-10", TIGHT, 5),
}
ENGINES = ("pdfplumber", "pdfium")


def _steps(g: dict) -> list[list[dict]]:
    return [p["steps"] for th in g["themes"] for go in th["goals"] for s in go["sections"] for p in s["projects"]]


def undated_runs(g: dict, every: int) -> dict:
    """The gold with the first three milestones of every `every`-th project that has three undated: the
    planning steps a table prints without dates."""
    runs = [steps for steps in _steps(g) if len(steps) >= 3][every - 1 :: every] if every else []
    for steps in runs:
        for e in steps[:3]:
            e["date"] = ""
    return g


@pytest.fixture(scope="session")
def entry_tables(tmp_path_factory) -> dict[str, tuple[dict, dict[str, dict]]]:
    """Every rendering: its gold and its model per engine (rendered and read once per session)."""
    out = tmp_path_factory.mktemp("entry-tables")
    golds, jobs = {}, []
    for name, (edition, style, every) in RENDERINGS.items():
        golds[name] = undated_runs(gold(edition), every)
        render(golds[name], str(out / f"{name}.pdf"), style)
        jobs += [(str(out / f"{name}.pdf"), e) for e in ENGINES]
    with ProcessPoolExecutor(max_workers=2) as ex:
        read = dict(zip(jobs, ex.map(_read, jobs)))
    DOUBTS.update({(name, e): read[(str(out / f"{name}.pdf"), e)][2] for name in RENDERINGS for e in ENGINES})
    return {name: (golds[name], {e: read[(str(out / f"{name}.pdf"), e)][1] for e in ENGINES}) for name in RENDERINGS}


DOUBTS: dict[tuple[str, str], list[tuple]] = {}  # (rendering, engine) → its extraction doubts, filled by the fixture


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(RENDERINGS))
def test_entry_table_meets_gold_bar(entry_tables, name, engine):
    g, models = entry_tables[name]
    ok, lines = score(ignore_breaks(g), ignore_breaks(models[engine]), verbose=True)
    assert ok, "\n".join(lines[:60])
    assert not DOUBTS[(name, engine)], DOUBTS[(name, engine)][:5]  # a reading that meets the bar stays quiet


@pytest.mark.parametrize("name", list(RENDERINGS))
def test_engines_agree_on_entry_tables(entry_tables, name):
    _, models = entry_tables[name]
    assert first_difference(*(_euro_spaced(models[e]) for e in ENGINES)) is None


def test_renderings_are_of_their_class(entry_tables):
    """The grid wraps dates inside their cells; the tight table prints runs of three undated rows."""
    for name, (edition, style, every) in RENDERINGS.items():
        g, _ = entry_tables[name]
        dates = [e["date"] for steps in _steps(g) for e in steps if e["date"]]
        wrapped = [d for d in dates if stringWidth(d, style.font, style.size) > style.tab - 6]
        runs = [s for s in _steps(g) if len(s) >= 3 and not any(e["date"] for e in s[:3])]
        assert (len(wrapped) >= 3) if style is GRID else (len(runs) >= 3), name
        assert (style.cell_leading > style.leading) if style is GRID else (style.cell_leading < style.leading)
