"""Issue 15's small defects, one test each (no corpus build needed)."""

import importlib

import pytest


@pytest.mark.parametrize(
    "module,name",
    [
        ("pipeline.parse.dates", "main_json"),
        ("pipeline.model.schema", "register"),
        ("pipeline.parse.committee", "QUOTE"),
        ("pipeline.parse.committee", "BODY_WORDS"),
        ("pipeline.layout.lines", "LayoutError"),
    ],
)
def test_dead_code_is_gone(module, name):
    assert not hasattr(importlib.import_module(module), name)
