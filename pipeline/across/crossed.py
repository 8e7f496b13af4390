"""Cross-edition tables computed from all editions together: identity (`reconcile.py`), status history,
transitions, late reports and the rebuilt archive with its check (`history.py`), audit findings
(`findings.py`), papers and bodies (here); and project_id filled in on the per-edition tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..model.kinds import register
from ..model.records import Edition
from ..model.rows import doubts
from . import history
from .findings import audit_findings
from .ids import IdMap, project_ids
from .reconcile import Prelinked, reconcile

ARCHIVE_MISMATCH = register(
    "archive_mismatch",
    "warning",
    "The latest printed archive and the archive rebuilt from the editions "
    "disagree (info when the row matched but a field differs).",
    source="report",
)
MATCHED_SEVERITY = "info"  # an archive_mismatch whose row matched but a field differs (the meaning says so)

CLASSIFICATION = {
    "Kreistag": "Parlament",
    "Kreisausschuss": "Hauptausschuss",
    "Ausschuss": "Ausschuss",
    "Beirat": "Beirat",
    "other": "sonstiges Gremium",
}


def papers_and_bodies(committee: list[dict], ids: dict[tuple[str, str], str] | None = None) -> dict[str, list[dict]]:
    """The papers (by reference) and bodies (by name) the committee lines of all editions cite."""
    ids = ids or {}
    papers: dict[str, dict] = {}
    bodies: dict[str, dict] = {}
    for r in committee:
        d = r["date_start"] if r["date_precision"] == "day" else None
        if r["paper_reference"]:
            add_paper(papers, r, d, ids.get((r["edition"], r["project_number"])))
        if r["body_name"]:
            add_body(bodies, r, d)
    return {
        "papers": [paper_row(p) for _, p in sorted(papers.items())],
        "bodies": [body_row(b) for _, b in sorted(bodies.items())],
    }


def add_paper(papers: dict[str, dict], r: dict, day, pid: str | None) -> None:
    """Count one committee line citing a paper into that paper's entry (day: its date if exact)."""
    p = papers.setdefault(
        r["paper_reference"],
        {
            "paper_reference": r["paper_reference"],
            "paper_types": set(),
            "body_names": set(),
            "dates": [],
            "project_numbers": set(),
            "project_ids": set(),
            "editions": set(),
            "citations": 0,
        },
    )
    if r["paper_type"]:
        p["paper_types"].add(r["paper_type"])
    if r["body_name"]:
        p["body_names"].add(r["body_name"])
    if day:
        p["dates"].append(day)
    p["project_numbers"].add(f"{r['edition']}:{r['project_number']}")
    if pid:
        p["project_ids"].add(pid)
    p["editions"].add(r["edition"])
    p["citations"] += 1


def add_body(bodies: dict[str, dict], r: dict, day) -> None:
    """Count one committee line naming a body into that body's entry (day: its date if exact)."""
    b = bodies.setdefault(
        r["body_name"],
        {
            "body_name": r["body_name"],
            "body_kind": r["body_kind"],
            "classification": CLASSIFICATION[r["body_kind"]],
            "printed_as": set(),
            "consultations": 0,
            "refs": set(),
            "dates": [],
        },
    )
    b["printed_as"].add(r["body"])
    b["consultations"] += 1
    if r["paper_reference"]:
        b["refs"].add(r["paper_reference"])
    if day:
        b["dates"].append(day)


def paper_row(p: dict) -> dict:
    """The papers row of one paper entry: sets sorted, dates reduced to the first and last."""
    return {
        **{k: (sorted(v) if isinstance(v, set) else v) for k, v in p.items() if k != "dates"},
        "first_date": min(p["dates"], default=None),
        "last_date": max(p["dates"], default=None),
    }


def body_row(b: dict) -> dict:
    """The bodies row of one body entry: how it was printed, consultations, papers, first and last date."""
    return {
        "body_name": b["body_name"],
        "body_kind": b["body_kind"],
        "classification": b["classification"],
        "printed_as": sorted(b["printed_as"]),
        "consultations": b["consultations"],
        "papers": len(b["refs"]),
        "first_date": min(b["dates"], default=None),
        "last_date": max(b["dates"], default=None),
    }


def recount_doubts(tables: dict[str, list[dict]]) -> None:
    """editions.extraction_doubts again, now that reconciliation added its anomalies (contested links)."""
    for ed in tables["editions"]:
        ed["extraction_doubts"] = doubts([a for a in tables["anomalies"] if a["edition"] == ed["edition"]])


