"""`codekit profile` on the sample city and on the real Toronto taxonomy."""

import json

import pytest

from tests.cli_helpers import run_cli


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "city"
    r = run_cli("sample", "--out", str(out), "--events", "20000")
    assert r.exit_code == 0, r.stderr
    return out


def test_profile_sample_json(small_sample):
    r = run_cli("profile", str(small_sample / "catalogue.yaml"), "--errors", str(small_sample / "errors.parquet"), "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    cat = data["catalogue"]
    assert cat["n_codes"] >= 650
    assert cat["n_divisions"] == 7
    assert data["error_log"]["n_events"] == 20000
    assert sum(data["error_log"]["by_kind"].values()) == 20000
    # per-division error counts add up to the events whose code the catalogue knows
    unknown = data["error_log"]["unknown_codes"]["n_events"]
    assert sum(d["n_errors"] for d in data["divisions"]) == 20000 - unknown
    assert sum(d["n_codes"] for d in data["divisions"]) == cat["n_codes"]
    assert sum(s["n_codes"] for s in data["sections"]) == cat["n_codes"]
    pairs = data["confused_pairs"]
    assert pairs and pairs == sorted(pairs, key=lambda p: (-p["n"], p["code_a"], p["code_b"]))
    assert any(p["cross_division"] for p in data["confused_pairs"]) or len(pairs) < 15


def test_profile_sample_table(small_sample):
    r = run_cli("profile", str(small_sample / "catalogue.yaml"), "--errors", str(small_sample / "errors.parquet"))
    assert r.exit_code == 0, r.stderr
    assert "Per division" in r.stdout and "Most confused pairs" in r.stdout
    assert "Transportation Services" in r.stdout


def test_profile_is_deterministic(small_sample):
    args = ("profile", str(small_sample / "catalogue.yaml"), "--errors", str(small_sample / "errors.parquet"), "--json")
    assert run_cli(*args).stdout == run_cli(*args).stdout


def test_profile_real_toronto_taxonomy(real_dir):
    r = run_cli("profile", str(real_dir / "toronto-311-taxonomy-nshipyard" / "taxonomy.csv"), "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["catalogue"]["n_codes"] == 965
    assert data["catalogue"]["n_divisions"] == 9
    assert data["catalogue"]["total_volume"] == 2_225_151
    vols = {d["division"]: d["volume"] for d in data["divisions"]}
    assert vols["Solid Waste Management Services"] == 711_653
    assert vols["Transportation Services"] == 574_495
    names = {(p["name_a"], p["name_b"]) for p in data["near_duplicates"]} | {
        (p["name_b"], p["name_a"]) for p in data["near_duplicates"]
    }
    assert ("Residential: Bin: Repair or Replace Lid", "Residential Bin Lid Damaged") in names
