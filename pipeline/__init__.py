"""nhr: turn the PDF editions of the Nachhaltigkeitsreport into audited, typed tables."""

__version__ = "0.3.0"
