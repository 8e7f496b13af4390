"""Generate docs/data.md, the data dictionary, from the pyarrow schemas (python -m pipeline.surfaces.docs)."""

from __future__ import annotations

import importlib
import sys

from ..across.ids import MAP_NAME, SLUG_CHARS
from ..model.kinds import KINDS, Kind
from ..model.schema import KEYS, SCHEMA_VERSION, TABLE_DOCS, TABLES, schema
from ..store.warehouse import CONVENIENCE, DUCKDB_STORAGE, OLDEST_DUCKDB, VIEW_DOCS

PRODUCERS = (  # every module that registers kinds (pipeline/model/kinds.py), each where it produces them
    "pipeline.extract.accounting",
    "pipeline.extract.checks",
    "pipeline.extract.doubts",
    "pipeline.extract.edition",
    "pipeline.extract.hyphens",
    "pipeline.extract.rules",
    "pipeline.across.crossed",
    "pipeline.across.findings",
    "pipeline.across.reconcile",
    "pipeline.store.extracting",
)


def every_kind() -> dict[str, Kind]:
    """Every registered kind: the producing modules register theirs when imported, so all are imported here."""
    for name in PRODUCERS:
        importlib.import_module(name)
    return KINDS


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
statuses). The promises a dashboard can rely on are in [Data contract](#data-contract) at the end.
"""

CONTRACT = f"""## Data contract

What a consumer of `parsed/` can rely on, and how to check it before a query breaks.

**Project ids never change once given.** `project_id` is a short slug of the project's title at its first
printing (the title's lead word such as 'Projekt' left out; whole words only, at most {SLUG_CHARS} characters
unless the first word is longer; `-2`, `-3`, … on a clash, in printed order). Every build first reads the
identity map `parsed/{MAP_NAME}` (every id given, by edition and printed number) and keeps the ids it holds:
adding newer editions, back-filling older ones, building a subset or a superset, another engine or another
nhr version give every printed project the id it had. The build writes the map back with its new ids.
Two fresh builds of the same PDFs give identical `identity` tables.

**Keeping the ids across a rebuild from scratch.** `parsed/` may be deleted; the map then goes with it. Name
a file for it in `config/nhr.yaml`, relative to the configuration directory, and commit that file:

```yaml
identity_map: ids/identity-map.json
```

A build reads that file first (it wins over `parsed/{MAP_NAME}`) and writes it back when ids were added,
so a later build from an empty `parsed/` gives the same ids. The file is JSON, one id a line, sorted:
a review of the commit shows every new or retired id.

**When a link changes.** When a later build links printings that had ids of their own (a new override in
`config/overrides.yaml`, more evidence from a back-filled edition), the identity keeps the id most of its
printings had (on a tie, the one printed first); the other id is retired: a row in `retired_ids` names it,
the id that survives and the link's evidence, the map keeps it, and it is never given to another project.
When an override separates printings that shared an id, the part with more printings keeps it and the
other part gets a new id. Two builds that never saw a printing of a project together (2022-10 alone,
then 2024-04 to 2025-04, of a project that ended in 2024-04) give it two ids; the build that joins them
keeps one and retires the other the same way.

**Dates where time is meant.** `status_history.valid_from`/`valid_to` are DATEs: the Stand of the edition
that first showed the spell and of the edition that showed the change (null = current), with the edition
labels beside them (`valid_from_edition`, `valid_to_edition`); `transitions` (`from_stand`, `to_stand`),
`late_reported` (`stand`, `previous_stand`) and `audit_findings` (`stand`, `previous_stand`) carry the
Stand dates too.

**Every fact names its project.** `projects`, `steps`, `committee`, `list_rows`, `archive_printed` and
`anomalies` (where a project is named) carry `project_id`.

**The DuckDB file.** `parsed/nhr.duckdb` is written in DuckDB's storage format `{DUCKDB_STORAGE}`: DuckDB
{OLDEST_DUCKDB} and every newer DuckDB open it (DuckDB 1.0 cannot read its declared keys;
`tests/test_duckdb_compat.py` opens it with DuckDB {OLDEST_DUCKDB}). Every table and column has a `COMMENT`
(the meanings of this page: `SELECT table_name, comment FROM duckdb_tables()`,
`SELECT table_name, column_name, comment FROM duckdb_columns()`); the keys below are declared as
PRIMARY KEY (the first) and UNIQUE. They hold on the corpus (tested); a build whose rows break one writes
that table without it and says so in the table's comment.

**The layout has a version.** `editions.schema_version` and `schema_version` in `parsed/manifest.json`
name the layout of the tables (their columns and types), now **{SCHEMA_VERSION}**. Any change of a table's
columns or types raises it, with the change in `CHANGELOG.md`; a consumer checks it before it queries.
"""


def render() -> str:
    out = [INTRO]
    for name in TABLES:
        out.append(f"## `{name}`\n")
        keys = " ".join(
            f"**{'Key' if i == 0 else 'Unique'}:** ({', '.join(k)})." for i, k in enumerate(KEYS.get(name, []))
        )
        out.append(f"{TABLE_DOCS[name]} {keys}".strip() + "\n")
        out.append("| column | type | meaning | example |")
        out.append("|---|---|---|---|")
        for f, col in zip(schema(name), TABLES[name]):
            t = "dictionary<string>" if str(f.type).startswith("dictionary") else str(f.type)
            ex, meaning = (str(x).replace("|", "\\|") for x in (col[3], col[2]))
            out.append(f"| `{f.name}` | {t} | {meaning} | `{ex}` |")
        out.append("")
    out.append("## Convenience views in `nhr.duckdb`\n")
    for name, sql in CONVENIENCE.items():
        out.append(f"### `{name}`\n\n{VIEW_DOCS[name]}\n\n```sql\n{' '.join(sql.split())}\n```\n")
    out.extend(rules_section())
    out.append(CONTRACT)
    return "\n".join(out)


def rules_section() -> list[str]:
    """The registry of kinds as a table: kind, source, severity, table it reports to, meaning."""
    out = [
        "## Audit rules\n",
        "Every `kind` in `anomalies` and `audit_findings`, from the registry in `pipeline/model/kinds.py`: each",
        "stage registers the kinds it produces (the rules within one edition in `pipeline/extract/rules.py`, the",
        "structure in `pipeline/extract/checks.py`, extraction doubts in `pipeline/extract/doubts.py`, the rules",
        "between consecutive editions in `pipeline/across/findings.py`, reconciliation, text accounting, the",
        "build); the rules' vocabulary is in `config/rules.yaml`. Nothing is fixed: each row names edition,",
        "page, box, project and the printed evidence.\n",
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
    for r in sorted(every_kind().values(), key=lambda r: (r.scope != "edition", r.source, r.kind)):
        meaning = r.meaning.replace("|", chr(92) + "|")
        out.append(f"| `{r.kind}` | {r.source} | {r.severity} | {WHERE[r.scope]} | {meaning} |")
    out.append("")
    return out


if __name__ == "__main__":
    sys.stdout.write(render())
