"""Examples of issue 10 that had no test failing on the code before the fix (see tests/BEFORE_FIX.md):
formula cells in the Tabular Diff Format, ``code-renamed`` for a description-only change, and a category of
4,400 routes that validate must finish (the audit stops it after a while; the old code ran for minutes)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.cli_helpers import run_cli
from tests.test_release_build import copy_inputs, edit, release

FORMULA = "=cmd|' /C calc'!A0"


def test_tdf_neutralises_formula_cells(tmp_path):
    dist = tmp_path / "dist"
    tax, cat = copy_inputs(tmp_path)
    edit(cat, "division: Urban Forestry\n    section: Street Trees", f'division: "+SUM(A1:A9)"\n    section: "{FORMULA}"')
    r = release(dist, taxonomy=tax, catalogue=cat)
    assert r.exit_code == 0, r.stdout + r.stderr
    edit(cat, "sla_days: 10", "sla_days: 12")  # the tree's row changes; its division and section do not
    r = release(dist, taxonomy=tax, catalogue=cat)
    assert r.exit_code == 0, r.stdout + r.stderr
    new = next(p for p in sorted(dist.iterdir()) if p.name != "1.0.0")
    r = run_cli("diff", dist / "1.0.0", new, "--output", "tdf")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.reader(r.stdout.splitlines()))
    cells = [c for row in rows for c in row[1:]]
    assert any(FORMULA in c for c in cells), r.stdout  # the section is there ...
    # ... but no cell a spreadsheet would run (the op column, "---" or "->", is daff's own and not checked)
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and c.strip("-"))], r.stdout
    assert f"'{FORMULA}" in cells


def test_description_only_change_is_not_code_renamed(tmp_path):
    dist = tmp_path / "dist"
    assert release(dist).exit_code == 0
    tax, cat = copy_inputs(tmp_path)
    edit(cat, "description: Pothole on a local road.", "description: A pothole on a local road or street.")
    r = release(dist, taxonomy=tax, catalogue=cat)
    assert r.exit_code == 0, r.stdout + r.stderr
    r = run_cli("diff", dist / "1.0.0", next(p for p in sorted(dist.iterdir()) if p.name != "1.0.0"),
                "--output", "json")
    assert r.exit_code == 0, r.stderr
    kinds = {(c["kind"], c["code"]) for c in json.loads(r.stdout)["changes"]}
    assert ("code-renamed", "RD-POTHOLE") not in kinds
    assert ("code-description-changed", "RD-POTHOLE") in kinds


def _big_world(tmp: Path, a: int = 440, b: int = 10) -> tuple[Path, Path]:
    """One category, two questions of ``a`` and ``b`` answers, one route per pair (``a*b`` routes)."""
    codes = [f"C{i:03d}" for i in range(a)]
    cat = tmp / "catalogue.yaml"
    cat.write_text("codekit_catalogue: 1\nname: Big\ncodes:\n" + "".join(
        f"  - {{code: {c}, name: Code {c}, division: Roads, section: Ops}}\n" for c in codes), encoding="utf-8")
    tax = tmp / "taxonomy"
    tax.mkdir()
    lines = ["codekit_taxonomy: 1", "id: big", "label: Big", "description: A big category.", "groups: [Streets]",
             "questions:", "  - key: x", "    prompt: Which x?", "    values:"]
    lines += [f"      - {{key: x{i}, label: X {i}}}" for i in range(a)]
    lines += ["  - key: y", "    prompt: Which y?", "    values:"]
    lines += [f"      - {{key: y{j}, label: Y {j}}}" for j in range(b)]
    lines += ["routes:"]
    for i in range(a):
        for j in range(b):
            lines += [f"  - when: {{x: x{i}, y: y{j}}}", f"    code: {codes[i]}"]
    (tax / "big.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tax, cat


def test_a_4400_route_category_validates(tmp_path):
    tax, cat = _big_world(tmp_path)
    assert len((tax / "big.yaml").read_bytes()) > 100_000
    r = run_cli("validate", tax, "--catalogue", cat, "--json")
    assert r.exit_code == 0, r.stderr + r.stdout[-2000:]
    report = json.loads(r.stdout)
    assert report["ok"] is True
    # one route fewer: the hole is found, named by its answers
    text = (tax / "big.yaml").read_text(encoding="utf-8")
    (tax / "big.yaml").write_text(text.replace("  - when: {x: x7, y: y3}\n    code: C007\n", ""), encoding="utf-8")
    r = run_cli("validate", tax, "--catalogue", cat, "--json")
    assert r.exit_code == 1, r.stderr
    found = json.loads(r.stdout)["findings"]
    assert any("x=x7" in f["message"] and "y=y3" in f["message"] for f in found), found[:3]


def test_the_strategy_and_the_proposal_share_one_distance_threshold_default():
    """Two codes at distance 0.72 stay apart under the proposal's default threshold (0.7) and merged under the
    strategy's old private default (0.75): the strategy left to its default must cluster as the proposal does."""
    import numpy as np

    from codekit.propose.proposal import DEFAULT_THRESHOLD
    from codekit.propose.strategies import AgglomerativeStrategy

    d = np.full((6, 6), 0.01)  # similarities: distance 1 - S
    d[0, 1] = d[1, 0] = 0.28  # distance 0.72, between the two defaults
    d[2, 3] = d[3, 2] = 0.8  # distance 0.2: a pair under either
    np.fill_diagonal(d, 1.0)
    by_default = AgglomerativeStrategy(linkage="average").fit(d).labels_
    spelled_out = AgglomerativeStrategy(linkage="average", distance_threshold=DEFAULT_THRESHOLD).fit(d).labels_
    assert list(by_default) == list(spelled_out)
    assert by_default[2] == by_default[3] and len(set(by_default)) == 5


def test_validate_never_scans_every_route_for_every_answer_combination(tmp_path, monkeypatch):
    """The 4,400-route category took minutes because validate matched each answer combination by a pass over
    every route (``matching_routes``: quadratic in routes). Validation now indexes a category's routes once
    (``Router``): the per-route scan is not called at all, so the work grows with the routes, not their square."""
    import importlib

    tax, cat = _big_world(tmp_path, a=60, b=10)
    calls = []
    for name in ("codekit.taxonomy.routing", "codekit.validate.proof", "codekit.validate.checks"):
        mod = importlib.import_module(name)
        real = getattr(mod, "matching_routes", None)
        if real is not None:
            def counting(*a, _real=real, **k):
                calls.append(1)
                return _real(*a, **k)
            monkeypatch.setattr(mod, "matching_routes", counting)
    r = run_cli("validate", tax, "--catalogue", cat, "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["ok"] is True
    assert len(calls) < 60, f"matching_routes called {len(calls)} times for 600 routes"
