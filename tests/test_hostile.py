"""Issue 13, "nothing lost, nothing run": kills of the parent only, crashes at every step of the commit, a PDF
swapped mid-build, a planted cache, SQL escapes, resource bombs, a same-named PDF under the audit page,
broken configuration, full and read-only disks, escape sequences and formula cells.

Builds here use the pdfium engine (the same records, ~9x faster) on two or three editions."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pikepdf
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import ROOT, gold, pdf_of, without_progress
from test_kinds import assert_documented

from pipeline.store import inputs
from pipeline.surfaces.cli import main

FAST = ["--engine", "pdfium"]


def nhr(*args, env=None, cwd=None, timeout=300):
    r = subprocess.run(
        [sys.executable, "-m", "pipeline.surfaces.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )
    return r.returncode, r.stdout, without_progress(r.stderr)


def run(*args, **kw):
    r = CliRunner().invoke(main, [str(a) for a in args], **kw)
    return r.exit_code, without_progress(r.output)


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nhr: error: ") and "Traceback" not in err, err
    return lines[0]


def raw_dir(path: Path, *eds: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for e in eds:
        shutil.copy(pdf_of(e), path)
    return path


def tables(out: Path) -> dict:
    return {p.name: pq.read_table(p) for p in sorted(out.glob("*.parquet"))}


def same_tables(a: Path, b: Path) -> bool:
    ta, tb = tables(a), tables(b)
    return set(ta) == set(tb) and all(ta[k].equals(tb[k]) for k in ta)


def duckdb_counts(out: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(out / "nhr.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("editions", "projects", "identity")}
    finally:
        con.close()


def config_copy(tmp: Path, nhr_yaml: str = "engine: pdfium\n") -> Path:
    conf = tmp / "config"
    shutil.copytree(ROOT / "config", conf)
    (conf / "nhr.yaml").write_text(nhr_yaml, encoding="utf-8")
    return conf


@pytest.fixture(scope="module")
def two_and_three(tmp_path_factory):
    """Clean pdfium builds of two editions (A) and of three (B), with their raw directories."""
    from pipeline.store.build import build

    d = tmp_path_factory.mktemp("ab")
    raw_a, raw_b = raw_dir(d / "raw_a", "2022-10", "2023-04"), raw_dir(d / "raw_b", "2022-10", "2023-04", "2023-10")
    build(raw_a, d / "a", jobs=2, engine="pdfium")
    build(raw_b, d / "b", jobs=2, engine="pdfium")
    return raw_a, raw_b, d / "a", d / "b"


# ---------------------------------------------------------------- 1. kill the parent only


def _descendants(pid: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(p.name))
    out, todo = set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.add(k)
            todo.append(k)
    return out


def _alive(pids) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_parent_only_kill_frees_the_lock_and_the_workers(tmp_path, sig):
    raw = raw_dir(tmp_path / "raw", "2022-10", "2023-04")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline.surfaces.cli",
            "build",
            "--raw",
            raw,
            "--out",
            out,
            "--jobs",
            "2",
            "--engine",
            "pdfplumber",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 3:  # the forkserver and two workers
        time.sleep(0.2)
        workers = _descendants(proc.pid)
    assert proc.poll() is None and len(workers) >= 3, "no workers seen before the build ended"
    proc.send_signal(sig)  # the parent only, as the OOM killer or a supervisor would
    proc.wait()
    t = time.monotonic()
    while _alive(workers) and time.monotonic() - t < 10:
        time.sleep(0.1)
    assert not _alive(workers), "workers outlived the build"
    code, _, err = nhr("build", "--raw", raw, "--out", out, *FAST, timeout=120)
    assert code == 0, err
    assert time.monotonic() - t < 60
    assert not list(out.glob(".*.staged"))


def test_killed_worker_is_one_line(tmp_path, monkeypatch):
    """A worker that dies (here: killed by its own hand, as the OOM killer would) is one line, its own code."""
    from pipeline.store import build as b

    raw = raw_dir(tmp_path / "raw", "2022-10")
    monkeypatch.setattr(b, "_work", _suicide)
    code, out = run("build", "--raw", raw, "--out", tmp_path / "out", *FAST, "--jobs", "1")
    line = one_line_error(out)
    assert code == inputs.EXIT_LIMIT and "worker process" in line and "died" in line
    assert not (tmp_path / "out" / "projects.parquet").exists()


def _suicide(args):
    os.kill(os.getpid(), signal.SIGKILL)


# ---------------------------------------------------------------- 2. a crash at every step of the commit

STEPS = ["staging", "staged", "journal", "rename:1", "rename:mid", "rename:last", "renamed"]
BEFORE_JOURNAL = {"staging", "staged"}


@pytest.mark.parametrize("step", STEPS)
def test_crash_at_every_commit_step(two_and_three, tmp_path, step):
    from pipeline.store.build import build

    raw_a, raw_b, clean_a, clean_b = two_and_three
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    files = len(list(clean_b.glob("*.parquet"))) + 3  # the tables, the identity map, nhr.duckdb, the manifest (last)
    step = {"rename:mid": f"rename:{files // 2}", "rename:last": f"rename:{files - 1}"}.get(step, step)
    code, _, err = nhr("build", "--raw", raw_b, "--out", out, *FAST, "--jobs", "1", env={"NHR_FAULT": step})
    assert code == -signal.SIGKILL, (step, code, err)
    # a reader first: it sees one whole build, never a mix (and rolls a journalled commit forward)
    code, text = run("sql", "SELECT count(*) AS n FROM editions", "--parsed", out, "--format", "csv")
    want = clean_a if step in BEFORE_JOURNAL else clean_b
    assert code == 0 and text.splitlines()[1] == str(pq.read_table(want / "editions.parquet").num_rows), text
    assert same_tables(out, want)
    assert duckdb_counts(out) == duckdb_counts(want)
    assert not (out / ".commit.json").exists()
    code, text = run("diff", "2022-10", "2023-04", "--parsed", out)
    assert code == 0
    # then a rebuild: equal to a clean build, nothing staged left, and a second run is a no-op
    build(raw_b, out, jobs=1, engine="pdfium")
    assert same_tables(out, clean_b) and duckdb_counts(out) == duckdb_counts(clean_b)
    assert not list(out.glob(".*.staged")) and not list(out.glob(".*.tmp"))
    assert build(raw_b, out, jobs=1, engine="pdfium").up_to_date


def test_up_to_date_check_verifies_every_table(two_and_three, tmp_path):
    """An emptied or forged table is not "up to date": the build notices (hash and size) and rewrites it."""
    from pipeline.store.build import build

    raw_a, _, clean_a, _ = two_and_three
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    (out / "identity.parquet").write_bytes(b"")
    res = build(raw_a, out, jobs=1, engine="pdfium")
    assert not res.up_to_date and res.extracted == [] and same_tables(out, clean_a)
    t = pq.read_table(out / "projects.parquet").slice(0, 3)
    pq.write_table(t, out / "projects.parquet")
    assert not build(raw_a, out, jobs=1, engine="pdfium").up_to_date and same_tables(out, clean_a)


def test_reader_refuses_when_it_cannot_roll_forward(two_and_three, tmp_path, monkeypatch):
    import errno

    from pipeline.store import files as store

    _, _, clean_a, _ = two_and_three
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    (out / ".commit.json").write_text('{"renames": []}')

    def readonly(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system", str(out / ".nhr.lock"))

    monkeypatch.setattr(store.os, "open", readonly)
    code, text = run("sql", "SELECT 1", "--parsed", out)
    line = one_line_error(text)
    assert code == inputs.EXIT_ENV and "interrupted" in line


def test_planted_journal_renames_nothing_outside(two_and_three, tmp_path):
    _, _, clean_a, _ = two_and_three
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (out / ".commit.json").write_text(
        json.dumps({"renames": [[str(victim), "projects.parquet"], ["../victim.txt", "x.parquet"]]})
    )
    code, _ = run("sql", "SELECT 1", "--parsed", out)
    assert code == 0 and victim.read_text() == "keep" and same_tables(out, clean_a)


# ---------------------------------------------------------------- 3. a PDF swapped mid-build


def _editions(out: Path) -> set:
    return {(r["edition"], r["sha256"]) for r in pq.read_table(out / "editions.parquet").to_pylist()}


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_pdf_swapped_mid_build(tmp_path, monkeypatch):
    """The bytes hashed are the bytes parsed: a file replaced while the build runs never puts one file's
    records under another's hash, in the tables or in the cache."""
    from pipeline.store import build as b

    raw = raw_dir(tmp_path / "raw", "2022-10", "2023-04")
    target = raw / pdf_of("2023-04").name
    real = b.snapshot

    def swap_after_reading(path, digest, into, limits):
        got = real(path, digest, into, limits)
        if path.name == target.name:
            shutil.copy(pdf_of("2023-10"), target)  # replaced after nhr read it
        return got

    monkeypatch.setattr(b, "snapshot", swap_after_reading)
    out = tmp_path / "out"
    b.build(raw, out, jobs=1, engine="pdfium")
    assert _editions(out) == {("2022-10", _sha(pdf_of("2022-10"))), ("2023-04", _sha(pdf_of("2023-04")))}
    monkeypatch.setattr(b, "snapshot", real)
    b.build(raw, out, jobs=1, engine="pdfium")  # the file now holds 2023-10
    assert _editions(out) == {("2022-10", _sha(pdf_of("2022-10"))), ("2023-10", _sha(pdf_of("2023-10")))}
    shutil.copy(pdf_of("2023-04"), target)  # restored: the edition is back, no cache to delete by hand
    b.build(raw, out, jobs=1, engine="pdfium")
    assert _editions(out) == {("2022-10", _sha(pdf_of("2022-10"))), ("2023-04", _sha(pdf_of("2023-04")))}


