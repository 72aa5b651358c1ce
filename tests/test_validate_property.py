"""Property test: validate's verdict agrees with an independent brute-force routing of every answer
combination, over generated small catalogues and taxonomies (valid and broken ones)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codekit.model import AllowedValue, Catalogue, OperationalField, ServiceCode
from codekit.taxonomy.model import Choice, FieldFill, PublicCategory, Question, Referral, Route, Taxonomy
from codekit.validate import validate

VALS = ["a", "b", "c"]


@st.composite
def random_worlds(draw):
    # -- catalogue: 1-3 active codes (and maybe a retired one), each with 0-2 single-choice fields
    codes = []
    n_codes = draw(st.integers(1, 3))
    for i in range(n_codes):
        fields = []
        for j in range(draw(st.integers(0, 2))):
            n = draw(st.integers(1, 3))
            fields.append(OperationalField(key=f"f{j}", datatype="singlevaluelist", required=draw(st.booleans()),
                                           values=tuple(AllowedValue(v.upper()) for v in VALS[:n])))
        codes.append(ServiceCode(f"C{i}", f"Code {i}", division=f"D{i % 2}", fields=tuple(fields)))
    if draw(st.booleans()):
        codes.append(ServiceCode("OLD", "Old code", division="D0", status="retired"))
    cat = Catalogue(codes)
    # -- questions: r0 (routing), maybe r1 depending on r0, and 0-2 field questions
    qs = [Question(key="r0", prompt="r0?", values=tuple(Choice(v) for v in VALS[: draw(st.integers(2, 3))]))]
    if draw(st.booleans()):
        gate = tuple(draw(st.lists(st.sampled_from(qs[0].value_keys()), min_size=1, unique=True)))
        dep = draw(st.booleans())
        qs.append(Question(key="r1", prompt="r1?", values=(Choice("x"), Choice("y")),
                           ask_when=(("r0", gate),) if dep else ()))
    for k in range(draw(st.integers(0, 2))):
        qs.append(Question(key=f"q{k}", prompt="q?", values=tuple(Choice(v) for v in VALS[: draw(st.integers(2, 3))])))
    routing = [q for q in qs if q.key in ("r0", "r1")]
    sources = [q for q in qs if not q.ask_when]
    # -- routes: 1-4, each a random condition and a random target, fields filled at random
    routes = []
    targets = [c.code for c in codes] + ["referral"]
    for _ in range(draw(st.integers(1, 4))):
        when = []
        for q in routing:
            if draw(st.booleans()):
                when.append((q.key, tuple(sorted(draw(st.lists(st.sampled_from(q.value_keys()), min_size=1,
                                                                unique=True))))))
        target = draw(st.sampled_from(targets))
        if target == "referral":
            routes.append(Route(when=tuple(when), referral=Referral(message="elsewhere", to="Someone")))
            continue
        sc = cat[target]
        fills, dropped = [], []
        for f in sc.fields:
            how = draw(st.sampled_from(["from", "from", "constant", "none"]))
            if how == "from":
                q = draw(st.sampled_from(sources))
                keys = list(q.value_keys())
                if draw(st.booleans()):  # a value map (maybe partial, maybe with an impossible key)
                    mkeys = draw(st.lists(st.sampled_from(keys + ["zz"]), min_size=1, unique=True))
                    m = tuple((k, draw(st.sampled_from(f.value_keys() + ("ZZ",)))) for k in mkeys)
                    fills.append((f.key, FieldFill(source=q.key, map=m)))
                else:
                    fills.append((f.key, FieldFill(source=q.key)))
            elif how == "constant":
                fills.append((f.key, FieldFill(constant=draw(st.sampled_from(f.value_keys() + ("ZZ",))))))
            elif not f.required and draw(st.booleans()):
                dropped.append((f.key, "not needed"))
        routes.append(Route(when=tuple(when), code=target, fields=tuple(fills), dropped=tuple(dropped)))
    category = PublicCategory(id="c", label="C", groups=("G",), questions=tuple(qs), routes=tuple(routes))
    return cat, Taxonomy([category])


@st.composite
def valid_worlds(draw):
    """A world valid by construction (one route per answer leaf, bijective value maps), then maybe broken
    by one random edit, so both verdicts are common."""
    from dataclasses import replace

    codes = []
    for i in range(draw(st.integers(1, 3))):
        fields = []
        for j in range(draw(st.integers(0, 2))):
            n = draw(st.integers(1, 3))
            fields.append(OperationalField(key=f"f{j}", datatype="singlevaluelist", required=draw(st.booleans()),
                                           values=tuple(AllowedValue(v.upper()) for v in VALS[:n])))
        codes.append(ServiceCode(f"C{i}", f"Code {i}", division="D", fields=tuple(fields)))
    cat = Catalogue(codes)
    r0 = Question(key="r0", prompt="r0?", values=tuple(Choice(v) for v in VALS[: draw(st.integers(2, 3))]))
    qs = [r0]
    gate = None
    if draw(st.booleans()):
        gate = draw(st.sampled_from(r0.value_keys()))
        qs.append(Question(key="r1", prompt="r1?", values=(Choice("x"), Choice("y")), ask_when=(("r0", (gate,)),)))
    leaves = []
    for v in r0.value_keys():
        if v == gate:
            leaves += [(("r0", (v,)), ("r1", (w,))) for w in ("x", "y")]
        else:
            leaves.append((("r0", (v,)),))
    # field questions: one per (code, field), answers = the field's values under other keys
    targets = [c.code for c in codes]
    targets += [draw(st.sampled_from([c.code for c in codes] + ["referral"])) for _ in range(len(leaves))]
    targets = targets[: len(leaves)]
    if len(leaves) < len(codes):
        cat = Catalogue(codes[: len(leaves)])
    targets = draw(st.permutations(targets))
    routes = []
    for leaf, target in zip(leaves, targets):
        if target == "referral":
            routes.append(Route(when=leaf, referral=Referral(message="elsewhere", to="Someone")))
            continue
        fills, dropped = [], []
        for f in cat[target].fields:
            if not f.required and draw(st.booleans()):
                dropped.append((f.key, "not needed"))
                continue
            qk = f"q_{target}_{f.key}"
            if qk not in {q.key for q in qs}:
                qs.append(Question(key=qk, prompt="q?", values=tuple(Choice(k.lower()) for k in f.value_keys())))
            fills.append((f.key, FieldFill(source=qk, map=tuple((k.lower(), k) for k in f.value_keys()))))
        routes.append(Route(when=leaf, code=target, fields=tuple(fills), dropped=tuple(dropped)))
    edit = draw(st.sampled_from(["none", "none", "delete-route", "widen", "map", "drop-fill", "retarget"]))
    if edit == "delete-route" and len(routes) > 1:
        routes.pop(draw(st.integers(0, len(routes) - 1)))
    elif edit == "widen":
        i = draw(st.integers(0, len(routes) - 1))
        routes[i] = replace(routes[i], when=(("r0", r0.value_keys()),))
    elif edit in ("map", "drop-fill"):
        with_fields = [i for i, r in enumerate(routes) if r.fields]
        if with_fields:
            i = draw(st.sampled_from(with_fields))
            r = routes[i]
            k, fill = r.fields[0]
            if edit == "map":
                m = list(fill.map)
                m[0] = (m[0][0], m[-1][1])  # two answers now give one value (or nothing changes with one value)
                routes[i] = replace(r, fields=((k, replace(fill, map=tuple(m))),) + r.fields[1:])
            else:
                routes[i] = replace(r, fields=r.fields[1:])
    elif edit == "retarget":
        i = draw(st.integers(0, len(routes) - 1))
        routes[i] = replace(routes[i], code=draw(st.sampled_from([c.code for c in cat])), referral=None,
                            fields=(), dropped=())
    category = PublicCategory(id="c", label="C", groups=("G",), questions=tuple(qs), routes=tuple(routes))
    return cat, Taxonomy([category])


worlds = lambda: st.one_of(random_worlds(), valid_worlds())  # noqa: E731


def brute_force_ok(cat: Catalogue, tax: Taxonomy) -> bool:
    """The promise, checked by enumerating every full answer combination (no shared code with validate)."""
    (c,) = tax.categories
    qs = list(c.questions)
    combos = [{}]
    for q in qs:
        nxt = []
        for a in combos:
            asked = all(a.get(k) in v for k, v in q.ask_when)
            if asked:
                nxt += [{**a, q.key: v.key} for v in q.values]
            else:
                nxt.append({**a, q.key: None})
        combos = nxt

    def value(fill: FieldFill, a: dict):
        if fill.source:
            ans = a.get(fill.source)
            if ans is None:
                return None
            return dict(fill.map).get(ans) if fill.map else ans
        return fill.constant

    reached_routes, reached_codes = set(), set()
    produced: dict[str, set] = {}
    for a in combos:
        hits = [i for i, r in enumerate(c.routes) if all(a.get(k) in v for k, v in r.when)]
        if len(hits) != 1:
            return False
        r = c.routes[hits[0]]
        reached_routes.add(hits[0])
        if r.referral is not None:
            continue
        sc = cat[r.code]
        if not sc.active:
            return False
        reached_codes.add(sc.code)
        fills = dict(r.fields)
        vals = {}
        for f in sc.fields:
            fill = fills.get(f.key)
            v = value(fill, a) if fill else None
            if f.required and v is None:
                return False
            if v is not None and v not in f.value_keys():
                return False
            vals[f.key] = v
        produced.setdefault(sc.code, set()).add(tuple(sorted(vals.items())))
    if len(reached_routes) != len(c.routes):
        return False
    if {x.code for x in cat if x.active} - reached_codes:
        return False
    for r in c.routes:  # static promises: optional fields kept or dropped with a reason; maps name real answers
        if r.referral is not None:
            continue
        for f in cat[r.code].fields:
            if not f.required and f.key not in dict(r.fields) and f.key not in dict(r.dropped):
                return False
        for _, fill in r.fields:
            if fill.map and any(k not in c.question(fill.source).value_keys() for k, _ in fill.map):
                return False
    for code, seen in produced.items():  # every combination of the pick-lists the routes fill is produced
        sc = cat[code]
        filled = {k for r in c.routes if r.code == code for k, _ in r.fields}
        scope = [f for f in sc.fields if f.required or f.key in filled]
        have = {tuple(dict(t)[f.key] for f in scope) for t in seen}
        for combo in itertools.product(*[f.value_keys() for f in scope]):
            if combo not in have:
                return False
    return True


@pytest.mark.slow
@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(worlds())
def test_validate_agrees_with_brute_force(world):
    cat, tax = world
    report = validate(tax, cat)
    assert report.ok == brute_force_ok(cat, tax), [f.to_dict() for f in report.findings]
