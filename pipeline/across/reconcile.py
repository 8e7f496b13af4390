"""Reconcile projects across editions into stable identities.

Numbers encode status and shift, titles get reworded, so each edition's projects are matched to the
previous edition's by evidence: title (body and Projektliste), description, milestones, since value,
goal and number. Every link records its score and reasons; weak or contested links become anomalies.
Reads the per-edition tables (rows), never the PDFs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import regex as re
from rapidfuzz import fuzz, process

from ..config import load, profile
from ..model.kinds import Kind, register
from ..tolerances import TOL, Tolerances
from .ids import IdMap, assign, project_ids

WEIGHTS = {"title": 0.40, "description": 0.30, "steps": 0.15, "since": 0.05, "goal": 0.07, "number": 0.03}


_PUNCT = re.compile(r"[„“\"'()]")


def _title_key(t: str) -> str:
    """A title as identities are matched by: `parse.text.norm`, and besides lower-cased, quotes and
    parentheses blanked, the profile's project lead ("Projekt:") removed."""
    t = _PUNCT.sub(" ", t or "").lower()
    return " ".join(profile().project_lead.sub("", t.strip()).split())


@dataclass
class Item:
    edition: str
    number: str
    goal: str
    title: str
    list_title: str
    status: str
    description: str
    since: str
    steps: frozenset
    common_since: bool = False  # the since value is shared by many projects: no evidence
    description_chars: int = TOL.description_chars  # how much of the description is compared

    def __post_init__(self):
        self.ntitle, self.nlist = _title_key(self.title), _title_key(self.list_title)
        self.ndesc = self.description[: self.description_chars]


def items(projects: list[dict], steps: list[dict], tol: Tolerances = TOL) -> dict[str, list[Item]]:
    """Each edition's projects as Items to compare, with their milestones (`tol`: the description's length
    compared, and when a since value is too common to be evidence)."""
    st = defaultdict(set)
    for s in steps:
        if s["block"] == "steps":
            st[(s["edition"], s["project_number"])].add((s["date_raw"], re.sub(r"\s+", " ", s["text"]).lower()))
    out = defaultdict(list)
    freq: defaultdict[tuple, int] = defaultdict(int)
    per_ed: defaultdict[str, int] = defaultdict(int)
    for p in projects:
        freq[(p["edition"], p["since_value"])] += 1
        per_ed[p["edition"]] += 1
    for p in projects:
        out[p["edition"]].append(
            Item(
                p["edition"],
                p["project_number"],
                p["goal"],
                p["title"],
                p["list_title"] or "",
                p["status"],
                p["description"] or "",
                p["since_value"] or "",
                frozenset(st[(p["edition"], p["project_number"])]),
                freq[(p["edition"], p["since_value"])] > tol.common_since * per_ed[p["edition"]],
                tol.description_chars,
            )
        )
    return dict(out)


class Score(NamedTuple):
    """How alike two projects of consecutive editions are (0-1), and the evidence it rests on."""

    value: float
    reason: str


def score(a: Item, b: Item, tol: Tolerances = TOL) -> Score:
    """Weighted evidence that a (older edition) and b (newer) are the same project, with reasons."""
    ev = {}
    title = max(fuzz.token_sort_ratio(a.ntitle, b.ntitle), fuzz.token_set_ratio(a.ntitle, b.ntitle) * tol.subset_title)
    if a.nlist and b.nlist:
        title = max(title, fuzz.token_sort_ratio(a.nlist, b.nlist))
    ev["title"] = title / 100
    if a.ndesc and b.ndesc:
        ev["description"] = fuzz.token_set_ratio(a.ndesc, b.ndesc) / 100
    if a.steps:
        ev["steps"] = len(a.steps & b.steps) / len(a.steps)
    # since and number change with every status change: only agreement is evidence
    if a.since and a.since == b.since and not a.common_since:
        ev["since"] = 1.0
    ev["goal"] = 1.0 if a.goal == b.goal else 0.0
    if a.number == b.number:
        ev["number"] = 1.0
    total = sum(WEIGHTS[k] for k in ev)
    s = sum(WEIGHTS[k] * v for k, v in ev.items()) / total
    reason = ", ".join(f"{k} {v:.2f}" for k, v in ev.items())
    return Score(round(s, 4), reason)


def _overrides() -> tuple[set, set]:
    cfg = load("overrides.yaml")
    pair = lambda d: (tuple(d["from"].split(":", 1)), tuple(d["to"].split(":", 1)))
    return {pair(d) for d in cfg.get("force") or []}, {pair(d) for d in cfg.get("forbid") or []}


