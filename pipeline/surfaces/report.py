"""The audit page: one static HTML file, in German, that an auditor files for a pair of editions: every
change, the late reports, the findings between the two editions and the anomalies new in the newer one, each
with crops of both PDFs where the evidence is printed (the changed field outlined; a click opens a crop
large). No server, no external assets; fits a laptop screen without sideways scrolling."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import NamedTuple

import jinja2

from ..errors import PdfMismatch, PdfMissing
from ..parse.text import norm
from .audit import audit, diff, load
from .labels import SEVERITIES, kind_label

CROP_ABOVE = 6  # pt: how far above the first marked line a crop starts
CROP_BELOW = 8  # pt: how far below the last marked line a crop ends (then on to the end of a cut line)
MIN_CROP_HEIGHT = 60.0  # pt: a crop is at least this tall (a project's number, title and since line)
MAX_CROP_HEIGHT = 260.0  # pt: a crop is at most this tall (an evidence box that runs over a page)
CROP_MARGIN = 40  # pt: cut off the left and the right edge of the page in a crop
CROP_SCALE = 2.0  # pixels per pt of a rendered crop (opened large it shows at this size)
SINCE_WITHIN = 160  # pt: how far below a project's title its since line is looked for
MARK_PAD = 2  # pt: space between a marked field and its outline
MARK_WIDTH = 3  # px: the outline's width
MARK_COLOUR = (200, 0, 0)
HASH_SHOWN = 12  # hex digits of a SHA-256 shown in a message


class Box(NamedTuple):
    """A region of a page, in pt from the top left."""

    x0: float
    top: float
    x1: float
    bottom: float


def open_built_pdf(path: Path, edition: str, digest: str):
    """The PDF the tables of `edition` were built from, read once and checked against its recorded SHA-256
    (a same-named other file would put another document's crops on the audit page)."""
    import hashlib

    import pypdfium2 as pdfium

    try:
        if not path.is_file():  # also never block on a FIFO
            raise FileNotFoundError(path)
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise PdfMissing(f"{path}: the PDF of edition {edition} is needed for the evidence crops (--raw DIR)") from e
    got = hashlib.sha256(data).hexdigest()
    if got != digest:
        raise PdfMismatch(
            f"{path}: not the PDF edition {edition} was built from (SHA-256 {got[:HASH_SHOWN]}…, "
            f"tables built from {str(digest)[:HASH_SHOWN]}…); pass the right --raw or rebuild"
        )
    return pdfium.PdfDocument(data)


DEFAULT_RAW = Path("raw_pdfs")


def recorded_paths(parsed: Path) -> dict[str, Path]:
    """Where the build read each PDF, by file name (the manifest's `inputs.<name>.path`)."""
    from ..store.files import read_manifest

    inputs = read_manifest(parsed).get("inputs")
    if not isinstance(inputs, dict):
        return {}
    return {n: Path(v["path"]) for n, v in inputs.items() if isinstance(v, dict) and isinstance(v.get("path"), str)}


def pdf_path(name: str, raw: Path | None, recorded: dict[str, Path]) -> Path:
    """A PDF's path: under an explicit --raw; else where the build read it, while it is there; else raw_pdfs/."""
    if raw is not None:
        return raw / name
    if name in recorded and recorded[name].is_file():
        return recorded[name]
    return DEFAULT_RAW / name


class BuiltPdf(NamedTuple):
    """An edition's PDF: where it is now, and the SHA-256 of the bytes its tables were built from."""

    path: Path
    sha256: str


def built_pdfs(parsed: Path, raw: Path | None, editions: list[dict]) -> dict[str, BuiltPdf]:
    """Every edition's PDF (see pdf_path) with the hash its tables record."""
    recorded = recorded_paths(parsed)
    return {e["edition"]: BuiltPdf(pdf_path(e["source_file"], raw, recorded), e["sha256"]) for e in editions}


class Crops:
    """Evidence crops from the two editions' PDFs: a strip of a page with the fields in question outlined."""

    def __init__(self, docs: dict, projects: list[dict]):
        self.docs = docs
        self.projects = {(p["edition"], p["project_number"]): p for p in projects}

    def strip(self, edition: str, page: int | None, marks: list[Box], caption: str) -> dict | None:
        """A crop of `edition`'s page around `marks` (outlined), or None when that PDF is not at hand."""
        if edition not in self.docs or not page or not marks:
            return None
        img = render_crop(self.docs[edition], page, marks)
        return {"caption": caption, "img": img, "edition": edition, "page": page}

    def project(self, edition: str, number: str | None, since: bool, caption: str) -> dict | None:
        """A project's title (and with `since` its since value) outlined where it starts in `edition`."""
        p = self.projects.get((edition, number or ""))
        if p is None or edition not in self.docs:
            return None
        title = Box(p["x0"], p["top"], p["x1"], p["bottom"])
        marks = [title]
        if since and (found := find_text(self.docs[edition], p["page"], p["since_value"] or "", p["top"])):
            marks.append(found)
        return self.strip(edition, p["page"], marks, f"{caption} S. {p['page']}")

    def box(self, edition: str, r: dict, prefix: str, caption: str) -> dict | None:
        """The region a row records (`{prefix}page`, `{prefix}x0` …) outlined."""
        page, top = r.get(f"{prefix}page"), r.get(f"{prefix}top")
        if top is None:
            return None
        x0, x1 = r.get(f"{prefix}x0") or CROP_MARGIN, r.get(f"{prefix}x1") or CROP_MARGIN
        bottom = r.get(f"{prefix}bottom") or top
        return self.strip(edition, page, [Box(x0, top, x1, bottom)], f"{caption} S. {page}")


def render_crop(doc, page_no: int, marks: list[Box]) -> str:
    """PNG (base64) of the full-width strip of a page that holds `marks`, cut between lines, marks outlined."""
    from PIL import ImageDraw

    page = doc[page_no - 1]
    try:
        w, h = page.get_size()
        t = max(0.0, min(m.top for m in marks) - CROP_ABOVE)
        b = min(h, max(max(m.bottom for m in marks) + CROP_BELOW, t + MIN_CROP_HEIGHT), t + MAX_CROP_HEIGHT)
        t, b = whole_lines(page, t, b, h)
        img = page.render(scale=CROP_SCALE, crop=(CROP_MARGIN, h - b, CROP_MARGIN, t)).to_pil().convert("RGB")
    finally:
        page.close()
    draw = ImageDraw.Draw(img)
    s = CROP_SCALE
    for m in marks:
        if m.x1 <= m.x0:
            continue
        box = [
            (m.x0 - CROP_MARGIN - MARK_PAD) * s,
            (m.top - t - MARK_PAD) * s,
            (m.x1 - CROP_MARGIN + MARK_PAD) * s,
            (m.bottom - t + MARK_PAD) * s,
        ]
        draw.rectangle(box, outline=MARK_COLOUR, width=MARK_WIDTH)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return base64.b64encode(buf.getvalue()).decode()


def whole_lines(page, t: float, b: float, h: float) -> tuple[float, float]:
    """The strip from `t` to `b` widened so that no printed line is cut through (in pt from the top)."""
    tp = page.get_textpage()
    try:
        lines = [(h - tp.get_rect(i)[3], h - tp.get_rect(i)[1]) for i in range(tp.count_rects())]
    finally:
        tp.close()
    for y0, y1 in sorted(lines):
        if y0 < t < y1:
            t = y0 - 1
        if y0 < b < y1:
            b = y1 + 1
    return max(0.0, t), min(h, b)


def find_text(doc, page_no: int, text: str, below: float) -> Box | None:
    """Where `text` is printed first on a page, between `below` and SINCE_WITHIN pt under it."""
    text = norm(text)
    if not text:
        return None
    page = doc[page_no - 1]
    tp = page.get_textpage()
    try:
        h = page.get_size()[1]
        searcher = tp.search(text, match_case=True)
        while (hit := searcher.get_next()) is not None:
            first, count = hit
            boxes = [tp.get_charbox(i) for i in range(first, first + count)]
            found = Box(
                min(c[0] for c in boxes),
                h - max(c[3] for c in boxes),
                max(c[2] for c in boxes),
                h - min(c[1] for c in boxes),
            )
            if below - 2 <= found.top <= below + SINCE_WITHIN:
                return found
        return None
    finally:
        tp.close()
        page.close()


def build_report(parsed: Path, raw: Path | None, old: str, new: str) -> str:
    """The audit page between editions `old` and `new` (the older first); PDFs under `raw`, else where the
    build read them."""
    rows = [r for r in diff(parsed, old, new) if r["kind"] != "unchanged"]
    t = load(parsed, "projects", "editions", "identity", "archive_check", "archive_printed")
    a = audit(parsed, old, new)
    pdfs = built_pdfs(parsed, raw, t["editions"])
    docs: dict = {}
    try:
        for e in (old, new):  # one at a time: a second PDF that fails to open still closes the first
            docs[e] = open_built_pdf(pdfs[e].path, e, pdfs[e].sha256)
        crops = Crops(docs, t["projects"])
        changes = [change_item(r, crops, t, old, new) for r in rows]
        late = [late_item(r, crops, t["identity"]) for r in a["late_reported"]]
        findings = [finding_item(f, crops) for f in a["between_editions"]]
        anomalies = [anomaly_item(x, crops) for x in a["list_vs_body"] + a["within_editions"]]
    finally:
        for d in docs.values():
            d.close()
    stands = {e["edition"]: e["stand"] for e in t["editions"]}
    return _render(parsed, old, new, stands, changes, late, findings, anomalies)


def change_item(r: dict, crops: Crops, t: dict, old: str, new: str) -> dict:
    """One change with its crops side by side, the older edition left: where the project stands in each edition
    (the since value outlined for a status change); for a project that left, its Archiv row in the newer
    edition takes the right; a side where the project is not printed says so."""
    since = r["kind"] == "status_change"
    left = crops.project(old, r["old_number"], since, old) or {"caption": f"{old}: nicht enthalten", "img": None}
    right = crops.project(new, r["new_number"], since, new)
    missing_archive = False
    if r["kind"] in ("completed_archived", "dropped"):
        row = archive_row(r, t, new)
        right = crops.box(new, row, "", f"Archiv {new}") if row else None
        missing_archive = right is None
    right = right or {"caption": f"{new}: nicht enthalten", "img": None}
    return {**r, "label": kind_label(r["kind"]), "crops": [left, right], "missing_archive": missing_archive}


def archive_row(r: dict, t: dict, new: str) -> dict | None:
    """The Archiv row of edition `new` that records the project of change `r` (by the archive
    reconciliation's match, else by title)."""
    printed = [a for a in t["archive_printed"] if a["edition"] == new]
    keys = {(c["title"], c["printed_number"]) for c in t["archive_check"] if c["project_id"] == r["project_id"]}
    for a in printed:
        if (a["title"], a["printed_number"]) in keys:
            return a
    title = norm(r["old_title"]).casefold()
    return next((a for a in printed if norm(a["title"]).casefold() == title), None)


def late_item(r: dict, crops: Crops, identity: list[dict]) -> dict:
    """A late report: the newer edition's since value, and the older edition still showing the old status."""
    number = next(
        (
            i["project_number"]
            for i in identity
            if i["project_id"] == r["project_id"] and i["edition"] == r["previous_edition"]
        ),
        None,
    )
    shots = [
        crops.project(r["previous_edition"], number, True, r["previous_edition"]),
        crops.project(r["edition"], r["project_number"], True, r["edition"]),
    ]
    return {
        **r,
        "label": kind_label("late_reported"),
        "old_number": number,
        "crops": [c for c in shots if c],
    }


def finding_item(f: dict, crops: Crops) -> dict:
    """A finding between editions with the crops of both places its evidence is printed."""
    older = f["previous_edition"] or f["edition"]
    shots = [crops.box(older, f, "previous_", older), crops.box(f["edition"], f, "", f["edition"])]
    return {
        **f,
        "label": kind_label(f["kind"]),
        "severity_de": SEVERITIES.get(f["severity"], f["severity"]),
        "crops": [c for c in shots if c],
    }


def anomaly_item(x: dict, crops: Crops) -> dict:
    """An anomaly of the newer edition; a new one with the crop where it is printed."""
    shot = None if x["carried"] else crops.box(x["edition"], x, "", x["edition"])
    return {
        **x,
        "label": kind_label(x["kind"]),
        "severity_de": SEVERITIES.get(x["severity"], x["severity"]),
        "crops": [shot] if shot else [],
    }


def german_date(d) -> str:
    """A date as the report prints it (01.04.2025); anything else as it is."""
    return d.strftime("%d.%m.%Y") if hasattr(d, "strftime") else str(d or "")


def _render(
    parsed: Path,
    old: str,
    new: str,
    stands: dict,
    changes: list[dict],
    late: list[dict],
    findings: list[dict],
    anomalies: list[dict],
) -> str:
    """The page's HTML."""
    from .. import __version__

    kinds = sorted({c["kind"] for c in changes}, key=lambda k: [c["kind"] for c in changes].index(k))
    counts = ", ".join(f"{sum(1 for c in changes if c['kind'] == k)} {kind_label(k)}" for k in kinds)
    fresh = [x for x in anomalies if not x["carried"]]
    env = jinja2.Environment(autoescape=True)
    env.filters["de"] = german_date
    return env.from_string(TEMPLATE).render(
        old=old,
        new=new,
        stands=stands,
        changes=changes,
        kinds=[(k, kind_label(k)) for k in kinds],
        counts=counts or "keine",
        version=__version__,
        parsed=str(parsed),  # the template autoescapes: escaping here too printed "&amp;amp;"
        late=late,
        findings=findings,
        fresh=fresh,
        carried=[x for x in anomalies if x["carried"]],
    )


TEMPLATE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Prüfbericht {{ old }} → {{ new }}</title>
<style>
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;padding:0 1.5em 3em;max-width:1500px;color:#222;overflow-wrap:anywhere}
h1{font-size:1.45em;margin:.8em 0 .2em} h2{font-size:1.2em;margin:1.6em 0 .4em;border-bottom:2px solid #333}
.muted{color:#666} .sum li{margin:.1em 0}
#bar{position:sticky;top:0;z-index:2;background:#fff;padding:.5em 0;border-bottom:1px solid #ccc;display:flex;gap:.6em;flex-wrap:wrap;align-items:center}
#bar input{flex:1 1 16em;max-width:30em;font:inherit;padding:.2em .4em} #bar select{font:inherit}
.item{border:1px solid #ccc;border-radius:4px;margin:.8em 0;padding:.6em .8em}
.item header{display:flex;flex-wrap:wrap;gap:.3em 1em;align-items:baseline}
.kind{font-weight:700;background:#eef;padding:0 .4em;border-radius:3px}
.sev-warning .kind,.sev-error .kind{background:#fde8c8}
.crops{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.8em;margin-top:.5em}
@media (max-width:800px){.crops{grid-template-columns:minmax(0,1fr)}}
figure{margin:0;min-width:0} .absent{border:1px dashed #bbb;color:#999;text-align:center;padding:1.5em 0} figcaption{font-size:.9em;color:#444;font-weight:600}
img.evidence{display:block;width:100%;height:auto;border:1px solid #bbb;cursor:zoom-in}
.evidence-text{font-size:.9em;background:#f6f6f6;padding:.3em .5em;white-space:pre-wrap}
details{margin:.8em 0} summary{cursor:pointer;font-weight:600}
table{border-collapse:collapse;width:100%;table-layout:fixed} td,th{border-top:1px solid #ddd;padding:.3em;text-align:left;vertical-align:top}
#zoom{position:fixed;inset:0;z-index:9;background:rgba(0,0,0,.75);display:none;overflow:auto;cursor:zoom-out;padding:2em}
#zoom.open{display:block} #zoom img{display:block;margin:auto;max-width:none;background:#fff}
</style></head><body>
<h1>Prüfbericht Nachhaltigkeitsreport: Ausgabe {{ old }} → {{ new }}</h1>
<p class="muted">Stand {{ stands[old]|de }} → Stand {{ stands[new]|de }} · erzeugt von nhr {{ version }} aus {{ parsed }} ·
Belege sind Ausschnitte der beiden PDF-Ausgaben, das betroffene Feld rot umrandet; ein Klick vergrößert einen Ausschnitt.</p>
<ul class="sum">
<li><a href="#aenderungen">Änderungen</a>: {{ changes|length }} ({{ counts }})</li>
<li><a href="#verspaetet">Verspätet gemeldete Statuswechsel</a>: {{ late|length }}</li>
<li><a href="#befunde">Befunde zwischen den Ausgaben</a>: {{ findings|length }}</li>
<li><a href="#auffaelligkeiten">Neue Auffälligkeiten in {{ new }}</a>: {{ fresh|length }} (aus {{ old }} übernommen: {{ carried|length }})</li>
</ul>
<div id="bar">
 <input id="filter" type="search" placeholder="Filter: Nummer, Titel, Status …">
 <select id="kind"><option value="">alle Arten</option>{% for k, label in kinds %}<option value="{{ k }}">{{ label }}</option>{% endfor %}</select>
 <span id="shown"></span>
</div>

<h2 id="aenderungen">Änderungen ({{ changes|length }})</h2>
{% for r in changes %}<section class="item change" data-kind="{{ r.kind }}">
<header><span class="kind">{{ r.label }}</span>
<span>{% if r.old_number %}<b>{{ r.old_number }}</b> [{{ r.old_status }}] S. {{ r.old_page }}{% else %}—{% endif %}
 → {% if r.new_number %}<b>{{ r.new_number }}</b> [{{ r.new_status }}] S. {{ r.new_page }}{% else %}—{% endif %}</span>
<span>{{ r.new_title or r.old_title }}</span>
{% if r.old_title and r.new_title and r.old_title != r.new_title %}<span class="muted">vorher: {{ r.old_title }}</span>{% endif %}</header>
{% if r.missing_archive %}<p><b>Kein Archiveintrag in {{ new }} gefunden.</b></p>{% endif %}
<div class="crops">{% for c in r.crops %}<figure><figcaption>{{ c.caption }}</figcaption>{% if c.img %}<img class="evidence" alt="{{ c.caption }}" src="data:image/png;base64,{{ c.img }}">{% else %}<div class="absent">—</div>{% endif %}</figure>{% endfor %}</div>
</section>{% endfor %}

<h2 id="verspaetet">Verspätet gemeldete Statuswechsel ({{ late|length }})</h2>
{% if not late %}<p>Keine.</p>{% endif %}
{% for r in late %}<section class="item late sev-warning" data-kind="late_reported">
<header><span class="kind">{{ r.label }}</span><span><b>{{ r.old_number or "—" }}</b> ({{ r.previous_edition }}) → <b>{{ r.project_number }}</b> ({{ r.edition }})</span>
<span>{{ r.previous_status }} → {{ r.status }} seit {{ r.since_value }}; die Ausgabe {{ r.previous_edition }} (Stand {{ r.previous_stand|de }}) zeigte noch „{{ r.previous_status }}“</span></header>
<div class="crops">{% for c in r.crops %}<figure><figcaption>{{ c.caption }}</figcaption><img class="evidence" alt="{{ c.caption }}" src="data:image/png;base64,{{ c.img }}"></figure>{% endfor %}</div>
</section>{% endfor %}

<h2 id="befunde">Befunde zwischen den Ausgaben ({{ findings|length }})</h2>
{% if not findings %}<p>Keine.</p>{% endif %}
{% for f in findings %}<section class="item finding sev-{{ f.severity }}" data-kind="{{ f.kind }}">
<header><span class="kind">{{ f.label }}</span><span class="muted">{{ f.severity_de }}</span>
<span>{{ f.previous_edition or f.edition }} {{ f.previous_number or "—" }}{% if f.previous_page %} S. {{ f.previous_page }}{% endif %} → {{ f.edition }} {{ f.project_number or "—" }}{% if f.page %} S. {{ f.page }}{% endif %}</span></header>
<p>{{ f.detail }}</p>
<div class="crops">{% for c in f.crops %}<figure><figcaption>{{ c.caption }}</figcaption><img class="finding-evidence evidence" alt="{{ c.caption }}" src="data:image/png;base64,{{ c.img }}"></figure>{% endfor %}
{% if f.crops|length < 2 %}{% if f.previous_evidence %}<div class="evidence-text">vorher: {{ f.previous_evidence }}</div>{% endif %}{% if f.evidence %}<div class="evidence-text">gedruckt: {{ f.evidence }}</div>{% endif %}{% endif %}</div>
</section>{% endfor %}

<h2 id="auffaelligkeiten">Neue Auffälligkeiten in {{ new }} ({{ fresh|length }})</h2>
{% if not fresh %}<p>Keine.</p>{% endif %}
{% for a in fresh %}<section class="item anomaly sev-{{ a.severity }}" data-kind="{{ a.kind }}">
<header><span class="kind">{{ a.label }}</span><span class="muted">{{ a.severity_de }}</span><span>{{ a.project_number or "" }}{% if a.page %} S. {{ a.page }}{% endif %}</span></header>
<p>{{ a.detail }}</p>
{% if a.crops %}<div class="crops">{% for c in a.crops %}<figure><figcaption>{{ c.caption }}</figcaption><img class="evidence" alt="{{ c.caption }}" src="data:image/png;base64,{{ c.img }}"></figure>{% endfor %}</div>
{% elif a.evidence %}<div class="evidence-text">{{ a.evidence }}</div>{% endif %}
</section>{% endfor %}
<details id="uebernommen"><summary>Aus {{ old }} übernommene Auffälligkeiten ({{ carried|length }}): schon in der älteren Ausgabe gemeldet</summary>
<table><tr><th style="width:22%">Art</th><th style="width:10%">Schwere</th><th style="width:12%">Projekt, Seite</th><th>Detail</th></tr>
{% for a in carried %}<tr class="carried"><td>{{ a.label }}</td><td>{{ a.severity_de }}</td><td>{{ a.project_number or "" }}{% if a.page %} S. {{ a.page }}{% endif %}</td><td>{{ a.detail }}</td></tr>{% endfor %}
</table></details>
<div id="zoom" title="Klick schließt"></div>
<script>
(function () {
  var q = document.getElementById("filter"), k = document.getElementById("kind"), shown = document.getElementById("shown");
  var items = Array.prototype.slice.call(document.querySelectorAll("section.item"));
  function apply() {
    var text = q.value.toLowerCase(), kind = k.value, n = 0;
    items.forEach(function (r) {
      var ok = (!kind || r.dataset.kind === kind) && (!text || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.style.display = ok ? "" : "none";
      if (ok) n++;
    });
    shown.textContent = n + " von " + items.length;
  }
  q.addEventListener("input", apply); k.addEventListener("change", apply); apply();
  var zoom = document.getElementById("zoom");
  document.addEventListener("click", function (e) {
    if (e.target.tagName === "IMG" && e.target.classList.contains("evidence")) {
      var big = document.createElement("img");
      big.src = e.target.src; big.alt = e.target.alt;
      zoom.replaceChildren(big); zoom.classList.add("open");
    } else if (zoom.contains(e.target)) { zoom.classList.remove("open"); }
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") zoom.classList.remove("open"); });
})();
</script>
</body></html>
"""
