"""parsed/nhr.duckdb for the data team: one view per Parquet table (Parquet stays the source of truth)
plus convenience views. Rebuilt with every build; views use absolute paths to the Parquet files."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

CONVENIENCE = {
    "current_projects": """
        SELECT i.project_id, p.*
        FROM projects p JOIN identity i USING (edition, project_number)
        WHERE p.edition = (SELECT max(edition) FROM editions)""",
    "status_counts_by_theme_edition": """
        SELECT edition, theme, status, count(*) AS projects
        FROM projects GROUP BY ALL ORDER BY edition, theme, status""",
    "milestones_by_quarter": """
        SELECT edition, year(date_start) AS year, quarter(date_start) AS quarter, count(*) AS milestones
        FROM steps WHERE block = 'steps' AND date_start IS NOT NULL
          AND date_precision IN ('day', 'week', 'month', 'quarter')
        GROUP BY ALL ORDER BY edition, year, quarter""",
    "papers_by_body": """
        SELECT body_name, body_kind, paper_type, count(DISTINCT paper_reference) AS papers,
               count(*) AS consultations, min(date_start) AS first_date, max(date_start) AS last_date
        FROM committee WHERE body_name <> '' GROUP BY ALL ORDER BY consultations DESC""",
    "audit_findings_by_kind": """
        SELECT kind, severity, count(*) AS findings, count(DISTINCT project_id) AS projects,
               string_agg(DISTINCT coalesce(previous_edition || '→', '') || edition, ', ') AS editions
        FROM audit_findings GROUP BY ALL ORDER BY findings DESC, kind""",
}


def write_duckdb(out: Path, tables: list[str], target: Path | None = None) -> Path:
    """Create the DuckDB file under a temporary name in `out` and return its path (the caller renames)."""
    import duckdb

    fd, tmp = tempfile.mkstemp(prefix=".nhr.", suffix=".duckdb.staged", dir=out)
    os.close(fd)
    os.unlink(tmp)  # duckdb wants to create the file itself
    con = duckdb.connect(tmp)
    try:
        base = (target or out).resolve()
        for t in tables:
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{base / (t + '.parquet')}')")
        for name, sql in CONVENIENCE.items():
            con.execute(f"CREATE VIEW {name} AS {sql}")
    finally:
        con.close()
    return Path(tmp)


def query(parsed: Path, sql: str):
    """Run SQL against the views of parsed/nhr.duckdb (read-only); returns (columns, rows)."""
    import duckdb

    db = parsed / "nhr.duckdb"
    if not db.exists():
        raise FileNotFoundError(f"{db} not found: run 'nhr build' first (or pass --parsed DIR)")
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()
