"""The segment stage on hand-built lines: the report's tree from numbering and labels, stray text kept."""

from pipeline.extract.segment import segment
from pipeline.model.records import Line, Word


def ln(text: str, k: int, size: float = 10.0, bold: bool = False) -> Line:
    words, x = [], 60.0
    for t in text.split():
        words.append(Word(t, x, x + 6 * len(t), 20.0 * k, 20.0 * k + size, size, bold, True))
        x += 6 * len(t) + 3
    return Line(2, tuple(words))


def doc():
    texts = [
        ("1. KLIMA/ENERGIE/UMWELT", 30.0, True),
        ("Ein Satz, den kein Block nimmt.", 10.0, False),
        ("1.1 Strategisches Ziel 1", 13.0, True),
        ("Energieeinsparpotentiale sollen realisiert werden.", 10.0, True),
        ("1.1.2 Projekte in Bearbeitung", 12.0, True),
        ("1.1.2.1 Klimaschutzkonzept 2.0", 10.0, True),
        ("Projekt „in Bearbeitung“ seit: 01.10.2022", 10.0, True),
        ("Projektbeschreibung:", 10.0, True),
        ("Das Konzept wird fortgeschrieben.", 10.0, False),
        ("abgeschlossene Meilensteine (Datum des Abschlusses):", 10.0, True),
        ("21.03.2024 Beschluss des Klimaschutzkonzeptes", 10.0, False),
        ("Bemerkung (optional):", 10.0, True),
        ("Läuft.", 10.0, False),
    ]
    return segment([ln(t, k, s, b) for k, (t, s, b) in enumerate(texts)], big=18.0, right=500.0)


def test_tree_from_numbering_and_labels():
    d = doc()
    (th,) = d.themes
    (goal,) = th.goals
    (sec,) = goal.sections
    (p,) = sec.projects
    assert (th.number, th.title, goal.number, sec.status, p.number) == (
        "1",
        "KLIMA/ENERGIE/UMWELT",
        "1.1",
        "in Bearbeitung",
        "1.1.2.1",
    )
    assert list(p.blocks) == ["since", "description", "steps", "remark"]
    assert p.blocks["since"][1] == "01.10.2022"
    assert [l.text for l in p.blocks["steps"][2]] == ["21.03.2024 Beschluss des Klimaschutzkonzeptes"]


def test_text_under_no_block_is_kept_as_stray():
    assert [l.text for l in doc().stray] == ["Ein Satz, den kein Block nimmt."]
