"""The YAML configuration: where it lives, validated once at start-up, and the limits it sets.

Lookup: `$NHR_CONFIG` (a directory), else `./config` when it holds `report.yaml`, else the repository's
`config/` (an editable install), else the copy shipped inside the package (`pipeline/defaults/`).

Nothing is read at import: a stage asks `profile()`, `language()` or `rule_words()` when it runs, and gets the
configuration in force then, validated and compiled once per directory (a changed `$NHR_CONFIG` is honoured).
What a stage builds from it (patterns) is cached per configuration object: `@cache` on a function of the
Profile, Language or DateWords, which are equal and hashed by identity."""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import regex
import yaml

from .errors import ConfigError

ENGINES = ("pdfplumber", "pdfium")
DEFAULT_ENGINE = "pdfplumber"  # when neither --engine nor nhr.yaml names one
# libyaml's parser where PyYAML was built with it (the same documents, ~20x faster: every process parses the
# configuration once, workers included); PyYAML's own otherwise
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REQUIRED = (
    "overrides.yaml",
    "report.yaml",
    "lang-de.yaml",
    "rules.yaml",
)  # nhr.yaml is optional (command-line defaults)
MARKER = "report.yaml"  # a directory holding this file is a configuration directory
# files of earlier versions, now sections of another file: a directory still holding one is refused
FOLDED = {"dates.yaml": "lang-de.yaml (section 'dates')", "tables.yaml": "report.yaml (section 'tables')"}


@dataclass(frozen=True)
class Limits:
    """Resource bounds for one PDF (docs/reference.md "Limits"); generous for a 100-page report."""

    pages_per_file: int = 2000
    glyphs_per_page: int = 200_000
    memory_mb: int = 2048  # address space of each extraction worker (RLIMIT_AS): bounds inflated streams
    seconds_per_file: int = 600
    bytes_per_file: int = 512 * 1024 * 1024


@cache
def _packaged() -> Path:
    return Path(__file__).resolve().parent / "defaults"


@cache
def _repository() -> Path | None:
    """The repository's config/ when this package runs from a source tree (an editable install), once."""
    root = Path(__file__).resolve().parent.parent
    return root / "config" if (root / "pyproject.toml").is_file() and (root / "config" / MARKER).is_file() else None


class ConfigSource(NamedTuple):
    """The configuration directory in use and why it was chosen (what `nhr build` reports)."""

    path: Path
    origin: str  # "$NHR_CONFIG", "./config", "the repository's config/" or "shipped with nhr"


def config_source() -> ConfigSource:
    """The configuration directory by the lookup order of this module's docstring, with its origin."""
    env = os.environ.get("NHR_CONFIG")
    if env:
        return _source(env, "$NHR_CONFIG")
    if os.path.isfile(os.path.join("config", MARKER)):  # one stat: the stages ask tens of thousands of times
        return _source("config", "./config")
    repo = _repository()
    return ConfigSource(repo, "the repository's config/") if repo else ConfigSource(_packaged(), "shipped with nhr")


@cache
def _source(path: str, origin: str) -> ConfigSource:
    return ConfigSource(Path(path), origin)


def config_dir() -> Path:
    """The configuration directory in use."""
    return config_source().path


def load(name: str) -> dict:
    """One YAML file of the configuration directory, parsed once per path."""
    return _load(config_dir() / name)


