"""Division sign-off end to end through the CLI, on a copy of the bundled taxonomy over the sample city:
moving a code between two divisions is not released until both have approved; one approval is not
enough; editing the division's categories after its approval voids it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
UF = "Urban Forestry"
PFR = "Parks, Forestry & Recreation"

PROJECT = f"""\
[divisions."{UF}"]
reviewers = ["Jane Doe <jane@example.org>"]

[divisions."{PFR}"]
reviewers = ["Sam Lee <sam@example.org>"]

[signoff]
require = ["major", "minor"]
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _missing(*parts: str) -> str:
    return (f"Error: sign-off missing from {len(parts)} division(s): {'; '.join(parts)}; nothing was released. "
            "Each division reviews its part (`codekit diff OLD NEW --division NAME`) and records its approval "
            "(`codekit approve --division NAME --by REVIEWER`)\n")


@pytest.mark.slow
def test_moving_a_code_between_divisions_needs_both_and_a_later_edit_voids(tmp_path, monkeypatch):
    if not any((ROOT / "taxonomy").glob("*.yaml")):
        pytest.skip("no bundled taxonomy in taxonomy/")
    shutil.copytree(ROOT / "taxonomy", tmp_path / "taxonomy")
    (tmp_path / "codekit.toml").write_text(PROJECT, encoding="utf-8")
    assert run_cli("sample", "--out", tmp_path / "city", "--events", "10").exit_code == 0
    monkeypatch.chdir(tmp_path)  # the project file is found from the current folder
    cat = Path("city/catalogue.yaml")

    def release():
        return run_cli("release", "taxonomy", "--catalogue", cat, "--out", "dist")

    def approve(division, by):
        return run_cli("approve", "--division", division, "--by", by, "--catalogue", cat)

    r = release()
    assert r.exit_code == 0, r.stderr
    assert "Released 1.0.0 (first release)" in r.stdout

    # move UF-0104 (a private tree's damage) from Urban Forestry to Parks: the catalogue says so, and the
    # taxonomy's route states it
    _edit(cat, "- code: UF-0104\n  name: Private Tree - Damaged (Inspection)\n  division: Urban Forestry\n",
          f"- code: UF-0104\n  name: Private Tree - Damaged (Inspection)\n  division: {PFR}\n")
    _edit(Path("taxonomy/tree-damage.yaml"), "    code: UF-0104\n    division: Urban Forestry\n",
          f"    code: UF-0104\n    division: {PFR}\n")

    r = run_cli("diff", "dist/1.0.0", "taxonomy", "--catalogue", cat, "--output", "json")
    d = json.loads(r.stdout)
    assert [(c["kind"], c["code"], c["divisions"]) for c in d["changes"]] == [
        ("division-reassigned", "UF-0104", [PFR, UF])]
    assert d["signoff"]["required"] == [PFR, UF] and d["signoff"]["missing"] == [PFR, UF]

    r = release()
    assert r.exit_code == 1 and r.stderr == _missing(f"{PFR} (no approval)", f"{UF} (no approval)")
    assert sorted(p.name for p in Path("dist").iterdir()) == ["1.0.0"]

    assert approve(UF, "Jane Doe").exit_code == 0
    r = release()  # one approval alone is not enough
    assert r.exit_code == 1 and r.stderr == _missing(f"{PFR} (no approval)")

    assert approve(PFR, "sam@example.org").exit_code == 0
    # Urban Forestry's category tree-roots is relabelled after its approval: that voids it (and only it:
    # the relabel is a patch, which the other divisions tree-roots reaches need not approve)
    _edit(Path("taxonomy/tree-roots.yaml"), "label: Tree roots causing damage", "label: Tree roots damaging something")
    r = release()
    assert r.exit_code == 1
    assert r.stderr == _missing(f"{UF} (the approval by Jane Doe <jane@example.org> is void: "
                                "the division's part of the diff changed since)")
    assert sorted(p.name for p in Path("dist").iterdir()) == ["1.0.0"]

    assert approve(UF, "jane@example.org").exit_code == 0
    r = release()
    assert r.exit_code == 0, r.stderr
    assert "Released 2.0.0 (major changes since 1.0.0)" in r.stdout
    man = json.loads(Path("dist/2.0.0/manifest.json").read_text())
    assert [(a["division"], a["by"]) for a in man["approvals"]] == [
        (PFR, "Sam Lee <sam@example.org>"), (UF, "Jane Doe <jane@example.org>")]
    log = Path("dist/2.0.0/CHANGELOG.md").read_text()
    assert (f"### Sign-off\n\n- 311 Toronto (patch): no approval needed (patch changes are exempt)\n"
            f"- {PFR} (major): approved by Sam Lee &lt;sam@example.org>\n"
            "- Toronto Water (patch): no approval needed (patch changes are exempt)\n"
            f"- {UF} (major): approved by Jane Doe &lt;jane@example.org>\n") in log
    assert len(list(Path("approvals").glob("*.json"))) == 3  # the void approval stays, as history
