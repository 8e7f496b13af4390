"""Every distinct date string of the six editions, read exactly; unknown forms never guessed."""

import csv
import datetime as dt
from pathlib import Path

import pytest
from corpus_strings import date_strings
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parse.dates import PRECISIONS, QUALIFIERS, parse_date

EXPECTED = {
    r["raw"]: r
    for r in csv.DictReader(open(Path(__file__).parent.parent / "data" / "dates_expected.csv", encoding="utf-8"))
}
CORPUS = date_strings()


def test_expected_table_covers_the_corpus():
    assert set(CORPUS) <= set(EXPECTED), sorted(set(CORPUS) - set(EXPECTED))


@pytest.mark.parametrize("raw", CORPUS)
def test_corpus_date(raw):
    d, e = parse_date(raw), EXPECTED[raw]
    assert (str(d.start or ""), str(d.end or ""), d.precision, d.qualifier) == (
        e["start"],
        e["end"],
        e["precision"],
        e["qualifier"],
    )
    assert d.understood


@pytest.mark.parametrize(
    "raw,start,end,precision,qualifier",
    [
        ("KW 12/2025", "2025-03-17", "2025-03-23", "week", "none"),
        ("Ende Juni 2025", "2025-06-21", "2025-06-30", "month", "approx"),
        ("Anfang 2026", "2026-01-01", "2026-04-30", "season", "approx"),
        ("Winter 2024", "2024-12-01", "2025-02-28", "season", "none"),
        ("1. Halbjahr 2026", "2026-01-01", "2026-06-30", "half_year", "none"),
        ("Q3 2025", "2025-07-01", "2025-09-30", "quarter", "none"),
        ("1. April 2025", "2025-04-01", "2025-04-01", "day", "none"),
        ("01.04.25", "2025-04-01", "2025-04-01", "day", "none"),
        ("bis 2026", "2026-01-01", "2026-12-31", "year", "range"),
        ("01.-03.10.2024", "2024-10-01", "2024-10-03", "day", "range"),
        ("01.09.-30.09.2024", "2024-09-01", "2024-09-30", "day", "range"),
        ("Mai/Juni 2024", "2024-05-01", "2024-06-30", "month", "range"),
        ("Sommer/Herbst 2025", "2025-06-01", "2025-11-30", "season", "range"),
        ("Juni - August 2025", "2025-06-01", "2025-08-31", "month", "range"),
        ("ab Mitte 2025", "2025-05-01", "2025-08-31", "season", "from"),
        ("voraussichtlich 2. Hj. 2026", "2026-07-01", "2026-12-31", "half_year", "approx"),
    ],
)
def test_families_beyond_the_corpus(raw, start, end, precision, qualifier):
    d = parse_date(raw)
    assert (str(d.start), str(d.end), d.precision, d.qualifier) == (start, end, precision, qualifier)


@pytest.mark.parametrize("raw", ["demnächst", "2023/27", "31.02.2024", "Q5 2024", "Frühsommer 2024", "März"])
def test_unknown_is_unknown_not_a_guess(raw):
    d = parse_date(raw)
    assert d.start is None and d.end is None and d.precision == "unknown" and not d.understood


def test_month_only_never_takes_todays_day():
    # dateparser's default would give the 25th of March on the 25th of a month
    assert parse_date("März 2024").start == dt.date(2024, 3, 1)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_never_raises(text):
    d = parse_date(text)
    assert d.precision in PRECISIONS and d.qualifier in QUALIFIERS
    assert (d.start is None) == (d.end is None)
    if d.start:
        assert d.start <= d.end


def test_unknown_date_becomes_anomaly_row():
    from builders import one_project_edition

    from pipeline.extract.doubts import date_doubts
    from pipeline.model.records import Entry, Project
    from pipeline.model.rows import edition_rows

    p = Project("1.1.2.1", "Titel", "in Bearbeitung", since_value="irgendwann", steps=[Entry("demnächst", "Tat")])
    ed = one_project_edition(p, previous="01.10.2024")
    ed.anomalies += date_doubts(ed)  # what extraction adds to an Edition it assembles
    rows = edition_rows(ed)
    assert rows["steps"][0]["date_precision"] == "unknown" and rows["steps"][0]["date_start"] is None
    kinds = [(a["kind"], a["project_number"]) for a in rows["anomalies"]]
    assert kinds.count(("unparsed_date", "1.1.2.1")) == 2
