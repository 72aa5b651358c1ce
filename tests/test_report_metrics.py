"""Intake-simplification metrics: steps before and after (per code, weighted), and the question bank.

Also holds the small fixture (catalogue + taxonomy with a dependent question and a referral) the other
report, preview and browser tests use.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codekit.model import AllowedValue, Catalogue, OperationalField, ServiceCode

TREE = """\
codekit_taxonomy: 1
id: tree-damage
label: Damaged or fallen tree
description: A tree or branch that is damaged or has fallen.
synonyms: [branch down, fallen tree]
groups: [Trees and parks]
questions:
  - key: where
    prompt: Where is the tree?
    values:
      - {key: street, label: On a street or sidewalk}
      - {key: park, label: In a park}
      - {key: private, label: On private property}
  - key: blocking
    prompt: Is it blocking the road or sidewalk?
    ask_when: {where: street}
    values:
      - {key: 'yes', label: 'Yes'}
      - {key: 'no', label: 'No'}
  - key: size
    prompt: How big is the broken part?
    values:
      - {key: small, label: Smaller than an arm}
      - {key: large, label: Bigger than an arm}
  - key: trunk
    prompt: Is the trunk damaged?
    ask_when: {where: park}
    values:
      - {key: 'yes', label: 'Yes'}
      - {key: 'no', label: 'No'}
  - key: details
    prompt: Anything else we should know?
    datatype: text
    required: false
routes:
  - when: {where: street, blocking: 'yes'}
    code: TREE-EMERG
    fields:
      branch_size: {from: size, map: {small: SM, large: LG}}
      location_type: {derived: street}
      comments: {from: details}
  - when: {where: street, blocking: 'no'}
    code: TREE-STREET
    fields:
      branch_size: {from: size, map: {small: SM, large: LG}}
      comments: {from: details}
  - when: {where: park}
    code: PARK-TREE
    fields:
      branch_size: {from: size, map: {small: SM, large: LG}}
      trunk_damage: {from: trunk, map: {'yes': Y, 'no': N}}
    dropped:
      prop_type: Parks are City land.
  - when: {where: private}
    referral:
      to: The property owner
      message: Trees on private property are the owner's responsibility.
"""

GRAFFITI = """\
codekit_taxonomy: 1
id: graffiti
label: Graffiti
synonyms: [tagging, spray paint]
groups: [Streets and sidewalks]
questions:
  - key: hateful
    prompt: Is it hateful or threatening?
    values: ['yes', 'no']
  - key: 'on'
    prompt: What is it on?
    ask_when: {hateful: 'no'}
    values:
      - {key: city, label: 'A City building, wall or bench'}
      - {key: pole, label: A utility pole}
routes:
  - when: {hateful: 'yes'}
    referral:
      to: Police
      message: Report hate graffiti to the police first.
      phone: '911'
  - when: {hateful: 'no', 'on': city}
    code: GRAF-CITY
    fields:
      surface: {constant: wall}
    dropped:
      property_type: Crews see the property on site.
  - when: {hateful: 'no', 'on': pole}
    referral:
      to: The pole's owner
      message: Utility poles belong to their companies.