def archived(prev: list[Item], archive_rows: list[dict], prev_stand: str, tol: Tolerances = TOL) -> dict[str, str]:
    """Previous-edition projects that the newer edition's printed archive lists as completed or dropped
    since the previous Stand: {prev number: kind}. They must not be linked to a newer project."""
    out = {}
    for r in archive_rows:
        if archive_stand(r) != prev_stand:
            continue
        for a in archive_hits(r, prev, tol):
            out[a.number] = r["kind"]
    return out


def archive_stand(r: dict) -> str:
    """The Stand a printed archive row names: the report a completed project was done in, else its last mention."""
    return (r["report"] if r["kind"] == "completed" else r["last_mention"]) or ""


def archive_hits(r: dict, prev: list[Item], tol: Tolerances = TOL) -> list[Item]:
    """The projects of the edition a printed archive row names that it archives: same printed number and a
    similar title, else the one most similar title if similar enough."""
    rt = _title_key(r["title"])
    hit = [
        a
        for a in prev
        if r.get("printed_number")
        and a.number == r["printed_number"]
        and fuzz.token_sort_ratio(a.ntitle, rt) >= tol.archived_same_number
    ]
    if not hit:
        scored = sorted(
            ((max(fuzz.token_sort_ratio(a.ntitle, rt), fuzz.token_sort_ratio(a.nlist, rt)), a) for a in prev),
            key=lambda x: -x[0],
        )
        hit = [scored[0][1]] if scored and scored[0][0] >= tol.archived_by_title else []
    return hit


def archive_keys(
    archive: list[dict], by_ed: dict[str, list[Item]], stands: dict[str, str], tol: Tolerances = TOL
) -> list[tuple | None]:
    """For each printed archive row, the (edition, number) of the project it archives, found in the edition
    whose Stand it names (None: that edition is not built, or no project matches)."""
    edition_of = {v: k for k, v in stands.items() if v}
    out: list[tuple | None] = []
    for r in archive:
        ed = edition_of.get(archive_stand(r))
        hit = archive_hits(r, by_ed.get(ed, []), tol) if ed else []
        out.append((ed, hit[0].number) if hit else None)
    return out


class Link(NamedTuple):
    """A newer project's link to a previous-edition project: its number there, the score and the reasons."""

    prev: str
    score: float
    reason: str


class Candidate(NamedTuple):
    """A pair of projects (older, newer number) whose evidence clears the link threshold."""

    score: float
    prev: str
    cur: str
    reason: str


CONTESTED_LINK = register(
    "contested_link",
    "warning",
    "Reconciliation: another project of the older edition scores almost as well (nhr's link is in doubt).",
    source="extraction",
)
WEAK_LINK = register(
    "weak_link", "info", "Reconciliation: a link across editions has low confidence.", source="extraction"
)


class LinkAnomaly(NamedTuple):
    """A link worth a second look (contested or weak), for the newer project `number`."""

    kind: Kind
    number: str
    detail: str


FORCED = "forced by config/overrides.yaml"


def link(
    prev: list[Item],
    cur: list[Item],
    force=frozenset(),
    forbid=frozenset(),
    gone: dict | None = None,
    tol: Tolerances = TOL,
):
    """Match `cur` items to `prev` items: returns ({cur number: Link}, [LinkAnomaly])."""
    links: dict[str, Link] = {}
    used_prev: set[str] = set()
    for f in forced(prev, cur, force):
        links[f.cur] = Link(f.prev, f.score, f.reason)
        used_prev.add(f.prev)
    cands = candidates(prev, cur, forbid, gone or {}, tol)
    by_cur = defaultdict(list)
    for c in cands:
        by_cur[c.cur].append(c)
    anomalies = []
    for c in cands:  # best first: each newer and each older project takes its best free partner
        if c.cur in links or c.prev in used_prev:
            continue
        links[c.cur] = Link(c.prev, c.score, c.reason)
        used_prev.add(c.prev)
        rivals = [r for r in by_cur[c.cur] if r.prev not in used_prev and c.score - r.score < tol.margin]
        if (anomaly := link_anomaly(c, rivals, prev[0].edition, cur[0].edition, tol)) is not None:
            anomalies.append(anomaly)
    return links, anomalies


def forced(prev: list[Item], cur: list[Item], force) -> list[Candidate]:
    """The pairs config/overrides.yaml forces between these two editions, as candidates scoring 1."""
    if not (prev and cur):
        return []
    return [
        Candidate(1.0, fn, tn, FORCED) for (fe, fn), (te, tn) in force if fe == prev[0].edition and te == cur[0].edition
    ]


