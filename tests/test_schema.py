"""The Parquet files carry the declared pyarrow schemas: real dates, dictionary-encoded kinds."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.model.schema import TABLES, schema


@pytest.mark.parametrize("name", list(TABLES))
def test_file_schema_is_the_declared_one(built, name):
    assert pq.read_schema(built[1] / f"{name}.parquet").remove_metadata() == schema(name)


def test_dates_and_kinds_are_typed(built):
    c = pq.read_table(built[1] / "committee.parquet")
    assert c.schema.field("date_start").type == pa.date32()
    assert pa.types.is_dictionary(c.schema.field("body_kind").type)
    assert pa.types.is_dictionary(c.schema.field("date_precision").type)
    steps = pq.read_table(built[1] / "steps.parquet").to_pylist()
    q = next(s for s in steps if s["date_raw"] == "3. Qu. 2022")
    assert (str(q["date_start"]), str(q["date_end"]), q["date_precision"]) == ("2022-07-01", "2022-09-30", "quarter")
    p = pq.read_table(built[1] / "papers.parquet").to_pylist()
    ref = next(r for r in p if r["paper_reference"] == "029/2024")
    assert ref["body_names"] == ["Kreistag"] and "2025-04" in ref["editions"] and ref["project_ids"]


def test_strict_fails_only_on_error_anomalies(built, tmp_path):
    import shutil
    import subprocess
    import sys

    out = tmp_path / "p"
    shutil.copytree(built[1], out)
    r = subprocess.run(
        [sys.executable, "-m", "pipeline.surfaces.cli", "build", "--out", str(out), "--strict", "-q"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr  # the corpus has warnings and infos, no errors
