"""One file extracted, as a build's worker process does it: check, limits, layout, assembly, the refusal of a
file that is no edition; every failure a one-line Failure, a bug of nhr its traceback.

What the forkserver preloads for every worker (with the extractors and the engine), so it imports nothing of
the build's writing side (tables, cache, DuckDB): the workers boot sooner.
"""

from __future__ import annotations

import os
import time
import traceback
from typing import NamedTuple

from ..config import Limits
from ..errors import DriftError, ExtractError, LimitError
from ..model.kinds import register
from ..model.records import Anomaly, Edition
from .files import fault
from .inputs import EXIT_FOREIGN, EXIT_INTERNAL, EXIT_LIMIT, EXIT_UNREADABLE, InputError, check_pdf, from_engine
from .workers import Repeat, Timeout, check_limits, origin, repeated_pages, run_limited, said

REPEATED_PAGES = register(
    "repeated_pages",
    "error",
    "Pages of the file repeat the text of earlier pages (a faulty merge): the file is not one clean edition.",
    source="report",
)
MIN_READABLE = 0.8  # share of an edition's projects that must be readable, else it is refused as drifted
ENGINE_DETAIL_CHARS = 120  # characters of a PDF engine's own message kept in the one-line error


class Failure(NamedTuple):
    """A file the build could not use: the one-line message (naming the file) and its exit code."""

    message: str
    code: int


class Job(NamedTuple):
    """One file for a worker process: the private copy to read, the user's name for it, and how to read it."""

    path: str
    display: str
    engine: str
    jobs: int
    limits: Limits
    conf: str  # the build's configuration directory, for the worker's $NHR_CONFIG
    origin: str  # the parent's `pipeline` package (workers.origin()): the worker must run the same code


class Outcome(NamedTuple):
    """One file's extraction as a worker returns it: the user's name for it, its Edition or its Failure, the
    seconds it took, what the PDF libraries said meanwhile, the traceback of a bug, and the worker's code."""

    file: str
    edition: Edition | None
    error: Failure | None
    seconds: float
    said: tuple[str, ...] = ()
    trace: str = ""  # a bug's traceback in the worker (Failure code EXIT_INTERNAL)
    origin: str = ""  # the worker's `pipeline` package


def repeated_anomaly(pairs: list[Repeat], pages: int) -> list[Anomaly]:
    """Pages whose text repeats an earlier page (a faulty merge, or on purpose): an error, not a clean edition."""
    if not pairs:
        return []
    first, again = pairs[0]
    return [
        REPEATED_PAGES.anomaly(
            again,
            f"{len(pairs)} of {pages} pages repeat the text of an earlier page (first: page {again} "
            f"repeats page {first}); the file is not one clean edition",
        )
    ]


def refuse_unreadable(ed: Edition, path: str) -> None:
    """Refuse an edition that is none (no themes or projects) or whose structure drifted so far that most
    projects cannot be read."""
    projects = [p for _, _, _, p in ed.projects()]
    listed = sum(len(pl.rows) for pl in ed.project_lists)
    if not ed.themes or not projects:
        raise InputError(
            path, "no themes or projects found: not an edition of the Nachhaltigkeitsreport?", EXIT_FOREIGN
        )
    readable = sum(1 for p in projects if p.since_label and p.description_label is not None)
    expected = max(len(projects), listed)
    if readable < MIN_READABLE * expected:
        raise DriftError(
            path,
            f"structure drifted: only {readable} of {expected} projects readable "
            f"(need {MIN_READABLE:.0%}); refusing to write half an edition",
        )


def extract_checked(
    path: str, engine: str = "pdfplumber", jobs: int = 1, limits: Limits | None = None, display: str | None = None
) -> Edition:
    """check_pdf + limits + extract + refuse_unreadable; every failure becomes an InputError with a one-line message
    naming `display` (the user's file name when `path` is a private copy)."""
    from ..extract.edition import extract  # the workers' code: the parent of a build never loads it

    name = display or path
    try:
        n = check_pdf(path)
        if limits is not None:
            check_limits(path, n, engine, limits, jobs)
        ed = extract(path, engine, jobs)
    except InputError as e:
        raise type(e)(name, e.problem, e.code) from e
    except (LimitError, Timeout, MemoryError) as e:
        raise InputError(name, limit_problem(e, limits), EXIT_LIMIT) from e
    except ExtractError as e:
        raise InputError(name, str(e), e.exit_code) from e
    except Exception as e:  # the engines failing inside a damaged stream; anything else is a bug of ours
        if not from_engine(e):
            raise
        raise InputError(
            name, f"damaged PDF content ({type(e).__name__}: {str(e)[:ENGINE_DETAIL_CHARS]})", EXIT_UNREADABLE
        ) from e
    if limits is not None:
        ed.anomalies.extend(repeated_anomaly(repeated_pages(), n))
    refuse_unreadable(ed, name)
    return ed


def limit_problem(e: BaseException, limits: Limits | None) -> str:
    """The one-line problem for a limit hit inside extraction."""
    if isinstance(e, MemoryError):
        mb = limits.memory_mb if limits else "?"
        return f"needs more memory than the limit of {mb} MB (limits.memory_mb); a stream inflating to gigabytes?"
    if isinstance(e, Timeout):
        secs = limits.seconds_per_file if limits else "?"
        return f"took longer than the limit of {secs} s (limits.seconds_per_file)"
    return str(e)


def _work(job: Job) -> Outcome:
    """One file in a worker process, under the time limit; what the libraries said comes back with it."""
    t = time.perf_counter()
    here = origin()
    if here != job.origin:  # never extract with other code than the build's
        wrong = Failure(
            f"{job.display}: internal error (the worker runs nhr from {here}, the build from {job.origin})",
            EXIT_INTERNAL,
        )
        return Outcome(job.display, None, wrong, 0.0, origin=here)
    ed, failure, trace = _extract_in_worker(job)
    return Outcome(job.display, ed, failure, time.perf_counter() - t, tuple(said()), trace, here)


def _extract_in_worker(job: Job) -> tuple[Edition | None, Failure | None, str]:
    """extract_checked under the time limit: the Edition, or the Failure (and a bug's traceback)."""
    os.environ["NHR_CONFIG"] = job.conf  # the build's configuration, not the one the forkserver started with
    display, limits = job.display, job.limits
    try:
        fault("extracting")  # test hook (NHR_FAULT=bug:extracting: a bug of nhr in the worker)
        ed = run_limited(limits.seconds_per_file, extract_checked, job.path, job.engine, job.jobs, limits, display)
        return ed, None, ""
    except InputError as e:
        return None, Failure(str(e), e.code), ""
    except (LimitError, Timeout) as e:  # the alarm rang outside extraction (refuse_unreadable, page checks)
        return None, Failure(f"{display}: {limit_problem(e, limits)}", EXIT_LIMIT), ""
    except Exception as e:  # a bug: say so, never blame the file; the traceback goes to the parent
        failure = Failure(f"{display}: internal error ({type(e).__name__}: {e})", EXIT_INTERNAL)
        return None, failure, traceback.format_exc()
