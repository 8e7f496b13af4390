"""What users touch: the CLI, the audit, the audit page, the data dictionary."""

DEFAULT_PARSED = "parsed"  # the tables' folder when no --out (or --parsed) is given
DEFAULT_RAW = "raw_pdfs"  # the edition PDFs' folder when no --raw is given