"""


def _f(key, values=(), datatype="singlevaluelist", required=True, prompt=""):
    return OperationalField(key=key, prompt=prompt or key, datatype=datatype, required=required,
                            values=tuple(AllowedValue(v, v) for v in values))


def small_catalogue(name_of_graffiti: str = "TS Graffiti City Asset") -> Catalogue:
    return Catalogue([
        ServiceCode("TREE-EMERG", "FOR - Tree Emerg Street", division="Urban Forestry", section="Street Trees",
                    volume=300, fields=(_f("branch_size", ["SM", "LG"]), _f("location_type", ["street"]),
                                        _f("comments", datatype="text", required=False, prompt="Comments"))),
        ServiceCode("TREE-STREET", "FOR - Tree Maint Street", division="Urban Forestry", section="Street Trees",
                    volume=100, fields=(_f("branch_size", ["SM", "LG"]),
                                        _f("comments", datatype="text", required=False, prompt="Additional details"))),
        ServiceCode("PARK-TREE", "PFR Park Tree", division="Parks", section="Park Operations", volume=100,
                    fields=(_f("branch_size", ["SM", "LG"]), _f("trunk_damage", ["Y", "N"]),
                            _f("prop_type", ["House", "Apartment", "Business"], prompt="Property type", required=False))),
        ServiceCode("GRAF-CITY", name_of_graffiti, division="Transportation", section="Road Ops", volume=0,
                    fields=(_f("surface", ["wall"], required=False),
                            _f("property_type", ["house", "apartment", "business"], prompt="What type of property?",
                               required=False))),
        ServiceCode("OLD-TREE", "FOR - Old tree code", division="Urban Forestry", status="retired"),
    ])


def write_small(tmp: Path, catalogue: Catalogue | None = None) -> tuple[Path, Path]:
    """Write the small taxonomy and catalogue under ``tmp``; returns (taxonomy folder, catalogue file)."""
    from codekit.io.catalogue import write_catalogue

    tax = tmp / "taxonomy"
    tax.mkdir(parents=True, exist_ok=True)
    (tax / "tree-damage.yaml").write_text(TREE, encoding="utf-8")
    (tax / "graffiti.yaml").write_text(GRAFFITI, encoding="utf-8")
    cat_path = tmp / "catalogue.yaml"
    write_catalogue(catalogue or small_catalogue(), cat_path)
    return tax, cat_path


@pytest.fixture()
def small(tmp_path):
    from codekit.taxonomy import load_taxonomy

    tax, _ = write_small(tmp_path)
    return load_taxonomy(tax), small_catalogue()


def test_steps_before_counts_menu_levels_and_fields(small):
    from codekit.report.metrics import steps_before

    b = steps_before(small[1])
    # 3 divisions (a choice), Urban Forestry has one section (no choice), Street Trees has two codes (a choice)
    assert b["TREE-EMERG"] == {"choices": 2, "options_scanned": 5, "questions": 3, "steps": 5}
    # Parks: division choice only (one section, one code)
    assert b["PARK-TREE"] == {"choices": 1, "options_scanned": 3, "questions": 3, "steps": 4}
    assert "OLD-TREE" not in b  # retired codes are not offered


def test_steps_after_follow_the_route_and_dependent_questions(small):
    from codekit.report.metrics import steps_after

    a = steps_after(*small)
    # two groups (a choice), one category per group (no choice)
    emerg = a["TREE-EMERG"]
    assert (emerg["choices"], emerg["routing_questions"], emerg["field_questions"], emerg["steps"]) == (1, 2, 2, 5)
    park = a["PARK-TREE"]  # blocking is not asked in a park; the dependent trunk question is
    assert (park["routing_questions"], park["field_questions"], park["steps"]) == (1, 2, 4)
    assert park["paths"] == 1  # one combination reaches it: where=park (blocking not asked)
    graf = a["GRAF-CITY"]
    assert (graf["routing_questions"], graf["field_questions"], graf["steps"]) == (2, 0, 3)


def test_intake_steps_summary_is_volume_weighted(small):
    from codekit.report.metrics import intake_steps

    r = intake_steps(*small)
    s = r["summary"]
    assert s["n_codes"] == 4 and s["n_reached"] == 4 and s["weighted_by"] == "volume"
    # before steps: EMERG 5 (vol 300), STREET 4 (100), PARK 4 (100), GRAF 3 (0)
    assert s["before"]["steps"]["weighted"] == pytest.approx((5 * 300 + 4 * 100 + 4 * 100) / 500, abs=1e-4)
    assert s["before"]["steps"]["mean"] == pytest.approx((5 + 4 + 4 + 3) / 4)
    assert [d["division"] for d in r["by_division"]] == ["Parks", "Transportation", "Urban Forestry"]
    codes = {c["code"]: c for c in r["codes"]}
    assert codes["TREE-EMERG"]["saved"] == 0


def test_unreached_code_has_no_after(tmp_path):
    from codekit.report.metrics import intake_steps
    from codekit.taxonomy import load_taxonomy

    extra = small_catalogue()
    extra = extra.replace_codes([*extra.codes, ServiceCode("LONELY", "Nobody routes here", division="Parks")])
    tax, _ = write_small(tmp_path, extra)
    r = intake_steps(load_taxonomy(tax), extra)
    assert r["summary"]["n_unreached"] == 1
    assert {c["code"]: c["after"] for c in r["codes"]}["LONELY"] is None


def test_question_bank_groups_wordings_and_values():
    from codekit.report.metrics import question_bank

    qb = question_bank(small_catalogue())
    keys = [{v["key"] for v in q["variants"]} for q in qb]
    assert {"prop_type", "property_type"} in keys  # same allowed values, similar wording
    assert {"comments"} in keys or any("comments" in k for k in keys)
    prop = next(q for q in qb if {v["key"] for v in q["variants"]} == {"prop_type", "property_type"})
    assert prop["n_codes"] == 2
    assert "same allowed values" in prop["reasons"]
    # yes/no-only lists never join on their values alone
    yn = Catalogue([
        ServiceCode("A", "a", fields=(_f("callback", ["yes", "no"], prompt="Callback requested?"),)),
        ServiceCode("B", "b", fields=(_f("danger", ["yes", "no"], prompt="Anyone hurt?"),)),
    ])
    assert question_bank(yn, use_concepts=False) == []


def test_question_bank_on_the_sample_finds_the_planted_variants():
    from codekit.report.metrics import question_bank
    from codekit.sample import sample_catalogue

    qb = question_bank(sample_catalogue())
    groups = [{v["key"] for v in q["variants"]} for q in qb]
    for pair in ({"property_type", "prop_type"}, {"collection_day", "coll_day"}, {"time_of_day", "tod"}):
        assert any(pair <= g for g in groups), pair
    assert qb == question_bank(sample_catalogue())  # deterministic


def test_fields_a_route_leaves_unfilled_still_count_as_questions(small):
    """A draft route that fills nothing still asks every operational field of its code."""
    from codekit.report.metrics import steps_after
    from codekit.taxonomy.model import PublicCategory, Route, Taxonomy

    draft = Taxonomy([PublicCategory(id="park-tree", label="Park tree", groups=("Parks",),
                                     routes=(Route(code="PARK-TREE"),))])
    a = steps_after(draft, small[1])["PARK-TREE"]
    assert (a["choices"], a["routing_questions"], a["unfilled_fields"], a["steps"]) == (0, 0, 3, 3)
