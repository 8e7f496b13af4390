"""The YAML configuration: where it lives, validated once at start-up, and the limits it sets.

Lookup: `$NHR_CONFIG` (a directory), else `./config` when it holds `dates.yaml`, else the repository's
`config/` (an editable install), else the copy shipped inside the package (`pipeline/defaults/`)."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

import yaml

from .errors import ConfigError

ENGINES = ("pdfplumber", "pdfium")
REQUIRED = ("dates.yaml", "overrides.yaml")  # nhr.yaml is optional (command-line defaults)


@dataclass(frozen=True)
class Limits:
    """Resource bounds for one PDF (README "Limits"); generous for a 100-page report."""

    pages_per_file: int = 2000
    glyphs_per_page: int = 200_000
    memory_mb: int = 2048  # address space of each extraction worker (RLIMIT_AS): bounds inflated streams
    seconds_per_file: int = 600
    bytes_per_file: int = 512 * 1024 * 1024


def _packaged() -> Path:
    return Path(__file__).resolve().parent / "defaults"


def _repository() -> Path | None:
    root = Path(__file__).resolve().parent.parent
    return (
        root / "config" if (root / "pyproject.toml").is_file() and (root / "config" / "dates.yaml").is_file() else None
    )


def config_dir() -> Path:
    env = os.environ.get("NHR_CONFIG")
    if env:
        return Path(env)
    here = Path("config")
    if (here / "dates.yaml").is_file():
        return here
    return _repository() or _packaged()


def load(name: str) -> dict:
    """One YAML file of the configuration directory, parsed once per path."""
    return _load(config_dir() / name)


@cache
def _load(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must be a mapping of keys to values, not {type(data).__name__}")
    return data


def config_hash() -> str:
    """Hash of the configuration that shapes the records; nhr.yaml (command-line defaults) does not."""
    h = hashlib.sha256()
    for p in sorted(q for q in config_dir().glob("*.yaml") if q.name != "nhr.yaml"):
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()[:16]


def _read(path: Path) -> dict:
    """Parse one file for validation: every failure becomes a one-line ConfigError naming it."""
    try:
        return _load(path)
    except ConfigError:
        raise
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror or type(e).__name__})") from e
    except (yaml.YAMLError, ValueError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ConfigError(f"{path}: cannot read: {first}") from e


MMDD = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
DATE_SECTIONS = {
    "seasons": ("Frühjahr", "Sommer", "Herbst", "Winter"),
    "halves": (1, 2),
    "quarters": (1, 2, 3, 4),
    "year_parts": ("Anfang", "Mitte", "Ende"),
    "month_parts": ("Anfang", "Mitte", "Ende"),
}


def _check_dates(path: Path, cfg: dict) -> None:
    """Every period word has a start and an end (MM-DD, or a day of the month for month_parts)."""
    for section, keys in DATE_SECTIONS.items():
        sub = cfg.get(section)
        if not isinstance(sub, dict):
            raise ConfigError(f"{path}: '{section}' must be a mapping")
        for k in keys:
            span = sub.get(k)
            if not isinstance(span, dict) or "start" not in span or "end" not in span:
                raise ConfigError(f"{path}: {section}.{k} needs a start and an end")
            for end in ("start", "end"):
                v = span[end]
                ok = (isinstance(v, int) and 1 <= v <= 31) if section == "month_parts" else bool(MMDD.match(str(v)))
                if not ok:
                    raise ConfigError(f"{path}: {section}.{k}.{end} is not a valid value: {v!r}")


def _check_overrides(path: Path, cfg: dict) -> None:
    for key in ("force", "forbid"):
        for d in cfg.get(key) or []:
            if not (isinstance(d, dict) and all(isinstance(d.get(s), str) and ":" in d[s] for s in ("from", "to"))):
                raise ConfigError(f"{path}: each '{key}' entry needs from/to as EDITION:NUMBER, not {d!r}")


def _check_nhr(path: Path, cfg: dict) -> None:
    if cfg.get("engine", "pdfplumber") not in ENGINES:
        raise ConfigError(f"{path}: engine must be one of {', '.join(ENGINES)}, not {cfg.get('engine')!r}")
    limits_from(path, cfg)


def limits_from(path: Path, cfg: dict) -> Limits:
    """The `limits:` mapping of nhr.yaml over the defaults; unknown keys and non-positive values refused."""
    given = cfg.get("limits") or {}
    if not isinstance(given, dict):
        raise ConfigError(f"{path}: 'limits' must be a mapping")
    known = {f.name for f in fields(Limits)}
    for k, v in given.items():
        if k not in known:
            raise ConfigError(f"{path}: unknown limit {k!r} (known: {', '.join(sorted(known))})")
        if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
            raise ConfigError(f"{path}: limits.{k} must be a positive whole number, not {v!r}")
    return Limits(**given)


def validate() -> Path:
    """Check the whole configuration once, before any PDF is opened; raises ConfigError (one line)."""
    d = config_dir()
    if not d.is_dir():
        src = "$NHR_CONFIG" if os.environ.get("NHR_CONFIG") else "configuration directory"
        raise ConfigError(f"{d}: {src} is not a directory")
    for name in REQUIRED:
        if not (d / name).is_file():
            raise ConfigError(f"{d / name}: missing configuration file")
    _check_dates(d / "dates.yaml", _read(d / "dates.yaml"))
    _check_overrides(d / "overrides.yaml", _read(d / "overrides.yaml"))
    if (d / "nhr.yaml").exists():
        _check_nhr(d / "nhr.yaml", _read(d / "nhr.yaml"))
    return d


def nhr_settings() -> dict:
    """nhr.yaml as a mapping ({} when absent); call validate() first."""
    p = config_dir() / "nhr.yaml"
    return _read(p) if p.exists() else {}


def limits() -> Limits:
    return limits_from(config_dir() / "nhr.yaml", nhr_settings())
