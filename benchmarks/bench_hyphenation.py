"""De-hyphenation on hyphenating renderings of every gold edition: the gold bar with and without it.

    python benchmarks/bench_hyphenation.py [--engine pdfium] [--mark -|soft] [--editions 2023-10 2024-04]

Each gold edition is re-typeset by tests/render.py with words broken at the German dictionary's syllable
breaks (Style.hyphenate; "soft": U+00AD in the text layer, DejaVuSans), read with the engine, and scored
as score_edition.py --ignore-breaks does: once as nhr reads it, once with de-hyphenation switched off.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import EDITIONS, gold  # noqa: E402
from render import Style, render  # noqa: E402
from score_edition import score  # noqa: E402
from test_hyphenation import ignore_breaks  # noqa: E402

from pipeline.extract import hyphens  # noqa: E402
from pipeline.model.export import to_gold  # noqa: E402
from pipeline.store.build import extract_checked  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", default="pdfium")
    ap.add_argument("--mark", default="-", choices=["-", "soft"])
    ap.add_argument("--editions", nargs="*", default=EDITIONS)
    a = ap.parse_args()
    style = (
        Style(font="DejaVuSans", bold="DejaVuSans-Bold", hyphenate="\u00ad")
        if a.mark == "soft"
        else Style(hyphenate="-")
    )
    weigh = hyphens.hyphenating
    with tempfile.TemporaryDirectory() as d:
        for ed in a.editions:
            g = gold(ed)
            pdf = Path(d) / f"{ed}.pdf"
            render(g, str(pdf), style)
            for label, gate in (("off", lambda lines: False), ("on", weigh)):
                hyphens.hyphenating = gate
                read = extract_checked(str(pdf), engine=a.engine)
                _, lines = score(ignore_breaks(g), ignore_breaks(to_gold(read)))
                doubts = sum(x.kind == "hyphen_undecided" for x in read.anomalies)
                print(f"{ed} de-hyphenation {label:3}  {lines[-1]}  ({doubts} hyphen_undecided)")
    hyphens.hyphenating = weigh


if __name__ == "__main__":
    main()
