"""Input checks: tell a damaged, encrypted, scanned or foreign file from a report edition, in one line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

# exit codes (documented in the README)
EXIT_UNREADABLE = 3  # not a PDF, empty, truncated, corrupted
EXIT_ENCRYPTED = 4
EXIT_NO_TEXT = 5  # scanned: no text layer
EXIT_FOREIGN = 6  # a PDF, but not an edition of this report
EXIT_DRIFT = 7  # structure drifted: too few projects readable
EXIT_DUPLICATE = 8  # two different files of the same edition
EXIT_LOCKED = 9
EXIT_STRICT = 10  # --strict and error-level anomalies
EXIT_LIMIT = 11  # a file exceeds a resource limit (pages, glyphs, bytes, memory, seconds)
EXIT_ENV = 12  # the machine refused: permissions, read-only or full disk, unwritable output
EXIT_INTERNAL = 1


class InputError(Exception):
    """A bad input file; `code` is the process exit code, str(self) the one-line message."""

    def __init__(self, path: str | Path, problem: str, code: int):
        super().__init__(f"{path}: {problem}")
        self.path, self.problem, self.code = str(path), problem, code


def check_pdf(path: str | Path) -> int:
    """Open the file with pdfium and sample its text layer; returns the page count or raises InputError."""
    import pypdfium2 as pdfium

    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise InputError(p, f"cannot read file ({e.strerror})", EXIT_UNREADABLE)
    if size == 0:
        raise InputError(p, "empty file (0 bytes)", EXIT_UNREADABLE)
    with open(p, "rb") as f:
        head = f.read(1024)
    if b"%PDF-" not in head:
        raise InputError(p, "not a PDF (no %PDF- header)", EXIT_UNREADABLE)
    try:
        pdf = pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise InputError(p, "encrypted PDF (password required); export it without a password", EXIT_ENCRYPTED)
        detail = msg.split("(PDFium: ")[-1].rstrip(").") if "PDFium" in msg else msg
        raise InputError(p, f"damaged or truncated PDF ({detail})", EXIT_UNREADABLE)
    try:
        n = len(pdf)
        if n == 0:
            raise InputError(p, "PDF has no pages", EXIT_UNREADABLE)
        chars = 0
        for i in range(min(n, 12)):
            tp = pdf[i].get_textpage()
            chars += tp.count_chars()
            tp.close()
        if chars < 20:
            raise InputError(p, "no text layer (a scanned PDF?); run OCR first, e.g. ocrmypdf", EXIT_NO_TEXT)
        return n
    except InputError:
        raise
    except Exception as e:  # pdfium can fail late on broken page trees
        raise InputError(p, f"damaged PDF ({e})", EXIT_UNREADABLE)
    finally:
        pdf.close()


def list_pdfs(raw: Path) -> tuple[list[Path], list[InputError]]:
    """The regular files named *.pdf in `raw`, and a one-line error for each other entry so named (a dangling
    link, a FIFO, a directory): nothing is skipped silently and nothing blocks on opening a FIFO."""
    try:
        entries = sorted(os.scandir(raw), key=lambda e: e.name)
    except OSError as e:
        raise InputError(raw, f"cannot list directory ({e.strerror})", EXIT_UNREADABLE)
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
    return pdfs, problems
