"""The report profile (config/report.yaml) is data: a reworded block label is read after a change to that
file alone, and the profile is validated on load (unknown or missing keys: one line naming file and key)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace as NS

import pytest
import yaml
from conftest import gold
from render import Style, render

from pipeline.config import ConfigError, config_dir, profile_from

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "unit"))  # the hand-built lines of the unit tests (test_segment, test_tables)
NEW_LABEL = "Arbeitsschritte:"


def _extract(pdf: Path, conf: Path | None, monkeypatch) -> dict:
    """One extraction under `conf` (else the shipped configuration), in this process: nothing reads the
    configuration at import, so a changed $NHR_CONFIG is read by the next call."""
    from pipeline.model.export import to_gold
    from pipeline.store.build import extract_checked
    from pipeline.store.inputs import InputError

    if conf is None:
        monkeypatch.delenv("NHR_CONFIG", raising=False)
    else:
        monkeypatch.setenv("NHR_CONFIG", str(conf))
    try:
        g = to_gold(extract_checked(str(pdf), "pdfium"))
    except InputError as e:
        return {"refused": str(e)}
    ps = [p for t in g["themes"] for go in t["goals"] for s in go["sections"] for p in s["projects"]]
    return {
        "steps": {p["number"]: [p["steps_label"], len(p["steps"])] for p in ps},
        "anomalies": [a["kind"] for a in g.get("anomalies", [])],
    }


@pytest.fixture(scope="module")
def reworded(tmp_path_factory):
    """Gold 2025-04 re-typeset with every steps label reworded; the steps each project has in gold."""
    g = gold("2025-04")
    want = {}
    for t in g["themes"]:
        for go in t["goals"]:
            for s in go["sections"]:
                for p in s["projects"]:
                    if p["steps_label"]:
                        p["steps_label"] = NEW_LABEL
                    want[p["number"]] = [p["steps_label"], len(p["steps"])]
    pdf = tmp_path_factory.mktemp("profile") / "reworded.pdf"
    render(g, str(pdf), Style())
    return pdf, want


def test_reworded_steps_label_is_read_after_a_change_to_report_yaml_alone(reworded, tmp_path, monkeypatch):
    pdf, want = reworded
    assert sum(1 for label, n in want.values() if label and n) > 10
    conf = tmp_path / "config"
    shutil.copytree(config_dir(), conf)
    report = (conf / "report.yaml").read_text(encoding="utf-8")
    assert "Planungsschritte?)" in report
    (conf / "report.yaml").write_text(
        report.replace("Planungsschritte?)", "Planungsschritte?|Arbeitsschritte)"), encoding="utf-8"
    )
    got = _extract(pdf, conf, monkeypatch)
    assert got.get("steps") == want


def test_reworded_steps_label_is_not_read_with_the_shipped_profile(reworded, monkeypatch):
    pdf, want = reworded
    got = _extract(pdf, None, monkeypatch)
    if "refused" in got:  # reported: the edition is refused as drifted
        return
    missed = [n for n, (label, k) in want.items() if label and k and got["steps"].get(n) != [label, k]]
    assert missed, "the shipped profile should not know the label " + NEW_LABEL


def _shipped() -> dict:
    return yaml.safe_load((config_dir() / "report.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c["labels"].update(milestones="x"), "unknown key 'labels.milestones'"),
        (lambda c: c["stand"].pop("previous"), "missing key 'stand.previous'"),
        (lambda c: c.update(extra={}), "unknown key 'extra'"),
        (lambda c: c["statuses"]["idea"].pop("digit"), "missing key 'statuses.idea.digit'"),
        (lambda c: c["numbering"].update(theme="(unclosed"), "numbering.theme is not a valid regular expression"),
        (lambda c: c["statuses"]["idea"].update(digit="1"), "two statuses share a digit"),
        (lambda c: c["tables"].update(markz=[]), "unknown key 'tables.markz'"),
        (lambda c: c["tables"]["columns"]["list"].pop("status"), "missing key 'tables.columns.list.status'"),
        (lambda c: c["tables"]["titles"].update(dropped="(unclosed"), "tables.titles.dropped is not a valid regular"),
        (lambda c: c["tables"]["titles"].update(list="^Projektliste"), "unknown key 'tables.titles.list'"),
        (lambda c: c["tables"].update(marks=[]), "tables.marks must be a non-empty list"),
        (lambda c: c["blocks"].pop("planned"), "missing key 'blocks.planned'"),
        (lambda c: c["blocks"].pop("completion"), "missing key 'blocks.completion'"),
        (lambda c: c["blocks"].update(status_since="(unclosed"), "blocks.status_since is not a valid regular"),
        (lambda c: c["numbering"].pop("project_number"), "missing key 'numbering.project_number'"),
        (lambda c: c["blocks"].update(steps_label="(unclosed"), "blocks.steps_label is not a valid regular"),
        (lambda c: c["stand"].pop("title_tail"), "missing key 'stand.title_tail'"),
        (lambda c: c["titles"].pop("project_lead"), "missing key 'titles.project_lead'"),
    ],
)
def test_profile_is_validated_on_load(change, message):
    cfg = _shipped()
    change(cfg)
    with pytest.raises(ConfigError) as e:
        profile_from(Path("report.yaml"), cfg)
    assert str(e.value).startswith("report.yaml: ") and message in str(e.value) and "\n" not in str(e.value)


def test_cli_refuses_a_bad_profile_with_exit_2(tmp_path):
    conf = tmp_path / "config"
    shutil.copytree(config_dir(), conf)
    with open(conf / "report.yaml", "a", encoding="utf-8") as f:
        f.write("colours: {}\n")
    env = {**os.environ, "NHR_CONFIG": str(conf)}
    pdf = ROOT / "tests" / "missing.pdf"
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.surfaces.cli", "extract", str(pdf)], env=env, cwd=ROOT, capture_output=True
    )
    assert out.returncode == 2 and b"report.yaml: unknown key 'colours'" in out.stderr, out.stderr


def test_a_command_that_needs_no_profile_never_reads_a_bad_one(tmp_path):
    """`nhr audit` imports the stages but reads no configuration at import: a broken report.yaml does not stop
    it; it fails for its own reason (no tables), one line, exit 3."""
    conf = tmp_path / "config"
    shutil.copytree(config_dir(), conf)
    (conf / "report.yaml").write_text("numbering: {}\n", encoding="utf-8")
    env = {**os.environ, "NHR_CONFIG": str(conf)}
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.surfaces.cli", "audit", "--parsed", str(tmp_path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 3 and out.stderr.count("\n") == 1 and "run 'nhr build' first" in out.stderr, out.stderr


def test_a_bad_profile_read_when_first_needed_is_one_line(tmp_path, monkeypatch):
    """The profile is validated when first read (not at import): a missing key is one line naming file and key."""
    from pipeline.config import profile

    conf = tmp_path / "config"
    shutil.copytree(config_dir(), conf)
    (conf / "report.yaml").write_text("numbering: {}\n", encoding="utf-8")
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    with pytest.raises(ConfigError) as e:
        profile()
    assert str(e.value).startswith(f"{conf / 'report.yaml'}: missing key") and "\n" not in str(e.value)


def test_language_is_validated_on_load():
    from pipeline.config import language_from

    cfg = yaml.safe_load((config_dir() / "lang-de.yaml").read_text(encoding="utf-8"))
    cfg["joining"]["articles"] = ["der"]
    with pytest.raises(ConfigError, match=r"^lang-de.yaml: unknown key 'joining.articles'"):
        language_from(Path("lang-de.yaml"), cfg)
    del cfg["joining"]
    with pytest.raises(ConfigError, match=r"^lang-de.yaml: missing key 'joining'"):
        language_from(Path("lang-de.yaml"), cfg)


def test_dates_section_of_language_is_validated_on_load():
    from pipeline.config import language_from

    cfg = yaml.safe_load((config_dir() / "lang-de.yaml").read_text(encoding="utf-8"))
    cfg["dates"]["quaters"] = cfg["dates"].pop("quarters")
    with pytest.raises(ConfigError, match=r"^lang-de.yaml: unknown key 'dates.quaters'"):
        language_from(Path("lang-de.yaml"), cfg)
    cfg["dates"]["quarters"] = cfg["dates"].pop("quaters")
    cfg["dates"]["seasons"]["Winter"]["next_year_ends"] = True
    with pytest.raises(ConfigError, match=r"^lang-de.yaml: unknown key 'dates.seasons.Winter.next_year_ends'"):
        language_from(Path("lang-de.yaml"), cfg)
    del cfg["dates"]["seasons"]["Winter"]["next_year_ends"]
    del cfg["dates"]["halves"][2]
    with pytest.raises(ConfigError, match=r"^lang-de.yaml: missing key 'dates.halves.2'"):
        language_from(Path("lang-de.yaml"), cfg)
    del cfg["dates"]
    with pytest.raises(ConfigError, match=r"^lang-de.yaml: missing key 'dates'"):
        language_from(Path("lang-de.yaml"), cfg)


def _config_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the shipped configuration directory with one piece of report.yaml reworded."""
    conf = tmp_path / "config"
    shutil.copytree(config_dir(), conf)
    report = (conf / "report.yaml").read_text(encoding="utf-8")
    assert report.count(old) == 1, old
    (conf / "report.yaml").write_text(report.replace(old, new), encoding="utf-8")
    return conf


