"""Two `nhr` commands compared at the same moment: fresh builds, alternated, then each again from its cache.

    python benchmarks/ab_build.py OLD_NHR NEW_NHR [--raw raw_pdfs] [--engine pdfium] [--jobs 1] [--rounds 3]

For each round, each command builds the PDFs into a fresh folder (wall seconds and CPU seconds of its whole
process tree: this process is the subreaper of the forkserver and workers), then builds again with the
manifest deleted (every edition from the cache, every table written: an empty build). Commands run from a
neutral directory. Prints every run, the medians, and the load average at the start and the end.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36  # Linux prctl option


def reap() -> None:
    """Wait for orphaned descendants (forkserver, resource tracker) so their CPU time is counted."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], cwd: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process tree) of one command, which must succeed."""
    reap()
    c, t = cpu(), time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True)
    wall = time.perf_counter() - t
    reap()
    if r.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed: {r.stderr.decode(errors='replace')[-300:]}")
    return wall, cpu() - c


def median(xs: list[float]) -> float:
    return sorted(xs)[len(xs) // 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old", help="the first nhr command (e.g. another checkout's .venv/bin/nhr)")
    ap.add_argument("new", help="the second nhr command")
    ap.add_argument("--raw", type=Path, default=Path(__file__).resolve().parent.parent / "raw_pdfs")
    ap.add_argument("--engine", default="pdfium")
    ap.add_argument("--jobs", default="1")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    neutral = tempfile.mkdtemp(prefix="nhr-ab-")
    runs: dict[str, list[tuple[float, float]]] = {}
    load = os.getloadavg()
    try:
        for _ in range(a.rounds):
            for name, nhr in (("old", a.old), ("new", a.new)):
                out = Path(tempfile.mkdtemp(prefix="out-", dir=neutral))
                cmd = [nhr, "build", "--raw", str(a.raw.resolve()), "--out", str(out), "--engine", a.engine]
                cmd += ["--jobs", a.jobs, "--quiet"]
                runs.setdefault(f"{name} fresh", []).append(timed(cmd, neutral))
                (out / "manifest.json").unlink()
                runs.setdefault(f"{name} empty", []).append(timed(cmd, neutral))
    finally:
        shutil.rmtree(neutral, ignore_errors=True)
    print("load average at the start " + " ".join(f"{x:.1f}" for x in load))
    print("load average at the end   " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    for key, rs in runs.items():
        walls, cpus = [w for w, _ in rs], [c for _, c in rs]
        print(
            f"{key:<10} wall {' '.join(f'{w:5.2f}' for w in walls)} (median {median(walls):.2f})   "
            f"cpu {' '.join(f'{c:5.2f}' for c in cpus)} (median {median(cpus):.2f})"
        )


if __name__ == "__main__":
    main()
