"""Mutation tests: a small valid taxonomy, broken in exactly one way at a time, gives exactly that
finding (type and location) and exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codekit.model import AllowedValue, Catalogue, OperationalField, ServiceCode
from tests.cli_helpers import run_cli

TREE = """\
codekit_taxonomy: 1
id: tree-damage
label: Damaged or fallen tree
description: A tree or branch that is damaged, dead or has fallen.
groups:
  - Trees and parks
ctl_level: 2
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
    division: Urban Forestry
    section: Street Trees
    ctl_level: 2
    sla_days: 1
    fields:
      branch_size: {from: size, map: {small: SM, large: LG}}
      location_type: {derived: street}
      comments: {from: details}
    dropped:
      tree_count: Crews count the trees on site.
  - when: {where: street, blocking: 'no'}
    code: TREE-STREET
    division: Urban Forestry
    fields:
      branch_size: {from: size, map: {small: SM, large: LG}}
    dropped:
      comments: Residents use the description box, which reaches the division.
  - when: {where: park}
    code: PARK-TREE
    fields:
      branch_size: {from: size, map: {small: SM, large: LG}}
      trunk_damage: {from: trunk, map: {'yes': Y, 'no': N}}
  - when: {where: private}
    referral:
      to: The property owner
      message: Trees on private property are the owner's responsibility.
merged:
  - {code: TREE-STREET-2, into: TREE-STREET, reason: near-duplicate of TREE-STREET}
"""

GRAFFITI = """\
codekit_taxonomy: 1
id: graffiti
label: Graffiti
groups:
  - Streets and sidewalks
questions:
  - key: hateful
    prompt: Is it hateful or threatening?
    values: ['yes', 'no']
  - key: on
    prompt: What is it on?
    ask_when: {hateful: 'no'}
    values:
      - {key: city, label: 'A City building, wall or bench'}
      - {key: pole, label: A utility pole}
      - {key: mailbox, label: A mailbox}
routes:
  - when: {hateful: 'yes'}
    referral:
      to: Police
      message: Report hate graffiti to the police first; the City removes it after.
      phone: '911'
  - when: {hateful: 'no', on: city}
    code: GRAF-CITY
    fields:
      surface: {constant: wall}
  - when: {hateful: 'no', on: [pole, mailbox]}
    referral:
      to: The asset's owner
      message: Utility poles and mailboxes belong to their companies.
