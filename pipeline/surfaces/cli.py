"""nhr — the command line. Exit codes: docs/reference.md ("Exit codes")."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from pathlib import Path

import click

from .. import __version__
from ..config import ENGINES
from ..errors import EXIT_INTERNAL, EXIT_NOT_UNDERSTOOD, EXIT_STRICT, NhrError, StrictError, UsageError
from ..extract.accounting import unassigned_warning
from . import DEFAULT_PARSED, DEFAULT_RAW, EXIT_BROKEN_PIPE, EXIT_INTERRUPTED

# what never reaches a terminal raw: C0 and C1 controls, DEL, and the bidi marks, embeddings, overrides and
# isolates (a file name, PDF text or SQL result could move the cursor, retitle the window or reorder a line)
UNSAFE = r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
CONTROL = re.compile(UNSAFE)
CONTROL_IN_TEXT = re.compile(r"(?![\t\n])" + UNSAFE)  # the same but tab and newline (text and JSON layout)
FORMULA = ("=", "+", "-", "@", "\t", "\r")
SQL_CELL_CHARS = 60  # characters: where a cell of `nhr sql`'s text table is cut (--width changes it)
FORMATS = ("text", "csv", "json")


def clean(text: str) -> str:
    """Text for a terminal: control characters (escape sequences, bidi overrides) removed; newline and tab kept."""
    return CONTROL_IN_TEXT.sub("", text)


def one_line(text: str) -> str:
    """A message on exactly one line: newlines and other control characters shown escaped."""
    return CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def safe_json(text: str) -> str:
    """JSON output with the controls json leaves raw (C1, DEL, bidi) written as \\u escapes (still valid JSON;
    the newlines and tabs of its layout stay)."""
    return CONTROL_IN_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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
    from ..config import validate_config

    validate_config()


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
        except BrokenPipeError:
            pipe_closed()
        except KeyboardInterrupt:
            fail("interrupted (Ctrl-C); nothing was changed", EXIT_INTERRUPTED)
        except Exception as e:
            if broken_pipe(e):
                pipe_closed()
            bug(e, bool(ctx.params.get("verbose")))


def broken_pipe(e: BaseException) -> bool:
    """An error that says the reader of stdout went away (`nhr sql … | head -1`)."""
    import errno

    return isinstance(e, OSError) and e.errno == errno.EPIPE


def pipe_closed():
    """The reader of stdout went away: end quietly with 141 (stdout pointed at /dev/null so the interpreter's
    final flush cannot complain)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (a test runner's buffer)
        pass
    sys.exit(EXIT_BROKEN_PIPE)


def bug(e: Exception, verbose: bool):
    """An exception nhr did not expect: exit 1, the traceback under -v, else one line saying so."""
    if verbose:
        import traceback

        traceback.print_exception(e, file=sys.stderr)
    where = "" if verbose else "; run with -v for the traceback"
    fail(f"internal error (a bug in nhr, not in your files): {type(e).__name__}: {e}{where}", EXIT_INTERNAL)


@click.group(cls=Nhr, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="nhr")
@click.option("-v", "--verbose", is_flag=True, help="Log each step to stderr; show the traceback of an internal error.")
def main(verbose: bool):
    """nhr: turn the Nachhaltigkeitsreport PDF editions into audited Parquet tables.

    Every command that prints records takes --format text|csv|json. Editions are named by id (2024-10)
    or as latest / previous. Shell completion: eval "$(_NHR_COMPLETE=bash_source nhr)".

    \b
    Example:
      nhr build                      # raw_pdfs/*.pdf → parsed/*.parquet
      nhr editions                   # what was built
      nhr report previous latest     # the audit page of the two newest editions
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # damaged streams: we report per file, not per object


def format_option(default: str = "text", names: tuple[str, ...] = FORMATS):
    """--format: how a command prints its records (text for people, csv and json for machines)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(names),
        default=default,
        show_default=True,
        help="text for people; csv (cells safe for a spreadsheet) or json for machines.",
    )


FORMAT = format_option()
JSON_ALIAS = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")


engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="Layout engine: pdfplumber (reference) or pdfium (about 10x faster, same records). "
    "[default: 'engine' in config/nhr.yaml, else pdfplumber]",
)