def test_pdf_changed_between_hash_and_read_is_refused(tmp_path, monkeypatch):
    from pipeline.store import build as b

    raw = raw_dir(tmp_path / "raw", "2022-10", "2023-04")
    target = raw / pdf_of("2023-04").name
    real = b.snapshot

    def swap_before_reading(path, digest, into, limits):
        if path.name == target.name:
            shutil.copy(pdf_of("2023-10"), target)
        return real(path, digest, into, limits)

    monkeypatch.setattr(b, "snapshot", swap_before_reading)
    code, text = run("build", "--raw", raw, "--out", tmp_path / "out", *FAST, "--jobs", "1")
    line = one_line_error(text)
    assert code == inputs.EXIT_UNREADABLE and "changed while nhr was reading it" in line and target.name in line
    assert not (tmp_path / "out" / "projects.parquet").exists()


# ---------------------------------------------------------------- 4. a planted cache


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_planted_cache_never_runs_and_never_lies(two_and_three, tmp_path):
    from pipeline.store.build import build, sha256
    from pipeline.store.cache import cache_file, encode

    raw_a, _, clean_a, _ = two_and_three
    marker = tmp_path / "pwned"
    out = tmp_path / "out"
    out.mkdir()
    cache = out / ".cache"
    cache.mkdir()
    forged_ed = build(raw_a, tmp_path / "scratch", jobs=1, engine="pdfium").editions[0]
    forged_ed.title = "GEFÄLSCHT"
    for p in sorted(raw_a.glob("*.pdf")):
        digest = sha256(p)
        f = cache_file(cache, digest, "pdfium")
        blob = pickle.dumps(Payload(marker))
        f.with_suffix("").with_suffix(".pkl").write_bytes(hashlib.sha256(blob).digest() + blob)  # the old format
        payload = zlib.compress(
            json.dumps({"format": 1, "pdf_sha256": digest, "key": f.name[:-7], "edition": encode(forged_ed)}).encode()
        )
        f.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)  # an unkeyed "seal"
    res = build(raw_a, out, jobs=1, engine="pdfium")
    assert not marker.exists()
    assert len(res.extracted) == 2 and same_tables(out, clean_a)
    assert "GEFÄLSCHT" not in str(pq.read_table(out / "editions.parquet").to_pylist())
    assert not list(cache.glob("*.pkl"))


