"""nhr — the command line. Exit codes: see README ("Exit codes")."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..errors import EXIT_INTERNAL, EXIT_NOT_UNDERSTOOD, NhrError, StrictError
from ..extract.accounting import unassigned_warning

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FORMULA = ("=", "+", "-", "@", "\t", "\r")
SQL_CELL_CHARS = 60  # characters: where a cell of `nhr sql`'s text table is cut


def clean(text: str) -> str:
    """Text for a terminal: control characters (escape sequences, bidi overrides) removed; newline and tab kept."""
    return CONTROL.sub("", text)


def one_line(text: str) -> str:
    """A message on exactly one line: newlines and other control characters shown escaped."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", lambda m: repr(m.group())[1:-1], text)


def safe_json(text: str) -> str:
    """JSON output with the C1 controls that json leaves raw written as \\u escapes (still valid JSON)."""
    return re.sub(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]", lambda m: f"\\u{ord(m.group()):04x}", text)


def cell(v):
    """A CSV cell a spreadsheet will not run: text starting with = + - @ (or tab/CR) gets a leading quote."""
    if isinstance(v, str):
        v = clean(v)
        return "'" + v if v.startswith(FORMULA) else v
    return v


def echo(text: str, **kw):
    click.echo(clean(text), **kw)


def fail(msg: str, code: int):
    click.echo(f"nhr: error: {one_line(str(msg))}", err=True)
    sys.exit(code)


def configured():
    """Validate the whole configuration before any PDF is opened (a ConfigError: one line, exit 2)."""
    from ..config import validate

    validate()


CLICK_EXITS = (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort)


class Nhr(click.Group):
    """The command group that maps errors once: an NhrError is its one line and exit code; anything
    else is a bug, exit 1, with its traceback under -v."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CLICK_EXITS:
            raise
        except NhrError as e:
            fail(str(e), e.exit_code)
        except Exception as e:
            bug(e, bool(ctx.params.get("verbose")))


def bug(e: Exception, verbose: bool):
    """An exception nhr did not expect: exit 1, the traceback under -v, else one line saying so."""
    if verbose:
        import traceback

        traceback.print_exception(e, file=sys.stderr)
    where = "" if verbose else "; run with -v for the traceback"
    fail(f"internal error (a bug in nhr, not in your files): {type(e).__name__}: {e}{where}", EXIT_INTERNAL)


@click.group(cls=Nhr, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nhr")
@click.option("-v", "--verbose", is_flag=True, help="Log each step to stderr; show the traceback of an internal error.")
def main(verbose: bool):
    """nhr: turn the Nachhaltigkeitsreport PDF editions into audited Parquet tables.

    \b
    Example:
      nhr build                      # raw_pdfs/*.pdf → parsed/*.parquet
      nhr extract raw_pdfs/nachhaltigkeitsreport-2025-04.pdf --format json
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # damaged streams: we report per file, not per object


ENGINES = ("pdfplumber", "pdfium")
engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="Layout engine: pdfplumber (reference) or pdfium (about 10x faster, same records). "
    "[default: 'engine' in config/nhr.yaml, else pdfplumber]",
)


def default_engine(engine: str | None) -> str:
    """The --engine given, else config/nhr.yaml's `engine`, else pdfplumber (config validated first)."""
    from ..config import nhr_settings

    configured()
    return engine or nhr_settings().get("engine", "pdfplumber")


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@main.command()
@click.argument("pdf", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "summary"]),
    default="json",
    show_default=True,
    help="json: the edition in the corpus gold format; summary: counts.",
)
@engine_option
@click.option("--strict", is_flag=True, help="Fail (exit 10) when nhr doubts its reading (extraction doubts).")
def extract(pdf: str, fmt: str, engine: str, strict: bool):
    """Extract one edition PDF and print it.

    \b
    Example:
      nhr extract raw_pdfs/nachhaltigkeitsreport-2025-04.pdf --format json > 2025-04.json
    """
    engine = default_engine(engine)  # validates the configuration before the stages load their profile
    from ..config import limits
    from ..model.export import to_gold
    from ..store.build import extract_isolated
    from ..surfaces.check import edition_doubt_line

    ed = extract_isolated(Path(pdf), engine, 1, limits())
    if ed.chars and (w := unassigned_warning(pdf, ed.chars.body, ed.chars.unassigned)):
        click.echo(f"nhr: warning: {one_line(w)}", err=True)
    if doubted := edition_doubt_line(ed, pdf):
        click.echo(f"nhr: warning: {one_line(doubted)}", err=True)
    if fmt == "json":
        echo(safe_json(json.dumps(to_gold(ed), ensure_ascii=False, indent=1)))
    else:
        n = sum(1 for _ in ed.projects())
        echo(
            f"{ed.edition} (Stand {ed.stand}): {len(ed.themes)} themes, {n} projects, "
            f"{sum(len(p.steps) for *_, p in ed.projects())} steps, "
            f"{sum(len(p.committee) for *_, p in ed.projects())} committee entries, "
            f"{sum(len(pl.rows) for pl in ed.project_lists)} list rows, {len(ed.archive)} archive rows, "
            f"{len(ed.anomalies)} anomalies"
        )
    if strict and doubted:
        raise StrictError(f"{pdf}: nhr doubts its reading (extraction doubts above)")


