"""Read-side views for auditors: an edition diff, one project's history, and the cross-checks."""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import regex

from ..across.history import PRECEDENCE, classify_change
from ..across.ids import project_ids
from ..config import Profile, profile
from ..errors import TablesMissing, UsageError
from ..model.parquet import read_parquet


def load(parsed: Path, *names: str) -> dict[str, list[dict]]:
    out = {}
    for n in names:
        f = parsed / f"{n}.parquet"
        if not f.exists():
            raise TablesMissing(f"{f} not found: run 'nhr build' first (or pass --parsed DIR)")
        out[n] = read_parquet(f).to_pylist()
    return out


ALIASES = ("latest", "previous")  # edition names that follow the tables: the newest edition, the one before


def edition_ids(parsed: Path) -> list[str]:
    """The editions in the tables, oldest first."""
    return sorted(r["edition"] for r in load(parsed, "editions")["editions"])


def resolve(parsed: Path, name: str, have: list[str]) -> str:
    """An edition id, with `latest` and `previous` read as the newest edition and the one before it."""
    if name in ALIASES:
        back = ALIASES.index(name) + 1
        if len(have) < back:
            raise UsageError(f"'{name}' needs {back} editions in {parsed} (have: {', '.join(have) or 'none'})")
        return have[-back]
    check_editions(parsed, set(have), name)
    return name


def pair(parsed: Path, old: str, new: str, command: str = "diff") -> tuple[str, str]:
    """(OLD, NEW) as edition ids; a pair whose first edition is not the older one is refused (UsageError)."""
    have = edition_ids(parsed)
    a, b = resolve(parsed, old, have), resolve(parsed, new, have)
    if a == b:
        raise UsageError(f"{old} and {new} are the same edition ({a}); give two editions, the older first")
    if a > b:
        raise UsageError(f"{a} is newer than {b}: give the older edition first (nhr {command} {b} {a})")
    return a, b


def diff(parsed: Path, old: str, new: str) -> list[dict]:
    """Changes between two editions (any two, not only consecutive, the older first), grouped by kind."""
    old, new = pair(parsed, old, new)
    t = load(parsed, "identity", "projects", "editions")
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
    """One project's spells, milestones per edition, committee papers and how it left; `ref` is a project_id,
    a number as printed in any edition ("1.1.2.1", or "2024-10:1.1.2.1" to pick the edition) or words of
    its title (fuzzy)."""
    t = load(parsed, "identity", "status_history", "steps", "committee", "archive_check", "archive_printed")
    pid = project_of(parsed, t["identity"], ref)
    ident = [r for r in t["identity"] if r["project_id"] == pid]
    where = {(r["edition"], r["project_number"]) for r in ident}
    return {
        "project_id": pid,
        "editions": ident,
        "spells": [s for s in t["status_history"] if s["project_id"] == pid],
        "milestones_added": milestones_added(t["steps"], where),
        "committee": committee_papers(t["committee"], where),
        "left": archive_rows(pid, t["archive_check"], t["archive_printed"]),
    }


def archive_rows(pid: str, check: list[dict], printed: list[dict]) -> list[dict]:
    """The Archiv rows that record how project `pid` left, in the first edition that prints each (with page
    and box), from the archive reconciliation's match of printed rows to projects."""
    out = []
    for c in check:
        if c["project_id"] != pid or c["side"] != "printed":
            continue
        rows = sorted(
            (r for r in printed if r["title"] == c["title"] and r["printed_number"] == c["printed_number"]),
            key=lambda r: r["edition"],
        )
        if rows:
            out.append(dict(rows[0], reported_edition=c["printed_edition"]))
    return out


FUZZY_LISTED = 10  # candidates named in the message when words match several projects


