"""Input checks: tell a damaged, encrypted, scanned or foreign file from a report edition, in one line."""

from __future__ import annotations

import os
import stat
import struct
import zlib
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

# exit codes and InputError live in pipeline/errors.py; re-exported here for the callers that import them
from ..errors import (  # noqa: F401
    EXIT_DRIFT,
    EXIT_DUPLICATE,
    EXIT_ENCRYPTED,
    EXIT_ENV,
    EXIT_FOREIGN,
    EXIT_INTERNAL,
    EXIT_LIMIT,
    EXIT_LOCKED,
    EXIT_NO_TEXT,
    EXIT_STRICT,
    EXIT_UNREADABLE,
    InputError,
)
from ..layout.engines import damaged_errors, libraries

HEADER_BYTES = 1024  # bytes at the start of a file where the %PDF- header must appear
SAMPLE_PAGES = 12  # first pages whose text layer is sampled
MIN_SAMPLE_CHARS = 20  # characters in the sampled pages below which the file has no text layer (scanned)


def check_pdf(path: str | Path) -> int:
    """Open the file with pdfium and sample its text layer; returns the page count or raises InputError."""
    import pypdfium2 as pdfium

    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise InputError(p, f"cannot read file ({e.strerror})", EXIT_UNREADABLE) from e
    if size == 0:
        raise InputError(p, "empty file (0 bytes)", EXIT_UNREADABLE)
    with open(p, "rb") as f:
        head = f.read(HEADER_BYTES)
    if b"%PDF-" not in head:
        raise InputError(p, "not a PDF (no %PDF- header)", EXIT_UNREADABLE)
    try:
        pdf = pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise InputError(
                p, "encrypted PDF (password required); export it without a password", EXIT_ENCRYPTED
            ) from e
        detail = msg.split("(PDFium: ")[-1].rstrip(").") if "PDFium" in msg else msg
        raise InputError(p, f"damaged or truncated PDF ({detail})", EXIT_UNREADABLE) from e
    try:
        n = len(pdf)
        if n == 0:
            raise InputError(p, "PDF has no pages", EXIT_UNREADABLE)
        chars = 0
        for i in range(min(n, SAMPLE_PAGES)):  # until the sample holds enough text: extraction reads every page
            tp = pdf[i].get_textpage()
            chars += tp.count_chars()
            tp.close()
            if chars >= MIN_SAMPLE_CHARS:
                break
        if chars < MIN_SAMPLE_CHARS:
            raise InputError(p, "no text layer (a scanned PDF?); run OCR first, e.g. ocrmypdf", EXIT_NO_TEXT)
        return n
    except InputError:
        raise
    except Exception as e:  # pdfium can fail late on broken page trees; anything else is a bug of ours
        if not from_engine(e):
            raise
        raise InputError(p, f"damaged PDF ({e})", EXIT_UNREADABLE) from e
    finally:
        pdf.close()


@lru_cache(maxsize=1)
def engine_errors() -> tuple[type[BaseException], ...]:
    """The exceptions the PDF engines raise for damaged content (each engine's `damaged()`), and a broken
    Flate stream or binary table."""
    return (*damaged_errors(), zlib.error, struct.error)


def from_engine(e: BaseException) -> bool:
    """Damaged content, not a bug of ours: one of the engines' own exceptions, or a plain one (KeyError,
    TypeError, ...) raised inside an engine's code as pdfminer does on mangled objects."""
    if isinstance(e, engine_errors()):
        return True
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    module = tb.tb_frame.f_globals.get("__name__", "")
    return module.split(".")[0] in libraries()


class Listing(NamedTuple):
    """What a raw directory holds: the regular *.pdf files, and a one-line error for every other *.pdf entry."""

    pdfs: list[Path]
    problems: list[InputError]


def list_pdfs(raw: Path) -> Listing:
    """The regular files named *.pdf in `raw`, and a one-line error for each other entry so named (a dangling
    link, a FIFO, a directory): nothing is skipped silently and nothing blocks on opening a FIFO."""
    try:
        entries = sorted(os.scandir(raw), key=lambda e: e.name)
    except OSError as e:
        raise InputError(raw, f"cannot list directory ({e.strerror})", EXIT_UNREADABLE) from e
    pdfs, problems = [], []
    for entry in entries:
        if not entry.name.lower().endswith(".pdf"):
            continue
        p = Path(raw) / entry.name
        try:
            mode = os.stat(p).st_mode  # follows links
        except FileNotFoundError:
            problems.append(InputError(p, "dangling symbolic link", EXIT_UNREADABLE))
            continue
        except OSError as err:
            problems.append(InputError(p, f"cannot read file ({err.strerror})", EXIT_UNREADABLE))
            continue
        if stat.S_ISREG(mode):
            pdfs.append(p)
        else:
            problems.append(InputError(p, "not a regular file (a FIFO, device or directory)", EXIT_UNREADABLE))
    if not pdfs and not problems:
        raise InputError(raw, "no PDF files found", EXIT_UNREADABLE)
    return Listing(pdfs, problems)


def usable_pdfs(raw: Path, keep_going: bool) -> Listing:
    """list_pdfs, raising its first problem unless keep_going and some PDF is left to build from."""
    listing = list_pdfs(raw)
    if listing.problems and (not keep_going or not listing.pdfs):
        raise listing.problems[0]
    return listing
