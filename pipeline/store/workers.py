"""Extraction workers that cannot outlive or block the build, under per-file resource limits.

Workers come from a forkserver (a fresh interpreter started by exec), so they never inherit the build
lock or any other open file of the build; each dies with the build (PR_SET_PDEATHSIG, and a watchdog
polling the build's pid) and runs under RLIMIT_AS (memory), RLIMIT_CPU and an alarm (seconds), so a
hostile file ends as a one-line limit error, not a hung machine. The forkserver starts in safe-path mode
(PYTHONSAFEPATH): the working directory is never on its `sys.path`, so a folder named `pipeline` (or
`json`) where the user stands is never imported; each worker then checks it runs the parent's `pipeline`.
What the PDF libraries print in a worker (log records, warnings, C-level writes to stderr) is captured
and handed back with the file's outcome, never written to the terminal."""

from __future__ import annotations

import ctypes
import hashlib
import logging
import multiprocessing as mp
import os
import resource
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple

from ..config import Limits
from ..errors import LimitError
from ..layout.engines import libraries, on_every_page
from ..model.records import RawPage
from .boot import start

SAID_LINES = 20  # lines of what the libraries said kept per file (the rest counted)
SAID_BYTES = 64 * 1024  # bytes of a worker's captured stderr read back per file
PR_SET_PDEATHSIG = 1
WATCH_EVERY = 0.25  # s between the watchdog's checks that the build process still runs
WATCHDOG_EXIT = 70  # a worker's exit status when its build has gone (EX_SOFTWARE)
CPU_SLACK = 5  # s of CPU time past the per-file limit before RLIMIT_CPU ends what the alarm could not
MIN_SIGNATURE_CHARS = 200  # non-space characters a page needs before its text can count as a repeat


class Timeout(BaseException):
    """The per-file alarm rang (a BaseException, so no `except Exception` in a PDF library swallows it)."""


def origin() -> str:
    """Where this process's `pipeline` package lives: a worker must run the very code its build runs."""
    import pipeline

    return os.path.realpath(pipeline.__file__)


def pool(n: int, limits: Limits, engine: str = "pdfium", fork: bool = False, pages=None) -> ProcessPoolExecutor:
    """A pool of `n` fresh worker processes, each bound to this process's life and to `limits`. With `fork`,
    forked from this process instead of the forkserver: no interpreter to boot and nothing to import again,
    for one job of a process that holds no lock and runs no thread (`nhr extract`). With `pages` (the writing
    end of page_pipe) each worker sends a message on it per page read."""
    if fork and threading.active_count() == 1:
        forked = mp.get_context("fork")
        args = (os.getpid(), limits, pages, _mapped_bytes())
        return ProcessPoolExecutor(n, mp_context=forked, initializer=_init, initargs=args)
    start(engine)
    ctx = mp.get_context("forkserver")
    # (not max_tasks_per_child=1: on Python 3.11 a pool shut down early then hangs; limits are per task)
    return ProcessPoolExecutor(n, mp_context=ctx, initializer=_init, initargs=(os.getpid(), limits, pages))


def page_pipe():
    """(reader, writer): a pipe the workers of `pool` tell each page they read on (a small message is one
    atomic write, so a worker killed mid-way can never leave a lock held or half a message)."""
    return mp.get_context("forkserver").Pipe(duplex=False)


PAGE_QUEUE: list = []  # in a worker: the pipe end to tell each page read on, when the build listens


def _mapped_bytes() -> int:
    """This process's address space now: a forked worker inherits it, so its memory cap comes on top."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def _init(parent: int, limits: Limits, pages=None, inherited: int = 0) -> None:
    """Worker start: die with the build, leave Ctrl-C to it (it kills its workers), capture what libraries
    print, then cap memory (CPU is capped per file, in run_limited) above what a forked worker inherited."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if pages is not None:
        PAGE_QUEUE[:] = [pages]
    die_with(parent)
    capture_output()
    mem = limits.memory_mb * 1024 * 1024 + inherited
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))