def default_engine(engine: str | None) -> str:
    """The --engine given, else config/nhr.yaml's `engine`, else pdfplumber (the configuration validated first,
    so that a mistake in it is one line before any PDF is opened)."""
    from ..config import engine_setting

    configured()
    return engine or engine_setting()


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
    type=click.Choice(["json", "text", "csv", "summary"]),
    default="json",
    show_default=True,
    help="json: the edition in the corpus gold format; text (or summary): counts; csv: one row per project.",
)
@engine_option
@click.option("--strict", is_flag=True, help="Fail (exit 10) when nhr doubts its reading (extraction doubts).")
def extract(pdf: str, fmt: str, engine: str, strict: bool):
    """Extract one edition PDF and print it.

    \b
    Example:
      nhr extract raw_pdfs/nachhaltigkeitsreport-2025-04.pdf --format json > 2025-04.json
    """
    engine = default_engine(engine)  # a bad configuration: one line before any PDF is opened
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
    elif fmt == "csv":
        from ..model.rows import edition_rows

        print_csv(edition_rows(ed)["projects"])
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
    default=Path(DEFAULT_RAW),
    show_default=True,
    help="Directory with the edition PDFs.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(DEFAULT_PARSED),
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
@format_option()
@JSON_ALIAS
def build(
    raw: Path,
    out: Path,
    jobs: int,
    engine: str,
    keep_going: bool,
    strict: bool,
    wait: bool,
    quiet: bool,
    fmt: str,
    as_json: bool,
):
    """Extract every PDF in --raw and write all tables to --out (atomically, incrementally).

    Progress goes to stderr from the start; the summary names each new or changed edition with its new
    anomalies, findings and late reports, and the command to run next. Ctrl-C stops at once (exit 130)
    and leaves --out as it was. --format json (or --json) prints JSON on stdout, also when the build fails.

    \b
    Example:
      nhr build --raw raw_pdfs --out parsed --jobs 2
    """
    from .buildview import news

    fmt = "json" if as_json else fmt
    try:
        res, sev = _build(raw, out, jobs, engine, keep_going, wait, strict, quiet or fmt != "text")
        items = [] if quiet and fmt == "text" else news(out, res)  # what each changed edition brings, unless -q
    except NhrError as e:
        if fmt == "json":  # a machine reading stdout gets JSON either way
            echo(json.dumps({"ok": False, "error": one_line(str(e)), "exit_code": e.exit_code}, ensure_ascii=False))
        raise
    except KeyboardInterrupt:
        fail(f"interrupted (Ctrl-C); {out}/ keeps the tables of the last complete build", EXIT_INTERRUPTED)
    _summary(res, out, sev, quiet, fmt, items)
    _finish(res, out, sev, strict)


def _build(raw: Path, out: Path, jobs: int, engine: str, keep_going: bool, wait: bool, strict: bool, silent: bool):
    """Run the build with progress on stderr: (BuildResult, anomalies by severity)."""
    engine = default_engine(engine)  # a bad configuration: one line before any PDF is opened
    from ..store.inputs import usable_pdfs
    from .buildview import BuildProgress

    jobs = min(jobs or cores(), cores())
    progress = BuildProgress(not silent)
    try:
        pdfs, _ = usable_pdfs(raw, keep_going)  # bad input: fail before --out or its lock exists
        progress.start(f"{len(pdfs)} PDFs in {raw}/, {jobs} worker{'s' if jobs != 1 else ''}, engine {engine}")
        from ..store.boot import nothing_built, start

        if nothing_built(out, engine):  # every PDF will be extracted: the workers boot while the build imports
            start(engine)
        from ..store.build import build as run  # the extractors take a second to import: said after the first line
        from ..store.files import build_lock

        with build_lock(out, wait):
            res = run(raw, out, jobs, engine, keep_going, progress)
    except OSError as e:
        from ..store.files import env_error, is_env

        if not is_env(e):
            raise
        raise env_error(e, out) from e
    finally:
        progress.stop()
    return res, _severities(out, res, strict)


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
    from ..model.parquet import read_parquet

    path = out / "editions.parquet"
    if not path.exists():
        return []
    cols = ["source_file", "chars_body", "chars_unassigned"]
    rows = read_parquet(path, columns=cols).to_pylist()
    return [w for r in rows if (w := unassigned_warning(r["source_file"], r["chars_body"], r["chars_unassigned"]))]