@cache
def _load(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        data = yaml.load(f, Loader=SAFE_LOADER)
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


# the word keys of the `dates` section, read into DateWords (a list, or a mapping of words to a value)
AS_WRITTEN = ("range_words", "list_words")  # matched as written (case matters); all other date words: without case
DATE_WORD_LISTS = ("ongoing", "recurring", "quarter_words", "half_words", "week_words", "range_words", "list_words")
DATE_WORDS = ("months", "month_variants", "season_variants", "qualifiers", *DATE_WORD_LISTS)
SPAN_KEYS = ("start", "end", "next_year_end")  # next_year_end: the period ends in the following year (Winter)


def _check_dates(path: Path, cfg: dict) -> None:
    """The `dates` section of lang-de.yaml: exactly the known period words, each with a start and an end
    (MM-DD, or a day of the month for month_parts)."""
    _keys(path, "dates.", cfg, (*DATE_WORDS, *DATE_SECTIONS))
    for section, keys in DATE_SECTIONS.items():
        sub = cfg[section]
        if not isinstance(sub, dict):
            raise ConfigError(f"{path}: 'dates.{section}' must be a mapping")
        _keys(path, f"dates.{section}.", sub, keys)
        for k in keys:
            _check_span(path, f"dates.{section}.{k}", sub[k], day_of_month=section == "month_parts")


def _check_span(path: Path, key: str, span, day_of_month: bool) -> None:
    """One period's start and end: MM-DD, or a day of the month (1-31)."""
    if not isinstance(span, dict) or "start" not in span or "end" not in span:
        raise ConfigError(f"{path}: {key} needs a start and an end")
    for k in span:
        if k not in SPAN_KEYS:
            raise ConfigError(f"{path}: unknown key {key + '.' + str(k)!r} (known: {', '.join(SPAN_KEYS)})")
    for end in ("start", "end"):
        v = span[end]
        ok = (isinstance(v, int) and 1 <= v <= 31) if day_of_month else bool(MMDD.match(str(v)))
        if not ok:
            raise ConfigError(f"{path}: {key}.{end} is not a valid value: {v!r}")


def _check_overrides(path: Path, cfg: dict) -> None:
    """Each entry a from/to pair; a project forced onto two others, or a pair both forced and forbidden,
    would leave one override silently unused: refused."""
    for key in ("force", "forbid"):
        for d in cfg.get(key) or []:
            if not (isinstance(d, dict) and all(isinstance(d.get(s), str) and ":" in d[s] for s in ("from", "to"))):
                raise ConfigError(f"{path}: each '{key}' entry needs from/to as EDITION:NUMBER, not {d!r}")
    forced = [(d["from"], d["to"]) for d in cfg.get("force") or []]
    _check_forced_once(path, forced)
    both = set(forced) & {(d["from"], d["to"]) for d in cfg.get("forbid") or []}
    if both:
        raise ConfigError(f"{path}: {' -> '.join(sorted(both)[0])} is both forced and forbidden")


def _check_forced_once(path: Path, forced: list[tuple[str, str]]) -> None:
    """A project is forced onto at most one other, from either side."""
    for end, name in ((0, "from"), (1, "to")):
        seen = Counter(pair[end] for pair in forced)
        twice = sorted(k for k, n in seen.items() if n > 1)
        if twice:
            raise ConfigError(f"{path}: 'force' names {name} {twice[0]} in more than one entry")


def _check_nhr(path: Path, cfg: dict) -> None:
    if cfg.get("engine", DEFAULT_ENGINE) not in ENGINES:
        raise ConfigError(f"{path}: engine must be one of {', '.join(ENGINES)}, not {cfg.get('engine')!r}")
    idmap = cfg.get("identity_map")
    if idmap is not None and (not isinstance(idmap, str) or not idmap.strip()):
        raise ConfigError(f"{path}: identity_map must be a file path, not {idmap!r}")
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


def validate_config() -> Path:
    """Check the whole configuration directory once, before any PDF is opened; raises ConfigError (one line)."""
    d = config_dir()
    if not d.is_dir():
        src = "$NHR_CONFIG" if os.environ.get("NHR_CONFIG") else "configuration directory"
        raise ConfigError(f"{d}: {src} is not a directory")
    for name in REQUIRED:
        if not (d / name).is_file():
            raise ConfigError(f"{d / name}: missing configuration file")
    for name, target in FOLDED.items():
        if (d / name).exists():
            raise ConfigError(f"{d / name}: no longer read: its content belongs in {target}")
    _check_overrides(d / "overrides.yaml", _read(d / "overrides.yaml"))
    statuses = profile_from(d / "report.yaml", _read(d / "report.yaml")).statuses
    language_from(d / "lang-de.yaml", _read(d / "lang-de.yaml"))
    rules_from(d / "rules.yaml", _read(d / "rules.yaml"), tuple(st.name for st in statuses))
    if (d / "nhr.yaml").exists():
        _check_nhr(d / "nhr.yaml", _read(d / "nhr.yaml"))
    return d


# rules.yaml: the vocabulary of the audit rules (pipeline/extract/rules.py), each key with its type
RULES_TYPES: dict[str, type] = {
    "completed_window_months": int,
    "plan_words": list,
    "steps_labels": list,
    "status_move_words": list,
    "reason_words": list,
    "range_words": list,
    "reference_rx": str,
    "responsible_code_rx": str,
    "duplicate_text_min_chars": int,
    "diverging_copy_min_ratio": int,
    "quote_pairs": list,
    "symmetric_quotes": list,
}
RULES_RX = ("reference_rx", "responsible_code_rx")
RULES_MOVED = {"planned_header_rx": "report.yaml blocks.planned"}  # keys of earlier versions, now read elsewhere


def rules_from(path: Path, cfg: dict, statuses: tuple[str, ...]) -> dict:
    """Validate rules.yaml: exactly the known keys, each of its type; patterns compile; steps_labels name
    `statuses` (report.yaml's status names); quote_pairs are pairs. A problem is a one-line ConfigError."""
    _refuse_moved(path, cfg)
    _keys(path, "", cfg, tuple(RULES_TYPES))
    for key, typ in RULES_TYPES.items():
        if not isinstance(cfg[key], typ) or isinstance(cfg[key], bool):
            raise ConfigError(f"{path}: '{key}' must be a {typ.__name__}, not {cfg[key]!r}")
    for s in cfg["steps_labels"]:
        if not (
            isinstance(s, dict)
            and isinstance(s.get("rx"), str)
            and s["rx"]
            and isinstance(s.get("statuses"), list)
            and set(s["statuses"]) <= set(statuses)
        ):
            raise ConfigError(f"{path}: steps_labels entries need rx and statuses from {sorted(statuses)}, not {s!r}")
    for key in RULES_RX:
        _py_rx(path, key, cfg[key])
    for s in cfg["steps_labels"]:
        _py_rx(path, "steps_labels.rx", s["rx"])
    if not all(isinstance(p, list) and len(p) == 2 for p in cfg["quote_pairs"]):
        raise ConfigError(f"{path}: quote_pairs must be [open, close] pairs")
    return cfg


def _refuse_moved(path: Path, cfg: dict) -> None:
    """A key of an earlier rules.yaml whose wording now lives elsewhere: refused, naming where."""
    for key, target in RULES_MOVED.items():
        if key in cfg:
            raise ConfigError(f"{path}: '{key}' is no longer read: its wording belongs in {target}")


def rule_words() -> dict:
    """rules.yaml, the audit rules' vocabulary, validated (against the profile's statuses) once per directory."""
    return _rule_words(config_dir())


@cache
def _rule_words(d: Path) -> dict:
    return rules_from(d / "rules.yaml", _read(d / "rules.yaml"), _profile(d).status_names)


def _py_rx(path: Path, key: str, rx: str) -> None:
    """A pattern of rules.yaml (read by the `regex` module, as the rules do) that must compile."""
    try:
        regex.compile(rx)
    except regex.error as e:
        raise ConfigError(f"{path}: {key} is not a valid regular expression {rx!r}: {e}") from e


def nhr_settings() -> dict:
    """nhr.yaml as a mapping ({} when absent); call validate_config() first."""
    p = config_dir() / "nhr.yaml"
    return _read(p) if p.exists() else {}


def engine_setting() -> str:
    """The layout engine nhr.yaml sets (`engine`), else pdfplumber; call validate_config() first."""
    return nhr_settings().get("engine", DEFAULT_ENGINE)


def limits() -> Limits:
    return limits_from(config_dir() / "nhr.yaml", nhr_settings())


def identity_map_path() -> Path | None:
    """The identity map the data team keeps (nhr.yaml `identity_map`, relative to the configuration
    directory), or None when not set."""
    given = nhr_settings().get("identity_map")
    return (config_dir() / given) if isinstance(given, str) and given.strip() else None


# ---------------------------------------------------------------- the report profile (report.yaml)


@dataclass(frozen=True)
class Status:
    role: str  # completed, in_progress, planned, idea
    name: str  # as the records carry it ("in Bearbeitung")
    word: str  # lowercase word that names it in a heading ("bearbeitung")
    digit: str  # last digit of its section number, and its rank ("2")
    skeleton: tuple[str, ...] = ()  # the labels (keys of `labels`) every project of this status prints


@dataclass(frozen=True, eq=False)
class TableWords:
    """report.yaml tables: the tables' titles (the Projektliste's is titles.list), header words and status marks."""

    titles: Mapping[str, regex.Pattern]
    columns: Mapping[str, tuple[tuple[str, regex.Pattern], ...]]  # table → (column name, its header words)
    marks: frozenset[str]


@dataclass(frozen=True, eq=False)  # one object per configuration directory: equal and hashed by identity
class Profile:
    """report.yaml: the report's numbering, titles, statuses, block labels (and wording inside the blocks), legend,
    Stand wording and table vocabulary."""

    theme: regex.Pattern
    goal: regex.Pattern
    section: regex.Pattern
    project: regex.Pattern
    project_number: regex.Pattern  # a project's number alone (a Projektliste's number cell), matched whole
    list_title: regex.Pattern
    archive_title: regex.Pattern
    project_lead: regex.Pattern  # a title's lead word left out when titles are compared across editions
    statuses: tuple[Status, ...]
    labels: tuple[tuple[str, regex.Pattern], ...]  # in the order they appear in a project
    steps_label: regex.Pattern  # what a real steps label names, not a steps-shaped phrase in a paragraph
    planned: regex.Pattern  # the remark paragraph that opens the planned milestones
    completion: regex.Pattern  # a further header line's label that dates the project's completion
    status_since: regex.Pattern  # a since label whose date is the day the status began (not the project's start)
    legend: regex.Pattern
    stand: regex.Pattern
    title_tail: regex.Pattern  # the cover title's "– Stand …" tail
    previous: regex.Pattern
    tables: TableWords

    def status(self, role: str) -> str:
        """The name of the status with this role ("completed" → "umgesetzt")."""
        return next(st.name for st in self.statuses if st.role == role)

    @cached_property
    def status_names(self) -> tuple[str, ...]:
        """The statuses' names in rank order ("umgesetzt" … "Ideenspeicher")."""
        return tuple(st.name for st in self.statuses)

    @cached_property
    def status_by_digit(self) -> Mapping[str, str]:
        """A status section number's last digit → the status's name ("1" → "umgesetzt")."""
        return MappingProxyType({st.digit: st.name for st in self.statuses})

    def status_of(self, heading: str) -> str | None:
        """The status a heading or label names ("Projekte in Planung", "… „umgesetzte Projekte“ seit:")."""
        low = heading.lower()
        return next((st.name for st in self.statuses if st.word in low), None)


PROFILE_KEYS = {
    "numbering": ("theme", "goal", "section", "project", "project_number"),
    "titles": ("list", "archive", "project_lead"),
    "statuses": ("completed", "in_progress", "planned", "idea"),
    "labels": ("since", "extra", "description", "steps", "committee", "remark"),
    "blocks": ("steps_label", "planned", "completion", "status_since"),
    "legend": ("pattern",),
    "stand": ("current", "title_tail", "previous"),
    "tables": ("titles", "columns", "marks"),
}
# the tables section: the titles and each table's columns, by the names pipeline/extract/tables.py reads (the
# Projektliste's title is the top-level titles.list, one pattern for the segment and tables stages)
TABLE_TITLES = ("completed", "dropped", "archive_since")
TABLE_COLUMNS = {
    "list": ("number", "status", "title", "cooperation", "responsible"),
    "completed": ("theme", "project", "report", "number"),
    "dropped": ("theme", "project", "reason", "last_mention"),
}
STATUS_KEYS = ("name", "word", "digit", "skeleton")


def _keys(path: Path, where: str, given: dict, known: tuple) -> None:
    for k in given:
        if k not in known:
            raise ConfigError(f"{path}: unknown key {where + str(k)!r} (known: {', '.join(map(str, known))})")
    for k in known:
        if k not in given:
            raise ConfigError(f"{path}: missing key {where + str(k)!r}")


def _rx(path: Path, key: str, v) -> regex.Pattern:
    if not isinstance(v, str):
        raise ConfigError(f"{path}: {key} must be a regular expression string, not {v!r}")
    try:
        return regex.compile(v)
    except regex.error as e:
        raise ConfigError(f"{path}: {key} is not a valid regular expression: {e}")


def profile_from(path: Path, cfg: dict) -> Profile:
    """Validate report.yaml and compile it; an unknown or missing key is a one-line ConfigError."""
    _keys(path, "", cfg, tuple(PROFILE_KEYS))
    for sec, known in PROFILE_KEYS.items():
        if not isinstance(cfg[sec], dict):
            raise ConfigError(f"{path}: {sec!r} must be a mapping")
        _keys(path, f"{sec}.", cfg[sec], known)
    statuses = []
    for role, st in cfg["statuses"].items():
        if not isinstance(st, dict):
            raise ConfigError(f"{path}: statuses.{role} must be a mapping of {', '.join(STATUS_KEYS)}")
        _keys(path, f"statuses.{role}.", st, STATUS_KEYS)
        for k in STATUS_KEYS[:-1]:
            if not (isinstance(st[k], str) and st[k]):
                raise ConfigError(f"{path}: statuses.{role}.{k} must be a non-empty string, not {st[k]!r}")
        statuses.append(Status(role, st["name"], st["word"], st["digit"], _skeleton(path, role, st["skeleton"])))
    for k in ("name", "digit"):
        if len({getattr(st, k) for st in statuses}) < len(statuses):
            raise ConfigError(f"{path}: statuses: two statuses share a {k}")
    n, t, lab = cfg["numbering"], cfg["titles"], cfg["labels"]
    list_title = _rx(path, "titles.list", t["list"])
    return Profile(
        theme=_rx(path, "numbering.theme", n["theme"]),
        goal=_rx(path, "numbering.goal", n["goal"]),
        section=_rx(path, "numbering.section", n["section"]),
        project=_rx(path, "numbering.project", n["project"]),
        project_number=_rx(path, "numbering.project_number", n["project_number"]),
        list_title=list_title,
        archive_title=_rx(path, "titles.archive", t["archive"]),
        project_lead=_rx(path, "titles.project_lead", t["project_lead"]),
        statuses=tuple(statuses),
        labels=tuple((k, _rx(path, f"labels.{k}", v)) for k, v in lab.items()),
        steps_label=_rx(path, "blocks.steps_label", cfg["blocks"]["steps_label"]),
        planned=_rx(path, "blocks.planned", cfg["blocks"]["planned"]),
        completion=_rx(path, "blocks.completion", cfg["blocks"]["completion"]),
        status_since=_rx(path, "blocks.status_since", cfg["blocks"]["status_since"]),
        legend=_rx(path, "legend.pattern", cfg["legend"]["pattern"]),
        stand=_rx(path, "stand.current", cfg["stand"]["current"]),
        title_tail=_rx(path, "stand.title_tail", cfg["stand"]["title_tail"]),
        previous=_rx(path, "stand.previous", cfg["stand"]["previous"]),
        tables=_table_words(path, cfg["tables"], list_title),
    )


def _skeleton(path: Path, role: str, given) -> tuple[str, ...]:
    """A status's label skeleton: a list of label names out of `labels` (the blocks its projects print)."""
    known = PROFILE_KEYS["labels"]
    if not (isinstance(given, list) and all(isinstance(k, str) and k in known for k in given)):
        raise ConfigError(f"{path}: statuses.{role}.skeleton must be a list of labels out of {', '.join(known)}")
    return tuple(given)


def _table_words(path: Path, cfg: dict, list_title: regex.Pattern) -> TableWords:
    """The `tables` section of report.yaml: known titles and columns, each a regular expression, and the
    status marks as a non-empty list of strings; the Projektliste's title is `list_title` (titles.list)."""
    titles, columns, marks = cfg["titles"], cfg["columns"], cfg["marks"]
    if not isinstance(titles, dict) or not isinstance(columns, dict):
        raise ConfigError(f"{path}: 'tables.titles' and 'tables.columns' must be mappings")
    _keys(path, "tables.titles.", titles, TABLE_TITLES)
    _keys(path, "tables.columns.", columns, tuple(TABLE_COLUMNS))
    for table, names in TABLE_COLUMNS.items():
        if not isinstance(columns[table], dict):
            raise ConfigError(f"{path}: 'tables.columns.{table}' must be a mapping")
        _keys(path, f"tables.columns.{table}.", columns[table], names)
    return TableWords(
        titles=MappingProxyType(
            {"list": list_title} | {k: _rx(path, f"tables.titles.{k}", v) for k, v in titles.items()}
        ),
        columns=MappingProxyType(
            {
                table: tuple((k, _rx(path, f"tables.columns.{table}.{k}", v)) for k, v in columns[table].items())
                for table in columns
            }
        ),
        marks=frozenset(_words(path, "tables.marks", marks, lower=False)),
    )


def profile() -> Profile:
    """The report profile of the configuration directory, validated and compiled once per directory."""
    return _profile(config_dir())


@cache
def _profile(d: Path) -> Profile:
    return profile_from(d / "report.yaml", _read(d / "report.yaml"))


# ---------------------------------------------------------------- the language's words (lang-de.yaml)


@dataclass(frozen=True, eq=False)  # one object per configuration directory: equal and hashed by identity
class DateWords:
    """lang-de.yaml dates: the words of the date forms, lowercase where they are matched without regard to case."""

    months: tuple[str, ...]  # January first
    month_variants: Mapping[str, int]  # other spelling (no final dot) → month number
    season_words: Mapping[str, str]  # each spelling of a season (no final dot) → its key in dates.seasons
    ongoing: tuple[str, ...]
    recurring: tuple[str, ...]
    qualifiers: Mapping[str, str]  # word before a date → since, from, range or approx
    quarter_words: tuple[str, ...]  # a final dot: optional in the text
    half_words: tuple[str, ...]  # a final dot: optional in the text
    week_words: tuple[str, ...]
    range_words: tuple[str, ...]  # as written: matched with case
    list_words: tuple[str, ...]  # as written: matched with case
    year_parts: tuple[str, ...]  # the keys of dates.year_parts
    month_parts: tuple[str, ...]  # the keys of dates.month_parts


@dataclass(frozen=True, eq=False)  # one object per configuration directory: equal and hashed by identity
class CommitteeWords:
    """lang-de.yaml committee: the words of a consultation line, as written (the parser lowercases where it
    reads without regard to case)."""

    paper_types: tuple[str, ...]
    plural_endings: tuple[str, ...]
    body_words: tuple[str, ...]
    subject_words: tuple[str, ...]
    listed_subjects: tuple[str, ...]
    genitive_words: tuple[str, ...]
    genitive_endings: tuple[str, ...]
    abbreviations: Mapping[str, str]  # abbreviation → the word it stands for
    kind_openings: Mapping[str, str]  # word a name opens with → body kind
    kind_words: Mapping[str, str]  # word a name holds → body kind, in order
    function_words: tuple[str, ...]
    agenda_words: tuple[str, ...]
    agenda_sessions: tuple[str, ...]


@dataclass(frozen=True, eq=False)  # one object per configuration directory: equal and hashed by identity
class Language:
    """lang-de.yaml: the German words the stages need apart from the report's own vocabulary."""

    short_words: frozenset[str]
    conjunctions: frozenset[str]
    adjective_suffixes: tuple[str, ...]  # lowercase: a word ending so may be a whole adjective ("politisch")
    adjective_endings: tuple[str, ...]  # lowercase: how an adjective ends ("strukturell", "technisch")
    inflections: tuple[str, ...]  # lowercase: the endings an adjective may carry after that ("technischen")
    dictionary: str  # the pyphen language of the hyphenation dictionary
    dates: DateWords
    committee: CommitteeWords


# word lists; and the sections `dates`, `committee`
LANGUAGE_KEYS = {
    "joining": ("short_words", "conjunctions", "adjective_suffixes", "adjective_endings", "inflections"),
}
LANGUAGE_NAMES = {"joining": ("dictionary",)}  # one name each (checked by what reads it)
# the committee section: lists of words, and mappings of words to words
COMMITTEE_LISTS = (
    "paper_types",
    "plural_endings",
    "body_words",
    "subject_words",
    "listed_subjects",
    "genitive_words",
    "genitive_endings",
    "function_words",
    "agenda_words",
    "agenda_sessions",
)
COMMITTEE_MAPS = ("abbreviations", "kind_openings", "kind_words")
BODY_KINDS = ("Kreistag", "Kreisausschuss", "Ausschuss", "Beirat")  # the body_kind values besides "other"
PREFIX_QUALIFIERS = ("since", "from", "range", "approx")  # what a word before a date may make of it
MONTHS = 12


def _words(path: Path, key: str, v, lower: bool = True) -> tuple[str, ...]:
    """A non-empty list of non-empty strings, lowercase unless they are matched as written."""
    if not (isinstance(v, list) and v and all(isinstance(w, str) and w for w in v)):
        raise ConfigError(f"{path}: {key} must be a non-empty list of words, not {v!r}")
    return tuple(w.lower() if lower else w for w in v)


def _word_map(
    path: Path, key: str, v, known: Callable[[object], bool], what: str, lower: bool = True
) -> dict[str, Any]:
    """A non-empty mapping of words (returned lowercase unless matched as written) to values `known` accepts."""
    if not (isinstance(v, dict) and v and all(isinstance(w, str) and w for w in v)):
        raise ConfigError(f"{path}: {key} must be a non-empty mapping of words to {what}, not {v!r}")
    for w, x in v.items():
        if not known(x):
            raise ConfigError(f"{path}: {key}.{w} must be {what}, not {x!r}")
    return {w.lower() if lower else w: x for w, x in v.items()}


def _month_number(x: object) -> bool:
    """1 … 12 (a whole number, not a truth value)."""
    return isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= MONTHS


def _date_words(path: Path, cfg: dict) -> DateWords:
    """The word keys of the `dates` section (already checked for unknown and missing keys) as DateWords."""
    months = _words(path, "dates.months", cfg["months"])
    if len(months) != MONTHS:
        raise ConfigError(f"{path}: dates.months must name {MONTHS} months, not {len(months)}")
    seasons = tuple(cfg["seasons"])
    month_variants = _word_map(path, "dates.month_variants", cfg["month_variants"], _month_number, "a month's number")
    season_variants = _word_map(
        path, "dates.season_variants", cfg["season_variants"], lambda x: x in seasons, f"one of {', '.join(seasons)}"
    )
    qualifiers = _word_map(
        path,
        "dates.qualifiers",
        cfg["qualifiers"],
        lambda x: x in PREFIX_QUALIFIERS,
        f"one of {', '.join(PREFIX_QUALIFIERS)}",
    )
    lists = {k: _words(path, f"dates.{k}", cfg[k], lower=k not in AS_WRITTEN) for k in DATE_WORD_LISTS}
    return DateWords(
        months=months,
        month_variants=MappingProxyType({w.rstrip("."): n for w, n in month_variants.items()}),
        season_words=MappingProxyType(
            {s.lower(): s for s in seasons} | {w.rstrip("."): s for w, s in season_variants.items()}
        ),
        qualifiers=MappingProxyType(qualifiers),
        year_parts=tuple(cfg["year_parts"]),
        month_parts=tuple(cfg["month_parts"]),
        **lists,
    )


def _committee_words(path: Path, cfg) -> CommitteeWords:
    """The `committee` section of lang-de.yaml: exactly the known keys, each a list of words or a mapping."""
    if not isinstance(cfg, dict):
        raise ConfigError(f"{path}: 'committee' must be a mapping")
    _keys(path, "committee.", cfg, (*COMMITTEE_LISTS, *COMMITTEE_MAPS))
    lists = {k: _words(path, f"committee.{k}", cfg[k], lower=False) for k in COMMITTEE_LISTS}
    kind = (lambda x: x in BODY_KINDS), f"one of {', '.join(BODY_KINDS)}"
    word = (lambda x: isinstance(x, str) and bool(x)), "a word"
    maps = {
        k: MappingProxyType(dict(_word_map(path, f"committee.{k}", cfg[k], *check, lower=False)))
        for k, check in (("abbreviations", word), ("kind_openings", kind), ("kind_words", kind))
    }
    words: dict[str, Any] = {**lists, **maps}
    return CommitteeWords(**words)


def language_from(path: Path, cfg: dict) -> Language:
    """Validate lang-de.yaml; an unknown or missing key is a one-line ConfigError."""
    _keys(path, "", cfg, (*LANGUAGE_KEYS, "dates", "committee"))
    if not isinstance(cfg["dates"], dict):
        raise ConfigError(f"{path}: 'dates' must be a mapping")
    _check_dates(path, cfg["dates"])
    for sec, known in LANGUAGE_KEYS.items():
        if not isinstance(cfg[sec], dict):
            raise ConfigError(f"{path}: {sec!r} must be a mapping")
        _keys(path, f"{sec}.", cfg[sec], known + LANGUAGE_NAMES.get(sec, ()))
        for k in known:
            _words(path, f"{sec}.{k}", cfg[sec][k])
    j = cfg["joining"]
    return Language(
        short_words=frozenset(j["short_words"]),
        conjunctions=frozenset(j["conjunctions"]),
        adjective_suffixes=_words(path, "joining.adjective_suffixes", j["adjective_suffixes"]),
        adjective_endings=_words(path, "joining.adjective_endings", j["adjective_endings"]),
        inflections=_words(path, "joining.inflections", j["inflections"]),
        dictionary=_dictionary(path, j["dictionary"]),
        dates=_date_words(path, cfg["dates"]),
        committee=_committee_words(path, cfg["committee"]),
    )


def _dictionary(path: Path, name) -> str:
    """joining.dictionary: a language the hyphenation package (pyphen) ships patterns for."""
    import pyphen

    if not (isinstance(name, str) and name in pyphen.LANGUAGES):
        raise ConfigError(f"{path}: joining.dictionary must name a pyphen hyphenation language (de_DE), not {name!r}")
    return name


def language() -> Language:
    """The language's words of the configuration directory, validated once per directory."""
    return _language(config_dir())


@cache
def _language(d: Path) -> Language:
    return language_from(d / "lang-de.yaml", _read(d / "lang-de.yaml"))
