"""The pipeline's import graph has no cycle: none among the imports a module makes when it is imported
(`if TYPE_CHECKING:` blocks never run), and none either when the imports inside functions are counted; and no
stage imports a stage above it (LAYERS)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _top_level(body: list[ast.stmt]):
    """The import statements a module runs when it is imported (try/if/with bodies included, TYPE_CHECKING not)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                yield from _top_level(node.body)
            yield from _top_level(node.orelse)
        elif isinstance(node, ast.Try):
            for part in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _top_level(part)
        elif isinstance(node, ast.With):
            yield from _top_level(node.body)


def imports_of(name: str, lazy: bool = False) -> set[str]:
    """The pipeline modules `name` imports at module level, or anywhere when `lazy` (`from pkg import mod`
    counts as pkg.mod)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = (
        (n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))) if lazy else _top_level(tree.body)
    )
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            base = ".".join(x for x in (base, node.module or "") if x)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        out |= {t for t in targets if t in MODULES and t != name}
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read():
    """The reader sees the edges it must (relative, absolute and `from pkg import module` imports)."""
    graph = {name: imports_of(name) for name in MODULES}
    assert len(MODULES) > 30
    assert "pipeline.model.records" in graph["pipeline.layout.lines"]
    assert "pipeline.tolerances" in graph["pipeline.layout.engines.pdfium"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_among_pipeline_modules():
    graph = {name: imports_of(name) for name in MODULES}
    assert cycles(graph) == []


def test_no_cycle_through_imports_inside_functions():
    """A lazy import only hides a cycle (layout/lines.py and the pdfium engine had one over `RawPage`)."""
    graph = {name: imports_of(name, lazy=True) for name in MODULES}
    assert cycles(graph) == []


# the stages in the order data flows, over the base every stage may use (model, parse, config, tolerances,
# errors: any module not in a stage's folder)
LAYERS = ("layout", "extract", "across", "store", "surfaces")


def layer(name: str) -> int:
    """A module's place in LAYERS (0: the base below every stage)."""
    part = name.split(".")[1] if name.count(".") else ""
    return LAYERS.index(part) + 1 if part in LAYERS else 0


def test_no_stage_imports_a_stage_above_it():
    """Imports go down the flow only (inside functions too): the registry of kinds is in the base, so no stage
    reaches up to register or look one up."""
    assert [layer(n) for n in ("pipeline.model.kinds", "pipeline.layout.lines", "pipeline.surfaces.cli")] == [0, 1, 5]
    upward = [(n, t) for n in MODULES for t in sorted(imports_of(n, lazy=True)) if layer(t) > layer(n)]
    assert upward == []