PER_EDITION_COUNTS = ("editions", "projects", "steps", "committee", "list_rows", "archive_printed", "anomalies")
NEWS_FIELDS = ["edition", "previous", "new_anomalies", "carried_anomalies", "findings", "late_reported", "doubts"]


def _summary(res, out: Path, sev: dict, quiet: bool, fmt: str, items: list[dict]) -> None:
    """The build's summary (text, csv of the changed editions, or JSON) on stdout, with the configuration
    directory it used."""
    from ..config import config_source
    from .buildview import news_lines, next_command

    conf = config_source()
    summary = {
        "ok": not res.errors,
        "config": {"path": str(conf.path.resolve()), "origin": conf.origin},
        "editions": res.editions_ids,
        "changed_editions": items,
        "next": next_command(items),
        "up_to_date": res.up_to_date,
        "extracted": len(res.extracted),
        "from_cache": len(res.cached),
        "rows": res.counts,
        "anomalies_by_severity": sev,
        "seconds": round(res.seconds, 2),
        "errors": res.messages(),
        "notes": res.notes,
    }
    if fmt == "json":
        echo(safe_json(json.dumps(summary, ensure_ascii=False, indent=1)))
        return
    if fmt == "csv":
        print_csv(items, NEWS_FIELDS)
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
    for line in news_lines(items):
        echo(line)
    for k in (*PER_EDITION_COUNTS, "audit_findings", "late_reported"):
        echo(f"  {k:<16} {res.counts.get(k, 0):>6}")
    echo("  anomalies by severity: " + (", ".join(f"{k} {v}" for k, v in sorted(sev.items())) or "none"))
    echo(f"  configuration: {conf.path.resolve()} ({conf.origin})")
    for n in res.notes:
        echo(f"  note: {one_line(n)}")


def print_csv(rows: list[dict], fields: list[str] | None = None) -> None:
    """Records as CSV (header: `fields`, else the first record's keys), every cell safe for a spreadsheet."""
    import csv
    import io

    buf = io.StringIO()
    if rows or fields:
        w = csv.DictWriter(buf, fieldnames=fields or list(rows[0]))
        w.writeheader()
        w.writerows([{k: cell(v) for k, v in r.items()} for r in rows])
    echo(buf.getvalue(), nl=False)


def _anomaly_rows(out: Path) -> list[str]:
    """The severity of every anomaly in the built tables (OSError or ArrowException when unreadable)."""
    from ..model.parquet import read_parquet

    return [str(s) for s in read_parquet(out / "anomalies.parquet", columns=["severity"]).column(0).to_pylist()]


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
    default_engine(None)  # a bad configuration: one line before any PDF is opened
    from .check import check, report_lines

    res = check(Path(pdf))
    for line in report_lines(res):
        echo(line)
    sys.exit(res.code)


@main.command("date")
@click.argument("texts", nargs=-1, required=True)
@FORMAT
@JSON_ALIAS
def date_cmd(texts, fmt: str, as_json: bool):
    """Parse report date strings and print interval, precision and qualifier (exit 1 when one is not
    understood).

    \b
    Example:
      nhr date "3. Qu. 2022" "seit 09/2024" "2023/24"
    """
    configured()
    from ..parse.dates import parse_date

    res = [parse_date(t) for t in texts]
    fmt = "json" if as_json else fmt
    if fmt == "json":
        echo(safe_json(json.dumps([r.to_json() for r in res], ensure_ascii=False, indent=1)))
    elif fmt == "csv":
        print_csv([r.to_json() for r in res])
    else:
        for r in res:
            echo(f"{r.raw!r:32} {str(r.start or '-'):10} … {str(r.end or '-'):10}  {r.precision:<10} {r.qualifier}")
    if any(not r.understood for r in res):
        sys.exit(EXIT_NOT_UNDERSTOOD)


