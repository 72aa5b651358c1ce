"""The search index every release ships (search.json) and the preview's ranked, stemmed, typo-tolerant search."""

from __future__ import annotations

import json
from pathlib import Path

from codekit.release.search import rank, search_index, stem, terms

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "bundled-v1.0.0" / "catalogue.json"


def _index():
    doc = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return search_index(doc), {c["id"]: c["label"] for c in doc["categories"]}


def test_terms_stem_join_and_drop_function_words():
    assert stem("potholes") == "pothole" and stem("bodies") == "body" and stem("boxes") == "box"
    assert stem("grass") == "grass" and stem("bus") == "bus"
    assert terms("a big hole in the road") == ["big", "hole", "road", "bighole", "holeroad"]
    assert "pothole" in terms("Pot holes") and "deneigement" in terms("Déneigement")


def test_the_four_phrasings_find_the_pothole_category_of_the_sample_city():
    index, labels = _index()
    for q in ("pothole", "potholes", "pot hole", "big hole in the road"):
        top = [cid for cid, _ in rank(index, q, labels)[:3]]
        assert "pothole" in top, (q, top)
    assert rank(index, "pothole", labels)[0][0] == "pothole"


def test_typos_and_prefixes_still_match_and_nonsense_matches_nothing():
    index, labels = _index()
    assert rank(index, "grafiti", labels)[0][0] == "graffiti"  # one letter away
    assert rank(index, "xqzvw", labels) == []


def test_the_release_ships_the_index(tmp_path):
    from tests.cli_helpers import run_cli

    r = run_cli("release", ROOT / "taxonomy", "--sample", "--out", tmp_path / "dist", "--built-at", "2026-12-01T00:00:00Z")
    assert r.exit_code == 0, r.stderr
    rel = tmp_path / "dist" / "1.0.0"
    shipped = json.loads((rel / "search.json").read_text(encoding="utf-8"))
    doc = json.loads((rel / "catalogue.json").read_text(encoding="utf-8"))
    assert shipped == search_index(doc) and shipped["n"] == len(doc["categories"])
    assert "search.json" in json.loads((rel / "manifest.json").read_text(encoding="utf-8"))["files"]