def candidates(prev: list[Item], cur: list[Item], forbid, gone: dict, tol: Tolerances = TOL) -> list[Candidate]:
    """Every pair scoring at least its link threshold, best first (ties: newer, then older number)."""
    # full evidence only for pairs in the same goal or with similar titles (a cheap C-speed prefilter)
    sim: Any = (
        process.cdist([b.ntitle for b in cur], [a.ntitle for a in prev], scorer=fuzz.token_set_ratio) if prev else []
    )
    cands = []
    for bi, b in enumerate(cur):
        for ai, a in enumerate(prev):
            if a.goal != b.goal and sim[bi][ai] < tol.prefilter:
                continue
            if a.number in gone or ((a.edition, a.number), (b.edition, b.number)) in forbid:
                continue
            s, why = score(a, b, tol)
            if s >= (tol.link if a.goal == b.goal else tol.link_across):
                cands.append(Candidate(s, a.number, b.number, why))
    cands.sort(key=lambda c: (-c.score, c.cur, c.prev))
    return cands


def link_anomaly(
    c: Candidate, rivals: list[Candidate], prev_ed: str, cur_ed: str, tol: Tolerances = TOL
) -> LinkAnomaly | None:
    """A contested link (a rival scores within tol.margin) or a weak one (barely above tol.link), else None."""
    if rivals:
        return LinkAnomaly(
            CONTESTED_LINK,
            c.cur,
            f"{cur_ed} {c.cur} linked to {prev_ed} {c.prev} ({c.score:.2f}) but "
            f"{rivals[0].prev} scores {rivals[0].score:.2f}",
        )
    if c.score < tol.link + tol.weak:
        return LinkAnomaly(
            WEAK_LINK,
            c.cur,
            f"{cur_ed} {c.cur} linked to {prev_ed} {c.prev} with low confidence {c.score:.2f} ({c.reason})",
        )
    return None


class Identity(NamedTuple):
    """The project_id a printed project gets, with the link's score (None: first appearance) and reasons."""

    project_id: str
    score: float | None
    reason: str


class Revival(NamedTuple):
    """A project that skipped at least one edition, matched again: the evidence and its last item seen."""

    score: float
    reason: str
    item: Item


def number_order(it: Item) -> list[int]:
    """Sort key of a project number, part by part as integers."""
    return [int(x) for x in it.number.split(".") if x.isdigit()]


@dataclass
class Ledger:
    """What reconcile has decided so far, edition by edition."""

    ids: dict[tuple[str, str], Identity] = field(default_factory=dict)  # (edition, number) → identity
    seen: dict[str, Item] = field(default_factory=dict)  # identity → last item seen (to revive projects)

    def new_id(self) -> str:
        """A provisional id for a new identity (ids.assign names it)."""
        return f"~{len(self.seen)}"

    def missing(self, prev: list[Item]) -> list[Item]:
        """Projects last seen before the previous edition (`prev`): they may come back."""
        prev_ed = prev[0].edition
        in_prev = {self.ids[(prev_ed, p.number)].project_id for p in prev}
        return [it for pid, it in self.seen.items() if it.edition != prev_ed and pid not in in_prev]

    def record(self, ed: str, cur: list[Item], prev_ed: str, links: dict, revive: dict) -> None:
        """Give every project of edition `ed` its identity: linked, revived, or new (in number order)."""
        for b in cur:
            if b.number in links:
                an, s, why = links[b.number]
                ident = Identity(self.ids[(prev_ed, an)].project_id, s, why)
            elif b.number in revive:
                s, why, a = revive[b.number]
                ident = Identity(self.ids[(a.edition, a.number)].project_id, s, f"revived from {a.edition}: {why}")
            else:
                ident = Identity(self.new_id(), None, "first appearance")
            self.ids[(ed, b.number)] = ident
            self.seen[ident.project_id] = b


def revivals(rest: list[Item], gone: list[Item], tol: Tolerances = TOL) -> dict[str, Revival]:
    """Unlinked projects (`rest`) that match a project missing from the previous edition: {number: Revival};
    best pairs first, each missing project revived at most once."""
    if not gone:
        return {}
    pairs = [(score(a, b, tol), i, b, a) for b in rest for i, a in enumerate(gone)]
    out: dict[str, Revival] = {}
    used: set[int] = set()
    for (s, why), i, b, a in sorted(pairs, key=lambda x: (-x[0].value, number_order(x[2]), x[1])):
        if s >= tol.link_across and b.number not in out and i not in used:
            out[b.number] = Revival(s, why, a)
            used.add(i)
    return out


class Linked(NamedTuple):
    """How one edition's projects link to the previous edition's: {newer number: Link}, and the links worth
    a second look."""

    links: dict[str, Link]
    found: list[LinkAnomaly]


class Prelinked(NamedTuple):
    """What reconcile needs that was worked out before it runs, from the same rows: the items of some editions
    (in number order) and the links of some pairs of consecutive editions ((older, newer) edition)."""

    items: dict[str, list[Item]]
    pairs: dict[tuple[str, str], Linked]