PARSED = click.option(
    "--parsed",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(DEFAULT_PARSED),
    show_default=True,
    help="Directory with the tables written by 'nhr build'.",
)


def ready(parsed: Path) -> None:
    """Before reading tables: roll an interrupted commit forward, or refuse in one line (EnvError)."""
    from ..store.files import ready as roll_forward

    roll_forward(parsed)


def _read(fn, parsed: Path, *a):
    """fn(parsed, *a) once an interrupted commit is rolled forward (TablesMissing, UsageError: one line)."""
    ready(parsed)
    return fn(parsed, *a)


def print_records(rows: list[dict], fmt: str, text_fn) -> None:
    """Records in the chosen format: text by `text_fn`, csv safe for a spreadsheet, json."""
    if fmt == "json":
        echo(safe_json(json.dumps(rows, ensure_ascii=False, indent=1, default=str)))
    elif fmt == "csv":
        print_csv(rows)
    else:
        echo(text_fn(rows))


@main.command()
@PARSED
@FORMAT
def editions(parsed: Path, fmt: str):
    """The editions in the tables: Stand, file, pages, engine, anomalies, doubts and when they were built.

    \b
    Example:
      nhr editions
      nhr editions --format json
    """
    from .audit import editions_list, editions_text

    print_records(_read(editions_list, parsed), fmt, editions_text)


@main.command()
@click.argument("old", default="previous")
@click.argument("new", default="latest")
@PARSED
@FORMAT
def diff(old: str, new: str, parsed: Path, fmt: str):
    """What changed between two editions, grouped by kind, with numbers old → new and pages.

    OLD and NEW are edition ids (2024-10) or latest / previous; the older comes first (a reversed pair
    is refused, exit 2). Without them: previous latest.

    \b
    Example:
      nhr diff 2024-10 2025-04
      nhr diff previous latest --format csv > changes.csv
    """
    from . import audit

    print_records(_read(audit.diff, parsed, old, new), fmt, audit.diff_text)


@main.command("history")
@click.argument("project")
@PARSED
@FORMAT
@JSON_ALIAS
def history_cmd(project: str, parsed: Path, fmt: str, as_json: bool):
    """One project's editions, status spells, how it left (its Archiv row), milestones and committee papers.

    PROJECT is a project_id, a number as printed ("1.1.2.1"), EDITION:NUMBER ("2024-10:1.1.2.1") or
    words of its title ("Insektenschutz"; when several projects match, they are listed). csv: one row
    per edition of the project.

    \b
    Example:
      nhr history 2025-04:1.1.1.1
      nhr history Insektenschutz
    """
    from . import audit

    h = _read(audit.history, parsed, project)
    fmt = "json" if as_json else fmt
    if fmt == "json":
        echo(safe_json(json.dumps(h, ensure_ascii=False, indent=1, default=str)))
    elif fmt == "csv":
        print_csv(h["editions"])
    else:
        echo(audit.history_text(h))


@main.command("audit")
@click.argument("old", required=False)
@click.argument("new", required=False)
@PARSED
@FORMAT
@JSON_ALIAS
@click.option(
    "--fail-on",
    type=click.Choice(["info", "warning", "error"]),
    default=None,
    help="Exit 10 when the audit shows anything new at this severity or worse (for CI). Rows without a "
    "severity (archive, since dates, late reports) count as warnings; with a pair, anomalies carried over "
    "from OLD do not count.",
)
def audit_cmd(old: str | None, new: str | None, parsed: Path, fmt: str, as_json: bool, fail_on: str | None):
    """Cross-checks with evidence: printed vs rebuilt archive, list vs body, since-dates vs observed
    transitions, late-reported status changes, what a newer edition rewrites or drops of an older one
    (audit_findings) and each edition's own anomalies, grouped by kind; an anomaly printed in several
    editions is one row naming them.

    With OLD NEW (edition ids or latest / previous, the older first): only what concerns that pair, and
    NEW's anomalies with those carried over from OLD counted, not repeated.

    \b
    Example:
      nhr audit
      nhr audit previous latest --fail-on warning
      nhr audit --format csv > audit.csv
    """
    from . import audit

    if (old is None) != (new is None):
        raise UsageError("give two editions (OLD NEW) or none")
    if old is not None and new is not None:
        old, new = _read(audit.pair, parsed, old, new, "audit")
    a = _read(audit.audit, parsed, old, new)
    fmt = "json" if as_json else fmt
    if fmt == "csv":  # cells a spreadsheet would run are neutralised
        a_out = {k: [{c: cell(v) for c, v in r.items()} for r in rows] for k, rows in a.items()}
    else:
        a_out = a
    text = audit.render_audit(a_out, fmt)
    echo(safe_json(text) if fmt == "json" else text, nl=fmt != "csv")
    if fail_on and (n := audit.failing(a, fail_on)):
        fail(f"{n} audit rows at {fail_on} or worse (--fail-on {fail_on})", EXIT_STRICT)