@main.command()
@click.option(
    "--raw",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("raw_pdfs"),
    show_default=True,
    help="Directory with the edition PDFs.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("parsed"),
    show_default=True,
    help="Directory for the Parquet tables.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes (0 = all cores; more than the cores is capped at the cores).",
)
@engine_option
@click.option("--keep-going", is_flag=True, help="Skip bad files, build from the good ones, report the bad at the end.")
@click.option("--strict", is_flag=True, help="Fail (exit 10) when any error-level anomaly is found.")
@click.option("--wait", is_flag=True, help="Wait for another build on the same --out instead of exiting.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def build(
    raw: Path, out: Path, jobs: int, engine: str, keep_going: bool, strict: bool, wait: bool, quiet: bool, as_json: bool
):
    """Extract every PDF in --raw and write all tables to --out (atomically, incrementally).

    \b
    Example:
      nhr build --raw raw_pdfs --out parsed --jobs 2
    """
    engine = default_engine(engine)  # validates the configuration before the stages load their profile
    from ..store.build import build as run
    from ..store.files import build_lock, env_error, is_env
    from ..store.inputs import usable_pdfs

    jobs = min(jobs or cores(), cores())
    try:
        usable_pdfs(raw, keep_going)  # bad input: fail before --out or its lock exists
        with build_lock(out, wait):
            res = run(raw, out, jobs, engine, keep_going, BuildProgress(not (quiet or as_json)))
    except OSError as e:
        if not is_env(e):
            raise
        raise env_error(e, out) from e
    sev = _severities(out, res, strict)
    _summary(res, out, sev, quiet, as_json)
    _finish(res, out, sev, strict)


class BuildProgress:
    """The build's `progress(done, total)`: a bar on stderr, drawn only when `shown` and stderr is a terminal."""

    def __init__(self, shown: bool):
        self.shown = shown
        self.bar: Any = None  # click's bar, entered at the first file

    def __call__(self, done: int, total: int) -> None:
        """One more file extracted."""
        if not self.shown or not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="extracting PDFs", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(1)
        if done == total:
            self.bar.__exit__(None, None, None)


def _finish(res, out: Path, sev: dict, strict: bool) -> None:
    """The build's warnings and errors on stderr, then its exit: the worst error's code, or --strict's."""
    from .check import built_doubt_lines

    warnings = _unassigned_warnings(out)
    doubted = built_doubt_lines(out)
    for w in warnings + doubted:
        click.echo(f"nhr: warning: {one_line(w)}", err=True)
    for m in res.messages():
        click.echo(f"nhr: error: {one_line(m)}", err=True)
    if res.errors:
        sys.exit(max(e.code for e in res.errors))
    if strict and sev.get("error"):
        raise StrictError(f"{sev['error']} error-level anomalies (see {out}/anomalies.parquet)")
    if strict and warnings:
        raise StrictError(f"{len(warnings)} editions leave text in no record (see {out}/anomalies.parquet)")
    if strict and doubted:
        raise StrictError(f"{len(doubted)} editions carry extraction doubts (see {out}/anomalies.parquet)")


def _unassigned_warnings(out: Path) -> list[str]:
    """The unassigned-text warning of every edition in the built tables."""
    import pyarrow.parquet as pq

    path = out / "editions.parquet"
    if not path.exists():
        return []
    cols = ["source_file", "chars_body", "chars_unassigned"]
    rows = pq.read_table(path, columns=cols).to_pylist()
    return [w for r in rows if (w := unassigned_warning(r["source_file"], r["chars_body"], r["chars_unassigned"]))]


