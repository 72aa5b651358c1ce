"""`codekit edit ...`: each edit's effect, its refusals (exit 2, one line, nothing written) and its
comment-preserving write (hand comments and key order survive byte for byte outside the changed lines)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from codekit.io.catalogue import write_catalogue
from codekit.io.yamlio import Flow, parse_yaml, patch_yaml
from codekit.model import Catalogue, ServiceCode
from codekit.taxonomy.load import load_taxonomy
from codekit.taxonomy.retired import apply_retired, load_retired
from tests.cli_helpers import run_cli

CODES = [
    ("A1", "Pothole on road", "Roads", 50), ("A2", "Road pot hole", "Roads", 10), ("A3", "Sidewalk crack", "Roads", 5),
    ("B1", "Bees nest", "Animals", 3), ("B2", "Wasp nest", "Animals", 4),
    ("C1", "Noise from party", "Bylaw", 7), ("C2", "Noise from construction", "Bylaw", 8),
    ("D1", "Lonely code", "Bylaw", 1),
]

ROADS = """\
codekit_taxonomy: 1
id: roads
label: Road problem   # hand comment on the label
# a comment line the analyst wrote
synonyms:
  - street
groups:
  - Roads
questions:
  - key: which
    prompt: Which of these best describes it?
    datatype: singlevaluelist
    values:
      - {key: a1, label: Pothole}
      - {key: a2, label: Pot hole}   # keep me
      - {key: a3, label: Sidewalk crack}
routes:
  - when: {which: a1}
    code: A1
  # the second route, kept by hand
  - when: {which: a2}
    code: A2
  - when: {which: a3}
    code: A3
"""

PESTS = """\
id: pests
label: Bees or wasps
groups: [Animals]
questions:
  - key: which
    prompt: Which insect?
    datatype: singlevaluelist
    values:
      - {key: b1, label: Bees}
      - {key: b2, label: Wasps}
routes:
  - when: {which: b1}
    code: B1
  - when: {which: b2}
    code: B2
"""

NOISE = """\
id: noise
label: Noise
groups:
  - Bylaw
questions:
  - key: which
    prompt: What noise?
    datatype: singlevaluelist
    values:
      - {key: b1, label: Party}
      - {key: c2, label: Construction}
routes:
  - when: {which: b1}
    code: C1
  - when: {which: c2}
    code: C2
"""

LONELY = """\
id: lonely
label: Lonely
groups:
  - Bylaw
routes:
  - when: {}
    code: D1