def test_cache_round_trip_is_exact(editions):
    from pipeline.store.cache import seal, unseal

    for ed in editions.values():
        assert unseal(seal(ed, "d" * 64, "k"), "d" * 64, "k") == ed
        with pytest.raises(ValueError):
            unseal(seal(ed, "d" * 64, "k"), "e" * 64, "k")  # made for other bytes


def test_cache_copied_from_another_user_is_not_trusted(two_and_three, tmp_path):
    _, _, clean_a, _ = two_and_three
    raw_a = two_and_three[0]
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    (out / "manifest.json").unlink()
    code, stdout, err = nhr(
        "build", "--raw", raw_a, "--out", out, *FAST, "--json", env={"NHR_CACHE_KEY": str(tmp_path / "other-user.key")}
    )
    assert code == 0 and json.loads(stdout)["extracted"] == 2, err


# ---------------------------------------------------------------- 5. nhr sql is a sandbox

ESCAPES = [
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "COPY (SELECT 1) TO '{tmp}/leak.csv'",
    "COPY projects TO '{parsed}/projects.parquet' (FORMAT parquet)",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET memory_limit = '1GB'",
    "ATTACH '{tmp}/other.duckdb' AS o",
    "CREATE TABLE x AS SELECT * FROM read_parquet('{parsed}/projects.parquet')",
    "EXPORT DATABASE '{tmp}/export'",
    "SELECT * FROM glob('/etc/*')",
    "RESET enable_external_access",
]


