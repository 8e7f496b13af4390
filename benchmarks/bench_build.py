"""Build speed and memory, measured side by side in one run; exits non-zero when a target is missed.

    python benchmarks/bench_build.py [--scale 10] [--raw raw_pdfs]      (from the repository directory)

(a) baseline: pdfplumber opens each PDF and calls extract_words() on every page, one process
(b) nhr build --jobs 1 (pdfplumber)      (b') nhr build --jobs 1 --engine pdfium
(c) nhr build with all cores (pdfplumber) (c') nhr build with all cores --engine pdfium
(d) a no-op rebuild                      (e) adding one new edition to a built corpus
The fast engine's fixed costs, beside the raw PDFium pass over the same files:
(f) `nhr --version` (interpreter and command line)   (g) an empty build: every edition from the cache,
all tables written    (h) starting the workers (forkserver, fork, a first task) for one and for all
cores    (i) the per-file work, in one process (check, extract, refuse_unreadable each file with pdfium)
(r) raw pypdfium2: open each PDF, every page's text and every character's box, one process.
Every nhr step is the `nhr` command of this interpreter's environment, run from the current directory,
timed from start to exit; peak resident memory is the largest process of its tree (wait4).
The short steps — (b'), (c') and (r), a few seconds each against the half minute of a pdfplumber build — are
run --repeat times (3 unless told), each build into a fresh folder, and their median is taken: a load spike
of a second on a shared machine moves one short run by a third, a long one hardly at all. Every run is
printed. The load average is printed at the start and the end.
With --scale K, also a scaled corpus (each PDF copied K times under new names, a byte appended so
each copy is its own input).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PR_SET_CHILD_SUBREAPER = 36  # Linux prctl option
NHR = Path(sys.executable).parent / "nhr"  # this environment's command, else the one on $PATH
NHR = NHR if NHR.exists() else Path(shutil.which("nhr") or NHR)
CHILD = r"""
import json, os, sys, time
from pathlib import Path
if __name__ == "__main__":
    mode = sys.argv[1]
    files = sorted(Path(sys.argv[2]).glob("*.pdf")) if len(sys.argv) > 2 else []
    t = time.perf_counter()
    pages, per = 0, {}
    if mode == "baseline":
        import pdfplumber
        for f in files:
            with pdfplumber.open(f) as pdf:
                for p in pdf.pages:
                    p.extract_words()
                    pages += 1
                    p.close()
    elif mode == "raw":
        import pypdfium2 as pdfium
        for f in files:
            pdf = pdfium.PdfDocument(str(f))
            for i in range(len(pdf)):
                page = pdf[i]
                tp = page.get_textpage()
                tp.get_text_range()
                boxes = [tp.get_charbox(j) for j in range(tp.count_chars())]
                tp.close()
                page.close()
                pages += 1
            pdf.close()
    elif mode == "work":
        from pipeline.config import Limits
        from pipeline.store.build import extract_checked
        t = time.perf_counter()
        for f in files:
            u = time.perf_counter()
            pages += extract_checked(str(f), "pdfium", 1, Limits()).pages
            per[f.name] = time.perf_counter() - u
    elif mode == "pool":
        from pipeline.config import Limits
        from pipeline.store.workers import pool
        with pool(int(sys.argv[3]), Limits(), "pdfium") as ex:
            [f.result() for f in [ex.submit(os.getpid) for _ in range(int(sys.argv[3]))]]
    print(json.dumps({"seconds": time.perf_counter() - t, "pages": pages, "per": per}))
"""


def run(*args) -> dict:
    """A measuring child (CHILD) in a fresh interpreter: its own figures, as JSON, and its tree's CPU seconds."""
    reap_orphans()
    cpu = cpu_of_children()
    r = subprocess.run([sys.executable, "-c", CHILD, *map(str, args)], capture_output=True, text=True)
    reap_orphans()
    if r.returncode:
        sys.exit(f"benchmark step {args[0]} failed: {r.stderr.strip().splitlines()[-1:]}")
    return {**json.loads(r.stdout.strip().splitlines()[-1]), "cpu": cpu_of_children() - cpu}


def cpu_of_children() -> float:
    """CPU seconds (user + system) of every process this one has reaped so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def reap_orphans() -> None:
    """Wait for the descendants left when a step's `nhr` exited (its forkserver, the resource tracker): as
    this process is their subreaper, their CPU time then counts in RUSAGE_CHILDREN."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def compiled() -> str:
    """The bytecode of nhr's own modules written before anything is timed, as pip writes it when it installs a
    package: an environment that sets PYTHONDONTWRITEBYTECODE (this one does) never writes it, and every process
    of every step would compile the same source again (~0.07 s a process that imports the pipeline), a cost an
    installed nhr never pays. Says what it did."""
    import compileall

    import pipeline

    package = Path(pipeline.__file__).parent
    ok = compileall.compile_dir(package, quiet=1)
    said = os.environ.get("PYTHONDONTWRITEBYTECODE")
    return f"bytecode of {package} {'written' if ok else 'NOT written'} first (PYTHONDONTWRITEBYTECODE={said!r})"


