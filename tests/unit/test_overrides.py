"""config/overrides.yaml: an override that could never take effect is refused on load, naming the file."""

from pathlib import Path

import pytest

from pipeline.config import _check_overrides
from pipeline.errors import ConfigError

PATH = Path("config/overrides.yaml")
A, B, C = "2024-10:1.1.2.1", "2025-04:1.1.1.1", "2025-04:1.1.1.2"


def test_distinct_overrides_pass():
    _check_overrides(PATH, {"force": [{"from": A, "to": B}], "forbid": [{"from": A, "to": C}]})


@pytest.mark.parametrize(
    "cfg,says",
    [
        ({"force": [{"from": A, "to": B}, {"from": A, "to": C}]}, f"names from {A} in more than one entry"),
        ({"force": [{"from": A, "to": B}, {"from": "2024-10:9.9.9.9", "to": B}]}, f"names to {B}"),
        ({"force": [{"from": A, "to": B}], "forbid": [{"from": A, "to": B}]}, "both forced and forbidden"),
        ({"force": [{"from": A}]}, "from/to"),
    ],
)
def test_overrides_that_cannot_all_apply_are_refused(cfg, says):
    with pytest.raises(ConfigError) as e:
        _check_overrides(PATH, cfg)
    assert str(e.value).startswith(f"{PATH}: ") and says in str(e.value) and "\n" not in str(e.value)
