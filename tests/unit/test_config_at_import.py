"""No configuration is read at import: every `pipeline` module imports with `$NHR_CONFIG` naming a broken
directory (a forkserver that preloads the stages keeps no configuration of its own), and the configuration
in force when a stage runs is the one it reads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import ConfigError, config_dir, profile
from pipeline.parse.dates import parse_date

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts[: -1 if p.name == "__init__.py" else None])
    for p in (ROOT / "pipeline").rglob("*.py")
)
IMPORT_ALL = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(len(sys.argv) - 1)
"""


@pytest.mark.parametrize("broken", ["report.yaml", "missing"])
def test_every_module_imports_under_a_broken_configuration(tmp_path, broken):
    conf = tmp_path / "config"
    if broken == "report.yaml":  # a directory whose profile does not parse, the other files absent
        conf.mkdir()
        (conf / "report.yaml").write_text("numbering: [\n", encoding="utf-8")
    env = {**os.environ, "NHR_CONFIG": str(conf)}
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, *MODULES], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.strip() == str(len(MODULES)), out.stderr[-2000:]
    assert len(MODULES) > 40 and "pipeline.extract.segment" in MODULES and "pipeline.parse.dates" in MODULES


def test_a_changed_configuration_is_read_by_the_next_call(tmp_path, monkeypatch):
    """Profile and date words follow $NHR_CONFIG from one call to the next (cached per directory, not per process)."""
    conf = tmp_path / "config"
    shutil.copytree(config_dir(), conf)
    lang = (conf / "lang-de.yaml").read_text(encoding="utf-8")
    assert "ongoing: [" in lang
    (conf / "lang-de.yaml").write_text(lang.replace("ongoing: [", "ongoing: [immerzu, "), encoding="utf-8")
    (conf / "report.yaml").write_text("numbering: {}\n", encoding="utf-8")
    assert parse_date("immerzu").qualifier == "none"
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    assert parse_date("immerzu").qualifier == "ongoing"
    with pytest.raises(ConfigError, match="report.yaml: missing key"):
        profile()
    monkeypatch.delenv("NHR_CONFIG")
    assert parse_date("immerzu").qualifier == "none" and profile().status("completed") == "umgesetzt"