class _Said(logging.Handler):
    """Keeps the log records of this worker (pdfminer's, pypdfium2's, warnings) as lines, for the parent."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.dropped = 0

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.lines) >= SAID_LINES:
            self.dropped += 1
            return
        try:
            msg = record.getMessage()
        except Exception:  # a library's malformed log call: keep what it meant to say
            msg = str(record.msg)
        self.lines.append(f"{record.name}: {msg}")


_SAID = _Said()
_STDERR: list = []  # the file this worker's fd 2 writes to


def capture_output() -> None:
    """Route every log record and warning to _SAID and the process's stderr (fd 2: C code writes there
    too) to a private temporary file; `said()` hands both back after each file."""
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(_SAID)
    root.setLevel(logging.WARNING)
    for name in libraries():  # a forked worker inherits the command's levels (pdfminer: errors only)
        logging.getLogger(name).setLevel(logging.NOTSET)
    logging.captureWarnings(True)
    if not _STDERR:
        f = tempfile.TemporaryFile()
        os.dup2(f.fileno(), 2)
        _STDERR.append(f)


def said() -> list[str]:
    """What the libraries said since the last call (log records, then stray stderr lines), and forget it."""
    lines, dropped = _SAID.lines, _SAID.dropped
    _SAID.lines, _SAID.dropped = [], 0
    if _STDERR:
        sys.stderr.flush()
        f = _STDERR[0]
        f.seek(0)
        raw = f.read(SAID_BYTES)
        f.seek(0)
        f.truncate()
        for line in raw.decode("utf-8", "replace").splitlines():
            if line.strip() and len(lines) < SAID_LINES:
                lines.append(f"stderr: {line}")
            elif line.strip():
                dropped += 1
    return lines + ([f"(and {dropped} more)"] if dropped else [])


_AT_FORK: list = []


def die_with(parent: int) -> None:
    """Exit when the build process `parent` is gone, however it died (kill -9, OOM killer); processes
    this worker forks (page-range pools) get the same guard."""
    if not _AT_FORK:
        _AT_FORK.append(parent)
        os.register_at_fork(after_in_child=lambda: die_with(parent))
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watchdog alone
        pass
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="nhr-watchdog").start()


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, killed but not yet reaped, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True


def _watch(parent: int) -> None:
    while _alive(parent):
        time.sleep(WATCH_EVERY)
    os._exit(WATCHDOG_EXIT)


def _on_alarm(signum, frame):
    raise Timeout()


def run_limited(seconds: int, fn, *args):
    """Call fn(*args) in this worker, raising Timeout when it runs longer than `seconds`; RLIMIT_CPU a
    little above that is the backstop for C code the alarm cannot interrupt (SIGXCPU ends the worker)."""
    old = signal.signal(signal.SIGALRM, _on_alarm)
    cpu = resource.getrlimit(resource.RLIMIT_CPU)
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime) + seconds + CPU_SLACK
    resource.setrlimit(resource.RLIMIT_CPU, (soft if cpu[1] == resource.RLIM_INFINITY else min(soft, cpu[1]), cpu[1]))
    signal.alarm(seconds)
    try:
        return fn(*args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        resource.setrlimit(resource.RLIMIT_CPU, cpu)


PAGES: dict[int, str | None] = {}  # page number → text signature, of the file this process extracts


def _signature(text: str) -> str | None:
    """A page's text fingerprint; None for pages with too little text to call a repeat (blank, dividers)."""
    t = "".join(text.split())
    return hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest() if len(t) >= MIN_SIGNATURE_CHARS else None


def check_limits(path: str, pages: int, engine: str, limits: Limits, jobs: int = 1) -> None:
    """Refuse a file over the page limit; guard every page's glyph count (before pdfplumber's slow parse,
    with PDFium's quick count; during the pdfium engine's own pass) and fingerprint every page's text."""
    if pages > limits.pages_per_file:
        raise LimitError(f"{pages} pages, more than the limit of {limits.pages_per_file} (limits.pages_per_file)")
    PAGES.clear()
    guard_engines(limits)
    if engine == "pdfium" and jobs <= 1:
        return  # the guarded engine counts and fingerprints in its own pass, at no extra cost
    prescan(path, limits)


def prescan(path: str, limits: Limits) -> None:
    """PDFium's quick pass: glyphs per page (before any slow parse) and each page's text fingerprint."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            n = tp.count_chars()
            _check_glyphs(i + 1, n, limits)
            PAGES[i + 1] = _signature(tp.get_text_range())
            tp.close()
            page.close()
    finally:
        pdf.close()


class Repeat(NamedTuple):
    """A page whose text repeats an earlier page's."""

    first: int  # the earlier page
    again: int  # the page repeating it


def repeated_pages() -> list[Repeat]:
    """Every page whose text repeats an earlier one, in the last file checked."""
    first: dict[str, int] = {}
    pairs: list[Repeat] = []
    for n in sorted(PAGES):
        sig = PAGES[n]
        if sig is None:
            continue
        if sig in first:
            pairs.append(Repeat(first[sig], n))
        else:
            first[sig] = n
    return pairs


def _check_glyphs(page: int, n: int, limits: Limits) -> None:
    if n > limits.glyphs_per_page:
        raise LimitError(
            f"page {page} has {n} glyphs, more than the limit of {limits.glyphs_per_page} (limits.glyphs_per_page)"
        )


_GUARD: list[Limits] = []  # the limits of the file this (worker) process extracts


def _guard_page(page: RawPage) -> None:
    """The worker's hook on every page read: the glyph limit, the page's text fingerprint, the progress."""
    _check_glyphs(page.number, len(page.chars), _GUARD[0])
    PAGES[page.number] = _signature("".join([c.text for c in page.chars]))
    for q in PAGE_QUEUE:  # the build's progress: one more page read
        q.send_bytes(b"p")


def guard_engines(limits: Limits) -> None:
    """Stop extraction in this (worker) process at a page over the glyph limit (a per-page hook of the layout)."""
    _GUARD[:] = [limits]
    on_every_page(_guard_page)
