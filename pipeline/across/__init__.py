"""Across editions: stable project identities, status history, audit findings between editions."""
