"""`codekit sync`: the inventory diff, placement, and `--apply` on the sample's next inventory."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from codekit.model import Catalogue, ServiceCode
from codekit.sample import next_inventory, sample_catalogue
from codekit.sync.inventory import compare_inventories
from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]


def _cat(*codes: ServiceCode, source: str = "x") -> Catalogue:
    return Catalogue(list(codes), source=source)


def test_diff_kinds_on_a_small_inventory():
    a = _cat(ServiceCode("A", "Pothole", division="Roads", volume=100),
             ServiceCode("B", "Old queue", division="Roads", volume=50),
             ServiceCode("C", "Graffiti", division="Parks", status="retired"),
             ServiceCode("D", "Noise", division="MLS", section="Bylaw"))
    b = _cat(ServiceCode("A", "Pothole on a road", division="Roads", volume=100),
             ServiceCode("B2", "Old queue", division="Roads", volume=50),
             ServiceCode("C", "Graffiti", division="Parks"),
             ServiceCode("D", "Noise", division="Licensing", section="Noise"),
             ServiceCode("E", "Swimming lessons", division="Community Recreation"))
    d = compare_inventories(a, b)
    kinds = {(c.kind, c.code) for c in d.changes}
    assert kinds == {("code-renamed", "A"), ("code-replaced", "B"), ("code-reactivated", "C"),
                     ("division-changed", "D"), ("section-changed", "D"), ("code-added", "E")}
    replaced = d.of_kind("code-replaced")[0]
    assert replaced.other == "B2" and replaced.critical
    assert not d.of_kind("code-renamed")[0].critical  # a rename changes no route: routes key on codes


def test_field_changes_tell_critical_from_cosmetic():
    from codekit.model import AllowedValue, OperationalField

    f = OperationalField(key="size", prompt="How big?", datatype="singlevaluelist",
                         values=(AllowedValue("s"), AllowedValue("l")))
    a = _cat(ServiceCode("A", "Pothole", fields=(f,)))
    b1 = _cat(ServiceCode("A", "Pothole", fields=(replace(f, prompt="What size is it?"),)))
    b2 = _cat(ServiceCode("A", "Pothole", fields=(replace(f, values=f.values + (AllowedValue("m"),)),)))
    (c1,) = compare_inventories(a, b1).changes
    (c2,) = compare_inventories(a, b2).changes
    assert c1.kind == c2.kind == "field-changed"
    assert not c1.critical and "prompt" in c1.detail
    assert c2.critical and "values added: m" in c2.detail


def test_next_inventory_is_deterministic_and_has_every_kind():
    a, b = next_inventory(311), next_inventory(311)
    assert [c.to_dict() for c in a] == [c.to_dict() for c in b]
    d = compare_inventories(sample_catalogue(311), a)
    assert set(d.by_kind()) >= {"code-added", "code-removed", "code-renamed", "code-replaced", "code-reactivated",
                                "division-changed", "section-changed", "field-added", "field-changed"}
    assert sum(1 for c in a if c.division == "Community Recreation") == 8


def _originals_survive(before: str, after: str, affected: set[str]) -> list[str]:
    """Lines of ``before`` that are gone from ``after`` although they belong to no affected code's route,
    answer or merged entry (the goal: none)."""
    import difflib

    from codekit.io.yamlio import parse_yaml

    doc = parse_yaml(before, "x")
    lines = before.splitlines(True)
    from codekit.sync.apply import _block_end

    spans = []
    keys = set()
    for i, r in enumerate(doc.get("routes") or []):
        if str(r.get("code")) in affected:
            s = doc["routes"].line_of(i) - 1
            spans.append((s, _block_end(lines, s)))
            for v in (r.get("when") or {}).values():
                keys.update([v] if isinstance(v, str) else v)
    for i, m in enumerate(doc.get("merged") or []):
        if str(m.get("code")) in affected or str(m.get("into")) in affected:
            s = doc["merged"].line_of(i) - 1
            spans.append((s, _block_end(lines, s)))
            spans.append((doc.line_of("merged") - 1, doc.line_of("merged")))
    for q in doc.get("questions") or []:
        for j, v in enumerate(q.get("values") or []):
            if isinstance(v, dict) and str(v.get("key")) in keys:
                s = q["values"].line_of(j) - 1
                spans.append((s, s + 1))
    inside = {i for s, e in spans for i in range(s, e)}
    lost = []
    sm = difflib.SequenceMatcher(a=lines, b=after.splitlines(True), autojunk=False)
    for tag, i1, i2, _, _ in sm.get_opcodes():
        if tag in ("replace", "delete"):
            lost += [lines[i] for i in range(i1, i2) if i not in inside]
    return lost


@pytest.fixture()
def world(tmp_path):
    tax = tmp_path / "taxonomy"
    shutil.copytree(ROOT / "taxonomy", tax)
    r = run_cli("sample", "--out", tmp_path / "city", "--events", "10")
    assert r.exit_code == 0, r.stderr
    r = run_cli("sample", "--next", "--out", tmp_path / "city")
    assert r.exit_code == 0, r.stderr
    return tmp_path, tax


def test_sync_report_only_changes_nothing(world):
    tmp, tax = world
    before = {p.name: p.read_bytes() for p in tax.iterdir()}
    r = run_cli("sync", tmp / "city" / "next.yaml", "--old", tmp / "city" / "catalogue.yaml", "-t", tax, "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["applied"] is False and data["diff"]["summary"]["code-added"] == 10
    assert {p.name: p.read_bytes() for p in tax.iterdir()} == before


def test_dry_run_shows_the_patch_and_writes_nothing(world):
    tmp, tax = world
    before = {p.name: p.read_bytes() for p in tax.iterdir()}
    r = run_cli("sync", tmp / "city" / "next.yaml", "--old", tmp / "city" / "catalogue.yaml", "-t", tax,
                "--dry-run", "--date", "2026-12-01")
    assert r.exit_code == 0, r.stderr
    assert "+    code: CR-0001" in r.stdout and "--- a/" in r.stdout
    assert {p.name: p.read_bytes() for p in tax.iterdir()} == before


def test_apply_leaves_a_taxonomy_that_validates_and_curated_text_untouched(world):
    tmp, tax = world
    before = {p.name: p.read_text() for p in tax.iterdir()}
    r = run_cli("sync", tmp / "city" / "next.yaml", "--old", tmp / "city" / "catalogue.yaml", "-t", tax,
                "--apply", "--date", "2026-12-01", "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["applied"] and data["validation"]["ok"], data["validation"]["by_type"]
    actions = data["plan"]["actions"]
    cr = {a["code"]: a for a in actions if a["code"].startswith("CR-")}
    assert len(cr) == 8 and all(a["action"] in ("placed", "queued") for a in cr.values())
    assert any(a["action"] == "queued" for a in cr.values())  # the review queue is used, not a forced guess
    # removed codes: tombstones, never deleted silently
    retired = (tax / "_retired.yaml").read_text()
    removed = [c["code"] for c in data["diff"]["changes"] if c["kind"] in ("code-removed", "code-replaced")]
    assert removed and all(f"code: {c}," in retired for c in removed)
    # curated text: every original line outside an affected code's route, answer or merged entry survives
    affected = {c["code"] for c in data["diff"]["changes"]} | {c.get("other", "") for c in data["diff"]["changes"]}
    for name, text in before.items():
        lost = _originals_survive(text, (tax / name).read_text(), affected)
        assert not lost, (name, lost[:3])
    r = run_cli("validate", tax, "--catalogue", tmp / "city" / "next.yaml")
    assert r.exit_code == 0, r.stdout


def test_apply_is_byte_reproducible(world, tmp_path):
    tmp, tax = world
    other = tmp_path / "taxonomy2"
    shutil.copytree(ROOT / "taxonomy", other)
    for t in (tax, other):
        r = run_cli("sync", tmp / "city" / "next.yaml", "--old", tmp / "city" / "catalogue.yaml", "-t", t,
                    "--apply", "--date", "2026-12-01")
        assert r.exit_code == 0, r.stderr
    for p in sorted(tax.rglob("*.yaml")):
        assert p.read_bytes() == (other / p.relative_to(tax)).read_bytes(), p.name


def test_sync_without_old_outside_a_project_is_a_clear_error(world, monkeypatch):
    tmp, tax = world
    monkeypatch.chdir(tmp)
    r = run_cli("sync", tmp / "city" / "next.yaml", "-t", tax)
    assert r.exit_code == 2
    assert r.stderr == ("Error: name the inventory the taxonomy was built on with --old. Give the catalogue file "
                        "the taxonomy was last validated or released against, or run sync inside a project "
                        "(codekit init), whose catalogue it is\n")


def test_a_missing_new_inventory_is_named_before_the_missing_old(world, monkeypatch):
    tmp, tax = world
    monkeypatch.chdir(tmp)
    r = run_cli("sync", "nope.csv", "-t", tax)
    assert (r.exit_code, r.stderr) == (2, "Error: nope.csv: no such file. Give the new code inventory (a catalogue file)\n")


def test_sync_in_a_project_reads_and_then_records_the_inventory(world, monkeypatch):
    tmp, tax = world
    monkeypatch.chdir(tmp)
    r = run_cli("init", tmp, "--catalogue", tmp / "city" / "catalogue.yaml", "--taxonomy", tax)
    assert r.exit_code == 0, r.stderr
    before = (tmp / "codekit.toml").read_text()
    r = run_cli("sync", tmp / "city" / "next.yaml", "--apply", "--date", "2026-12-01", "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["applied"] and data["validation"]["ok"]
    after = (tmp / "codekit.toml").read_text()
    assert 'catalogue = "city/next.yaml"' in after and 'catalogue = "city/catalogue.yaml"' in before
    changed = [ln for ln in after.splitlines() if ln not in before.splitlines()]
    assert changed == ['catalogue = "city/next.yaml"']  # nothing else in the project file moves
    r = run_cli("sync", tmp / "city" / "next.yaml", "--json")  # now in step: nothing to do
    assert r.exit_code == 0 and json.loads(r.stdout)["diff"]["n_changes"] == 0


def test_sync_bad_inputs(world):
    tmp, tax = world
    old = tmp / "city" / "catalogue.yaml"
    dup = tmp / "dup.csv"
    dup.write_text("code,name\nA,x\nA,y\n")
    r = run_cli("sync", dup, "--old", old, "-t", tax, "--apply")
    assert r.exit_code == 2 and r.stderr.startswith(f"Error: {dup}, line 3: duplicate code 'A'")
    empty = tmp / "retired.csv"
    empty.write_text("code,name,status\nA,x,retired\n")
    before = {p.name: p.read_bytes() for p in tax.iterdir()}
    r = run_cli("sync", empty, "--old", old, "-t", tax, "--apply")
    assert r.exit_code == 2
    assert r.stderr == (f"Error: {empty}: the new inventory has no active code. Check the file: sync never retires "
                        "every code at once\n")
    assert {p.name: p.read_bytes() for p in tax.iterdir()} == before
    r = run_cli("sync", tmp / "city" / "next.yaml", "--old", old, "-t", tax, "--apply", "--date", "2026-13-01")
    assert r.exit_code == 2 and r.stderr == "Error: the date must be a real day written YYYY-MM-DD, not '2026-13-01'\n"
    r = run_cli("sync", tmp / "city" / "next.yaml", "--old", old, "-t", tax, "--threshold", "2")
    assert r.exit_code == 2


def test_placement_beats_the_nearest_name_baseline_on_the_sample():
    from codekit.sync.place import accuracy, nearest_name, place, targets_from_taxonomy
    from codekit.taxonomy.load import load_taxonomy

    cat = sample_catalogue(311)
    tax = load_taxonomy(ROOT / "taxonomy")
    truth = {}
    for c in tax.categories:
        for r in c.routes:
            if r.code and r.code in cat and cat[r.code].active:
                truth.setdefault(r.code, c.id)
    held = sorted(truth)[::10]
    targets = targets_from_taxonomy(tax, cat, exclude=frozenset(held))
    new = [cat[c] for c in held]
    ours = accuracy(place(new, targets, semantic=False), {c: truth[c] for c in held})
    base = accuracy(nearest_name(new, targets), {c: truth[c] for c in held})
    assert ours["top1"] > base["top1"] and ours["top3"] >= base["top3"]
