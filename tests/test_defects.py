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
    _fake_tables(monkeypatch, report)
    monkeypatch.setattr(report, "open_built_pdf", lambda *a: _Doc())
    page = report.build_report(parsed, tmp_path, "a", "b")
    assert f"aus {str(tmp_path)}/a&amp;b&lt;c&gt; ·" in page and "&amp;amp;" not in page


def _fake_tables(monkeypatch, report):
    """The audit page's inputs for two editions 'a' and 'b' with nothing in them."""
    tables = {
        "projects": [],
        "identity": [],
        "archive_check": [],
        "archive_printed": [],
        "editions": [{"edition": e, "source_file": "x.pdf", "sha256": "0", "stand": None} for e in "ab"],
    }
    empty = ("archive", "list_vs_body", "since_vs_transitions", "late_reported", "between_editions", "within_editions")
    monkeypatch.setattr(report, "diff", lambda *a: [])
    monkeypatch.setattr(report, "load", lambda *a: tables)
    monkeypatch.setattr(report, "audit", lambda *a: {k: [] for k in empty})


def test_audit_page_closes_the_first_pdf_when_the_second_fails_to_open(monkeypatch, tmp_path):
    from pipeline.errors import InputError
    from pipeline.surfaces import report

    opened: list = []

    class Doc(_Doc):
        closed = False

        def close(self):
            self.closed = True

    def open_pdf(path, edition, sha):
        if edition == "b":
            raise InputError(path, "not the PDF the build read")
        opened.append(Doc())
        return opened[-1]

    _fake_tables(monkeypatch, report)
    monkeypatch.setattr(report, "open_built_pdf", open_pdf)
    with pytest.raises(InputError):
        report.build_report(tmp_path, tmp_path, "a", "b")
    assert len(opened) == 1 and opened[0].closed


def _build_with_unreadable_anomalies(monkeypatch, tmp_path, *options):
    """`nhr build` whose (faked) build leaves an anomalies.parquet that cannot be read."""
    from click.testing import CliRunner

    from pipeline.store import build
    from pipeline.surfaces.cli import main

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir(parents=True)
    (raw / "a.pdf").write_bytes(b"%PDF-1.4")

    def fake(raw, out, *a, **k):
        (out / "anomalies.parquet").write_bytes(b"not parquet")
        return build.BuildResult(counts={"anomalies": 3}, editions_ids=["2025-04"])

    monkeypatch.setattr(build, "build", fake)
    return CliRunner().invoke(main, ["build", "--raw", str(raw), "--out", str(out), "--quiet", *options])


def test_strict_fails_when_the_anomalies_cannot_be_read(monkeypatch, tmp_path):
    r = _build_with_unreadable_anomalies(monkeypatch, tmp_path / "strict", "--strict")
    assert r.exit_code == 10 and "anomalies.parquet" in r.stderr and "--strict cannot check" in r.stderr
    r = _build_with_unreadable_anomalies(monkeypatch, tmp_path / "lenient")
    assert r.exit_code == 0 and "nhr: warning: cannot read" in r.stderr


def test_report_finds_the_pdfs_where_the_build_read_them(monkeypatch, tmp_path):
    import json
    import shutil

    from click.testing import CliRunner
    from conftest import pdf_of

    from pipeline.store.build import build
    from pipeline.surfaces.cli import main

    raw, out = tmp_path / "elsewhere", tmp_path / "parsed"
    raw.mkdir()
    for e in ("2022-10", "2023-04"):
        shutil.copy(pdf_of(e), raw)
    build(raw, out, jobs=2, engine="pdfium")
    inputs = json.loads((out / "manifest.json").read_text())["inputs"]
    assert {v["path"] for v in inputs.values()} == {str(p.absolute()) for p in raw.glob("*.pdf")}
    monkeypatch.chdir(tmp_path)  # no ./raw_pdfs here, and no --raw: the recorded paths are used
    args = ["report", "2022-10", "2023-04", "--parsed", str(out), "-o", "r.html"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0 and (tmp_path / "r.html").stat().st_size > 10_000, r.output
    shutil.move(raw, tmp_path / "moved")  # gone from where it was read: falls back to raw_pdfs/
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 3 and "raw_pdfs/nachhaltigkeitsreport-2022-10.pdf: the PDF of edition 2022-10" in r.stderr