"""


@pytest.fixture()
def proj(tmp_path: Path) -> Path:
    tax = tmp_path / "taxonomy"
    tax.mkdir()
    for name, text in (("roads", ROADS), ("pests", PESTS), ("noise", NOISE), ("lonely", LONELY)):
        (tax / f"{name}.yaml").write_text(text, encoding="utf-8")
    cat = Catalogue([ServiceCode(code=c, name=n, division=d, volume=v) for c, n, d, v in CODES])
    write_catalogue(cat, tmp_path / "codes.csv")
    return tmp_path


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def edit(proj: Path, *args: str, catalogue: bool = True):
    extra = ["--taxonomy", str(proj / "taxonomy")]
    if catalogue:
        extra += ["--catalogue", str(proj / "codes.csv")]
    return run_cli("edit", *args, *extra)


def refused(proj: Path, *args: str, expect: str, catalogue: bool = True) -> None:
    before = snapshot(proj / "taxonomy")
    r = edit(proj, *args, catalogue=catalogue)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r.stderr
    assert expect in lines[0], lines[0]
    assert snapshot(proj / "taxonomy") == before


def valid(proj: Path) -> None:
    r = run_cli("validate", proj / "taxonomy", "--catalogue", proj / "codes.csv")
    assert r.exit_code == 0, r.stdout


def unchanged_outside(old: str, new: str, removed: set[str] = frozenset(), added: set[str] = frozenset()) -> None:
    """Every line of ``old`` not removed is in ``new``, in the same order (byte for byte)."""
    import difflib

    sm = difflib.SequenceMatcher(None, old.splitlines(True), new.splitlines(True), autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag in ("delete", "replace"):
            assert set(old.splitlines()[i1:i2]) <= set(removed), old.splitlines()[i1:i2]
        if tag in ("insert", "replace"):
            assert set(new.splitlines()[j1:j2]) <= set(added), new.splitlines()[j1:j2]


# ----------------------------------------------------------------------------------------- move


def test_move_takes_the_route_and_its_answer_and_keeps_comments(proj: Path):
    old = (proj / "taxonomy/roads.yaml").read_text()
    r = edit(proj, "move", "A3", "--to", "pests")
    assert r.exit_code == 0, r.stderr
    assert "moved A3 (Sidewalk crack) from roads to pests" in r.stdout
    new = (proj / "taxonomy/roads.yaml").read_text()
    unchanged_outside(old, new, removed={"      - {key: a3, label: Sidewalk crack}", "  - when: {which: a3}",
                                         "    code: A3"})
    assert "label: Road problem   # hand comment on the label" in new and "# the second route, kept by hand" in new
    pests = load_taxonomy(proj / "taxonomy").get("pests")
    assert pests.codes() == ["B1", "B2", "A3"]
    assert pests.question("which").values[-1].label == "Sidewalk crack"
    unchanged_outside(PESTS, (proj / "taxonomy/pests.yaml").read_text(),
                      added={"      - {key: a3, label: Sidewalk crack}", "  - when: {which: a3}", "    code: A3"})
    valid(proj)


def test_move_into_a_single_route_category_builds_its_question(proj: Path):
    r = edit(proj, "move", "A3", "--to", "lonely")
    assert r.exit_code == 0, r.stderr
    lonely = load_taxonomy(proj / "taxonomy").get("lonely")
    assert [q.key for q in lonely.questions] == ["which"]
    assert lonely.question("which").value_keys() == ("d1", "a3")
    assert [r.when for r in lonely.routes] == [(("which", ("d1",)),), (("which", ("a3",)),)]
    valid(proj)


def test_move_dry_run_writes_nothing_and_json(proj: Path):
    import json

    before = snapshot(proj / "taxonomy")
    r = edit(proj, "move", "A3", "--to", "pests", "--dry-run", "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["dry_run"] is True and data["written"] is False
    assert data["files_written"] == sorted([str(proj / "taxonomy/pests.yaml"), str(proj / "taxonomy/roads.yaml")])
    assert "+  - when: {which: a3}" in data["diff"]
    assert data["checked"]["new_findings"] == 0
    assert snapshot(proj / "taxonomy") == before


def test_move_refusals(proj: Path):
    refused(proj, "move", "ZZ9", "--to", "pests", expect="no code 'ZZ9' in the catalogue")
    refused(proj, "move", "A3", "--to", "pestz", expect="no category 'pestz' in the taxonomy")
    refused(proj, "move", "D1", "--to", "pests", expect="'D1' is the last code of category 'lonely'")
    refused(proj, "move", "A3", "--to", "roads", expect="already in 'roads'")
    refused(proj, "move", "A3", "--to", "pests", expect="checked against the catalogue", catalogue=False)


# ---------------------------------------------------------------------------------------- merge


def test_merge_joins_the_answers_and_removes_the_second_file(proj: Path):
    r = edit(proj, "merge", "roads", "lonely", "--label", "Roads and more")
    assert r.exit_code == 0, r.stderr
    assert not (proj / "taxonomy/lonely.yaml").exists()
    roads = load_taxonomy(proj / "taxonomy").get("roads")
    assert roads.label == "Roads and more" and roads.codes() == ["A1", "A2", "A3", "D1"]
    assert roads.groups == ("Roads", "Bylaw")
    assert "# the second route, kept by hand" in (proj / "taxonomy/roads.yaml").read_text()
    valid(proj)


def test_merge_refuses_clashing_answer_keys_unless_renamed(proj: Path):
    refused(proj, "merge", "pests", "noise", expect="answer key(s) 'b1' are in both 'pests' and 'noise'")
    r = edit(proj, "merge", "pests", "noise", "--rename-keys")
    assert r.exit_code == 0, r.stderr
    pests = load_taxonomy(proj / "taxonomy").get("pests")
    assert pests.question("which").value_keys() == ("b1", "b2", "b1-2", "c2")
    valid(proj)


def test_merge_refuses_unknown_and_same(proj: Path):
    refused(proj, "merge", "roads", "nope", expect="no category 'nope'")
    refused(proj, "merge", "roads", "roads", expect="two different categories")


# ---------------------------------------------------------------------------------------- split


def test_split_by_codes_makes_a_new_category(proj: Path):
    r = edit(proj, "split", "roads", "--codes", "A2,A3", "--id", "sidewalks", "--label", "Sidewalks")
    assert r.exit_code == 0, r.stderr
    tax = load_taxonomy(proj / "taxonomy")
    assert tax.get("sidewalks").codes() == ["A2", "A3"] and tax.get("sidewalks").groups == ("Roads",)
    roads = tax.get("roads")
    assert roads.codes() == ["A1"] and roads.questions == ()  # one answer left: the question goes
    assert "label: Road problem   # hand comment on the label" in (proj / "taxonomy/roads.yaml").read_text()
    valid(proj)


def test_split_by_question(proj: Path):
    r = edit(proj, "split", "pests", "--by-question", "which")
    assert r.exit_code == 0, r.stderr
    tax = load_taxonomy(proj / "taxonomy")
    assert tax.get("pests") is None and not (proj / "taxonomy/pests.yaml").exists()
    assert tax.get("pests-b1").label == "Bees" and tax.get("pests-b1").codes() == ["B1"]
    assert tax.get("pests-b2").codes() == ["B2"]
    valid(proj)


def test_split_refusals(proj: Path):
    refused(proj, "split", "roads", "--codes", "A1,A2,A3", "--id", "x", expect="leaving it empty")
    refused(proj, "split", "roads", "--codes", "B1", "--id", "x", expect="no route to 'B1'")
    refused(proj, "split", "roads", "--codes", "A1", "--id", "pests", expect="already exists")
    refused(proj, "split", "roads", "--by-question", "nope", expect="no question 'nope'")
    refused(proj, "split", "roads", expect="either --codes or --by-question")


# --------------------------------------------------------------------------------- relabel etc.


def test_relabel_refuses_a_control_character(proj: Path):
    refused(proj, "relabel", "roads", "Pothole\x01", expect="label holds a control character (\\x01); nothing written",
            catalogue=False)


def test_relabel_category_question_answer_one_line_each(proj: Path):
    path = proj / "taxonomy/roads.yaml"
    old = path.read_text()
    assert edit(proj, "relabel", "roads", "Pothole or damaged road", catalogue=False).exit_code == 0
    assert edit(proj, "relabel", "roads", "--question", "which", "What is damaged?", catalogue=False).exit_code == 0
    assert edit(proj, "relabel", "roads", "--answer", "which=a2", "A hole in the road", catalogue=False).exit_code == 0
    new = path.read_text()
    unchanged_outside(
        old, new,
        removed={"label: Road problem   # hand comment on the label", "    prompt: Which of these best describes it?",
                 "      - {key: a2, label: Pot hole}   # keep me"},
        added={"label: Pothole or damaged road   # hand comment on the label", "    prompt: What is damaged?",
               "      - {key: a2, label: A hole in the road}   # keep me"},
    )


def test_relabel_refusals(proj: Path):
    refused(proj, "relabel", "nope", "X", expect="no category 'nope'", catalogue=False)
    refused(proj, "relabel", "roads", "--question", "zz", "X", expect="no question 'zz'", catalogue=False)
    refused(proj, "relabel", "roads", "--answer", "which=zz", "X", expect="has no answer 'zz'", catalogue=False)
    refused(proj, "relabel", "roads", "  ", expect="the new label is empty", catalogue=False)


def test_synonym_add_remove(proj: Path):
    path = proj / "taxonomy/roads.yaml"
    old = path.read_text()
    assert edit(proj, "synonym", "roads", "add", "pothole", "road damage", catalogue=False).exit_code == 0
    new = path.read_text()
    unchanged_outside(old, new, added={"  - pothole", "  - road damage"})
    assert load_taxonomy(proj / "taxonomy").get("roads").synonyms == ("street", "pothole", "road damage")
    assert edit(proj, "synonym", "roads", "remove", "pothole", "road damage", catalogue=False).exit_code == 0
    assert path.read_text() == old
    refused(proj, "synonym", "roads", "remove", "nope", expect="no synonym 'nope'", catalogue=False)
    refused(proj, "synonym", "roads", "rename", "x", expect="unknown synonym action", catalogue=False)
    # a category without synonyms gets the key in its place (after the label)
    assert edit(proj, "synonym", "lonely", "add", "alone", catalogue=False).exit_code == 0
    assert (proj / "taxonomy/lonely.yaml").read_text() == LONELY.replace("label: Lonely\n",
                                                                         "label: Lonely\nsynonyms:\n  - alone\n")


def test_regroup_several_categories(proj: Path):
    r = edit(proj, "regroup", "roads", "lonely", "--group", "Streets", "--group", "Getting around", catalogue=False)
    assert r.exit_code == 0, r.stderr
    tax = load_taxonomy(proj / "taxonomy")
    assert tax.get("roads").groups == ("Streets", "Getting around") == tax.get("lonely").groups
    assert "# the second route, kept by hand" in (proj / "taxonomy/roads.yaml").read_text()
    assert edit(proj, "regroup", "pests", "--add", "-g", "Nature", catalogue=False).exit_code == 0
    assert load_taxonomy(proj / "taxonomy").get("pests").groups == ("Animals", "Nature")
    refused(proj, "regroup", "pests", "--remove", "Animals", "--remove", "Nature", expect="would be in no group",
            catalogue=False)
    refused(proj, "regroup", "nope", "-g", "X", expect="no category 'nope'", catalogue=False)


# --------------------------------------------------------------------------------------- retire


def test_retire_records_the_reason_and_every_command_honours_it(proj: Path):
    r = edit(proj, "retire", "A3", "D1", "--reason", "Legacy queue", "--date", "2026-11-30")
    assert r.exit_code == 0, r.stderr
    assert "lonely: removed (D1 was its only code)" in r.stdout
    assert not (proj / "taxonomy/lonely.yaml").exists()
    recs = load_retired(proj / "taxonomy")
    assert [(x.code, x.reason, x.date) for x in recs] == [("A3", "Legacy queue", "2026-11-30"),
                                                         ("D1", "Legacy queue", "2026-11-30")]
    assert "A3" not in load_taxonomy(proj / "taxonomy").get("roads").codes()
    # validate counts them as retired, not unreachable; the catalogue file itself is untouched
    r = run_cli("validate", proj / "taxonomy", "--catalogue", proj / "codes.csv", "--json")
    assert r.exit_code == 0, r.stdout
    import json

    assert json.loads(r.stdout)["retired"] == ["A3", "D1"]
    # a second retirement appends, keeping a hand comment in _retired.yaml
    rp = proj / "taxonomy/_retired.yaml"
    rp.write_text("# retired by the curation team\n" + rp.read_text())
    old = rp.read_text()
    assert edit(proj, "retire", "C2", "--reason", "Ended by the division").exit_code == 0
    assert rp.read_text() == old + "  - code: C2\n    reason: Ended by the division\n"


def test_retire_refusals(proj: Path):
    refused(proj, "retire", "ZZ9", "--reason", "x", expect="no code 'ZZ9' in the catalogue")
    refused(proj, "retire", "A3", "--reason", " ", expect="needs a reason")
    refused(proj, "retire", "A3", "--reason", "x", "--date", "30/11/2026", expect="--date is not YYYY-MM-DD")
    assert edit(proj, "retire", "A3", "--reason", "x").exit_code == 0
    refused(proj, "retire", "A3", "--reason", "again", expect="already retired")


def test_apply_retired_and_unretire(proj: Path):
    from codekit.io.catalogue import load_catalogue

    cat = load_catalogue(proj / "codes.csv")
    assert edit(proj, "retire", "A3", "--reason", "x").exit_code == 0
    after = apply_retired(cat, load_retired(proj / "taxonomy"))
    assert after["A3"].status == "retired" and cat["A3"].status == "active"
    r = edit(proj, "unretire", "A3", "--to", "roads")
    assert r.exit_code == 0, r.stderr
    assert load_retired(proj / "taxonomy") == ()
    assert "A3" in load_taxonomy(proj / "taxonomy").get("roads").codes()
    valid(proj)


# --------------------------------------------------------------------------------------- dedupe


def test_dedupe_named_pair(proj: Path):
    r = edit(proj, "dedupe", "A2", "--into", "A1", "--reason", "Same pothole queue")
    assert r.exit_code == 0, r.stderr
    roads = load_taxonomy(proj / "taxonomy").get("roads")
    assert "A2" not in roads.codes()
    assert [(m.code, m.into, m.reason) for m in roads.merged] == [("A2", "A1", "Same pothole queue")]
    valid(proj)
    refused(proj, "dedupe", "A2", "--into", "A1", "--reason", "again", expect="already merged")


def test_dedupe_refuses_another_division(proj: Path):
    refused(proj, "dedupe", "B1", "--into", "A1", "--reason", "x", expect="division-mismatch")
    refused(proj, "dedupe", "A2", "--into", "ZZ", "--reason", "x", expect="no code 'ZZ'")
    refused(proj, "dedupe", "A2", "--into", "A1", expect="needs a reason")


def test_dedupe_near_duplicates(proj: Path):
    r = edit(proj, "dedupe", "--min-similarity", "0.8")
    assert r.exit_code == 0, r.stderr
    roads = load_taxonomy(proj / "taxonomy").get("roads")
    assert [(m.code, m.into) for m in roads.merged] == [("A2", "A1")]  # A1 has the larger volume
    assert roads.merged[0].reason.startswith("near-duplicate (")
    valid(proj)


# ---------------------------------------------------------------------------------- patch_yaml


def test_patch_yaml_changes_only_what_changed():
    text = "a: 1   # one\n# between\nb:\n  - x\n  - y   # why\nc: {k: v}\n"
    old = {"a": 1, "b": ["x", "y"], "c": Flow(k="v")}
    assert patch_yaml(text, old, old) == text
    new = {"a": 2, "b": ["x", "y", "z"], "c": Flow(k="w"), "d": "new"}
    out = patch_yaml(text, old, new)
    assert out == "a: 2   # one\n# between\nb:\n  - x\n  - y   # why\n  - z\nc: {k: w}\nd: new\n"
    assert parse_yaml(out, "x") == new
    # a flow mapping that becomes a plain dict is rewritten in block style
    assert patch_yaml(text, old, {**old, "c": {"k": "w"}}).endswith("c:\n  k: w\n")
    assert patch_yaml(out, new, old) == "a: 1   # one\n# between\nb:\n  - x\n  - y   # why\nc: {k: v}\n"


def test_the_bundled_taxonomy_round_trips_unchanged():
    """A no-op edit leaves every file of the bundled taxonomy byte for byte."""
    from codekit.taxonomy.write import category_to_dict

    root = Path(__file__).resolve().parents[1] / "taxonomy"
    for cat in load_taxonomy(root):
        text = Path(cat.path).read_text(encoding="utf-8")
        d = category_to_dict(cat)
        assert patch_yaml(text, d, d) == text


def test_diff_shows_the_edits(proj: Path, tmp_path: Path):
    import shutil

    before = tmp_path / "before"
    shutil.copytree(proj / "taxonomy", before)
    assert edit(proj, "move", "A3", "--to", "pests").exit_code == 0
    assert edit(proj, "relabel", "noise", "Noise complaint", catalogue=False).exit_code == 0
    assert edit(proj, "retire", "D1", "--reason", "gone").exit_code == 0
    r = run_cli("diff", before, proj / "taxonomy", "--catalogue", proj / "codes.csv", "--json")
    import json

    kinds = {(c["kind"], c.get("code") or c.get("category")) for c in json.loads(r.stdout)["changes"]}
    assert ("code-moved", "A3") in kinds
    assert ("code-status-changed", "D1") in kinds
    assert any(k == "category-relabelled" for k, _ in kinds), kinds


# ------------------------------------------------------------------------------- _retired.yaml


@pytest.mark.parametrize("text, expect", [
    ("codekit_retired: 2\nretired: []\n", "line 1: unknown retired-codes format version"),
    ("retired:\n  - code: A1\n", "line 2: retired code 'A1' has no reason"),
    ("retired:\n  - code: A1\n    reason: x\n  - code: A1\n    reason: y\n", "line 4: code 'A1' is retired twice"),
    ("retired:\n  - code: A1\n    reason: x\n    when: now\n", "line 4: unknown key 'when' in a retired code"),
    ("retired:\n  - code: A1\n    reason: x\n    date: 30.11.2026\n", "line 4: retired code 'A1': the date is not"),
    ("retired: &a [x]\nmore: *a\n", "alias"),
])
def test_a_broken_retired_file_is_one_error_naming_the_line(proj: Path, text: str, expect: str):
    (proj / "taxonomy/_retired.yaml").write_text(text)
    r = run_cli("validate", proj / "taxonomy", "--catalogue", proj / "codes.csv")
    assert r.exit_code == 2
    line = r.stderr.strip()
    assert line.startswith(f"Error: {proj / 'taxonomy/_retired.yaml'}, line ") and expect in line, line


def test_release_and_routes_honour_retired_codes(proj: Path, tmp_path: Path):
    import json

    assert edit(proj, "retire", "D1", "--reason", "gone").exit_code == 0
    r = run_cli("release", proj / "taxonomy", "--catalogue", proj / "codes.csv", "--out", tmp_path / "dist")
    assert r.exit_code == 0, r.stdout + r.stderr
    doc = json.loads((tmp_path / "dist/1.0.0/catalogue.json").read_text())
    status = {c["code"]: c["status"] for c in doc["codes"]} if isinstance(doc["codes"], list) else {
        k: v["status"] for k, v in doc["codes"].items()}
    assert status["D1"] == "retired" and status["A1"] == "active"
    out = tmp_path / "routes.csv"
    assert run_cli("routes", proj / "taxonomy", "--catalogue", proj / "codes.csv", "--out", out).exit_code == 0
    assert "D1" not in out.read_text()


def test_split_drops_answers_and_questions_only_the_moved_code_used(proj: Path):
    text = ROADS.replace("routes:", "  - key: depth\n    prompt: How deep?\n    datatype: string\n"
                         "    required: false\n    ask_when: {which: a3}\nroutes:")
    (proj / "taxonomy/roads.yaml").write_text(text)
    valid(proj)
    assert edit(proj, "split", "roads", "--codes", "A3", "--id", "cracks", "--label", "Cracks").exit_code == 0
    roads = load_taxonomy(proj / "taxonomy").get("roads")
    assert roads.question("which").value_keys() == ("a1", "a2") and roads.question("depth") is None
    valid(proj)


def test_a_split_that_would_leave_a_code_unreachable_is_refused(proj: Path, monkeypatch):
    """The promise check is the last guard: if the edit left a code unreachable, nothing is written."""
    import dataclasses

    from codekit.taxonomy import edit as E

    real = E.without_routes

    def careless(cat, drop):  # a bug that loses one more route than it should
        out = real(cat, drop)
        return dataclasses.replace(out, routes=out.routes[:-1]) if len(out.routes) > 1 else out

    monkeypatch.setattr(E, "without_routes", careless)
    refused(proj, "split", "roads", "--codes", "A1", "--id", "x", expect="would break the promise")


def test_edits_on_torontos_real_draft(real_dir: Path, tmp_path: Path):
    """Scripted end to end on Toronto's 965 request types: propose, then edits with no YAML opened."""
    src = real_dir / "toronto-311-taxonomy-nshipyard" / "taxonomy.csv"
    if not src.is_file():
        pytest.skip(f"{src} not present")
    draft = tmp_path / "tor"
    assert run_cli("propose", src, "--out", draft).exit_code == 0
    base = ["--taxonomy", str(draft), "--catalogue", str(src)]
    tax = load_taxonomy(draft)
    two = [c.id for c in tax if len(c.codes()) >= 2][:2]
    a, b = two
    code = tax.get(b).codes()[0]
    r = run_cli("edit", "move", code, "--to", a, *base)
    assert r.exit_code == 0, r.stderr
    assert code in load_taxonomy(draft).get(a).codes()
    last = next(c for c in load_taxonomy(draft) if len(c.codes()) == 1 and c.id not in (a, b))
    r = run_cli("edit", "move", last.codes()[0], "--to", a, *base)
    assert r.exit_code == 2 and "is the last code of category" in r.stderr
    r = run_cli("edit", "retire", last.codes()[0], "--reason", "no longer offered", *base)
    assert r.exit_code == 0 and not Path(last.path).exists()
    r = run_cli("edit", "merge", a, b, "--label", "Merged for the test", *base)
    assert r.exit_code == 0, r.stderr
    assert run_cli("edit", "regroup", a, "-g", "Test group", "--taxonomy", draft).exit_code == 0
    r = run_cli("validate", draft, "--catalogue", src)
    assert r.exit_code == 0, r.stdout[-2000:]


