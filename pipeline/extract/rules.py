"""The within-edition audit rules: small named checks (one function, one kind registered in
pipeline/model/kinds.py) that read one Edition and report its own errors, and the runner for rule lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import regex as re
from rapidfuzz import fuzz

from ..config import profile, rule_words, rules_from
from ..errors import ConfigError
from ..model.kinds import Rule, kind, rule
from ..model.records import Anomaly, Box, Edition, Entry, Project
from ..parse.dates import parse_date
from ..parse.text import norm
from ..parse.words import alternation


class RulesConfigError(ConfigError, ValueError):
    """rules.yaml is malformed (a ConfigError, exit 2; still a ValueError for older callers)."""


def validate_vocab(cfg: dict, where: str = "rules.yaml") -> dict:
    """Check a rules.yaml mapping (pipeline/config.py's rules_from, as rule_words() validates on load)."""
    try:
        return rules_from(Path(where), cfg, profile().status_names)
    except RulesConfigError:
        raise
    except ConfigError as e:
        raise RulesConfigError(str(e)) from e


def words_rx(words: list[str]) -> re.Pattern:
    """A case-insensitive whole-word pattern for a vocabulary list."""
    return re.compile(r"(?<![\p{L}\d])(?:" + alternation(words) + r")(?![\p{L}\d])", re.I)


# ---------------------------------------------------------------- helpers shared by the rules


def stand_date(ed: Edition) -> dt.date | None:
    return parse_date(ed.stand).start


def months_before(d: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (clamped to the month's end)."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


def hit(name: str, detail: str, p: Project | None = None, box: Box | None = None, evidence: str = "") -> Anomaly:
    """An anomaly of a registered kind, at `box` (else the project's box)."""
    box = box or (p.box if p is not None else None)
    return kind(name).anomaly(
        box.page if box else None, detail, p.number if p is not None else None, box, norm(evidence)[:300]
    )


def projects(ed: Edition) -> Iterator[Project]:
    for *_, p in ed.projects():
        yield p


# ---------------------------------------------------------------- dates after the Stand

DAY_RX = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?![\d])")


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces of a paragraph; a date's dots do not end a sentence."""
    out, pos = [], 0
    for piece in re.split(r"(?<=[!?;]|(?<!\d)\.|\d{4}\.)\s+", text):
        out.append((pos, piece))
        pos += len(piece) + 1
    return out


def future_days(text: str, stand: dt.date, plan: re.Pattern, bound: re.Pattern) -> list[str]:
    """Day dates (dd.mm.yyyy) after the Stand in sentences that do not present them as a plan, and not
    bounding a period ("vom 01.02.2025 bis 31.01.2027")."""
    out = []
    for _, sent in _sentences(text):
        if plan.search(sent):
            continue
        for m in DAY_RX.finditer(sent):
            d = parse_date(m.group(0))
            opens_period = re.match(r"\s*(?:bis|[–-])\s", sent[m.end() :])
            if (
                d.start
                and d.start > stand
                and not opens_period
                and not bound.search(sent[: m.start()].rstrip()[-15:] + "\n")
            ):
                out.append(m.group(0))
    return out


class PrintedText(NamedTuple):
    """A free text a project prints, its box if known, and where it is printed ("remark", "milestone", …)."""

    text: str
    box: Box | None
    where: str


class PrintedField(NamedTuple):
    """A field a quote must close within: its project (None for a list row), which field, text and box."""

    project: Project | None
    where: str
    text: str
    box: Box | None


def unplanned_remark(remark: list[str], boxes: list[Box | None], header: re.Pattern) -> Iterator[PrintedText]:
    """Remark paragraphs before the "geplante Meilensteine:" paragraph `header` matches (what follows is planned by
    design, as model/rows.py reads it)."""
    for k, para in enumerate(remark):
        if header.match(para):
            return
        yield PrintedText(para, boxes[k] if k < len(boxes) else None, "remark")


@rule(
    "committee_after_stand",
    "warning",
    "A committee consultation is dated after the edition's Stand (a consultation cannot have happened yet).",
    source="report",
)
def committee_after_stand(ed: Edition) -> Iterable[Anomaly]:
    stand = stand_date(ed)
    for p in projects(ed):
        for e in p.committee:
            d = parse_date(e.date)
            if stand and d.start and d.start > stand and d.qualifier not in ("since", "from"):
                yield hit(
                    "committee_after_stand",
                    f"project {p.number} consultation '{e.date}' dated after the Stand {ed.stand}",
                    p,
                    e.box,
                    f"{e.date} {e.text}",
                )


@rule(
    "text_date_after_stand",
    "info",
    "A remark, description or header line states a day after the Stand as a fact, not as a plan.",
    source="report",
)
def text_date_after_stand(ed: Edition) -> Iterable[Anomaly]:
    stand = stand_date(ed)
    if not stand:
        return
    words = rule_words()
    plan = words_rx(words["plan_words"])
    bound = re.compile(words_rx(words["range_words"]).pattern + r"\s*(?:dem|zum)?\s*\n", re.I)
    header = profile().planned  # config/report.yaml blocks.planned: what follows it is planned by design
    for p in projects(ed):
        paras = [PrintedText(t, None, "description") for t in p.description]
        paras += unplanned_remark(p.remark, p.remark_boxes, header)
        paras += [PrintedText(f"{a} {v}", None, "header") for a, v in p.extra_header]
        for text, box, where in paras:
            for day in future_days(text, stand, plan, bound):
                yield hit(
                    "text_date_after_stand",
                    f"project {p.number} {where} names {day}, after the Stand {ed.stand}",
                    p,
                    box,
                    text,
                )


@rule(
    "completed_not_recent",
    "warning",
    "A project under 'umgesetzt (innerhalb des letzten halben Jahres)' was completed more than half a year "
    "before the Stand (it belongs in the archive).",
    source="report",
)
def completed_not_recent(ed: Edition) -> Iterable[Anomaly]:
    stand = stand_date(ed)
    if not stand:
        return
    window, prof = rule_words()["completed_window_months"], profile()
    limit, completed = months_before(stand, window), prof.status("completed")
    for p in projects(ed):
        if p.status != completed:
            continue
        done = next((v for a, v in p.extra_header if prof.completion.search(a)), p.since_value)
        d = parse_date(done)
        if d.end and d.end < limit:
            yield hit(
                "completed_not_recent",
                f"project {p.number} completed {done!r}, more than {window} months before the Stand {ed.stand}",
                p,
                evidence=f"{p.since_label} {p.since_value}",
            )


# ---------------------------------------------------------------- blocks a status should not have or lacks


@rule(
    "ideenspeicher_with_progress",
    "warning",
    "An Ideenspeicher project lists completed planning steps or committee consultations (it has left the idea stage).",
    source="report",
)
def ideenspeicher_with_progress(ed: Edition) -> Iterable[Anomaly]:
    idea = profile().status("idea")
    for p in projects(ed):
        if p.status == idea and (p.steps or p.committee):
            first = (p.steps or p.committee)[0]
            yield hit(
                "ideenspeicher_with_progress",
                f"project {p.number} in the Ideenspeicher has "
                f"{len(p.steps)} steps and {len(p.committee)} consultations",
                p,
                first.box,
                f"{p.steps_label or p.committee_label} {first.date} {first.text}",
            )


@rule(
    "missing_progress_blocks",
    "warning",
    "A project in Planung or in Bearbeitung has neither a steps block nor a committee block.",
    source="report",
)
def missing_progress_blocks(ed: Edition) -> Iterable[Anomaly]:
    open_statuses = (profile().status("planned"), profile().status("in_progress"))
    for p in projects(ed):
        if p.status in open_statuses and p.steps_label is None and p.committee_label is None:
            yield hit(
                "missing_progress_blocks",
                f"project {p.number} ({p.status}) prints no steps and no committee block",
                p,
                evidence=p.title,
            )


def allowed_statuses(label: str) -> set[str] | None:
    """The statuses a steps label may stand under (None: any)."""
    for entry in rule_words()["steps_labels"]:
        if re.search(entry["rx"], label, re.I):
            return set(entry["statuses"])
    return None


@rule(
    "steps_label_status",
    "warning",
    "The steps label names another status than the section ('Erfolgte Planungsschritte' under 'in Bearbeitung').",
    source="report",
)
def steps_label_status(ed: Edition) -> Iterable[Anomaly]:
    for p in projects(ed):
        allowed = allowed_statuses(p.steps_label or "")
        if p.steps_label and allowed is not None and p.status not in allowed:
            yield hit(
                "steps_label_status",
                f"project {p.number} under '{p.status}' labels its steps '{norm(p.steps_label)}'",
                p,
                evidence=p.steps_label,
            )


# ---------------------------------------------------------------- committee paper numbers

PAPER_LIKE = re.compile(r"(?<![\w/.])(\d{1,4})\s*/\s*(\d{2,4})(-\d{1,2})?(?![\w/])")


@rule(
    "paper_year_after_consultation",
    "warning",
    "A committee paper's number carries a year later than the date it was consulted on.",
    source="report",
)
def paper_year_after_consultation(ed: Edition) -> Iterable[Anomaly]:
    for p in projects(ed):
        for e in p.committee:
            d = parse_date(e.date)
            for m in PAPER_LIKE.finditer(e.text):
                year = int(m.group(2)) if len(m.group(2)) == 4 else None
                if year and d.end and year > d.end.year:
                    yield hit(
                        "paper_year_after_consultation",
                        f"project {p.number}: paper {m.group(0)} consulted on {e.date}",
                        p,
                        e.box,
                        f"{e.date} {e.text}",
                    )


@rule(
    "paper_number_malformed",
    "warning",
    "A committee paper number is not of the form NNN/YYYY (optionally -N).",
    source="report",
)
def paper_number_malformed(ed: Edition) -> Iterable[Anomaly]:
    for p in projects(ed):
        for e in p.committee:
            for m in PAPER_LIKE.finditer(e.text):
                number, year = m.group(1), m.group(2)
                if re.fullmatch(r"(?:19|20)\d\d", number):
                    continue  # a span of years ("Haushalt 2023/24"), not a paper
                if len(year) != 4 or len(number) != 3 or " " in m.group(0):
                    yield hit(
                        "paper_number_malformed",
                        f"project {p.number}: paper number '{m.group(0)}'",
                        p,
                        e.box,
                        f"{e.date} {e.text}",
                    )


# ---------------------------------------------------------------- cross-references


def printed_numbers(ed: Edition) -> set[str]:
    """Every theme, goal, section and project number the edition prints."""
    out = set()
    for th in ed.themes:
        out.add(th.number)
        for g in th.goals:
            out.add(g.number)
            for s in g.sections:
                out.add(s.number)
                out.update(p.number for p in s.projects)
    return out


def texts_of(p: Project) -> Iterator[PrintedText]:
    """Every free text a project prints: description, steps, committee, remark."""
    for t in p.description:
        yield PrintedText(t, None, "description")
    for e in p.steps:
        yield PrintedText(e.text, e.box, "milestone")
    for e in p.committee:
        yield PrintedText(e.text, e.box, "committee")
    for k, t in enumerate(p.remark):
        yield PrintedText(t, p.remark_boxes[k] if k < len(p.remark_boxes) else None, "remark")


@rule(
    "dangling_reference",
    "warning",
    "A cross-reference ('(s. 6.4.3.1)', 'Projekt 1.4.2.8') names no theme, goal, section or project of the edition.",
    source="report",
)
def dangling_reference(ed: Edition) -> Iterable[Anomaly]:
    known = printed_numbers(ed)
    rx = re.compile(rule_words()["reference_rx"], re.I)
    for p in projects(ed):
        for text, box, where in texts_of(p):
            for m in rx.finditer(text):
                if m.group(1) not in known:
                    yield hit(
                        "dangling_reference",
                        f"project {p.number} {where} refers to {m.group(1)}, which the edition does not print",
                        p,
                        box,
                        text,
                    )


# ---------------------------------------------------------------- how entry tables were read


@rule(
    "entry_without_text",
    "warning",
    "A dated milestone or consultation without text: nhr likely read the rest of a wrapped date cell "
    "(a year, a range's end) as a row of its own.",
    source="extraction",
)
def entry_without_text(ed: Edition) -> Iterable[Anomaly]:
    for p in projects(ed):
        for what, block in (("milestone", p.steps), ("consultation", p.committee)):
            for before, e in zip([None, *block], block):
                if norm(e.date) and not norm(e.text):
                    after = f" after '{norm(before.date)}'" if before is not None else ""
                    yield hit(
                        "entry_without_text",
                        f"project {p.number} {what} '{norm(e.date)}' has no text{after}",
                        p,
                        e.box,
                        e.date,
                    )


# ---------------------------------------------------------------- copy and paste


@rule(
    "duplicate_milestone",
    "info",
    "The same milestone text is printed in two projects of one edition (copy and paste).",
    source="report",
)
def duplicate_milestone(ed: Edition) -> Iterable[Anomaly]:
    seen: dict[str, list[tuple[Project, Entry]]] = defaultdict(list)
    shortest = rule_words()["duplicate_text_min_chars"]
    for p in projects(ed):
        for e in p.steps:
            t = norm(e.text).casefold()
            if len(t) >= shortest:
                seen[t].append((p, e))
    for t, where in seen.items():
        nums = list(dict.fromkeys(p.number for p, _ in where))
        if len(nums) < 2:
            continue
        for p, e in where[1:]:
            if p.number == where[0][0].number:
                continue
            yield hit(
                "duplicate_milestone",
                f"project {p.number} milestone '{e.date}' repeats the text of "
                f"project {where[0][0].number} ('{where[0][1].date}')",
                p,
                e.box,
                f"{e.date} {e.text}",
            )


@rule(
    "diverging_copy",
    "info",
    "A milestone printed in two projects with the same date and almost the same text: the copies disagree "
    "('… Konzern Kreis Soest 2030' and '… 2023.').",
    source="report",
)
def diverging_copy(ed: Edition) -> Iterable[Anomaly]:
    by_date: dict[str, list[tuple[Project, Entry]]] = defaultdict(list)
    shortest, similar = rule_words()["duplicate_text_min_chars"], rule_words()["diverging_copy_min_ratio"]
    for p in projects(ed):
        for e in p.steps:
            if norm(e.date) and len(norm(e.text)) >= shortest:
                by_date[norm(e.date)].append((p, e))
    for entries in by_date.values():
        for i, (p, e) in enumerate(entries):
            q, f = next(
                (
                    (q, f)
                    for q, f in entries[:i]
                    if q.number != p.number
                    and norm(f.text) != norm(e.text)
                    and fuzz.ratio(norm(f.text), norm(e.text)) >= similar
                ),
                (None, None),
            )
            if q is not None and f is not None:
                yield hit(
                    "diverging_copy",
                    f"project {p.number} milestone '{e.date}' nearly repeats project {q.number}: '{norm(f.text)}'",
                    p,
                    e.box,
                    f"{e.date} {e.text}",
                )


# ---------------------------------------------------------------- typography


def imbalance(text: str, cfg: dict | None = None) -> str | None:
    """The first quote or bracket pair that does not balance in `text`, described; None if all do."""
    cfg = cfg or rule_words()
    for o, c in cfg["quote_pairs"]:
        if o not in text and c not in text:
            continue
        depth = 0
        for ch in text:
            depth += (ch == o) - (ch == c)
            if depth < 0:
                return f"'{c}' closes before any '{o}'"
        if depth:
            return f"{depth} '{o}' not closed by '{c}'"
    for q in cfg["symmetric_quotes"]:
        if text.count(q) % 2:
            return f"odd number of '{q}'"
    return None


def printed_fields(ed: Edition) -> Iterator[PrintedField]:
    """Every field a quote must close within, with its project (None for a list row)."""
    for p in projects(ed):
        yield PrintedField(p, "title", p.title, p.box)
        if p.description:
            yield PrintedField(p, "description", "\n".join(p.description), p.box)
        for t, box, where in texts_of(p):
            if where in ("milestone", "committee"):
                yield PrintedField(p, where, t, box)
        if p.remark:
            yield PrintedField(p, "remark", "\n".join(p.remark), p.remark_boxes[0] if p.remark_boxes else None)
    for pl in ed.project_lists:
        for r in pl.rows:
            yield PrintedField(None, f"list row {r.number} title", r.title, r.box)


@rule(
    "unbalanced_quotes",
    "info",
    'A title, milestone, committee entry, description or remark opens a quote or bracket („…“, ‚…‘, "…", (…)) '
    "it does not close, or closes one it never opened.",
    source="report",
)
def unbalanced_quotes(ed: Edition) -> Iterable[Anomaly]:
    cfg = rule_words()
    for p, where, text, box in printed_fields(ed):
        why = imbalance(text, cfg)
        if why:
            who = f"project {p.number} {where}" if p is not None else where
            a = hit("unbalanced_quotes", f"{who}: {why}", p, box, text)
            yield a


# ---------------------------------------------------------------- list cells


@rule(
    "odd_list_cell",
    "warning",
    "A Projektliste responsibility cell is not a list of department codes separated by ', ' (\"70.01.,80.01\").",
    source="report",
)
def odd_list_cell(ed: Edition) -> Iterable[Anomaly]:
    code = re.compile(rule_words()["responsible_code_rx"])
    for pl in ed.project_lists:
        for r in pl.rows:
            cell = norm(r.responsible)
            tokens = [t.strip() for t in cell.split(",")]
            bad = [t for t in tokens if re.search(r"\d", t) and not code.match(t)]
            if bad or re.search(r",(?=\S)", cell):
                yield kind("odd_list_cell").anomaly(
                    r.box.page if r.box else None,
                    f"list row {r.number} responsibility '{cell}'",
                    r.number,
                    r.box,
                    cell,
                )


@rule(
    "archive_theme_unknown",
    "info",
    "An archive row names a theme that is not one of the edition's theme titles.",
    source="report",
)
def archive_theme_unknown(ed: Edition) -> Iterable[Anomaly]:
    known = {norm(t).casefold() for th in ed.themes for t in (th.list_title, th.title) if t}
    if not known:
        return
    for a in ed.archive:
        if norm(a.theme).casefold() not in known:
            yield kind("archive_theme_unknown").anomaly(
                a.box.page if a.box else None,
                f"archive row '{a.project}' has theme '{norm(a.theme)}'",
                None,
                a.box,
                f"{a.theme} {a.project}",
            )


RULES = (
    committee_after_stand,
    text_date_after_stand,
    completed_not_recent,
    ideenspeicher_with_progress,
    missing_progress_blocks,
    steps_label_status,
    paper_year_after_consultation,
    paper_number_malformed,
    dangling_reference,
    entry_without_text,
    duplicate_milestone,
    diverging_copy,
    unbalanced_quotes,
    odd_list_cell,
    archive_theme_unknown,
)  # the plausibility rules of this module, in the order they run


def run_edition(ed: Edition, rules: Sequence[Rule]) -> list[Anomaly]:
    """Every rule of `rules` on one edition, in the order given."""
    out: list[Anomaly] = []
    for r in rules:
        out.extend(r(ed))
    return out
