"""The command line's three ways to keep control characters off a terminal agree on which characters those are."""

import json

from pipeline.surfaces.cli import clean, one_line, safe_json

# an escape sequence, a bell, C1's CSI, DEL, the bidi marks (LRM, RLM), an override and an isolate
HOSTILE = "Titel\x1b]0;pwned\x07\x9b31m\x7f\u200e\u200f\u202e\u2067 Ende\tTab\nZeile"
UNSAFE = ["\x1b", "\x07", "\x9b", "\x7f", "\u200e", "\u200f", "\u202e", "\u2067"]


def test_clean_removes_every_control_but_tab_and_newline():
    assert clean(HOSTILE) == "Titel]0;pwned31m Ende\tTab\nZeile"


def test_one_line_escapes_every_control_newline_and_tab_included():
    line = one_line(HOSTILE)
    assert "\n" not in line and "\t" not in line and not any(c in line for c in UNSAFE)
    assert line == r"Titel\x1b]0;pwned\x07\x9b31m\x7f\u200e\u200f\u202e\u2067 Ende\tTab\nZeile"


def test_safe_json_escapes_what_json_leaves_raw_and_stays_the_same_json():
    text = safe_json(json.dumps({"t": HOSTILE, "n": [1]}, ensure_ascii=False, indent=1))
    assert not any(c in text for c in UNSAFE) and "Titel" in text and text.count("\n") == 5
    assert json.loads(text) == {"t": HOSTILE, "n": [1]}