def _summary(res, out: Path, sev: dict, quiet: bool, as_json: bool) -> None:
    """The build's summary table (or JSON) on stdout, with the configuration directory it used."""
    from ..config import config_source

    conf = config_source()
    summary = {
        "config": {"path": str(conf.path.resolve()), "origin": conf.origin},
        "editions": res.editions_ids,
        "up_to_date": res.up_to_date,
        "extracted": len(res.extracted),
        "from_cache": len(res.cached),
        "rows": res.counts,
        "anomalies_by_severity": sev,
        "seconds": round(res.seconds, 2),
        "errors": res.messages(),
        "notes": res.notes,
    }
    if as_json:
        echo(safe_json(json.dumps(summary, ensure_ascii=False, indent=1)))
        return
    if quiet:
        return
    if res.up_to_date:
        echo(f"{out}/ is up to date ({len(res.editions_ids)} editions, nothing changed; {res.seconds:.2f}s)")
    else:
        echo(
            f"built {len(res.editions_ids)} editions into {out}/ in {res.seconds:.1f}s "
            f"({len(res.extracted)} PDFs parsed, {len(res.cached)} from cache)"
        )
    for k in ("editions", "projects", "steps", "committee", "list_rows", "archive_printed", "anomalies"):
        echo(f"  {k:<16} {res.counts.get(k, 0):>6}")
    echo("  anomalies by severity: " + (", ".join(f"{k} {v}" for k, v in sorted(sev.items())) or "none"))
    echo(f"  configuration: {conf.path.resolve()} ({conf.origin})")
    for n in res.notes:
        echo(f"  note: {one_line(n)}")


def _anomaly_rows(out: Path) -> list[str]:
    """The severity of every anomaly in the built tables (OSError or ArrowException when unreadable)."""
    import pyarrow.parquet as pq

    return [str(s) for s in pq.read_table(out / "anomalies.parquet", columns=["severity"]).column(0).to_pylist()]


def _severities(out: Path, res, strict: bool) -> dict:
    """Anomalies counted by severity. Unreadable anomalies fail --strict (it cannot vouch for what it did not
    read); without --strict they are a warning."""
    import pyarrow as pa

    if not res.counts:
        return {}
    try:
        rows = _anomaly_rows(out)
    except (OSError, pa.ArrowException) as e:
        problem = f"cannot read {out}/anomalies.parquet ({type(e).__name__}: {e})"
        if strict:
            raise StrictError(f"{problem}; --strict cannot check the anomalies") from e
        click.echo(f"nhr: warning: {one_line(problem)}", err=True)
        return {}
    sev: dict = {}
    for r in rows:
        sev[r] = sev.get(r, 0) + 1
    return sev


@main.command("check")
@click.argument("pdf", type=click.Path(dir_okay=False))
def check_cmd(pdf: str):
    """Check a new producer's file: both engines, their agreement, the extraction doubts, the text accounting
    and a verdict. Exit 0 clean, 10 extraction doubts, 13 the engines disagree (docs/producers.md).

    \b
    Example:
      nhr check new-edition.pdf
    """
    default_engine(None)  # validates the configuration before the stages load their profile
    from .check import check, report_lines

    res = check(Path(pdf))
    for line in report_lines(res):
        echo(line)
    sys.exit(res.code)


@main.command("date")
@click.argument("texts", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def date_cmd(texts, as_json: bool):
    """Parse report date strings and print interval, precision and qualifier.

    \b
    Example:
      nhr date "3. Qu. 2022" "seit 09/2024" "2023/24"
    """
    configured()  # before the parser loads its words from lang-de.yaml
    from ..parse.dates import parse_date

    res = [parse_date(t) for t in texts]
    if as_json:
        echo(safe_json(json.dumps([r.to_json() for r in res], ensure_ascii=False, indent=1)))
        return
    for r in res:
        echo(f"{r.raw!r:32} {str(r.start or '-'):10} … {str(r.end or '-'):10}  {r.precision:<10} {r.qualifier}")
    if any(not r.understood for r in res):
        sys.exit(EXIT_NOT_UNDERSTOOD)


PARSED = click.option(
    "--parsed",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("parsed"),
    show_default=True,
    help="Directory with the tables written by 'nhr build'.",
)
FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)


def ready(parsed: Path) -> None:
    """Before reading tables: roll an interrupted commit forward, or refuse in one line (EnvError)."""
    from ..store.files import ready as roll_forward

    roll_forward(parsed)


def _read(fn, parsed: Path, *a):
    """fn(parsed, *a) once an interrupted commit is rolled forward (TablesMissing, UsageError: one line)."""
    ready(parsed)
    return fn(parsed, *a)


@main.command()
@click.argument("old")
@click.argument("new")
@PARSED
@FORMAT
def diff(old: str, new: str, parsed: Path, fmt: str):
    """What changed between two editions, grouped by kind, with numbers old → new and pages.

    \b
    Example:
      nhr diff 2024-10 2025-04
      nhr diff 2024-10 2025-04 --format csv > changes.csv
    """
    from . import audit

    rows = _read(audit.diff, parsed, old, new)
    if fmt == "csv":
        rows = [{k: cell(v) for k, v in r.items()} for r in rows]
    text = audit.render(rows, fmt, audit.diff_text)
    echo(safe_json(text) if fmt == "json" else text)


