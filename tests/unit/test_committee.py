"""Every distinct committee line of the six editions split into OParl-aligned fields."""

import csv
from pathlib import Path

import pytest
from corpus_strings import committee_lines
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parse.committee import parse_committee

EXPECTED = {
    r["text"]: r
    for r in csv.DictReader(open(Path(__file__).parent.parent / "data" / "committee_expected.csv", encoding="utf-8"))
}
FIELDS = ["body", "body_name", "body_kind", "paper_type", "paper_reference", "agenda_item", "note"]


@pytest.mark.parametrize("text", committee_lines())
def test_corpus_committee_line(text):
    c = parse_committee(text).to_json()
    assert {k: c[k] for k in FIELDS} == {k: EXPECTED[text][k] for k in FIELDS}


def test_issue_examples():
    c = parse_committee("Kreistag – TOP 14.5 – Vorlage 076/2023")
    assert (c.body_kind, c.paper_type, c.paper_reference, c.agenda_item) == (
        "Kreistag",
        "Vorlage",
        "076/2023",
        "TOP 14.5",
    )
    c = parse_committee("Jugendhilfeausschuss, Informationsvorlage, 128/2024")
    assert (c.body_name, c.body_kind, c.paper_type, c.paper_reference) == (
        "Jugendhilfeausschuss",
        "Ausschuss",
        "Informationsvorlage",
        "128/2024",
    )
    c = parse_committee("Kreistag, Beschlussvorlage 111/2022-1")
    assert c.paper_reference == "111/2022-1"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_never_raises(text):
    c = parse_committee(text)
    assert c.body_kind in {"Kreistag", "Kreisausschuss", "Ausschuss", "Beirat", "other"}
