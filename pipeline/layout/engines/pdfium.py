"""The `pdfium` engine, the fast one: characters and their boxes straight from PDFium (pypdfium2, Apache-2.0/BSD).

Delivers the same `Char` records as the pdfplumber engine: x from the glyph origin and advance
(PDFium's loose box), top/bottom from the font's ascent/descent, font size, boldness, and whether the
glyph is upright. Generated characters (PDFium's inferred spaces and line breaks) are skipped: only
drawn glyphs count, as in pdfplumber.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ...model.records import Char, RawPage
from ...tolerances import TOL
from ..fonts import is_bold

# Descent (per 1000) of the standard fonts by name, from Adobe's metrics as pdfminer takes them; PDFium
# measures the substitute it draws a font that is not embedded with (Courier: -248 instead of -194)
STANDARD_DESCENT = {
    **dict.fromkeys(
        (
            "courier",
            "courier-bold",
            "courier-boldoblique",
            "courier-oblique",
            "couriernew",
            "couriernew,italic",
            "couriernew,bold",
            "couriernew,bolditalic",
        ),
        -194.0,
    ),
    **dict.fromkeys(
        (
            "helvetica",
            "helvetica-bold",
            "helvetica-boldoblique",
            "helvetica-oblique",
            "arial",
            "arial,italic",
            "arial,bold",
            "arial,bolditalic",
        ),
        -207.0,
    ),
    **dict.fromkeys(
        (
            "times-roman",
            "times-bold",
            "times-bolditalic",
            "times-italic",
            "timesnewroman",
            "timesnewroman,italic",
            "timesnewroman,bold",
            "timesnewroman,bolditalic",
        ),
        -217.0,
    ),
}


def _space_follows(tp, i: int, obj: int, hyphen_x1: float, bounds: dict) -> bool:
    """Was the line-final hyphen (char i) followed by a space glyph? PDFium drops that space from its text
    page, but the text object's bounds (its glyphs' ink and the inkless space's origin) still reach past
    the hyphen's ink: to its advance, or a little less where the producer kerns the space back."""
    if obj not in bounds:
        l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        ok = raw.FPDFPageObj_GetBounds(
            ctypes.cast(obj, raw.FPDF_PAGEOBJECT), ctypes.byref(l), ctypes.byref(b), ctypes.byref(r), ctypes.byref(t)
        )
        bounds[obj] = r.value if ok else -1.0
    if bounds[obj] >= hyphen_x1 - TOL.hyphen_space_slack:
        return True
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    ok = raw.FPDFText_GetCharBox(tp, i, *(ctypes.byref(v) for v in (left, right, bottom, top)))
    return bool(ok) and bounds[obj] > right.value + TOL.hyphen_space_slack


# Plain-address prototypes of the two calls made for every glyph (no per-call type conversion):
# FPDFText_GetTextObject returns the handle as an int, a cheap cache key
_text_object = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value or 0
)
_char_origin = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(
    ctypes.cast(raw.FPDFText_GetCharOrigin, ctypes.c_void_p).value or 0
)


class Facts(NamedTuple):
    """What a text object tells about all its glyphs (see `_facts`); cached per page by object handle."""

    font: Any  # PDFium's font handle (None when the object has none)
    size: float  # font size times the matrix's vertical scale, rounded to 0.01 pt: the `Char` size
    upright: bool
    bold: bool
    descent: float  # pt below the baseline (negative)
    height: float  # pt: the unrounded size, a glyph's box height
    xsize: float  # pt: font size times the horizontal scale, the size advances are measured at
    advances: dict  # glyph code → advance in pt, shared by the objects of one font at one `xsize`


class LooseBox(NamedTuple):
    """PDFium's loose box of a char, in PDF coordinates (y up)."""

    left: float
    right: float
    top: float
    bottom: float


def _object_facts(tp, i: int, obj: int, buf, val, widths: dict) -> Facts:
    """The facts of glyph i's text object (see `_facts`)."""
    m = raw.FS_MATRIX()
    if not raw.FPDFText_GetMatrix(tp, i, ctypes.byref(m)):
        m.a, m.b, m.c, m.d = 1.0, 0.0, 0.0, 1.0
    angle = raw.FPDFText_GetCharAngle(tp, i)
    upright = abs(angle) < TOL.upright_angle or abs(angle - 2 * math.pi) < TOL.upright_angle
    font = raw.FPDFTextObj_GetFont(ctypes.cast(obj, raw.FPDF_PAGEOBJECT))
    return _facts(font, raw.FPDFText_GetFontSize(tp, i), m, upright, buf, val, widths)


