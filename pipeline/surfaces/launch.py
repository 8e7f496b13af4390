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
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import DEFAULT_PARSED

GLOBAL_FLAGS = ("-v", "--verbose")  # the group's options that may stand before the command name
EXIT_BROKEN_PIPE = 141  # the reader of stdout went away (128 + SIGPIPE), as `cat` would end


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


def build_target(argv: Sequence[str]) -> tuple[str, str | None] | None:
    """(--out, --engine or None) when the arguments run `nhr build` (help aside), else None."""
    args = list(argv)
    while args and args[0] in GLOBAL_FLAGS:
        args.pop(0)
    if not args or args[0] != "build":
        return None
    got = {"--out": DEFAULT_PARSED, "--engine": None}
    rest = args[1:]
    for i, arg in enumerate(rest):
        if arg in ("-h", "--help"):
            return None
        name, eq, value = arg.partition("=")
        if name in got:
            got[name] = value if eq else (rest[i + 1] if i + 1 < len(rest) else None)
    out = got["--out"]
    return (out, got["--engine"]) if out else None


def prestart(argv: Sequence[str]) -> None:
    """Start the forkserver now when these arguments run a build that will extract every PDF (nothing built in
    its --out yet); anything in the way (a broken configuration, an unreadable folder) is left to the command,
    which reports it."""
    target = build_target(argv)
    if target is None:
        return
    from ..errors import NhrError
    from ..layout.engines import LIBRARIES
    from ..store.boot import nothing_built, start

    out, engine = target
    try:
        engine = engine or _configured_engine()  # the configuration read only when the command line names none
        if engine in LIBRARIES and nothing_built(Path(out), engine):
            start(engine)
    except (NhrError, OSError):
        return


def _configured_engine() -> str:
    from ..config import engine_setting

    return engine_setting()


def exit_now(code: object) -> NoReturn:
    """End the process with `code` (SystemExit's meaning: None is 0, a message is printed and is 1): output
    flushed (a reader of stdout that went away is exit 141, quietly), exit handlers run, no teardown."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = EXIT_BROKEN_PIPE
    except (OSError, ValueError):  # stdout closed or gone: nothing more can reach it
        pass
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    atexit._run_exitfuncs()  # logging's flush, multiprocessing's and tempfile's clean-up, as at a normal exit
    os._exit(code)
