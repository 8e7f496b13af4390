"""Hand-built records for unit tests: an edition holding one project."""

from pipeline.model.records import Edition, Goal, Project, Section, Theme


def one_project_edition(p: Project, stand: str = "01.04.2025", previous: str | None = None) -> Edition:
    """An edition whose only project is `p`, in section 1.1.2 (in Bearbeitung) of goal 1.1 of theme 1."""
    ed = Edition(f"{stand[-4:]}-{stand[3:5]}", stand, previous, "T", "x.pdf", 9)
    section = Section("1.1.2", "in Bearbeitung", "Projekte in Bearbeitung", projects=[p])
    ed.themes = [Theme("1", "T", goals=[Goal("1.1", "Strategisches Ziel 1", "", sections=[section])])]
    return ed
