"""One consistent CLI, through the real entry point: pairs in order, --format on every printing command,
`nhr editions`, `nhr audit OLD NEW` and --fail-on, -V, broken pipes, `nhr sql`'s cut cells, and builds
(progress, Ctrl-C, the summary of what is new, JSON when they fail)."""

import csv
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import pdf_of

from pipeline.surfaces.cli import main

NHR = [sys.executable, "-m", "pipeline.surfaces.cli"]


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    return r.exit_code, r.output


def test_reversed_pair_refused_for_diff_audit_report(built, tmp_path):
    out = built[1]
    for cmd in (["diff"], ["audit"], ["report", "-o", tmp_path / "rev.html"]):
        code, text = run(*cmd, "2025-04", "2024-10", "--parsed", out)
        assert code == 2, (cmd, text)
        assert text.strip().splitlines() == [
            f"nhr: error: 2025-04 is newer than 2024-10: give the older edition first (nhr {cmd[0]} 2024-10 2025-04)"
        ]
    assert not (tmp_path / "rev.html").exists()
    code, text = run("diff", "latest", "latest", "--parsed", out)
    assert code == 2 and "same edition" in text


def test_latest_and_previous_name_the_two_newest_editions(built):
    out = built[1]
    by_id = run("diff", "2024-10", "2025-04", "--parsed", out, "--format", "json")
    assert run("diff", "previous", "latest", "--parsed", out, "--format", "json") == by_id
    assert run("diff", "--parsed", out, "--format", "json") == by_id  # the default pair
    assert run("audit", "previous", "latest", "--parsed", out, "--format", "json") == run(
        "audit", "2024-10", "2025-04", "--parsed", out, "--format", "json"
    )


def test_format_on_every_printing_command(built, tmp_path):
    """Every command but report (which writes a file) takes --format text|csv|json; json parses, csv has a
    header row."""
    out = built[1]
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(pdf_of("2022-10"), raw)
    calls = {
        "extract": [pdf_of("2022-10"), "--engine", "pdfium"],
        "build": ["--raw", raw, "--out", tmp_path / "out", "--engine", "pdfium", "--jobs", "1"],
        "date": ["3. Qu. 2022"],
        "editions": ["--parsed", out],
        "diff": ["2024-10", "2025-04", "--parsed", out],
        "history": ["Insektenschutz", "--parsed", out],
        "audit": ["--parsed", out],
        "sql": ["SELECT edition, stand FROM editions ORDER BY 1", "--parsed", out],
    }
    printing = {n for n, c in main.commands.items() if any(p.name == "fmt" for p in c.params)}
    assert printing == set(calls), "a printing command without --format, or one this test does not try"
    assert "report" in main.commands and "report" not in printing
    for name, args in calls.items():
        code, js = run(name, *args, "--format", "json")
        assert code == 0, (name, js)
        assert json.loads(js), name
        code, text = run(name, *args, "--format", "csv")
        assert code == 0 and list(csv.reader(io.StringIO(text)))[0], name
        code, text = run(name, *args, "--format", "text" if name != "extract" else "text")
        assert code == 0 and text.strip() and not text.lstrip().startswith(("{", "[")), name


def test_editions_command(built):
    code, text = run("editions", "--parsed", built[1])
    lines = text.strip().splitlines()
    assert code == 0 and len(lines) == 7 and lines[0].startswith("2022-10  Stand 2022-10-01")
    assert lines[4].endswith("previous") and lines[5].endswith("latest") and "84 pages" in lines[5]
    rows = json.loads(run("editions", "--parsed", built[1], "--format", "json")[1])
    assert [r["edition"] for r in rows] == ["2022-10", "2023-04", "2023-10", "2024-04", "2024-10", "2025-04"]
    assert {"stand", "file", "pages", "engine", "anomalies", "doubts", "built"} <= set(rows[0])


def test_audit_of_a_pair_grouped_without_repeats(built):
    code, text = run("audit", "2024-10", "2025-04", "--parsed", built[1])
    rows = [ln for ln in text.splitlines() if ln.startswith("  2")]  # one line a row (evidence lines below it)
    assert code == 0 and len(rows) == len(set(rows)), "a row printed twice"
    assert "## late reported (1)" in text and "2025-04 1.1.1.1: status umgesetzt since 24.09.2024" in text
    assert "### carried over, nothing new:" in text and "unbalanced_quotes 4" in text
    data = json.loads(run("audit", "2024-10", "2025-04", "--parsed", built[1], "--format", "json")[1])
    within = [r for rows in data["within_editions"].values() for r in rows]
    assert {r["edition"] for r in within} == {"2025-04"} and any(r["carried"] for r in within)
    assert not any(r["carried"] for r in data["within_editions"]["committee_after_stand"])