def edition_items(projects: list[dict], steps: list[dict], tol: Tolerances = TOL) -> dict[str, list[Item]]:
    """Each edition's Items in number order (the order projects are linked in)."""
    return {ed: sorted(its, key=number_order) for ed, its in items(projects, steps, tol).items()}


def link_editions(
    prev: list[Item], cur: list[Item], archive: list[dict], prev_stand: str, overrides=None, tol: Tolerances = TOL
) -> Linked:
    """The links of the newer edition's projects (`cur`) to the previous edition's (`prev`, printed at
    `prev_stand`), never to a project the newer edition's printed archive rows (`archive`) close; `overrides`
    the (force, forbid) pairs of config/overrides.yaml, read when not given."""
    force, forbid = overrides or _overrides()
    return Linked(*link(prev, cur, force, forbid, archived(prev, archive, prev_stand, tol), tol))


def reconcile(
    projects: list[dict],
    steps: list[dict],
    editions: list[str],
    archive: list[dict] | None = None,
    stands: dict[str, str] | None = None,
    known: IdMap | None = None,
    tol: Tolerances = TOL,
    pre: Prelinked | None = None,
) -> Reconciled:
    """identity rows (project_id per edition and number), anomaly rows, retired_ids rows and the identity map.

    `archive` are the printed archive rows and `stands` the Stand string per edition; with them, a
    project the newer edition archives is never linked to a newer project. `known` is the identity map:
    the ids it gives are kept (pipeline/across/ids.py); `tol` the matching thresholds; `pre` what was worked
    out from these very rows before (a build's, while its workers still extract)."""
    archive, stands, pre = archive or [], stands or {}, pre or Prelinked({}, {})
    by_ed = {**edition_items([p for p in projects if p["edition"] not in pre.items], steps, tol), **pre.items}
    ledger, anomalies = _link_all(editions, by_ed, archive, stands, pre, tol)
    rows = [identity_row(it, ledger.ids[(ed, it.number)]) for ed in editions for it in by_ed.get(ed, [])]
    return named(rows, anomalies, editions, known or IdMap(), archive_keys(archive, by_ed, stands, tol))


def _link_all(
    editions: list[str],
    by_ed: dict[str, list[Item]],
    archive: list[dict],
    stands: dict[str, str],
    pre: Prelinked,
    tol: Tolerances,
) -> tuple[Ledger, list[dict]]:
    """Edition by edition, every project linked to the previous edition's (as `pre` has it, else worked out
    now), revived, or new; with the anomaly rows of the links worth a second look."""
    overrides = _overrides()
    ledger = Ledger()
    anomalies: list[dict] = []
    prev: list[Item] = []
    for ed in editions:
        cur = by_ed.get(ed, [])
        links: dict[str, Link] = {}
        revive: dict[str, Revival] = {}
        if prev:
            links, found = pre.pairs.get((prev[0].edition, ed)) or link_editions(
                prev, cur, [r for r in archive if r["edition"] == ed], stands.get(prev[0].edition, ""), overrides, tol
            )
            anomalies.extend(anomaly_row(ed, x) for x in found)
            revive = revivals([b for b in cur if b.number not in links], ledger.missing(prev), tol)
        ledger.record(ed, cur, prev[0].edition if prev else "", links, revive)
        prev = cur
    return ledger, anomalies


def named(
    rows: list[dict], anomalies: list[dict], editions: list[str], known: IdMap, archived_keys: list
) -> Reconciled:
    """The identities with their final ids (ids.assign) and the ids of the printed archive rows."""
    rows, retired, idmap = assign(rows, known, editions, lambda rs: _title_key(rs[0]["title"]))
    final = project_ids(rows)
    archive_ids = [final.get(k) if k else None for k in archived_keys]
    return Reconciled(rows, anomalies, retired, idmap, archive_ids)


class Reconciled(NamedTuple):
    """What reconcile decides: identity rows, link anomalies, retired_ids rows and the identity map to keep."""

    identity: list[dict]
    anomalies: list[dict]
    retired: list[dict]
    idmap: IdMap
    archive_ids: list[str | None]  # the project_id of each printed archive row, in order (None: not matched)


def anomaly_row(edition: str, x: LinkAnomaly) -> dict:
    """The anomalies row of a link worth a second look."""
    return {
        "edition": edition,
        "kind": x.kind.kind,
        "severity": x.kind.severity,
        "source": x.kind.source,
        "page": None,
        "project_number": x.number,
        "detail": x.detail,
    }


def identity_row(it: Item, ident: Identity) -> dict:
    """The identity row of one printed project."""
    return {
        "project_id": ident.project_id,
        "edition": it.edition,
        "project_number": it.number,
        "title": it.title,
        "status": it.status,
        "match_score": ident.score,
        "match_reason": ident.reason,
    }
