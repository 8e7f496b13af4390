"""Every Parquet table of a corpus build, byte for byte, against `tests/data/tables.sha256`.

A refactoring (the move into stage subpackages, a split function) must not change one byte of output.
An intended output change regenerates the snapshot and is recorded in CHANGELOG.md:
    nhr build --engine pdfium --out /tmp/snap && (cd /tmp/snap && sha256sum *.parquet) > tests/data/tables.sha256
"""

import hashlib

from conftest import DATA


def test_tables_byte_identical_to_snapshot(pdfium_build):
    pdfium_tables = pdfium_build[1]
    want = dict(reversed(line.split()) for line in (DATA / "tables.sha256").read_text().splitlines())
    got = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(pdfium_tables.glob("*.parquet"))}
    assert sorted(got) == sorted(want)
    assert [n for n in want if got[n] != want[n]] == []
