"""Near-duplicate codes in a draft: one answer, the others drafted as merged into the code with most requests."""

from __future__ import annotations

from pathlib import Path

import yaml

from codekit.io.catalogue import load_catalogue, write_catalogue
from codekit.model import Catalogue, OperationalField, ServiceCode
from codekit.propose.draft import write_draft
from codekit.propose.proposal import propose
from codekit.propose.signals import Weights
from codekit.propose.tree import build_tree, duplicate_groups
from codekit.taxonomy import load_taxonomy
from codekit.validate import validate
from tests.cli_helpers import run_cli

ANIMALS = [
    ("A1", "Services - Protective Custody", 1155), ("A2", "Protective Custody", 832),
    ("A3", "Service - Protective Custody", 259), ("A4", "Services - Rabies Suspect", 19),
    ("A5", "Rabies Suspect", 13), ("A6", "Services - Lost Animal Report", 40),
    ("A7", "Services - Found Animal Report", 30), ("A8", "Wildlife Education", 5),
]


def _catalogue(fields: dict[str, tuple] | None = None) -> Catalogue:
    fields = fields or {}
    return Catalogue([ServiceCode(code=c, name=n, division="Animal Services", section="Toronto Animal Services",
                                  volume=v, fields=fields.get(c, ())) for c, n, v in ANIMALS])


def test_duplicate_groups_read_the_same_once_plain_and_share_a_division():
    names = [n for _, n, _ in ANIMALS]
    assert duplicate_groups(names, ["D"] * len(names)) == [[0, 1, 2], [3, 4]]
    # the same name in two divisions is not a near-duplicate (a merge must stay in one division)
    assert duplicate_groups(["Mulching", "Mulching"], ["Parks", "Environment"]) == []
    # nor one kept once per district or team (a section of its own)
    assert duplicate_groups(["Pothole", "Pothole"], [("Roads", "North"), ("Roads", "South")]) == []
    assert duplicate_groups(["Graffiti", "Graffiti - Park"], ["D", "D"]) == []
    # two programmes whose names differ only in their acronyms are two things, not one
    assert duplicate_groups(["RNFP Request for Letter of Clearance", "TPPR Request for Letter of Clearance"],
                            ["D", "D"], prefixes=frozenset({"rnfp", "tppr"})) == []
    # names with nothing plain in them are told apart by their queue ids only: never merged
    assert duplicate_groups(["UNMAPPED - TSO-OPS3", "UNMAPPED - TW-SSL2", "Unknown - 30080-EH", "Unknown - 30080-ROE"],
                            ["D"] * 4) == []


def test_the_draft_offers_one_answer_and_merges_the_others(tmp_path):
    cat = _catalogue()
    p = propose(cat, weights=Weights(semantic=0), n_categories=1, max_share=None)
    (c,) = p.categories
    assert sorted(c.members) == [code for code, _, _ in ANIMALS]  # every code still belongs to the category
    assert sorted(c.merged) == sorted([
        ("A2", "A1", "near-duplicate: 'Protective Custody' reads as 'Services - Protective Custody' "
                     "(drafted by codekit propose)"),
        ("A3", "A1", "near-duplicate: 'Service - Protective Custody' reads as 'Services - Protective Custody' "
                     "(drafted by codekit propose)"),
        ("A5", "A4", "near-duplicate: 'Rabies Suspect' reads as 'Services - Rabies Suspect' "
                     "(drafted by codekit propose)"),
    ])
    write_draft(p, tmp_path / "draft")
    tax = load_taxonomy(tmp_path / "draft")
    (pc,) = list(tax)
    answers = [v.label for q in pc.questions for v in q.values]
    assert "Protective custody" in answers and not any("(2)" in a for a in answers)
    assert {r.code for r in pc.routes} == {"A1", "A4", "A6", "A7", "A8"}
    assert {(m.code, m.into) for m in pc.merged} == {("A2", "A1"), ("A3", "A1"), ("A5", "A4")}
    report = validate(tax, cat)
    assert report.ok, report.counts()
    # kept apart on request, numbered as before
    q = propose(cat, weights=Weights(semantic=0), n_categories=1, max_share=None, merge_duplicates=False)
    assert q.categories[0].merged == []


def test_a_merge_that_would_lose_a_required_field_is_not_drafted():
    need = (OperationalField(key="cage_size", prompt="Cage size?", required=True),)
    cat = _catalogue({"A2": need})
    (c,) = propose(cat, weights=Weights(semantic=0), n_categories=1, max_share=None).categories
    assert {(m[0], m[1]) for m in c.merged} == {("A3", "A1"), ("A5", "A4")}


def test_the_general_code_beside_specific_ones_reads_other():
    names = ["Maintenance Hole Damage", "Maintenance Hole - Missing Cover", "Maintenance Hole - Noisy Cover"]
    tree = build_tree(["a", "b", "c"], names, context="Maintenance hole damage")
    assert [v["label"] for v in tree["questions"][0]["values"]][0] == "Other maintenance hole damage"


def test_cli_keep_duplicates_project_key_and_retiring_the_whole_category(tmp_path, monkeypatch):
    cat = _catalogue()
    write_catalogue(cat, tmp_path / "codes.csv")
    monkeypatch.chdir(tmp_path)
    r = run_cli("propose", "codes.csv", "-n", "1", "--max-share", "none", "--weight", "semantic=0", "--out", "draft")
    assert r.exit_code == 0, r.stderr
    (f,) = sorted((tmp_path / "draft").glob("*.yaml"))
    doc = yaml.safe_load(f.read_text(encoding="utf-8"))
    assert len(doc["merged"]) == 3 and "drafted as one answer" in doc["notes"]
    r = run_cli("propose", "codes.csv", "-n", "1", "--max-share", "none", "--weight", "semantic=0", "--keep-duplicates", "--out", "kept")
    assert r.exit_code == 0, r.stderr
    assert "merged" not in yaml.safe_load(next((tmp_path / "kept").glob("*.yaml")).read_text(encoding="utf-8"))
    (tmp_path / "codekit.toml").write_text('[inputs]\ncatalogue = "codes.csv"\n[propose]\nmerge_duplicates = false\n',
                                           encoding="utf-8")
    r = run_cli("propose", "-n", "1", "--max-share", "none", "--weight", "semantic=0", "--json")
    assert r.exit_code == 0, r.stderr
    import json

    assert json.loads(r.stdout)["categories"][0]["merged"] == []
    (tmp_path / "codekit.toml").unlink()
    # retiring the category takes its merged codes with it (they were refused before: "merged into ...")
    r = run_cli("edit", "retire", "--category", doc["id"], "--reason", "not offered", "--taxonomy", "draft",
                "--catalogue", "codes.csv")
    assert r.exit_code == 0, r.stderr
    retired = Path("draft/_retired.yaml").read_text(encoding="utf-8")
    assert all(code in retired for code, _, _ in ANIMALS)
    assert load_catalogue("codes.csv").codes  # the catalogue itself is untouched
