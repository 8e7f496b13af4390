"""Between consecutive editions: what the newer edition rewrites or silently drops of what the older
one printed, as rows of `audit_findings` (each with both editions' pages and printed text)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import NamedTuple

import regex as re
from rapidfuzz import fuzz

from ..config import profile, rule_words
from ..extract.rules import words_rx
from ..model.kinds import kind, rule
from ..model.records import ArchiveRow, Box, Edition, Entry, Project
from ..parse.dates import parse_date
from ..parse.text import norm
from ..tolerances import TOL
from .ids import project_ids

EVIDENCE_CHARS = 300  # characters of the printed text a finding keeps as evidence


@dataclass
class Pair:
    """Two consecutive editions and which printed number of the older one continues as which in the newer."""

    old: Edition
    new: Edition
    links: dict[str, str]  # old number → new number
    ids: dict[tuple[str, str], str]  # (edition, number) → project_id
    _past: dict[str, list[PastChange]] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def _printed(self) -> dict[tuple[str, str], Project]:
        out: dict[tuple[str, str], Project] = {}
        for ed in (self.old, self.new):
            for *_, p in ed.projects():
                out.setdefault((ed.edition, p.number), p)  # a number printed twice: the first, as printed
        return out

    def project(self, ed: Edition, number: str) -> Project | None:
        """The project printed under `number` in `ed` (one of the pair)."""
        return self._printed.get((ed.edition, number))

    def past(self, block: str) -> list[PastChange]:
        """The older edition's entries of `block` ("steps" or "committee") the newer one rewrote or dropped,
        computed once per pair (four rules report them)."""
        if block not in self._past:
            self._past[block] = list(past_changes(self, block))
        return self._past[block]


@dataclass
class Finding:
    kind: str
    severity: str
    source: str
    edition: str
    previous_edition: str | None
    project_id: str | None
    project_number: str | None
    previous_number: str | None
    detail: str
    evidence: str | None
    previous_evidence: str | None
    page: int | None = None
    x0: float | None = None
    top: float | None = None
    x1: float | None = None
    bottom: float | None = None
    previous_page: int | None = None
    previous_x0: float | None = None
    previous_top: float | None = None
    previous_x1: float | None = None
    previous_bottom: float | None = None

    def row(self) -> dict:
        return asdict(self)


class Evidence(NamedTuple):
    """What a finding points at in one edition: the project number, its box, the printed text."""

    number: str | None
    box: Box | None
    text: str | None


NO_EVIDENCE = Evidence(None, None, None)


class Rewrite(NamedTuple):
    """The newer entry an older one was rewritten into, and what changed ("date", "text", "date and text")."""

    entry: Entry
    what: str


def finding(
    name: str,
    pair: Pair | None,
    detail: str,
    new: Evidence,
    old: Evidence = NO_EVIDENCE,
    edition: str | None = None,
    pid: str | None = None,
) -> Finding:
    """A finding of a registered kind with its evidence in the newer (`new`) and the older (`old`) edition."""
    (num, box, text), (pnum, pbox, ptext) = new, old
    if not edition:
        assert pair is not None  # a finding names its edition, or the pair it was found in
        edition = pair.new.edition
    ed = edition
    registered = kind(name)
    f = Finding(
        name,
        registered.severity,
        registered.source,
        ed,
        pair.old.edition if pair else None,
        pid
        or (pair.ids.get((pair.old.edition, pnum)) if pair and pnum else None)
        or (pair.ids.get((ed, num)) if pair and num else None),
        num,
        pnum,
        detail,
        norm(text)[:EVIDENCE_CHARS] if text else None,
        norm(ptext)[:EVIDENCE_CHARS] if ptext else None,
    )
    for prefix, b in (("", box), ("previous_", pbox)):
        if b:
            for k in ("page", "x0", "top", "x1", "bottom"):
                setattr(f, prefix + k, getattr(b, k))
    return f


# ---------------------------------------------------------------- the past must stay as printed


def loose(text: str) -> str:
    """Text without whitespace and hyphens: a line wrapped elsewhere by another producer ("Pflege- empfehlungen",
    "Pflegeempfehlungen") is the same text."""
    return _LOOSE.sub("", text or "")


_LOOSE = re.compile(r"[\s\-\u00ad]+")  # compiled once: `regex` looks a pattern string up anew on every call


def date_key(raw: str) -> tuple:
    """The interval a date string denotes ("Mai 2024" = "05/2024"); the string itself when not understood."""
    d = parse_date(raw)
    return (d.start, d.end, d.qualifier) if d.start else (norm(raw),)


def entry_key(e: Entry) -> tuple:
    return date_key(e.date), loose(e.text)


def unmatched(old: list[Entry], new: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """Entries of `old` printed identically in `new` cancel out (as multisets); the rest of each side."""
    pool = defaultdict(list)
    for e in new:
        pool[entry_key(e)].append(e)
    rest_old = []
    for e in old:
        if pool.get(entry_key(e)):
            pool[entry_key(e)].pop()
        else:
            rest_old.append(e)
    return rest_old, [e for es in pool.values() for e in es]


def counterpart(e: Entry, candidates: list[Entry]) -> Rewrite | None:
    """The newer entry that `e` was rewritten into: same date with other text, or same text with another
    date, or (failing both) a close text; with what changed."""
    d, t = entry_key(e)
    for c in candidates:
        if loose(c.text) == t:
            return Rewrite(c, "date")
    t = norm(e.text)
    same_day = [c for c in candidates if date_key(c.date) == d and norm(e.date)]
    if same_day:
        return Rewrite(max(same_day, key=lambda c: fuzz.ratio(norm(c.text), t)), "text")
    close = [c for c in candidates if fuzz.ratio(norm(c.text), t) >= TOL.rewrite_match]
    return Rewrite(close[0], "date and text") if close else None


class PastChange(NamedTuple):
    """An entry of an older printing (`old`, project `old_num`) that the newer printing (`new`, `new_num`)
    rewrote into `rewrite` or (None) dropped."""

    old_num: str
    new_num: str
    old: Project
    new: Project
    entry: Entry
    rewrite: Rewrite | None


def past_changes(pair: Pair, block: str) -> Iterator[PastChange]:
    """Completed entries (`steps` or `committee`) of the older edition changed or dropped in the newer one
    while the project is still printed."""
    for old_num, new_num in pair.links.items():
        a, b = pair.project(pair.old, old_num), pair.project(pair.new, new_num)
        if a is None or b is None:
            continue
        rest_old, rest_new = unmatched(getattr(a, block), getattr(b, block))
        for e in rest_old:
            hit = counterpart(e, rest_new)
            if hit:
                rest_new.remove(hit.entry)
            yield PastChange(old_num, new_num, a, b, e, hit)


def rewritten(pair: Pair, block: str, name: str) -> Iterator[Finding]:
    """Findings of kind `name` for the older entries of `block` the newer edition prints rewritten."""
    for old_num, new_num, a, b, e, hit in pair.past(block):
        if hit is not None:
            c, what = hit
            yield finding(
                name,
                pair,
                f"{pair.old.edition} {old_num} printed '{e.date} {e.text}', "
                f"{pair.new.edition} {new_num} prints '{c.date} {c.text}' ({what} changed)",
                Evidence(new_num, c.box or b.box, f"{c.date} {c.text}"),
                Evidence(old_num, e.box or a.box, f"{e.date} {e.text}"),
            )


def dropped(pair: Pair, block: str, name: str) -> Iterator[Finding]:
    """Findings of kind `name` for the older entries of `block` the newer edition no longer prints."""
    for old_num, new_num, a, b, e, hit in pair.past(block):
        if hit is None:
            yield finding(
                name,
                pair,
                f"{pair.old.edition} {old_num} printed '{e.date} {e.text}'; "
                f"{pair.new.edition} {new_num} no longer does",
                Evidence(new_num, b.box, None),
                Evidence(old_num, e.box or a.box, f"{e.date} {e.text}"),
            )


@rule(
    "milestone_rewritten",
    "warning",
    "A completed milestone of the older edition is printed with another date or "
    "text in the newer one (the past was rewritten).",
    scope="between",
    source="report",
)
def milestone_rewritten(pair: Pair) -> Iterable[Finding]:
    return rewritten(pair, "steps", "milestone_rewritten")


@rule(
    "milestone_dropped",
    "warning",
    "A completed milestone of the older edition is missing from the newer one although the project is still printed.",
    scope="between",
    source="report",
)
def milestone_dropped(pair: Pair) -> Iterable[Finding]:
    return dropped(pair, "steps", "milestone_dropped")


@rule(
    "consultation_rewritten",
    "warning",
    "A committee consultation of the older edition is printed with another date or text in the newer one.",
    scope="between",
    source="report",
)
def consultation_rewritten(pair: Pair) -> Iterable[Finding]:
    return rewritten(pair, "committee", "consultation_rewritten")


@rule(
    "consultation_dropped",
    "warning",
    "A committee consultation of the older edition is missing from the newer "
    "one although the project is still printed.",
    scope="between",
    source="report",
)
def consultation_dropped(pair: Pair) -> Iterable[Finding]:
    return dropped(pair, "committee", "consultation_dropped")


# ---------------------------------------------------------------- leaving the body, the archive


def names(row: ArchiveRow, p: Project, list_title: str) -> bool:
    """Whether an archive row names project `p` (by title, or its list title)."""
    t = norm(row.project).casefold()
    return any(x and fuzz.token_set_ratio(t, norm(x).casefold()) >= TOL.title_match for x in (p.title, list_title))


@rule(
    "silent_drop",
    "warning",
    "A project of the older edition is neither printed in the newer one nor listed in "
    "its archive (completed or dropped).",
    scope="between",
    source="report",
)
def silent_drop(pair: Pair) -> Iterable[Finding]:
    listed = {r.number: r.title for pl in pair.old.project_lists for r in pl.rows}
    for *_, p in pair.old.projects():
        if p.number in pair.links:
            continue
        if not any(names(r, p, listed.get(p.number, "")) for r in pair.new.archive):
            yield finding(
                "silent_drop",
                pair,
                f"{pair.old.edition} {p.number} '{p.title}' ({p.status}) is gone from "
                f"{pair.new.edition} without an archive row",
                NO_EVIDENCE,
                Evidence(p.number, p.box, p.title),
            )


def archive_key(r: ArchiveRow) -> tuple[str, ...]:
    return tuple(norm(x) for x in (r.kind, r.project, r.report, r.number, r.reason, r.last_mention))


def same_archive_row(r: ArchiveRow, s: ArchiveRow) -> bool:
    """Whether two printings of an archive row agree (wrapping and hyphenation aside)."""
    return [loose(x) for x in archive_key(r)] == [loose(x) for x in archive_key(s)]


@rule(
    "archive_row_missing",
    "warning",
    "A row of the older edition's archive is missing from the newer archive.",
    scope="between",
    source="report",
)
def archive_row_missing(pair: Pair) -> Iterable[Finding]:
    for r in pair.old.archive:
        if not any(
            s.kind == r.kind
            and fuzz.token_set_ratio(norm(s.project).casefold(), norm(r.project).casefold()) >= TOL.title_match
            for s in pair.new.archive
        ):
            yield finding(
                "archive_row_missing",
                pair,
                f"archive row '{r.project}' ({r.kind}) of {pair.old.edition} is missing from {pair.new.edition}",
                NO_EVIDENCE,
                Evidence(r.number or None, r.box, " ".join(archive_key(r)[1:])),
            )


@rule(
    "archive_row_changed",
    "warning",
    "A row of the older edition's archive is printed in the newer archive with "
    "another report date, number, reason or last mention.",
    scope="between",
    source="report",
)
def archive_row_changed(pair: Pair) -> Iterable[Finding]:
    for r in pair.old.archive:
        if any(same_archive_row(r, s) for s in pair.new.archive):
            continue
        same = [
            s
            for s in pair.new.archive
            if s.kind == r.kind
            and fuzz.token_set_ratio(norm(s.project).casefold(), norm(r.project).casefold()) >= TOL.title_match
        ]
        if same:
            s = max(same, key=lambda s: fuzz.ratio(norm(s.project), norm(r.project)))
            yield finding(
                "archive_row_changed",
                pair,
                f"archive row '{r.project}' was {' | '.join(archive_key(r)[1:])}, now {' | '.join(archive_key(s)[1:])}",
                Evidence(s.number or None, s.box, " ".join(archive_key(s)[1:])),
                Evidence(r.number or None, r.box, " ".join(archive_key(r)[1:])),
            )


# ---------------------------------------------------------------- status and since


def justified(a: Project, b: Project) -> bool:
    """Whether the newer printing `b` says why it moved: a remark or since value naming the move, or a new
    remark paragraph giving a reason (config/rules.yaml status_move_words, reason_words)."""
    words = rule_words()
    move, reason = words_rx(words["status_move_words"]), words_rx(words["reason_words"])
    before = {norm(t) for t in a.remark}
    return any(move.search(t) for t in [*b.remark, b.since_value]) or any(
        reason.search(t) for t in b.remark if norm(t) not in before
    )


@rule(
    "status_backwards",
    "warning",
    "A project's status moves backwards (umgesetzt → in Bearbeitung → in Planung → "
    "Ideenspeicher) and its remark does not say why.",
    scope="between",
    source="report",
)
def status_backwards(pair: Pair) -> Iterable[Finding]:
    # a status's rank is its section digit (1 umgesetzt … 4 Ideenspeicher)
    rank = {status: int(digit) for digit, status in profile().status_by_digit.items()}
    for old_num, new_num in pair.links.items():
        a, b = pair.project(pair.old, old_num), pair.project(pair.new, new_num)
        if a and b and rank.get(b.status, 0) > rank.get(a.status, 9) and not justified(a, b):
            yield finding(
                "status_backwards",
                pair,
                f"{a.status} in {pair.old.edition}, {b.status} in {pair.new.edition}; the remark gives no reason",
                Evidence(new_num, b.box, f"{b.since_label} {b.since_value} {' '.join(b.remark)}"),
                Evidence(old_num, a.box, f"{a.since_label} {a.since_value}"),
            )


@rule(
    "since_changed",
    "warning",
    "A project's '…seit:' value changes between editions while its status does not.",
    scope="between",
    source="report",
)
def since_changed(pair: Pair) -> Iterable[Finding]:
    for old_num, new_num in pair.links.items():
        a, b = pair.project(pair.old, old_num), pair.project(pair.new, new_num)
        if a and b and a.status == b.status and date_key(a.since_value) != date_key(b.since_value):
            yield finding(
                "since_changed",
                pair,
                f"status stays {b.status} but since changed '{norm(a.since_value)}' → '{norm(b.since_value)}'",
                Evidence(new_num, b.box, f"{b.since_label} {b.since_value}"),
                Evidence(old_num, a.box, f"{a.since_label} {a.since_value}"),
            )


# ---------------------------------------------------------------- within one edition, with both places


def title_key(title: str) -> str:
    return re.sub(r"[\W_]+", " ", norm(title).casefold()).strip()


@rule(
    "duplicate_title",
    "warning",
    "The same project title is printed under two numbers in one edition.",
    scope="edition_pair",
    source="report",
)
def duplicate_title(ed: Edition, ids: dict[tuple[str, str], str]) -> Iterable[Finding]:
    first: dict[str, Project] = {}
    for *_, p in ed.projects():
        k = title_key(p.title)
        if k in first and first[k].number != p.number:
            q = first[k]
            yield finding(
                "duplicate_title",
                None,
                f"'{p.title}' is printed as {q.number} and as {p.number}",
                Evidence(p.number, p.box, p.title),
                Evidence(q.number, q.box, q.title),
                edition=ed.edition,
                pid=ids.get((ed.edition, p.number)),
            )
        first.setdefault(k, p)


# ---------------------------------------------------------------- entries split or merged between editions


def joined_pairs(entries: list[Entry]) -> Iterator[tuple[Entry, Entry, str]]:
    """Consecutive entries whose second has no date, with their joined text (loose): one row read as two?"""
    for a, b in zip(entries, entries[1:]):
        if not norm(b.date):
            yield a, b, loose(f"{a.text} {b.text}")


def split_or_merged(old: list[Entry], new: list[Entry]) -> Iterator[tuple[str, Entry, Entry]]:
    """(how, newer entry, older entry): an entry of one edition that the other prints as an entry plus the
    undated one after it ("split" in the newer, "merged" in the newer)."""
    old_texts = {loose(e.text): e for e in old}
    new_texts = {loose(e.text): e for e in new}
    for a, _, joined in joined_pairs(new):
        if joined in old_texts and joined not in new_texts:
            yield "split", a, old_texts[joined]
    for a, _, joined in joined_pairs(old):
        if joined in new_texts and joined not in old_texts:
            yield "merged", new_texts[joined], a


@rule(
    "entry_split_or_merged",
    "warning",
    "An entry one edition prints whole, the other as an entry plus an undated one (or the reverse): nhr "
    "likely split or merged a row in one of them.",
    scope="between",
    source="extraction",
)
def entry_split_or_merged(pair: Pair) -> Iterable[Finding]:
    for old_num, new_num in pair.links.items():
        a, b = pair.project(pair.old, old_num), pair.project(pair.new, new_num)
        if a is None or b is None:
            continue
        for block in ("steps", "committee"):
            for how, n, o in split_or_merged(getattr(a, block), getattr(b, block)):
                yield finding(
                    "entry_split_or_merged",
                    pair,
                    f"{pair.old.edition} {old_num} and {pair.new.edition} {new_num}: '{norm(o.text)[:60]}' "
                    f"{how} in the newer edition",
                    Evidence(new_num, n.box or b.box, f"{n.date} {n.text}"),
                    Evidence(old_num, o.box or a.box, f"{o.date} {o.text}"),
                )


# ---------------------------------------------------------------- running them


def pairs(editions: list[Edition], identity: list[dict]) -> Iterator[Pair]:
    """Consecutive editions with their number links from the identity table."""
    eds = sorted(editions, key=lambda e: e.edition)
    ids = project_ids(identity)
    by_pid: dict[tuple[str, str], str] = {(r["edition"], r["project_id"]): r["project_number"] for r in identity}
    for old, new in zip(eds, eds[1:]):
        links = {}
        for *_, p in old.projects():
            pid = ids.get((old.edition, p.number))
            if pid and (new.edition, pid) in by_pid:
                links[p.number] = by_pid[(new.edition, pid)]
        yield Pair(old, new, links, ids)


RULES = (
    milestone_rewritten,
    milestone_dropped,
    consultation_rewritten,
    consultation_dropped,
    silent_drop,
    archive_row_missing,
    archive_row_changed,
    status_backwards,
    since_changed,
    duplicate_title,
    entry_split_or_merged,
)  # the rules across editions, in the order they run (duplicate_title reads one edition with its ids)


def audit_findings(editions: list[Edition], identity: list[dict]) -> list[dict]:
    """Every between-edition rule on every consecutive pair, plus duplicate titles per edition."""
    out: list[Finding] = []
    ids = project_ids(identity)
    eds = sorted(editions, key=lambda e: e.edition)
    consecutive = list(pairs(editions, identity))
    for r in RULES:
        if r.kind.scope == "edition_pair":
            for ed in eds:
                out.extend(r(ed, ids))
        else:
            for pair in consecutive:
                out.extend(r(pair))
    return [f.row() for f in out]
