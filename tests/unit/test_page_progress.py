"""The build's page progress: every page a worker tells is counted, the telling ends with the pool (not at the
reader's next poll), and a silent build asks its workers for no page messages at all."""

from __future__ import annotations

import threading

from pipeline.store import stopping
from pipeline.store.workers import page_pipe
from pipeline.surfaces.buildview import BuildProgress


def test_every_page_told_and_the_reader_ends_with_the_pipe(monkeypatch):
    monkeypatch.setattr(stopping, "PAGE_POLL", 60.0)  # were the end of the pipe missed, the reader would hang on
    told: list[int] = []
    pipe = page_pipe()
    with stopping.pages_told(pipe, lambda: told.append(1)):
        for _ in range(25):
            pipe[1].send_bytes(b"p")  # as each worker does per page
    assert len(told) == 25
    assert pipe[1].closed and pipe[0].closed
    assert not [t for t in threading.enumerate() if t.name == "nhr-pages"]


def test_no_pipe_when_nobody_listens():
    with stopping.pages_told((None, None), None):
        pass
    assert not [t for t in threading.enumerate() if t.name == "nhr-pages"]


def test_a_silent_build_asks_for_no_page_messages():
    assert BuildProgress(False).page is None
    shown = BuildProgress(True)
    assert shown.page is not None
    shown.page()
    shown.page()
    assert shown.pages == 2
