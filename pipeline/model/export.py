"""The edition as JSON in the corpus gold format (corpus/SCHEMA.md), so anyone can diff it against gold."""

from __future__ import annotations

from .records import Edition


def to_gold(ed: Edition) -> dict:
    return {
        "edition": ed.edition,
        "stand": ed.stand,
        "previous_stand": ed.previous_stand,
        "title": ed.title,
        "intro": ed.intro,
        "themes": [
            {
                "number": th.number,
                "title": th.title,
                "list_title": th.list_title,
                "goals": [
                    {
                        "number": g.number,
                        "label": g.label,
                        "text": g.text,
                        "sections": [
                            {
                                "number": s.number,
                                "status": s.status,
                                "heading": s.heading,
                                "empty_note": s.empty_note,
                                "projects": [
                                    {
                                        "number": p.number,
                                        "title": p.title,
                                        "since_label": p.since_label,
                                        "since_value": p.since_value,
                                        "extra_header": [{"label": a, "value": b} for a, b in p.extra_header],
                                        "description_label": p.description_label,
                                        "description": p.description,
                                        "steps_label": p.steps_label,
                                        "steps": [{"date": e.date, "text": e.text} for e in p.steps],
                                        "committee_label": p.committee_label,
                                        "committee": [{"date": e.date, "text": e.text} for e in p.committee],
                                        "remark_label": p.remark_label,
                                        "remark": p.remark,
                                    }
                                    for p in s.projects
                                ],
                            }
                            for s in g.sections
                        ],
                    }
                    for g in th.goals
                ],
            }
            for th in ed.themes
        ],
        "project_lists": [
            {
                "theme": pl.theme,
                "title": pl.title,
                "rows": [
                    {
                        "number": r.number,
                        "title": r.title,
                        "status": r.status,
                        "cooperation": r.cooperation,
                        "responsible": r.responsible,
                    }
                    for r in pl.rows
                ],
            }
            for pl in ed.project_lists
        ],
        "archive": {
            "since": ed.archive_since,
            "completed": [
                {"theme": a.theme, "project": a.project, "report": a.report, "number": a.number}
                for a in ed.archive
                if a.kind == "completed"
            ],
            "dropped": [
                {"theme": a.theme, "project": a.project, "reason": a.reason, "last_mention": a.last_mention}
                for a in ed.archive
                if a.kind == "dropped"
            ],
        },
    }
