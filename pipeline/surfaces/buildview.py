"""What `nhr build` shows while it runs and when it ends: progress on stderr from the first second, and what
each new or changed edition brings (new anomalies, doubts, findings, late reports) with the next command."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

TICK = 0.5  # s between redraws of the progress line on a terminal
PLAIN_EVERY = 3.0  # s between "still extracting" lines when stderr is not a terminal


class BuildProgress:
    """The build's `progress(done, total)` and a ticker: on a terminal one line redrawn every TICK (phase,
    files done, seconds); elsewhere plain lines at each step and every PLAIN_EVERY seconds. Silent when not
    `shown`."""

    def __init__(self, shown: bool, stream=None):
        self.shown = shown
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.t0 = time.monotonic()
        self.phase = "reading the PDFs"
        self.done = self.total = self.pages = 0
        self.last_plain = self.t0
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None
        # a silent build asks its workers for no page messages (the build reads `page` to decide)
        self.page: Callable[[], None] | None = self._page if shown else None

    def start(self, what: str) -> None:
        """The build begins: say so at once, then keep the line alive."""
        if not self.shown:
            return
        self._plain(f"nhr build: {what}")
        self.thread = threading.Thread(target=self._tick, daemon=True, name="nhr-progress")
        self.thread.start()

    def __call__(self, done: int, total: int) -> None:
        """Extraction started (done 0) or one more file extracted."""
        self.done, self.total = done, total
        self.phase = "extracting"
        if done == 0:
            self._plain(f"nhr build: extracting {total} PDF{'s' if total != 1 else ''}")
        else:
            self._plain(f"nhr build: extracted {done}/{total} ({self.pages} pages, {self._secs()})")
        if done and done == total:
            self.phase = "writing the tables"

    def _page(self) -> None:
        """A worker read one more page (the ticker shows the count)."""
        self.pages += 1

    def stop(self) -> None:
        """The build ended (or failed): clear the terminal line."""
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()
        if self.shown and self.tty:
            self._write("\r\033[K")

    def _secs(self) -> str:
        return f"{time.monotonic() - self.t0:.0f}s"

    def _tick(self) -> None:
        while not self.stopped.wait(TICK):
            count = f" {self.done}/{self.total} PDFs, {self.pages} pages read" if self.total else ""
            if self.tty:
                self._write(f"\r\033[K… {self.phase}{count} · {self._secs()}")
            elif time.monotonic() - self.last_plain >= PLAIN_EVERY:
                self._plain(f"nhr build: still {self.phase}{count} ({self._secs()})")

    def _plain(self, line: str) -> None:
        """A line of its own (on a terminal: over the redrawn one)."""
        if not self.shown:
            return
        self.last_plain = time.monotonic()
        self._write(("\r\033[K" if self.tty else "") + line + "\n")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # stderr gone: progress is not worth failing the build
            pass


def changed_editions(res) -> list[str]:
    """The editions this build read from a new or changed PDF (not from the cache)."""
    names = {Path(f).name for f in res.extracted}
    return sorted(e.edition for e in res.editions if Path(e.source).name in names)


def news(parsed: Path, res) -> list[dict]:
    """What each new or changed edition brings over the one before it (empty when nothing was built)."""
    from .audit import edition_news

    changed = set(changed_editions(res))
    if not changed or not (parsed / "editions.parquet").exists():
        return []
    return [n for n in edition_news(parsed) if n["edition"] in changed]


def next_command(items: list[dict]) -> str:
    """The command to run next: the audit page of the newest changed edition and the one before it."""
    if not items:
        return "nhr audit previous latest"
    last = items[-1]
    if not last["previous"]:
        return "nhr audit"
    return f"nhr report {last['previous']} {last['edition']} -o report.html"


def counted(n: int, one: str, many: str | None = None) -> str:
    """'1 finding', '3 findings'."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def news_lines(items: list[dict]) -> list[str]:
    """One line per new or changed edition, then the next command."""
    out = []
    for n in items:
        doubts = f", {n['doubts']} doubts" if n.get("doubts") is not None else ""
        since = f" since {n['previous']}" if n["previous"] else ""
        out.append(
            f"  {n['edition']}: {counted(n['new_anomalies'], 'new anomaly', 'new anomalies')}{since} "
            f"({n['carried_anomalies']} carried over){doubts}, {counted(n['findings'], 'finding')}, "
            f"{counted(n['late_reported'], 'late report')}"
        )
    out.append(f"  next: {next_command(items)}")
    return out
