"""What a font's name says about its weight: the one bold rule both engines (and the C glyph loop) apply."""

from __future__ import annotations

import re
from functools import cache

# A bold weight's name ("Calibri-Bold", "Arial,BoldItalic", "Helvetica-Black", "MyriadPro-Semibold"), or
# the ",B" and ",BI" style suffixes of TrueType names ("Foo,B", "Foo,BI"); matched anywhere, case ignored
BOLD_FONT = re.compile(r"(?i)bold|black|heavy|semibold|demibold|,bi?$")


@cache
def is_bold(font_name: str) -> bool:
    """Is a font of this base name (subset prefix and all) bold? Cached: called once per text object."""
    return bool(BOLD_FONT.search(font_name))
