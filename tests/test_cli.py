"""Each subcommand's happy path and one error path, through the real entry point."""

import json
import subprocess
import sys

from click.testing import CliRunner
from conftest import pdf_of

from pipeline.surfaces.cli import main


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    return r.exit_code, r.output


def test_extract_prints_gold_format():
    code, out = run("extract", pdf_of("2023-04"), "--format", "json", "--engine", "pdfium")  # the format: any engine
    assert code == 0
    d = json.loads(out)
    assert d["edition"] == "2023-04" and d["stand"] == "01.04.2023"
    assert {"themes", "project_lists", "archive", "intro"} <= set(d)


def test_extract_missing_file(tmp_path):
    code, out = run("extract", tmp_path / "nope.pdf")
    assert code == 3 and "nope.pdf" in out and "Traceback" not in out


def test_diff_text_csv_json(built):
    _, out = built
    code, text = run("diff", "2024-10", "2025-04", "--parsed", out)
    assert code == 0 and "## status_change (6)" in text and "1.1.2.1 [in Bearbeitung] p.7" in text
    code, csv_out = run("diff", "2024-10", "2025-04", "--parsed", out, "--format", "csv")
    assert code == 0 and csv_out.splitlines()[0].startswith("kind,project_id,old_number")
    code, js = run("diff", "2024-10", "2025-04", "--parsed", out, "--format", "json")
    kinds = [r["kind"] for r in json.loads(js)]
    assert kinds.count("new") == 5 and kinds.count("completed_archived") == 2


def test_diff_unknown_edition(built):
    code, out = run("diff", "2024-10", "2031-04", "--parsed", built[1])
    assert code == 2 and "2031-04" in out


def test_history_by_number_and_id(built):
    _, out = built
    code, text = run("history", "2025-04:1.1.1.1", "--parsed", out)
    assert code == 0 and "umgesetzt       2025-04 → current" in text and "077/2022" in text
    code, js = run("history", "energieberatung-fuer-kreiseigene-gebaeude", "--parsed", out, "--json")
    assert json.loads(js)["project_id"] == "energieberatung-fuer-kreiseigene-gebaeude"


def test_history_ambiguous_number(built):
    code, out = run("history", "1.1.1.1", "--parsed", built[1])
    assert code == 2 and "EDITION:NUMBER" in out


def test_audit(built):
    code, text = run("audit", "--parsed", built[1])
    assert code == 0 and "## late reported (1)" in text and "24.09.2024" in text


def test_audit_grouped_by_kind_in_every_format(built):
    import csv as csvmod
    import io

    code, text = run("audit", "--parsed", built[1])
    assert "## between editions (2)" in text and "### status_backwards (1, warning): A project's status" in text
    assert "2023-04 5.2.3.2 p.39 → 2023-10 5.2.4.1 p.42" in text and "### committee_after_stand (1, warning)" in text
    code, out = run("audit", "--parsed", built[1], "--format", "json")
    data = json.loads(out)
    assert code == 0 and [r["previous_number"] for r in data["between_editions"]["since_changed"]] == ["3.1.2.5"]
    assert data["within_editions"]["committee_after_stand"][0]["evidence"].startswith("03.04.2025 Kreistag")
    code, out = run("audit", "--parsed", built[1], "--format", "csv")
    rows = list(csvmod.DictReader(io.StringIO(out)))
    between = [r for r in rows if r["section"] == "between_editions"]
    assert code == 0 and {r["kind"] for r in between} == {"since_changed", "status_backwards"}
    assert all(r["page"] and r["previous_page"] for r in between)
    assert json.loads(run("audit", "--parsed", built[1], "--json")[1]) == data


def test_audit_without_tables(tmp_path):
    code, out = run("audit", "--parsed", tmp_path)
    assert code == 3 and "nhr build" in out


def test_date_command():
    code, out = run("date", "--json", "3. Qu. 2022", "seit 09/2024")
    assert code == 0 and json.loads(out)[0]["start"] == "2022-07-01"
    code, out = run("date", "irgendwann")
    assert code == 1


def test_every_command_has_help_with_example():
    for name, cmd in main.commands.items():
        code, out = run(name, "--help")
        assert code == 0 and "Example" in out, name


def test_console_script_installed():
    r = subprocess.run([sys.executable, "-m", "pipeline.surfaces.cli", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and "nhr" in r.stdout


def _config(tmp_path, nhr_yaml: str):
    """A copy of config/ with the given nhr.yaml."""
    import shutil
    from pathlib import Path

    conf = tmp_path / "config"
    shutil.copytree(Path(__file__).resolve().parent.parent / "config", conf)
    (conf / "nhr.yaml").write_text(nhr_yaml, encoding="utf-8")
    return conf


def test_engine_default_comes_from_config(tmp_path, monkeypatch):
    import shutil

    import pyarrow.parquet as pq

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(pdf_of("2022-10"), raw)
    monkeypatch.setenv("NHR_CONFIG", str(_config(tmp_path, "engine: pdfium\n")))
    code, out = run("build", "--raw", raw, "--out", tmp_path / "out", "--jobs", "1", "--quiet")
    assert code == 0, out
    assert pq.read_table(tmp_path / "out" / "editions.parquet").column("engine").to_pylist() == ["pdfium"]
    code, out = run(
        "build", "--raw", raw, "--out", tmp_path / "out2", "--jobs", "1", "--quiet", "--engine", "pdfplumber"
    )  # the flag wins
    assert (
        code == 0 and pq.read_table(tmp_path / "out2" / "editions.parquet").column("engine")[0].as_py() == "pdfplumber"
    )


def test_bad_engine_in_config(tmp_path, monkeypatch):
    conf = _config(tmp_path, "engine: tesseract\n")
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    code, out = run("extract", pdf_of("2022-10"))
    assert code == 2 and str(conf / "nhr.yaml") in out and "'tesseract'" in out and len(out.strip().splitlines()) == 1
    monkeypatch.setenv("NHR_CONFIG", str(_config(tmp_path / "second", "engine: [unclosed\n")))
    code, out = run("build", "--out", tmp_path / "out")
    assert code == 2 and "cannot read" in out and not (tmp_path / "out").exists()
