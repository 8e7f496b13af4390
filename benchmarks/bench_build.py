"""Build speed and memory, measured side by side in one run; exits non-zero when a target is missed.

    python benchmarks/bench_build.py [--scale 10] [--raw raw_pdfs]

(a) baseline: pdfplumber opens each PDF and calls extract_words() on every page, one process
(b) nhr build --jobs 1 (pdfplumber)      (b') nhr build --jobs 1 --engine pdfium
(c) nhr build with all cores (pdfplumber)
(d) a no-op rebuild                      (e) adding one new edition to a built corpus
peak resident memory of (b) and (c), on the corpus and on a scaled corpus (each PDF copied --scale
times under new names, with a byte appended so each copy is its own input).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode = sys.argv[1]
t = time.perf_counter()
pages = 0
if mode == "baseline":
    import pdfplumber
    for f in sorted(Path(sys.argv[2]).glob("*.pdf")):
        with pdfplumber.open(f) as pdf:
            for p in pdf.pages:
                p.extract_words()
                pages += 1
                p.close()
else:
    from pipeline.store.build import build
    res = build(Path(sys.argv[2]), Path(sys.argv[3]), jobs=int(sys.argv[4]), engine=sys.argv[5])
    pages = sum(e.pages for e in res.editions)
secs = time.perf_counter() - t
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": secs, "peak_mb": rss / 1024, "pages": pages}))
"""


def run(*args) -> dict:
    r = subprocess.run([sys.executable, "-c", CHILD, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    if r.returncode:
        sys.exit(f"benchmark step {args[0]} failed: {r.stderr.strip().splitlines()[-1:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--raw", type=Path, default=ROOT / "raw_pdfs")
    ap.add_argument("--scale", type=int, default=10, help="copies of each PDF in the scaled corpus (0: skip)")
    a = ap.parse_args()
    cores = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="nhr-bench-"))
    res: dict[str, dict] = {}
    try:
        res["a"] = run("baseline", a.raw)
        res["b"] = run("build", a.raw, tmp / "b", 1, "pdfplumber")
        res["b_pdfium"] = run("build", a.raw, tmp / "bp", 1, "pdfium")
        same = same_tables(tmp / "b", tmp / "bp")
        res["c"] = run("build", a.raw, tmp / "c", cores, "pdfplumber")
        res["d"] = run("build", a.raw, tmp / "c", cores, "pdfplumber")
        five = tmp / "five"
        five.mkdir()
        pdfs = sorted(a.raw.glob("*.pdf"))
        for f in pdfs[:-1]:
            shutil.copy(f, five)
        run("build", five, tmp / "e", 1, "pdfplumber")
        shutil.copy(pdfs[-1], five)
        res["e"] = run("build", five, tmp / "e", cores, "pdfplumber")
        if a.scale:
            big = scaled(a.raw, a.scale, tmp / "scaled")
            res["a_scaled"] = run("baseline", big)
            res["b_scaled"] = run("build", big, tmp / "bs", 1, "pdfplumber")
            res["c_scaled"] = run("build", big, tmp / "cs", cores, "pdfplumber")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    A, B, C, D, E = (res[k]["seconds"] for k in "abcde")
    pages = res["a"]["pages"]
    share = A * (pdfs[-1].stat().st_size / sum(f.stat().st_size for f in pdfs))  # last edition's share of (a)
    print(f"corpus: {len(pdfs)} PDFs, {pages} pages; {cores} cores")
    print(f"(a) pdfplumber extract_words baseline  {A:7.2f} s   {1000 * A / pages:6.1f} ms/page")
    print(
        f"(b) nhr build --jobs 1                 {B:7.2f} s   {1000 * B / pages:6.1f} ms/page   peak {res['b']['peak_mb']:.0f} MB"
    )
    print(
        f"(b') nhr build --jobs 1 --engine pdfium {res['b_pdfium']['seconds']:6.2f} s   "
        f"{1000 * res['b_pdfium']['seconds'] / pages:6.1f} ms/page   peak {res['b_pdfium']['peak_mb']:.0f} MB"
    )
    print(
        f"(c) nhr build --jobs {cores:<2}                {C:7.2f} s   {1000 * C / pages:6.1f} ms/page   peak {res['c']['peak_mb']:.0f} MB"
    )
    print(f"(d) no-op rebuild                      {D:7.2f} s")
    print(f"(e) add one edition to a built corpus  {E:7.2f} s   (that edition's share of (a): {share:.2f} s)")
    checks = [
        ("(b)/(a) <= 1.3", B / A, B / A <= 1.3),
        ("(c)/(a) <= 0.7", C / A, C / A <= 0.7),
        ("(d) < 1 s", D, D < 1.0),
        ("(e) < 1.3 x share of (a)", E / share, E / share <= 1.3),
        ("peak (b) < 400 MB", res["b"]["peak_mb"], res["b"]["peak_mb"] < 400),
        ("pdfplumber/pdfium build >= 8", B / res["b_pdfium"]["seconds"], B / res["b_pdfium"]["seconds"] >= 8),
        ("(b) and (b') Parquet tables identical", float(same), same),
    ]
    if a.scale:
        As, Bs, Cs = (res[k]["seconds"] for k in ("a_scaled", "b_scaled", "c_scaled"))
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
        print(f"  {'ok  ' if ok else 'MISS'} {name:<40} {value:8.2f}")
    return 0 if all(ok for *_, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
