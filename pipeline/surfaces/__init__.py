"""What users touch: the CLI, the audit, the audit page, the data dictionary."""
