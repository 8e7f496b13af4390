"""The `nhr` command's entry (pipeline/surfaces/launch.py): a fresh build's workers started before the command line
is imported, and the process ended without the interpreter's teardown, its output and exit status intact."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.surfaces.launch import build_target

ROOT = Path(__file__).resolve().parent.parent
NHR = Path(sys.executable).parent / "nhr"  # the console script of this venv, as a user runs it
needs_script = pytest.mark.skipif(not NHR.exists(), reason="no nhr script next to this interpreter")


@pytest.mark.parametrize(
    "argv, target",
    [
        (["build"], ("raw_pdfs", "parsed", None)),
        (["-v", "build", "--out", "o", "--engine", "pdfium"], ("raw_pdfs", "o", "pdfium")),
        (["build", "--out=o", "--engine=pdfplumber", "-j", "2", "--raw=r"], ("r", "o", "pdfplumber")),
        (["build", "--out", "a", "--out", "b"], ("raw_pdfs", "b", None)),  # the last one counts, as in click
        (["build", "--raw", "r", "--json"], ("r", "parsed", None)),
        (["build", "--help"], None),
        (["build", "-h"], None),
        (["build", "--out"], None),  # click refuses it: nothing to start
        (["sql", "SELECT 1"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_a_build_is_recognised_from_its_arguments(argv, target):
    assert build_target(argv) == target


def children_of(code: str, cwd: Path) -> list[str]:
    """The command lines of the processes a fresh interpreter has started after running `code`."""
    probe = (  # a child forked but not yet exec'd shows this command line, one exec'ing none: wait (5 s at most)
        "import glob, os, time\n"
        f"{code}\n"
        "for _ in range(50):\n"
        "    kids = [c for t in glob.glob('/proc/self/task/*/children') for c in open(t).read().split()]\n"
        "    lines = [open(f'/proc/{k}/cmdline').read().replace(chr(0), ' ') for k in kids]\n"
        "    if all(line and 'import glob' not in line for line in lines):\n"
        "        break\n"
        "    time.sleep(0.1)\n"
        "print('\\n'.join(lines), end='')\n"
    )
    return run_probe(probe, cwd).splitlines()


def run_probe(code: str, cwd: Path, timeout: int = 120) -> str:
    """What a fresh interpreter running `code` in `cwd` prints (it must succeed)."""
    r = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def test_a_fresh_build_starts_its_forkserver_first_and_a_built_folder_does_not(tmp_path):
    start = "from pipeline.surfaces.launch import prestart; prestart(['build', '--out', 'out', '--engine', 'pdfium'])"
    (tmp_path / "raw_pdfs").mkdir()
    assert any("forkserver" in c for c in children_of(start, tmp_path))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "manifest.json").write_text("{}")  # something built: the build may extract nothing
    assert children_of(start, tmp_path) == []
    assert children_of(start.replace("'build'", "'sql'"), tmp_path) == []
    (tmp_path / "out" / "manifest.json").unlink()
    (tmp_path / "raw_pdfs").rmdir()  # no PDFs' folder: the build will fail at once, nothing to start
    assert children_of(start, tmp_path) == []


@pytest.mark.parametrize("engine", ["[unclosed", "[pdfium]", "{}"])
def test_a_broken_configuration_starts_nothing_and_the_command_says_why(tmp_path, engine):
    """No early start on a configuration that cannot be read or names no engine; the build then fails with its
    one line, exit 2, as it did before the early start (never a traceback from the glance)."""
    conf = tmp_path / "conf"
    shutil.copytree(ROOT / "config", conf)
    (conf / "nhr.yaml").write_text(f"engine: {engine}\n")
    (tmp_path / "raw_pdfs").mkdir()
    env = {"NHR_CONFIG": str(conf)}
    probe = f"import os; os.environ.update({env!r})\nfrom pipeline.surfaces.launch import prestart; prestart(['build'])"
    assert children_of(probe, tmp_path) == []
    if NHR.exists():
        r = subprocess.run([str(NHR), "build"], cwd=tmp_path, env={**_env(), **env}, capture_output=True, text=True)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "nhr.yaml" in r.stderr and "Traceback" not in r.stderr


@needs_script
def test_closed_standard_streams_end_the_command_as_before(tmp_path):
    """A cron job or daemon that closed stdout or stderr: the command still ends with its own status."""
    for fd in (1, 2):
        r = subprocess.run([str(NHR), "--version"], preexec_fn=lambda fd=fd: os.close(fd), capture_output=False)
        assert r.returncode == 0, fd


def _env() -> dict:
    return dict(os.environ)


@needs_script
def test_output_and_exit_status_survive_the_quick_exit(pdfium_build):
    """All of a long output reaches a pipe, and the command's exit status is the process's."""
    out = str(pdfium_build[1])
    r = subprocess.run(
        [str(NHR), "sql", "SELECT * FROM steps", "--parsed", out, "--format", "csv"], capture_output=True
    )
    rows = r.stdout.decode().splitlines()
    assert r.returncode == 0 and r.stderr == b""
    count = subprocess.run(
        [str(NHR), "sql", "SELECT count(*) AS n FROM steps", "--parsed", out, "--format", "csv"],
        capture_output=True,
        text=True,
    )
    assert len(rows) - 1 == int(count.stdout.splitlines()[1]) > 500
    bad = subprocess.run([str(NHR), "sql", "SELEC nonsense", "--parsed", out], capture_output=True, text=True)
    assert bad.returncode not in (0, 1) and len(bad.stderr.strip().splitlines()) == 1


@needs_script
def test_a_reader_that_goes_away_ends_the_command_quietly(pdfium_build):
    """`nhr sql … | head -1` through the console script: exit 0 or 141, nothing on stderr."""
    p = subprocess.Popen(
        [str(NHR), "sql", "SELECT * FROM steps", "--parsed", str(pdfium_build[1])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.readline()
    p.stdout.close()  # the output (~250 KB) is far more than a pipe holds: the command meets the closed pipe
    err = p.stderr.read().decode()
    assert p.wait(60) == 141 and err == ""


@needs_script
def test_a_build_ends_its_forkserver_with_it(tmp_path):
    """The forkserver a build started ends with the command (killed once the workers are done), instead of
    tearing its interpreter down afterwards with the command's stdout and stderr still open; nothing else of the
    build outlives it but what ends by itself."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "raw_pdfs" / "nachhaltigkeitsreport-2022-10.pdf", raw)
    build = [str(NHR), "build", "--raw", str(raw), "--out", str(tmp_path / "out"), "-q", "--engine", "pdfium"]
    probe = (  # a subreaper: what the build leaves behind becomes its child, and its end is seen here
        "import ctypes, json, os, subprocess, sys\n"
        "ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)\n"
        f"r = subprocess.run({build!r}, stderr=subprocess.PIPE, text=True)\n"
        "ends = []\n"
        "while True:\n"
        "    try:\n"
        "        pid, status = os.waitpid(-1, 0)\n"
        "    except ChildProcessError:\n"
        "        break\n"
        "    ends.append(-os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))\n"
        "print(json.dumps([r.returncode, sorted(ends), r.stderr]))\n"
    )
    code, ends, said = json.loads(run_probe(probe, tmp_path, 300))
    # the forkserver killed; the resource tracker and the worker (the forkserver's child) ended by themselves
    assert code == 0 and ends.count(-9) == 1 and set(ends) == {-9, 0}
    assert said == ""  # and none of them complained (a resource tracker would, of leaked resources)
