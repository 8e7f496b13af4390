"""Split a committee consultation line into OParl-aligned fields.

"Kreistag, Beschlussvorlage 029/2024" → body "Kreistag" (Organization.name), paper_type
"Beschlussvorlage" (Paper.paperType), paper_reference "029/2024" (Paper.reference); agenda items
("TOP 14.5", "Ö2") and anything else (a quoted resolution, a topic) are kept as `agenda_item`/`note`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import regex as re

PAPER_TYPES = [  # longest first: the first that matches wins
    "Beschlussvorlage",
    "Informationsvorlage",
    "Mitteilungsvorlage",
    "Berichtsvorlage",
    "Verwaltungsvorlage",
    "Sachstandsbericht",
    "mündlicher Bericht",
    "mündliche Information",
    "Präsentation",
    "Anfrage",
    "Antrag",
    "Beschluss",
    "Bericht",
    "Information",
    "Vorlage",
    "Vortrag",
    "Vorstellung",
]
TYPE_RX = re.compile(r"(?<!\p{L})(" + "|".join(re.escape(t) for t in PAPER_TYPES) + r")(?:en|e)?(?!\p{L})", re.I)
CANONICAL = {t.lower(): t for t in PAPER_TYPES}
REFERENCE = re.compile(r"(?<![\d/])(\d{1,4}/\d{4}(?:-\d{1,2})?)(?![\d/])")
AGENDA = re.compile(r"(?<!\p{L})(TOP\s*(?:[ÖN]\s?)?\d+(?:\.\d+)*|[ÖN]\s?\d+(?:\.\d+)*)(?![\p{L}\d])")
BODY_PHRASE = re.compile(r"(?i)(\p{L}*(?:kreistag|ausschuss|beirat|konferenz|kommission)\p{L}*(?:\s+für\s+[^,;]+)?)")
FUNCTION_WORDS = r"(?:im|in|des|der|dem|den|zur|zum|an|den|die|das)"
SEPARATOR = re.compile(r"(?<!-),\s|\s[–—-]\s|/(?=\p{Lu})")


@dataclass(frozen=True)
class Consultation:
    body: str  # the Gremium as printed
    body_name: str  # normalised
    body_kind: str  # Kreistag | Kreisausschuss | Ausschuss | Beirat | other
    paper_type: str
    paper_reference: str
    agenda_item: str
    note: str

    def to_json(self) -> dict:
        return asdict(self)


def normalise_body(body: str) -> str:
    b = re.sub(r"\s+", " ", body).strip(" ,;:–-")
    b = re.sub(r"^(\p{L}*(?:ausschuss|kreistag|beirat))(?:es|s)\b", r"\1", b, flags=re.I)  # genitive
    b = b[:1].upper() + b[1:]
    b = re.sub(r"\bf\.\s", "für ", b)
    b = re.sub(r"\bu\.\s", "und ", b)
    return b


def body_kind(name: str) -> str:
    low = name.lower()
    if low.startswith("kreistag"):
        return "Kreistag"
    if low.startswith("kreisausschuss"):
        return "Kreisausschuss"
    if "beirat" in low:
        return "Beirat"
    if "ausschuss" in low:
        return "Ausschuss"
    return "other"


def parse_committee(text: str) -> Consultation:
    """Never raises: unknown shapes leave fields empty and everything in `note`."""
    s = re.sub(r"\s+", " ", text if isinstance(text, str) else "").strip()
    quote = ""
    if q := re.search(r"[„\"](.+)$", s):
        quote, s = q.group(0).strip(), s[: q.start()].strip()
    ref = REFERENCE.search(s)
    reference = ref.group(1) if ref else ""
    agenda = AGENDA.search(s)
    agenda_item = re.sub(r"\s+", " ", agenda.group(1)) if agenda else ""
    # a paper type opens a segment ("…, Beschlussvorlage") or names the reference right after it
    types = [
        t
        for t in TYPE_RX.finditer(s)
        if re.search(r"(^|[,;/–—-])\s*$", s[: t.start()]) or (ref and 0 <= ref.start() - t.end() <= 3)
    ]
    before_ref = [t for t in types if ref and t.end() <= ref.start()]
    ptype = before_ref[-1] if before_ref else (types[0] if types else None)  # the type that names the paper
    paper_type = CANONICAL[ptype.group(1).lower()] if ptype else ""
    # the body: text before the first separator / paper type / agenda / reference
    cut = len(s)
    for m in (SEPARATOR.search(s), ptype, agenda, ref):
        if m is not None:
            cut = min(cut, m.start())
    body = s[:cut].strip(" ,;:–-/")
    if body.startswith("Ausschuss für"):
        # "Ausschuss für Bildung, Integration, Schule u. Sport, Allgemeine Informationen …": the name
        # goes on over short capitalised list items
        for seg in re.split(r"(?<!-),\s", s[cut:].lstrip(", "))[:4]:
            if (
                len(seg.split()) <= 3
                and seg[:1].isupper()
                and not (TYPE_RX.search(seg) or REFERENCE.search(seg) or AGENDA.search(seg))
            ):
                body = f"{body}, {seg}"
            else:
                break
    if m := BODY_PHRASE.search(body):
        body = body[m.start() :].strip(" ,;:–-/")
    else:
        m = BODY_PHRASE.search(s)
        body = m.group(1).strip(" ,;:–-/") if m else ""
    rest = s
    for part in (body, ptype.group(0) if ptype else "", reference, agenda.group(1) if agenda else ""):
        if part:
            rest = rest.replace(part, " ", 1)
    rest = re.sub(r"^[\s,;:–—/-]+|[\s,;:–—/-]+$", "", re.sub(r"\s*([,;])(\s*[,;])+", r"\1", rest))
    rest = re.sub(r"\s+", " ", rest).strip(" ,;–-")
    rest = re.sub(rf"^(?:{FUNCTION_WORDS}\s+)+|(?:\s+{FUNCTION_WORDS})+$|^{FUNCTION_WORDS}$|^TOP$", "", rest).strip(
        " ,;–-"
    )
    note = " ".join(x for x in (rest, quote) if x)
    name = normalise_body(body)
    return Consultation(body, name, body_kind(name) if name else "other", paper_type, reference, agenda_item, note)
