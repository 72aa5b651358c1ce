"""The bundled taxonomy/ for the sample city: it passes validation, and it is what the generator writes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = ROOT / "taxonomy"

pytest.importorskip("codekit.sample", reason="the sample city (codekit.sample) is not available")


def _generator():
    spec = importlib.util.spec_from_file_location("build_sample_taxonomy", ROOT / "analyses" / "build_sample_taxonomy.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_bundled_taxonomy_passes_validation():
    res = run_cli("validate", str(TAXONOMY), "--json")
    report = json.loads(res.stdout)
    assert res.exit_code == 0, report["findings"][:5]
    s = report["stats"]
    assert report["ok"] and report["findings"] == []
    # consolidation: at most one public category per eight active codes, every active code reached or merged
    assert s["categories"] * 8 <= s["active_codes"]
    assert s["reached_codes"] + s["merged_codes"] == s["active_codes"]
    assert s["referrals"] >= 4
    assert s["proof"]["combinations_checked"] > 0 and s["proof"]["failed"] == 0
    assert len(report["retired"]) > 0


def test_bundled_taxonomy_is_what_the_generator_writes(tmp_path):
    gen = _generator()
    assert gen.main(["--out", str(tmp_path / "t")]) == 0
    written = sorted(p.name for p in (tmp_path / "t").glob("*.yaml"))
    assert written == sorted(p.name for p in TAXONOMY.glob("*.yaml"))
    for name in written:
        assert (tmp_path / "t" / name).read_bytes() == (TAXONOMY / name).read_bytes(), (
            f"taxonomy/{name} differs from the generator's output: rerun analyses/build_sample_taxonomy.py"
        )


def test_referrals_for_what_the_city_does_not_handle():
    from codekit.taxonomy import load_taxonomy

    g = load_taxonomy(TAXONOMY).get("graffiti")
    refs = {r.referral.to: r for r in g.routes if r.referral is not None}
    assert {"Police", "Canada Post", "The phone or cable company", "The utility that owns the pole"} <= set(refs)
    # hate graffiti: the police first, and still recorded under the asset's code so it is removed afterwards
    police = [r for r in g.routes if r.referral is not None and r.referral.to == "Police"]
    assert all(dict(r.when)["graffiti_offensive"] == ("yes",) for r in police)
    assert any(r.code for r in police)
