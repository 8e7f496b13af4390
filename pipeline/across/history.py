"""Status history from the reconciled identities: SCD2 spells, transitions between consecutive editions,
late-reported changes, and the archive rebuilt from the diffs (checked against the printed one)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, NamedTuple

from rapidfuzz import fuzz

from ..config import profile
from ..parse.dates import parse_date
from ..parse.text import norm
from ..tolerances import TOL, Tolerances

PRECEDENCE = ["new", "dropped", "completed_archived", "status_change", "renumbered", "retitled", "unchanged"]


class Change(NamedTuple):
    """What happened to one project between two editions: the kind, and which printed fields changed."""

    kind: str
    status_changed: bool = False
    renumbered: bool = False
    retitled: bool = False


def classify_change(old: dict | None, new: dict | None) -> Change:
    """The kind of change between a project's identity rows in two editions (None: not printed there);
    the one rule behind both `transitions` and `nhr diff`."""
    if old and new:
        flags = (
            old["status"] != new["status"],
            old["project_number"] != new["project_number"],
            norm(old["title"]) != norm(new["title"]),
        )
        kind = next((k for k, f in zip(("status_change", "renumbered", "retitled"), flags) if f), "unchanged")
        return Change(kind, *flags)
    if new:
        return Change("new")
    if not old:
        raise ValueError("classify_change needs the project in at least one edition")
    return Change("completed_archived" if old["status"] == profile().status("completed") else "dropped")


def transitions(
    identity: list[dict], projects: list[dict], editions: list[str], stands: dict | None = None
) -> list[dict]:
    """One row per project per pair of consecutive editions it is printed in (either or both), classified
    (`stands`: each edition's Stand date)."""
    stands = stands or {}
    by = {(r["edition"], r["project_id"]): r for r in identity}
    pages = {(p["edition"], p["project_number"]): p["page"] for p in projects}
    ids = sorted({r["project_id"] for r in identity})
    out = []
    for a, b in zip(editions, editions[1:]):
        for pid in ids:
            ra, rb = by.get((a, pid)), by.get((b, pid))
            if ra or rb:
                out.append(
                    transition(pid, a, ra, b, rb, pages) | {"from_stand": stands.get(a), "to_stand": stands.get(b)}
                )
    return out


def _field(r: dict | None, key: str) -> Any:
    """A field of an identity row, None where the project is not printed in that edition."""
    return r[key] if r else None


def _page(pages: dict, edition: str, r: dict | None) -> Any:
    """The page a project is printed on in an edition, None where it is not printed there."""
    return pages.get((edition, r["project_number"])) if r else None


def transition(pid: str, a: str, ra: dict | None, b: str, rb: dict | None, pages: dict) -> dict:
    """The transitions row of one project from edition a to edition b (ra, rb: its identity rows, or None)."""
    change = classify_change(ra, rb)
    return {
        "project_id": pid,
        "from_edition": a,
        "to_edition": b,
        "from_status": _field(ra, "status"),
        "to_status": _field(rb, "status"),
        "from_number": _field(ra, "project_number"),
        "to_number": _field(rb, "project_number"),
        "from_title": _field(ra, "title"),
        "to_title": _field(rb, "title"),
        "from_page": _page(pages, a, ra),
        "to_page": _page(pages, b, rb),
        "status_changed": change.status_changed,
        "renumbered": change.renumbered,
        "retitled": change.retitled,
        "kind": change.kind,
    }


def status_history(
    identity: list[dict], projects: list[dict], editions: list[str], stands: dict | None = None
) -> list[dict]:
    """One row per project per status spell (dbt-snapshot style: valid_from, valid_to null = current), dated
    by the Stand of the editions (`stands`)."""
    stands = stands or {}
    since = {(p["edition"], p["project_number"]): p for p in projects}
    order = {e: i for i, e in enumerate(editions)}
    by_id = defaultdict(list)
    for r in identity:
        by_id[r["project_id"]].append(r)
    out = []
    last = editions[-1] if editions else None
    for pid, rows in sorted(by_id.items()):
        rows.sort(key=lambda r: order[r["edition"]])
        spells: list[list[dict]] = []
        for r in rows:
            if (
                spells
                and spells[-1][-1]["status"] == r["status"]
                and order[r["edition"]] == order[spells[-1][-1]["edition"]] + 1
            ):
                spells[-1].append(r)
            else:
                spells.append([r])
        for sp in spells:
            first, end = sp[0], sp[-1]
            nxt = editions[order[end["edition"]] + 1] if end["edition"] != last else None
            p = since.get((first["edition"], first["project_number"]), {})
            out.append(
                {
                    "project_id": pid,
                    "status": first["status"],
                    "project_number": end["project_number"],
                    "title": end["title"],
                    "valid_from": stands.get(first["edition"]),
                    "valid_to": stands.get(nxt) if nxt else None,
                    "valid_from_edition": first["edition"],
                    "valid_to_edition": nxt,
                    "last_seen": end["edition"],
                    "last_seen_stand": stands.get(end["edition"]),
                    "reported_since": p.get("since_value"),
                    "reported_since_start": p.get("since_start"),
                    "reported_since_end": p.get("since_end"),
                }
            )
    return out


def status_since(p: dict):
    """Last day of the date since which the project has its status: the '…seit:' value, or for a bare
    'Projektstart:' line (a start, not a status date) the 'Projektabschluss:' of a completed project."""
    prof = profile()
    if prof.status_since.search(p.get("since_label") or ""):  # config/report.yaml blocks.status_since
        return p.get("since_end")
    for part in (p.get("extra_header") or "").split(";"):
        if prof.completion.search(part) and p.get("status") == prof.status("completed"):
            return parse_date(part.split(":", 1)[-1].strip()).end
    return None


def late_reported(trans: list[dict], projects: list[dict], stands: dict[str, object]) -> list[dict]:
    """Status changes whose since-date lies before the previous edition's Stand, although that edition
    still showed the old status."""
    p = {(r["edition"], r["project_number"]): r for r in projects}
    out = []
    for t in trans:
        if t["kind"] != "status_change":
            continue
        q: Any = p.get((t["to_edition"], t["to_number"]))
        prev_stand = stands.get(t["from_edition"])
        when = status_since(q) if q else None
        if not when or not prev_stand:
            continue
        if when < prev_stand:
            out.append(
                {
                    "project_id": t["project_id"],
                    "edition": t["to_edition"],
                    "stand": stands.get(t["to_edition"]),
                    "project_number": t["to_number"],
                    "since_value": q["since_value"],
                    "since_end": q["since_end"],
                    "previous_edition": t["from_edition"],
                    "previous_stand": prev_stand,
                    "previous_status": t["from_status"],
                    "status": t["to_status"],
                    "page": q["page"],
                    "detail": f"status {t['to_status']} since {q['since_value']}, but {t['from_edition']} "
                    f"(Stand {prev_stand:%d.%m.%Y}) still showed {t['from_status']}",
                }
            )
    return out


def rebuilt_archive(trans: list[dict], identity: list[dict], projects: list[dict]) -> list[dict]:
    theme = {(p["edition"], p["project_number"]): p["theme"] for p in projects}
    out = []
    for t in trans:
        if t["kind"] not in ("completed_archived", "dropped"):
            continue
        out.append(
            {
                "kind": "completed" if t["kind"] == "completed_archived" else "dropped",
                "project_id": t["project_id"],
                "theme": theme.get((t["from_edition"], t["from_number"])),
                "title": t["from_title"],
                "edition": t["from_edition"],
                "project_number": t["from_number"],
            }
        )
    return out


def archive_check(
    rebuilt: list[dict], printed: list[dict], latest: str, stands: dict[str, object], tol: Tolerances = TOL
) -> list[dict]:
    """Match each printed archive row of the latest edition to a rebuilt one, and the reverse."""
    stand_of = {f"{v:%d.%m.%Y}": k for k, v in stands.items() if v}
    free = list(rebuilt)
    out = []
    for r in (r for r in printed if r["edition"] == latest):
        when = stand_of.get(r["report"] if r["kind"] == "completed" else r["last_mention"])
        best = best_rebuilt(r, when, free, tol)
        if best is not None:
            free.remove(best)
        out.append(printed_check(r, when, best))
    out.extend(rebuilt_check(x) for x in free)
    return out


def best_rebuilt(r: dict, when: str | None, free: list[dict], tol: Tolerances = TOL) -> dict | None:
    """The free rebuilt archive row of the printed row's kind with the most similar title (an edition
    that agrees with the printed date adds a bonus), or None when even that one scores too low."""
    best: dict | None = None
    score = 0.0
    for x in free:
        if x["kind"] != r["kind"]:
            continue
        s = fuzz.token_sort_ratio(x["title"].lower(), r["title"].lower())
        s += tol.archive_edition_bonus if x["edition"] == when else 0
        if s > score:
            best, score = x, s
    return best if score >= tol.archive_match else None


def archive_issues(r: dict, when: str | None, best: dict) -> list[str]:
    """Where a printed archive row and its rebuilt match disagree: the edition, and a completed row's number."""
    issues = []
    if best["edition"] != when:
        issues.append(f"printed {r['report'] or r['last_mention']}, rebuilt {best['edition']}")
    if r["kind"] == "completed" and r["printed_number"] != best["project_number"]:
        issues.append(f"printed number {r['printed_number']}, rebuilt {best['project_number']}")
    return issues


def printed_check(r: dict, when: str | None, best: dict | None) -> dict:
    """The archive_check row of one printed archive row and its rebuilt match (None: unmatched)."""
    return {
        "side": "printed",
        "kind": r["kind"],
        "title": r["title"],
        "printed_edition": when,
        "printed_number": r["printed_number"],
        "project_id": _field(best, "project_id"),
        "rebuilt_edition": _field(best, "edition"),
        "rebuilt_number": _field(best, "project_number"),
        "matched": best is not None,
        "detail": "; ".join(archive_issues(r, when, best)) if best is not None else "no rebuilt archive row matches",
        "page": r["page"],
    }


def rebuilt_check(x: dict) -> dict:
    """The archive_check row of a rebuilt archive row no printed row matched."""
    return {
        "side": "rebuilt",
        "kind": x["kind"],
        "title": x["title"],
        "printed_edition": None,
        "printed_number": None,
        "project_id": x["project_id"],
        "rebuilt_edition": x["edition"],
        "rebuilt_number": x["project_number"],
        "matched": False,
        "detail": f"{x['edition']} {x['project_number']} left the report but the latest archive omits it",
        "page": None,
    }
