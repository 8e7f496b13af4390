"""Project ids that never change once given: the identity map a build reads first and writes back.

Reconciliation groups the printed projects (edition, number) into identities; this module names them. An
identity whose printed projects the map already knows keeps the id the map gives them; a new identity gets a
short slug of its title (whole words), numbered on a clash; when a changed link joins identities that had ids
of their own, the id most of its projects had survives and the others are retired (kept in the map and in
`retired_ids`, never given again). docs/data.md ("Data contract") says how to keep the map across a
rebuild from scratch.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import regex as re

from ..errors import EXIT_UNREADABLE, InputError

MAP_NAME = "identity_map.json"  # in parsed/, beside the tables
MAP_FORMAT = 1
SLUG_CHARS = 48  # an id's slug stops at the last word boundary within this many characters
SHORT_WORD = 3  # a slug cut short does not end on a word this short or shorter
UMLAUTS: dict[str, str | int | None] = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}

Key = tuple[str, str]  # (edition, project_number)


def project_ids(identity: list[dict]) -> dict[Key, str]:
    """(edition, printed number) → project_id, from identity rows."""
    return {(r["edition"], r["project_number"]): r["project_id"] for r in identity}


def slug(text: str, n: int = SLUG_CHARS) -> str:
    """Lowercase ASCII words of `text` joined by '-', as many whole words as fit in `n` characters (at least
    one word, whole); a slug cut short does not end on a short word."""
    t = text.lower().translate(str.maketrans(UMLAUTS))
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    words = [w for w in re.split(r"[^a-z0-9]+", t) if w]
    out = words[:1]
    for w in words[1:]:
        if len("-".join([*out, w])) > n:
            break
        out.append(w)
    while len(words) > len(out) > 1 and len(out[-1]) <= SHORT_WORD:  # no dangling "…-im", "…-zu"
        out.pop()
    return "-".join(out) or "projekt"


@dataclass
class IdMap:
    """Every id given: (edition, number) → project_id with the title it had, and the retired ids."""

    ids: dict[Key, str] = field(default_factory=dict)
    titles: dict[Key, str] = field(default_factory=dict)
    retired: dict[str, dict] = field(default_factory=dict)  # retired_id → its retired_ids row

    def taken(self) -> set[str]:
        """Every id this map holds, live or retired: none is given to another identity."""
        return set(self.ids.values()) | set(self.retired)

    def over(self, other: IdMap) -> IdMap:
        """This map, completed by `other` where it says nothing."""
        return IdMap({**other.ids, **self.ids}, {**other.titles, **self.titles}, {**other.retired, **self.retired})


def read_map(path: Path) -> IdMap:
    """The identity map at `path` (empty when there is none); a damaged one is refused, never ignored."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return IdMap()
    except (OSError, ValueError) as e:
        raise InputError(path, f"cannot read the identity map ({type(e).__name__}: {e})", EXIT_UNREADABLE) from e
    try:
        if data.get("format") != MAP_FORMAT:
            raise ValueError(f"format {data.get('format')!r}, this nhr reads {MAP_FORMAT}")
        m = IdMap()
        for r in data["ids"]:
            k = (str(r["edition"]), str(r["project_number"]))
            m.ids[k], m.titles[k] = str(r["project_id"]), str(r.get("title") or "")
        m.retired = {str(r["retired_id"]): {c: r.get(c) for c in RETIRED_COLUMNS} for r in data["retired"]}
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        raise InputError(path, f"not an identity map of nhr ({type(e).__name__}: {e})", EXIT_UNREADABLE) from e
    return m


def from_identity_table(path: Path) -> IdMap:
    """The ids of an identity.parquet written by an nhr without the map (0.3 and before): an upgrade keeps them."""
    from ..model.parquet import read_parquet

    try:
        rows = read_parquet(path, columns=["edition", "project_number", "project_id", "title"]).to_pylist()
    except FileNotFoundError:
        return IdMap()
    except (OSError, ValueError, KeyError) as e:
        raise InputError(path, f"cannot read the ids of the last build ({type(e).__name__}: {e})") from e
    keys = [(r["edition"], r["project_number"]) for r in rows]
    return IdMap(
        {k: r["project_id"] for k, r in zip(keys, rows)}, {k: r["title"] or "" for k, r in zip(keys, rows)}, {}
    )


RETIRED_COLUMNS = ("retired_id", "project_id", "edition", "project_number", "reason")