def _facts(font, fs: float, m, upright: bool, buf, val, widths: dict) -> Facts:
    """The facts of a text object: sizes are the font size times the matrix's scale, as pdfminer's (a
    producer that scales its whole page, as Chromium does by 0.24 × 2.59, sets 20 pt type for 12.42 pt)."""
    height, xsize = fs * math.hypot(m.c, m.d), fs * math.hypot(m.a, m.b)
    name, descent = "", 0.0
    if font:
        n = raw.FPDFFont_GetBaseFontName(font, buf, len(buf))
        name = buf.value.decode("latin-1").lower() if 0 < n <= len(buf) else ""
        if name in STANDARD_DESCENT and not raw.FPDFFont_GetIsEmbedded(font):
            descent = STANDARD_DESCENT[name] / 1000.0
        elif raw.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), ctypes.byref(val)):
            descent = val.value / 1000.0
    fkey = (ctypes.cast(font, ctypes.c_void_p).value or 0, xsize)
    return Facts(
        font,
        round(height, 2),
        upright,
        is_bold(name),
        descent * height,
        height,
        xsize,
        widths.setdefault(fkey, {}),
    )


def _inkless_spaces(page, height: float, buf, val, widths: dict) -> list[Char]:
    """Spaces PDFium leaves out of its text page: an upright text object without ink (Chromium draws
    each space between words so) is not there, pdfplumber gives its space; placed at the object's origin."""
    chars = []
    l, b, r, t, fs = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    m = raw.FS_MATRIX()
    for j in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, j)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_TEXT or not raw.FPDFPageObj_GetBounds(
            obj, ctypes.byref(l), ctypes.byref(b), ctypes.byref(r), ctypes.byref(t)
        ):
            continue
        if l.value != r.value or b.value != t.value or not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
            continue
        if m.a <= 0 or abs(m.b) > TOL.upright_skew * m.a or not raw.FPDFTextObj_GetFontSize(obj, ctypes.byref(fs)):
            continue  # not upright: rotated spaces separate nothing
        font, size, _, bold, descent, fheight, xsize, adv_of = _facts(
            raw.FPDFTextObj_GetFont(obj), fs.value, m, True, buf, val, widths
        )
        sw = _advance(font, 32, xsize, adv_of, val) or TOL.space_em * xsize
        bottom = height - m.f - descent
        chars.append(Char(" ", m.e, m.e + sw, bottom - fheight, bottom, size, bold, True))
    return chars


def _advance(font, code: int, size: float, cache: dict, val) -> float | None:
    """Advance width of a glyph, as pdfminer computes x1 (cached per font and size)."""
    if code not in cache:
        ok = font and raw.FPDFFont_GetGlyphWidth(font, code, ctypes.c_float(size), ctypes.byref(val))
        cache[code] = val.value if ok else None
    return cache[code]


def _box(tp, i: int, rect) -> LooseBox:
    """PDFium's loose box of char i."""
    raw.FPDFText_GetLooseCharBox(tp, i, ctypes.byref(rect))
    return LooseBox(rect.left, rect.right, rect.top, rect.bottom)


