"""`codekit diff`: a category split and a code moved to another division, reported exactly, per
division, in every output format; --fail-on gates; names escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.test_release_build import copy_inputs, edit, release

SPLIT_LITTER = """\
codekit_taxonomy: 1
id: litter
label: Litter or dumped items
description: Litter, an overflowing public bin, or items dumped on a street.
synonyms: [garbage, trash]
groups: [Garbage and recycling]
routes:
  - when: {}
    code: SW-LITTER
"""

DUMPING = """\
codekit_taxonomy: 1
id: dumping
label: Dumped items
description: Items dumped on a street or sidewalk.
synonyms: [illegal dumping, mattress]
groups: [Garbage and recycling]
questions:
  - key: item
    prompt: What was dumped?
    values:
      - {key: furniture, label: Furniture}
      - {key: mattress, label: A mattress}
      - {key: other, label: Something else}
routes:
  - when: {}
    code: SW-DUMP
    fields:
      item_type: {from: item, map: {furniture: FURN, mattress: MATT, other: OTH}}
"""

SWMS = "Solid Waste Management Services"
PFR = "Parks, Forestry & Recreation"

#: (kind, category, code, item) of every change the split and the move make, nothing else.
SPLIT = {
    ("category-added", "dumping", None, None),
    ("code-moved", None, "SW-DUMP", None),
    ("question-removed", "litter", None, "item"),
    ("question-removed", "litter", None, "what"),
    ("route-changed", "litter", "SW-LITTER", "answers"),
}
MOVE = {("division-reassigned", None, "FOR-TREE", None)}


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("diff")
    dist = base / "dist"
    assert release(dist).exit_code == 0
    tax, cat = copy_inputs(base)
    (tax / "litter.yaml").write_text(SPLIT_LITTER, encoding="utf-8")
    (tax / "dumping.yaml").write_text(DUMPING, encoding="utf-8")
    edit(cat, "division: Urban Forestry\n    section: Street Trees", f"division: {PFR}\n    section: Forestry")
    r = release(dist, taxonomy=tax, catalogue=cat)
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "Released 2.0.0 (major changes since 1.0.0)" in r.stdout
    return {"a": dist / "1.0.0", "b": dist / "2.0.0", "tax": tax, "cat": cat, "dist": dist}


def _json(releases, *extra) -> dict:
    r = run_cli("diff", str(releases["a"]), str(releases["b"]), "--output", "json", *extra)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def _keys(d: dict) -> set:
    return {(c["kind"], c["category"], c["code"], c["item"]) for c in d["changes"]}


def test_split_and_move_are_reported_exactly(releases):
    d = _json(releases)
    assert _keys(d) == SPLIT | MOVE
    assert d["level"] == "major" and d["from"] == "1.0.0" and d["to"] == "2.0.0"
    moved = next(c for c in d["changes"] if c["kind"] == "code-moved")
    assert (moved["before"], moved["after"], moved["divisions"]) == (["litter"], ["dumping"], [SWMS])
    reassigned = next(c for c in d["changes"] if c["kind"] == "division-reassigned")
    assert reassigned["before"] == {"division": "Urban Forestry", "section": "Street Trees"}
    assert reassigned["after"] == {"division": PFR, "section": "Forestry"}
    assert reassigned["divisions"] == [PFR, "Urban Forestry"]


@pytest.mark.parametrize("division, expected", [
    (SWMS, SPLIT), ("Urban Forestry", MOVE), (PFR, MOVE), ("urban forestry", MOVE),
    ("Transportation Services", set()),
])
def test_filtered_per_division(releases, division, expected):
    d = _json(releases, "--division", division)
    assert _keys(d) == expected
    assert d["division"].casefold() == division.casefold()


def test_table_output(releases):
    r = run_cli("diff", str(releases["a"]), str(releases["b"]))
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0] == "Changes from 1.0.0 to 2.0.0"
    for kind in ("category-added", "code-moved", "question-removed", "route-changed", "division-reassigned"):
        assert kind in r.stdout
    assert " ".join(r.stdout.split()).endswith(
        "6 change(s), level major: category-added 1, code-moved 1, division-reassigned 1, question-removed 2, "
        "route-changed 1."
    )
    r = run_cli("diff", str(releases["a"]), str(releases["b"]), "--division", "Urban Forestry")
    assert "division-reassigned" in r.stdout and "code-moved" not in r.stdout
    assert r.stdout.splitlines()[0] == "Changes from 1.0.0 to 2.0.0 for Urban Forestry"


def test_markdown_output(releases):
    r = run_cli("diff", str(releases["a"]), str(releases["b"]), "--output", "markdown", "--division", SWMS)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == f"## Changes from 1.0.0 to 2.0.0 for {SWMS}"
    table = [x for x in lines if x.startswith("| ")][2:]
    assert sorted(x.split(" | ")[1] for x in table) == sorted(k for k, *_ in SPLIT)
    assert "division-reassigned" not in r.stdout


def test_html_output_is_self_contained(releases):
    r = run_cli("diff", str(releases["a"]), str(releases["b"]), "--output", "html")
    assert r.exit_code == 0
    page = r.stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "http://" not in page and "src=" not in page
    assert "Parks, Forestry &amp; Recreation" in page
    assert page.count('<tr class="major">') == 5 and page.count('<tr class="minor">') == 1
    assert "Routing table changes (Tabular Diff Format)" in page
    page = run_cli("diff", str(releases["a"]), str(releases["b"]), "--output", "html", "--division", "Urban Forestry").stdout
    assert page.count('<tr class="major">') == 1 and "division-reassigned" in page and "code-moved" not in page


def test_output_folder_instead_of_a_release(releases):
    r = run_cli("diff", str(releases["dist"]), str(releases["b"]))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {releases['dist']}: this is an output folder of releases, not one release "
        f"(expected a release folder, found 1.0.0, 2.0.0). Give one of them, e.g. {releases['dist'] / '2.0.0'}\n"
    )


def test_tdf_output_shows_routing_table_changes(releases):
    import csv

    r = run_cli("diff", str(releases["a"]), str(releases["b"]), "--output", "tdf")
    assert r.exit_code == 0
    rows = list(csv.reader(r.stdout.splitlines()))
    assert rows[0][:4] == ["@@", "category", "category_label", "answers"]
    ops = {(row[0], row[1], row[3]) for row in rows[1:] if row[0]}
    assert ops == {
        ("+++", "dumping", ""), ("+++", "litter", ""), ("---", "litter", "what=litter"),
        ("---", "litter", "what=dumping"), ("->", "tree", "where=street"),
    }
    modified = next(row for row in rows if row[0] == "->")
    assert f"Urban Forestry->{PFR}" in modified
    r = run_cli("diff", str(releases["a"]), str(releases["b"]), "--output", "tdf", "--division", "Transportation Services")
    assert r.exit_code == 0 and r.stdout == ""


def test_fail_on(releases):
    a, b = str(releases["a"]), str(releases["b"])
    assert run_cli("diff", a, b, "--fail-on", "major").exit_code == 1
    assert run_cli("diff", a, b, "--fail-on", "minor").exit_code == 1
    assert run_cli("diff", a, b, "--fail-on", "major", "--division", "Transportation Services").exit_code == 0
    assert run_cli("diff", a, a, "--fail-on", "minor").exit_code == 0
    r = run_cli("diff", a, b, "--fail-on", "patch")
    assert r.exit_code == 2 and r.stderr == "Error: unknown --fail-on level (expected major or minor, found 'patch')\n"


def test_unknown_division_and_output(releases):
    r = run_cli("diff", str(releases["a"]), str(releases["b"]), "--division", "Nope")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: no such division in either release (expected Parks, Forestry & Recreation, ")
    r = run_cli("diff", str(releases["a"]), str(releases["b"]), "--output", "xlsx")
    assert r.exit_code == 2
    assert r.stderr == "Error: unknown --output (expected table, markdown, html, json, tdf, found 'xlsx')\n"


def test_release_against_working_taxonomy(releases):
    r = run_cli("diff", str(releases["a"]), str(releases["tax"]), "--catalogue", str(releases["cat"]),
                "--output", "json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert _keys(d) == SPLIT | MOVE
    assert d["to"] == f"working ({releases['tax']})"


def test_changelog_entry_written_from_the_diff(releases):
    text = (releases["b"] / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n\n## 2.0.0\n\nChanges since 1.0.0 (major).\n")
    assert ('- `code-moved`: code SW-DUMP (Illegal Dumping - ROW) moved from litter ("Litter or dumped items") '
            'to dumping ("Dumped items") [Solid Waste Management Services]') in text
    assert text.rstrip().endswith("## 1.0.0\n\nFirst release: 3 public categories routing to 5 service codes.")


def test_names_with_html_are_escaped(tmp_path):
    tax, cat = copy_inputs(tmp_path)
    dist = tmp_path / "dist"
    assert release(dist, taxonomy=tax, catalogue=cat).exit_code == 0
    edit(tax / "tree.yaml", "label: Damaged tree", "label: <script>alert(1)</script>")
    edit(cat, "name: Tree - Damaged (Street)", "name: <img src=x onerror=alert(1)>")
    r = release(dist, taxonomy=tax, catalogue=cat)
    assert r.exit_code == 0, r.stderr
    assert "1.0.1" in r.stdout  # wording only: a patch
    page = run_cli("diff", str(dist / "1.0.0"), str(dist / "1.0.1"), "--output", "html").stdout
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    md = run_cli("diff", str(dist / "1.0.0"), str(dist / "1.0.1"), "--output", "markdown").stdout
    assert "<script>" not in md and "&lt;script>" in md


# --------------------------------------------------------------------------------- version rules

def _bump(tmp_path, change) -> str:
    tax, cat = copy_inputs(tmp_path)
    dist = tmp_path / "dist"
    assert release(dist, taxonomy=tax, catalogue=cat).exit_code == 0
    change(tax, cat)
    r = run_cli("release", str(tax), "--catalogue", str(cat), "--out", str(dist), "--json")
    assert r.exit_code == 0, r.stdout + r.stderr
    return json.loads(r.stdout)["version"]


def test_wording_is_a_patch(tmp_path):
    assert _bump(tmp_path, lambda t, c: edit(t / "pothole.yaml", "A hole in a road", "A hole in the road")) == "1.0.1"


def test_added_category_is_minor(tmp_path):
    def add(t, c):
        (t / "lane.yaml").write_text(
            "id: lane-pothole\nlabel: Laneway pothole\ngroups: [Roads and sidewalks]\n"
            "questions:\n  - key: hazard\n    prompt: Is it a danger?\n    values:\n"
            "      - {key: 'yes', label: 'Yes'}\n      - {key: 'no', label: 'No'}\n"
            "routes:\n  - when: {}\n    code: RD-LANE\n    fields:\n      is_hazard: {from: hazard, map: {'yes': Y, 'no': N}}\n",
            encoding="utf-8")
    assert _bump(tmp_path, add) == "1.1.0"


def test_changed_route_is_major(tmp_path):
    assert _bump(tmp_path, lambda t, c: edit(t / "pothole.yaml", "map: {'yes': Y, 'no': N}", "map: {'yes': N, 'no': Y}")) == "2.0.0"


def test_removed_category_is_major(tmp_path):
    def remove(t, c):
        (t / "tree.yaml").unlink()
        edit(c, "status: retired", "status: retired\n  - code: XX\n    name: placeholder\n    status: retired")
        edit(c, "    division: Urban Forestry\n", "    division: Urban Forestry\n    status: retired\n")
    assert _bump(tmp_path, remove) == "2.0.0"


def test_next_version_rules():
    from codekit.release.diff import next_version

    assert next_version(None, None) == "1.0.0"
    assert next_version("1.2.3", "major") == "2.0.0"
    assert next_version("1.2.3", "minor") == "1.3.0"
    assert next_version("1.2.3", "patch") == "1.2.4"
    assert next_version("1.2.3", None) is None


def test_renamed_category_is_a_rename_not_remove_and_add(tmp_path):
    from codekit.release.build import working_document
    from codekit.release.diff import diff_documents
    from tests.test_release_build import CATALOGUE, TAXONOMY

    tax, cat = copy_inputs(tmp_path)
    edit(tax / "pothole.yaml", "id: pothole", "id: road-hole")
    _, _, a = working_document(TAXONOMY, CATALOGUE)
    _, _, b = working_document(tax, cat)
    d = diff_documents(a, b)
    assert [(c.kind, c.before, c.after) for c in d.changes] == [("category-renamed", "pothole", "road-hole")]


def test_change_kinds_are_documented():
    from codekit.release.diff import CHANGE_KINDS, LEVELS
    from codekit.release.render import change_kinds_table

    doc = (Path(__file__).resolve().parents[1] / "docs" / "release.md").read_text(encoding="utf-8")
    assert change_kinds_table() in doc, "docs/release.md's change-kind table is out of date"
    assert all(level in LEVELS for level, _ in CHANGE_KINDS.values())
