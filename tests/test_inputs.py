"""Hostile inputs: one clear line, a documented exit code, and parsed/ byte-identical afterwards."""

import fcntl
import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pikepdf
import pytest
from conftest import RAW, pdf_of, without_progress

from pipeline.store import inputs

FAST = ["--engine", "pdfium"]  # the same records, ~9x faster: for checks that do not depend on the engine


def nhr(*args, cwd=None):
    r = subprocess.run(
        [sys.executable, "-m", "pipeline.surfaces.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )
    return r.returncode, r.stdout, without_progress(r.stderr)


def snapshot(out: Path) -> dict:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.glob("*"))
        if p.is_file() and p.name != ".nhr.lock"
    }


@pytest.fixture
def prebuilt(built, tmp_path):
    """A copy of a finished build (with its extraction cache) to attack."""
    out = tmp_path / "parsed"
    shutil.copytree(built[1], out)
    return out


@pytest.fixture
def prebuilt_fast(pdfium_build, tmp_path):
    """A copy of the session's pdfium build (with its extraction cache), for attacks that do not depend on the
    engine: a PDF read again is read by the fast one."""
    out = tmp_path / "parsed-fast"
    shutil.copytree(pdfium_build[1], out)
    return out


def image_only_pdf(path: Path):
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    doc = pdfium.PdfDocument(str(pdf_of("2022-10")))
    img = doc[6].render(scale=1).to_pil()
    c = canvas.Canvas(str(path))
    c.drawImage(ImageReader(img), 0, 0, 595, 842)
    c.showPage()
    c.save()


