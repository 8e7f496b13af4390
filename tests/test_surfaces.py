"""What the data team and auditors touch: DuckDB views, `nhr sql`, the data dictionary, the notebooks
and the audit page in a real headless browser."""

import os
import shutil

import pytest
from click.testing import CliRunner
from conftest import RAW, ROOT

from pipeline.surfaces.cli import main


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    return r.exit_code, r.output


def test_duckdb_views_and_sql(built):
    _, out = built
    assert (out / "nhr.duckdb").exists()
    code, text = run("sql", "SELECT count(*) AS n FROM current_projects", "--parsed", out)
    assert code == 0 and "98" in text
    code, text = run(
        "sql",
        "SELECT edition, sum(projects) AS p FROM status_counts_by_theme_edition GROUP BY 1 ORDER BY 1",
        "--parsed",
        out,
        "--format",
        "csv",
    )
    assert text.splitlines()[1:] == [
        "2022-10,92",
        "2023-04,96",
        "2023-10,101",
        "2024-04,100",
        "2024-10,95",
        "2025-04,98",
    ]
    code, text = run(
        "sql",
        "SELECT paper_type, papers FROM papers_by_body WHERE body_name = 'Kreistag' "
        "AND paper_type = 'Beschlussvorlage'",
        "--parsed",
        out,
        "--format",
        "json",
    )
    assert code == 0 and '"papers": 6' in text
    code, text = run("sql", "SELECT sum(milestones) AS m FROM milestones_by_quarter", "--parsed", out)
    assert code == 0


def test_sql_errors(built, tmp_path):
    code, text = run("sql", "SELEC 1", "--parsed", built[1])
    assert code == 2 and "query failed" in text
    code, text = run("sql", "SELECT 1", "--parsed", tmp_path)
    assert code == 3 and "nhr build" in text


def test_data_dictionary_is_up_to_date():
    from pipeline.surfaces.docs import render

    assert (ROOT / "docs" / "data.md").read_text(encoding="utf-8") == render(), (
        "docs/data.md is stale: python -m pipeline.surfaces.docs > docs/data.md"
    )


@pytest.mark.parametrize("name", ["analyst", "auditor"])
def test_notebook_runs(built, name):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "outputs must be stripped in git"
    os.environ["NHR_PARSED"] = str(built[1])
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute()
    images = sum(1 for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    assert images == (4 if name == "analyst" else 0)


def test_report_page(built, tmp_path):
    _, out = built
    page = tmp_path / "report.html"
    code, text = run("report", "2024-10", "2025-04", "-o", page, "--parsed", out, "--raw", RAW)
    assert code == 0 and page.exists()
    html = page.read_text(encoding="utf-8")
    assert html.count('class="change"') == 19 and html.count("data:image/png;base64,") == 2 * 19 - 5 - 2


def test_report_shows_findings_with_both_editions_crops(built, tmp_path):
    _, out = built
    page = tmp_path / "report.html"
    code, _ = run("report", "2023-04", "2023-10", "-o", page, "--parsed", out, "--raw", RAW)
    html = page.read_text(encoding="utf-8")
    assert code == 0 and html.count('class="finding"') == 1 and "status_backwards" in html
    assert html.count('class="finding-evidence"') == 2 and "2023-04 5.2.3.2 S. 39 → 2023-10 5.2.4.1 S. 42" in html
    code, text = run(
        "sql",
        "SELECT kind, findings, editions FROM audit_findings_by_kind ORDER BY kind",
        "--parsed",
        out,
        "--format",
        "csv",
    )
    assert text.splitlines()[1:] == ["since_changed,1,2023-10→2024-04", "status_backwards,1,2023-04→2023-10"]


def test_report_missing_pdf(built, tmp_path):
    code, text = run("report", "2024-10", "2025-04", "-o", tmp_path / "r.html", "--parsed", built[1], "--raw", tmp_path)
    assert code == 3 and "evidence" in text


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_report_in_a_real_browser(built, tmp_path):
    from playwright.sync_api import sync_playwright

    _, out = built
    page_file = tmp_path / "report.html"
    assert run("report", "2024-10", "2025-04", "-o", page_file, "--parsed", out, "--raw", RAW)[0] == 0
    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        assert page.locator("#shown").inner_text() == "19 von 19"
        page.select_option("#kind", "status_change")
        assert page.locator("#shown").inner_text() == "6 von 19"
        assert page.locator("tr.change:visible").count() == 6
        page.fill("#filter", "Insektenschutz")
        assert page.locator("tr.change:visible").count() == 1
        imgs = page.locator("tr.change:visible img.evidence")
        assert imgs.count() == 2 and all(imgs.nth(i).evaluate("e => e.naturalWidth") > 100 for i in range(2))
        shots = ROOT / "tests" / "artifacts"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / "report.png"))
        browser.close()
    assert errors == []
