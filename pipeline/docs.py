"""Generate docs/data.md, the data dictionary, from the pyarrow schemas (python -m pipeline.docs)."""
from __future__ import annotations

import sys

from .schema import TABLES, schema
from .warehouse import CONVENIENCE

INTRO = """# Data dictionary

Generated from `pipeline/schema.py` by `python -m pipeline.docs > docs/data.md`; a test fails when
this file is out of date. All tables are Parquet files in `parsed/` (one per table, all editions
together) and tables of the same name in `parsed/nhr.duckdb` (a copy written in the same commit, so
the file can be moved). Types are Arrow types; `dictionary` columns hold a small set of values (kinds,
statuses).
"""


def render() -> str:
    out = [INTRO]
    for name in TABLES:
        out.append(f"## `{name}`\n")
        out.append("| column | type | meaning | example |")
        out.append("|---|---|---|---|")
        for f, col in zip(schema(name), TABLES[name]):
            t = "dictionary<string>" if str(f.type).startswith("dictionary") else str(f.type)
            ex, meaning = (str(x).replace("|", "\\|") for x in (col[3], col[2]))
            out.append(f"| `{f.name}` | {t} | {meaning} | `{ex}` |")
        out.append("")
    out.append("## Convenience views in `nhr.duckdb`\n")
    for name, sql in CONVENIENCE.items():
        out.append(f"### `{name}`\n\n```sql\n{' '.join(sql.split())}\n```\n")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())
