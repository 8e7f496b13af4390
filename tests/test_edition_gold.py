"""Golden-file test: every corpus edition against its gold model, scored field by field."""
import pytest

from pipeline.export import to_gold
from score_edition import score

from conftest import EDITIONS, gold


@pytest.mark.parametrize("edition", EDITIONS)
def test_edition_meets_gold_bar(editions, edition):
    ok, lines = score(gold(edition), to_gold(editions[edition]), verbose=True)
    print("\n".join(lines))
    assert ok, "\n".join(lines)
    assert lines[-1].endswith(" 0 field misses"), lines[-1]


@pytest.mark.parametrize("edition", EDITIONS)
def test_edition_header_from_document(editions, edition):
    g, ed = gold(edition), editions[edition]
    assert (ed.edition, ed.stand, ed.previous_stand) == (g["edition"], g["stand"], g["previous_stand"])
    assert [(t.number, t.title, t.list_title) for t in ed.themes] == \
           [(t["number"], t["title"], t["list_title"]) for t in g["themes"]]
    assert ed.archive_since == g["archive"]["since"]


def test_every_record_has_a_place(editions):
    for ed in editions.values():
        for *_, p in ed.projects():
            assert p.box and p.box.page >= 1
            for e in p.steps + p.committee:
                assert e.box and e.box.page >= p.box.page
        for pl in ed.project_lists:
            assert all(r.box and r.box.page > 1 for r in pl.rows)
        assert all(a.box for a in ed.archive)


def test_report_errors_are_kept_and_listed(editions):
    ed = editions["2025-04"]
    goal = next(g for t in ed.themes for g in t.goals if g.number == "2.8")
    assert goal.label == "Strategisches Ziel"
    assert [s.number for s in goal.sections] == ["2.8.1", "2.8.2", "2.7.3", "2.7.4"]
    kinds = {(a.kind, a.project_number) for a in ed.anomalies}
    assert ("goal_label_without_digit", None) in kinds
    assert ("section_number_mismatch", None) in kinds
    assert ("since_label_status", "2.1.1.1") in kinds
