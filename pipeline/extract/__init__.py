"""Extraction stage: lines → the report's tree (segment), fields, printed tables, the Edition record and its checks."""
