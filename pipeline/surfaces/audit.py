"""Read-side views for auditors: an edition diff, one project's history, and the cross-checks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..across.history import PRECEDENCE, classify_change
from ..errors import TablesMissing, UsageError


def load(parsed: Path, *names: str) -> dict[str, list[dict]]:
    out = {}
    for n in names:
        f = parsed / f"{n}.parquet"
        if not f.exists():
            raise TablesMissing(f"{f} not found: run 'nhr build' first (or pass --parsed DIR)")
        out[n] = pq.read_table(f).to_pylist()
    return out


def diff(parsed: Path, old: str, new: str) -> list[dict]:
    """Changes between two editions (any two, not only consecutive), grouped by kind."""
    t = load(parsed, "identity", "projects", "editions")
    check_editions(parsed, {r["edition"] for r in t["editions"]}, old, new)
    pages = {(p["edition"], p["project_number"]): p["page"] for p in t["projects"]}
    a = {r["project_id"]: r for r in t["identity"] if r["edition"] == old}
    b = {r["project_id"]: r for r in t["identity"] if r["edition"] == new}
    rows = [diff_row(pid, old, a.get(pid), new, b.get(pid), pages) for pid in sorted(set(a) | set(b))]
    rows.sort(key=lambda r: (PRECEDENCE.index(r["kind"]), r["old_number"] or r["new_number"] or ""))
    return rows


def check_editions(parsed: Path, have: set[str], *wanted: str) -> None:
    """A usage error naming the editions there are when one asked for is not in the tables."""
    for e in wanted:
        if e not in have:
            raise UsageError(f"edition {e} not in {parsed} (have: {', '.join(sorted(have))})")


def diff_row(pid: str, old: str, ra: Any, new: str, rb: Any, pages: dict) -> dict:
    """One project's diff row between editions old and new (ra, rb: its identity rows, or None)."""
    return {
        "kind": classify_change(ra, rb).kind,
        "project_id": pid,
        "old_number": ra and ra["project_number"],
        "new_number": rb and rb["project_number"],
        "old_status": ra and ra["status"],
        "new_status": rb and rb["status"],
        "old_title": ra and ra["title"],
        "new_title": rb and rb["title"],
        "old_page": ra and pages.get((old, ra["project_number"])),
        "new_page": rb and pages.get((new, rb["project_number"])),
    }