def test_nest_gathers_answers_under_a_dependent_question(proj: Path):
    r = edit(proj, "nest", "roads", "--answers", "a1,a2", "--label", "A hole in the road", "--prompt", "Which hole?")
    assert r.exit_code == 0, r.stderr
    roads = load_taxonomy(proj / "taxonomy").get("roads")
    assert roads.question("which").value_keys() == ("a-hole-in-the-road", "a3")
    sub = roads.question("which_a_hole_in_the_road")
    assert sub.prompt == "Which hole?" and sub.value_keys() == ("a1", "a2")
    assert sub.ask_when == (("which", ("a-hole-in-the-road",)),)
    assert roads.routes[0].when == (("which", ("a-hole-in-the-road",)), ("which_a_hole_in_the_road", ("a1",)))
    assert "# the second route, kept by hand" in (proj / "taxonomy/roads.yaml").read_text()
    valid(proj)


def test_nest_refusals(proj: Path):
    refused(proj, "nest", "roads", "--answers", "a1,zz", "--label", "X", expect="has no answer 'zz'")
    refused(proj, "nest", "roads", "--answers", "a1", "--label", "X", expect="at least two answers")
    refused(proj, "nest", "roads", "--answers", "a1,a2,a3", "--label", "X", expect="gather every answer")
    text = ROADS.replace("  - when: {which: a3}\n", "  - when: {which: [a2, a3]}\n").replace(
        "  - when: {which: a2}\n    code: A2\n", "")
    (proj / "taxonomy/roads.yaml").write_text(text)
    refused(proj, "nest", "roads", "--answers", "a1,a2", "--label", "X", expect="names gathered and other answers")
