"""Fuzz: mutated corpus PDFs (seeded) give either records or a clear error — never a traceback."""

import random

import pytest
from conftest import pdf_of

from pipeline.store.build import extract_checked
from pipeline.store.inputs import EXIT_INTERNAL, InputError

N = 200


OPS = ["truncate", "flip", "zero", "duplicate", "delete"]


def mutate(data: bytes, rng: random.Random, op: str) -> bytes:
    b = bytearray(data)
    i = rng.randrange(len(b))
    k = rng.randint(1, 4096)
    if op == "truncate":
        return bytes(b[:i])
    if op == "flip":
        for _ in range(rng.randint(1, 64)):
            j = rng.randrange(len(b))
            b[j] ^= 1 << rng.randrange(8)
        return bytes(b)
    if op == "zero":
        b[i : i + k] = bytes(len(b[i : i + k]))
        return bytes(b)
    if op == "duplicate":
        return bytes(b[:i] + b[i : i + k] + b[i:])
    return bytes(b[:i] + b[i + k :])


@pytest.mark.slow
def test_mutated_pdfs_never_crash(tmp_path):
    data = pdf_of("2022-10").read_bytes()
    rng = random.Random(20261125)
    outcomes = {"records": 0}
    plumbed: set[str] = set()  # pdfplumber (1.4 s a file) reads the first mutant of each kind, pdfium the rest
    for n in range(N):
        f = tmp_path / f"m{n:03d}.pdf"
        op = rng.choice(OPS)
        f.write_bytes(mutate(data, rng, op))
        engine = "pdfium" if op in plumbed else "pdfplumber"
        plumbed.add(op)
        try:
            ed = extract_checked(str(f), engine)
            assert ed.edition == "2022-10" and sum(1 for _ in ed.projects()) > 0
            outcomes["records"] += 1
        except InputError as e:
            assert e.code != EXIT_INTERNAL and str(e).startswith(str(f)) and "\n" not in str(e)
            outcomes[e.code] = outcomes.get(e.code, 0) + 1
        f.unlink()
    print(outcomes)
    assert outcomes["records"] > 0 and len(outcomes) > 1 and plumbed == set(OPS)