class _Page:
    """One page's glyph loop (the reference for _glyphs.c): the records so far and the last glyph."""

    def __init__(self, tp, height: float):
        self.tp, self.tpa, self.height = tp, ctypes.cast(tp, ctypes.c_void_p).value, height
        self.ox, self.oy, self.val = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
        self.pox, self.poy = ctypes.addressof(self.ox), ctypes.addressof(self.oy)
        self.rect, self.buf = raw.FS_RECTF(), ctypes.create_string_buffer(256)
        self.chars: list[Char] = []
        self.objects: dict[int, Facts] = {}  # keyed by handle: valid for this page only
        self.bounds: dict[int, float] = {}
        self.widths: dict[tuple, dict] = {}
        # the last upright glyph: text object, index, right edge, bottom, origin, place in chars
        self.obj, self.i, self.x1, self.bottom, self.x0, self.y0, self.at = 0, -1, 0.0, 0.0, 0.0, 0.0, -1
        self.rotated: tuple = (0, 0.0, 0.0, 0.0, 0.0, -1)  # the last rotated glyph: object, loose box, place
        self.overhang = False  # the last glyph is a ligature whose ink reaches past its box: x1 may move

    def facts(self, i: int, obj: int) -> Facts:
        facts = self.objects[obj] = _object_facts(self.tp, i, obj, self.buf, self.val, self.widths)
        return facts

    def rotated_glyph(self, i: int, obj: int, code: int, facts: Facts) -> None:
        """A glyph that is not upright: its box is PDFium's loose box; a ligature's letters (one box) join."""
        box = _box(self.tp, i, self.rect)
        chars = self.chars
        if (obj, *box, len(chars) - 1) == self.rotated:
            chars[-1] = chars[-1]._replace(text=chars[-1].text + chr(code))
            return
        left, right, top, bottom = box
        chars.append(
            Char(chr(code), left, right, self.height - top, self.height - bottom, facts.size, facts.bold, False)
        )
        self.rotated = (obj, *box, len(chars) - 1)

    def space(self, i: int, facts: Facts) -> None:
        """A space only separates words: placed after the previous glyph, no origin lookup."""
        if self.overhang:
            _char_origin(self.tpa, i, self.pox, self.poy)
            self.settle(self.obj, self.ox.value, self.oy.value)
        font, size, _, bold, _, height, xsize, adv_of = facts
        sw = adv_of.get(32) or _advance(font, 32, xsize, adv_of, self.val) or TOL.space_em * xsize
        self.chars.append(
            tuple.__new__(Char, (" ", self.x1, self.x1 + sw, self.bottom - height, self.bottom, size, bold, True))
        )
        self.x1 += sw

    def glyph(self, i: int, obj: int, code: int, facts: Facts) -> None:
        """An upright glyph: pdfminer's box, x from the origin and the glyph's advance; bottom at the
        baseline minus the font's descent, top one font size above."""
        _char_origin(self.tpa, i, self.pox, self.poy)
        x0, y0 = self.ox.value, self.oy.value
        if self.overhang:
            self.settle(obj, x0, y0)
        if x0 == self.x0 and y0 == self.y0 and obj == self.obj and self.ligature(i, code):
            return
        font, size, _, bold, descent, height, xsize, adv_of = facts
        hyphen = code == 2  # PDFium's mark for a hyphen that ends a line (it also hides the space after it)
        if hyphen:
            code = 0x2D
        adv = adv_of.get(code)
        if adv is None:
            adv = _advance(font, code, xsize, adv_of, self.val)
            if adv is None:
                adv = _box(self.tp, i, self.rect).right - x0
        x1, bottom = x0 + adv, self.height - y0 - descent
        chars = self.chars
        chars.append(tuple.__new__(Char, (chr(code), x0, x1, bottom - height, bottom, size, bold, True)))
        self.obj, self.i, self.x1, self.bottom, self.x0, self.y0, self.at = obj, i, x1, bottom, x0, y0, len(chars) - 1
        if hyphen and _space_follows(self.tp, i, obj, x1, self.bounds):
            sw = _advance(font, 32, xsize, adv_of, self.val) or TOL.space_em * xsize
            chars.append(Char(" ", x1, x1 + sw, bottom - height, bottom, size, bold, True))

    def ligature(self, i: int, code: int) -> bool:
        """Is glyph i, at the last glyph's origin in its text object, a further letter of it (a ligature:
        PDFium gives one char per letter, all with the glyph's loose box)? Then it joins that `Char`.

        PDFium gives no advance for a ligature (it has no unicode of its own). Its loose box reaches to
        the advance or to the ink, whichever is further: the advance when the box ends clear of the ink,
        else the ink of an overhanging "ff"; then the next glyph's origin may tell the advance better."""
        box = _box(self.tp, i, self.rect)
        if self.at != len(self.chars) - 1 or box != _box(self.tp, self.i, self.rect):
            return False
        left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        raw.FPDFText_GetCharBox(
            self.tp, i, ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top)
        )
        self.chars[-1] = self.chars[-1]._replace(text=self.chars[-1].text + chr(code), x1=box.right)
        self.i, self.x1, self.overhang = i, box.right, box.right <= right.value + TOL.ligature_ink_slack
        return True

    def settle(self, obj: int, x0: float, y0: float) -> None:
        """An overhanging ligature ends where the next glyph of its text object starts on its baseline,
        if that is before its ink ends."""
        if obj == self.obj and y0 == self.y0 and self.x0 < x0 < self.x1:
            self.chars[self.at] = self.chars[self.at]._replace(x1=x0)
            self.x1 = x0
        self.overhang = False


def _page_chars_py(tp, page_handle, height: float) -> list[Char]:
    """One page's drawn glyphs as `Char` records: the reference for the compiled `_glyphs.page_chars`.

    A glyph that prints several letters (a ligature) is one `Char` whose text is the letters, as in
    pdfplumber.
    """
    page = _Page(tp, height)
    get_unicode, text_object, tpa, objects = raw.FPDFText_GetUnicode, _text_object, page.tpa, page.objects
    count = raw.FPDFText_CountChars(tp)
    text = (ctypes.c_ushort * (count + 1))()
    raw.FPDFText_GetText(tp, 0, count, text)
    codes = text[:count]
    if any(0xD800 <= c <= 0xDFFF for c in codes):  # surrogate pairs: indices no longer align
        codes = [get_unicode(tp, i) for i in range(count)]
    for i, code in enumerate(codes):  # two ctypes calls per glyph: this loop is the engine
        obj = text_object(tpa, i)
        if not obj:
            continue  # generated by PDFium (inferred spaces, line breaks), not drawn
        if code < 0x20 or code >= 0xFFFE:  # the bulk text blanks PDFium's line-end hyphen mark
            code = get_unicode(tp, i)
            if code in (0, 10, 13, 0xFFFE, 0xFFFF):
                continue
        facts = objects.get(obj) or page.facts(i, obj)
        if not facts.upright:
            page.rotated_glyph(i, obj, code, facts)
        elif code == 32 and obj == page.obj:
            page.space(i, facts)
        else:
            page.glyph(i, obj, code, facts)
    return page.chars + _inkless_spaces(page_handle, height, page.buf, page.val, page.widths)


