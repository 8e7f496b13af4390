"""No function of the package above cyclomatic complexity 15 (radon's count, stricter than ruff's C901).

radon counts boolean operators and comprehensions, which ruff's mccabe check does not; the house rule is
radon's number. The C reference loop (`layout/_glyphs.c`) is not Python and not counted.
"""

from pathlib import Path

import pytest

radon = pytest.importorskip("radon.complexity", reason="radon is a test dependency (pip install -e '.[test]')")

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"
LIMIT = 15


def _blocks(path: Path):
    """Every function and method of one module (radon lists methods on their own; classes are skipped)."""
    return [b for b in radon.cc_visit(path.read_text(encoding="utf-8")) if not hasattr(b, "methods")]


def test_no_function_above_the_complexity_limit():
    over = [
        f"{p.relative_to(PACKAGE.parent)}:{b.lineno} {b.name} ({b.complexity})"
        for p in sorted(PACKAGE.rglob("*.py"))
        for b in _blocks(p)
        if b.complexity > LIMIT
    ]
    assert over == []


def test_the_count_sees_a_tangled_function(tmp_path):
    """The check itself: a 16-branch function is over the limit."""
    src = "def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(16))
    assert max(b.complexity for b in radon.cc_visit(src)) > LIMIT
