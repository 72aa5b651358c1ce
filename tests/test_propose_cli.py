"""`codekit propose` end to end: the draft taxonomy, --json, bad input (exit 2, one message, nothing written)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.test_propose_data import write_small

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def small(tmp_path):
    return write_small(tmp_path)


def test_propose_writes_a_draft_taxonomy(small, tmp_path):
    cat, log = small
    out = tmp_path / "taxonomy"
    r = run_cli("propose", cat, "--errors", log, "--categories", "2", "--out", out)
    assert r.exit_code == 0, r.stderr
    files = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert len(files) == 2 and all(f.endswith(".yaml") for f in files)
    assert "6 codes -> 2 public categories" in r.stdout
    assert "confusion absorbed within categories: 90.0%" in r.stdout

    from codekit.taxonomy import load_taxonomy

    tax = load_taxonomy(out)
    codes = sorted(c for cat_ in tax for c in cat_.codes())
    assert codes == ["GR-1", "GR-2", "GR-3", "RD-1", "RD-2", "RD-3"]
    pothole = next(c for c in tax if "RD-1" in c.codes())
    assert "Shared terms:" in pothole.notes and "60 re-coded/transferred events" in pothole.notes
    assert pothole.questions[0].key == "which" and len(pothole.questions[0].values) == 3


def test_propose_json_and_determinism(small, tmp_path):
    cat, log = small
    a = run_cli("propose", cat, "--errors", log, "--categories", "2", "--json", "--against", "extra.family")
    b = run_cli("propose", cat, "--errors", log, "--categories", "2", "--json", "--against", "extra.family")
    assert a.exit_code == 0, a.stderr
    assert a.stdout == b.stdout
    data = json.loads(a.stdout)
    assert set(data["assignment"]) == {"RD-1", "RD-2", "RD-3", "GR-1", "GR-2", "GR-3"}
    assert data["metrics"]["confusion_within_share"] == 0.9
    assert data["against"]["ari"] == 1.0
    d1, d2 = tmp_path / "d1", tmp_path / "d2"
    run_cli("propose", cat, "--errors", log, "--categories", "2", "--out", d1)
    run_cli("propose", cat, "--errors", log, "--categories", "2", "--out", d2)
    for f in d1.iterdir():  # the owner mark included: it lists the same files
        assert f.read_bytes() == (d2 / f.name).read_bytes()


def test_refuses_a_non_empty_output_without_force(small, tmp_path):
    cat, _ = small
    out = tmp_path / "taxonomy"
    out.mkdir()
    (out / "mine.yaml").write_text("keep me\n")
    r = run_cli("propose", cat, "--out", out)
    assert r.exit_code == 2
    assert r.stderr == (f"Error: {out}: the output folder is not empty. "
                        "Choose another folder, or pass --force to replace the files codekit wrote in it\n")
    assert (out / "mine.yaml").read_text() == "keep me\n"
    r = run_cli("propose", cat, "--out", out, "--force", "--categories", "3")
    assert r.exit_code == 0, r.stderr
    # --force replaces what codekit wrote and never deletes what it did not write
    assert (out / "mine.yaml").read_text() == "keep me\n"
    assert len([p for p in out.iterdir() if not p.name.startswith(".")]) == 4
    r = run_cli("propose", cat, "--out", out, "--force", "--categories", "2")
    assert r.exit_code == 0, r.stderr
    assert (out / "mine.yaml").read_text() == "keep me\n"
    assert len([p for p in out.iterdir() if not p.name.startswith(".")]) == 3  # the third draft file removed


def test_target_larger_than_the_catalogue(small, tmp_path):
    cat, _ = small
    out = tmp_path / "taxonomy"
    r = run_cli("propose", cat, "--categories", "100", "--out", out)
    assert r.exit_code == 2
    assert r.stderr == ("Error: the target of 100 categories is larger than the number of codes (6). "
                        "Ask for at most 6 categories\n")
    assert not out.exists()


def test_constraints_naming_unknown_codes(small, tmp_path):
    cat, _ = small
    cons = tmp_path / "constraints.yaml"
    cons.write_text("must_link:\n  - [RD-1, RD-2]\n  - [RD-1, XX-9]\n")
    out = tmp_path / "taxonomy"
    r = run_cli("propose", cat, "--constraints", cons, "--out", out)
    assert r.exit_code == 2
    assert r.stderr == (f"Error: {cons}, line 3: must_link names a code not in the catalogue: 'XX-9'. "
                        "Fix the code or remove the entry\n")
    assert not out.exists()


def test_must_link_contradicting_cannot_link(small, tmp_path):
    cat, _ = small
    cons = tmp_path / "constraints.yaml"
    cons.write_text("must_link:\n  - [RD-1, GR-1]\n  - [GR-1, GR-2]\ncannot_link:\n  - [RD-1, GR-2]\n")
    r = run_cli("propose", cat, "--constraints", cons)
    assert r.exit_code == 2
    assert r.stderr == (f"Error: {cons}, line 5: cannot_link [RD-1, GR-2] contradicts must_link: they are linked "
                        "through must_link entries. Remove one of the two entries\n")


def test_constraints_are_honoured(small, tmp_path):
    cat, log = small
    cons = tmp_path / "constraints.yaml"
    cons.write_text("must_link:\n  - [RD-3, GR-3]\ncannot_link:\n  - [RD-1, RD-2]\n")
    r = run_cli("propose", cat, "--errors", log, "--constraints", cons, "--categories", "3", "--json")
    assert r.exit_code == 0, r.stderr
    a = json.loads(r.stdout)["assignment"]
    assert a["RD-3"] == a["GR-3"] and a["RD-1"] != a["RD-2"]


def test_max_size(small):
    cat, log = small
    r = run_cli("propose", cat, "--errors", log, "--max-size", "2", "--categories", "2", "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["metrics"]["sizes"]["max"] <= 2
    assert data["warnings"]


def test_error_log_with_no_usable_events(small, tmp_path):
    cat, _ = small
    log = tmp_path / "spam.csv"
    log.write_text("timestamp,channel,kind,submitted_code,correct_code\n2025-01-01T00:00:00,web,spam,RD-1,\n")
    out = tmp_path / "taxonomy"
    r = run_cli("propose", cat, "--errors", log, "--out", out)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {log}: the error log has no usable events (1 rows, none with a known kind")
    assert r.stderr.count("\n") == 1
    assert not out.exists()
    r = run_cli("confusion", cat, "--errors", log)
    assert r.exit_code == 2 and "the error log has no usable events" in r.stderr


def test_bad_weight_and_bad_against(small):
    cat, _ = small
    r = run_cli("propose", cat, "--weight", "colour=2")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: cannot read weight 'colour=2' (expected NAME=NUMBER with NAME one of text,")
    r = run_cli("propose", cat, "--against", "flavour")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: cannot score against 'flavour'")


def test_community_strategy_from_the_cli(small):
    cat, log = small
    r = run_cli("propose", cat, "--errors", log, "--strategy", "community", "--categories", "2", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["params"]["strategy"] == "community"


TABLE_SETS = [
    ("Toronto taxonomy", "toronto-311-taxonomy-nshipyard/taxonomy.csv", "section"),
    ("DC 311", "dc311-open311-nodeopen311/dc-services.xml", "group"),
    ("Bloomington", "open311status-fixtures/bloomington_services.json", "group"),
    ("Helsinki (en)", "helsinki-open311/services_en.json", "group"),
    ("Helsinki (fi)", "helsinki-open311/services.json", "group"),
    ("Helsinki (sv)", "helsinki-open311/services_sv.json", "group"),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,rel,column", TABLE_SETS, ids=[t[0] for t in TABLE_SETS])
def test_against_reproduces_the_analyses_table(real_dir, name, rel, column):
    """`codekit propose FILE --categories K --against COLUMN` gives the numbers in analyses/real_scores.md."""
    from codekit.propose.semantic import find_model_dir

    table = (ROOT / "analyses" / "real_scores.md").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(table) if line.startswith(f"| {name} ("))
    assert "codekit agglomerative (default)" in table[at]
    k = int(table[at].split("|")[3])
    # the table's default row uses the sentence model; without it, the next row is what propose gives
    row = table[at] if find_model_dir() is not None else table[at + 1]
    assert find_model_dir() is not None or "without the sentence model" in row
    cells = [c.strip() for c in row.split("|")]
    ari, ami, v = (float(x) for x in cells[5:8])
    r = run_cli("propose", real_dir / rel, "--categories", str(k), "--against", column, "--seed", "0", "--json")
    assert r.exit_code == 0, r.stderr
    got = json.loads(r.stdout)["against"]
    assert (f"{got['ari']:.3f}", f"{got['ami']:.3f}", f"{got['v_measure']:.3f}") == (
        f"{ari:.3f}", f"{ami:.3f}", f"{v:.3f}")


def test_each_category_says_which_signals_make_it_alike(small):
    cat, log = small
    r = run_cli("propose", cat, "--errors", log, "--categories", "2", "--json", "-w", "semantic=0")
    assert r.exit_code == 0, r.stderr
    multi = [c for c in json.loads(r.stdout)["categories"] if c["size"] > 1]
    assert multi
    for c in multi:
        alike = c["rationale"]["alike_by"]
        assert alike and "confusion" not in alike and "semantic" not in alike
        assert all(-1.0 <= v <= 1.0 for v in alike.values())
