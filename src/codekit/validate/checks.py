"""Facts about every route, answer combination and (route, field), and the findings they give.

The facts are plain rows (dicts); the great-expectations suite (``suite.py``) says which rows break
an invariant; :func:`findings_from_suite` turns those rows into findings with file and line.
Reachability is a networkx graph: public root -> category -> route -> code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codekit.model import Catalogue, OperationalField, ServiceCode
from codekit.taxonomy.model import FieldFill, PublicCategory, Question, Route, Taxonomy, answers_key
from codekit.taxonomy.routing import Router, answer_combinations, is_asked
from codekit.validate.findings import Finding

#: Field datatype -> question datatypes whose answer can fill it.
COMPATIBLE = {
    "string": {"string", "text", "singlevaluelist"},
    "text": {"string", "text", "singlevaluelist"},
    "number": {"number"},
    "datetime": {"datetime"},
    "singlevaluelist": {"singlevaluelist"},
    "multivaluelist": {"singlevaluelist", "multivaluelist"},
}


@dataclass
class Facts:
    routes: list[dict[str, Any]] = field(default_factory=list)
    combinations: list[dict[str, Any]] = field(default_factory=list)
    fields: list[dict[str, Any]] = field(default_factory=list)
    #: (category id, route index) -> the combinations (answer dicts) that match it
    matched: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    #: category id -> its routes, indexed (built once, shared by the checks and the proof)
    routers: dict[str, Router] = field(default_factory=dict)


def route_answers(cat: PublicCategory, route: Route, q: Question) -> list[str]:
    """The answers ``q`` can have on this route (its values, narrowed by the route's condition)."""
    allowed = route.when_dict().get(q.key)
    return [v for v in q.value_keys() if allowed is None or v in allowed]


def _as_list(v: Any) -> list:
    return list(v) if isinstance(v, (list, tuple)) else [v]


def _is_number(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    try:
        float(str(v))
        return True
    except ValueError:
        return False


def fill_produces(cat: PublicCategory, route: Route, fill: FieldFill) -> set[Any]:
    """The field values a fill can produce on this route (``None`` = no value); free text -> {FREE}."""
    if not fill.source:
        return {str(x) for x in _as_list(fill.fixed_value())}
    q = cat.question(fill.source)
    if q is None or not q.is_list:
        from codekit.taxonomy.routing import FREE

        return {FREE}
    m = fill.map_dict()
    answers = route_answers(cat, route, q)
    return {(m.get(a) if m else a) for a in answers}


def _field_row(cat: PublicCategory, ri: int, route: Route, sc: ServiceCode, key: str,
               of: OperationalField | None, fill: FieldFill | None, reason: str | None,
               matched: list[dict[str, Any]], router: Router) -> dict[str, Any]:
    row: dict[str, Any] = {
        "category": cat.id, "file": cat.path, "route": ri, "line": (fill.line if fill else 0) or route.line,
        "code": sc.code, "division": sc.division, "field": key,
        "required": bool(of.required) if of else False,
        "datatype": of.datatype if of else None, "fill": fill.describe() if fill else ("dropped" if reason is not None else None),
        "known_field": of is not None, "required_filled": True, "type_ok": True, "values_ok": True,
        "map_keys_ok": True, "map_complete": True, "optional_accounted": True, "problem": "",
    }
    problems: list[str] = []
    if of is None:
        row["problem"] = f"route fills {key!r}, which code {sc.code} does not have"
        return row
    if fill is None:
        if of.required:
            row["required_filled"] = False
            problems.append(f"required field {key!r} of {sc.code} is not filled"
                            + (" (a required field cannot be dropped)" if reason is not None else ""))
        elif not (reason or "").strip():
            row["optional_accounted"] = False
            problems.append(f"optional field {key!r} of {sc.code} is neither filled nor dropped with a reason")
        row["problem"] = "; ".join(problems)
        return row
    allowed = set(of.value_keys())
    q = router.question(fill.source) if fill.source else None
    # types
    if q is not None:
        if q.datatype not in COMPATIBLE[of.datatype]:
            row["type_ok"] = False
            problems.append(f"field {key!r} ({of.datatype}) is filled from question {q.key!r} ({q.datatype})")
    else:
        vals = _as_list(fill.fixed_value())
        if of.datatype == "singlevaluelist" and isinstance(fill.fixed_value(), (list, tuple)) and len(vals) != 1:
            row["type_ok"] = False
            problems.append(f"field {key!r} takes one value, the fill gives a list")
        elif of.datatype == "number" and not all(_is_number(v) for v in vals):
            row["type_ok"] = False
            problems.append(f"field {key!r} is a number, the fill gives {fill.fixed_value()!r}")
        elif of.datatype in ("string", "text", "datetime") and isinstance(fill.fixed_value(), (list, tuple)):
            row["type_ok"] = False
            problems.append(f"field {key!r} is {of.datatype}, the fill gives a list")
    # value map keys
    m = fill.map_dict()
    if q is not None and m:
        if not q.is_list:
            row["map_keys_ok"] = False
            problems.append(f"question {q.key!r} is free {q.datatype}: a value map cannot apply")
        else:
            bad = sorted(k for k in m if k not in q.value_keys())
            if bad:
                row["map_keys_ok"] = False
                problems.append(f"value map key(s) {', '.join(map(repr, bad))} cannot be answered to {q.key!r} "
                                f"(answers: {', '.join(q.value_keys())})")
    # values produced
    if of.is_list and row["type_ok"]:
        produced = (fill_produces(cat, route, fill) | set(fill.excluded_dict())) - {None}
        bad_vals = sorted(str(v) for v in produced if v not in allowed)
        if bad_vals:
            row["values_ok"] = False
            problems.append(f"field {key!r} of {sc.code} can receive {', '.join(map(repr, bad_vals))}, not in its "
                            f"pick-list ({', '.join(sorted(allowed))})")
    # required: always filled?
    if of.required:
        if q is not None:
            not_asked = [a for a in matched if not is_asked(q, a)]
            optional_q = not q.required and q not in router.routing_questions
            if not_asked:
                row["required_filled"] = False
                problems.append(f"required field {key!r} is filled from {q.key!r}, which is not asked for "
                                f"{answers_key(not_asked[0], [x.key for x in router.routing_questions])}")
            elif optional_q:
                row["required_filled"] = False
                problems.append(f"required field {key!r} is filled from the optional question {q.key!r}")
            if q.is_list and m and row["map_keys_ok"]:
                missing = [a for a in route_answers(cat, route, q) if a not in m]
                if missing:
                    row["map_complete"] = False
                    problems.append(f"value map of required field {key!r} gives no value for answer(s) "
                                    f"{', '.join(map(repr, missing))} of {q.key!r}")
    row["problem"] = "; ".join(problems)
    return row


def collect_facts(taxonomy: Taxonomy, catalogue: Catalogue) -> Facts:
    facts = Facts()
    for cat in taxonomy:
        router = facts.routers[cat.id] = Router(cat)
        order = [q.key for q in router.routing_questions]
        for answers in answer_combinations(cat, router.routing_questions):
            hits = router.match(answers)
            for h in hits:
                facts.matched.setdefault((cat.id, h), []).append(answers)
            facts.combinations.append({
                "category": cat.id, "file": cat.path, "answers": answers_key(answers, order),
                "n_matches": len(hits), "routes": tuple(hits),
                "lines": tuple(cat.routes[h].line for h in hits),
            })
        for ri, r in enumerate(cat.routes):
            sc = catalogue.get(r.code) if r.code else None
            stated_ctl = r.ctl_level if r.ctl_level is not None else cat.ctl_level
            matched = facts.matched.get((cat.id, ri), [])
            facts.routes.append({
                "category": cat.id, "file": cat.path, "line": r.line, "route": ri,
                "code_line": r.line_of("code"), "division_line": r.line_of("division"),
                "section_line": r.line_of("section"), "sla_line": r.line_of("sla_days"),
                "ctl_line": r.line_of("ctl_level") if r.ctl_level is not None else cat.line_of("ctl_level"),
                "code": r.code or None, "code_status": sc.status if sc else None,
                "reached": bool(matched), "when": r.describe_when(), "target": r.target,
                "stated_division": r.division or None, "division": (sc.division or None) if sc else None,
                "stated_section": r.section or None, "section": (sc.section or None) if sc else None,
                "stated_ctl": stated_ctl if sc is not None and sc.ctl_level is not None else None,
                "ctl_level": sc.ctl_level if sc else None,
                "stated_sla": r.sla_days, "sla_days": sc.sla_days if sc else None,
                "stated_milestones": (" | ".join(cat.milestones) if cat.milestones and sc is not None
                                      and sc.milestones else None),
                "milestones": " | ".join(sc.milestones) if sc is not None and sc.milestones else None,
                "milestones_line": cat.line_of("milestones"),
                "ctl_from": "route" if r.ctl_level is not None else "category",
            })
            if sc is None or not matched:  # a dead route loses nothing: route-unreachable says it all
                continue
            fills = r.fields_dict()
            dropped = r.dropped_dict()
            for of in sc.fields:
                if not of.variable:
                    continue
                facts.fields.append(_field_row(cat, ri, r, sc, of.key, of, fills.get(of.key),
                                               dropped.get(of.key), matched, router))
            known = {f.key for f in sc.fields}
            for k, f in r.fields:
                if k not in known:
                    facts.fields.append(_field_row(cat, ri, r, sc, k, None, f, None, matched, router))
    return facts


def frames(facts: Facts) -> dict[str, Any]:
    import pandas as pd

    def frame(rows: list[dict[str, Any]]):
        df = pd.DataFrame(rows)
        return df.astype(object).where(df.notna(), None) if len(df) else df

    return {"routes": frame(facts.routes), "combinations": frame(facts.combinations), "fields": frame(facts.fields)}


def findings_from_suite(facts: Facts, failed: dict[tuple[str, str, str], list[int]], taxonomy: Taxonomy,
                        catalogue: Catalogue) -> list[Finding]:
    from codekit.validate.suite import checks

    out: list[Finding] = []
    seen: set[tuple] = set()
    cats = {c.id: c for c in taxonomy}

    def add(f: Finding) -> None:
        k = (f.type, f.file, f.line, f.code, f.field, f.message)
        if k not in seen:
            seen.add(k)
            out.append(f)

    for chk in checks(sorted(catalogue.code_ids)):
        idx = failed.get(chk.key, [])
        if not idx:
            continue
        if chk.table == "routes":
            for i in idx:
                r = facts.routes[i]
                div = r["division"]
                msg = _route_message(chk.finding, r, chk.column)
                line = r[_LINE_COLUMN[chk.finding]] if chk.finding in _LINE_COLUMN else r["line"]
                if chk.finding == "division-mismatch" and "section" in chk.column:
                    line = r["section_line"]
                if chk.finding == "ctl-mismatch" and "milestones" in chk.column:
                    line = r["milestones_line"]
                add(Finding(chk.finding, msg, r["file"], line, r["category"], r["code"], div))
        elif chk.table == "fields":
            for i in idx:
                r = facts.fields[i]
                add(Finding(chk.finding, r["problem"] or chk.finding, r["file"], r["line"], r["category"],
                            r["code"], r["division"], r["field"]))
        elif chk.table == "combinations":
            missing: dict[str, list[dict]] = {}
            ambiguous: dict[tuple, list[dict]] = {}
            for i in idx:
                r = facts.combinations[i]
                if r["n_matches"] == 0:
                    missing.setdefault(r["category"], []).append(r)
                else:
                    ambiguous.setdefault((r["category"], r["routes"]), []).append(r)
            for cid, rows in missing.items():
                cat = cats[cid]
                ex = "; ".join(f"[{x['answers']}]" for x in rows[:3])
                add(Finding("route-missing",
                            f"{len(rows)} answer combination(s) of {cid!r} reach no route or referral, e.g. {ex}",
                            cat.path, cat.routes_line or cat.line or 1, cid))
            for (cid, hits), rows in ambiguous.items():
                cat = cats[cid]
                lines = [cat.routes[h].line for h in hits]
                targets = ", ".join(f"{cat.routes[h].target} (line {cat.routes[h].line})" for h in hits)
                codes = [cat.routes[h].code for h in hits if cat.routes[h].code]
                sc = catalogue.get(codes[-1]) if codes else None
                add(Finding("route-ambiguous",
                            f"{len(rows)} answer combination(s) of {cid!r} match {len(hits)} routes: {targets}, "
                            f"e.g. [{rows[0]['answers']}]",
                            cat.path, max(lines), cid, codes[-1] if codes else None, sc.division if sc else None))
    return out


_LINE_COLUMN = {
    "route-unknown-code": "code_line", "route-retired-code": "code_line", "division-mismatch": "division_line",
    "ctl-mismatch": "ctl_line", "sla-mismatch": "sla_line",
}


def _route_message(kind: str, r: dict[str, Any], column: str) -> str:
    if kind == "route-unknown-code":
        return f"route {r['when']} names code {r['code']!r}, which the catalogue does not have"
    if kind == "route-retired-code":
        return f"route {r['when']} reaches {r['code']}, which is retired"
    if kind == "route-unreachable":
        return f"route {r['when']} -> {r['target']} is never reached (earlier answers or dependencies rule it out)"
    if kind == "division-mismatch":
        what = "section" if "section" in column else "division"
        return (f"route to {r['code']} states {what} {r['stated_' + what]!r}, but the code's {what} is "
                f"{r[what]!r}")
    if kind == "ctl-mismatch" and "milestones" in column:
        return (f"category shows the milestones {r['stated_milestones']!r}, but {r['code']} reports "
                f"{r['milestones']!r}")
    if kind == "ctl-mismatch":
        return (f"{r['ctl_from']} shows Closing-the-Loop level {r['stated_ctl']}, but {r['code']} is level "
                f"{r['ctl_level']}")
    if kind == "sla-mismatch":
        return f"route to {r['code']} states SLA {r['stated_sla']:g} days, but the code's SLA is {r['sla_days']:g} days"
    return kind


def reachability(taxonomy: Taxonomy, facts: Facts):
    """The reachability graph: ``public`` -> category -> route -> code/referral (networkx DiGraph)."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_node("public")
    for cat in taxonomy:
        g.add_edge("public", ("category", cat.id))
        for ri, r in enumerate(cat.routes):
            if facts.matched.get((cat.id, ri)):
                g.add_edge(("category", cat.id), ("route", cat.id, ri))
                if r.code:
                    g.add_edge(("route", cat.id, ri), ("code", r.code))
                if r.referral is not None:
                    g.add_edge(("route", cat.id, ri), ("referral", r.referral.to))
        for m in cat.merged:  # a merged code is reached through the code that receives its requests
            g.add_edge(("code", m.into), ("code", m.code))
    return g


def unreachable_codes(taxonomy: Taxonomy, catalogue: Catalogue, facts: Facts) -> list[Finding]:
    import networkx as nx

    g = reachability(taxonomy, facts)
    reached = {n[1] for n in nx.descendants(g, "public") if isinstance(n, tuple) and n[0] == "code"}
    named: dict[str, tuple[PublicCategory, Any]] = {}
    for cat in taxonomy:
        for r in cat.routes:
            if r.code:
                named.setdefault(r.code, (cat, r))
        for m in cat.merged:
            named.setdefault(m.code, (cat, m))
    out = []
    for sc in catalogue:
        if not sc.active or sc.code in reached:
            continue
        if sc.code in named:
            cat, r = named[sc.code]
            out.append(Finding("code-unreachable",
                               f"{sc.code} ({sc.name}) is named, but no answer combination reaches it",
                               cat.path, r.line, cat.id, sc.code, sc.division or None))
        else:
            out.append(Finding("code-unreachable", f"{sc.code} ({sc.name}) is not reached by any route",
                               None, None, None, sc.code, sc.division or None))
    return out


def pick_values(taxonomy: Taxonomy, catalogue: Catalogue, facts: Facts) -> list[Finding]:
    """``pick-value-unreachable``: an allowed value of a (filled) pick-list no reachable route produces.
    Located at the first fill of that field."""
    produced: dict[tuple[str, str], set] = {}
    where: dict[tuple[str, str], tuple[PublicCategory, FieldFill]] = {}
    for cat in taxonomy:
        for ri, r in enumerate(cat.routes):
            sc = catalogue.get(r.code) if r.code else None
            if sc is None or not facts.matched.get((cat.id, ri)):
                continue
            for k, f in r.fields:
                of = sc.field(k)
                if of is None or not of.is_list:
                    continue
                produced.setdefault((sc.code, k), set()).update(fill_produces(cat, r, f))
                produced[(sc.code, k)].update(f.excluded_dict())  # deliberately not produced, with a reason
                where.setdefault((sc.code, k), (cat, f))
    out = []
    for (code, key), values in sorted(produced.items()):
        sc = catalogue[code]
        of = sc.field(key)
        missing = [v for v in of.value_keys() if v not in values]
        if missing:
            cat, fill = where[(code, key)]
            out.append(Finding(
                "pick-value-unreachable",
                f"no answer produces {', '.join(map(repr, missing))} for field {key!r} of {code}",
                cat.path, fill.line, cat.id, code, sc.division or None, key,
            ))
    return out


def merge_findings(taxonomy: Taxonomy, catalogue: Catalogue) -> list[Finding]:
    """Checks of ``merged`` entries: both codes known, same division, no required field lost."""
    out: list[Finding] = []
    for cat in taxonomy:
        for m in cat.merged:
            src, dst = catalogue.get(m.code), catalogue.get(m.into)
            for code, sc in ((m.code, src), (m.into, dst)):
                if sc is None:
                    out.append(Finding("route-unknown-code", f"merged entry names code {code!r}, which the "
                                       "catalogue does not have", cat.path, m.line, cat.id, code))
            if src is None or dst is None:
                continue
            if src.division != dst.division:
                out.append(Finding("division-mismatch", f"{m.code} ({src.division}) is merged into {m.into} "
                                   f"({dst.division}): another division", cat.path, m.line, cat.id, m.code,
                                   src.division or None))
            for of in src.fields:
                if not of.variable or not of.required:
                    continue
                tf = dst.field(of.key)
                lost = None
                if tf is None:
                    lost = f"{m.into} has no field {of.key!r}"
                elif of.is_list and not set(of.value_keys()) <= set(tf.value_keys()):
                    extra = sorted(set(of.value_keys()) - set(tf.value_keys()))
                    lost = f"{m.into}'s {of.key!r} cannot take {', '.join(map(repr, extra))}"
                if lost:
                    out.append(Finding("field-dropped", f"required field {of.key!r} of merged code {m.code} is lost: "
                                       f"{lost}", cat.path, m.line, cat.id, m.code, src.division or None, of.key))
    return out