"""


def _f(key, values=(), datatype="singlevaluelist", required=True):
    return OperationalField(key=key, datatype=datatype, required=required,
                            values=tuple(AllowedValue(v) for v in values))


def small_catalogue(extra=()) -> Catalogue:
    return Catalogue([
        ServiceCode("TREE-EMERG", "FOR - Tree Emerg Street", division="Urban Forestry", section="Street Trees",
                    ctl_level=2, sla_days=1,
                    fields=(_f("branch_size", ["SM", "LG"]), _f("location_type", ["street"]),
                            _f("comments", datatype="text", required=False),
                            _f("tree_count", datatype="number", required=False))),
        ServiceCode("TREE-STREET", "FOR - Tree Maint Street", division="Urban Forestry", section="Street Trees",
                    ctl_level=2, sla_days=10,
                    fields=(_f("branch_size", ["SM", "LG"]), _f("comments", datatype="text", required=False))),
        ServiceCode("TREE-STREET-2", "Street Tree Maint (dup)", division="Urban Forestry", section="Street Trees",
                    ctl_level=2, fields=(_f("branch_size", ["SM", "LG"]),)),
        ServiceCode("PARK-TREE", "PFR Park Tree", division="Parks", section="Park Operations", ctl_level=2, milestones=("Received", "Assigned", "Completed"),
                    fields=(_f("branch_size", ["SM", "LG"]), _f("trunk_damage", ["Y", "N"]))),
        ServiceCode("GRAF-CITY", "TS Graffiti City Asset", division="Transportation", section="Road Ops",
                    fields=(_f("surface", ["wall"], required=False),)),
        ServiceCode("OLD-TREE", "FOR - Old tree code", division="Urban Forestry", status="retired"),
        *extra,
    ])


def write_fixture(tmp: Path, tree: str = TREE, graffiti: str = GRAFFITI, catalogue: Catalogue | None = None):
    from codekit.io.catalogue import write_catalogue

    tax = tmp / "taxonomy"
    tax.mkdir()
    (tax / "tree-damage.yaml").write_text(tree, encoding="utf-8")
    (tax / "graffiti.yaml").write_text(graffiti, encoding="utf-8")
    cat = tmp / "catalogue.yaml"
    write_catalogue(catalogue or small_catalogue(), cat)
    return tax, cat


def line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in text")


def validate_json(tax: Path, cat: Path):
    res = run_cli("validate", str(tax), "--catalogue", str(cat), "--json")
    return res, json.loads(res.stdout) if res.stdout.strip() else None


def test_fixture_is_clean(tmp_path):
    tax, cat = write_fixture(tmp_path)
    res, report = validate_json(tax, cat)
    assert res.exit_code == 0, res.stdout + res.stderr
    assert report["ok"] is True and report["findings"] == []
    assert report["retired"] == ["OLD-TREE"]
    assert report["stats"]["proof"]["combinations_checked"] == 4 + 2 + 2 + 1  # EMERG 2x1, STREET 2, PARK 2x2, GRAF 1
    assert report["stats"]["referrals"] == 3


# (name, file, old text, new text, expected finding types, type to locate, line needle or None, code)
PARK_ROUTE = ("    code: PARK-TREE\n    fields:\n      branch_size: {from: size, map: {small: SM, large: LG}}\n"
              "      trunk_damage: {from: trunk, map: {'yes': Y, 'no': N}}\n")
PRIVATE_ROUTE = ("  - when: {where: private}\n    referral:\n      to: The property owner\n"
                 "      message: Trees on private property are the owner's responsibility.\n")
MUTATIONS = [
    ("code-unreachable", "tree", PARK_ROUTE, "    referral: {to: Parks, message: Call the park office.}\n",
     None, None, "PARK-TREE"),
    ("route-ambiguous", "tree", "{where: street, blocking: 'no'}", "{where: street}", None,
     "- when: {where: street}", "TREE-STREET"),
    ("route-missing", "tree", PRIVATE_ROUTE, "", None, "routes:", None),
    ("route-unreachable", "tree", PRIVATE_ROUTE, PRIVATE_ROUTE + "  - when: {where: park, blocking: 'no'}\n"
     "    code: TREE-STREET\n", None, "- when: {where: park, blocking: 'no'}", "TREE-STREET"),
    ("route-unknown-code", "graffiti", "    referral:\n      to: The asset's owner\n"
     "      message: Utility poles and mailboxes belong to their companies.\n", "    code: GRAF-UTIL\n", None,
     "code: GRAF-UTIL", "GRAF-UTIL"),
    ("field-dropped", "tree", "      location_type: {derived: street}\n", "", None, "{where: street, blocking: 'yes'}",
     "TREE-EMERG"),
    ("field-type-mismatch", "tree", "    dropped:\n      tree_count: Crews count the trees on site.\n",
     "      tree_count: {from: size}\n", None, "tree_count: {from: size}", "TREE-EMERG"),
    ("pick-value-unreachable", "tree", "      branch_size: {from: size, map: {small: SM, large: LG}}\n      location_type",
     "      branch_size: {from: size, map: {small: SM, large: SM}}\n      location_type", None,
     "{small: SM, large: SM}", "TREE-EMERG"),
    ("optional-field-dropped-without-reason", "tree",
     "    dropped:\n      comments: Residents use the description box, which reaches the division.\n", "", None,
     "{where: street, blocking: 'no'}", "TREE-STREET"),
    ("value-map-invalid", "tree", "{from: trunk, map: {'yes': Y, 'no': N}}",
     "{from: trunk, map: {'yes': Y, 'no': N, maybe: N}}", None, "maybe: N", "PARK-TREE"),
    ("division-mismatch", "tree", "    division: Urban Forestry\n    section: Street Trees",
     "    division: Parks\n    section: Street Trees", None, "division: Parks", "TREE-EMERG"),
    ("ctl-mismatch", "tree", "    ctl_level: 2\n    sla_days: 1", "    ctl_level: 3\n    sla_days: 1", None,
     "ctl_level: 3", "TREE-EMERG"),
    ("milestones", "tree", "ctl_level: 2\nquestions:", "ctl_level: 2\nmilestones: [Received, Done]\nquestions:",
     ("ctl-mismatch",), "milestones: [Received, Done]", "PARK-TREE"),
    ("sla-mismatch", "tree", "    sla_days: 1", "    sla_days: 3", None, "sla_days: 3", "TREE-EMERG"),
    ("proof-failed", "tree", "{from: trunk, map: {'yes': Y, 'no': N}}", "{from: size, map: {small: N, large: Y}}",
     None, "- when: {where: park}", "PARK-TREE"),
    ("merge-division-mismatch", "tree", "into: TREE-STREET,", "into: PARK-TREE,", ("division-mismatch",),
     "{code: TREE-STREET-2", "TREE-STREET-2"),
    ("merge-field-dropped", "tree", "{code: TREE-STREET-2, into: TREE-STREET,", "{code: TREE-STREET-2, into: GRAF-CITY,",
     ("field-dropped", "division-mismatch"), "{code: TREE-STREET-2", "TREE-STREET-2"),
    ("merge-removed", "tree", "merged:\n  - {code: TREE-STREET-2, into: TREE-STREET, reason: near-duplicate of TREE-STREET}\n",
     "", ("code-unreachable",), None, "TREE-STREET-2"),
    # a route now reaches a retired code: that, and the active code it reached is lost
    ("route-retired-code", "graffiti", "code: GRAF-CITY\n    fields:\n      surface: {constant: wall}\n",
     "code: OLD-TREE\n", ("code-unreachable", "route-retired-code"), "code: OLD-TREE", "OLD-TREE"),
    # a derived value outside the pick-list: that, and the value it should give is now never produced
    ("field-value-invalid", "tree", "location_type: {derived: street}", "location_type: {derived: road}",
     ("field-value-invalid", "pick-value-unreachable"), "location_type: {derived: road}", "TREE-EMERG"),
]


@pytest.mark.parametrize("ftype,which,old,new,types,needle,code", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_mutation_gives_exactly_that_finding(tmp_path, ftype, which, old, new, types, needle, code):
    text = {"tree": TREE, "graffiti": GRAFFITI}[which]
    assert text.count(old) == 1, f"mutation {ftype} does not apply"
    broken = text.replace(old, new)
    tax, cat = write_fixture(tmp_path, **{which: broken})
    res, report = validate_json(tax, cat)
    assert res.exit_code == 1, res.stderr
    assert sorted(f["type"] for f in report["findings"]) == sorted(types or [ftype]), report["findings"]
    ftype = {"merge-division-mismatch": "division-mismatch", "merge-field-dropped": "field-dropped",
             "merge-removed": "code-unreachable", "milestones": "ctl-mismatch"}.get(ftype, ftype)
    f = next(f for f in report["findings"] if f["type"] == ftype)
    assert f["code"] == code
    if needle is None:
        assert f["file"] is None and f["line"] is None
    else:
        assert f["file"] == str(tax / f"{'tree-damage' if which == 'tree' else 'graffiti'}.yaml")
        assert f["line"] == line_of(broken, needle)


def test_readable_summary_by_division(tmp_path):
    broken = TREE.replace("    division: Urban Forestry\n    section: Street Trees", "    division: Parks\n    section: Street Trees")
    tax, cat = write_fixture(tmp_path, tree=broken)
    res = run_cli("validate", str(tax), "--catalogue", str(cat))
    assert res.exit_code == 1
    assert "Urban Forestry: 1 finding(s)" in res.stdout
    assert "division-mismatch" in res.stdout
    assert res.stdout.rstrip().endswith("1 finding(s) (division-mismatch: 1)")
    (tmp_path / "clean").mkdir()
    clean, cat2 = write_fixture(tmp_path / "clean")
    res = run_cli("validate", str(clean), "--catalogue", str(cat2))
    assert res.exit_code == 0 and "No findings: every promise holds." in res.stdout
    assert "1 retired codes listed as retired" in res.stdout.replace("\n", " ")


def test_library_returns_the_same_dict_as_json(tmp_path):
    from codekit.cli._common import dumps
    from codekit.validate import validate

    tax, cat = write_fixture(tmp_path)
    res = run_cli("validate", str(tax), "--catalogue", str(cat), "--json")
    assert res.stdout == dumps(validate(tax, cat).to_dict())


def test_bad_sample_limit(tmp_path):
    tax, cat = write_fixture(tmp_path)
    res = run_cli("validate", str(tax), "--catalogue", str(cat), "--sample-limit", "0")
    assert res.exit_code == 2


def test_sampling_is_seeded_and_reported(tmp_path):
    from codekit.validate import validate

    tax, cat = write_fixture(tmp_path)
    full = validate(tax, cat).stats["proof"]
    small = validate(tax, cat, sample_limit=1, seed=5).stats["proof"]
    assert full["combinations_checked"] == full["combinations_total"] == 9 and full["codes_sampled"] == 0
    assert small["combinations_total"] == 9 and small["codes_sampled"] == 3  # all but GRAF-CITY (1)
    assert small["combinations_checked"] == 4 and small["sample_limit"] == 1 and small["seed"] == 5
    assert validate(tax, cat, sample_limit=1, seed=5).to_dict() == validate(tax, cat, sample_limit=1, seed=5).to_dict()


def test_excluded_values_are_not_lost_but_declared(tmp_path):
    from codekit.validate import validate

    # PARK-TREE's trunk_damage 'Y' is never produced: a finding, unless excluded with a reason
    broken = TREE.replace("{from: trunk, map: {'yes': Y, 'no': N}}", "{from: trunk, map: {'yes': N, 'no': N}}")
    tax, cat = write_fixture(tmp_path, tree=broken)
    assert [f.type for f in validate(tax, cat).findings] == ["pick-value-unreachable"]
    declared = TREE.replace("{from: trunk, map: {'yes': Y, 'no': N}}",
                            "{from: trunk, map: {'yes': N, 'no': N}, excluded: {Y: Damaged trunks go to the emergency line}}")
    (tmp_path / "b").mkdir()
    tax, cat = write_fixture(tmp_path / "b", tree=declared)
    report = validate(tax, cat)
    assert report.ok, report.findings
    assert report.stats["proof"]["combinations_excluded"] == 2  # (SM, Y) and (LG, Y)