def test_planned_milestones_wording_comes_from_report_yaml(tmp_path, monkeypatch):
    from pipeline.model.rows import planned_entries

    remark = ["Zukünftige Schritte:", "01.04.2026 Fertig", "geplante Meilensteine:", "01.10.2026 Abnahme"]
    assert [e.date for e in planned_entries(remark)] == ["01.10.2026"]
    conf = _config_with(
        tmp_path, "geplante?r?\\s+Meilenstein(e)?", "(?:geplante?r?\\s+Meilenstein(e)?|Zukünftige Schritte)"
    )
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    assert [e.date for e in planned_entries(remark)] == ["01.04.2026", "01.10.2026"]


def test_what_a_real_steps_label_names_comes_from_report_yaml(tmp_path, monkeypatch):
    from test_segment import lines, ln

    from pipeline.extract.segment import _label, grammar

    def is_label() -> bool:  # a steps-shaped phrase in plain text under a bold line: a steps label or not
        g = grammar()
        return _label(lines("Bemerkung:") + [ln("Meilensteine Termine:", 1)], 1, g.rank["description"], g) is not None

    assert not is_label()  # plain "Meilensteine Termine:" below a bold line: text
    conf = _config_with(tmp_path, "steps_label: '\\(|Datum'", "steps_label: '\\(|Datum|Termine'")
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    assert is_label()


