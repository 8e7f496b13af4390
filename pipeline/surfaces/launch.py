"""The `nhr` command's entry: what runs before the command line is imported and after its command returned.

Before: a build that will extract starts its workers' forkserver first thing, so that it boots (a fresh
interpreter importing the extractors, ~0.3 s) while this process imports the command line and hashes the
PDFs, not after. The command line is only glanced at here; click parses it as always, and a wrong glance
costs a forkserver preloaded for the other engine, never a different result.
After: the process ends once its output is flushed and its exit handlers have run, without the interpreter's
teardown (freeing every object and library, ~0.1 s after a build): nothing is written then.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from . import DEFAULT_PARSED, DEFAULT_RAW, EXIT_BROKEN_PIPE

GLOBAL_FLAGS = ("-v", "--verbose")  # the group's options that may stand before the command name


def main() -> NoReturn:
    """`nhr`: the workers of a build started early, the command line run, the process ended at once."""
    prestart(sys.argv[1:])
    from .cli import main as command

    run(command)


def run(command: Any) -> NoReturn:
    """Run a click command as a program (it ends by SystemExit), then end the process with its exit status."""
    try:
        command.main()
        code: object = 0
    except SystemExit as e:
        code = e.code
    exit_now(code)


class BuildTarget(NamedTuple):
    """What the arguments of an `nhr build` name: --raw, --out and --engine (None: the configured one)."""

    raw: str
    out: str
    engine: str | None


def build_target(argv: Sequence[str]) -> BuildTarget | None:
    """--raw, --out and --engine when the arguments run `nhr build` (help aside), else None."""
    args = list(argv)
    while args and args[0] in GLOBAL_FLAGS:
        args.pop(0)
    if not args or args[0] != "build":
        return None
    got: dict[str, str | None] = {"--raw": DEFAULT_RAW, "--out": DEFAULT_PARSED, "--engine": None}
    rest = args[1:]
    for i, arg in enumerate(rest):
        if arg in ("-h", "--help"):
            return None
        name, eq, value = arg.partition("=")
        if name in got:
            got[name] = value if eq else (rest[i + 1] if i + 1 < len(rest) else None)
    raw, out = got["--raw"], got["--out"]
    return BuildTarget(raw, out, got["--engine"]) if raw and out else None


def prestart(argv: Sequence[str]) -> None:
    """Start the forkserver now when these arguments run a build that will extract every PDF (its --raw a
    folder, nothing built in its --out yet). Only a head start: whatever stands in the way (a broken
    configuration, an unreadable folder, even a bug here) is left to the command, which meets it again and
    reports it as it always does."""
    try:
        target = build_target(argv)
        if target is None or not os.path.isdir(target.raw):
            return
        from ..layout.engines import LIBRARIES
        from ..store.boot import nothing_built, start

        engine = target.engine
        if engine is None:  # the configuration read only when no --engine is given
            from ..config import engine_setting

            engine = engine_setting()
        if isinstance(engine, str) and engine in LIBRARIES and nothing_built(Path(target.out), engine):
            start(engine)
    except Exception:  # noqa: BLE001 (a head start that cannot be had is no error: the command says what is wrong)
        return


def exit_now(code: object) -> NoReturn:
    """End the process with `code` (SystemExit's meaning: None is 0, a message is printed and is 1): output
    flushed (a reader of stdout that went away is exit 141, quietly, unless the command failed already),
    exit handlers run, no teardown."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        if sys.stderr is not None:
            print(code, file=sys.stderr)
        code = 1
    if _flush(sys.stdout) and not code:
        code = EXIT_BROKEN_PIPE
    _flush(sys.stderr)
    atexit._run_exitfuncs()  # logging's flush, multiprocessing's and tempfile's clean-up, as at a normal exit
    end_forkserver()
    os._exit(code)


def end_forkserver() -> None:
    """End the workers' forkserver this process started, at once: left to itself it notices the command is gone
    and tears its interpreter down (~0.05 s), holding the command's stdout and stderr open meanwhile (a pipe
    into another program, or a caller reading them to the end, waits for it). It holds nothing but preloaded
    code: the build's workers have ended before."""
    forkserver = sys.modules.get("multiprocessing.forkserver")
    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if isinstance(pid, int):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _flush(stream) -> bool:
    """Flush a standard stream (None when its descriptor was closed at start-up); True when its reader went
    away."""
    try:
        if stream is not None:
            stream.flush()
    except BrokenPipeError:
        return True
    except (OSError, ValueError):  # closed or gone: nothing more can reach it
        pass
    return False
