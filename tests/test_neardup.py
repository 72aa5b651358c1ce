"""Near-duplicate and renamed codes as merge candidates."""

from __future__ import annotations

from codekit.analyse.neardup import near_duplicate_pairs
from codekit.model import Catalogue, ServiceCode


def cat(*names: str) -> Catalogue:
    return Catalogue([ServiceCode(f"C{i:02d}", n, division="D") for i, n in enumerate(names)])


def pairs_of(result):
    return {(r["name_a"], r["name_b"]) for r in result}


def test_spelling_and_spacing_variants():
    c = cat("Pothole on Expressway", "Pot hole on Expressway", "Graffiti on a bridge", "Noise complaint",
            "Expressway requires cleaning.", "Expressway Requires Cleaning")
    res = near_duplicate_pairs(c)
    assert pairs_of(res) == {("Pothole on Expressway", "Pot hole on Expressway"),
                             ("Expressway requires cleaning.", "Expressway Requires Cleaning")}
    assert all(r["score"] == 1.0 and r["code_a"] < r["code_b"] for r in res)
    assert set(res[0]) >= {"code_a", "name_a", "code_b", "name_b", "score", "reason"}


def test_different_objects_are_not_duplicates():
    c = cat("Garbage / Park / Bin Installation", "Recycle / Park / Bin Installation", "Coyote Response - Animal Attack",
            "Coyote Response - Human Attack", "Residential Christmas Tree Not Picked Up",
            "Non-Residential Christmas Tree Not Picked Up")
    assert near_duplicate_pairs(c) == []


def test_top_and_threshold():
    c = cat("Road - Pot hole", "Road Pothole", "Road Pot-hole", "Tree down", "Tree Down")
    assert len(near_duplicate_pairs(c, top=1)) == 1
    assert len(near_duplicate_pairs(c, threshold=0.0, top=0)) >= 4
    assert near_duplicate_pairs(cat("Only one")) == []


def test_real_toronto_pairs(real_dir):
    from codekit.io.catalogue import load_catalogue

    toronto = load_catalogue(real_dir / "toronto-311-taxonomy-nshipyard" / "taxonomy.csv")
    res = near_duplicate_pairs(toronto, top=0)
    found = {frozenset((r["name_a"], r["name_b"])): r for r in res}
    pothole = found[frozenset(("Road - Pot hole", "Road Pothole / Road Damage"))]
    lid = found[frozenset(("Residential: Bin: Repair or Replace Lid", "Residential Bin Lid Damaged"))]
    assert pothole["score"] >= 0.9 and lid["score"] >= 0.9
    assert "pothole" in pothole["reason"]
    # the lead's profile asks for threshold 0.75: both are there too, and the list stays a short-list
    short = near_duplicate_pairs(toronto, threshold=0.75, top=50)
    assert len(short) == 50
