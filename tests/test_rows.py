"""Provenance: every record's page and box point at where it is printed in the PDF."""

import re

import pyarrow.parquet as pq
import pypdfium2 as pdfium
import pytest
from conftest import EDITIONS, RAW

# table → the column whose first word must be printed inside the record's box
FIRST_WORD = {
    "projects": "project_number",
    "steps": "text",
    "committee": "text",
    "list_rows": "project_number",
    "archive_printed": "title",
}


def first_word(s: str) -> str:
    return re.sub(r"\W+$", "", s.split()[0]) if s and s.split() else ""


def squash(s: str) -> str:
    return re.sub(r"[\s\u00ad\x02-]+", "", s)


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_record_is_printed_inside_its_box(built, edition):
    pdf = pdfium.PdfDocument(str(RAW / f"nachhaltigkeitsreport-{edition}.pdf"))
    pages: dict[int, tuple] = {}
    checked, misses = 0, []
    try:
        for table, col in FIRST_WORD.items():
            t = pq.read_table(built[1] / f"{table}.parquet").to_pylist()
            for r in (r for r in t if r["edition"] == edition):
                word = first_word(r[col] or "") or first_word(r.get("date_raw") or "")
                if not word:
                    continue
                if r["page"] not in pages:
                    page = pdf[r["page"] - 1]
                    pages[r["page"]] = (page, page.get_textpage(), page.get_size()[1])
                _, tp, h = pages[r["page"]]
                inside = tp.get_text_bounded(
                    left=r["x0"] - 1, bottom=h - r["bottom"] - 1, right=r["x1"] + 1, top=h - r["top"] + 1
                )
                checked += 1
                if squash(word) not in squash(inside):
                    misses.append(f"{table} {r.get('project_number')} p.{r['page']}: {word!r} not in {inside!r}")
    finally:
        for page, tp, _ in pages.values():
            tp.close()
            page.close()
        pdf.close()
    assert checked > 200
    assert not misses, "\n".join(misses[:20])


def test_planned_milestones_carry_their_own_box(built):
    """'geplante Meilensteine' entries in a remark point at their own line, not at the project's head."""
    steps = pq.read_table(built[1] / "steps.parquet").to_pylist()
    heads = {
        (r["edition"], r["project_number"]): (r["page"], r["top"])
        for r in pq.read_table(built[1] / "projects.parquet").to_pylist()
    }
    planned = [r for r in steps if r["block"] == "planned"]
    assert planned
    for r in planned:
        assert (r["page"], r["top"]) != heads[(r["edition"], r["project_number"])]
