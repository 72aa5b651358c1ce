"""Conformance of every clustering strategy to the scikit-learn contract, and the constraints."""

from __future__ import annotations

import numpy as np
import pytest

from codekit.propose.strategies import STRATEGIES, AgglomerativeStrategy, CommunityStrategy, make_strategy


def blocks(sizes=(4, 3, 3), within=0.8, between=0.05):
    """A similarity matrix with known blocks."""
    n = sum(sizes)
    S = np.full((n, n), between)
    start = 0
    truth = []
    for k, s in enumerate(sizes):
        S[start:start + s, start:start + s] = within
        truth += [k] * s
        start += s
    np.fill_diagonal(S, 1.0)
    return S, truth


def same_partition(a, b) -> bool:
    from sklearn.metrics import adjusted_rand_score

    return adjusted_rand_score(a, b) == 1.0


@pytest.fixture(params=STRATEGIES)
def strategy(request):
    return request.param


def test_init_stores_params_only(strategy):
    est = make_strategy(strategy, n_categories=3, random_state=7)
    params = est.get_params()
    assert params["n_categories"] == 3 and params["random_state"] == 7
    assert not [k for k in vars(est) if k.endswith("_")]
    assert set(vars(est)) == set(params)


def test_fit_returns_self_and_learns(strategy):
    S, truth = blocks()
    est = make_strategy(strategy, n_categories=3, random_state=0)
    assert est.fit(S) is est
    assert same_partition(est.labels_, truth)
    assert est.n_categories_ == 3


def test_same_seed_same_result(strategy):
    rng = np.random.default_rng(0)
    X = rng.random((30, 5))
    S = np.clip(X @ X.T / 5, 0, 1)
    np.fill_diagonal(S, 1)
    a = make_strategy(strategy, n_categories=5, random_state=3).fit(S).labels_
    b = make_strategy(strategy, n_categories=5, random_state=3).fit(S).labels_
    assert a.tolist() == b.tolist()


def test_clone(strategy):
    from sklearn.base import clone

    est = make_strategy(strategy, n_categories=2, max_size=5, random_state=1)
    c = clone(est)
    assert c.get_params() == est.get_params() and c is not est


def test_must_link_honoured(strategy):
    S, _ = blocks()
    est = make_strategy(strategy, n_categories=3, must_link=[[0, 9]], random_state=0).fit(S)
    assert est.labels_[0] == est.labels_[9]


def test_cannot_link_honoured(strategy):
    S, _ = blocks()
    est = make_strategy(strategy, n_categories=3, cannot_link=[(0, 1)], random_state=0).fit(S)
    assert est.labels_[0] != est.labels_[1]


def test_max_size_honoured(strategy):
    S, _ = blocks((6, 4))
    est = make_strategy(strategy, n_categories=2, max_size=3, random_state=0).fit(S)
    assert np.bincount(est.labels_).max() <= 3
    assert est.warnings_  # it could not stop at 2


def test_threshold_stops_merging():
    S, truth = blocks(within=0.8, between=0.05)
    est = AgglomerativeStrategy(distance_threshold=0.5).fit(S)
    assert same_partition(est.labels_, truth)
    est = AgglomerativeStrategy(distance_threshold=0.1).fit(S)
    assert est.n_categories_ == len(truth)  # nothing is that close


def test_ward_linkage_finds_blocks():
    S, truth = blocks()
    est = AgglomerativeStrategy(n_categories=3, linkage="ward").fit(S)
    assert same_partition(est.labels_, truth)


def test_sparse_neighbours_match_exact_on_clear_blocks():
    S, truth = blocks((5, 5, 5))
    exact = AgglomerativeStrategy(n_categories=3, n_neighbors=None).fit(S).labels_
    knn = AgglomerativeStrategy(n_categories=3, n_neighbors=4).fit(S).labels_
    assert same_partition(exact, truth) and same_partition(knn, truth)


def test_community_resolution_search_hits_target():
    S, truth = blocks((5, 5, 5, 5))
    est = CommunityStrategy(n_categories=4, random_state=0).fit(S)
    assert est.n_categories_ == 4 and same_partition(est.labels_, truth)


def test_unknown_strategy():
    from codekit.errors import UsageError

    with pytest.raises(UsageError, match="unknown strategy 'kmeans'"):
        make_strategy("kmeans")


def test_auto_linkage_keeps_average_on_clear_blocks():
    S, truth = blocks((3, 3, 2, 2))
    est = AgglomerativeStrategy(n_categories=4).fit(S)
    assert est.linkage_ == "average" and est.largest_share_ == pytest.approx(0.3)
    assert same_partition(est.labels_, truth)
    assert AgglomerativeStrategy(n_categories=4, linkage="ward").fit(S).largest_share_ is None


def test_auto_linkage_falls_back_to_ward_when_average_makes_a_heap():
    """Two tight halves of 4 codes, a little alike, and 2 codes like nothing else: average linkage joins
    the halves into one category of 8 (80% of the codes) beside two singletons; auto takes Ward's
    partition instead: the two halves, and the two odd codes together."""
    import numpy as np

    n = 10
    S = np.full((n, n), 0.05)
    S[:8, :8] = 0.1
    S[:4, :4] = S[4:8, 4:8] = 0.6
    np.fill_diagonal(S, 1.0)
    avg = AgglomerativeStrategy(n_categories=3, linkage="average").fit(S)
    assert sorted(np.bincount(avg.labels_)) == [1, 1, 8]  # the heap
    est = AgglomerativeStrategy(n_categories=3).fit(S)
    assert est.linkage_ == "ward" and est.largest_share_ == pytest.approx(0.8)
    assert same_partition(est.labels_, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2])


def test_unknown_linkage():
    from codekit.errors import UsageError

    with pytest.raises(UsageError, match="unknown linkage 'single'"):
        AgglomerativeStrategy(linkage="single").fit(blocks()[0])
