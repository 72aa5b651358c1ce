"""Groupings that hold on lists never seen (issue 12, parts 4 and 5): the default size cap, the semantic
signal arbitrating word overlap, and the leave-one-city-out selection of analyses/score_real.py."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from codekit.errors import UsageError
from codekit.model import Catalogue, ServiceCode
from codekit.propose.proposal import DEFAULT_MAX_SHARE, propose, share_cap
from codekit.propose.signals import Weights, build_signals
from codekit.propose.strategies import AgglomerativeStrategy

ROOT = Path(__file__).resolve().parents[1]


def _heap_list() -> Catalogue:
    """40 bin codes that all read alike (one heap under the default threshold) and 10 unrelated ones."""
    bins = [ServiceCode(f"b{i:02d}", f"Garbage bin {what} {size}")
            for i, (what, size) in enumerate((w, s) for w in ("repair", "exchange", "lid", "wheel", "missing")
                                             for s in ("small", "medium", "large", "extra large", "tiny",
                                                       "huge", "green", "blue"))]
    other = [ServiceCode(f"o{i}", n) for i, n in enumerate((
        "Pothole", "Streetlight out", "Noise complaint", "Dead animal", "Graffiti on a wall", "Tree down",
        "Water main break", "Parking ticket dispute", "Sidewalk snow", "Dog off leash"))]
    return Catalogue(bins + other, source="heap", format="test")


def test_share_cap_is_a_share_with_a_floor_of_one_question():
    assert share_cap(965, 0.1) == 97
    assert share_cap(100, 0.1) == 10
    assert share_cap(15, 0.1) == 7            # never below max_answers: one question's worth of answers
    assert share_cap(15, 0.1, max_answers=4) == 4
    assert share_cap(50, None) is None
    assert DEFAULT_MAX_SHARE == 0.2


def test_the_default_size_cap_splits_a_heap_along_the_signals():
    cat = _heap_list()
    uncapped = propose(cat, weights=Weights(semantic=0), max_share=None, linkage="average", threshold=0.95)
    assert max(len(c.members) for c in uncapped.categories) == 40   # the heap forms without a cap
    p = propose(cat, weights=Weights(semantic=0), linkage="average", threshold=0.95)
    limit = share_cap(len(cat), DEFAULT_MAX_SHARE)
    assert p.params["size_limit"] == limit == 10
    assert max(len(c.members) for c in p.categories) <= limit
    # split along the signals, not in chunks: no capped category mixes bins with the unrelated codes
    assert all(len({m[0] for m in c.members}) == 1 for c in p.categories)


@pytest.mark.parametrize("linkage", ["auto", "average", "ward"])
def test_the_size_cap_holds_with_every_linkage_and_a_target_count(linkage):
    cat = _heap_list()
    q = propose(cat, weights=Weights(semantic=0), linkage=linkage, n_categories=6, max_share=0.2)
    assert max(len(c.members) for c in q.categories) <= share_cap(len(cat), 0.2) == 10
    # 50 codes in categories of at most 10 need 5 or more: 6 is reachable
    assert len(q.categories) == 6
    r = propose(cat, weights=Weights(semantic=0), linkage=linkage, n_categories=4, max_share=0.2)
    assert max(len(c.members) for c in r.categories) <= 10
    assert any("not the 4 asked for" in w for w in r.warnings)


def test_max_size_and_max_share_together_the_smaller_wins():
    cat = _heap_list()
    p = propose(cat, weights=Weights(semantic=0), threshold=0.9, max_size=5, max_share=0.5)
    assert p.params["size_limit"] == 5
    assert max(len(c.members) for c in p.categories) <= 5


def test_a_bad_share_is_one_usage_error():
    with pytest.raises(UsageError, match="max_share must be a share above 0 and at most 1"):
        propose(_heap_list(), weights=Weights(semantic=0), max_share=1.5)


def _stand_list():
    """Two codes that share only the head word "stand", each with a semantic twin that shares no word."""
    names = ["Bicycle stand", "Bike rack broken", "Taxicab stand", "Taxi rank complaint"]
    cat = Catalogue([ServiceCode(str(i), n) for i, n in enumerate(names)], source="stand", format="test")
    # hand-made embeddings: bikes alike, taxis alike, bikes and taxis unlike (cosine 0)
    E = np.array([[1.0, 0.0], [0.95, 0.31], [0.0, 1.0], [0.31, 0.95]])
    return cat, E


def test_a_shared_head_word_alone_does_not_join_unrelated_codes():
    cat, E = _stand_list()
    off = build_signals(cat, embeddings=E, semantic_floor=None)
    on = build_signals(cat, embeddings=E, semantic_floor=0.3)
    assert on.gate_on and not off.gate_on
    s_off = off.block_similarity([0, 2])[0, 1]
    s_on = on.block_similarity([0, 2])[0, 1]
    assert s_off > 0 and s_on == 0.0          # "stand" counted without arbitration, not with it
    # twins that the model reads alike keep their similarity (no shared word to arbitrate)
    assert on.block_similarity([0, 1])[0, 1] == pytest.approx(off.block_similarity([0, 1])[0, 1])
    # and the same list row by row (the path the clustering uses) agrees with the block
    assert on.similarity_rows(0, 4)[0, 2] == pytest.approx(s_on)


def test_without_arbitration_the_head_word_joins_them_with_it_not():
    """Three codes in two categories: without arbitration "stand" pulls the bicycle stand to the taxicab
    stand, away from the bike rack the model reads as the same thing; with it, the bikes go together."""
    cat, E = _stand_list()
    cat = cat.replace_codes(list(cat.codes)[:3])
    together = {}
    for floor in (None, 0.3):
        sig = build_signals(cat, embeddings=E[:3], semantic_floor=floor, weights=Weights(semantic=0.2))
        labels = AgglomerativeStrategy(n_categories=2, linkage="average").fit(sig).labels_
        together[floor] = (bool(labels[0] == labels[2]), bool(labels[0] == labels[1]))
    assert together == {None: (True, False), 0.3: (False, True)}


def test_arbitration_needs_the_semantic_signal():
    cat, E = _stand_list()
    sig = build_signals(cat, embeddings=None, weights=Weights(semantic=0), semantic_floor=0.3)
    assert not sig.gate_on                    # no model: word overlap counts as before
    with pytest.raises(UsageError, match="semantic floor"):
        build_signals(cat, embeddings=E, semantic_floor=1.5)


# -- the leave-one-city-out protocol --------------------------------------------------------------

@pytest.fixture()
def score_real():
    sys.path.insert(0, str(ROOT / "analyses"))
    try:
        import score_real as mod
    finally:
        sys.path.pop(0)
    return mod


def _s(x):
    return {"ari": x, "ami": x}


def test_loo_selection_tunes_on_the_other_cities_only(score_real):
    lists = ["A", "B", "Helsinki (en)", "Helsinki (sv)"]
    scores = {
        "v1": {"A": _s(0.9), "B": _s(0.1), "Helsinki (en)": _s(0.5), "Helsinki (sv)": _s(0.5)},
        "v2": {"A": _s(0.2), "B": _s(0.6), "Helsinki (en)": _s(0.4), "Helsinki (sv)": _s(0.4)},
        "v3": {"A": _s(0.1), "B": _s(0.2), "Helsinki (en)": _s(0.9), "Helsinki (sv)": _s(0.0)},
    }
    sel, on_all = score_real.loo_select(scores, lists)
    # A left out: B + Helsinki (one city, its two lists averaged): v1 (0.1+0.5)/2=0.30, v2 0.50, v3 (0.2+0.45)/2
    assert sel["A"][0] == "v2" and sel["A"][1] == _s(0.2)
    # B left out: A + Helsinki: v1 0.70, v2 0.30, v3 0.275
    assert sel["B"][0] == "v1"
    # a Helsinki list left out: its other language is left out too (same city): A + B: v1 0.5, v2 0.4, v3 0.15
    assert sel["Helsinki (en)"][0] == sel["Helsinki (sv)"][0] == "v1"
    # every city counts once on all lists: v1 (0.9+0.1+0.5)/3=0.5, v2 0.4, v3 0.25
    assert on_all == "v1"


def test_loo_ties_go_to_the_first_variant_of_the_grid(score_real):
    scores = {"first": {"A": _s(0.5), "B": _s(0.5)}, "second": {"A": _s(0.5), "B": _s(0.5)}}
    sel, on_all = score_real.loo_select(scores, ["A", "B"])
    assert on_all == "first" and sel["A"][0] == "first"


def test_the_shipped_default_is_a_point_of_the_grid(score_real):
    assert score_real.config_name(score_real.default_config()) in {
        score_real.config_name(c) for c in score_real.CODEKIT_GRID}


# -- the options, on the command line and in the project file -------------------------------------

def _write_heap(tmp_path) -> Path:
    import csv

    path = tmp_path / "heap.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name"])
        for c in _heap_list().codes:
            w.writerow([c.code, c.name])
    return path


def test_max_share_on_the_command_line_and_in_the_project_file(tmp_path, monkeypatch):
    import json

    from tests.cli_helpers import run_cli

    path = _write_heap(tmp_path)
    r = run_cli("propose", path, "--weight", "semantic=0", "--max-share", "0.3", "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["params"]["max_share"] == 0.3 and data["params"]["size_limit"] == 15
    assert max(c["size"] for c in data["categories"]) <= 15
    r = run_cli("propose", path, "--weight", "semantic=0", "--max-share", "none", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["params"]["size_limit"] is None
    r = run_cli("propose", path, "--max-share", "lots")
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines()[-1].startswith("Error: --max-share must be a number or none")
    (tmp_path / "codekit.toml").write_text(f'[inputs]\ncatalogue = "{path.name}"\n[propose]\nmax_share = 0.5\n',
                                           encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = run_cli("propose", path, "--weight", "semantic=0", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["params"]["max_share"] == 0.5
    (tmp_path / "codekit.toml").write_text(f'[inputs]\ncatalogue = "{path.name}"\n[propose]\nmax_share = 2\n',
                                           encoding="utf-8")
    r = run_cli("propose", path, "--json")
    assert r.exit_code == 2
    assert "line 4: [propose] max_share must be a share above 0 and at most 1" in r.stderr