def nhr(*args) -> dict:
    """`nhr ARGS` as a user runs it: wall seconds from start to exit, CPU seconds of its whole process tree
    (workers and forkserver included), peak memory of its largest process (MB)."""
    reap_orphans()
    cpu = cpu_of_children()
    t = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen([NHR, *map(str, args)], stdout=null, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - t
    reap_orphans()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"benchmark step nhr {' '.join(map(str, args))} failed: {err.decode(errors='replace')[-300:]}")
    return {"seconds": secs, "cpu": cpu_of_children() - cpu, "peak_mb": usage.ru_maxrss / 1024}


def build(raw: Path, out: Path, jobs: int, engine: str) -> dict:
    return nhr("build", "--raw", raw, "--out", out, "--jobs", jobs, "--engine", engine, "--quiet")


def median_of(runs: list[dict]) -> dict:
    """The run of median wall time (its CPU and memory with it), every run's seconds kept under "runs"."""
    ranked = sorted(runs, key=lambda r: r["seconds"])
    return {**ranked[len(ranked) // 2], "runs": [r["seconds"] for r in runs]}


def scaled(raw: Path, k: int, into: Path) -> Path:
    into.mkdir(parents=True)
    for f in sorted(raw.glob("*.pdf")):
        for i in range(k):
            (into / f"{f.stem}-copy{i:02d}.pdf").write_bytes(f.read_bytes() + f"\n% copy {i}\n".encode())
    return into


def same_tables(a: Path, b: Path) -> bool:
    """Do two builds hold the same Parquet content (the engine's name aside)?"""
    import pyarrow.parquet as pq

    names = sorted(p.name for p in a.glob("*.parquet"))
    if names != sorted(p.name for p in b.glob("*.parquet")):
        return False
    for n in names:
        ta, tb = pq.read_table(a / n), pq.read_table(b / n)
        if n == "editions.parquet":
            ta, tb = ta.drop_columns(["engine"]), tb.drop_columns(["engine"])
        if not ta.equals(tb):
            return False
    return True


def measure(raw: Path, scale: int, cores: int, tmp: Path, repeat: int = 3) -> tuple[dict[str, dict], bool]:
    """Every step, one after another, in this one run: the figures and whether (b) and (b') tables agree."""
    res: dict[str, dict] = {}
    pdfs = sorted(raw.glob("*.pdf"))
    res["a"] = run("baseline", raw)
    res["r"] = median_of([run("raw", raw) for _ in range(repeat)])
    res["b"] = build(raw, tmp / "b", 1, "pdfplumber")
    res["b_pdfium"] = median_of([build(raw, tmp / f"bp{i}", 1, "pdfium") for i in range(repeat)])
    same = all(same_tables(tmp / "b", tmp / f"bp{i}") for i in range(repeat))
    res["c"] = build(raw, tmp / "c", cores, "pdfplumber")
    res["c_pdfium"] = median_of([build(raw, tmp / f"cp{i}", cores, "pdfium") for i in range(repeat)])
    shutil.move(tmp / "cp0", tmp / "cp")
    res["d"] = build(raw, tmp / "c", cores, "pdfplumber")
    (tmp / "cp" / "manifest.json").unlink()  # every edition in the cache, every table written again
    res["g"] = build(raw, tmp / "cp", cores, "pdfium")
    res["f"] = nhr("--version")
    res["h1"] = run("pool", raw, 1)
    res["h"] = run("pool", raw, cores)
    res["i"] = run("work", raw)
    five = tmp / "five"
    five.mkdir()
    for f in pdfs[:-1]:
        shutil.copy(f, five)
    build(five, tmp / "e", 1, "pdfplumber")
    shutil.copy(pdfs[-1], five)
    res["e"] = build(five, tmp / "e", cores, "pdfplumber")
    if scale:
        big = scaled(raw, scale, tmp / "scaled")
        res["a_scaled"] = run("baseline", big)
        res["b_scaled"] = build(big, tmp / "bs", 1, "pdfplumber")
        res["c_scaled"] = build(big, tmp / "cs", cores, "pdfplumber")
    return res, same


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--raw", type=Path, default=ROOT / "raw_pdfs")
    ap.add_argument("--scale", type=int, default=0, help="copies of each PDF in the scaled corpus (0: skip)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each short step, (b'), (c') and (r); median taken")
    a = ap.parse_args()
    cores = len(os.sched_getaffinity(0))
    bytecode = compiled()
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)  # a step's orphans are reaped (and counted) here
    tmp = Path(tempfile.mkdtemp(prefix="nhr-bench-"))
    load = os.getloadavg()
    try:
        res, same = measure(a.raw, a.scale, cores, tmp, max(1, a.repeat))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sec = {k: v["seconds"] for k, v in res.items()}
    A, B, C, D, E = (sec[k] for k in "abcde")
    pdfs = sorted(a.raw.glob("*.pdf"))
    pages = res["a"]["pages"]
    share = A * (pdfs[-1].stat().st_size / sum(f.stat().st_size for f in pdfs))  # last edition's share of (a)

    cpu = {k: v["cpu"] for k, v in res.items()}

    def line(label: str, key: str, peak: bool = False) -> None:
        mb = f"   peak {res[key]['peak_mb']:.0f} MB" if peak else ""
        runs = (
            f"   median of {', '.join(f'{s:.2f}' for s in res[key]['runs'])}"
            if len(res[key].get("runs", [])) > 1
            else ""
        )
        print(f"{label:<42}{sec[key]:7.2f} s  cpu {cpu[key]:6.2f} s  {1000 * sec[key] / pages:6.1f} ms/page{mb}{runs}")

    print(f"corpus: {len(pdfs)} PDFs, {pages} pages; {cores} cores; {NHR}, run from {Path.cwd()}")
    print(bytecode)
    print(
        "load average (1, 5, 15 min): at the start "
        + " ".join(f"{x:.1f}" for x in load)
        + ", at the end "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    line("(a) pdfplumber extract_words baseline", "a")
    line("(b) nhr build --jobs 1", "b", True)
    line("(b') nhr build --jobs 1 --engine pdfium", "b_pdfium", True)
    line(f"(c) nhr build --jobs {cores}", "c", True)
    line(f"(c') nhr build --jobs {cores} --engine pdfium", "c_pdfium", True)
    line("(d) no-op rebuild", "d")
    line("(e) add one edition to a built corpus", "e")
    print(f"    (that edition's share of (a): {share:.2f} s)")
    print("fixed costs of the fast engine, beside the raw PDFium pass:")
    line("(f) nhr --version", "f")
    line("(g) empty build (all cached, tables written)", "g")
    line("(h) workers started, one", "h1")
    line(f"(h) workers started, {cores}", "h")
    line("(i) per-file work, one process", "i")
    print("    " + ", ".join(f"{n[-11:-4]} {s:.2f} s" for n, s in res["i"]["per"].items()))
    line("(r) raw pypdfium2: text + boxes", "r")
    ratio, ratio_all = B / sec["b_pdfium"], C / sec["c_pdfium"]
    print(f"pdfplumber / pdfium build: {ratio:.1f}x with --jobs 1, {ratio_all:.1f}x with --jobs {cores} (wall)")
    print(f"  in CPU seconds: {cpu['b'] / cpu['b_pdfium']:.1f}x with --jobs 1, {cpu['c'] / cpu['c_pdfium']:.1f}x")
    print(
        f"pdfium build / raw pass: {sec['c_pdfium'] / sec['r']:.2f} with --jobs {cores}, "
        f"{sec['b_pdfium'] / sec['r']:.2f} with --jobs 1 (wall); in CPU seconds "
        f"{cpu['c_pdfium'] / cpu['r']:.2f} and {cpu['b_pdfium'] / cpu['r']:.2f}; "
        f"per-file work / raw pass: {sec['i'] / sec['r']:.2f}"
    )
    checks = [
        ("(b)/(a) <= 1.3", B / A, B / A <= 1.3),
        ("(c)/(a) <= 0.7", C / A, C / A <= 0.7),
        ("(d) < 1 s", D, D < 1.0),
        ("(e) < 1.3 x share of (a)", E / share, E / share <= 1.3),
        ("peak (b) < 400 MB", res["b"]["peak_mb"], res["b"]["peak_mb"] < 400),
        ("pdfplumber/pdfium build (--jobs 1) >= 10", ratio, ratio >= 10),
        (f"pdfium build (--jobs {cores}) / raw pass <= 2", sec["c_pdfium"] / sec["r"], sec["c_pdfium"] / sec["r"] <= 2),
        ("(b) and (b') Parquet tables identical", float(same), same),
    ]
    if a.scale:
        As, Bs, Cs = (sec[k] for k in ("a_scaled", "b_scaled", "c_scaled"))
        print(
            f"scaled x{a.scale}: (a) {As:.1f} s  (b) {Bs:.1f} s  (c) {Cs:.1f} s   "
            f"peak (b) {res['b_scaled']['peak_mb']:.0f} MB  (c) {res['c_scaled']['peak_mb']:.0f} MB"
        )
        checks += [
            ("scaled (b)/(a) <= 1.3", Bs / As, Bs / As <= 1.3),
            ("scaled (c)/(a) <= 0.7", Cs / As, Cs / As <= 0.7),
            (
                "peak (b) flat with x" + str(a.scale) + " PDFs (<= 1.25x)",
                res["b_scaled"]["peak_mb"] / res["b"]["peak_mb"],
                res["b_scaled"]["peak_mb"] <= 1.25 * res["b"]["peak_mb"],
            ),
        ]
    print()
    for name, value, ok in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {name:<44} {value:8.2f}")
    return 0 if all(ok for *_, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
