"""Cross-edition tables computed from all editions together (papers, bodies; later identity/history)."""
from __future__ import annotations

from collections import defaultdict

from .records import Edition

CLASSIFICATION = {"Kreistag": "Parlament", "Kreisausschuss": "Hauptausschuss", "Ausschuss": "Ausschuss",
                  "Beirat": "Beirat", "other": "sonstiges Gremium"}


def papers_and_bodies(committee: list[dict], ids: dict[tuple[str, str], str] | None = None) -> dict[str, list[dict]]:
    ids = ids or {}
    papers: dict[str, dict] = {}
    bodies: dict[str, dict] = {}
    for r in committee:
        d = r["date_start"] if r["date_precision"] == "day" else None
        if r["paper_reference"]:
            p = papers.setdefault(r["paper_reference"], {"paper_reference": r["paper_reference"], "paper_types": set(),
                                                         "body_names": set(), "dates": [], "project_numbers": set(),
                                                         "project_ids": set(), "editions": set(), "citations": 0})
            if r["paper_type"]:
                p["paper_types"].add(r["paper_type"])
            if r["body_name"]:
                p["body_names"].add(r["body_name"])
            if d:
                p["dates"].append(d)
            p["project_numbers"].add(f"{r['edition']}:{r['project_number']}")
            if (pid := ids.get((r["edition"], r["project_number"]))):
                p["project_ids"].add(pid)
            p["editions"].add(r["edition"])
            p["citations"] += 1
        if r["body_name"]:
            b = bodies.setdefault(r["body_name"], {"body_name": r["body_name"], "body_kind": r["body_kind"],
                                                   "classification": CLASSIFICATION[r["body_kind"]],
                                                   "printed_as": set(), "consultations": 0, "refs": set(), "dates": []})
            b["printed_as"].add(r["body"])
            b["consultations"] += 1
            if r["paper_reference"]:
                b["refs"].add(r["paper_reference"])
            if d:
                b["dates"].append(d)
    prow = [{**{k: (sorted(v) if isinstance(v, set) else v) for k, v in p.items() if k != "dates"},
             "first_date": min(p["dates"], default=None), "last_date": max(p["dates"], default=None)}
            for _, p in sorted(papers.items())]
    brow = [{"body_name": b["body_name"], "body_kind": b["body_kind"], "classification": b["classification"],
             "printed_as": sorted(b["printed_as"]), "consultations": b["consultations"], "papers": len(b["refs"]),
             "first_date": min(b["dates"], default=None), "last_date": max(b["dates"], default=None)}
            for _, b in sorted(bodies.items())]
    return {"papers": prow, "bodies": brow}


def cross_tables(editions: list[Edition], tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return papers_and_bodies(tables["committee"])
