"""Writes analyst.ipynb and auditor.ipynb (without outputs). Edit the cells here, then run:
python notebooks/make_notebooks.py"""

from pathlib import Path

import nbformat as nbf

HERE = Path(__file__).parent
LOAD = """import os
from pathlib import Path
import pandas as pd
import matplotlib.pyplot as plt

PARSED = Path(os.environ.get("NHR_PARSED", "../parsed"))
t = {name: pd.read_parquet(PARSED / f"{name}.parquet") for name in
     ["editions", "projects", "steps", "committee", "identity", "transitions", "anomalies",
      "late_reported", "archive_check"]}
editions = sorted(t["editions"]["edition"])
print(f"{len(editions)} editions: {editions[0]} … {editions[-1]}; {t['identity'].project_id.nunique()} projects")"""

ANALYST = [
    (
        "md",
        "# Nachhaltigkeitsreport Kreis Soest — analyst view\n\nLoads the Parquet tables written by `nhr build` "
        "(set `NHR_PARSED` to another folder if needed) and plots how the projects move.",
    ),
    ("code", LOAD),
    ("md", "## Projects per status, theme and edition"),
    (
        "code",
        """STATUSES = ["umgesetzt", "in Bearbeitung", "in Planung", "Ideenspeicher"]
counts = (t["projects"].assign(status=lambda d: d.status.astype(str))
          .groupby(["theme", "edition", "status"]).size().unstack("status").reindex(columns=STATUSES).fillna(0))
themes = sorted(t["projects"].theme.unique(), key=int)
fig, axes = plt.subplots(1, len(themes), figsize=(3 * len(themes), 3.5), sharey=True)
for ax, th in zip(axes, themes):
    counts.loc[th].plot.bar(stacked=True, ax=ax, legend=False, width=0.8)
    ax.set_title(f"Thema {th}"); ax.set_xlabel("Ausgabe")
axes[0].set_ylabel("Projekte")
axes[-1].legend(STATUSES, title="Status", fontsize=7, loc="upper left", bbox_to_anchor=(1, 1))
plt.tight_layout(); plt.show()""",
    ),
    ("md", "## Status flow between the two latest editions (alluvial)"),
    (
        "code",
        """old, new = editions[-2], editions[-1]
tr = t["transitions"].query("from_edition == @old and to_edition == @new").copy()
tr["a"] = tr.from_status.astype(object).fillna("(neu)")
tr["b"] = tr.to_status.astype(object).fillna("(archiviert)")
flows = tr.groupby(["a", "b"]).size()
left = list(dict.fromkeys(["(neu)"] + STATUSES)); right = list(dict.fromkeys(STATUSES + ["(archiviert)"]))
def stack(keys, totals):
    y, pos = 0.0, {}
    for k in keys:
        pos[k] = y; y += totals.get(k, 0) + 2
    return pos
lt, rt = flows.groupby(level=0).sum().to_dict(), flows.groupby(level=1).sum().to_dict()
lpos, rpos = stack(left, lt), stack(right, rt)
lo, ro = dict(lpos), dict(rpos)
fig, ax = plt.subplots(figsize=(8, 6))
colors = dict(zip(STATUSES + ["(neu)", "(archiviert)"], plt.cm.tab10.colors))
for (a, b), n in flows.items():
    y0, y1 = lo[a], ro[b]; lo[a] += n; ro[b] += n
    xs = [i / 20 for i in range(21)]
    s = [3 * x * x - 2 * x ** 3 for x in xs]
    lower = [y0 + (y1 - y0) * v for v in s]
    ax.fill_between(xs, lower, [v + n for v in lower], alpha=0.5, color=colors[a])
for k in left:
    ax.text(-0.02, lpos[k] + lt.get(k, 0) / 2, f"{k} ({lt.get(k, 0)})", ha="right", va="center")
for k in right:
    ax.text(1.02, rpos[k] + rt.get(k, 0) / 2, f"{k} ({rt.get(k, 0)})", ha="left", va="center")
ax.set_title(f"Status {old} → {new}"); ax.axis("off"); ax.invert_yaxis(); plt.show()""",
    ),
    (
        "md",
        "## Milestones per quarter (dated to a day, month or quarter)\n\nCompleted means dated on or before the "
        "edition's Stand: a milestone dated later is a plan, not an achievement, and is left out.",
    ),
    (
        "code",
        """st = t["steps"].query("block == 'steps'").copy()
st = st[st.date_precision.astype(str).isin(["day", "week", "month", "quarter"]) & st.date_start.notna()]
st = st[st.edition == editions[-1]]  # each milestone once: the latest edition lists them all
stand = pd.Timestamp(t["editions"].set_index("edition").loc[editions[-1], "stand"])
done = st[pd.to_datetime(st.date_end) <= stand]  # completed: the whole date on or before the Stand
q = pd.to_datetime(done.date_start).dt.to_period("Q").value_counts().sort_index()
q.index = q.index.astype(str)
ax = q.plot.bar(figsize=(10, 3), title=f"Abgeschlossene Meilensteine je Quartal (Ausgabe {editions[-1]}, "
                f"Stand {stand:%d.%m.%Y}; {len(st) - len(done)} später datierte ausgelassen)")
ax.set_xlabel("Quartal"); ax.set_ylabel("Meilensteine"); plt.tight_layout(); plt.show()""",
    ),
    ("md", "## Committee papers per body over time"),
    (
        "code",
        """cm = t["committee"][t["committee"].date_start.notna()].copy()
cm = cm.drop_duplicates(["date_raw", "text"])  # a consultation is repeated in every later edition
cm["year"] = pd.to_datetime(cm.date_start).dt.year
top = cm.body_name.value_counts().head(6).index
by = cm[cm.body_name.isin(top)].groupby(["year", "body_name"]).size().unstack(fill_value=0)
ax = by.plot.bar(stacked=True, figsize=(9, 3.5), title="Beratungen je Gremium und Jahr")
ax.set_xlabel("Jahr"); ax.set_ylabel("Beratungen")
plt.legend(title="Gremium", fontsize=7, bbox_to_anchor=(1, 1)); plt.tight_layout(); plt.show()""",
    ),
]

