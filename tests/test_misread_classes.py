"""Renderings of two misread classes (issue 20), made here by tests/render.py, read with both engines:
block labels that open pages at one height (with running headers that must still be set aside), and a
Projektliste whose status columns are headed by abbreviations under bottom-aligned headings. Each meets the
gold bar of its edition, with no extraction doubt, and the engines agree."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from conftest import first_difference, gold, ignore_breaks
from render import Style, render
from score_edition import score
from test_kinds import assert_documented

ENGINES = ("pdfplumber", "pdfium")
ABBREVIATED = ("umg.", "in Bearb.", "in Plan.", "Ideensp.")
# (name, edition) → style; each class in two editions and two templates
RENDERINGS = {
    # labels set with a tighter line than the text, every third steps or committee label opening a page: on
    # those pages the label sits alone above where text starts; the report's title runs atop every page
    ("labels-open-pages", "2022-10"): Style(
        leading=1.6, label_leading=1.0, label_break=3, running_header=True, page_label="Seite {n}"
    ),
    # the same in another font, every second label, the theme's number and name running atop its pages
    ("labels-open-pages-theme-header", "2024-04"): Style(
        font="DejaVuSans",
        bold="DejaVuSans-Bold",
        size=10,
        leading=1.6,
        label_leading=1.0,
        label_break=2,
        running_header=True,
        chapter_header=True,
    ),
    # status columns headed "umg.", "in Bearb.", …, upright, level with the foot of the column names
    ("abbreviated-heads", "2023-04"): Style(
        rotated_headers=False, status_heads=ABBREVIATED, heads_bottom=True, status_pitch=26, list_widths=0.85
    ),
    # a wider font, no rules: the heads set so close that "in Bearb. in Plan." reads as one cell
    ("abbreviated-heads-serif-unruled", "2024-10"): Style(
        font="DejaVuSerif",
        bold="DejaVuSerif-Bold",
        size=10,
        rotated_headers=False,
        status_heads=ABBREVIATED,
        heads_bottom=True,
        status_pitch=26,
        table_rules=False,
    ),
}
DOUBTS = ("furniture_reads_as_body", "status_head_ambiguous", "list_row_without_status", "unassigned_text")


def _read(args: tuple[str, str, str]) -> dict:
    """One rendering read by one engine: its model, anomaly kinds, furniture and the lines that open pages."""
    from pipeline.extract.edition import assemble
    from pipeline.layout.reading import read_layout
    from pipeline.model.export import to_gold

    path, engine, _ = args
    pages = read_layout(path, engine)
    openers = [(p.number, round(p.lines[0].top), p.lines[0].text) for p in pages if p.lines]
    furniture = [ln.text for p in pages for ln in p.furniture]
    ed = assemble(pages, Path(path).name)
    return {
        "model": to_gold(ed),
        "kinds": Counter(a.kind for a in ed.anomalies),
        "furniture": furniture,
        "openers": openers,
        "list_words": [w.text for ln in (l for p in pages for l in p.lines) for w in ln.words],
    }


@pytest.fixture(scope="session")
def class_readings(tmp_path_factory) -> dict[tuple[str, str], dict]:
    """Every rendering made once and read once per engine per session, two at a time."""
    out = tmp_path_factory.mktemp("classes")
    jobs = []
    for (name, edition), style in RENDERINGS.items():
        pdf = out / f"{name}-{edition}.pdf"
        render(gold(edition), str(pdf), style)
        jobs += [(str(pdf), engine, name) for engine in ENGINES]
    with ProcessPoolExecutor(max_workers=2) as ex:
        return {(name, engine): r for (_, engine, name), r in zip(jobs, ex.map(_read, jobs))}


CASES = [(name, edition, engine) for name, edition in RENDERINGS for engine in ENGINES]


@pytest.mark.parametrize("name,edition,engine", CASES, ids=[f"{n}-{e}-{g}" for n, e, g in CASES])
def test_rendering_meets_gold_bar_without_doubts(class_readings, name, edition, engine):
    r = class_readings[(name, engine)]
    ok, lines = score(ignore_breaks(gold(edition)), ignore_breaks(r["model"]), verbose=True)
    assert ok, "\n".join(lines[:80])
    assert not {k: n for k, n in r["kinds"].items() if k in DOUBTS}
    assert_documented(r["kinds"])  # every kind the rendering emits is registered and in docs/data.md


@pytest.mark.parametrize("name", [n for n, _ in RENDERINGS])
def test_engines_give_the_same_model(class_readings, name):
    assert first_difference(*(class_readings[(name, e)]["model"] for e in ENGINES)) is None


@pytest.mark.parametrize("name", [n for n, _ in RENDERINGS if n.startswith("labels")])
def test_labels_open_pages_at_one_height_and_running_headers_are_set_aside(class_readings, name):
    """The class is there (a block label opens three pages or more at one height, above where text starts on
    the other pages) and the running headers are furniture, the label never."""
    r = class_readings[(name, "pdfium")]
    labels = Counter(
        top for _, top, text in r["openers"] if text.startswith(("Beratung/", "abgeschlossene", "Erfolgte"))
    )
    top, count = labels.most_common(1)[0]
    others = Counter(t for _, t, text in r["openers"] if t != top)
    assert count >= 3 and top < others.most_common(1)[0][0]
    assert not any(t.startswith(("Beratung/", "abgeschlossene", "Erfolgte")) for t in r["furniture"])
    heads = [t for t in r["furniture"] if "Nachhaltigkeitsreport Kreis Soest" in t or t[:3] in ("1. ", "2. ", "3. ")]
    assert len(heads) >= 30


@pytest.mark.parametrize("name", [n for n, _ in RENDERINGS if n.startswith("abbreviated")])
def test_the_status_heads_are_abbreviated(class_readings, name):
    words = class_readings[(name, "pdfium")]["list_words"]
    assert {"umg.", "Bearb.", "Plan.", "Ideensp."} <= set(words)
