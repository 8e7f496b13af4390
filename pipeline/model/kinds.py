"""The registry of anomaly and finding kinds: each kind's severity, where it is reported, whose error it
reports and one sentence of meaning. It sits below the stages: each stage registers the kinds it produces
where it produces them (`register`, or `rule` for a check function) and builds their records through the
registry (`Kind.anomaly`), so no severity or source is written anywhere else."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .records import Anomaly, Box

SEVERITIES = ("info", "warning", "error")
SCOPES = ("edition", "between", "edition_pair")  # anomalies | audit_findings (two editions) | audit_findings (one)
# whose error a row reports: nhr's reading of the PDF is in doubt, or the report itself is wrong
SOURCES = ("extraction", "report")
DOUBT_SEVERITIES = ("warning", "error")  # an extraction anomaly of these severities is a doubt (extraction_doubts)
MEANING_CHARS = 200  # a kind's meaning is one sentence of fewer characters, starting upper-case


@dataclass(frozen=True)
class Kind:
    """One kind: its severity, where it reports (anomalies or audit_findings), meaning, and whose error it
    reports (`source`: extraction, a doubt about nhr's reading; report, the report's own)."""

    kind: str
    severity: str
    scope: str  # one of SCOPES
    meaning: str
    source: str  # one of SOURCES

    @property
    def doubt(self) -> bool:
        """An extraction anomaly that counts as a doubt (warning or error): loud in build, extract and check."""
        return self.source == "extraction" and self.severity in DOUBT_SEVERITIES

    def anomaly(
        self, page: int | None, detail: str, number: str | None = None, box: Box | None = None, evidence: str = ""
    ) -> Anomaly:
        """An anomaly of this kind, with the registry's severity and source."""
        return Anomaly(self.kind, self.severity, self.source, page, detail, number, box, evidence)


KINDS: dict[str, Kind] = {}


def problem(k: Kind) -> str | None:
    """What is wrong with a kind's registration, or None."""
    if k.severity not in SEVERITIES or k.scope not in SCOPES or k.source not in SOURCES:
        return f"severity {k.severity!r}, scope {k.scope!r} or source {k.source!r} is not one of the registry's"
    if not k.meaning[:1].isupper() or len(k.meaning) >= MEANING_CHARS or not k.meaning.endswith((".", ")")):
        return f"its meaning is not one sentence of under {MEANING_CHARS} characters starting upper-case"
    if KINDS.get(k.kind, k) != k:
        return "it is registered twice, differently"
    return None


def register(kind: str, severity: str, meaning: str, scope: str = "edition", *, source: str) -> Kind:
    """Register a kind where it is produced; `source` says whose error it reports: "extraction" (nhr may have
    misread) or "report" (the report itself is wrong). A malformed or conflicting registration is a bug."""
    k = Kind(kind, severity, scope, meaning, source)
    if (why := problem(k)) is not None:
        raise ValueError(f"kind {kind!r}: {why}")
    return KINDS.setdefault(kind, k)


def kind(name: str) -> Kind:
    """A registered kind (KeyError for an unregistered one: a bug)."""
    return KINDS[name]


@dataclass(frozen=True)
class Rule:
    """A check function and the kind it reports; calling the rule calls the function."""

    kind: Kind
    fn: Callable[..., Iterable[Any]]

    def __call__(self, *args: Any) -> Iterable[Any]:
        return self.fn(*args)


def rule(kind: str, severity: str, meaning: str, scope: str = "edition", *, source: str) -> Callable[..., Rule]:
    """Register a kind and make the decorated check function its Rule (rule runners take explicit lists)."""
    k = register(kind, severity, meaning, scope, source=source)

    def deco(fn: Callable[..., Iterable[Any]]) -> Rule:
        return Rule(k, fn)

    return deco
