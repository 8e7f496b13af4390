"""Hand-built records for unit tests: an edition holding one project."""

from pipeline.model.records import Edition, Goal, Project, Section, Theme


def one_project_edition(p: Project, stand: str = "01.04.2025", previous: str | None = None) -> Edition:
    """An edition whose only project is `p`, in section 1.1.2 (in Bearbeitung) of goal 1.1 of theme 1."""
    ed = Edition(f"{stand[-4:]}-{stand[3:5]}", stand, previous, "T", "x.pdf", 9)
    section = Section("1.1.2", "in Bearbeitung", "Projekte in Bearbeitung", projects=[p])
    ed.themes = [Theme("1", "T", goals=[Goal("1.1", "Strategisches Ziel 1", "", sections=[section])])]
    return ed


def many_project_edition(ps: list[Project], stand: str = "01.04.2025") -> Edition:
    """An edition whose projects `ps` (each with its own status) stand in section 1.1.2 of goal 1.1 of theme 1."""
    ed = one_project_edition(ps[0], stand)
    ed.themes[0].goals[0].sections[0].projects = list(ps)
    return ed


def labelled_project(number: str, status: str = "in Bearbeitung", **fields) -> Project:
    """A project printing every label of the in-progress skeleton (fields override: `committee_label=None`)."""
    labels = {
        "since_label": "Projekt in Bearbeitung seit:",
        "since_value": "01.01.2024",
        "description_label": "Projektbeschreibung:",
        "steps_label": "abgeschlossene Meilensteine (Datum des Abschlusses):",
        "committee_label": "Beratung/Information in politischen Gremien (Datum):",
        "remark_label": "Bemerkungen:",
    }
    return Project(number, f"Projekt {number}", status, **{**labels, **fields})
