"""One error hierarchy: every failure nhr reports to a user is an NhrError carrying its exit code (docs/reference.md
"Exit codes"); `cli.main` maps it once to one line. Any other exception is a bug: exit 1."""

from __future__ import annotations

from pathlib import Path

EXIT_INTERNAL = 1  # a bug
EXIT_NOT_UNDERSTOOD = 1  # `nhr date` met a string it does not understand
EXIT_USAGE = 2
EXIT_UNREADABLE = 3  # not a PDF, empty, truncated, corrupted; tables or PDFs a command needs are missing
EXIT_ENCRYPTED = 4
EXIT_NO_TEXT = 5  # scanned: no text layer
EXIT_FOREIGN = 6  # a PDF, but not an edition of this report
EXIT_DRIFT = 7  # structure drifted: too few projects readable
EXIT_DUPLICATE = 8  # two different files of the same edition
EXIT_LOCKED = 9
EXIT_STRICT = 10  # --strict and error-level anomalies or extraction doubts; `nhr check`: extraction doubts
EXIT_LIMIT = 11  # a file exceeds a resource limit (pages, glyphs, bytes, memory, seconds)
EXIT_ENV = 12  # the machine refused: permissions, read-only or full disk, unwritable output
EXIT_DISAGREE = 13  # `nhr check`: the two engines read the file into different models


class NhrError(Exception):
    """A failure to report as one line (str(self)) with the process exit code `exit_code`."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str = "", exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def code(self) -> int:
        """The exit code (the name InputError has always had)."""
        return self.exit_code


class UsageError(NhrError):
    """A wrong argument: an unknown edition or project, a failed or refused SQL query."""

    exit_code = EXIT_USAGE


class ConfigError(NhrError):
    """The configuration is missing or malformed; the message names the file."""

    exit_code = EXIT_USAGE


class InputError(NhrError):
    """A bad input file: the message is "PATH: problem"; the exit code is 3..8 or 11 by the problem."""

    exit_code = EXIT_UNREADABLE

    def __init__(self, path: str | Path, problem: str, code: int | None = None):
        super().__init__(f"{path}: {problem}", code)
        self.path, self.problem = str(path), problem

    def __reduce__(self):
        """Picklable across worker processes with its path, problem and code."""
        return type(self), (self.path, self.problem, self.exit_code)


class DriftError(InputError):
    """An edition whose structure drifted so far that most projects cannot be read."""

    exit_code = EXIT_DRIFT


class DuplicateEditionError(InputError):
    """Two files of the same edition with different records."""

    exit_code = EXIT_DUPLICATE


class ExtractError(NhrError):
    """The file is a PDF but not an edition of the report we can read."""

    exit_code = EXIT_FOREIGN


class LimitError(NhrError):
    """A file exceeded a configured resource limit; str(self) is the one-line problem."""

    exit_code = EXIT_LIMIT


class LockedError(NhrError):
    """Another build holds the lock on the output directory."""

    exit_code = EXIT_LOCKED


class StrictError(NhrError):
    """`--strict` and the build found what it must not (error-level anomalies, unreadable anomalies)."""

    exit_code = EXIT_STRICT


class EnvError(NhrError):
    """The machine refused (permissions, read-only or full disk): one line naming the path."""

    exit_code = EXIT_ENV


class TablesMissing(NhrError):
    """Tables a command needs are not in --parsed: run 'nhr build' first."""

    exit_code = EXIT_UNREADABLE


class PdfMissing(NhrError):
    """A PDF a command needs (the audit page's evidence) is not where the build read it, nor under --raw."""

    exit_code = EXIT_UNREADABLE


class PdfMismatch(NhrError):
    """The PDF found is not the one the tables were built from."""

    exit_code = EXIT_UNREADABLE


class WorkerError(Exception):
    """A bug of nhr inside an extraction worker: not an NhrError, so it is exit 1 (internal error) with the
    worker's traceback, chained as a RemoteTraceback, shown under -v."""


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker process, as text (the cause of a WorkerError)."""

    def __str__(self) -> str:
        return "\n" + str(self.args[0] if self.args else "")