def cross_tables(
    editions: list[Edition],
    tables: dict[str, list[dict]],
    known: IdMap | None = None,
    pre: Prelinked | None = None,
    ready: Callable[[dict[str, list[dict]]], object] | None = None,
) -> CrossTables:
    """identity, history, transitions, late reports, rebuilt archive and its check, papers, bodies, retired
    ids (`known`: the identity map whose ids are kept), and project_id on the per-edition tables; `pre`: what
    reconciliation needs, worked out before from the same rows; `ready` given tables as soon as they are
    complete (the printed ones, once they have their ids), while the rest is worked out."""
    eds = sorted(r["edition"] for r in tables["editions"])
    stands = {r["edition"]: r["stand"] for r in tables["editions"]}
    stand_text = {e.edition: e.stand for e in editions}
    told = ready or (lambda done: None)
    rec = reconcile(tables["projects"], tables["steps"], eds, tables["archive_printed"], stand_text, known, pre=pre)
    identity = rec.identity
    ids = project_ids(identity)
    for name in IDS_KNOWN:
        with_ids(tables[name], ids)
    for r, pid in zip(tables["archive_printed"], rec.archive_ids):
        r["project_id"] = pid
    out: dict[str, list[dict]] = {"identity": identity, "retired_ids": rec.retired}
    told({**out, **{name: tables[name] for name in (*IDS_KNOWN, "archive_printed")}})
    tables["anomalies"].extend(rec.anomalies)
    out.update(_histories(identity, tables, eds, stands))
    recount_doubts(tables)
    with_ids(tables["anomalies"], ids)
    out.update(papers_and_bodies(tables["committee"], ids))
    told(
        {name: out[name] for name in HISTORIES + ("papers", "bodies")}
        | {n: tables[n] for n in ("anomalies", "editions")}
    )
    out["audit_findings"] = [
        {**f, "stand": stands.get(f["edition"]), "previous_stand": stands.get(f["previous_edition"])}
        for f in audit_findings(editions, identity)
    ]
    return CrossTables({name: out[name] for name in CROSS}, rec.idmap)


HISTORIES = ("transitions", "status_history", "late_reported", "archive", "archive_check")
CROSS = ("identity", *HISTORIES, "retired_ids", "papers", "bodies", "audit_findings")  # the tables across editions


def _histories(identity: list[dict], tables: dict[str, list[dict]], eds: list[str], stands: dict) -> dict:
    """Transitions, status history, late reports, the rebuilt archive and its check against the printed one
    (whose disagreements join the anomalies)."""
    trans = history.transitions(identity, tables["projects"], eds, stands)
    rebuilt = history.rebuilt_archive(trans, identity, tables["projects"])
    check = history.archive_check(rebuilt, tables["archive_printed"], eds[-1], stands) if eds else []
    tables["anomalies"].extend(archive_anomalies(check, eds))
    return {
        "transitions": trans,
        "status_history": history.status_history(identity, tables["projects"], eds, stands),
        "late_reported": history.late_reported(trans, tables["projects"], stands),
        "archive": rebuilt,
        "archive_check": check,
    }


IDS_KNOWN = ("projects", "steps", "committee", "list_rows")  # printed rows that take their project's id


def with_ids(rows: list[dict], ids: dict[tuple[str, str], str]) -> None:
    """project_id on rows naming an (edition, project number), unless a row names its project itself (an
    archive_mismatch anomaly)."""
    for r in rows:
        if "project_id" not in r:
            r["project_id"] = ids.get((r["edition"], r["project_number"]))


class CrossTables(NamedTuple):
    """The tables across editions, and the identity map to write back."""

    tables: dict[str, list[dict]]
    idmap: IdMap


def archive_anomalies(check: list[dict], eds: list[str]) -> list[dict]:
    """archive_mismatch anomalies: printed archive rows of the latest edition the rebuilt archive disagrees with."""
    return [
        {
            "edition": eds[-1],
            "kind": ARCHIVE_MISMATCH.kind,
            "severity": MATCHED_SEVERITY if c["matched"] else ARCHIVE_MISMATCH.severity,
            "source": ARCHIVE_MISMATCH.source,
            "page": c["page"],
            "project_number": c["rebuilt_number"],
            "project_id": c["project_id"],
            "detail": f"{c['title']}: {c['detail']}",
        }
        for c in check
        if not c["matched"] or c["detail"]
    ]
