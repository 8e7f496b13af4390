"""The registry of kinds (pipeline/model/kinds.py): registrations are checked, every module that registers a
kind is one docs/data.md is generated from, and no record is made with a severity of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline.model import kinds
from pipeline.model.kinds import KINDS, kind, register, rule
from pipeline.surfaces.docs import PRODUCERS, every_kind

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"
REGISTERING = {"register", "rule"}
WORDS = {*kinds.SEVERITIES, *kinds.SOURCES}


@pytest.fixture
def scratch(monkeypatch):
    """An empty registry for the test, the real one restored after."""
    monkeypatch.setattr(kinds, "KINDS", {})
    return kinds.KINDS


def test_a_kind_registers_once_and_makes_its_anomalies(scratch):
    k = register("planted_kind", "warning", "A planted kind for the test.", source="extraction")
    again = register("planted_kind", "warning", "A planted kind for the test.", source="extraction")  # a re-import
    a = k.anomaly(3, "detail", "1.1.2.1")
    assert again == k and kinds.kind("planted_kind") is k and k.doubt
    assert (a.kind, a.severity, a.source, a.page, a.project_number) == (
        "planted_kind",
        "warning",
        "extraction",
        3,
        "1.1.2.1",
    )


@pytest.mark.parametrize(
    "args, why",
    [
        (("planted_kind", "fatal", "A planted kind."), "not one of the registry's"),
        (("planted_kind", "info", "a planted kind."), "starting upper-case"),
        (("planted_kind", "info", "A planted kind " + "x" * 200 + "."), "under 200 characters"),
        (("planted_kind", "info", "A planted kind", "everywhere"), "not one of the registry's"),
    ],
)
def test_a_malformed_registration_is_a_bug(scratch, args, why):
    with pytest.raises(ValueError, match=why):
        register(*args, source="report")


def test_a_kind_registered_twice_differently_or_never_is_a_bug(scratch):
    register("planted_kind", "info", "A planted kind.", source="report")
    with pytest.raises(ValueError, match="twice, differently"):
        register("planted_kind", "warning", "A planted kind.", source="report")
    with pytest.raises(KeyError):
        kind("never_registered")


def test_a_rule_is_its_function_with_its_kind(scratch):
    @rule("planted_kind", "info", "A planted kind.", source="report")
    def planted(x):
        return [x]

    assert planted(7) == [7] and planted.kind is scratch["planted_kind"]


def registering_calls(path: Path) -> list[str]:
    """The names of registry functions a module calls (`register(...)`, `@rule(...)`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in REGISTERING
    ]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def test_docs_import_every_module_that_registers_kinds():
    """docs/data.md lists what the registry holds once PRODUCERS are imported: every registering module is one."""
    registering = {module_name(p) for p in PACKAGE.rglob("*.py") if p.name != "kinds.py" and registering_calls(p)}
    assert registering == set(PRODUCERS)
    assert len(every_kind()) == len(KINDS) >= 60


def test_no_record_carries_a_severity_of_its_own():
    """Anomalies are made by the registry (Kind.anomaly) and row dicts take severity from a Kind: no module but
    the registry calls Anomaly(...) or writes a literal severity into a row."""
    found = []
    for p in PACKAGE.rglob("*.py"):
        if p.name == "kinds.py":
            continue
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "Anomaly":
                found.append(f"{module_name(p)}:{n.lineno} Anomaly(...)")
            if isinstance(n, ast.Dict):
                for k, v in zip(n.keys, n.values):
                    literal = [x.value for x in ast.walk(v) if isinstance(x, ast.Constant) and x.value in WORDS]
                    if isinstance(k, ast.Constant) and k.value in ("severity", "source") and literal:
                        found.append(f"{module_name(p)}:{n.lineno} {k.value}={literal}")
    assert found == []