def map_bytes(m: IdMap) -> bytes:
    """The map as JSON, one entry a line in a stable order (a small diff when the data team commits it)."""
    ids = [
        {"edition": k[0], "project_number": k[1], "project_id": pid, "title": m.titles.get(k, "")}
        for k, pid in sorted(m.ids.items(), key=lambda kv: (kv[0][0], number_key(kv[0][1])))
    ]
    retired = [m.retired[r] for r in sorted(m.retired)]
    lines = ",\n".join(json.dumps(x, ensure_ascii=False, sort_keys=True) for x in ids)
    rlines = ",\n".join(json.dumps(x, ensure_ascii=False, sort_keys=True) for x in retired)
    return (
        f'{{"format": {MAP_FORMAT},\n"ids": [\n{lines}\n],\n"retired": [\n{rlines}\n]}}\n'.replace("[\n\n]", "[]")
    ).encode()


def number_key(number: str) -> list[int]:
    """Sort key of a project number, part by part as integers."""
    return [int(x) for x in number.split(".") if x.isdigit()]


def assign(identity: list[dict], known: IdMap, editions: list[str], titles_of) -> tuple[list[dict], list[dict], IdMap]:
    """The final ids of reconciled identity rows (whose project_id is provisional, one per identity): the
    rows with final ids, the retired_ids rows, and the map to write back. `titles_of(rows)` gives the text an
    identity's new id is slugged from."""
    order = {e: i for i, e in enumerate(editions)}
    pos = lambda r: (order[r["edition"]], number_key(r["project_number"]))
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in sorted(identity, key=pos):
        groups[r["project_id"]].append(r)
    final = _claimed(groups, known, pos)
    retired = dict(known.retired)
    for cid, rows in groups.items():
        for old in _losers(rows, known, final.get(cid), final):
            retired[old] = _retired_row(old, final[cid], rows, known)
    taken = known.taken() | set(final.values())
    for cid, rows in sorted(groups.items(), key=lambda kv: pos(kv[1][0])):
        if cid not in final:
            final[cid] = _fresh(slug(titles_of(rows)), taken)
            taken.add(final[cid])
    _resolve_chains(retired)
    out = [{**r, "project_id": final[r["project_id"]]} for r in identity]
    return out, [retired[k] for k in sorted(retired)], _new_map(out, known, retired)


def _claimed(groups: dict[str, list[dict]], known: IdMap, pos) -> dict[str, str]:
    """Known ids to identities, most shared projects first (then the earliest printing): each identity keeps
    the known id most of its projects had, and no id goes to two identities."""
    votes: dict[tuple[str, str], list] = {}
    for cid, rows in groups.items():
        for r in rows:
            pid = known.ids.get((r["edition"], r["project_number"]))
            if pid is not None and pid not in known.retired:
                v = votes.setdefault((cid, pid), [0, pos(r)])
                v[0] += 1
    final: dict[str, str] = {}
    given: set[str] = set()
    for (cid, pid), _ in sorted(votes.items(), key=lambda kv: (-kv[1][0], kv[1][1], kv[0][1])):
        if cid not in final and pid not in given:
            final[cid] = pid
            given.add(pid)
    return final


def _losers(rows: list[dict], known: IdMap, won: str | None, final: dict[str, str]) -> list[str]:
    """Known ids of this identity's projects that no identity kept: merged into the id this one kept."""
    kept = set(final.values())
    had = {known.ids.get((r["edition"], r["project_number"])) for r in rows}
    return sorted(p for p in had if p is not None and won is not None and p != won and p not in kept)


def _retired_row(old: str, survivor: str, rows: list[dict], known: IdMap) -> dict:
    """The retired_ids row of `old`, merged into `survivor`: its first printing here and the link's evidence."""
    first = next(r for r in rows if known.ids.get((r["edition"], r["project_number"])) == old)
    return {
        "retired_id": old,
        "project_id": survivor,
        "edition": first["edition"],
        "project_number": first["project_number"],
        "reason": f"merged into {survivor}: {first['match_reason']}",
    }


def _fresh(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, … : the first not taken."""
    pid, k = base, 2
    while pid in taken:
        pid, k = f"{base}-{k}", k + 1
    return pid


def _resolve_chains(retired: dict[str, dict]) -> None:
    """A retired id whose survivor was retired later points to the id that survives now."""
    for row in retired.values():
        seen = {row["retired_id"]}
        while row["project_id"] in retired and row["project_id"] not in seen:
            seen.add(row["project_id"])
            row["project_id"] = retired[row["project_id"]]["project_id"]


def _new_map(identity: list[dict], known: IdMap, retired: dict[str, dict]) -> IdMap:
    """This build's ids, the known ones of printings not in this build (other editions, or a number an
    edition no longer prints: its id stays reserved) with retired ids replaced by their survivors, and every
    retired id."""
    live = lambda pid: retired[pid]["project_id"] if pid in retired else pid
    m = IdMap({k: live(v) for k, v in known.ids.items()}, dict(known.titles), retired)
    for r in identity:
        k = (r["edition"], r["project_number"])
        m.ids[k], m.titles[k] = r["project_id"], r["title"]
    return m