@pytest.mark.parametrize("sql", ESCAPES)
def test_sql_cannot_escape(two_and_three, tmp_path, sql):
    _, _, clean_a, _ = two_and_three
    parsed = tmp_path / "parsed"
    shutil.copytree(clean_a, parsed)
    before = {p.name: p.read_bytes() for p in parsed.iterdir() if p.is_file()}
    code, text = run("sql", sql.format(tmp=tmp_path, parsed=parsed), "--parsed", parsed)
    line = one_line_error(text)
    assert code == 2 and "query failed" in line
    assert {p.name: p.read_bytes() for p in parsed.iterdir() if p.is_file()} == before
    assert not any((tmp_path / n).exists() for n in ("leak.csv", "other.duckdb", "export"))


def test_sql_reads_the_copy_it_is_pointed_at_and_unsafe_is_opt_in(two_and_three, tmp_path):
    _, _, clean_a, clean_b = two_and_three
    parsed = tmp_path / "copy"
    shutil.copytree(clean_b, parsed)
    code, text = run("sql", "SELECT count(*) AS n FROM editions", "--parsed", parsed, "--format", "csv")
    assert code == 0 and text.splitlines()[1] == "3"
    shutil.rmtree(parsed)
    shutil.copytree(clean_a, parsed)  # same path, other tables: read from here, now
    code, text = run("sql", "SELECT count(*) AS n FROM editions", "--parsed", parsed, "--format", "csv")
    assert code == 0 and text.splitlines()[1] == "2"
    (tmp_path / "note.txt").write_text("hello")
    code, text = run("sql", f"SELECT content FROM read_text('{tmp_path}/note.txt')", "--parsed", parsed, "--unsafe")
    assert code == 0 and "hello" in text


# ---------------------------------------------------------------- 6. resource limits


def _limits_env(tmp_path, **limits) -> dict:
    body = "engine: pdfium\nlimits:\n" + "".join(f"  {k}: {v}\n" for k, v in limits.items())
    return {"NHR_CONFIG": str(config_copy(tmp_path, body))}


