"""The `pdfplumber` engine: characters and their boxes as pdfplumber (pdfminer.six, MIT) measures them."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.records import LIGATURES, Char, RawPage
from ..fonts import is_bold

# The Euro's advance in Adobe's current metrics of the standard 14 fonts; pdfminer's older tables lack
# it, so a "€" in a non-embedded Helvetica/Times/Courier was 0 pt wide and the rest of its line shifted
EURO_WIDTH = {"Helvetica": 556, "Times": 500, "Courier": 600}


def _complete_standard_metrics() -> None:
    """Give pdfminer's standard-font metrics the Euro (what PDFium and every viewer use)."""
    from pdfminer.fontmetrics import FONT_METRICS

    for name, (_, widths) in FONT_METRICS.items():
        family = name.split("-")[0]
        if family in EURO_WIDTH:
            widths.setdefault("€", EURO_WIDTH[family])


def damaged() -> tuple[type[BaseException], ...]:
    """pdfminer's PSException family (PDFSyntaxError and kin) and pdfplumber's wrappers of them."""
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    return (PSException, PdfminerException, MalformedPDFException)


def pages(path: str, first: int = 0, last: int | None = None) -> Iterator[RawPage]:
    """Pages first..last-1 (0-based) of the PDF, each closed once delivered."""
    import pdfplumber  # here: a pdfium build never loads it

    _complete_standard_metrics()

    bold: dict[str, bool] = {}
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[first:last]:
            chars = []
            for c in page.chars:
                font = c.get("fontname") or ""
                if font not in bold:
                    bold[font] = is_bold(font)
                text = c["text"] or ""
                chars.append(
                    Char(
                        LIGATURES.get(text, text),
                        c["x0"],
                        c["x1"],
                        c["top"],
                        c["bottom"],
                        round(c.get("size") or 0.0, 2),
                        bold[font],
                        bool(c.get("upright", True)),
                    )
                )
            yield RawPage(page.page_number, float(page.width), float(page.height), chars)
            page.close()