def test_audit_of_all_editions_folds_an_anomaly_printed_in_several(built):
    code, text = run("audit", "--parsed", built[1])
    assert code == 0 and "(also 2024-10, 2025-04)" in text
    rows = [ln.split(" (also ")[0] for ln in text.splitlines() if ln.startswith("  2")]
    assert len(rows) == len(set(rows)), "a row printed twice"
    rows = json.loads(run("audit", "--parsed", built[1], "--format", "json")[1])["within_editions"]
    quotes = rows["section_number_mismatch"]  # 2.7.3 and 2.7.4: two anomalies, each in three editions
    assert len(quotes) == 2 and all(r["editions"] == ["2024-04", "2024-10", "2025-04"] for r in quotes)
    stale = rows["stale_label_date"]  # its detail names each edition's Stand: still one anomaly
    assert len(stale) == 1 and stale[0]["editions"] == ["2022-10", "2023-04", "2023-10", "2024-10", "2025-04"]


def test_audit_fail_on(built):
    out = built[1]
    code, text = run("audit", "--parsed", out, "--fail-on", "error")
    assert code == 0  # the corpus has no error-level anomaly
    code, text = run("audit", "--parsed", out, "--fail-on", "warning")
    assert code == 10 and text.strip().splitlines()[-1].startswith("nhr: error: ")
    assert "--fail-on warning" in text.strip().splitlines()[-1]
    code, text = run("audit", "2022-10", "2023-04", "--parsed", out, "--fail-on", "warning", "--format", "json")
    assert code == 10 and json.loads(text[: text.rindex("}") + 1])
    code, _ = run("audit", "2025-04", "--parsed", out)
    assert code == 2


def test_version_short_and_long():
    from pipeline import __version__

    for flag in ("-V", "--version"):
        code, text = run(flag)
        assert code == 0 and text.strip() == f"nhr, version {__version__}"