def inflating_pdf(path: Path, mb: int) -> None:
    """One page whose content stream is ~0.1 % of its inflated size (spaces: valid, empty content)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.drawString(72, 760, "Nachhaltigkeitsreport - Stand: 01.04.2025")
    c.showPage()
    c.save()
    z = zlib.compressobj(1)
    chunk = b" " * (1 << 20)
    data = b"".join(z.compress(chunk) for _ in range(mb)) + z.flush()
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        s = pikepdf.Stream(pdf, b"")
        s.write(data, filter=pikepdf.Name.FlateDecode)
        pdf.pages[0].obj.Contents = pikepdf.Array([s, pdf.pages[0].obj.Contents])
        pdf.save(path)


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_inflating_stream_hits_the_memory_limit(tmp_path, engine):
    bomb = tmp_path / "bomb.pdf"
    inflating_pdf(bomb, 700)
    assert bomb.stat().st_size < 5_000_000
    code, out, err = nhr("extract", bomb, "--engine", engine, env=_limits_env(tmp_path, memory_mb=900))
    line = one_line_error(err)
    assert code == inputs.EXIT_LIMIT and str(bomb) in line and "memory" in line and not out


def glyph_page_pdf(path: Path, glyphs: int) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.drawString(72, 800, "Nachhaltigkeitsreport - Stand: 01.04.2025")
    t = c.beginText(10, 780)
    t.setFont("Helvetica", 1)
    line = "x" * 500
    for _ in range(glyphs // 500):
        t.textLine(line)
    c.drawText(t)
    c.showPage()
    c.save()


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_page_of_too_many_glyphs(tmp_path, engine):
    dense = tmp_path / "dense.pdf"
    glyph_page_pdf(dense, 30_000)
    code, out, err = nhr("extract", dense, "--engine", engine, env=_limits_env(tmp_path, glyphs_per_page=20_000))
    line = one_line_error(err)
    assert code == inputs.EXIT_LIMIT and "page 1 has" in line and "limits.glyphs_per_page" in line


def test_too_many_pages_and_too_slow(tmp_path):
    raw = raw_dir(tmp_path / "raw", "2025-04")
    code, _, err = nhr("build", "--raw", raw, "--out", tmp_path / "out", env=_limits_env(tmp_path, pages_per_file=50))
    line = one_line_error(err)
    assert code == inputs.EXIT_LIMIT and "84 pages" in line and "limits.pages_per_file" in line
    assert not (tmp_path / "out" / "projects.parquet").exists()
    code, _, err = nhr(
        "extract", pdf_of("2025-04"), "--engine", "pdfplumber", env=_limits_env(tmp_path / "slow", seconds_per_file=1)
    )
    line = one_line_error(err)
    assert code == inputs.EXIT_LIMIT and "limits.seconds_per_file" in line


def test_repeated_pages_are_an_error_anomaly(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    with pikepdf.open(pdf_of("2023-04")) as pdf:
        pdf.pages.extend(list(pdf.pages))  # every page twice
        pdf.save(raw / "doppelt.pdf")
    out = tmp_path / "out"
    code, stdout, err = nhr("build", "--raw", raw, "--out", out, *FAST, "--strict")
    assert code == inputs.EXIT_STRICT, err
    kinds = {(r["kind"], r["severity"]) for r in pq.read_table(out / "anomalies.parquet").to_pylist()}
    assert ("repeated_pages", "error") in kinds
    assert_documented(k for k, _ in kinds)


def test_corpus_has_no_repeated_pages():
    from pipeline.config import Limits
    from pipeline.store import workers

    for e in ("2022-10", "2023-04", "2023-10", "2024-04", "2024-10", "2025-04"):
        workers.PAGES.clear()
        workers.prescan(str(pdf_of(e)), Limits())
        assert len(workers.PAGES) > 50 and workers.repeated_pages() == [], e


# ---------------------------------------------------------------- 7. the audit page checks its PDFs


def test_report_refuses_a_same_named_other_pdf(two_and_three, tmp_path):
    raw_a, _, clean_a, _ = two_and_three
    raw = tmp_path / "raw"
    shutil.copytree(raw_a, raw)
    shutil.copy(pdf_of("2023-10"), raw / pdf_of("2023-04").name)
    code, text = run("report", "2022-10", "2023-04", "--parsed", clean_a, "--raw", raw, "-o", tmp_path / "r.html")
    line = one_line_error(text)
    assert code == 3 and "not the PDF edition 2023-04 was built from" in line and not (tmp_path / "r.html").exists()


# ---------------------------------------------------------------- 8. configuration and the environment

BROKEN = {
    "lang-de.yaml": ("dates:\n  seasons: [unclosed\n", "cannot read"),
    "overrides.yaml": ("force:\n  - {from: 1.1.1}\n", "from/to"),
    "nhr.yaml": ("limits:\n  memory_mb: -5\n", "limits.memory_mb"),
}
# a change to one line of a shipped file → the file it is made in and the words the error must name
EDITED = {
    "missing_season": ("lang-de.yaml", "    Herbst:", "    # Herbst:", "missing key 'dates.seasons.Herbst'"),
    "typo_in_dates": ("lang-de.yaml", "  quarters:", "  quaters:", "unknown key 'dates.quaters'"),
    "typo_in_tables": ("report.yaml", "  marks:", "  markz:", "unknown key 'tables.markz'"),
    "typo_in_rules": ("rules.yaml", "plan_words:", "plan_wrds:", "unknown key 'plan_wrds'"),
    "bad_rules_pattern": ("rules.yaml", "reference_rx: '(?:", "reference_rx: '((?:", "reference_rx is not a valid"),
    "missing_column": (
        "report.yaml",
        "      reason:",
        "      # reason:",
        "missing key 'tables.columns.dropped.reason'",
    ),
}


def _edit(conf: Path, name: str) -> tuple[Path, str]:
    """Apply one EDITED change to the copied configuration: (the file changed, the words to expect)."""
    file, old, new, words = EDITED[name]
    text = (conf / file).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (conf / file).write_text(text.replace(old, new), encoding="utf-8")
    return conf / file, words


@pytest.mark.parametrize("name", list(BROKEN) + list(EDITED) + ["missing_dir", "folded_file", "unknown_limit"])
def test_each_config_error_is_one_line_exit_2_before_any_pdf(tmp_path, name):
    conf = config_copy(tmp_path)
    if name in BROKEN:
        (conf / name).write_text(BROKEN[name][0], encoding="utf-8")
        file, words = conf / name, BROKEN[name][1]
    elif name in EDITED:
        file, words = _edit(conf, name)
    elif name == "missing_dir":
        conf, file, words = tmp_path / "nowhere", tmp_path / "nowhere", "not a directory"
    elif name == "folded_file":  # a configuration of an earlier version: dates.yaml is now part of lang-de.yaml
        (conf / "dates.yaml").write_text("seasons: {}\n", encoding="utf-8")
        file, words = conf / "dates.yaml", "lang-de.yaml (section 'dates')"
    else:
        (conf / "nhr.yaml").write_text("limits:\n  pagez: 5\n", encoding="utf-8")
        file, words = conf / "nhr.yaml", "unknown limit"
    for args in (
        ["build", "--raw", ROOT / "raw_pdfs", "--out", tmp_path / "out"],
        ["extract", pdf_of("2022-10")],
        ["date", "Herbst 2023"],
    ):
        code, _, err = nhr(*args, env={"NHR_CONFIG": str(conf)})
        line = one_line_error(err)
        assert code == 2 and str(file) in line and words in line, line
    assert not (tmp_path / "out").exists()


def test_invalid_input_creates_no_output_dir(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = nhr("build", "--raw", empty, "--out", tmp_path / "out")
    assert code == inputs.EXIT_UNREADABLE and not (tmp_path / "out").exists()


def test_fifo_dangling_link_and_newline_names_are_reported_in_one_line(tmp_path):
    raw = raw_dir(tmp_path / "raw", "2022-10")
    os.mkfifo(raw / "pipe.pdf")
    os.symlink(tmp_path / "gone.pdf", raw / "link.pdf")
    (raw / "zz\nevil.pdf").write_bytes(b"not a pdf")
    code, out = run("build", "--raw", raw, "--out", tmp_path / "out", *FAST, "--keep-going")
    errs = [l for l in out.splitlines() if l.startswith("nhr: error:")]
    assert code == inputs.EXIT_UNREADABLE
    assert any("link.pdf: dangling symbolic link" in e for e in errs)
    assert any("pipe.pdf: not a regular file" in e for e in errs)
    assert any("zz\\nevil.pdf" in e for e in errs) and "\nevil.pdf" not in out


def test_extract_of_a_fifo_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "pipe.pdf")
    code, out = run("extract", tmp_path / "pipe.pdf")
    assert code == inputs.EXIT_UNREADABLE and "not a regular file" in one_line_error(out)
    raw = tmp_path / "raw"
    raw.mkdir()
    os.mkfifo(raw / "only.pdf")
    code, out = run("build", "--raw", raw, "--out", tmp_path / "out", "--keep-going")
    assert code == inputs.EXIT_UNREADABLE and "not a regular file" in one_line_error(out)
    assert not (tmp_path / "out").exists()


@pytest.fixture
def small_fs(tmp_path):
    """A 16 MB tmpfs (root in a container may mount one); skipped where the machine does not allow it."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (the ENOSPC test below simulates it)")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _snapshot(out: Path) -> dict:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != ".nhr.lock"}


