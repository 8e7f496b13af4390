"""The language's words (config/lang-de.yaml) are data: a month spelling or a paper type added to a copied
configuration alone is read by the parsers, and the word sections are validated on load (one line naming file
and key)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline.config import ConfigError, config_dir, language_from

ROOT = Path(__file__).resolve().parent.parent
# one date parsed in a fresh interpreter: the words are read once, at import, from $NHR_CONFIG
PARSE = """
import json, sys
from pipeline.parse.dates import parse_date
print(json.dumps(parse_date(sys.argv[1]).to_json()))
"""
COMMITTEE = """
import json, sys
from pipeline.parse.committee import parse_committee
print(json.dumps(parse_committee(sys.argv[1]).to_json()))
"""


def _shipped() -> dict:
    return yaml.safe_load((config_dir() / "lang-de.yaml").read_text(encoding="utf-8"))


def _copy(tmp_path: Path, edit) -> Path:
    """The shipped configuration copied, its lang-de.yaml changed by `edit` (a function of the text)."""
    conf = tmp_path / "config"
    shutil.copytree(config_dir(), conf)
    lang = conf / "lang-de.yaml"
    lang.write_text(edit(lang.read_text(encoding="utf-8")), encoding="utf-8")
    return conf


def _run(args: list[str], conf: Path | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NHR_CONFIG"}
    if conf is not None:
        env["NHR_CONFIG"] = str(conf)
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True)


def _parse(text: str, conf: Path | None, program: str = PARSE) -> dict:
    out = _run(["-c", program, text], conf)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _old_month_name(text: str) -> str:
    old = "month_variants: {Jänner: 1, "
    assert text.count(old) == 1
    return text.replace(old, "month_variants: {Hornung: 2, Jänner: 1, ")


def test_a_month_spelling_added_to_the_config_alone_is_read(tmp_path):
    assert _parse("Hornung 2024", None)["precision"] == "unknown"  # "Hornung": the old name of February
    conf = _copy(tmp_path, _old_month_name)
    got = _parse("Hornung 2024", conf)
    assert (got["start"], got["end"], got["precision"]) == ("2024-02-01", "2024-02-29", "month")
    got = _parse("seit 3. Hornung. 2024", conf)
    assert (got["start"], got["precision"], got["qualifier"]) == ("2024-02-03", "day", "since")


def test_a_qualifier_added_to_the_config_alone_is_read(tmp_path):
    assert _parse("etwa 2026", None)["precision"] == "unknown"
    conf = _copy(tmp_path, lambda t: t.replace("qualifiers: {seit: since,", "qualifiers: {etwa: approx, seit: since,"))
    assert _parse("etwa 2026", conf)["qualifier"] == "approx"


def test_a_paper_type_added_to_the_config_alone_is_read(tmp_path):
    line = "Kreistag, Stellungnahme 012/2024"
    assert _parse(line, None, COMMITTEE)["paper_type"] == ""
    conf = _copy(tmp_path, lambda t: t.replace("  paper_types: [", "  paper_types: [Stellungnahme, "))
    got = _parse(line, conf, COMMITTEE)
    assert (got["body"], got["paper_type"], got["paper_reference"]) == ("Kreistag", "Stellungnahme", "012/2024")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c["committee"].update(paper_typse=[]), "unknown key 'committee.paper_typse'"),
        (lambda c: c["committee"].pop("function_words"), "missing key 'committee.function_words'"),
        (lambda c: c.pop("committee"), "missing key 'committee'"),
        (lambda c: c["committee"]["kind_words"].update(Rat="Rat"), "committee.kind_words.Rat must be one of"),
        (lambda c: c["committee"].update(body_words="Kreistag"), "committee.body_words must be a non-empty list"),
        (lambda c: c["committee"]["abbreviations"].update({"o.": 0}), "committee.abbreviations.o. must be a word"),
        (lambda c: c["dates"].update(monhts=c["dates"].pop("months")), "unknown key 'dates.monhts'"),
        (lambda c: c["dates"].pop("qualifiers"), "missing key 'dates.qualifiers'"),
        (lambda c: c["dates"]["months"].pop(), "dates.months must name 12 months, not 11"),
        (lambda c: c["dates"].update(ongoing=[]), "dates.ongoing must be a non-empty list of words"),
        (lambda c: c["dates"].update(week_words="KW"), "dates.week_words must be a non-empty list of words"),
        (lambda c: c["dates"]["qualifiers"].update(etwa="roughly"), "dates.qualifiers.etwa must be one of since"),
        (lambda c: c["dates"]["month_variants"].update(Feber=13), "dates.month_variants.Feber must be a month's"),
        (lambda c: c["dates"]["month_variants"].update(Feber=True), "dates.month_variants.Feber must be a month's"),
        (lambda c: c["dates"]["season_variants"].update(Lenz="Fruehjahr"), "dates.season_variants.Lenz must be one of"),
        (lambda c: c["dates"].update(season_variants=["Herb"]), "dates.season_variants must be a non-empty mapping"),
    ],
)
def test_date_and_committee_words_are_validated_on_load(change, message):
    cfg = _shipped()
    change(cfg)
    with pytest.raises(ConfigError) as e:
        language_from(Path("lang-de.yaml"), cfg)
    assert str(e.value).startswith("lang-de.yaml: ") and message in str(e.value) and "\n" not in str(e.value)


def test_cli_refuses_a_typo_in_the_date_words_in_one_line_exit_2(tmp_path):
    conf = _copy(tmp_path, lambda t: t.replace("  quarter_words:", "  quarter_word:"))
    out = _run(["-m", "pipeline.surfaces.cli", "date", "Herbst 2023"], conf)
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert str(conf / "lang-de.yaml") in out.stderr and "unknown key 'dates.quarter_word'" in out.stderr
