"""Where the YAML configuration lives: $NHR_CONFIG, else ./config, else the repository's config/."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import yaml


def config_dir() -> Path:
    env = os.environ.get("NHR_CONFIG")
    if env:
        return Path(env)
    here = Path("config")
    if (here / "dates.yaml").exists():
        return here
    return Path(__file__).resolve().parent.parent / "config"


def load(name: str) -> dict:
    """One YAML file of the configuration directory, parsed once per path."""
    return _load(config_dir() / name)


@lru_cache(maxsize=None)
def _load(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def config_hash() -> str:
    """Hash of the configuration that shapes the records; nhr.yaml (command-line defaults) does not."""
    h = hashlib.sha256()
    for p in sorted(q for q in config_dir().glob("*.yaml") if q.name != "nhr.yaml"):
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()[:16]