def project_of(parsed: Path, identity: list[dict], ref: str) -> str:
    """The one project_id `ref` names (a project_id, a number, EDITION:NUMBER, or title words); else a usage
    error listing the candidates."""
    if ":" in ref:
        ed, num = ref.split(":", 1)
        ids = {r["project_id"] for r in identity if r["edition"] == ed and r["project_number"] == num}
    else:
        ids = {r["project_id"] for r in identity if r["project_id"] == ref or r["project_number"] == ref}
    if not ids and ":" not in ref:
        ids = by_title(identity, ref)
    if not ids:
        raise UsageError(f"no project {ref!r} in {parsed} (by project_id, number, EDITION:NUMBER or title)")
    if len(ids) > 1:
        titles = {
            r["project_id"]: (r["edition"], r["project_number"], r["title"])
            for r in sorted(identity, key=lambda r: r["edition"])
        }
        named = "; ".join(f"{titles[i][0]}:{titles[i][1]} {titles[i][2]}" for i in sorted(ids)[:FUZZY_LISTED])
        more = f" and {len(ids) - FUZZY_LISTED} more" if len(ids) > FUZZY_LISTED else ""
        raise UsageError(f"{ref!r} names {len(ids)} projects ({named}{more}); use EDITION:NUMBER or a project_id")
    return ids.pop()


def by_title(identity: list[dict], words: str) -> set[str]:
    """The projects whose title (in any edition) contains `words`, or else matches them fuzzily."""
    from rapidfuzz import fuzz

    from ..tolerances import TOL

    w = words.casefold()
    exact = {r["project_id"] for r in identity if w in r["title"].casefold()}
    if exact:
        return exact
    return {r["project_id"] for r in identity if fuzz.partial_ratio(w, r["title"].casefold()) >= TOL.title_search}


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


def left_text(a: dict) -> str:
    """An Archiv row of a project as one line: where, what, and the date the row gives."""
    when = f"reported {a['report']}" if a.get("report") else f"last mentioned {a.get('last_mention') or '—'}"
    number = f"number {a['printed_number']}, " if a.get("printed_number") else ""
    return f"{a['edition']} Archiv p.{a['page']}: {a['kind']} '{a['title']}' ({number}{when})"


def history_text(h: dict) -> str:
    """One project's history as text: only the sections that have something to say."""
    out = [f"project {h['project_id']}"]
    sections = {
        "editions": [f"{r['edition']}  {r['project_number']:<9} {r['status']:<15} {r['title']}" for r in h["editions"]],
        "status spells": [
            f"{s['status']:<15} {s['valid_from_edition']} → {s['valid_to_edition'] or 'current'}"
            f"  (seit: {s['reported_since']})"
            for s in h["spells"]
        ],
        "how it left": [left_text(a) for a in h["left"]],
        "milestones (edition first shown)": [
            f"{m['edition']}  {m['date']:<14} {m['text']}" for m in h["milestones_added"]
        ],
        "committee papers": [
            f"{c['date']:<11} {c['body']}  {c['paper_type'] or ''} {c['reference'] or ''}".rstrip()
            for c in h["committee"]
        ],
    }
    for name, lines in sections.items():
        if lines:
            out += ["", f"{name}:"] + [f"  {x}" for x in lines]
    return "\n".join(out)


def audit(parsed: Path, old: str | None = None, new: str | None = None) -> dict[str, list[dict]]:
    """The cross-checks an auditor reads: archive, list vs body, since vs transitions, late reports, findings
    between editions and each edition's own anomalies (the same anomaly in several editions folded into one
    row naming them). With a pair OLD NEW: what concerns the editions after OLD up to NEW, and NEW's anomalies
    each marked `carried` when OLD had it too."""
    a, identity = sections(parsed)
    if old is None or new is None:
        a["list_vs_body"] = fold(a["list_vs_body"], identity)
        a["within_editions"] = fold(a["within_editions"], identity)
        return a
    return of_pair(a, identity, old, new)


def sections(parsed: Path) -> tuple[dict[str, list[dict]], list[dict]]:
    """Every audit section over all editions, unfolded, and the identity table."""
    t = load(parsed, "archive_check", "anomalies", "late_reported", "transitions", "projects", "identity")
    a = {
        "archive": [r for r in t["archive_check"] if not r["matched"] or r["detail"]],
        "list_vs_body": [x for x in t["anomalies"] if x["kind"] in LIST_BODY],
        "since_vs_transitions": since_vs_transitions(t["transitions"], t["projects"]),
        "late_reported": t["late_reported"],
        **rule_sections(parsed, t["anomalies"]),
    }
    return a, t["identity"]


