"""Cross-edition identity against the answer key, and on editions perturbed on purpose."""

import copy
import csv
from collections import defaultdict

import pyarrow.parquet as pq
import pytest
from conftest import DATA

from pipeline.across.reconcile import reconcile


def truth(name):
    return list(csv.DictReader(open(DATA / "truth" / name, encoding="utf-8")))


def groups(mapping):
    g = defaultdict(set)
    for k, v in mapping.items():
        g[v].add(k)
    return {frozenset(s) for s in g.values()}


@pytest.fixture(scope="module")
def tables(built):
    _, out = built
    return {
        n: pq.read_table(out / f"{n}.parquet").to_pylist()
        for n in ("identity", "projects", "steps", "archive_printed", "editions", "transitions")
    }


def test_every_link_matches_the_truth(tables):
    mine = {(r["edition"], r["project_number"]): r["project_id"] for r in tables["identity"]}
    key = {(r["edition"], r["number"]): r["stable_key"] for r in truth("identity.csv")}
    assert set(mine) == set(key)
    assert groups(mine) == groups(key)


def test_ids_are_deterministic(tables):
    eds = sorted(r["edition"] for r in tables["editions"])
    again = reconcile(tables["projects"], tables["steps"], eds, tables["archive_printed"]).identity
    assert [r["project_id"] for r in again] == [r["project_id"] for r in tables["identity"]]


def test_links_record_score_and_reason(tables):
    for r in tables["identity"]:
        assert r["match_reason"]
        assert (r["match_score"] is None) == (r["match_reason"] == "first appearance")


def _perturbed(tables):
    """2024-10 → a made-up next edition: sections reordered/renumbered, titles reworded, one project dropped."""
    base = [p for p in tables["projects"] if p["edition"] == "2025-04"]
    steps = [s for s in tables["steps"] if s["edition"] == "2025-04"]
    new, new_steps, expect = [], [], {}
    renum = {}
    by_section = defaultdict(list)
    for p in base:
        by_section[p["section"]].append(p)
    dropped = "1.4.2.3"  # leaves without an archive row
    for sec, ps in by_section.items():
        kept = [p for p in ps if p["project_number"] != dropped]
        for i, p in enumerate(reversed(kept), 1):  # reversed order: every index shifts
            renum[p["project_number"]] = f"{sec}.{i}"
    for k, p in enumerate(base):
        if p["project_number"] == dropped:
            continue
        q = copy.deepcopy(p)
        q["edition"] = "2025-10"
        q["project_number"] = renum[p["project_number"]]
        if k % 7 == 0:  # reworded titles
            words = q["title"].split()
            q["title"] = " ".join(words[::-1]) + " (fortgeschrieben)"
            q["list_title"] = None
        if k % 11 == 0:
            q["description"] = q["description"] + " Ergänzung zum neuen Stand mit weiteren Einzelheiten."
        new.append(q)
        expect[("2025-10", q["project_number"])] = ("2025-04", p["project_number"])
    for s in steps:
        if s["project_number"] in renum:
            t = dict(s, edition="2025-10", project_number=renum[s["project_number"]])
            new_steps.append(t)
    return new, new_steps, expect, dropped


def test_perturbed_edition_links_by_evidence(tables):
    new, new_steps, expect, dropped = _perturbed(tables)
    projects = [p for p in tables["projects"] if p["edition"] in ("2024-10", "2025-04")] + new
    steps = [s for s in tables["steps"] if s["edition"] in ("2024-10", "2025-04")] + new_steps
    rec = reconcile(projects, steps, ["2024-10", "2025-04", "2025-10"])
    ident = rec.identity
    pid = {(r["edition"], r["project_number"]): r["project_id"] for r in ident}
    wrong = [(k, v) for k, v in expect.items() if pid[k] != pid[v]]
    assert not wrong
    assert pid[("2025-04", dropped)] not in {pid[k] for k in expect}
