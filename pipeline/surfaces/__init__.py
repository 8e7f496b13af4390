"""What users touch: the CLI, the audit, the audit page, the data dictionary."""

DEFAULT_PARSED = "parsed"  # the tables' folder when no --out (or --parsed) is given
DEFAULT_RAW = "raw_pdfs"  # the edition PDFs' folder when no --raw is given
# the exits a command takes by the shell's conventions, not by an NhrError (pipeline/errors.py)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
EXIT_BROKEN_PIPE = 141  # the reader of stdout went away (128 + SIGPIPE), as `cat` would end