AUDITOR = [
    (
        "md",
        "# Auditor walk-through: one edition diff\n\nWhat changed between the two latest editions, the "
        "late-reported status changes, and the archive check — each with the page it is printed on.",
    ),
    ("code", LOAD),
    (
        "code",
        """from pipeline.surfaces.audit import diff
old, new = editions[-2], editions[-1]
changes = pd.DataFrame(diff(PARSED, old, new))
changes.kind.value_counts()""",
    ),
    ("md", "### Status changes (number old → new, pages of both sides)"),
    (
        "code",
        """changes.query("kind == 'status_change'")[["old_number", "old_status", "old_page", "new_number", "new_status", "new_page", "new_title"]]""",
    ),
    ("md", "### New, archived and renumbered projects"),
    (
        "code",
        """changes.query("kind in ['new', 'completed_archived', 'dropped', 'renumbered', 'retitled']")[["kind", "old_number", "new_number", "old_title", "new_title"]]""",
    ),
    ("md", "### Status changes reported late (since-date before the previous Stand)"),
    ("code", """t["late_reported"][["edition", "project_number", "since_value", "previous_edition", "detail"]]"""),
    ("md", "### Printed archive vs. the archive rebuilt from the editions"),
    (
        "code",
        """t["archive_check"][["side", "kind", "title", "printed_edition", "rebuilt_edition", "matched", "detail"]]""",
    ),
    ("md", "### Anomalies in the newer edition"),
    ("code", """t["anomalies"].query("edition == @new")[["kind", "severity", "page", "project_number", "detail"]]"""),
]


def write(name: str, cells) -> None:
    nb = nbf.v4.new_notebook()
    nb.cells = [nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src) for kind, src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbf.write(nb, HERE / name)


if __name__ == "__main__":
    write("analyst.ipynb", ANALYST)
    write("auditor.ipynb", AUDITOR)
