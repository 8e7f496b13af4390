"""Which configuration directory is used, and why: the lookup order `nhr build` reports."""

import shutil

from pipeline.config import config_dir, config_source


def test_lookup_order_env_then_cwd_then_repository(monkeypatch, tmp_path):
    repo = config_source()
    monkeypatch.delenv("NHR_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert config_source().origin in ("the repository's config/", "shipped with nhr")
    shutil.copytree(config_dir(), tmp_path / "config")
    assert config_source().origin == "./config" and config_dir().resolve() == (tmp_path / "config").resolve()
    monkeypatch.setenv("NHR_CONFIG", str(tmp_path / "elsewhere"))
    assert config_source() == (tmp_path / "elsewhere", "$NHR_CONFIG")
    assert repo.path.is_dir()


def test_the_build_summary_names_the_configuration(monkeypatch, tmp_path):
    """`nhr build` says which configuration it used (here: $NHR_CONFIG), in its table and its JSON."""
    import json

    from click.testing import CliRunner

    from pipeline.store import build
    from pipeline.surfaces.cli import main

    conf = tmp_path / "conf"
    shutil.copytree(config_dir(), conf)
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.pdf").write_bytes(b"%PDF-1.4")
    monkeypatch.setattr(build, "build", lambda *a, **k: build.BuildResult(counts={}, editions_ids=["2025-04"]))
    table = CliRunner().invoke(main, ["build", "--raw", str(raw), "--out", str(out)])
    assert table.exit_code == 0 and f"configuration: {conf.resolve()} ($NHR_CONFIG)" in table.stdout
    js = CliRunner().invoke(main, ["build", "--raw", str(raw), "--out", str(out), "--json"])
    assert json.loads(js.stdout)["config"] == {"path": str(conf.resolve()), "origin": "$NHR_CONFIG"}