def edition_news(parsed: Path) -> list[dict]:
    """What each edition brings over the one before it: anomalies new in it (and carried over), findings
    between the two, late reports, and the extraction doubts when the tables count them."""
    a, identity = sections(parsed)
    eds = load(parsed, "editions")["editions"]
    ids = sorted(e["edition"] for e in eds)
    doubts = {e["edition"]: e.get("doubts") for e in eds}
    out = []
    for i, e in enumerate(ids):
        prev = ids[i - 1] if i else ""  # "" sorts before every edition: everything of the first is new
        p = of_pair(a, identity, prev, e)
        anomalies = p["within_editions"] + p["list_vs_body"]
        out.append(
            {
                "edition": e,
                "previous": prev or None,
                "new_anomalies": sum(1 for x in anomalies if not x["carried"]),
                "carried_anomalies": sum(1 for x in anomalies if x["carried"]),
                "findings": len(p["between_editions"]),
                "late_reported": len(p["late_reported"]),
                "doubts": doubts[e],
            }
        )
    return out


def of_pair(a: dict[str, list[dict]], identity: list[dict], old: str, new: str) -> dict[str, list[dict]]:
    """The audit narrowed to the pair: rows of the editions after `old` up to `new`; `new`'s anomalies with
    `carried` (also in `old`)."""
    after = lambda e: e is not None and old < e <= new  # noqa: E731
    return {
        "archive": [r for r in a["archive"] if after(r["printed_edition"] or r["rebuilt_edition"])],
        "list_vs_body": carried(a["list_vs_body"], identity, old, new),
        "since_vs_transitions": [r for r in a["since_vs_transitions"] if after(r["edition"])],
        "late_reported": [r for r in a["late_reported"] if after(r["edition"]) and old <= r["previous_edition"]],
        "between_editions": [f for f in a["between_editions"] if between(f, old, new)],
        "within_editions": carried(a["within_editions"], identity, old, new),
    }


def between(f: dict, old: str, new: str) -> bool:
    """A finding of the editions from `old` to `new` (duplicate titles: of either of the two)."""
    if f["previous_edition"] is None:
        return f["edition"] in (old, new)
    return old <= f["previous_edition"] and f["edition"] <= new


STAND = re.compile(r"Stand \d{2}\.\d{2}\.\d{4}")  # the edition's own Stand, named in some details


@cache
def _cited_numbers(p: Profile) -> regex.Pattern:
    """A project number inside a text (config/report.yaml numbering.project_number), not part of a longer one."""
    return regex.compile(rf"(?<![\d.])(?:{p.project_number.pattern})(?![\d.])")


def same_anomaly(x: dict, pids: dict[tuple[str, str], str]) -> tuple:
    """What makes two editions' anomalies the same one: kind, project (by project_id, so a renumbered project
    keeps its anomaly) and the detail without project numbers and the edition's Stand (section and goal numbers
    stay)."""
    pid = pids.get((x["edition"], x["project_number"] or ""), x["project_number"])
    return x["kind"], pid, STAND.sub("Stand #", _cited_numbers(profile()).sub("#", x["detail"] or ""))


def carried(rows: list[dict], identity: list[dict], old: str, new: str) -> list[dict]:
    """`new`'s anomalies, each with `carried`: True when `old` printed the same one."""
    pids = project_ids(identity)
    before = {same_anomaly(x, pids) for x in rows if x["edition"] == old}
    return [dict(x, carried=same_anomaly(x, pids) in before) for x in rows if x["edition"] == new]


def fold(rows: list[dict], identity: list[dict]) -> list[dict]:
    """Anomalies with the same one in several editions folded into the first, naming every edition."""
    pids = project_ids(identity)
    out: dict[tuple, dict] = {}
    for x in sorted(rows, key=lambda x: x["edition"]):
        k = same_anomaly(x, pids)
        if k in out:
            out[k]["editions"].append(x["edition"])
        else:
            out[k] = dict(x, editions=[x["edition"]])
    return sorted(out.values(), key=lambda a: (a["kind"], a["edition"], a["project_number"] or ""))


SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def failing(a: dict[str, list[dict]], level: str) -> int:
    """How many rows the audit shows as new at `level` or worse (rows without a severity count as warnings;
    anomalies carried over from the older edition of a pair do not count)."""
    least = SEVERITY_RANK[level]
    return sum(
        1
        for rows in a.values()
        for r in rows
        if not r.get("carried") and SEVERITY_RANK.get(r.get("severity") or "warning", 1) >= least
    )


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
    "editions",
    "carried",
]


