"""De-hyphenation on hand-built lines: each rule of evidence, the gate, and an undecided break's doubt."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from pipeline.config import config_dir, language_from
from pipeline.errors import ConfigError
from pipeline.extract import hyphens
from pipeline.extract.fields import join_lines
from pipeline.extract.hyphens import Decision, Hyphenation, decide
from pipeline.model.records import Line, Word

# the county's real line breaks (seed text of the 2025-04 edition) and a hyphenating producer's


def w(text, x0=100.0, space_after=False):
    return Word(text, x0, x0 + 6 * len(text), 700.0, 710.0, 10.0, False, space_after)


def line(text, page=3):
    ws, x = [], 70.0
    for t in text.split():
        ws.append(w(t, x, True))
        x += 6 * len(t) + 3
    ws[-1] = ws[-1]._replace(space_after=None if ws[-1].text.endswith("-") else True)
    return Line(page, tuple(ws))


def test_soft_hyphen_in_the_text_layer_goes():
    assert decide("Maßnah\u00ad", "men") == Decision(False, "soft")
    assert decide("Car\u00ad", "Sharing", Counter({"car-Sharing": 3})) == Decision(False, "soft")  # strongest


def test_word_printed_unbroken_elsewhere_goes():
    assert decide("umge-", "setzt", Counter({"umgesetzt": 1})) == Decision(False, "unbroken")
    assert decide("Umge-", "setzt", Counter({"umgesetzt": 1})) == Decision(False, "unbroken")  # opens a sentence
    # the case of the continuation must match: "Carsharing" printed whole says nothing about "Car-" + "Sharing"
    assert decide("Car-", "Sharing", Counter({"carsharing": 1})) == Decision(True, "case")


def test_hyphenated_form_printed_on_one_line_stays():
    assert decide("Rad-", "vorrangrouten,", Counter({"rad-vorrangrouten": 1})) == Decision(True, "one_line")
    assert decide("Rad-", "vorrangrouten,") == Decision(False, "dictionary")  # without it, a syllable break


def test_continuation_case_abbreviations_numbers_and_conjunctions_keep():
    assert decide("Car-", "Sharing,") == Decision(True, "case")
    assert decide("„On-Demand-", "Verkehr“") == Decision(True, "case")
    assert decide("CO2-", "reduzierte") == Decision(True, "case")
    assert decide("E-", "mobilität") == Decision(True, "case")
    assert decide("2021-", "2024") == Decision(True, "case")
    assert decide("Kinder-", "und") == Decision(True, "case")
    assert decide("NACHHAL-", "TIGKEIT") == Decision(False, "dictionary")  # a word in capitals is no evidence


def test_two_adjectives_keep():
    assert decide("politisch-", "strukturell") == Decision(True, "adjectives")
    assert decide("naturwissenschaftlich-", "technischen") == Decision(True, "adjectives")
    assert decide("Möglich-", "keiten") == Decision(False, "dictionary")  # "keiten" is no adjective


def test_dictionary_syllable_breaks_go():
    assert decide("Pflegeein-", "richtungen") == Decision(False, "dictionary")
    assert decide("weiterzu-", "entwickeln.") == Decision(False, "dictionary")
    assert decide("Wohnungs-", "baus") == Decision(False, "dictionary")


def test_undecided_breaks():
    assert decide("Pflegee-", "inrichtungen") == Decision(None, "undecided")  # no syllable break there
    assert decide("https://open.nrw/kreis-", "soest") == Decision(None, "undecided")  # no word


def test_undecided_break_is_an_info_doubt_with_page_and_box():
    h = Hyphenation(Counter(), True)
    last, nxt = w("Pflegee-", 300.0), w("inrichtungen")
    assert not h.removes(last, nxt, 7)
    assert not h.removes(last, nxt, 7)  # joined twice (a title read by two stages): one doubt
    (a,) = h.doubts.values()
    assert (a.kind, a.severity, a.page, a.evidence) == ("hyphen_undecided", "info", 7, "Pflegee- inrichtungen")
    assert a.box is not None and (a.box.page, a.box.x0, a.box.top) == (7, 300.0, 700.0)
    assert h.removes(w("umge-"), w("setzt"), 7) and len(h.doubts) == 1  # a decided break raises none


def test_a_producer_that_does_not_hyphenate_keeps_every_plain_hyphen():
    h = Hyphenation(Counter(), False)
    assert not h.removes(w("Pflegeein-"), w("richtungen"), 3) and not h.doubts
    assert h.removes(w("Maßnah\u00ad"), w("men"), 3)  # a soft hyphen is the producer's own word


def test_hyphenating_is_learned_from_the_share_of_broken_lines():
    few = [line("Text der Zeile")] * 40 + [line("in Pflegeein-"), line("richtungen und mehr")]
    many = [line("ein Text der umge-"), line("setzt wurde und Maß-"), line("nahmen der Pro-"), line("dukte")] * 5
    assert not hyphens.hyphenating(few) and hyphens.hyphenating(many)


def test_vocabulary_counts_only_words_printed_whole():
    v = hyphens.vocabulary([line("„Car-Sharing“ wird umge-"), line("setzt, umgesetzt.")])
    assert v["car-Sharing"] == 1 and v["umgesetzt"] == 1 and v["umge-"] == 0 and v["setzt"] == 0


def test_joins_of_an_edition_being_read_use_its_evidence():
    lines = [line("Die Maßnahmen werden umge-"), line("setzt und Car-"), line("Sharing mit Pro-"), line("dukten")]
    with hyphens.reading(lines * 3) as h:
        assert h.active
        assert join_lines(lines) == "Die Maßnahmen werden umgesetzt und Car-Sharing mit Produkten"
    assert join_lines(lines) == "Die Maßnahmen werden umge-setzt und Car-Sharing mit Pro-dukten"  # outside: as printed


def test_hyphen_words_are_validated_on_load():
    cfg = yaml.safe_load((config_dir() / "lang-de.yaml").read_text(encoding="utf-8"))
    cfg["joining"]["dictionary"] = "xx_XX"
    with pytest.raises(ConfigError, match=r"^lang-de.yaml: joining.dictionary must name a pyphen"):
        language_from(Path("lang-de.yaml"), cfg)
    cfg["joining"]["dictionary"] = "de_DE"
    cfg["joining"]["inflections"] = []
    with pytest.raises(ConfigError, match=r"^lang-de.yaml: joining.inflections must be a non-empty list"):
        language_from(Path("lang-de.yaml"), cfg)
    del cfg["joining"]["adjective_suffixes"]
    with pytest.raises(ConfigError, match=r"^lang-de.yaml: missing key 'joining.adjective_suffixes'"):
        language_from(Path("lang-de.yaml"), cfg)


# ---------------------------------------------------------------- a build: the words of its other editions


def _edition(edition, description, words, breaks=(), doubts=()):
    from builders import one_project_edition

    from pipeline.model.records import Project

    ed = one_project_edition(Project("1.1.2.1", "Titel", "in Bearbeitung", description=[description]))
    ed.edition, ed.words, ed.hyphen_breaks = edition, sorted(words), list(breaks)
    ed.anomalies = [hyphens.HYPHEN_UNDECIDED.anomaly(4, "…", None, None, d) for d in doubts]
    return ed


def _description(ed):
    return next(ed.projects())[3].description[0]


def test_build_settles_weak_breaks_with_the_other_editions_words():
    from pipeline.model.records import HyphenBreak

    removed = HyphenBreak("Radvor", "rangrouten", False, "dictionary", "Radvor- rangrouten")
    kept = HyphenBreak("Pflegee", "inrichtungen", None, "undecided", "Pflegee- inrichtungen")
    a = _edition(
        "2025-04",
        "Radvorrangrouten und Pflegee-inrichtungen (Pflegee-inrichtungenliste)",
        {"und"},
        [removed, kept],
        ["Pflegee- inrichtungen"],
    )
    b = _edition("2024-10", "x", {"radvor-rangrouten", "pflegeeinrichtungen"})
    a2, b2 = hyphens.across([a, b])
    # the other edition prints "Radvor-rangrouten" whole: the hyphen was the word's; "Pflegeeinrichtungen" whole:
    # the undecided hyphen goes, and its doubt with it; a longer word holding it is another word
    assert _description(a2) == "Radvor-rangrouten und Pflegeeinrichtungen (Pflegee-inrichtungenliste)"
    assert not a2.anomalies and b2 is b
    assert _description(a) == "Radvorrangrouten und Pflegee-inrichtungen (Pflegee-inrichtungenliste)"  # as read


def test_build_leaves_breaks_no_other_edition_prints_and_firm_ones():
    from pipeline.model.records import HyphenBreak

    weak = HyphenBreak("Pflegee", "inrichtungen", None, "undecided", "Pflegee- inrichtungen")
    a = _edition("2025-04", "Pflegee-inrichtungen", {"pflegeeinrichtungen"}, [weak], ["Pflegee- inrichtungen"])
    b = _edition("2024-10", "x", {"und"})
    assert hyphens.across([a, b])[0] is a  # its own words were weighed when it was read: no new evidence
