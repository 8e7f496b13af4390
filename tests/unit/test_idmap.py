"""The identity map on hand-built identity rows: ids kept, merges retire, splits never reuse, slugs whole."""

import json

from conftest import DATA

from pipeline.across.ids import IdMap, assign, map_bytes, read_map, slug
from pipeline.model.schema import SCHEMA_VERSION, layout

EDS = ["2024-04", "2024-10", "2025-04"]


def row(edition, number, cid, title="Klimaschutzkonzept 2.0", reason="first appearance"):
    return {"edition": edition, "project_number": number, "project_id": cid, "title": title, "match_reason": reason}


def final(rows, known=None):
    out, retired, m = assign(rows, known or IdMap(), EDS, lambda rs: rs[0]["title"])
    return {(r["edition"], r["project_number"]): r["project_id"] for r in out}, retired, m


def test_slugs_stop_at_a_word_boundary_and_never_end_on_a_short_word():
    assert slug("Klimaschutzkonzept 2.0") == "klimaschutzkonzept-2-0"
    assert (
        slug("Verankerung eines für alle nutzbaren Bedienkomforts im ÖPNV") == "verankerung-eines-fuer-alle-nutzbaren"
    )
    assert slug("Neustart der AG Zukunft der Pflege im Kreis Soest") == "neustart-der-ag-zukunft-der-pflege-im-kreis"
    assert slug("Neustart der AG Zukunft der Pflege im Kreis Soest", 40) == "neustart-der-ag-zukunft-der-pflege"
    assert (
        slug("Donaudampfschifffahrtsgesellschaftskapitänsmützen x")
        == "donaudampfschifffahrtsgesellschaftskapitaensmuetzen"
    )


def test_new_identities_get_slugs_numbered_on_a_clash_in_printed_order():
    ids, retired, _ = final([row("2024-10", "1.1.2", "~1"), row("2024-10", "1.1.1", "~0")])
    assert ids == {("2024-10", "1.1.1"): "klimaschutzkonzept-2-0", ("2024-10", "1.1.2"): "klimaschutzkonzept-2-0-2"}
    assert retired == []


def test_known_ids_are_kept_whatever_the_slug_says():
    known = IdMap({("2024-10", "1.1.1"): "altes-konzept"})
    ids, _, m = final(
        [row("2024-04", "1.1.9", "~0"), row("2024-10", "1.1.1", "~0"), row("2025-04", "1.1.1", "~0")], known
    )
    assert set(ids.values()) == {"altes-konzept"}
    assert m.ids[("2024-04", "1.1.9")] == "altes-konzept"


def test_a_merge_keeps_the_id_most_printings_had_and_retires_the_other():
    known = IdMap({("2024-04", "1.1"): "a", ("2024-10", "1.1"): "a", ("2025-04", "2.2"): "b"})
    rows = [row("2024-04", "1.1", "~0"), row("2024-10", "1.1", "~0"), row("2025-04", "2.2", "~0", reason="forced")]
    ids, retired, m = final(rows, known)
    assert set(ids.values()) == {"a"}
    assert retired == [
        {
            "retired_id": "b",
            "project_id": "a",
            "edition": "2025-04",
            "project_number": "2.2",
            "reason": "merged into a: forced",
        }
    ]
    assert m.retired["b"]["project_id"] == "a"


def test_a_split_leaves_the_id_to_the_larger_part_and_never_reuses_a_retired_id():
    known = IdMap(
        {("2024-10", "1.1"): "a", ("2025-04", "1.1"): "a", ("2025-04", "1.2"): "a"},
        retired={"klimaschutzkonzept-2-0": {"retired_id": "klimaschutzkonzept-2-0", "project_id": "a"}},
    )
    ids, _, _ = final([row("2024-10", "1.1", "~0"), row("2025-04", "1.1", "~0"), row("2025-04", "1.2", "~1")], known)
    assert ids[("2024-10", "1.1")] == ids[("2025-04", "1.1")] == "a"
    assert ids[("2025-04", "1.2")] == "klimaschutzkonzept-2-0-2"


def test_ids_of_editions_not_built_stay_in_the_map_and_follow_a_merge():
    known = IdMap({("2022-10", "9.9"): "b", ("2024-10", "1.1"): "a", ("2024-04", "1.1"): "a", ("2025-04", "1.1"): "b"})
    rows = [row("2024-04", "1.1", "~0"), row("2024-10", "1.1", "~0"), row("2025-04", "1.1", "~0")]
    ids, retired, m = final(rows, known)
    assert set(ids.values()) == {"a"} and [r["retired_id"] for r in retired] == ["b"]
    assert m.ids[("2022-10", "9.9")] == "a"


def test_the_map_file_round_trips_and_a_damaged_one_is_refused(tmp_path):
    import pytest

    from pipeline.errors import InputError

    _, _, m = final([row("2024-10", "1.1", "~0"), row("2025-04", "1.1", "~0")])
    p = tmp_path / "map.json"
    p.write_bytes(map_bytes(m))
    assert read_map(p) == m and read_map(tmp_path / "none.json") == IdMap()
    assert json.loads(p.read_text())["format"] == 1
    p.write_text('{"format": 1, "ids": [{"edition": "2024-10"}], "retired": []}')
    with pytest.raises(InputError, match="map.json: not an identity map"):
        read_map(p)


def test_schema_version_names_the_table_layout():
    """Changing a table's columns or types needs a new SCHEMA_VERSION (and its layout added to
    tests/data/schema_layouts.json, and a CHANGELOG line)."""
    layouts = json.loads((DATA / "schema_layouts.json").read_text())
    assert layouts[str(SCHEMA_VERSION)] == layout()
    assert len(set(layouts.values())) == len(layouts)


def test_an_id_whose_printing_is_gone_stays_reserved():
    known = IdMap({("2024-10", "9.9"): "klimaschutzkonzept-2-0"})
    ids, _, m = final([row("2024-10", "1.1", "~0")], known)
    assert ids[("2024-10", "1.1")] == "klimaschutzkonzept-2-0-2"
    assert m.ids[("2024-10", "9.9")] == "klimaschutzkonzept-2-0"


def test_the_kept_map_is_named_in_nhr_yaml_relative_to_the_configuration(monkeypatch, tmp_path):
    import shutil

    import pytest

    from pipeline.config import _load, config_dir, identity_map_path, validate_config
    from pipeline.errors import ConfigError

    conf = tmp_path / "conf"
    shutil.copytree(config_dir(), conf)
    monkeypatch.setenv("NHR_CONFIG", str(conf))
    assert identity_map_path() is None  # commented out in the shipped nhr.yaml
    (conf / "nhr.yaml").write_text("identity_map: ids/map.json\n")
    _load.cache_clear()
    validate_config()
    assert identity_map_path() == conf / "ids" / "map.json"
    (conf / "nhr.yaml").write_text("identity_map: [1]\n")
    _load.cache_clear()
    with pytest.raises(ConfigError, match="nhr.yaml: identity_map must be a file path"):
        validate_config()
    _load.cache_clear()
