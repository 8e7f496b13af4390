"""The segment stage on hand-built lines: the report's tree from numbering and labels, stray text kept."""

from pipeline.extract.segment import Block, LabelMatch, ProjectBlock, ThemeBlock, _label, _theme_body, grammar, segment
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


def lines(*texts: str, bold: bool = True) -> list[Line]:
    """Body lines of size 10, one per text, all bold or all plain."""
    return [ln(t, k, bold=bold) for k, t in enumerate(texts)]


def test_label_reads_name_wording_value_and_next_line():
    lab = _label(lines("Projekt „in Bearbeitung“ seit: 01.10.2022"), 0, -1, grammar())
    assert lab == LabelMatch("since", "Projekt „in Bearbeitung“ seit:", "01.10.2022", 1)


def test_labels_come_in_order_and_extra_only_after_since():
    ls = lines("Projektbeschreibung:", "Projektabschluss: 01.04.2025")
    assert _label(ls, 0, grammar().rank["remark"], grammar()) is None  # no description after the remark
    assert _label(ls, 1, grammar().rank["since"], grammar()).name == "extra"
    assert _label(ls, 1, grammar().rank["description"], grammar()) is None


def test_label_wrapped_inside_its_parentheses_is_joined():
    ls = lines("abgeschlossene Meilensteine (Datum des", "Abschlusses):", "21.03.2024 Beschluss")
    lab = _label(ls, 0, grammar().rank["description"], grammar())
    assert (lab.name, lab.label, lab.end) == ("steps", "abgeschlossene Meilensteine (Datum des Abschlusses):", 2)


def test_milestones_phrase_inside_a_paragraph_is_text():
    ls = lines("Bemerkung:") + [ln("Meilensteine:", 1)]
    assert _label(ls, 1, grammar().rank["description"], grammar()) is None  # plain, below bold lines: text
    assert _label(ls[1:], 0, grammar().rank["description"], grammar()).name == "steps"  # no bold line above: a label
    ls = lines("Bemerkung:") + [ln("Meilensteine (Datum):", 1)]
    assert _label(ls, 1, grammar().rank["description"], grammar()).name == "steps"  # names its "(…)": a label


def project(*texts: tuple[str, bool]) -> ProjectBlock:
    """The one project of a theme body: a goal, a section, then `texts` (text, bold) from its number line."""
    head = [("1.1 Strategisches Ziel 1", True), ("1.1.2 Projekte in Bearbeitung", True)]
    body = [ln(t, k, bold=b) for k, (t, b) in enumerate(head + list(texts))]
    th = ThemeBlock("1", "T", body[0])
    assert _theme_body(th, body, grammar()) == []
    return th.goals[0].sections[0].projects[0]


def test_since_value_wrapped_to_its_own_line():
    p = project(("1.1.2.1 Titel", True), ("Projekt „in Planung“ seit:", True), ("01.10.2022", True))
    assert p.blocks["since"] == Block("Projekt „in Planung“ seit:", "01.10.2022", [])
    assert p.unlabelled == []


def test_title_wraps_until_the_first_label_and_plain_number_line_opens_a_project_before_since():
    p = project(
        ("1.1.2.1 Ein langer", False),
        ("Titel", False),
        ("Projekt „in Planung“ seit: 2022", True),
        ("Projektabschluss: 2025", True),
        ("Projektbeschreibung:", True),
        ("Text.", False),
    )
    assert [l.text for l in p.head] == ["1.1.2.1 Ein langer", "Titel"]
    assert [(e.label, e.value) for e in p.extra] == [("Projektabschluss:", "2025")]
    assert [l.text for l in p.blocks["description"].lines] == ["Text."]