def test_full_disk_is_one_line_and_leaves_output_untouched(two_and_three, small_fs):
    raw_a, raw_b, clean_a, _ = two_and_three
    out = small_fs / "out"
    shutil.copytree(clean_a, out, ignore=shutil.ignore_patterns(".cache"))
    before = _snapshot(out)
    filler = small_fs / "filler"
    free = shutil.disk_usage(small_fs).free
    filler.write_bytes(b"\0" * max(0, free - 200_000))
    code, _, err = nhr("build", "--raw", raw_b, "--out", out, *FAST)
    line = one_line_error(err)
    assert code == inputs.EXIT_ENV and "no space left on device" in line
    assert _snapshot(out) == before and not list(out.glob(".*.staged"))
    filler.unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    code, _, err = nhr("build", "--raw", raw_b, "--out", out, *FAST)
    line = one_line_error(err)
    assert code == inputs.EXIT_ENV and "read-only file system" in line and _snapshot(out) == before


def test_simulated_enospc_removes_staged_files(two_and_three, tmp_path, monkeypatch):
    import errno

    import pyarrow.parquet as pq

    raw_a, raw_b, clean_a, _ = two_and_three
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    before = _snapshot(out)
    real, calls = pq.write_table, []

    def full(tbl, where, **kw):
        calls.append(where)
        if len(calls) > 5:
            raise OSError(errno.ENOSPC, "No space left on device", where)
        return real(tbl, where, **kw)

    monkeypatch.setattr(pq, "write_table", full)
    code, text = run("build", "--raw", raw_b, "--out", out, *FAST, "--jobs", "1")
    line = one_line_error(text)
    assert code == inputs.EXIT_ENV and "no space left on device" in line
    assert _snapshot(out) == before and not list(out.glob(".*.staged")) and not list(out.glob(".*.tmp"))


