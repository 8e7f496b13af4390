"""The README, as someone with only the README would use it: short enough to read in one sitting, no path a
clone lacks, and every command in it run here (the install and test lines are what .ci/run runs)."""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import RAW, ROOT

from pipeline.surfaces.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAX_BYTES = 15 * 1024


def commands() -> list[str]:
    """Every command line of the README's sh blocks, `&&` chains split, comments dropped."""
    out = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.splitlines():
            line = line.split("  # ")[0].strip()
            out += [part.strip() for part in line.split(" && ") if part.strip()]
    return out


def expected_exit(line: str) -> int:
    """The exit code the README announces in the command's comment ("# exits 10"), else 0."""
    full = next(ln for ln in README.splitlines() if line in ln)
    m = re.search(r"# exits (\d+)", full)
    return int(m.group(1)) if m else 0


def test_readme_is_short_and_names_no_path_a_clone_lacks():
    assert len(README.encode("utf-8")) < MAX_BYTES
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    known = set(tracked) | {p.rstrip("/") for p in ("parsed/", "raw_pdfs/", "docs/", "config/", "notebooks/")}
    known |= {str(Path(f).parent) for f in tracked}
    made = {"report.html", "notebooks/analyst-run.ipynb", ".venv/bin/activate"}  # written by a command above
    for path in re.findall(r"\(([\w./-]+\.md)\)|`([\w./-]+/[\w./-]*)`", README):
        p = next(x for x in path if x).rstrip("/")
        if p.startswith((".venv/", "tests/data/gold")) or p in made:
            continue
        assert p in known or (ROOT / p).exists(), f"README names {p}, which a clone does not have"
    assert "../" not in README and "corpus/SCHEMA.md" not in README


def test_readme_opens_with_the_two_commands_ci_runs():
    first = commands()[:5]
    assert first[:3] == ["python3 -m venv .venv", ".venv/bin/pip install -e .", ".venv/bin/nhr build"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert first[4] == '.venv/bin/python -m pytest -q -m "slow or not slow"' and first[4] in ci
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    for line in commands():
        for extra in re.findall(r"\.\[([\w,]+)\]", line):
            assert set(extra.split(",")) <= set(extras), line


@pytest.fixture
def clone(built, tmp_path, monkeypatch):
    """A working directory as after the README's first line: raw_pdfs/ and a built parsed/."""
    shutil.copytree(built[1], tmp_path / "parsed")
    (tmp_path / "raw_pdfs").symlink_to(RAW)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_nhr_command_in_the_readme_runs(clone):
    nhr = [c for c in commands() if c.startswith(("nhr ", ".venv/bin/nhr "))]
    assert len(nhr) >= 12
    for line in nhr:
        args = shlex.split(line)[1:]
        r = CliRunner().invoke(main, args)
        assert r.exit_code == expected_exit(line), (line, r.output[-500:])
        assert "internal error" not in r.output, line
    assert (clone / "report.html").stat().st_size > 100_000


def test_the_readme_notebook_command_runs(built, tmp_path):
    """`jupyter execute notebooks/analyst.ipynb --output analyst-run.ipynb` writes the copy with plots."""
    line = next(c for c in commands() if "jupyter execute" in c)
    jupyter = Path(sys.executable).parent / "jupyter"
    if not jupyter.exists():
        pytest.skip("jupyter is not installed (pip install -e '.[notebooks]')")
    work = tmp_path / "clone"
    (work / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "analyst.ipynb", work / "notebooks")
    args = [str(jupyter)] + shlex.split(line)[1:]
    env = dict(os.environ, NHR_PARSED=str(built[1]))
    r = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    import nbformat

    nb = nbformat.read(work / "notebooks" / "analyst-run.ipynb", as_version=4)
    assert sum(1 for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})) == 4


def test_the_readme_completion_line_is_what_click_serves():
    line = next(c for c in commands() if "_NHR_COMPLETE" in c)
    assert line == 'eval "$(_NHR_COMPLETE=bash_source nhr)"'  # run by test_cli_one's completion test


def test_every_readme_command_is_run_somewhere():
    """Each line is an nhr command (run above), the notebook line (run above), completion (test_cli_one),
    or the venv, install, activate and test lines that .ci/run runs."""
    setup = (
        "python3 -m venv .venv",
        ".venv/bin/pip install -e .",
        ".venv/bin/pip install -e '.[test,dev]'",
        ".venv/bin/pip install -e '.[notebooks]'",
        '.venv/bin/python -m pytest -q -m "slow or not slow"',
        ". .venv/bin/activate",
    )
    for line in commands():
        assert line.startswith(("nhr ", ".venv/bin/nhr ", ".venv/bin/jupyter execute", "eval ")) or line in setup, line
