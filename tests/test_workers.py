"""Issue 21: workers import exactly the parent's code (never a `pipeline/` where the user stands), what the
PDF libraries print in a worker never reaches the terminal (kept for -v), and a bug in a worker is exit 1
with its traceback under -v."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, pdf_of, without_progress
from test_inputs import foreign_pdf

NHR = Path(sys.executable).parent / "nhr"  # the console script of this venv, as a user runs it
PLANTED = ("pipeline", "multiprocessing", "pypdfium2", "json")  # packages a shared folder could hold


def nhr(*args, cwd=None, env=None):
    r = subprocess.run(
        [NHR, *map(str, args)], capture_output=True, text=True, cwd=cwd, env={**os.environ, **(env or {})}
    )
    return r.returncode, r.stdout, without_progress(r.stderr)  # progress lines are not errors


def plant(where: Path, marker: Path) -> None:
    """Packages under names nhr imports, each writing `marker` when imported."""
    for name in PLANTED:
        (where / name).mkdir(parents=True)
        (where / name / "__init__.py").write_text(
            f"open({str(marker)!r}, 'a').write({name!r} + '\\n')\n", encoding="utf-8"
        )


def self_drawing(src: Path, dst: Path) -> Path:
    """`src` with a form XObject on its first page that draws itself (pdfminer logs that it refuses)."""
    with pikepdf.open(src) as pdf:
        page = pdf.pages[0]
        xo = pikepdf.Stream(pdf, b"q /X0 Do Q")
        xo["/Type"], xo["/Subtype"], xo["/BBox"] = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 100, 100]
        xo["/Resources"] = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X0=xo))
        res = page.obj.Resources
        if "/XObject" not in res:
            res["/XObject"] = pikepdf.Dictionary()
        res.XObject["/X0"] = xo
        page.contents_add(pikepdf.Stream(pdf, b"\nq /X0 Do Q\n"))
        pdf.save(dst)
    return dst


def test_a_planted_pipeline_in_the_working_directory_is_never_imported(tmp_path):
    """`nhr build` in a folder holding `pipeline/` (and `multiprocessing/`, `json/`, `pypdfium2/`) runs the
    installed code in every process: the planted packages never run and the build works."""
    here, marker = tmp_path / "shared", tmp_path / "MARKER"
    plant(here, marker)
    raw = here / "raw"
    raw.mkdir()
    for e in ("2022-10", "2023-04"):
        shutil.copy(pdf_of(e), raw)
    for jobs in ("1", "2"):
        code, _, err = nhr("build", "--raw", "raw", "--out", f"out{jobs}", "--engine", "pdfium", "-j", jobs, cwd=here)
        assert code == 0 and err == "", err
        assert not marker.exists(), marker.read_text()
        assert (here / f"out{jobs}" / "projects.parquet").exists()
    code, out, err = nhr(
        "extract", raw / "nachhaltigkeitsreport-2022-10.pdf", "--format", "summary", "--engine", "pdfium", cwd=here
    )
    assert code == 0 and out.startswith("2022-10") and err == "" and not marker.exists()


def test_library_messages_stay_off_the_terminal(tmp_path):
    """pdfminer refuses a self-drawing XObject with a log line: the edition is read (exit 0), stderr empty."""
    bad = self_drawing(pdf_of("2022-10"), tmp_path / "selbst.pdf")
    code, out, err = nhr("extract", bad, "--format", "summary")
    assert code == 0 and out.startswith("2022-10") and err == "", err


def test_a_hostile_file_with_library_messages_is_exactly_one_line(tmp_path):
    """A foreign PDF whose page draws itself: pdfminer speaks, nhr prints its one line (exit 6), in a build
    and in `nhr extract`; with -v what pdfminer said is shown too, naming the file."""
    foreign = tmp_path / "plain.pdf"
    foreign_pdf(foreign)
    raw = tmp_path / "raw"
    raw.mkdir()
    bad = self_drawing(foreign, raw / "rechnung.pdf")
    for args in (["extract", bad], ["build", "--raw", raw, "--out", tmp_path / "out", "--jobs", "1"]):
        code, _, err = nhr(*args)
        lines = err.splitlines()
        assert code == 6 and len(lines) == 1 and lines[0].startswith(f"nhr: error: {bad}: "), err
    code, _, err = nhr("-v", "extract", bad)
    assert code == 6 and f"{bad}: pdfminer" in err and "circular reference" in err, err


@pytest.mark.parametrize("command", ["extract", "build"])
def test_a_bug_in_a_worker_is_exit_1_with_its_traceback_under_verbose(tmp_path, command):
    pdf = pdf_of("2022-10")
    args = ["extract", pdf] if command == "extract" else ["build", "--raw", pdf.parent, "--out", tmp_path / "o"]
    env = {"NHR_FAULT": "bug:extracting"}
    code, _, err = nhr(*args, "--engine", "pdfium", env=env)
    assert code == 1 and len(err.splitlines()) == 1 and "internal error" in err and "damaged" not in err, err
    assert "NHR_FAULT=bug:extracting" in err and "-v" in err
    code, _, err = nhr("-v", *args, "--engine", "pdfium", env=env)
    assert code == 1 and "RemoteTraceback" in err and 'in _extract_in_worker\n    fault("extracting")' in err, err


# a forkserver booted (and preloading the stages) under one $NHR_CONFIG, then jobs of two other configurations
FORKSERVER_CONFIGS = """
import os, sys
from pipeline.config import Limits
from pipeline.store.build import Job, _run_pool
from pipeline.store.workers import origin, start

broken, pdf, *confs = sys.argv[1:]
os.environ["NHR_CONFIG"] = broken
start("pdfium")
for conf in confs:
    os.environ["NHR_CONFIG"] = conf  # the parent's configuration now; the forkserver's environment keeps `broken`
    (o,) = _run_pool([Job(pdf, "x.pdf", "pdfium", 1, Limits(), conf, origin())], 1, Limits(), False, None)
    print(o.error.message if o.error else sorted({p.status for *_, p in o.edition.projects()}))
"""


def test_workers_read_the_builds_configuration_not_the_forkservers(tmp_path):
    """The forkserver preloads the stages while $NHR_CONFIG names a broken directory: nothing is read at
    import, so it boots, and each job is extracted under its build's configuration (a renamed status)."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "report.yaml").write_text("numbering: [\n", encoding="utf-8")
    renamed = tmp_path / "renamed"
    shutil.copytree(ROOT / "config", renamed)
    for name in ("report.yaml", "rules.yaml"):
        text = (renamed / name).read_text(encoding="utf-8")
        (renamed / name).write_text(
            text.replace("name: Ideenspeicher", "name: Ideen").replace(
                "in Planung, Ideenspeicher]", "in Planung, Ideen]"
            ),
            encoding="utf-8",
        )
    env = {k: v for k, v in os.environ.items() if k != "NHR_CONFIG"}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            FORKSERVER_CONFIGS,
            str(broken),
            str(pdf_of("2025-04")),
            str(ROOT / "config"),
            str(renamed),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    shipped, changed = out.stdout.splitlines()
    assert "'Ideenspeicher'" in shipped and "'Ideen'" not in shipped, shipped
    assert "'Ideen'" in changed and "'Ideenspeicher'" not in changed, changed
