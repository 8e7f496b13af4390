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


class _Doc:
    def close(self):
        pass


def test_audit_page_escapes_the_parsed_path_once(monkeypatch, tmp_path):
    from pipeline.surfaces import report

    parsed = tmp_path / "a&b<c>"
    tables = {"projects": [], "editions": [{"edition": e, "source_file": "x.pdf", "sha256": "0"} for e in "ab"]}
    monkeypatch.setattr(report, "diff", lambda *a: [])
    monkeypatch.setattr(report, "load", lambda *a: {**tables, "anomalies": []})
    monkeypatch.setattr(report, "open_built_pdf", lambda *a: _Doc())
    monkeypatch.setattr(report, "pair_findings", lambda *a: [])
    page = report.build_report(parsed, tmp_path, "a", "b")
    assert f"from {str(tmp_path)}/a&amp;b&lt;c&gt;</p>" in page and "&amp;amp;" not in page
