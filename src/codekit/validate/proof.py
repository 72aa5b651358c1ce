"""The proof by exhaustion: every code's field values survive the new intake flow.

For every reachable code and every combination of its pick-list values (one value per pick-list
field the routes fill; a seeded sample of ``sample_limit`` combinations when there are more), find
the answers a resident gives in the new flow to express exactly those values (inverting the value
maps, honouring the route's conditions and the questions' dependencies), route those answers
through the real router, and check that they reach that same code and reproduce the same values.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from codekit.model import Catalogue, OperationalField, ServiceCode
from codekit.taxonomy.model import PublicCategory, Route, Taxonomy, answers_key
from codekit.taxonomy.routing import FREE, Router, fill_fields, is_asked

#: Most answer assignments tried per (combination, route) before giving up on that route.
MAX_LEAVES = 64


@dataclass
class ProofResult:
    code: str
    combinations: int = 0  # how many the code has
    checked: int = 0  # how many were checked
    sampled: bool = False
    excluded: int = 0  # combinations holding a value deliberately excluded (with a reason)
    failures: list[str] = field(default_factory=list)  # text of the first failing combinations
    n_failed: int = 0
    where: tuple[PublicCategory, Route] | None = None


def _scope(sc: ServiceCode, routes: list[tuple[PublicCategory, int, Route]]) -> list[OperationalField]:
    """The pick-list fields the proof covers: those some route fills (required ones always)."""
    filled = {k for _, _, r in routes for k, _ in r.fields}
    return [f for f in sc.fields if f.variable and f.is_list and f.values and (f.required or f.key in filled)]


def _combination(index: int, radices: list[int]) -> list[int]:
    out = []
    for r in reversed(radices):
        out.append(index % r)
        index //= r
    return list(reversed(out))


def _reproduces(value: Any, of: OperationalField, target: str) -> bool:
    if value is None:
        return False
    if of.datatype == "multivaluelist":
        vals = list(value) if isinstance(value, (list, tuple)) else [value]
        return target in [str(v) for v in vals]
    return str(value) == target


def _try_route(router: Router, ri: int, route: Route, fields: list[OperationalField],
               combo: dict[str, str], free_required: list[str]) -> bool:
    """Can a resident's answers reach ``route`` and reproduce ``combo``?"""
    cat = router.cat
    cons: dict[str, set[str]] = {q: set(v) for q, v in route.when}
    need: set[str] = set(cons)
    fills = route.fields_dict()
    for of in fields:
        fill = fills.get(of.key)
        target = combo[of.key]
        if fill is None:
            return False
        if not fill.source:
            v = fill.fixed_value()
            vals = [str(x) for x in (v if isinstance(v, (list, tuple)) else [v])]
            if (target not in vals) if of.datatype == "multivaluelist" else (vals != [target]):
                return False
            continue
        q = router.question(fill.source)
        if q is None or not q.is_list:
            return False
        m = fill.map_dict()
        cands = {a for a in q.value_keys() if (m.get(a) if m else a) == target}
        cons[q.key] = cons.get(q.key, set(q.value_keys())) & cands
        need.add(q.key)
        if not cons[q.key]:
            return False
    for key in free_required:
        fill = fills.get(key)
        if fill is not None and fill.source:
            need.add(fill.source)
    relevant = {q.key for q in router.routing_questions} | need
    questions = [q for q in cat.questions if q.key in relevant]
    leaves = 0

    def dfs(i: int, answers: dict[str, Any]) -> bool:
        nonlocal leaves
        if i == len(questions):
            leaves += 1
            if router.match_mask(answers) != 1 << ri:
                return False
            got = fill_fields(cat, route, answers)
            if not all(_reproduces(got.get(of.key), of, combo[of.key]) for of in fields):
                return False
            return all(got.get(k) == FREE for k in free_required if fills.get(k) and fills[k].source)
        if leaves >= MAX_LEAVES:
            return False
        q = questions[i]
        if not is_asked(q, answers):
            if q.key in need:
                return False
            return dfs(i + 1, {**answers, q.key: None})
        if not q.is_list:
            return dfs(i + 1, {**answers, q.key: FREE})
        allowed = cons.get(q.key)
        for v in q.value_keys():
            if allowed is not None and v not in allowed:
                continue
            ans = [v] if q.datatype == "multivaluelist" else v
            if dfs(i + 1, {**answers, q.key: ans}):
                return True
        return False

    return dfs(0, {})


def prove_code(sc: ServiceCode, routes: list[tuple[PublicCategory, int, Route]], *, sample_limit: int,
               seed: int, routers: dict[str, Router] | None = None) -> ProofResult:
    routers = {} if routers is None else routers
    fields = _scope(sc, routes)
    radices = [len(f.values) for f in fields]
    total = math.prod(radices) if radices else 1
    res = ProofResult(sc.code, combinations=total, where=(routes[0][0], routes[0][2]))
    if total > sample_limit:
        rng = random.Random(f"{seed}:{sc.code}")
        indices = sorted(rng.sample(range(total), sample_limit))
        res.sampled = True
    else:
        indices = list(range(total))
    free_required = [f.key for f in sc.fields if f.variable and f.required and not f.is_list]
    excluded = {(k, v) for _, _, r in routes for k, f in r.fields for v in f.excluded_dict()}
    for idx in indices:
        picks = _combination(idx, radices)
        combo = {f.key: f.values[p].key for f, p in zip(fields, picks)}
        if any((k, v) in excluded for k, v in combo.items()):
            res.excluded += 1  # a value the taxonomy deliberately does not produce, with a written reason
            continue
        ok = any(_try_route(routers.get(cat.id) or routers.setdefault(cat.id, Router(cat)), ri, r, fields, combo,
                            free_required) for cat, ri, r in routes)
        res.checked += 1
        if not ok:
            res.n_failed += 1
            if len(res.failures) < 3:
                res.failures.append(answers_key(combo, [f.key for f in fields]) or "(no pick-list fields)")
    return res


def prove(taxonomy: Taxonomy, catalogue: Catalogue, matched: dict[tuple[str, int], list], *,
          sample_limit: int = 500, seed: int = 311, routers: dict[str, Router] | None = None) -> list[ProofResult]:
    """Run the proof for every active code some reachable route names (``routers``: the categories' indexed
    routes, by category id, when the caller has them)."""
    routers = {} if routers is None else routers
    by_code: dict[str, list[tuple[PublicCategory, int, Route]]] = {}
    for cat in taxonomy:
        for ri, r in enumerate(cat.routes):
            if r.code and matched.get((cat.id, ri)):
                by_code.setdefault(r.code, []).append((cat, ri, r))
    out = []
    for code in sorted(by_code):
        sc = catalogue.get(code)
        if sc is None or not sc.active:
            continue
        out.append(prove_code(sc, by_code[code], sample_limit=sample_limit, seed=seed, routers=routers))
    return out
