"""Generate docs/data.md, the data dictionary, from the pyarrow schemas (python -m pipeline.surfaces.docs)."""

from __future__ import annotations

import sys

from ..model.schema import TABLES, schema
from ..store.warehouse import CONVENIENCE

WHERE = {
    "edition": "anomalies",
    "between": "audit_findings",
    "edition_pair": "audit_findings (one edition, both places)",
}

INTRO = """# Data dictionary

Generated from `pipeline/model/schema.py` by `python -m pipeline.surfaces.docs > docs/data.md`; a test fails when
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
    out.extend(rules_section())
    return "\n".join(out)


def rules_section() -> list[str]:
    """The audit rules registry as a table: kind, severity, table it reports to, meaning."""
    from ..extract.rules import registry

    REGISTRY = registry()

    out = [
        "## Audit rules\n",
        "Every `kind` in `anomalies` and `audit_findings`, from the registry in `pipeline/extract/rules.py`",
        "(within one edition), `pipeline/extract/checks.py` (structure) and `pipeline/across/findings.py`",
        "(between consecutive editions);",
        "their vocabulary is in `config/rules.yaml`. Nothing is fixed: each row names edition, page, box,",
        "project and the printed evidence.\n",
        "`source` says whose error a kind reports: **extraction** (nhr doubts its own reading of the PDF: a",
        "misread is likely, check the page before using the rows; warning and error ones are counted in",
        "`editions.extraction_doubts`, printed by `nhr build`/`nhr extract`/`nhr check` and fail `--strict`) or",
        "**report** (the report itself is wrong or inconsistent; nhr read it as printed). Where a finding could",
        "be either, the meaning says so and the kind is filed under the likelier one. Between-edition doubts",
        "(scope `audit_findings`) are not counted in `editions.extraction_doubts`; the build's warning line",
        "names them with the newer edition. How to act on each: `docs/producers.md`.\n",
        "| kind | source | severity | reported in | meaning |",
        "|---|---|---|---|---|",
    ]
    for r in sorted(REGISTRY.values(), key=lambda r: (r.scope != "edition", r.source, r.kind)):
        meaning = r.meaning.replace("|", chr(92) + "|")
        out.append(f"| `{r.kind}` | {r.source} | {r.severity} | {WHERE[r.scope]} | {meaning} |")
    out.append("")
    return out


if __name__ == "__main__":
    sys.stdout.write(render())
