"""config.SAFE_LOADER (libyaml's parser when PyYAML has it) reads every shipped configuration file exactly as
PyYAML's own safe loader does, and a broken file still fails as a YAMLError (one line, exit 2)."""

from pathlib import Path

import pytest
import yaml

from pipeline import config

CONFIG = Path(__file__).resolve().parents[2] / "config"


@pytest.mark.parametrize("path", sorted(CONFIG.glob("*.yaml")), ids=lambda p: p.name)
def test_each_shipped_file_reads_as_pure_python_pyyaml_reads_it(path):
    text = path.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=config.SAFE_LOADER) == yaml.load(text, Loader=yaml.SafeLoader)


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: 1\n b: 2\n", "a: *nowhere\n", "\t- x\n"])
def test_a_broken_document_is_a_yaml_error_for_both(text):
    for loader in (config.SAFE_LOADER, yaml.SafeLoader):
        with pytest.raises(yaml.YAMLError):
            yaml.load(text, Loader=loader)


def test_the_fast_parser_is_used_where_pyyaml_has_it():
    assert config.SAFE_LOADER is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)
