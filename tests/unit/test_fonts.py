"""The one bold rule of both engines and both glyph loops (`pipeline/layout/fonts.py`)."""

import pytest

from pipeline.layout.fonts import is_bold

BOLD = ["Arial,Bold", "ABCDEF+Calibri-Bold", "Foo,B", "foo,b", "Foo-BoldItalic", "Helvetica-Black", "Semibold"]
BOLD += ["MyriadPro-Semibold", "Roboto-Heavy", "OpenSans-DemiBold", "arial,bolditalic", "Foo,BI"]
PLAIN = ["Times-Roman", "ABCDEF+Calibri", "Foo,Italic", "Foo,I", "Helvetica-Oblique", "Bodoni", ""]


@pytest.mark.parametrize("name", BOLD)
def test_bold_names(name):
    assert is_bold(name)


@pytest.mark.parametrize("name", PLAIN)
def test_plain_names(name):
    assert not is_bold(name)