@main.command()
@click.argument("old", default="previous")
@click.argument("new", default="latest")
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
    """Write the audit page of two editions: every change, the late reports, the findings between them
    and the anomalies new in NEW, each with crops of both PDFs; one static HTML file in German.

    OLD and NEW are edition ids or latest / previous, the older first (a reversed pair is refused,
    exit 2). Without them: previous latest.

    \b
    Example:
      nhr report 2024-10 2025-04 -o report.html
    """
    from ..store.files import env_error, write_bytes
    from .audit import pair
    from .report import build_report

    old, new = _read(pair, parsed, old, new, "report")
    page = build_report(parsed, raw, old, new)
    try:
        write_bytes(output, page.encode("utf-8"))
    except OSError as e:
        raise env_error(e, output) from e
    echo(f"wrote {output} ({len(page) // 1024} KB)")


@main.command()
@click.argument("query")
@PARSED
@format_option("table", ("table", "text", "csv", "json"))
@click.option(
    "--width",
    type=click.IntRange(min=4),
    default=SQL_CELL_CHARS,
    show_default=True,
    help="Characters a cell of the text table shows; a longer one is cut and ends in '…' (csv and json: in full).",
)
@click.option(
    "--unsafe",
    is_flag=True,
    help="Give the query DuckDB's full powers (files, network, extensions, settings) over views of the "
    "Parquet files. Default: a sandbox that can read only the tables of --parsed and write nothing.",
)
def sql(query: str, parsed: Path, fmt: str, width: int, unsafe: bool):
    """Run a SQL query on the tables of --parsed (and the convenience views) and print the result.

    Safe by default: the tables are loaded into an in-memory DuckDB with file access, extension
    install/autoload and setting changes disabled, so a query can read nothing else and write nothing.
    --format table (or text) cuts cells at --width with a '…'; csv and json print every value in full.

    \b
    Example:
      nhr sql "SELECT edition, status, count(*) FROM projects GROUP BY ALL ORDER BY ALL"
      nhr sql "SELECT * FROM status_counts_by_theme_edition" --format csv
    """
    from ..store.warehouse import query as run_query

    ready(parsed)
    answer = run_query(parsed, query, unsafe)  # TablesMissing: exit 3; DuckDB's errors: UsageError, exit 2
    if fmt in ("table", "text"):
        _print_table(answer.columns, answer.rows, width)
    else:
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


def cut(text: str, width: int) -> str:
    """A cell cut to `width` characters, a cut one ending in '…'."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_table(cols: list[str], rows: list[tuple], width: int = SQL_CELL_CHARS) -> None:
    """A query's rows as an aligned text table (cells on one line, cut at `width` with '…'), then the row count."""
    cells = [
        [cut(clean("" if v is None else str(v)).replace("\n", " ").replace("\t", " "), width) for v in r] for r in rows
    ]
    cols = [cut(clean(c), width) for c in cols]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    line = lambda vals: "  ".join(v.ljust(w) for v, w in zip(vals, widths)).rstrip()  # noqa: E731
    echo(line(cols))
    echo("  ".join("-" * w for w in widths))
    for r in cells:
        echo(line(r))
    echo(f"({len(rows)} rows)")


PRINTERS = {"json": _print_json, "csv": _print_csv}


if __name__ == "__main__":
    main()
