"""The indexed router (taxonomy.routing.Router) matches exactly the routes matching_routes finds."""

from __future__ import annotations

import random

from codekit.taxonomy.model import Choice, PublicCategory, Question, Route
from codekit.taxonomy.routing import Router, answer_combinations, matching_routes


def _category(rng: random.Random) -> PublicCategory:
    qs = []
    for k in range(rng.randint(1, 3)):
        values = tuple(Choice(f"v{i}") for i in range(rng.randint(1, 5)))
        ask = ()
        if k and rng.random() < 0.5:  # a dependent question
            prev = qs[-1]
            ask = ((prev.key, tuple(v.key for v in prev.values[: rng.randint(1, len(prev.values))])),)
        qs.append(Question(key=f"q{k}", prompt=f"Q{k}?", values=values, ask_when=ask))
    routes = []
    for _ in range(rng.randint(0, 12)):
        when = []
        for q in qs:
            if rng.random() < 0.6:
                when.append((q.key, tuple(sorted(rng.sample(q.value_keys(), rng.randint(1, len(q.values)))))))
        routes.append(Route(when=tuple(when), code="X"))
    return PublicCategory(id="c", label="C", groups=("G",), questions=tuple(qs), routes=tuple(routes))


def test_router_agrees_with_the_scan_on_random_categories():
    rng = random.Random(311)
    for _ in range(300):
        cat = _category(rng)
        router = Router(cat)
        combos = answer_combinations(cat, [q for q in cat.questions])
        combos += [{}, {"q0": "nope"}, {"q0": ["v0"]}, {"q0": None, "q1": "v0"}]
        for a in combos:
            assert router.match(a) == matching_routes(cat, a), (cat, a)
            assert router.match_mask(a) == sum(1 << i for i in matching_routes(cat, a))


def test_a_category_without_routes_matches_nothing():
    cat = PublicCategory(id="c", label="C", groups=("G",), questions=(Question(key="q", values=(Choice("a"),)),))
    assert Router(cat).match({"q": "a"}) == []
