"""Intake-simplification metrics: how many steps a resident takes to submit, before and after.

**Before** (today's flat catalogue, grouped by division then section): a resident picks a division
(when there is more than one), a section (when the division has more than one), then the code (when
the section has more than one), and answers every operational field of the code (its questions).

**After** (the taxonomy): a resident picks a group (when there is more than one), a category (when the
group has more than one), answers the routing questions actually asked on the route to the code
(dependent questions only when their ``ask_when`` holds), then the category's other questions that
fill an operational field of the routed code (the remaining field questions). A question the category
asks that fills nothing for the routed code is not counted in ``steps`` (a front-end asks it only where
it is used); it is reported as ``unused_questions``, a hint for taxonomy editors. An operational field of
the routed code that the route neither fills nor drops (a draft from ``codekit propose`` fills none) is
still to be asked: it counts as one question (``unfilled_fields``), so a draft is not flattered.

``steps = choices + questions``. Per code, the *after* figure is the shortest route to it (a code that
several answer combinations reach counts its easiest one). Averages are given plain and weighted by
each code's volume (weight 1 when a catalogue has no volumes). Only active codes count.

**Question bank**: operational fields that ask the same thing under different keys or wordings
(``prop_type`` "Property type" / ``property_type`` "What type of property?"), found by similar
wording (TF-IDF over character n-grams of key and prompt), by the same allowed values (pick-lists with
the same answers), or by a shared concept from a small lexicon (hazard / danger, suite / unit ...).
Each group is proposed as one shared question, with its variants and the codes that ask them.

Library functions only: they return plain dicts and lists, never print.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from codekit.model import Catalogue, OperationalField, ServiceCode

NO_DIVISION = "(no division)"
NO_SECTION = "(no section)"

# --------------------------------------------------------------------------------------------------
# Intake steps
# --------------------------------------------------------------------------------------------------


def _questions(sc: ServiceCode) -> int:
    return sum(1 for f in sc.fields if f.variable)


def steps_before(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """Per active code: menu ``choices`` (division, section, code levels), options scanned, ``questions``."""
    active = catalogue.active()
    by_div: dict[str, Counter] = defaultdict(Counter)
    for c in active:
        by_div[c.division or NO_DIVISION][c.section or NO_SECTION] += 1
    n_div = len(by_div)
    out: dict[str, dict[str, Any]] = {}
    for c in active:
        d, s = c.division or NO_DIVISION, c.section or NO_SECTION
        n_sec = len(by_div[d])
        n_codes = by_div[d][s]
        levels = [n for n in (n_div, n_sec, n_codes) if n > 1]
        q = _questions(c)
        out[c.code] = {
            "choices": len(levels),
            "options_scanned": sum(levels),
            "questions": q,
            "steps": len(levels) + q,
        }
    return out


def _category_choices(taxonomy) -> dict[str, tuple[int, int]]:
    """Per category id: (menu choices, options scanned) to pick it, through its easiest group."""
    groups: dict[str, set[str]] = defaultdict(set)
    for cat in taxonomy:
        for g in cat.groups or ("",):
            groups[g].add(cat.id)
    n_groups = len(groups)
    out: dict[str, tuple[int, int]] = {}
    for cat in taxonomy:
        best = None
        for g in cat.groups or ("",):
            levels = [n for n in (n_groups, len(groups[g])) if n > 1]
            cand = (len(levels), sum(levels))
            if best is None or cand < best:
                best = cand
        out[cat.id] = best or (0, 0)
    return out


def steps_after(taxonomy, catalogue: Catalogue | None = None) -> dict[str, dict[str, Any]]:
    """Per code reached by the taxonomy: the easiest route's ``choices``, ``routing_questions``,
    ``field_questions`` and ``steps``, plus the category and how many answer combinations reach it."""
    from codekit.taxonomy.routing import Router, answer_combinations, is_asked

    pick = _category_choices(taxonomy)
    out: dict[str, dict[str, Any]] = {}
    for cat in taxonomy:
        router = Router(cat)
        routing = router.routing_questions
        routing_keys = {q.key for q in routing}
        others = [q for q in cat.questions if q.key not in routing_keys]
        choices, scanned = pick[cat.id]
        for answers in answer_combinations(cat, routing):
            hits = router.match(answers)
            if len(hits) != 1:
                continue
            route = cat.routes[hits[0]]
            if not route.code:
                continue
            rq = sum(1 for q in routing if answers.get(q.key) is not None)
            feeds = {f.source for _, f in route.fields if f.source}
            fq = sum(1 for q in others if q.key in feeds and is_asked(q, answers))
            unused = sum(1 for q in others if q.key not in feeds and is_asked(q, answers))
            sc = catalogue.get(str(route.code)) if catalogue is not None else None
            handled = {k for k, _ in route.fields} | {k for k, _ in route.dropped}
            unfilled = sum(1 for f in sc.fields if f.variable and f.key not in handled) if sc is not None else 0
            opts = scanned + sum(len(q.values) for q in routing if answers.get(q.key) is not None)
            rec = {
                "category": cat.id,
                "choices": choices,
                "routing_questions": rq,
                "field_questions": fq,
                "unfilled_fields": unfilled,
                "unused_questions": unused,
                "questions": rq + fq + unfilled,
                "options_scanned": opts,
                "steps": choices + rq + fq + unfilled,
            }
            prev = out.get(route.code)
            if prev is None:
                rec["paths"] = 1
                out[route.code] = rec
            else:
                n = prev["paths"] + 1
                if (rec["steps"], rec["options_scanned"], rec["category"]) < (
                    prev["steps"], prev["options_scanned"], prev["category"]
                ):
                    prev.update(rec)
                prev["paths"] = n
    # merged codes (near-duplicates, legacy queues) are reached the way the code they fold into is
    for cat in taxonomy:
        for mg in getattr(cat, "merged", ()):
            into = out.get(str(mg.into))
            if into is not None and str(mg.code) not in out:
                out[str(mg.code)] = {**into, "merged_into": str(mg.into)}
    return out


def _mean(values: list[float], weights: list[float] | None = None) -> float | None:
    if not values:
        return None
    if weights is None:
        return round(sum(values) / len(values), 4)
    tw = sum(weights)
    if tw <= 0:
        return round(sum(values) / len(values), 4)
    return round(sum(v * w for v, w in zip(values, weights)) / tw, 4)


def intake_steps(taxonomy, catalogue: Catalogue) -> dict[str, Any]:
    """Steps before and after for every active code, with plain and volume-weighted summaries.

    Returns ``{"codes": [...], "summary": {...}, "by_division": [...]}``; ``codes`` is sorted by
    code, each with ``before`` and ``after`` (``None`` when no route reaches the code).
    """
    before = steps_before(catalogue)
    after = steps_after(taxonomy, catalogue)
    has_volume = any((c.volume or 0) > 0 for c in catalogue.active())
    rows: list[dict[str, Any]] = []
    for c in sorted(catalogue.active(), key=lambda c: c.code):
        b = before[c.code]
        a = after.get(c.code)
        rows.append({
            "code": c.code,
            "name": c.name,
            "division": c.division,
            "section": c.section,
            "volume": c.volume or 0,
            "before": b,
            "after": a,
            "saved": (b["steps"] - a["steps"]) if a else None,
        })
    reached = [r for r in rows if r["after"] is not None]
    w = [float(r["volume"]) for r in reached] if has_volume else None

    def side(key: str, field: str) -> dict[str, Any]:
        vals = [float(r[key][field]) for r in reached]
        return {"mean": _mean(vals), "weighted": _mean(vals, w)}

    summary: dict[str, Any] = {
        "n_codes": len(rows),
        "n_reached": len(reached),
        "n_unreached": len(rows) - len(reached),
        "weighted_by": "volume" if has_volume else "none (no volumes: every code weighs 1)",
        "before": {f: side("before", f) for f in ("choices", "questions", "steps", "options_scanned")},
        "after": {f: side("after", f) for f in ("choices", "routing_questions", "field_questions", "unfilled_fields",
                                                  "questions", "steps", "options_scanned", "unused_questions")},
    }
    bw, aw = summary["before"]["steps"]["weighted"], summary["after"]["steps"]["weighted"]
    summary["steps_reduction"] = round(1 - aw / bw, 4) if bw and aw is not None else None
    summary["n_fewer_steps"] = sum(1 for r in reached if r["saved"] > 0)
    summary["n_more_steps"] = sum(1 for r in reached if r["saved"] < 0)

    divs: dict[str, list[dict]] = defaultdict(list)
    for r in reached:
        divs[r["division"] or NO_DIVISION].append(r)
    by_division = []
    for d in sorted(divs):
        rs = divs[d]
        ww = [float(r["volume"]) for r in rs] if has_volume else None
        by_division.append({
            "division": d,
            "n_codes": len(rs),
            "volume": sum(r["volume"] for r in rs),
            "before_steps": _mean([float(r["before"]["steps"]) for r in rs], ww),
            "after_steps": _mean([float(r["after"]["steps"]) for r in rs], ww),
        })
    return {"codes": rows, "summary": summary, "by_division": by_division}


# --------------------------------------------------------------------------------------------------
# Question bank
# --------------------------------------------------------------------------------------------------

#: Words that name one intake concept, whatever the wording (kept short and explainable).
CONCEPTS: dict[str, frozenset[str]] = {
    "free-text details": frozenset({"comments", "comment", "details", "detail", "tell us more", "notes"}),
    "hazard": frozenset({"hazard", "hazardous", "danger", "dangerous", "unsafe"}),
    "landmark": frozenset({"landmark", "intersection", "near", "nearest"}),
    "when noticed": frozenset({"observed", "noticed", "notice", "spotted"}),
    "unit number": frozenset({"unit", "suite", "apartment", "apt"}),
    "serial number": frozenset({"serial", "sn"}),
    "collection day": frozenset({"collection day"}),
    "property type": frozenset({"property type"}),
    "time of day": frozenset({"time of day", "tod"}),
    "set out": frozenset({"put it out", "placed out", "placed at curb", "set out"}),
}

_PAREN_NOISE = re.compile(r"\((?:y/n[^)]*|optional|if known|select|yes/no[^)]*)\)", re.I)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

#: Answers that say only yes / no / don't know: equal value lists of this kind prove nothing.
_GENERIC = {"yes", "no", "unknown"}
_VALUE_ALIASES = {"y": "yes", "n": "no", "u": "unknown", "unk": "unknown", "not sure": "unknown",
                  "dont know": "unknown", "don't know": "unknown", "don t know": "unknown", "unsure": "unknown", "true": "yes", "false": "no"}


def _family(datatype: str) -> str:
    if datatype in ("string", "text"):
        return "free"
    if datatype in ("singlevaluelist", "multivaluelist"):
        return "list"
    return datatype


def _field_text(f: OperationalField) -> str:
    from codekit.analyse.text import normalise

    key = _CAMEL.sub(" ", f.key).replace("_", " ").replace("-", " ")
    prompt = _PAREN_NOISE.sub(" ", f.prompt or "")
    return normalise(f"{key} {prompt}")


def _value_set(f: OperationalField) -> frozenset[str]:
    from codekit.analyse.text import normalise

    out = set()
    for v in f.values:
        t = normalise(v.name or v.key)
        out.add(_VALUE_ALIASES.get(t, t))
    return frozenset(x for x in out if x)


def _concepts(text: str) -> frozenset[str]:
    padded = f" {text} "
    found = set()
    for name, words in CONCEPTS.items():
        if any(f" {w} " in padded for w in words):
            found.add(name)
    return frozenset(found)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.p = list(range(n))

    def find(self, i: int) -> int:
        while self.p[i] != i:
            self.p[i] = self.p[self.p[i]]
            i = self.p[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def question_bank(
    catalogue: Catalogue,
    *,
    text_threshold: float = 0.6,
    value_threshold: float = 0.6,
    use_concepts: bool = True,
    min_codes: int = 2,
    top: int | None = None,
) -> list[dict[str, Any]]:
    """Groups of operational fields that ask the same question in different words, each proposed
    as one shared question (most-used key and prompt), largest (by codes asking it) first.

    A field variant is a distinct (key, prompt, datatype, allowed values); two variants of one
    datatype family join a group when their key+prompt wording is similar (cosine >= ``text_threshold``),
    when their pick-lists share the same answers (Jaccard >= ``value_threshold``, yes/no/unknown lists
    excepted), or when both name one concept of :data:`CONCEPTS`. A group is proposed only when it has
    at least two different wordings and ``min_codes`` codes ask it.
    """
    variants: dict[tuple, dict[str, Any]] = {}
    for c in catalogue.active():
        for f in c.fields:
            if not f.variable:
                continue
            vals = tuple(sorted(_value_set(f)))
            k = (f.key, f.prompt, f.datatype, vals)
            v = variants.get(k)
            if v is None:
                v = variants[k] = {"field": f, "codes": [], "volume": 0, "values": vals}
            v["codes"].append(c.code)
            v["volume"] += c.volume or 0
    keys = sorted(variants)
    n = len(keys)
    if n < 2:
        return []
    texts = [_field_text(variants[k]["field"]) for k in keys]
    fams = [_family(k[2]) for k in keys]
    vsets = [frozenset(variants[k]["values"]) for k in keys]
    concepts = [_concepts(t) if use_concepts else frozenset() for t in texts]
    reasons: dict[tuple[int, int], set[str]] = defaultdict(set)
    uf = _UnionFind(n)

    # similar wording: char n-gram TF-IDF cosine, in row blocks to bound memory
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True).fit_transform(
        [t or "_" for t in texts])
    block = 1000
    for start in range(0, n, block):
        S = (X[start:start + block] @ X.T).tocoo()
        for i, j, s in zip(S.row, S.col, S.data):
            i = int(i) + start
            j = int(j)
            if j <= i or s < text_threshold or fams[i] != fams[j]:
                continue
            uf.union(i, j)
            reasons[(i, j)].add("similar wording")

    # same allowed values (not yes/no/unknown only)
    by_value: dict[str, list[int]] = defaultdict(list)
    for i, vs in enumerate(vsets):
        if fams[i] == "list" and len(vs) >= 2 and not vs <= _GENERIC:
            for v in vs:
                by_value[v].append(i)
    cand: set[tuple[int, int]] = set()
    for idx in by_value.values():
        if len(idx) > 200:  # a value shared by very many lists ("other") says little
            continue
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                cand.add((idx[a], idx[b]))
    for i, j in sorted(cand):
        inter = len(vsets[i] & vsets[j])
        if inter >= 2 and inter / len(vsets[i] | vsets[j]) >= value_threshold:
            uf.union(i, j)
            reasons[(i, j)].add("same allowed values")

    # shared concept
    by_concept: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, cs in enumerate(concepts):
        for cpt in cs:
            by_concept[(cpt, fams[i])].append(i)
    for (cpt, _fam), idx in sorted(by_concept.items()):
        for j in idx[1:]:
            uf.union(idx[0], j)
            reasons[(idx[0], j)].add(f"same concept: {cpt}")

    comps: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        comps[uf.find(i)].append(i)
    comp_reasons: dict[int, set[str]] = defaultdict(set)
    for (i, _j), rs in reasons.items():
        comp_reasons[uf.find(i)] |= rs

    out: list[dict[str, Any]] = []
    for root, members in comps.items():
        if len(members) < 2:
            continue
        wordings = {(keys[i][0], keys[i][1]) for i in members}
        if len(wordings) < 2 and len({keys[i][3] for i in members}) < 2:
            continue
        codes = sorted({code for i in members for code in variants[keys[i]]["codes"]})
        if len(codes) < min_codes:
            continue
        vs = sorted(members, key=lambda i: (-len(variants[keys[i]]["codes"]), -variants[keys[i]]["volume"], keys[i]))
        best = variants[keys[vs[0]]]["field"]
        out.append({
            "key": best.key,
            "prompt": best.prompt,
            "datatype": best.datatype,
            "values": [v.to_dict() for v in best.values],
            "n_codes": len(codes),
            "n_variants": len(members),
            "volume": sum(variants[keys[i]]["volume"] for i in members),
            "reasons": sorted(comp_reasons[root]),
            "variants": [
                {
                    "key": keys[i][0],
                    "prompt": keys[i][1],
                    "datatype": keys[i][2],
                    "values": list(keys[i][3]),
                    "n_codes": len(variants[keys[i]]["codes"]),
                    "codes": variants[keys[i]]["codes"][:10],
                }
                for i in vs
            ],
            "codes": codes[:25],
        })
    out.sort(key=lambda q: (-q["n_codes"], -q["n_variants"], q["key"], q["prompt"]))
    for i, q in enumerate(out, 1):
        q["id"] = f"Q{i:03d}"
    return out[:top] if top else out


def simplification(taxonomy, catalogue: Catalogue, *, top_questions: int | None = 50) -> dict[str, Any]:
    """Both metrics at once: ``{"steps": intake_steps(...), "question_bank": question_bank(...)}``."""
    return {
        "steps": intake_steps(taxonomy, catalogue),
        "question_bank": question_bank(catalogue, top=top_questions),
    }



__all__ = ["steps_before", "steps_after", "intake_steps", "question_bank", "simplification", "CONCEPTS"]
