"""What users touch: the CLI, the audit, the audit page, the data dictionary."""

DEFAULT_PARSED = "parsed"  # the tables' folder when no --out (or --parsed) is given
