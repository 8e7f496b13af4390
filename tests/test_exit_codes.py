"""One exit code per meaning (README "Exit codes", listed in pipeline/errors.py), each shown by a real run of
`nhr` on a real or adversarial input, with exactly one line on stderr for every error."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, pdf_of, without_progress
from test_inputs import foreign_pdf, image_only_pdf

from pipeline import errors

NHR = Path(sys.executable).parent / "nhr"
FAST = ["--engine", "pdfium"]


def nhr(*args, env=None):
    r = subprocess.run([NHR, *map(str, args)], capture_output=True, text=True, env={**os.environ, **(env or {})})
    return r.returncode, r.stdout, without_progress(r.stderr)  # progress lines are not errors


def cut_streams(src: Path, dst: Path, pages: tuple[int, ...], keep: float) -> Path:
    """`src` with the content streams of `pages` cut to `keep` of their compressed bytes (data lost)."""
    with pikepdf.open(src) as pdf:
        for i in pages:
            page = pdf.pages[i]
            z = zlib.compress(page.obj.Contents.read_bytes() if isinstance(page.obj.Contents, pikepdf.Stream) else b"")
            s = pikepdf.Stream(pdf, b"")
            s.write(z[: int(len(z) * keep)], filter=pikepdf.Name.FlateDecode)
            page.obj.Contents = s
        pdf.save(dst)
    return dst


def rotated_only_pdf(path: Path) -> None:
    """Text, but all of it turned 90°: PDFium counts characters (the input check passes); the edition reader
    finds no line of text."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rotate(90)
    c.drawString(100, -100, "Nachhaltigkeitsreport Stand: 01.04.2025 - nur gedrehter Text")
    c.showPage()
    c.save()


def _success(tmp: Path):
    return nhr("date", "Herbst 2023")


def _internal(tmp: Path):
    return nhr("extract", pdf_of("2022-10"), *FAST, env={"NHR_FAULT": "bug:extracting"})


def _usage(tmp: Path):
    conf = tmp / "config"
    shutil.copytree(ROOT / "config", conf)
    text = (conf / "rules.yaml").read_text(encoding="utf-8")
    (conf / "rules.yaml").write_text(text.replace("plan_words:", "plan_wrds:"), encoding="utf-8")
    return nhr("extract", pdf_of("2022-10"), env={"NHR_CONFIG": str(conf)})


def _unreadable(tmp: Path):
    (tmp / "x.pdf").write_bytes(os.urandom(4000))
    return nhr("extract", tmp / "x.pdf")


def _encrypted(tmp: Path):
    with pikepdf.open(pdf_of("2022-10")) as pdf:
        pdf.save(tmp / "x.pdf", encryption=pikepdf.Encryption(user="geheim", owner="geheim2"))
    return nhr("extract", tmp / "x.pdf")


def _scanned(tmp: Path):
    image_only_pdf(tmp / "x.pdf")
    return nhr("extract", tmp / "x.pdf", *FAST)


def _no_lines(tmp: Path):
    rotated_only_pdf(tmp / "x.pdf")
    return nhr("extract", tmp / "x.pdf", *FAST)


def _foreign(tmp: Path):
    foreign_pdf(tmp / "x.pdf")
    return nhr("extract", tmp / "x.pdf", *FAST)


def _drift(tmp: Path):
    return nhr("extract", cut_streams(pdf_of("2022-10"), tmp / "x.pdf", (2, 5), 0.5), *FAST)


def _duplicate(tmp: Path):
    raw = tmp / "raw"
    raw.mkdir()
    shutil.copy(pdf_of("2022-10"), raw)
    with pikepdf.open(pdf_of("2022-10")) as pdf:
        del pdf.pages[40]  # the same edition, one page short: other records
        pdf.save(raw / "kopie.pdf")
    return nhr("build", "--raw", raw, "--out", tmp / "out", *FAST)


def _locked(tmp: Path):
    out = tmp / "out"
    out.mkdir()
    with open(out / ".nhr.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        return nhr("build", "--raw", ROOT / "raw_pdfs", "--out", out, *FAST)


def _strict(tmp: Path):
    raw = tmp / "raw"
    raw.mkdir()
    with pikepdf.open(pdf_of("2022-10")) as pdf:
        pdf.pages.extend(list(pdf.pages))  # every page twice: an error-level anomaly
        pdf.save(raw / "doppelt.pdf")
    return nhr("build", "--raw", raw, "--out", tmp / "out", *FAST, "--strict")


def _disagree(tmp: Path):
    """Times without embedded metrics: pdfminer has no width for "€" (0 pt) and joins the next word to it,
    PDFium does not: a real disagreement of the engines, which `nhr check` must name."""
    from conftest import gold
    from render import render
    from test_variants import STYLES

    render(gold("2022-10"), str(tmp / "times.pdf"), STYLES["times-justified-tables"])
    return nhr("check", tmp / "times.pdf")


def _limit(tmp: Path):
    conf = tmp / "config"
    shutil.copytree(ROOT / "config", conf)
    (conf / "nhr.yaml").write_text("limits:\n  pages_per_file: 10\n", encoding="utf-8")
    return nhr("extract", pdf_of("2022-10"), *FAST, env={"NHR_CONFIG": str(conf)})


def _env(tmp: Path):
    (tmp / "file").write_text("not a directory")
    raw = tmp / "raw"
    raw.mkdir()
    shutil.copy(pdf_of("2022-10"), raw)
    return nhr("build", "--raw", raw, "--out", tmp / "file" / "out", *FAST)


# each exit code of pipeline/errors.py: runs that must end with it, and a word its one line must hold
RUNS = {
    0: [(_success, "")],
    errors.EXIT_INTERNAL: [(_internal, "internal error")],
    errors.EXIT_USAGE: [(_usage, "unknown key 'plan_wrds'")],
    errors.EXIT_UNREADABLE: [(_unreadable, "not a PDF")],
    errors.EXIT_ENCRYPTED: [(_encrypted, "encrypted")],
    errors.EXIT_NO_TEXT: [(_scanned, "no text layer"), (_no_lines, "no text layer")],
    errors.EXIT_FOREIGN: [(_foreign, "not an edition")],
    errors.EXIT_DRIFT: [(_drift, "structure drifted")],
    errors.EXIT_DUPLICATE: [(_duplicate, "different content")],
    errors.EXIT_LOCKED: [(_locked, "another nhr build")],
    errors.EXIT_STRICT: [(_strict, "")],
    errors.EXIT_LIMIT: [(_limit, "limits.pages_per_file")],
    errors.EXIT_ENV: [(_env, "not a directory")],
    errors.EXIT_DISAGREE: [(_disagree, "")],
}
CASES = [(code, run, words) for code, runs in RUNS.items() for run, words in runs]


def test_every_exit_code_has_a_run():
    codes = {v for k, v in vars(errors).items() if k.startswith("EXIT_")}
    assert codes == set(RUNS) - {0}


@pytest.mark.parametrize(("code", "run", "words"), CASES, ids=[f"{c}-{r.__name__[1:]}" for c, r, _ in CASES])
def test_exit_code(tmp_path, code, run, words):
    got, _, err = run(tmp_path)
    assert got == code, err
    if code in (0, errors.EXIT_STRICT, errors.EXIT_DISAGREE):  # a success, or a run that finished and reports
        assert "Traceback" not in err
        return
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nhr: error: ") and words in lines[0], err
