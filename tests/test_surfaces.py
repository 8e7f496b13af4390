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


def _items(html: str, cls: str) -> list[str]:
    """The HTML of each <section class="item CLS …"> of the audit page."""
    parts = html.split(f'<section class="item {cls}')[1:]
    return [p[: p.index("</section>")] for p in parts]


def test_report_page(built, tmp_path):
    """2024-10 → 2025-04: every change with crops of both editions where the project is printed, the late
    report of 1.1.1.1 with crops from both, the Archiv row of every archived project, German labels."""
    _, out = built
    page = tmp_path / "report.html"
    code, text = run("report", "2024-10", "2025-04", "-o", page, "--parsed", out, "--raw", RAW)
    assert code == 0 and page.exists()
    html = page.read_text(encoding="utf-8")
    changes = _items(html, "change")
    assert len(changes) == 19
    crops = lambda part: part.count('<img class="evidence"')  # noqa: E731
    archived = [c for c in changes if 'data-kind="completed_archived"' in c]
    assert len(archived) == 2 and all(crops(c) == 2 and "Archiv 2025-04 S. 83" in c for c in archived)
    assert "Sensibilisierungskampagne für Bürgerinnen und Bürger" in archived[0]
    new = [c for c in changes if 'data-kind="new"' in c]
    assert len(new) == 5 and all(crops(c) == 1 for c in new)
    assert all(crops(c) == 2 for c in changes if c not in new)
    late = _items(html, "late")
    assert len(late) == 1 and "<b>1.1.2.1</b> (2024-10) → <b>1.1.1.1</b> (2025-04)" in late[0]
    assert "2024-10 S. 7" in late[0] and "2025-04 S. 7" in late[0] and crops(late[0]) == 2
    assert "zeigte noch „in Bearbeitung“" in late[0] and "Stand 01.10.2024" in late[0]
    for english in ("status_change</", "completed_archived</", ">renumbered<", ">warning<", ">info<"):
        assert english not in html
    assert ">Statuswechsel</span>" in html and ">umgesetzt, ins Archiv</span>" in html
    fresh, carried = _items(html, "anomaly"), html.count('<tr class="carried">')
    assert fresh and carried and "Aus 2024-10 übernommene Auffälligkeiten" in html
    assert all("2025-04" in a or "S." in a for a in fresh)


def test_report_marks_the_changed_field(built, tmp_path):
    """The since value of a status change is outlined in red on both crops (pixels of the outline colour)."""
    import base64
    import io
    import re

    from PIL import Image

    from pipeline.surfaces.report import MARK_COLOUR

    page = tmp_path / "report.html"
    assert run("report", "2024-10", "2025-04", "-o", page, "--parsed", built[1], "--raw", RAW)[0] == 0
    late = _items(page.read_text(encoding="utf-8"), "late")[0]
    for b64 in re.findall(r'base64,([A-Za-z0-9+/=]+)"', late):
        img = Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB")
        red = sum(1 for x in range(img.width) for y in range(img.height) if img.getpixel((x, y)) == MARK_COLOUR)
        assert red > 200, "no outline drawn"
        assert img.width >= 900  # rendered at 2 px per pt: opened large, it is readable


def test_report_refuses_a_reversed_pair(built, tmp_path):
    code, text = run("report", "2025-04", "2024-10", "-o", tmp_path / "r.html", "--parsed", built[1], "--raw", RAW)
    assert code == 2 and "give the older edition first" in text and not (tmp_path / "r.html").exists()


def test_report_shows_findings_with_both_editions_crops(built, tmp_path):
    _, out = built
    page = tmp_path / "report.html"
    code, _ = run("report", "2023-04", "2023-10", "-o", page, "--parsed", out, "--raw", RAW)
    html = page.read_text(encoding="utf-8")
    findings = _items(html, "finding")
    assert code == 0 and len(findings) == 1 and 'data-kind="status_backwards"' in findings[0]
    assert findings[0].count('class="finding-evidence') == 2 and "Status rückwärts" in findings[0]
    assert "2023-04 5.2.3.2 S. 39 → 2023-10 5.2.4.1 S. 42" in findings[0]
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
        page.set_viewport_size({"width": 1366, "height": 768})  # a laptop screen
        page.goto(page_file.as_uri())
        items = page.locator("section.item").count()
        assert page.locator("#shown").inner_text() == f"{items} von {items}"
        page.select_option("#kind", "status_change")
        assert page.locator("#shown").inner_text() == f"6 von {items}"
        assert page.locator("section.change:visible").count() == 6
        page.select_option("#kind", "")
        page.fill("#filter", "Insektenschutz")
        assert page.locator("section.change:visible").count() == 1
        imgs = page.locator("section.change:visible img.evidence")
        assert imgs.count() == 2 and all(imgs.nth(i).evaluate("e => e.naturalWidth") > 900 for i in range(2))
        # no sideways scrolling: the page is as wide as the window, every crop inside it
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        boxes = [imgs.nth(i).bounding_box() for i in range(2)]
        assert all(b is not None and b["x"] >= 0 and b["x"] + b["width"] <= 1366 for b in boxes)
        # a click opens a crop large; a second click closes it
        imgs.first.click()
        big = page.locator("#zoom.open img")
        assert big.count() == 1 and big.evaluate("e => e.getBoundingClientRect().width") > boxes[0]["width"] * 1.3
        page.locator("#zoom").click()
        assert page.locator("#zoom.open").count() == 0
        page.fill("#filter", "")
        shots = ROOT / "tests" / "artifacts"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / "report.png"), full_page=True)
        from PIL import Image

        assert Image.open(shots / "report.png").width == 1366  # the full page is no wider than the screen
        browser.close()
    assert errors == []
