"""The Stand and the previous Stand from the document's own words, on hand-built lines."""

import pytest

from pipeline.extract.edition import find_previous, find_stand, stand_anomalies
from pipeline.model.records import Line, Word


def lines(*texts: str) -> list[Line]:
    return [
        Line(
            1,
            tuple(
                Word(t, 10.0 * i, 10.0 * i + 8, 20.0 * k, 20.0 * k + 10, 10.0, False, True)
                for i, t in enumerate(text.split())
            ),
        )
        for k, text in enumerate(texts)
    ]


@pytest.mark.parametrize(
    "cover",
    [
        "Stand: 01.10.2022",
        "Fortschreibung – Stand: 01.10.2022",
        "Stand 1. Oktober 2022",
        "Dieser Bericht gibt den Sachstand wieder (Stand: 01.10.2022).",
        "Stand Oktober 2022",
    ],
)
def test_stand_wherever_written_on_the_cover(cover):
    assert find_stand(lines("Nachhaltigkeitsreport Kreis Soest", cover)) == "01.10.2022"


def test_no_stand():
    assert find_stand(lines("Nachhaltigkeitsreport Kreis Soest", "Stand der Umsetzung der Ziele")) == ""


def test_previous_stand_also_when_the_sentence_wraps():
    assert (
        find_previous(lines("Änderungen seit der letzten Überarbeitung zum 01.10.2024 sind markiert")) == "01.10.2024"
    )
    assert (
        find_previous(lines("Änderungen seit der letzten Überarbeitung zum", "01.10.2024 sind markiert"))
        == "01.10.2024"
    )
    assert find_previous(lines("nichts dergleichen")) is None


def test_previous_stand_cross_check():
    assert stand_anomalies("01.04.2025", "01.10.2024") == []
    assert stand_anomalies("01.04.2025", None) == []
    assert [a.kind for a in stand_anomalies("01.04.2025", "01.04.2025")] == ["previous_stand_not_earlier"]
