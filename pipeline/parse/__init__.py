"""Parsers of the report's small languages: date strings and committee lines."""