def render(rows: list[dict], fmt: str, text_fn) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        if rows:
            w = csv.DictWriter(buf, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        return buf.getvalue()
    return text_fn(rows)


def diff_text(rows: list[dict]) -> str:
    out, kind = [], None
    for r in rows:
        if r["kind"] == "unchanged":
            continue
        if r["kind"] != kind:
            kind = r["kind"]
            out.append(f"\n## {kind} ({sum(1 for x in rows if x['kind'] == kind)})")
        old = f"{r['old_number']} [{r['old_status']}] p.{r['old_page']}" if r["old_number"] else "—"
        new = f"{r['new_number']} [{r['new_status']}] p.{r['new_page']}" if r["new_number"] else "—"
        title = r["new_title"] or r["old_title"]
        out.append(f"  {old:<34} → {new:<34} {title}")
        if r["old_title"] and r["new_title"] and r["old_title"] != r["new_title"]:
            out.append(f"  {'':<34}   was: {r['old_title']}")
    n = sum(1 for r in rows if r["kind"] == "unchanged")
    out.append(f"\n{n} unchanged")
    return "\n".join(out).lstrip("\n")


def history(parsed: Path, ref: str) -> dict:
    """One project's spells, milestones per edition and committee papers; `ref` is a project_id or a
    number as printed in any edition ("1.1.2.1", or "2024-10:1.1.2.1" to pick the edition)."""
    t = load(parsed, "identity", "status_history", "steps", "committee")
    pid = project_of(parsed, t["identity"], ref)
    ident = [r for r in t["identity"] if r["project_id"] == pid]
    where = {(r["edition"], r["project_number"]) for r in ident}
    return {
        "project_id": pid,
        "editions": ident,
        "spells": [s for s in t["status_history"] if s["project_id"] == pid],
        "milestones_added": milestones_added(t["steps"], where),
        "committee": committee_papers(t["committee"], where),
    }


def project_of(parsed: Path, identity: list[dict], ref: str) -> str:
    """The one project_id `ref` names (a project_id, a number, or EDITION:NUMBER); else a usage error."""
    if ":" in ref:
        ed, num = ref.split(":", 1)
        ids = {r["project_id"] for r in identity if r["edition"] == ed and r["project_number"] == num}
    else:
        ids = {r["project_id"] for r in identity if r["project_id"] == ref or r["project_number"] == ref}
    if not ids:
        raise UsageError(f"no project {ref!r} in {parsed}")
    if len(ids) > 1:
        raise UsageError(
            f"{ref!r} names {len(ids)} projects in different editions ({', '.join(sorted(ids))}); "
            f"use EDITION:NUMBER or a project_id"
        )
    return ids.pop()


def milestones_added(steps: list[dict], where: set[tuple[str, str]]) -> list[dict]:
    """Each milestone of the project's (edition, number) places, once, with the edition that first showed it."""
    seen, added = set(), []
    for s in sorted(
        (s for s in steps if (s["edition"], s["project_number"]) in where and s["block"] == "steps"),
        key=lambda s: (s["edition"], s["seq"]),
    ):
        k = (s["date_raw"], s["text"])
        if k not in seen:
            seen.add(k)
            added.append({"edition": s["edition"], "date": s["date_raw"], "text": s["text"]})
    return added


def committee_papers(committee: list[dict], where: set[tuple[str, str]]) -> list[dict]:
    """Each consultation of the project's (edition, number) places, once, with the edition that first showed it."""
    papers: dict[Any, dict] = {}
    for c in committee:
        if (c["edition"], c["project_number"]) in where:
            papers.setdefault(
                (c["date_raw"], c["text"]),
                {
                    "date": c["date_raw"],
                    "body": c["body_name"],
                    "paper_type": c["paper_type"],
                    "reference": c["paper_reference"],
                    "first_edition": c["edition"],
                },
            )
    return list(papers.values())


def history_text(h: dict) -> str:
    out = [f"project {h['project_id']}", "", "editions:"]
    out += [f"  {r['edition']}  {r['project_number']:<9} {r['status']:<15} {r['title']}" for r in h["editions"]]
    out += ["", "status spells:"]
    out += [
        f"  {s['status']:<15} {s['valid_from_edition']} → {s['valid_to_edition'] or 'current'}"
        f"  (seit: {s['reported_since']})"
        for s in h["spells"]
    ]
    out += ["", "milestones (edition first shown):"]
    out += [f"  {m['edition']}  {m['date']:<14} {m['text']}" for m in h["milestones_added"]]
    out += ["", "committee papers:"]
    out += [
        f"  {c['date']:<11} {c['body']}  {c['paper_type'] or ''} {c['reference'] or ''}".rstrip()
        for c in h["committee"]
    ]
    return "\n".join(out)


def audit(parsed: Path) -> dict[str, list[dict]]:
    """The cross-checks an auditor reads: archive, list vs body, since vs transitions, late reports."""
    t = load(parsed, "archive_check", "anomalies", "late_reported", "transitions", "projects")
    return {
        "archive": [r for r in t["archive_check"] if not r["matched"] or r["detail"]],
        "list_vs_body": [a for a in t["anomalies"] if a["kind"] in LIST_BODY],
        "since_vs_transitions": since_vs_transitions(t["transitions"], t["projects"]),
        "late_reported": t["late_reported"],
        **rule_sections(parsed, t["anomalies"]),
    }


def since_vs_transitions(transitions: list[dict], projects: list[dict]) -> list[dict]:
    """Transitions whose since-dates disagree with them: changed while the status is not, or the reverse."""
    p = {(r["edition"], r["project_number"]): r for r in projects}
    out = []
    for tr in transitions:
        if (detail := since_mismatch(tr, p)) is not None:
            out.append(
                {
                    "project_id": tr["project_id"],
                    "edition": tr["to_edition"],
                    "number": tr["to_number"],
                    "detail": detail,
                }
            )
    return out


def since_mismatch(tr: dict, p: dict[tuple[str, str], dict]) -> str | None:
    """What is wrong with one transition's since-dates (projects `p` by edition and number), or None."""
    a, b = p.get((tr["from_edition"], tr["from_number"])), p.get((tr["to_edition"], tr["to_number"]))
    if tr["kind"] == "unchanged" and tr["from_number"] and a and b and a["since_value"] != b["since_value"]:
        return f"status unchanged but since changed {a['since_value']} → {b['since_value']}"
    if tr["kind"] == "status_change" and b and b["since_value"] == (a or {}).get("since_value"):
        return f"status changed {tr['from_status']} → {tr['to_status']} but since stayed {b['since_value']}"
    return None


def rule_sections(parsed: Path, anomalies: list[dict]) -> dict[str, list[dict]]:
    """The audit rules' output: rewrites between editions (audit_findings), each edition's own errors."""
    return {
        "between_editions": sorted(load_findings(parsed), key=finding_order),
        "within_editions": sorted(
            (a for a in anomalies if a["kind"] not in LIST_BODY),
            key=lambda a: (a["kind"], a["edition"], a["project_number"] or ""),
        ),
    }


LIST_BODY = ("list_status_mismatch", "list_row_not_in_body", "body_project_not_in_list", "list_row_without_status")
FLAT = [
    "section",
    "kind",
    "severity",
    "edition",
    "previous_edition",
    "project_id",
    "project_number",
    "previous_number",
    "page",
    "previous_page",
    "detail",
    "evidence",
    "previous_evidence",
]


def load_findings(parsed: Path) -> list[dict]:
    """audit_findings rows; an older build without the table reads as none (rebuild to get them)."""
    f = parsed / "audit_findings.parquet"
    return pq.read_table(f).to_pylist() if f.exists() else []


def finding_order(r: dict) -> tuple:
    return r["kind"], r["edition"], r["project_number"] or r["previous_number"] or ""


def audit_flat(a: dict[str, list[dict]]) -> list[dict]:
    """All audit sections as one table (for csv): section, kind, edition(s), numbers, pages, evidence."""
    out = []
    for section, rows in a.items():
        for r in rows:
            row = {k: r.get(k) for k in FLAT}
            row["section"] = section
            row["edition"] = row["edition"] or r.get("printed_edition") or r.get("to_edition")
            row["project_number"] = row["project_number"] or r.get("number") or r.get("rebuilt_number")
            row["kind"] = row["kind"] or section
            out.append(row)
    return out


def render_audit(a: dict[str, list[dict]], fmt: str) -> str:
    """nhr audit output: text grouped by section and kind, csv flat, json grouped by section and kind."""
    if fmt == "csv":
        return render(audit_flat(a), "csv", None)
    if fmt == "json":
        grouped = {k: (group_by_kind(v) if k in ("between_editions", "within_editions") else v) for k, v in a.items()}
        return json.dumps(grouped, ensure_ascii=False, indent=1, default=str)
    return audit_text(a)


def group_by_kind(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["kind"], []).append(r)
    return out


def audit_text(a: dict[str, list[dict]]) -> str:
    out = []
    for name, rows in a.items():
        out.append(f"## {name.replace('_', ' ')} ({len(rows)})")
        if name in ("between_editions", "within_editions"):
            out.extend(kind_text(rows))
            continue
        for r in rows:
            bits = [str(r.get(k)) for k in ("edition", "project_number", "number", "title") if r.get(k)]
            out.append(f"  {' '.join(bits)}: {r.get('detail') or ''}")
        out.append("")
    return "\n".join(out)


def kind_text(rows: list[dict]) -> list[str]:
    """Findings grouped by kind, each kind with its meaning, each row with both places and the evidence."""
    from ..extract.rules import registry

    REGISTRY = registry()

    out = []
    for kind, group in group_by_kind(rows).items():
        rule = REGISTRY.get(kind)
        out.append(f"### {kind} ({len(group)}, {group[0]['severity']}): {rule.meaning if rule else ''}")
        for r in group:
            old = (
                f"{r['previous_edition']} {r['previous_number'] or '—'} p.{r['previous_page']} → "
                if r.get("previous_edition") or r.get("previous_number")
                else ""
            )
            new = f"{r['edition']} {r['project_number'] or '—'} p.{r['page']}"
            out.append(f"  {old}{new}: {r['detail']}")
            for label, key in (("was", "previous_evidence"), ("printed", "evidence")):
                if r.get(key):
                    out.append(f"      {label}: {r[key][:160]}")
        out.append("")
    return out
