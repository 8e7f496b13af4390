"""Printed text made comparable: the one whitespace rule every stage compares and quotes text by."""

from __future__ import annotations


def norm(text: str | None) -> str:
    """Whitespace-collapsed text (runs of any whitespace → one space, none at either end; None → "")."""
    return " ".join((text or "").split())
