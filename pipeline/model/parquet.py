"""Reading one Parquet table of a build, the one way every stage does it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


def read_parquet(path: Path | str, columns: list[str] | None = None) -> pa.Table:
    """A Parquet file's table (or these columns) read as one file: pq.read_table goes through
    pyarrow.dataset, whose import loads pandas (0.4 s, a tenth of a pdfium build), even for a missing file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as f:
        missing = [c for c in columns or [] if c not in f.schema_arrow.names]
        if missing:  # as pq.read_table says it (ParquetFile.read would return other columns)
            raise pa.ArrowInvalid(f"No match for FieldRef.Name({missing[0]}) in {path}")
        return f.read(columns=columns)
