"""A build's worker pool, told and stopped: page progress from the workers, Ctrl-C held while they start, and
killed at once when the build is interrupted."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def pages_told(pipe, on_page) -> Iterator[None]:
    """While the pool runs, a thread tells `on_page()` of each page a worker sends on `pipe` (reader, writer).
    At the end the parent's writing end is closed first: once the workers are gone the reader sees the end of
    the pipe at once, instead of at its next poll (up to PAGE_POLL later, the whole build waiting)."""
    reader, writer = pipe
    if reader is None:
        yield
        return
    done = threading.Event()

    def drain() -> None:  # every message, to the end of the pipe (or, should a writer linger, till `done`)
        with contextlib.suppress(OSError, EOFError):
            while True:
                if reader.poll(PAGE_POLL):
                    reader.recv_bytes()
                    on_page()
                elif done.is_set():
                    return

    t = threading.Thread(target=drain, daemon=True, name="nhr-pages")
    t.start()
    try:
        yield
    finally:
        writer.close()
        done.set()
        t.join(STOP_WAIT)
        reader.close()


PAGE_POLL = 0.2  # s the page-progress thread waits for a message before it checks whether the pool is done


@contextlib.contextmanager
def sigint_held() -> Iterator[None]:
    """Ctrl-C held back while worker processes start: it is raised (KeyboardInterrupt) once they have, so
    none is left half started (only in the main thread, where Python handles signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: came.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
    if came:
        raise KeyboardInterrupt


STOP_WAIT = 1.0  # s to wait for a killed worker process to be gone


def stop(ex) -> None:
    """Kill a pool's worker processes, wait until they are gone, drop its queued files (the build was
    interrupted)."""
    procs = list((getattr(ex, "_processes", None) or {}).values())
    for proc in procs:
        with contextlib.suppress(OSError):
            proc.kill()
    for proc in procs:
        proc.join(STOP_WAIT)
    ex.shutdown(wait=False, cancel_futures=True)