@main.command("history")
@click.argument("project")
@PARSED
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def history_cmd(project: str, parsed: Path, as_json: bool):
    """One project's status spells, milestones added per edition and committee papers.

    PROJECT is a project_id, a number as printed ("1.1.2.1") or EDITION:NUMBER ("2024-10:1.1.2.1").

    \b
    Example:
      nhr history 2025-04:1.1.1.1
    """
    from . import audit

    h = _read(audit.history, parsed, project)
    echo(safe_json(json.dumps(h, ensure_ascii=False, indent=1, default=str)) if as_json else audit.history_text(h))


@main.command("audit")
@PARSED
@FORMAT
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
def audit_cmd(parsed: Path, fmt: str, as_json: bool):
    """Cross-checks with evidence: printed vs rebuilt archive, list vs body, since-dates vs
    observed transitions, late-reported status changes, what a newer edition rewrites or drops of an
    older one (audit_findings) and each edition's own errors (anomalies), grouped by kind.

    \b
    Example:
      nhr audit --parsed parsed
      nhr audit --format csv > audit.csv
    """
    from . import audit

    a = _read(audit.audit, parsed)
    if fmt == "csv" and not as_json:  # cells a spreadsheet would run are neutralised
        a = {k: [{c: cell(v) for c, v in r.items()} for r in rows] for k, rows in a.items()}
    text = audit.render_audit(a, "json" if as_json else fmt)
    echo(safe_json(text) if as_json or fmt == "json" else text)


@main.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("report.html"),
    show_default=True,
    help="HTML file to write.",
)
@PARSED
@click.option(
    "--raw",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory with the edition PDFs (for the evidence crops). "
    "[default: where the build read each PDF, else raw_pdfs]",
)
def report(old: str, new: str, output: Path, parsed: Path, raw: Path | None):
    """Write the audit page: every change between two editions with the printed evidence from both
    PDFs, a filter, and the anomalies; one static HTML file.

    \b
    Example:
      nhr report 2024-10 2025-04 -o report.html
    """
    from ..store.files import env_error, write_bytes
    from .report import build_report

    page = _read(build_report, parsed, raw, old, new)
    try:
        write_bytes(output, page.encode("utf-8"))
    except OSError as e:
        raise env_error(e, output) from e
    echo(f"wrote {output} ({len(page) // 1024} KB)")


@main.command()
@click.argument("query")
@PARSED
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--unsafe",
    is_flag=True,
    help="Give the query DuckDB's full powers (files, network, extensions, settings) over views of the "
    "Parquet files. Default: a sandbox that can read only the tables of --parsed and write nothing.",
)
def sql(query: str, parsed: Path, fmt: str, unsafe: bool):
    """Run a SQL query on the tables of --parsed (and the convenience views) and print the result.

    Safe by default: the tables are loaded into an in-memory DuckDB with file access, extension
    install/autoload and setting changes disabled, so a query can read nothing else and write nothing.

    \b
    Example:
      nhr sql "SELECT edition, status, count(*) FROM projects GROUP BY ALL ORDER BY ALL"
      nhr sql "SELECT * FROM status_counts_by_theme_edition" --format csv
    """
    from ..store.warehouse import query as run_query

    ready(parsed)
    answer = run_query(parsed, query, unsafe)  # TablesMissing: exit 3; DuckDB's errors: UsageError, exit 2
    PRINTERS[fmt](answer.columns, answer.rows)


def _print_json(cols: list[str], rows: list[tuple]) -> None:
    """A query's rows as a JSON list of objects."""
    echo(safe_json(json.dumps([dict(zip(cols, r)) for r in rows], ensure_ascii=False, indent=1, default=str)))


def _print_csv(cols: list[str], rows: list[tuple]) -> None:
    """A query's rows as CSV, every cell safe for a spreadsheet."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([cell(c) for c in cols])
    w.writerows([[cell(v) for v in r] for r in rows])
    echo(buf.getvalue(), nl=False)


def _print_table(cols: list[str], rows: list[tuple]) -> None:
    """A query's rows as an aligned text table (cells on one line, cut at SQL_CELL_CHARS), then the row count."""
    cells = [[clean("" if v is None else str(v)).replace("\n", " ").replace("\t", " ") for v in r] for r in rows]
    cols = [clean(c) for c in cols]
    widths = [min(SQL_CELL_CHARS, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(cols)]
    line = lambda vals: "  ".join(v[:SQL_CELL_CHARS].ljust(w) for v, w in zip(vals, widths))
    echo(line(cols))
    echo("  ".join("-" * w for w in widths))
    for r in cells:
        echo(line(r))
    echo(f"({len(rows)} rows)")


PRINTERS = {"json": _print_json, "csv": _print_csv, "table": _print_table}


if __name__ == "__main__":
    main()