def foreign_pdf(path: Path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(3):
        c.drawString(72, 760, f"Rechnung Nr. {4711 + i} – Stand: 01.02.2024")
        c.drawString(72, 740, "Positionen: Beratung, Reisekosten, Material. Summe 1.234,56 EUR")
        c.showPage()
    c.save()


def hostile(kind: str, d: Path) -> Path:
    src = pdf_of("2023-04").read_bytes()
    p = d / f"zz-{kind}.pdf"
    if kind == "not_pdf":
        p.write_bytes(os.urandom(5000))
    elif kind == "empty":
        p.write_bytes(b"")
    elif kind == "truncated":
        p.write_bytes(src[: len(src) // 3])
    elif kind == "bad_xref":
        cut = src.rfind(b"xref")
        p.write_bytes(src[:cut] + b"xref\ngarbage\ntrailer\n<<>>\nstartxref\n999999\n%%EOF\n" + os.urandom(64))
    elif kind == "bad_streams":
        b = bytearray(src)
        for i in range(400, len(b), 37):
            b[i] ^= 0x5A
        p.write_bytes(bytes(b))
    elif kind == "encrypted":
        with pikepdf.open(pdf_of("2023-04")) as pdf:
            pdf.save(p, encryption=pikepdf.Encryption(user="geheim", owner="geheim2"))
    elif kind == "scanned":
        image_only_pdf(p)
    elif kind == "foreign":
        foreign_pdf(p)
    return p


CASES = {
    "not_pdf": (inputs.EXIT_UNREADABLE, "not a PDF"),
    "empty": (inputs.EXIT_UNREADABLE, "empty file"),
    "truncated": (inputs.EXIT_UNREADABLE, "truncated"),
    "bad_streams": (inputs.EXIT_UNREADABLE, "damaged"),
    "encrypted": (inputs.EXIT_ENCRYPTED, "encrypted"),
    "scanned": (inputs.EXIT_NO_TEXT, "OCR"),
    "foreign": (inputs.EXIT_FOREIGN, "not an edition"),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_bad_file_stops_build_and_changes_nothing(kind, raw_copy, prebuilt):
    bad = hostile(kind, raw_copy)
    before = snapshot(prebuilt)
    code, out, err = nhr("build", "--raw", raw_copy, "--out", prebuilt, "--jobs", "1")
    want_code, want_text = CASES[kind]
    lines = err.strip().splitlines()
    assert code == want_code, err
    assert len(lines) == 1 and lines[0].startswith(f"nhr: error: {bad}") and want_text in lines[0], err
    assert "Traceback" not in err + out
    assert snapshot(prebuilt) == before


def test_repairable_xref_gives_the_same_records(raw_copy, prebuilt):
    bad = hostile("bad_xref", raw_copy)
    shutil.move(bad, raw_copy / "nachhaltigkeitsreport-2023-04.pdf")  # the damaged file replaces the good one
    before = snapshot(prebuilt)
    code, out, err = nhr("build", "--raw", raw_copy, "--out", prebuilt)
    assert code == 0 and err == "", err  # what pdfminer says while repairing stays off the terminal
    after = snapshot(prebuilt)
    for t in ("projects.parquet", "steps.parquet", "committee.parquet", "list_rows.parquet", "identity.parquet"):
        assert after[t] == before[t], t


def test_extract_bad_file_one_line(tmp_path):
    bad = hostile("truncated", tmp_path)
    code, out, err = nhr("extract", bad)
    assert code == inputs.EXIT_UNREADABLE and len(err.strip().splitlines()) == 1 and not out


def test_keep_going_builds_the_good_and_reports_the_bad(built, raw_copy, tmp_path):
    """The good PDFs come from the session build's extraction cache (copied): only the bad ones are read."""
    for kind in ("empty", "foreign"):
        hostile(kind, raw_copy)
    out = tmp_path / "out"
    shutil.copytree(built[1] / ".cache", out / ".cache")
    code, stdout, err = nhr("build", "--raw", raw_copy, "--out", out, "--keep-going", "--json")
    assert code == inputs.EXIT_FOREIGN  # the worst of the bad files
    assert len(err.strip().splitlines()) == 2 and "zz-empty.pdf" in err and "zz-foreign.pdf" in err
    import json

    summary = json.loads(stdout)
    assert len(summary["editions"]) == 6 and summary["from_cache"] == 6 and (out / "projects.parquet").exists()


def test_owner_password_only_is_read(raw_copy, tmp_path):
    target = raw_copy / "nachhaltigkeitsreport-2023-04.pdf"
    with pikepdf.open(pdf_of("2023-04")) as pdf:
        pdf.save(tmp_path / "e.pdf", encryption=pikepdf.Encryption(user="", owner="nur-der-besitzer"))
    shutil.copy(tmp_path / "e.pdf", target)
    code, out, err = nhr("extract", target, "--format", "summary")
    assert code == 0 and out.startswith("2023-04 (Stand 01.04.2023)"), err


def test_same_edition_twice(raw_copy, prebuilt_fast):
    """Two files of one edition: the same records are used once, different ones refused (any engine)."""
    shutil.copy(raw_copy / "nachhaltigkeitsreport-2023-04.pdf", raw_copy / "kopie-2023-04.pdf")
    code, out, err = nhr("build", "--raw", raw_copy, "--out", prebuilt_fast, *FAST)
    assert code == 0 and "hold the same records; using kopie-2023-04.pdf" in out
    # same edition, different content: a milestone text changed → refused, nothing written
    g = json.loads(nhr("extract", raw_copy / "kopie-2023-04.pdf", *FAST)[1])
    from render import Style, render

    p = next(p for t in g["themes"] for go in t["goals"] for s in go["sections"] for p in s["projects"] if p["steps"])
    p["steps"][0]["text"] += " (geändert)"
    render(g, str(raw_copy / "kopie-2023-04.pdf"), Style())
    before = snapshot(prebuilt_fast)
    code, out, err = nhr("build", "--raw", raw_copy, "--out", prebuilt_fast, *FAST)
    assert code == inputs.EXIT_DUPLICATE and "edition 2023-04 appears in 2 files with different content" in err
    assert len(err.splitlines()) == 1, err
    assert snapshot(prebuilt_fast) == before


def test_second_build_does_no_pdf_work(built, prebuilt):
    from pipeline.store.build import build

    res = build(RAW, prebuilt, jobs=1)
    assert res.extracted == [] and len(res.cached) == 6 and res.up_to_date


def test_lock_blocks_a_second_build(prebuilt):
    with open(prebuilt / ".nhr.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        code, out, err = nhr("build", "--out", prebuilt)
    assert code == inputs.EXIT_LOCKED and "another nhr build" in err and len(err.splitlines()) == 1


def test_killed_build_leaves_parsed_intact(tmp_path):
    """A build killed (SIGKILL, by the NHR_FAULT hook) right after its first extraction result, while its
    worker reads the next file: parsed/ (extraction cache included) is byte-unchanged, no worker outlives
    the build, and the next build completes. On the fast engine: nothing here depends on the engine."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for e in ("2022-10", "2023-04"):
        shutil.copy(pdf_of(e), raw)
    out = tmp_path / "out"
    assert nhr("build", "--raw", raw, "--out", out, *FAST)[0] == 0
    before = tree(out)
    for e in ("2023-10", "2024-04", "2024-10", "2025-04"):
        shutil.copy(pdf_of(e), raw)
    tag = uuid.uuid4().hex  # inherited by the forkserver and every worker: finds them once orphaned
    log = tmp_path / "build.log"  # a file, not a pipe: a worker left alive would hold a pipe open
    with open(log, "wb") as f:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.surfaces.cli", "build", "--raw", raw, "--out", out, "--jobs", "1", *FAST],
            stdout=f,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NHR_FAULT": "extracted:1", "NHR_TEST_TAG": tag},
        )
        code = proc.wait()
    left = outlived(f"NHR_TEST_TAG={tag}".encode())
    for pid in left:  # ours by the tag: never leave them running
        os.kill(pid, signal.SIGKILL)
    assert code == -signal.SIGKILL, (code, log.read_text())
    assert not left, "workers outlived the build"
    assert tree(out) == before
    assert nhr("build", "--raw", raw, "--out", out, *FAST)[0] == 0  # and the next build completes
    assert tree(out) != before


def tree(out: Path) -> dict:
    """Every file under `out` (the lock aside) by relative path → SHA-256."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".nhr.lock"
    }


def outlived(tag: bytes, within: float = 10.0) -> set[int]:
    """The processes whose environment holds `tag` still running `within` seconds from now: each is waited
    for on a pidfd (readable once it has exited), so a worker dying of PR_SET_PDEATHSIG is not raced."""
    left = set()
    deadline = time.monotonic() + within
    for p in Path("/proc").iterdir():
        try:
            if not p.name.isdigit() or tag not in (p / "environ").read_bytes().split(b"\0"):
                continue
            fd = os.pidfd_open(int(p.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
        try:
            if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                left.add(int(p.name))
        finally:
            os.close(fd)
    return left


def test_damaged_cache_entry_is_extracted_again(prebuilt_fast):
    """Cache entries are not flushed to disk (they can be regenerated): one torn by a crash, here a
    flipped byte in the middle, fails its HMAC and its PDF is read again; the tables are unchanged. On the fast
    engine: nothing here depends on the engine."""
    from pipeline.store.build import build

    entries = sorted((prebuilt_fast / ".cache").glob("*.json.z"))
    assert len(entries) == 6
    blob = bytearray(entries[2].read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    entries[2].write_bytes(bytes(blob))
    (prebuilt_fast / "manifest.json").unlink()  # force past the no-op check
    before = {n: (prebuilt_fast / n).read_bytes() for n in ("projects.parquet", "steps.parquet")}
    res = build(RAW, prebuilt_fast, jobs=1, engine="pdfium")
    assert len(res.extracted) == 1 and len(res.cached) == 5
    assert {n: (prebuilt_fast / n).read_bytes() for n in before} == before
