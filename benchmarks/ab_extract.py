"""Two source trees' per-file work compared at the same moment: the pdfium extraction of every PDF in one process.

    python benchmarks/ab_extract.py OLD_TREE NEW_TREE [--raw raw_pdfs] [--rounds 4]

A tree is a folder holding `pipeline/` (with its compiled `_glyphs`, e.g. an editable checkout); each round runs
`extract_checked(f, "pdfium", 1, Limits())` over the PDFs in a fresh interpreter per tree (PYTHONPATH=TREE,
this checkout's config), alternated. Prints the CPU and wall seconds of each run, the medians, and the load
average at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = r"""
import glob, sys, time
from pipeline.config import Limits
from pipeline.store.build import extract_checked
files = sorted(glob.glob(sys.argv[1] + "/*.pdf"))
t, w = time.process_time(), time.perf_counter()
for f in files:
    extract_checked(f, "pdfium", 1, Limits())
print(time.process_time() - t, time.perf_counter() - w)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--raw", type=Path, default=ROOT / "raw_pdfs")
    ap.add_argument("--rounds", type=int, default=4)
    a = ap.parse_args()
    trees = {"old": a.old.resolve(), "new": a.new.resolve()}
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in trees}
    start = os.getloadavg()
    for _ in range(a.rounds):
        for name, tree in trees.items():
            env = dict(os.environ, PYTHONPATH=str(tree), NHR_CONFIG=str(ROOT / "config"))
            cmd = [sys.executable, "-c", CHILD, str(a.raw.resolve())]
            out = subprocess.run(cmd, env=env, cwd="/", capture_output=True, text=True, check=True).stdout.split()
            runs[name].append((float(out[0]), float(out[1])))
    end = os.getloadavg()
    print(
        "load average at the start " + " ".join(f"{x:.1f}" for x in start),
        "at the end " + " ".join(f"{x:.1f}" for x in end),
    )
    for name, rs in runs.items():
        cpu, wall = [c for c, _ in rs], [w for _, w in rs]
        print(
            f"{name}  cpu " + " ".join(f"{c:.2f}" for c in cpu) + f" (median {statistics.median(cpu):.2f})"
            "   wall " + " ".join(f"{w:.2f}" for w in wall) + f" (median {statistics.median(wall):.2f})"
        )


if __name__ == "__main__":
    main()