def test_unwritable_report_output_is_one_line(two_and_three, tmp_path):
    raw_a, _, clean_a, _ = two_and_three
    (tmp_path / "file").write_text("x")
    code, text = run(
        "report", "2022-10", "2023-04", "--parsed", clean_a, "--raw", raw_a, "-o", tmp_path / "file" / "r.html"
    )
    line = one_line_error(text)
    assert code == inputs.EXIT_ENV and "r.html" in line


@pytest.mark.slow
def test_non_editable_install_extracts_the_gold_model_from_anywhere(tmp_path):
    """`pip install .` (not editable) ships the configuration: run from another directory, `nhr extract`
    gives exactly the gold model of the 2025-04 edition (on the fast engine: it is the install under test)."""
    src = tmp_path / "src"  # a clean copy: pip builds in the tree it is given
    src.mkdir()
    for name in ("pipeline", "config"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    py = venv / "bin" / "python"
    r = subprocess.run(
        [py, "-m", "pip", "install", "-q", "--no-deps", str(src)], capture_output=True, text=True, cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    # the dependencies come from the test venv (a plain path: its editable finder is not loaded)
    site = next(Path(p) for p in sys.path if p.endswith("site-packages") and (Path(p) / "pyarrow").exists())
    own = subprocess.run(
        [py, "-c", "import site; print(site.getsitepackages()[0])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    (Path(own) / "deps.pth").write_text(str(site) + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "NHR_CONFIG"}
    where = subprocess.run(
        [py, "-c", "import pipeline; print(pipeline.__file__)"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    ).stdout
    assert str(venv) in where
    r = subprocess.run(  # on the fast engine: what is checked here is the install, not an engine
        [venv / "bin" / "nhr", "extract", pdf_of("2025-04"), *FAST],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == gold("2025-04")
    # from the source tree itself (it holds pipeline/ without the compiled loop) every process runs the
    # installed code: a worker that imported ./pipeline would fail the origin check (exit 1)
    raw = raw_dir(tmp_path / "raw", "2022-10", "2023-04")
    r = subprocess.run(
        [venv / "bin" / "nhr", "build", "--raw", raw, "--out", tmp_path / "out", *FAST, "-j", "2"],
        capture_output=True,
        text=True,
        cwd=src,
        env=env,
    )
    assert r.returncode == 0 and without_progress(r.stderr) == "", r.stderr
    assert (tmp_path / "out" / "projects.parquet").exists()


# ---------------------------------------------------------------- 9. output injection and small bounds


def test_escape_sequences_and_formula_cells(two_and_three, tmp_path):
    _, _, clean_a, _ = two_and_three
    parsed = tmp_path / "parsed"
    shutil.copytree(clean_a, parsed)
    ident = pq.read_table(parsed / "identity.parquet").to_pylist()
    evil = '=HYPERLINK("http://x")\x1b]0;pwned\x07\x1b[31m\u202e'
    for r in ident:
        r["title"] = evil + r["title"]
    import pyarrow as pa

    pq.write_table(
        pa.Table.from_pylist(ident, schema=pq.read_schema(parsed / "identity.parquet")), parsed / "identity.parquet"
    )
    for fmt in ("text", "csv", "json"):
        code, out = run("diff", "2022-10", "2023-04", "--parsed", parsed, "--format", fmt)
        assert code == 0 and "\x1b" not in out and "\x07" not in out and "\u202e" not in out, fmt
    code, out = run("diff", "2022-10", "2023-04", "--parsed", parsed, "--format", "csv")
    import csv

    cells = [c for row in csv.reader(out.splitlines()) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells) and not any(c.startswith(("=", "+", "@")) for c in cells)
    code, out = run(
        "sql",
        "SELECT chr(27) || '[2J' || 'x' AS a, '=1+1' AS f, '-2' AS g, '@SUM(A1)' AS h, 5 AS n",
        "--parsed",
        parsed,
        "--format",
        "csv",
    )
    assert code == 0 and "\x1b" not in out and out.splitlines()[1] == "[2Jx,'=1+1,'-2,'@SUM(A1),5"
    code, out = run("sql", "SELECT chr(27) || ']0;x' || chr(7) AS a", "--parsed", parsed)
    assert code == 0 and "\x1b" not in out and "\x07" not in out


def test_pathological_date_string_is_linear():
    from pipeline.parse import dates
    from pipeline.parse.dates import parse_date

    for s in ("(" * 80000 + ")x", "(" * 80000 + ")", "1." * 40000 + "x", "seit " + "(" * 40000):
        dates._parse_date.cache_clear()
        t = time.perf_counter()
        parse_date(s)
        assert time.perf_counter() - t < 1.0, s[:20]
    assert parse_date("01.04.2025 (vorher in Planung)").start.isoformat() == "2025-04-01"


def test_jobs_capped_at_core_count(tmp_path, monkeypatch):
    from pipeline.store import build as b
    from pipeline.surfaces import cli

    seen = {}

    def fake(raw, out, jobs, *a, **k):
        seen["jobs"] = jobs
        return b.BuildResult(up_to_date=True)

    monkeypatch.setattr(b, "build", fake)
    code, out = run("build", "--raw", ROOT / "raw_pdfs", "--out", tmp_path / "out", "--jobs", "500", "--quiet")
    assert code == 0 and seen["jobs"] == cli.cores()