def test_the_stand_tail_of_the_cover_title_comes_from_report_yaml(tmp_path, monkeypatch):
    from pipeline.extract.edition import _title

    doc = NS(cover=[NS(text="Nachhaltigkeitsreport – Sachstand: 01.04.2025")])
    assert _title(doc) == "Nachhaltigkeitsreport – Sachstand: 01.04.2025"
    conf = _config_with(tmp_path, "title_tail: '\\s*[–-]\\s*Stand", "title_tail: '\\s*[–-]\\s*(?:Sach)?[Ss]tand")
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    assert _title(doc) == "Nachhaltigkeitsreport"


def _lists_under_another_title() -> list:
    """A Projektliste under the title "Projektübersicht": the lists the tables stage reads, and the list title
    the edition keeps."""
    from test_tables import _list_page, line, w

    from pipeline.extract.edition import _read_tables
    from pipeline.model.records import Edition, Theme

    lines = _list_page()
    lines[0] = line(w("Projektübersicht", 60, 100, size=13, bold=True), w("„Mobilität“", 180, 100, size=13, bold=True))
    ed = Edition("2025-04", "01.04.2025", None, "", "", 1, themes=[Theme(str(n), "") for n in range(1, 10)])
    _read_tables(ed, NS(lists=lines, archive=[], stray=[]), [])
    return [[len(pl.rows), pl.title] for pl in ed.project_lists] + [th.list_title for th in ed.themes]


def test_the_list_title_is_one_pattern_of_report_yaml(tmp_path, monkeypatch):
    assert _lists_under_another_title() == [""] * 9  # no Projektliste without its title
    conf = _config_with(tmp_path, "^Projektliste\\b", "^(?:Projektliste|Projektübersicht)\\b")
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    got = _lists_under_another_title()
    assert got[0] == [2, "Projektübersicht „Mobilität“"] and "Mobilität" in got[1:]


def test_the_title_lead_left_out_across_editions_comes_from_the_profile(monkeypatch, tmp_path):
    """Titles compared across editions leave out the lead word of titles.project_lead, and only that."""
    from pipeline.across import reconcile

    conf = tmp_path / "config"
    shutil.copytree(config_dir(), conf)
    text = (conf / "report.yaml").read_text(encoding="utf-8")
    (conf / "report.yaml").write_text(text.replace("'(?i)^projekt\\s+'", "'(?i)^vorhaben\\s+'"), encoding="utf-8")
    assert reconcile._title_key("Projekt „Klimaschutz“") == "klimaschutz"
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    assert reconcile._title_key("Vorhaben Klimaschutz") == "klimaschutz"
    assert reconcile._title_key("Projekt Klimaschutz") == "projekt klimaschutz"
