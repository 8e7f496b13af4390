"""Every kind a build emits is registered (pipeline/model/kinds.py) and documented in docs/data.md, with the
registry's severity and source: on the corpus builds of both engines and on every corpus and variant PDF as
each engine reads it here; the misread renderings
(test_misread_classes.py), the broken renderings (test_doubts.py) and a hostile file (test_hostile.py) check
theirs with `assert_documented`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import pyarrow.parquet as pq
import pytest
from conftest import READ_ENGINES, READ_PDFS, ROOT

from pipeline.across.crossed import MATCHED_SEVERITY
from pipeline.surfaces.docs import every_kind

ROW = re.compile(r"^\| `(\w+)` \| (\w+) \| (\w+) \| ")


@cache
def documented() -> dict[str, tuple[str, str]]:
    """kind → (source, severity) as docs/data.md's "Audit rules" table prints them."""
    text = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    section = text.split("\n## Audit rules\n", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): (m.group(2), m.group(3)) for ln in section.splitlines() if (m := ROW.match(ln))}


def assert_documented(kinds: Iterable[str]) -> None:
    """Each kind is registered and has its row in docs/data.md."""
    kinds = set(kinds)
    assert kinds - set(every_kind()) == set(), "emitted but not registered"
    assert kinds - set(documented()) == set(), "registered but not in docs/data.md (make docs)"


def test_docs_list_what_the_registry_holds():
    assert documented() == {k.kind: (k.source, k.severity) for k in every_kind().values()}


@pytest.mark.parametrize("which", ["built", "pdfium_build"])
def test_every_kind_a_corpus_build_emits_is_registered_and_documented(request, which):
    out = request.getfixturevalue(which)[1]
    rows = [r for t in ("anomalies", "audit_findings") for r in pq.read_table(out / f"{t}.parquet").to_pylist()]
    assert len({r["kind"] for r in rows}) >= 10  # the corpus has many kinds: the test reads real rows
    assert_documented(r["kind"] for r in rows)
    for r in rows:
        source, severity = documented()[r["kind"]]
        downgraded = r["kind"] == "archive_mismatch" and r["severity"] == MATCHED_SEVERITY  # its meaning says when
        assert (r["source"], r["severity"]) == (source, severity) or downgraded, r


def test_every_kind_a_corpus_or_variant_reading_emits_is_registered_and_documented(emitted_kinds):
    """The extraction anomalies of each corpus and variant PDF, read by each engine (the session's readings)."""
    assert len(emitted_kinds) == len(READ_PDFS) * len(READ_ENGINES) and all(emitted_kinds.values())
    for (name, engine), emitted in emitted_kinds.items():
        assert_documented(kind for kind, _, _ in emitted)
        for kind, source, severity in emitted:
            assert (source, severity) == documented()[kind], (name, engine, kind)