def load_findings(parsed: Path) -> list[dict]:
    """audit_findings rows; an older build without the table reads as none (rebuild to get them)."""
    f = parsed / "audit_findings.parquet"
    return read_parquet(f).to_pylist() if f.exists() else []


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
            row["editions"] = " ".join(r["editions"]) if r.get("editions") else None
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
    """nhr audit as text: each section (empty ones as one line), findings and anomalies grouped by kind,
    anomalies carried over from the older edition of a pair counted, not repeated."""
    out = []
    for name, rows in a.items():
        fresh = [r for r in rows if not r.get("carried")]
        kept = len(rows) - len(fresh)
        out.append(f"## {name.replace('_', ' ')} ({len(fresh)}{f', {kept} carried over' if kept else ''})")
        if not rows:
            continue
        if name in ("between_editions", "within_editions", "list_vs_body"):
            out.extend(kind_text(rows))
            continue
        for r in rows:
            bits = [str(r.get(k)) for k in ("edition", "project_number", "number", "title") if r.get(k)]
            out.append(f"  {' '.join(bits)}: {r.get('detail') or ''}")
        out.append("")
    return "\n".join(out)


def also(r: dict) -> str:
    """A folded anomaly's other editions."""
    more = r.get("editions") or []
    return f" (also {', '.join(more[1:])})" if len(more) > 1 else ""


def kind_text(rows: list[dict]) -> list[str]:
    """Findings grouped by kind, each kind with its meaning, each row with both places and the evidence; rows
    carried over from the older edition of a pair as one count per kind."""
    from .docs import every_kind

    kinds = every_kind()
    out, only_carried = [], []
    for kind, group in group_by_kind(rows).items():
        rule = kinds.get(kind)
        fresh = [r for r in group if not r.get("carried")]
        if not fresh:
            only_carried.append(f"{kind} {len(group)}")
            continue
        kept = f", {len(group) - len(fresh)} carried over" if len(fresh) < len(group) else ""
        out.append(f"### {kind} ({len(fresh)}{kept}, {group[0]['severity']}): {rule.meaning if rule else ''}")
        for r in fresh:
            old = (
                f"{r['previous_edition']} {r['previous_number'] or '—'} p.{r['previous_page']} → "
                if r.get("previous_edition") or r.get("previous_number")
                else ""
            )
            new = f"{r['edition']} {r['project_number'] or '—'} p.{r['page']}"
            out.append(f"  {old}{new}{also(r)}: {r['detail']}")
            for label, key in (("was", "previous_evidence"), ("printed", "evidence")):
                if r.get(key):
                    out.append(f"      {label}: {r[key][:160]}")
        out.append("")
    if only_carried:
        out += [f"### carried over, nothing new: {', '.join(only_carried)}", ""]
    return out


def editions_list(parsed: Path) -> list[dict]:
    """One row per edition in the tables: Stand, file, pages, engine, projects, anomalies, doubts (when the
    tables count them) and when the tables were built (the manifest's time)."""
    import datetime as dt

    t = load(parsed, "editions", "anomalies")
    manifest = parsed / "manifest.json"
    built = (
        dt.datetime.fromtimestamp(manifest.stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        if manifest.exists()
        else None
    )
    per: dict[str, int] = {}
    for a in t["anomalies"]:
        per[a["edition"]] = per.get(a["edition"], 0) + 1
    return [
        {
            "edition": e["edition"],
            "stand": e["stand"],
            "file": e["source_file"],
            "pages": e["pages"],
            "engine": e["engine"],
            "projects": e["projects"],
            "anomalies": per.get(e["edition"], 0),
            "doubts": e.get("doubts"),
            "built": built,
        }
        for e in sorted(t["editions"], key=lambda e: e["edition"])
    ]


def editions_text(rows: list[dict]) -> str:
    """The editions as an aligned table, the newest marked latest and the one before previous."""
    names = {len(rows) - 1: "latest", len(rows) - 2: "previous"}
    out = []
    for i, r in enumerate(rows):
        doubts = f"  {r['doubts']} doubts" if r["doubts"] is not None else ""
        out.append(
            f"{r['edition']}  Stand {r['stand']}  {r['file']}  {r['pages']:>3} pages  {r['projects']:>3} projects  "
            f"{r['anomalies']:>3} anomalies{doubts}  {r['engine']}  {names.get(i, '')}".rstrip()
        )
    if rows:
        out.append(f"built {rows[0]['built']}")
    return "\n".join(out)
