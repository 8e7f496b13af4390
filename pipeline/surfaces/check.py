"""Extraction doubts as users see them: one warning line per edition (`nhr build`, `nhr extract`) and the
check of a new producer's file (`nhr check FILE.pdf`: both engines, their agreement, the doubts, the text
accounting and a verdict)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ENGINES
from ..errors import EXIT_DISAGREE, EXIT_STRICT
from ..model.kinds import DOUBT_SEVERITIES
from ..model.records import Edition

TOP_KINDS = 3  # kinds a warning line names
TOP_PAGES = 6  # pages it names per kind
TOP_DIFFERENCES = 3  # differing fields `nhr check` shows


def is_doubt(row: dict) -> bool:
    """An anomaly or finding row that doubts nhr's reading: source extraction, severity warning or error."""
    return row.get("source") == "extraction" and row.get("severity") in DOUBT_SEVERITIES


def describe_kinds(rows: list[dict]) -> str:
    """'label_missing ×80 (p. 12, 14, 15, …), …' for the commonest doubt kinds of some rows."""
    counts: dict[str, int] = defaultdict(int)
    pages: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        counts[r["kind"]] += 1
        if r.get("page") is not None:
            pages[r["kind"]].append(int(r["page"]))
    parts = []
    for k in sorted(counts, key=lambda k: (-counts[k], k))[:TOP_KINDS]:
        ps = sorted(set(pages[k]))
        where = f" (p. {', '.join(map(str, ps[:TOP_PAGES]))}{', …' if len(ps) > TOP_PAGES else ''})" if ps else ""
        parts.append(f"{k} ×{counts[k]}{where}")
    more = len(counts) - TOP_KINDS
    return "; ".join(parts) + (f"; {more} more kinds" if more > 0 else "")


def doubt_line(name: str, rows: list[dict]) -> str | None:
    """One warning line for an edition whose rows carry extraction doubts; None when it carries none."""
    doubts = [r for r in rows if is_doubt(r)]
    if not doubts:
        return None
    return (
        f"{name}: {len(doubts)} extraction doubts, nhr may have misread it: {describe_kinds(doubts)} "
        f"(anomalies with source 'extraction'; `nhr check {name}` tells more)"
    )


def edition_doubt_line(ed: Edition, name: str) -> str | None:
    """The warning line of one extracted edition (what `nhr extract` prints)."""
    from ..model.rows import edition_rows

    return doubt_line(name, edition_rows(ed)["anomalies"])


def built_doubt_lines(out: Path) -> list[str]:
    """The warning line of every edition in built tables: its anomalies, and the between-edition doubts
    reported in `audit_findings` under it."""
    import pyarrow as pa

    from ..model.parquet import read_parquet

    def rows(table: str, cols: list[str]) -> list[dict]:
        path = out / f"{table}.parquet"
        return read_parquet(path, columns=cols).to_pylist() if path.exists() else []

    cols = ["edition", "kind", "source", "severity", "page"]
    try:
        editions = rows("editions", ["edition", "source_file"])
        found = rows("anomalies", cols) + rows("audit_findings", cols) if editions else []
    except (OSError, pa.ArrowException):
        return []  # unreadable tables: the build already said so (and --strict failed on it)
    by_edition: dict[str, list[dict]] = defaultdict(list)
    for r in found:
        by_edition[r["edition"]].append(r)
    return [line for ed in editions if (line := doubt_line(ed["source_file"], by_edition[ed["edition"]]))]


# ---------------------------------------------------------------- nhr check FILE.pdf


@dataclass
class Check:
    """What `nhr check` found in one file: each engine's model, the differences between them, the doubts
    (anomaly rows of the reference engine) and the character account."""

    path: str
    models: dict[str, dict] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)
    doubts: list[dict] = field(default_factory=list)
    chars: dict[str, int] = field(default_factory=dict)
    edition: str = ""

    @property
    def code(self) -> int:
        """The exit code: 13 the engines disagree, 10 extraction doubts, 0 clean."""
        if self.differences:
            return EXIT_DISAGREE
        return EXIT_STRICT if self.doubts else 0

    def verdict(self) -> str:
        """What a user should do with the file's tables."""
        if self.differences:
            return (
                "the two engines read the file differently: at least one misread it; do not use its tables "
                "before comparing the fields above with the PDF (docs/producers.md)"
            )
        if self.doubts:
            return (
                "nhr doubts its reading: check the pages named above in the PDF before using the tables "
                "(docs/producers.md says what each kind means and what to do)"
            )
        return "clean: both engines agree and no check doubts the reading; the tables can be used"


def differences(a, b, path: str = "", limit: int = TOP_DIFFERENCES) -> list[str]:
    """The first `limit` places where two gold-format models differ ("themes[0].goals[2].title: 'x' != 'y'")."""
    out: list[str] = []
    _diff(a, b, path, out, limit)
    return out


def _diff(a, b, path: str, out: list[str], limit: int) -> None:
    if len(out) >= limit or a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            _diff(a.get(k), b.get(k), f"{path}.{k}" if path else str(k), out, limit)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            _diff(x, y, f"{path}[{i}]", out, limit)
    elif isinstance(a, list) and isinstance(b, list):
        out.append(f"{path}: {len(a)} items != {len(b)} items")
    else:
        x, y = _around_difference(str(a), str(b))
        out.append(f"{path}: {x!r} != {y!r}")


DIFF_CONTEXT = 30  # characters shown on each side of where two differing texts part


def _around_difference(a: str, b: str) -> tuple[str, str]:
    """Both texts cut to where they part (with some context), so the difference is on screen."""
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    lo = max(0, i - DIFF_CONTEXT)
    cut = lambda s: ("…" if lo else "") + s[lo : i + DIFF_CONTEXT] + ("…" if len(s) > i + DIFF_CONTEXT else "")
    return cut(a), cut(b)


def check(path: Path) -> Check:
    """Read one PDF with both engines (each in a limited worker, like `nhr extract`) and judge the reading."""
    from ..config import limits
    from ..model.export import to_gold
    from ..model.rows import edition_rows
    from ..store.build import extract_isolated

    res = Check(str(path))
    editions = {e: extract_isolated(path, e, 1, limits()) for e in ENGINES}
    res.models = {e: to_gold(ed) for e, ed in editions.items()}
    res.differences = differences(res.models[ENGINES[0]], res.models[ENGINES[1]])
    ref = editions[ENGINES[0]]
    res.edition = ref.edition
    res.doubts = [r for r in edition_rows(ref)["anomalies"] if is_doubt(r)]
    if ref.chars:
        res.chars = {k: getattr(ref.chars, k) for k in ("body", "furniture", "assigned", "unassigned")}
    return res


def report_lines(res: Check) -> list[str]:
    """The few lines `nhr check` prints."""
    agree = "agree field for field" if not res.differences else f"DISAGREE ({len(res.differences)}+ fields)"
    lines = [f"{res.path}: edition {res.edition}; engines {' and '.join(ENGINES)} {agree}"]
    lines += [f"  differs: {d}" for d in res.differences]
    lines.append(f"  extraction doubts: {len(res.doubts)}" + (f" — {describe_kinds(res.doubts)}" if res.doubts else ""))
    c = res.chars
    if c:
        share = c["unassigned"] / c["body"] if c["body"] else 0.0
        lines.append(
            f"  text accounting: {c['body']} body characters, {c['assigned']} in records, {c['unassigned']} in none "
            f"({share:.2%}), {c['furniture']} page furniture"
        )
    lines.append(f"  verdict: {res.verdict()}")
    return lines