def test_broken_pipe_ends_quietly(built):
    """`nhr sql … | head -1`: no 'internal error', exit 0 or 141."""
    p = subprocess.Popen(
        [*NHR, "sql", "SELECT * FROM steps", "--parsed", str(built[1])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.readline()
    p.stdout.close()  # the reader goes away, as `head -1` does
    err = p.stderr.read().decode()
    assert p.wait(60) in (0, 141) and err == ""


def test_sql_cut_cells_are_marked_and_width_is_an_option(built):
    out = built[1]
    code, text = run("sql", "SELECT sha256 FROM editions ORDER BY edition", "--parsed", out)
    cells = [ln.strip() for ln in text.splitlines()[2:-1]]
    assert code == 0 and all(len(c) == 60 and c.endswith("…") for c in cells)
    code, text = run("sql", "SELECT sha256 FROM editions ORDER BY edition", "--parsed", out, "--width", "64")
    assert all(len(ln.strip()) == 64 and "…" not in ln for ln in text.splitlines()[2:-1])
    code, text = run("sql", "SELECT sha256 FROM editions", "--parsed", out, "--format", "csv")
    assert all(len(v) == 64 for v in text.splitlines()[1:])


def _tables(out: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(out.iterdir()) if f.is_file()}


def test_ctrl_c_during_a_build_stops_at_once_and_changes_nothing(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for e in ("2024-10", "2025-04"):
        shutil.copy(pdf_of(e), raw)
    out = tmp_path / "out"
    code, text = run("build", "--raw", raw, "--out", out, "--engine", "pdfium", "--jobs", "1", "--quiet")
    assert code == 0, text
    before = _tables(out)
    # pdfplumber: nothing in the cache, several seconds of extraction to interrupt
    p = subprocess.Popen(
        [*NHR, "build", "--raw", str(raw), "--out", str(out), "--engine", "pdfplumber", "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a build in a terminal's foreground gets Ctrl-C; a suite started in the background (`pytest &`) passes its
        # ignored SIGINT on to every child, and a process that inherits SIG_IGN rightly keeps ignoring Ctrl-C
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert p.stderr is not None
    first = p.stderr.readline()  # progress is on stderr before any PDF is done
    assert first.startswith("nhr build: 2 PDFs in ")
    line = first  # Ctrl-C while the workers extract (on a busy machine their start can take seconds)
    while line and not line.startswith("nhr build: extracting 2 PDFs"):
        line = p.stderr.readline()
    assert line, "the build ended before it extracted"
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    t = time.monotonic()
    stdout, stderr = p.communicate(timeout=30)
    stopped = time.monotonic() - t
    assert p.returncode == 130 and stopped < 2.5, (p.returncode, stopped, stderr)
    errors = [ln for ln in stderr.splitlines() if ln.startswith("nhr: error")]
    assert errors == [f"nhr: error: interrupted (Ctrl-C); {out}/ keeps the tables of the last complete build"]
    assert "Traceback" not in stderr and "Aborted" not in stderr and stdout == ""
    assert _tables(out) == before
    assert not list(out.glob(".*.staged"))


def test_build_summary_names_new_editions_and_the_next_command(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(pdf_of("2022-10"), raw)
    out = tmp_path / "out"
    args = ["--raw", raw, "--out", out, "--engine", "pdfium", "--jobs", "1"]
    code, text = run("build", *args)
    assert code == 0 and "  2022-10: 3 new anomalies (0 carried over), 0 findings, 0 late reports" in text
    assert "  next: nhr audit" in text
    shutil.copy(pdf_of("2023-04"), raw)
    code, text = run("build", *args, "--format", "json")
    summary = json.loads(text)
    assert code == 0 and [e["edition"] for e in summary["changed_editions"]] == ["2023-04"]
    news = summary["changed_editions"][0]
    import pyarrow.parquet as pq

    printed = pq.read_table(out / "anomalies.parquet").column("edition").to_pylist().count("2023-04")
    assert news["previous"] == "2022-10" and news["new_anomalies"] + news["carried_anomalies"] == printed
    assert summary["next"] == "nhr report 2022-10 2023-04 -o report.html"
    code, text = run("build", *args)
    assert code == 0 and "is up to date" in text and "next: nhr audit previous latest" in text


def test_build_progress_as_plain_lines_when_piped(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(pdf_of("2022-10"), raw)
    r = subprocess.run(
        [*NHR, "build", "--raw", str(raw), "--out", str(tmp_path / "out"), "--engine", "pdfium", "--jobs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [ln for ln in r.stderr.splitlines() if " still " not in ln]  # a line every few seconds in between
    assert r.returncode == 0 and "\r" not in r.stderr and "\033" not in r.stderr
    assert lines[:2] == [f"nhr build: 1 PDFs in {raw}/, 1 worker, engine pdfium", "nhr build: extracting 1 PDF"]
    assert lines[2].startswith("nhr build: extracted 1/1 (63 pages, ")  # each page counted as a worker reads it
    assert r.stdout.startswith("built 1 editions")


def test_build_json_on_stdout_also_when_it_fails(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really")
    r = subprocess.run(
        [*NHR, "build", "--raw", str(raw), "--out", str(tmp_path / "out"), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    answer = json.loads(r.stdout)
    assert r.returncode == 3 and answer["ok"] is False and answer["exit_code"] == 3 and "broken.pdf" in answer["error"]
    assert r.stderr.strip().splitlines() == [f"nhr: error: {answer['error']}"]


def test_history_how_it_left_and_by_title(built):
    out = built[1]
    code, text = run("history", "2024-04:1.1.1.1", "--parsed", out)
    assert code == 0 and "how it left:\n  2024-10 Archiv p.76: completed 'Klima-Allianz'" in text
    assert "committee papers:" not in text  # no empty heading: Klima-Allianz has no papers
    code, text = run("history", "Insektenschutz", "--parsed", out)
    assert code == 0 and text.startswith("project insektenschutz\n")
    code, text = run("history", "insektnschutz", "--parsed", out)  # a typo still finds it
    assert code == 0 and text.startswith("project insektenschutz\n")
    code, text = run("history", "Klimafolgen", "--parsed", out)
    assert (
        code == 2 and "Schutz vor Klimafolgen für Regionen" in text and "Schutz vor Klimafolgen für Unternehmen" in text
    )
    assert len(text.strip().splitlines()) == 1
    h = json.loads(run("history", "klima-allianz", "--parsed", out, "--format", "json")[1])
    assert [(a["edition"], a["page"]) for a in h["left"]] == [("2024-10", 76)]


def test_shell_completion_works_as_documented():
    """The README's `eval "$(_NHR_COMPLETE=bash_source nhr)"` prints a bash completion function."""
    script = Path(sys.executable).parent / "nhr"
    if not script.exists():
        pytest.skip("no nhr script next to this interpreter")
    r = subprocess.run([str(script)], env=dict(os.environ, _NHR_COMPLETE="bash_source"), capture_output=True, text=True)
    assert r.returncode == 0 and "_nhr_completion" in r.stdout and "complete " in r.stdout