# The compiled glyph loop (pipeline/layout/_glyphs.c), built at install when a C compiler is there; same records
try:
    from .. import _glyphs  # type: ignore[attr-defined]
except ImportError:  # no compiler at install: the reference loop, about 4x slower
    _glyphs = None

# PDFium's functions the compiled loop calls, by address, in the order _glyphs.c declares them
FUNCTIONS = tuple(
    ctypes.cast(getattr(raw, name), ctypes.c_void_p).value
    for name in (
        "FPDFText_CountChars",
        "FPDFText_GetUnicode",
        "FPDFText_GetText",
        "FPDFText_GetTextObject",
        "FPDFText_GetCharOrigin",
        "FPDFText_GetFontSize",
        "FPDFText_GetCharAngle",
        "FPDFTextObj_GetFont",
        "FPDFFont_GetBaseFontName",
        "FPDFFont_GetDescent",
        "FPDFFont_GetGlyphWidth",
        "FPDFText_GetLooseCharBox",
        "FPDFPageObj_GetBounds",
        "FPDFText_GetMatrix",
        "FPDFText_GetCharBox",
        "FPDFPage_CountObjects",
        "FPDFPage_GetObject",
        "FPDFPageObj_GetType",
        "FPDFPageObj_GetMatrix",
        "FPDFTextObj_GetFontSize",
        "FPDFFont_GetIsEmbedded",
    )
)

# what the C loop is handed, in the order its page_chars parses them
GLYPH_TOLERANCES = (
    TOL.upright_angle,
    TOL.upright_skew,
    TOL.space_em,
    TOL.hyphen_space_slack,
    TOL.ligature_ink_slack,
)


def page_chars(tp, page, height: float, compiled: bool = True) -> list[Char]:
    """One page's drawn glyphs (text page `tp` of `page`); `compiled=False` forces the pure-Python reference."""
    if compiled and _glyphs is not None:
        return _glyphs.page_chars(
            ctypes.cast(tp, ctypes.c_void_p).value,
            ctypes.cast(page, ctypes.c_void_p).value,
            height,
            FUNCTIONS,
            Char,
            is_bold,
            GLYPH_TOLERANCES,
        )
    return _page_chars_py(tp, page, height)


def _rotation_matrix(rotation: int, x0: float, y0: float, x1: float, y1: float) -> pdfium.PdfMatrix:
    """The map from page space to displayed space that pdfminer applies for a page's /Rotate."""
    a, b, c, d, e, f = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1), 270: (0, 1, -1, 0, y1, -x0)}[rotation]
    return pdfium.PdfMatrix(a, b, c, d, e, f)


def _unrotate(page) -> None:
    """Redraw a /Rotate page's objects in its displayed orientation, so both glyph loops see it as pdfplumber does."""
    rotation = page.get_rotation() % 360
    if not rotation:
        return
    x0, y0, x1, y1 = page.get_cropbox()
    matrix = _rotation_matrix(rotation, x0, y0, x1, y1)
    for obj in page.get_objects(max_depth=1):
        obj.transform(matrix)
    w, h = (y1 - y0, x1 - x0) if rotation in (90, 270) else (x1 - x0, y1 - y0)
    page.set_rotation(0)
    page.set_mediabox(0, 0, w, h)
    page.set_cropbox(0, 0, w, h)


def damaged() -> tuple[type[BaseException], ...]:
    """PDFium's error."""
    return (pdfium.PdfiumError,)


def pages(path: str, first: int = 0, last: int | None = None, compiled: bool = True) -> Iterator[RawPage]:
    """Pages first..last-1 (0-based) of the PDF, each turned upright first; `compiled=False` runs the
    Python reference loop instead of `_glyphs.c`."""
    pdf = pdfium.PdfDocument(path)
    try:
        n = len(pdf)
        for index in range(first, n if last is None else min(last, n)):
            page = pdf[index]
            _unrotate(page)
            width, height = page.get_size()
            textpage = page.get_textpage()
            chars = page_chars(textpage.raw, page.raw, float(height), compiled)
            textpage.close()
            page.close()
            yield RawPage(index + 1, float(width), float(height), chars)
    finally:
        pdf.close()
