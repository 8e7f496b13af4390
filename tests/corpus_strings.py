"""Every distinct date string and committee line of the six gold files (collected, not typed by hand)."""

import json
from pathlib import Path

from pipeline.model.rows import planned_entries

GOLD = Path(__file__).resolve().parent / "data" / "gold"


def _projects():
    for f in sorted(GOLD.glob("*.json")):
        g = json.loads(f.read_text(encoding="utf-8"))
        for th in g["themes"]:
            for go in th["goals"]:
                for s in go["sections"]:
                    yield from s["projects"]


def date_strings() -> list[str]:
    out = set()
    for f in sorted(GOLD.glob("*.json")):
        g = json.loads(f.read_text(encoding="utf-8"))
        out |= {a["report"] for a in g["archive"]["completed"]} | {a["last_mention"] for a in g["archive"]["dropped"]}
    for p in _projects():
        out.add(p["since_value"])
        out |= {e["date"] for e in p["steps"] + p["committee"]}
        out |= {e.date for e in planned_entries(p["remark"])}
    return sorted(x for x in out if x)


def committee_lines() -> list[str]:
    return sorted({e["text"] for p in _projects() for e in p["committee"]})
