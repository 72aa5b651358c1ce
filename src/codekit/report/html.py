"""The consolidation report: one self-contained HTML file (offline, printable) plus a Markdown summary.

:func:`build_report` gathers everything as plain data (calling the library: the taxonomy's routes,
``codekit.analyse.confusion``, ``codekit.validate``, ``codekit.report.metrics``); :func:`render_html`
and :func:`render_markdown` turn that data into text; :func:`write_report` writes both atomically.

Every name from the inputs is HTML-escaped; charts are inline SVG (``codekit.report.charts``); no
script, no external font, stylesheet or image: the file opens offline. Tables and charts show the
top ``top`` rows, so a 10,000-code catalogue still gives a file of a few hundred kilobytes. Same
inputs, same bytes (no timestamps).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable

from codekit import __version__
from codekit.errors import UsageError
from codekit.model import ERROR_KINDS, Catalogue
from codekit.report.templates import num as _num, one as _one, pct as _pct

#: Rows shown in each table and chart by default.
DEFAULT_TOP = 20
#: Nodes drawn in the confusion network.
NETWORK_NODES = 24


# --------------------------------------------------------------------------------------------------
# Gathering the data
# --------------------------------------------------------------------------------------------------


def _shared_words(names: list[str], limit: int = 5) -> list[str]:
    from codekit.analyse.text import content_words

    if len(names) < 2:
        return []
    df: Counter = Counter()
    for n in names:
        df.update(set(content_words(n)))
    need = max(2, (len(names) + 1) // 2)
    return [w for w, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])) if c >= need][:limit]


def _reason_kind(reason: str) -> str:
    """The kind of a merge reason: "near-duplicate of X (...)" -> "near-duplicate"."""
    text = " ".join(str(reason or "").split())
    for sep in (" of ", ":", ";", "("):
        if sep in text:
            text = text.split(sep, 1)[0]
    return text.strip()[:60] or "no reason given"


def _category_codes(cat) -> list[str]:
    """Codes a category reaches (routes, referral routes recording a code, merged codes), in order."""
    seen: dict[str, None] = {}
    for r in cat.routes:
        if r.code:
            seen.setdefault(str(r.code), None)
    for mg in getattr(cat, "merged", ()):
        seen.setdefault(str(mg.code), None)
    return list(seen)


def _categories(taxonomy, catalogue: Catalogue, cat_codes: dict[str, list[str]],
                edge_within: dict[str, int] | None) -> list[dict[str, Any]]:
    """One row per category (sizes, members, what they share), largest first; ``edge_within``: confusion
    events inside each category (``None``: no error log)."""
    cats = []
    for cat in taxonomy:
        codes = [c for c in cat_codes[cat.id]]
        members = [catalogue.get(c) for c in codes]
        members = [m for m in members if m is not None]
        divs = Counter(m.division for m in members if m.division)
        field_sets = [{f.key for f in m.fields if f.variable} for m in members if m.fields]
        shared_fields = sorted(set.intersection(*field_sets)) if len(field_sets) > 1 and len(field_sets) == len(members) else []
        conf = edge_within.get(cat.id) if edge_within is not None else None
        cats.append({
            "id": cat.id,
            "label": cat.label,
            "groups": list(cat.groups),
            "n_codes": len(codes),
            "n_active": sum(1 for m in members if m.active),
            "n_questions": len(cat.questions),
            "n_routes": len(cat.routes),
            "n_referrals": sum(1 for r in cat.routes if r.referral is not None),
            "n_merged": len(getattr(cat, "merged", ())),
            "merged_reasons": sorted(Counter(_reason_kind(mg.reason) for mg in getattr(cat, "merged", ())).items(),
                                     key=lambda kv: (-kv[1], kv[0]))[:3],
            "volume": sum(m.volume or 0 for m in members),
            "divisions": dict(sorted(divs.items())),
            "shared_words": _shared_words([m.name for m in members]),
            "shared_fields": shared_fields,
            "confusion_within": conf,
            "notes": " ".join((cat.notes or "").split())[:400],
            "members": [{"code": m.code, "name": m.name} for m in members[:12]],
        })
    cats.sort(key=lambda c: (-c["n_codes"], -c["volume"], c["id"]))
    return cats


def _merges(cats: list[dict[str, Any]], top: int) -> list[dict[str, Any]]:
    """The ``top`` largest categories of two codes or more, each with why its codes are together."""
    merges = []
    for c in cats[:top]:
        if c["n_codes"] < 2:
            break
        why = []
        if c["shared_words"]:
            why.append("names share " + ", ".join(c["shared_words"]))
        if c["confusion_within"]:
            why.append(f"{c['confusion_within']:,} re-coded/transferred events between them")
        if c["shared_fields"]:
            why.append("same operational fields: " + ", ".join(c["shared_fields"][:6]))
        if c["n_merged"]:
            why.append(f"{c['n_merged']} code(s) folded into another: "
                       + ", ".join(f"{r} ({n})" for r, n in c["merged_reasons"]))
        if len(c["divisions"]) > 1:
            why.append(f"spans {len(c['divisions'])} divisions (a routing question tells them apart)")
        elif c["divisions"]:
            why.append("one division: " + next(iter(c["divisions"])))
        merges.append({**c, "why": why})
    return merges


def _validation(taxonomy, catalogue: Catalogue, *, seed: int, top: int) -> dict[str, Any]:
    """The validation section: ``codekit.validate`` run over the taxonomy, its counts and first findings."""
    from codekit.validate import validate

    rep = validate(taxonomy, catalogue, seed=seed)
    return {
        "ran": True,
        "ok": rep.ok,
        "counts": rep.counts(),
        "stats": {k: v for k, v in rep.stats.items() if not isinstance(v, dict)},
        "proof": rep.stats.get("proof", {}),
        "by_division": {d: len(fs) for d, fs in rep.by_division().items()},
        "findings": [f.to_dict() for f in rep.findings[:top]],
        "n_findings": len(rep.findings),
    }


def _divisions(taxonomy, catalogue: Catalogue, active, cat_codes: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Per division, most codes first: its active codes today and the categories that reach it after."""
    before = Counter(c.division or "(no division)" for c in active)
    after: dict[str, set[str]] = defaultdict(set)
    for cat in taxonomy:
        for code in cat_codes[cat.id]:
            sc = catalogue.get(code)
            if sc is not None and sc.active:
                after[sc.division or "(no division)"].add(cat.id)
    return [
        {"division": d, "codes_before": before[d], "categories_after": len(after.get(d, ()))}
        for d in sorted(before, key=lambda d: (-before[d], d))
    ]


def _headline(taxonomy, catalogue: Catalogue, active_ids: set[str], cat_of: dict[str, str], steps: dict[str, Any],
              qbank: list, errors: dict[str, Any] | None, validation: dict[str, Any]) -> dict[str, Any]:
    """The summary numbers at the top of the report."""
    n_cat = len(taxonomy)
    return {
        "codes": len(catalogue),
        "active_codes": len(active_ids),
        "categories": n_cat,
        "groups": len(taxonomy.groups()),
        "codes_per_category": round(len(active_ids) / n_cat, 2),
        "reduction": round(1 - n_cat / len(active_ids), 4),
        "unrouted_active_codes": len(active_ids - set(cat_of)),
        "steps_before": steps["summary"]["before"]["steps"]["weighted"],
        "steps_after": steps["summary"]["after"]["steps"]["weighted"],
        "steps_reduction": steps["summary"]["steps_reduction"],
        "options_before": steps["summary"]["before"]["options_scanned"]["weighted"],
        "options_after": steps["summary"]["after"]["options_scanned"]["weighted"],
        "shared_questions": len(qbank),
        "confusion_absorbed": errors["confusion"]["absorbed_share"] if errors else None,
        "validation_ok": validation.get("ok"),
        "n_findings": validation.get("n_findings"),
    }


def build_report(
    taxonomy: Any,
    catalogue: Catalogue,
    log: Any = None,
    *,
    top: int = DEFAULT_TOP,
    run_validation: bool = True,
    seed: int = 311,
    title: str = "Service-code consolidation report",
    taxonomy_note: str = "",
    progress: Callable[..., None] | None = None,
    lint_options: Any = None,
    requests: Any = None,
    requests_format: str | None = None,
    requests_columns: str | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """Everything the report shows, as plain data.

    ``requests`` (a request history, as ``codekit timelines`` reads): the timelines section, SLA against
    actual per division (the same computation as ``codekit timelines`` and ``codekit release --requests``).

    ``taxonomy``: a folder or a loaded :class:`~codekit.taxonomy.model.Taxonomy`; ``catalogue``: the
    service codes; ``log``: an :class:`~codekit.io.errorlog.ErrorLog` or ``None`` (no error sections).
    Raises :class:`UsageError` for an empty catalogue.
    """
    from codekit.report.metrics import intake_steps, question_bank
    from codekit.taxonomy.model import Taxonomy

    step = progress or (lambda *a, **k: None)
    if len(catalogue) == 0 or not catalogue.active():
        raise UsageError(
            "the catalogue has no active codes" if len(catalogue) else "the catalogue has no codes",
            path=str(catalogue.source) or None, hint="check the catalogue file: a report needs at least one active code",
        )
    if top < 1:
        raise UsageError("--top must be at least 1", found=str(top))
    if not isinstance(taxonomy, Taxonomy):
        from codekit.taxonomy import load_taxonomy

        step(1, description=f"loading {taxonomy}")
        taxonomy = load_taxonomy(taxonomy)
    from codekit.taxonomy.retired import with_retired

    catalogue = with_retired(catalogue, taxonomy)
    if len(taxonomy) == 0:
        raise UsageError("the taxonomy has no categories", path=str(taxonomy.source) or None)

    active = catalogue.active()
    active_ids = {c.code for c in active}
    cat_of: dict[str, str] = {}
    cat_codes: dict[str, list[str]] = {}
    for cat in taxonomy:
        codes = _category_codes(cat)
        cat_codes[cat.id] = codes
        for code in codes:
            cat_of.setdefault(code, cat.id)

    # -- codes before / categories after, per division
    divisions = _divisions(taxonomy, catalogue, active, cat_codes)

    # -- error log: hotspots and the confusion network
    errors = None
    edge_within: dict[tuple[str, str], int] = {}
    if log is not None:
        step(1, description="reading the error log")
        errors = _errors_section(log, catalogue, cat_of, top=top)
        edge_within = errors.pop("_within")

    # -- categories: sizes and the largest merges
    step(1, description="measuring categories")
    cats = _categories(taxonomy, catalogue, cat_codes, edge_within if errors is not None else None)
    merges = _merges(cats, top)

    # -- intake steps and the question bank
    step(1, description="counting intake steps")
    steps = intake_steps(taxonomy, catalogue)
    reached = [r for r in steps["codes"] if r["after"] is not None]
    most_saved = sorted(reached, key=lambda r: (-r["saved"] * max(1, r["volume"]), r["code"]))[:top]
    more_steps = sorted([r for r in reached if r["saved"] < 0], key=lambda r: (r["saved"], -r["volume"], r["code"]))[:top]
    unreached = [r for r in steps["codes"] if r["after"] is None]
    qbank = question_bank(catalogue)

    # -- validation
    if run_validation:
        step(1, description="validating")
    validation = _validation(taxonomy, catalogue, seed=seed, top=top) if run_validation else {"ran": False}

    timelines = None
    if requests is not None:
        step(1, description=f"timing {requests}")
        timelines = _timelines_section(requests, taxonomy, catalogue, top=top, format=requests_format,
                                       columns=requests_columns, as_of=as_of)

    from codekit.validate.lint import lint

    readiness = lint(taxonomy, catalogue, options=lint_options).readiness()
    headline = _headline(taxonomy, catalogue, active_ids, cat_of, steps, qbank, errors, validation)
    return {
        "title": title,
        "codekit_version": __version__,
        "top": top,
        "seed": seed,
        "inputs": {
            "taxonomy": str(taxonomy.source or ""),
            "taxonomy_note": taxonomy_note,
            "catalogue": str(catalogue.source or ""),
            "errors": str(getattr(log, "source", "") or "") if log is not None else None,
            "requests": str(requests) if requests is not None else None,
        },
        "timelines": timelines,
        "headline": headline,
        "divisions": divisions,
        "category_sizes": [{"id": c["id"], "label": c["label"], "n_codes": c["n_codes"]} for c in cats],
        "merges": merges,
        "errors": errors,
        "steps": {
            "summary": steps["summary"],
            "by_division": steps["by_division"],
            "most_saved": most_saved,
            "more_steps": more_steps,
            "unreached": [{"code": r["code"], "name": r["name"], "division": r["division"]} for r in unreached[:top]],
        },
        "question_bank": qbank[:top],
        "n_question_bank": len(qbank),
        "validation": validation,
        "readiness": readiness,
    }


def _timelines_section(requests: Any, taxonomy: Any, catalogue: Catalogue, *, top: int, format: str | None,
                       columns: str | None, as_of: str | None) -> dict[str, Any]:
    """SLA against actual per division, and the codes whose observed timeline suggests another Closing-the-Loop
    level than the curated one (``codekit.analyse.timelines.build_timelines``)."""
    from codekit.release.timelines import history_timelines

    res = history_timelines(requests, catalogue=catalogue, taxonomy=taxonomy, format=format, columns=columns,
                            as_of=as_of)
    hints = [r for r in res["codes"] if r["suggested_ctl_level"] is not None and r["ctl_level"] is not None
             and r["suggested_ctl_level"] != r["ctl_level"]]
    unset = [r for r in res["codes"] if r["suggested_ctl_level"] is not None and r["ctl_level"] is None]
    keep = ("code", "name", "division", "n_requests", "open_share", "p50_days", "p80_days", "p90_days", "sla_days",
            "sla_compliance", "ctl_level", "suggested_ctl_level")
    return {
        "source": res["source"], "format": res["format"], "as_of": res["as_of"], "as_of_default": res["as_of_default"],
        "counts": res["counts"], "overall": {k: res["overall"].get(k) for k in keep if k in res["overall"]},
        "join": res.get("join"),
        "divisions": res["divisions"][:top], "n_divisions": len(res["divisions"]),
        "codes": [{k: r[k] for k in keep} for r in res["codes"][:top]],
        "ctl_hints": [{k: r[k] for k in keep} for r in hints[:top]], "n_ctl_hints": len(hints),
        "n_ctl_unset_suggested": len(unset),
    }


def _errors_section(log: Any, catalogue: Catalogue, cat_of: dict[str, str], *, top: int) -> dict[str, Any]:
    from codekit.analyse.confusion import confusion_graph

    G = confusion_graph(log, catalogue)
    by_kind = Counter()
    hot = []
    for code, a in G.nodes(data=True):
        kinds = {k: int(a.get("n_" + k, 0)) for k in ERROR_KINDS}
        by_kind.update(kinds)
        total = int(a.get("n_errors", 0))
        if total:
            hot.append({"code": code, "name": a.get("name", ""), "division": a.get("division", ""),
                        "volume": int(a.get("volume", 0)), "total": total, "error_rate": a.get("error_rate"),
                        "kinds": kinds})
    hot.sort(key=lambda r: (-r["total"], r["code"]))
    # undirected pairs
    pairs: dict[tuple[str, str], dict[str, int]] = {}
    for a, b, d in G.edges(data=True):
        key = (a, b) if a < b else (b, a)
        p = pairs.setdefault(key, {"n": 0, "a_to_b": 0, "b_to_a": 0})
        w = int(d.get("weight", 0))
        p["n"] += w
        p["a_to_b" if (a, b) == key else "b_to_a"] += w
    total = within = 0
    within_by_cat: dict[str, int] = defaultdict(int)
    pair_rows = []
    for (a, b), p in pairs.items():
        ca, cb = cat_of.get(a), cat_of.get(b)
        same = ca is not None and ca == cb
        if a in catalogue and b in catalogue:
            total += p["n"]
            if same:
                within += p["n"]
                within_by_cat[ca] += p["n"]
        pair_rows.append({
            "code_a": a, "name_a": G.nodes[a].get("name", ""), "code_b": b, "name_b": G.nodes[b].get("name", ""),
            "division_a": G.nodes[a].get("division", ""), "division_b": G.nodes[b].get("division", ""),
            **p, "same_category": same, "category_a": ca, "category_b": cb,
        })
    pair_rows.sort(key=lambda r: (-r["n"], r["code_a"], r["code_b"]))
    # the network of the most-confused codes
    strength: Counter = Counter()
    for r in pair_rows:
        strength[r["code_a"]] += r["n"]
        strength[r["code_b"]] += r["n"]
    nodes_ids = [c for c, _ in sorted(strength.items(), key=lambda kv: (-kv[1], kv[0]))[:NETWORK_NODES]]
    chosen = set(nodes_ids)
    net_edges = [r for r in pair_rows if r["code_a"] in chosen and r["code_b"] in chosen][: 3 * NETWORK_NODES]
    linked = {r["code_a"] for r in net_edges} | {r["code_b"] for r in net_edges}
    net_nodes = [{"id": c, "label": c, "group": G.nodes[c].get("division", "") or "(unknown code)",
                  "size": strength[c], "name": G.nodes[c].get("name", "")} for c in nodes_ids if c in linked]
    return {
        "n_events": int(G.graph.get("n_events", 0)),
        "n_confusion_events": int(G.graph.get("n_events_confusion", 0)),
        "by_kind": {k: int(by_kind.get(k, 0)) for k in ERROR_KINDS},
        "hotspots": hot[:top],
        "confusion": {
            "absorbed_share": round(within / total, 4) if total else None,
            "within": within,
            "total": total,
            "top_pairs": pair_rows[:top],
            "nodes": net_nodes,
            "edges": [{"a": r["code_a"], "b": r["code_b"], "weight": r["n"], "within": r["same_category"]}
                      for r in net_edges],
        },
        "_within": dict(within_by_cat),
    }


def proposed_taxonomy(catalogue: Catalogue, log: Any = None, *, seed: int = 311, progress=None):
    """A draft taxonomy proposed in memory by ``codekit.propose`` (default parameters), and a note
    saying so: what ``codekit report`` shows when no taxonomy folder is given."""
    from codekit.propose.draft import category_for
    from codekit.propose.proposal import propose
    from codekit.taxonomy.model import Taxonomy

    if len(catalogue) == 0:
        raise UsageError("the catalogue has no codes", path=str(catalogue.source) or None,
                         hint="check the catalogue file: a report needs at least one active code")
    prop = propose(catalogue, log, seed=seed, progress=progress)
    tax = Taxonomy([category_for(c, catalogue) for c in prop.categories], source="")
    p = prop.params
    how = f"target {p['categories']}" if p.get("categories") else f"threshold {p['threshold']}"
    note = f"a draft proposed by codekit propose ({p['strategy']}, {how}, seed {seed})"
    return tax, note


# --------------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------------

_SECTIONS = (
    ("summary", "Summary"),
    ("divisions", "Codes per division"),
    ("categories", "Category sizes"),
    ("merges", "Largest merges"),
    ("errors", "Error hotspots"),
    ("confusion", "Confusion network"),
    ("steps", "Intake steps"),
    ("timelines", "Timelines"),
    ("questions", "Question bank"),
    ("validation", "Validation"),
)


def _charts(data: dict[str, Any]) -> dict[str, Any]:
    """The report's inline SVG charts (Markup: drawn by matplotlib from the data, nothing of the input raw)."""
    from markupsafe import Markup

    from codekit.report import charts

    top = data["top"]
    out: dict[str, str] = {}
    shown = data["divisions"][:top]
    out["divisions"] = charts.before_after_bars(
        [d["division"] for d in shown], [d["codes_before"] for d in shown], [d["categories_after"] for d in shown],
        title="Codes (before) and public categories reaching the division (after)", xlabel="count",
        before_label="service codes today", after_label="public categories after",
    )
    big = data["category_sizes"][:top]
    out["sizes"] = charts.size_bars([f"{s['label']} ({s['id']})" for s in big], [s["n_codes"] for s in big],
                                    title=f"The {len(big)} largest public categories",
                                    xlabel="service codes in the category")
    e = data["errors"]
    if e is not None:
        hs = e["hotspots"]
        series = {k: [r["kinds"][k] for r in hs] for k in ERROR_KINDS}
        out["hotspots"] = charts.stacked_bars([f"{r['code']} {r['name']}" for r in hs], series,
                                              title=f"The {len(hs)} codes with most intake errors",
                                              xlabel="error events")
        if e["confusion"]["edges"]:
            c = e["confusion"]
            out["network"] = charts.network(c["nodes"], c["edges"], title="Codes residents and staff mix up",
                                            seed=data["seed"])
    t = data.get("timelines")
    if t and t["divisions"]:
        ds = t["divisions"]
        out["timelines"] = charts.sla_vs_actual(
            [d["division"] for d in ds], [d["p50_days"] for d in ds], [d["p90_days"] for d in ds],
            [d["sla_days"] for d in ds], title="Time to close per division: observed p50 and p90 against the stated SLA")
    s = data["steps"]["summary"]
    bd = data["steps"]["by_division"][:top]
    out["steps"] = charts.before_after_bars(
        ["all codes"] + [d["division"] for d in bd],
        [s["before"]["steps"]["weighted"] or 0] + [d["before_steps"] or 0 for d in bd],
        [s["after"]["steps"]["weighted"] or 0] + [d["after_steps"] or 0 for d in bd],
        title="Steps to submit, per division", xlabel="choices + questions (weighted mean)")
    v = data["validation"]
    if v.get("ran") and v["counts"]:
        counts = dict(sorted(v["counts"].items(), key=lambda kv: (-kv[1], kv[0])))
        out["findings"] = charts.findings_bars(counts, title="Findings by type")
    return {k: Markup(svg) for k, svg in out.items()}


def _steps_rows(s: dict[str, Any]) -> list[list[Any]]:
    b, a = s["before"], s["after"]
    return [
        ["menu choices", b["choices"]["weighted"], a["choices"]["weighted"]],
        ["questions", b["questions"]["weighted"], a["questions"]["weighted"]],
        ["\u2003of which routing questions", "", a["routing_questions"]["weighted"]],
        ["\u2003of which fields the taxonomy does not fill yet", "", a["unfilled_fields"]["weighted"]],
        ["steps", b["steps"]["weighted"], a["steps"]["weighted"]],
        ["options read on the way", b["options_scanned"]["weighted"], a["options_scanned"]["weighted"]],
    ]


def _code_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r["code"], r["name"], r["division"], r["volume"], r["before"]["steps"], r["after"]["steps"],
             r["after"]["category"]] for r in rows]


def _days(v: float | None) -> str:
    """Days as the timelines tables show them: '> seen' when the quantile cannot be estimated."""
    return "> seen" if v is None else f"{v:,.1f}"


def _sla(v: float | None) -> str:
    return "none stated" if v is None else f"{v:,.1f}"


def _share(v: float | None) -> str:
    from codekit.report.templates import pct

    return "n/a" if v is None else pct(v, 0)


def _timeline_row(d: dict[str, Any]) -> list[Any]:
    return [d["division"], d["codes"], d["n_requests"], _share(d["open_share"]), _days(d["p50_days"]),
            _days(d["p80_days"]), _days(d["p90_days"]), _sla(d["sla_days"]), _share(d["sla_compliance"]),
            _share(d.get("due_on_time_share"))]


TIMELINE_HEADERS = ["division", "codes", "requests", "still open", "p50 d", "p80 d", "p90 d", "SLA d", "within SLA",
                    "closed by due date"]
CTL_HEADERS = ["code", "name", "division", "requests", "p50 d", "p90 d", "curated level", "suggested level"]


def html_context(data: dict[str, Any]) -> dict[str, Any]:
    """What ``templates/report.html.j2`` shows: the report data, its charts and its table rows."""
    from codekit.report.templates import pct

    top = data["top"]
    divs = data["divisions"]
    sizes = data["category_sizes"]
    hist = Counter(s["n_codes"] for s in sizes)
    e = data["errors"]
    v = data["validation"]
    steps = data["steps"]
    step_tables = [(heading, _code_rows(rows)) for heading, rows in (
        ("Where the most steps are saved (steps saved \u00d7 volume)", steps["most_saved"]),
        ("Codes that now take more steps", steps["more_steps"])) if rows]
    return {
        **data,
        "h": data["headline"], "v": v, "e": e, "s": steps["summary"], "readiness": data.get("readiness"),
        "sections": _SECTIONS, "charts": _charts(data), "t": data.get("timelines"),
        "timeline_headers": TIMELINE_HEADERS, "ctl_headers": CTL_HEADERS,
        "divisions_shown": [[d["division"], d["codes_before"], d["categories_after"]] for d in divs[:top]],
        "divisions_more": max(0, len(divs) - top),
        "n_categories": len(sizes),
        "size_histogram": [[k, hist[k]] for k in sorted(hist)][:top * 2],
        "hotspot_rows": [[r["code"], r["name"], r["division"], r["total"],
                          pct(r["error_rate"], 2) if r["volume"] else "n/a"] for r in e["hotspots"]] if e else [],
        "pair_rows": [[p["code_a"], p["name_a"], p["code_b"], p["name_b"], p["n"], "yes" if p["same_category"] else "no"]
                      for p in e["confusion"]["top_pairs"]] if e else [],
        "steps_rows": _steps_rows(steps["summary"]),
        "step_tables": step_tables,
        "timeline_rows": [_timeline_row(d) for d in (data.get("timelines") or {}).get("divisions", [])],
        "ctl_rows": [[r["code"], r["name"], r["division"], r["n_requests"], _days(r["p50_days"]), _days(r["p90_days"]),
                      r["ctl_level"], r["suggested_ctl_level"]] for r in (data.get("timelines") or {}).get("ctl_hints", [])],
        "finding_rows": [[f["type"], Path(f["file"]).name if f["file"] else "", f["line"] or "", f["code"] or "",
                          f["message"]] for f in v.get("findings", [])],
    }


def render_html(data: dict[str, Any]) -> str:
    """The report as one self-contained HTML document (inline CSS and SVG, no script), from
    ``templates/report.html.j2`` with autoescape. ``data["readiness"]`` (optional,
    ``{"ok", "errors", "warnings", "counts"}``) adds the lint status beside the validation status."""
    from codekit.report.templates import render

    return render("report.html.j2", **html_context(data))


# --------------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------------


def _md(v: Any) -> str:
    text = _num(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else ("" if v is None else str(v))
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _md_table(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(_md(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def render_markdown(data: dict[str, Any], *, top: int = 10) -> str:
    """A short Markdown summary of the report (headline numbers and the top rows of each table)."""
    h = data["headline"]
    v = data["validation"]
    inp = data["inputs"]
    lines = [f"# {_md(data['title'])}", ""]
    lines.append(f"Taxonomy `{inp['taxonomy'] or '(in memory)'}`"
                 + (f" ({_md(inp['taxonomy_note'])})" if inp.get("taxonomy_note") else "")
                 + f"; catalogue `{inp['catalogue'] or '(in memory)'}`; "
                 + (f"error log `{inp['errors']}`." if inp["errors"] else "no error log."))
    lines.append("")
    status = "not run" if not v.get("ran") else ("passed" if v["ok"] else f"{v['n_findings']:,} findings")
    lines += [
        f"- **{h['active_codes']:,} active codes -> {h['categories']:,} public categories** "
        f"({h['codes_per_category']} codes per category, {_pct(h['reduction'])} fewer choices)",
        f"- steps to submit (choices + questions, volume-weighted): {_one(h['steps_before'])} -> "
        f"{_one(h['steps_after'])}; options read on the way: {_one(h['options_before'])} -> {_one(h['options_after'])}",
        f"- questions asked in different words: {h['shared_questions']:,}",
    ]
    if h["confusion_absorbed"] is not None:
        lines.append(f"- confusion absorbed inside one category: {_pct(h['confusion_absorbed'])}")
    lines.append(f"- validation: {status}")
    r = data.get("readiness")
    if r:
        lines.append(f"- readiness: {r['errors']:,} lint error{'' if r['errors'] == 1 else 's'}, "
                     f"{r['warnings']:,} warning{'' if r['warnings'] == 1 else 's'}")
    lines.append("")
    lines += ["## Codes before and after, per division", "",
              _md_table(["division", "codes before", "categories after"],
                        [[d["division"], d["codes_before"], d["categories_after"]] for d in data["divisions"][:top]])]
    lines += ["## Largest merges", "",
              _md_table(["category", "label", "codes", "why"],
                        [[m["id"], m["label"], m["n_codes"], "; ".join(m["why"])] for m in data["merges"][:top]])]
    if data["errors"]:
        e = data["errors"]
        lines += ["## Error hotspots", "",
                  _md_table(["code", "name", "division", "errors"],
                            [[r["code"], r["name"], r["division"], r["total"]] for r in e["hotspots"][:top]])]
        lines += ["## Most-confused pairs", "",
                  _md_table(["code a", "code b", "events", "same category"],
                            [[p["code_a"], p["code_b"], p["n"], "yes" if p["same_category"] else "no"]
                             for p in e["confusion"]["top_pairs"][:top]])]
    t = data.get("timelines")
    if t:
        lines += ["## Timelines: SLA against actual, per division", "",
                  f"From `{t['source']}` ({t['counts']['used']:,} requests timed, {t['counts']['open']:,} still open, "
                  f"as of {t['as_of']}). p50/p80/p90: days until half / 4 in 5 / 9 in 10 were closed (Kaplan-Meier, "
                  "open requests censored); SLA: the request-weighted median of the division's codes; within SLA: "
                  "the share closed within its own code's SLA; closed by due date: of the requests with a due date the source "
                  "recorded (NYC Due Date, Open311 expected_datetime).", "",
                  _md_table(TIMELINE_HEADERS, [_timeline_row(d) for d in t["divisions"][:top]])]
        if t["ctl_hints"]:
            lines += [f"### Suggested Closing-the-Loop level differs from the curated one ({t['n_ctl_hints']:,} codes)",
                      "", "A hint from the observed duration and spread (docs/timelines.md); the curated level stays.",
                      "", _md_table(CTL_HEADERS, [[r["code"], r["name"], r["division"], r["n_requests"],
                                                    _days(r["p50_days"]), _days(r["p90_days"]), r["ctl_level"],
                                                    r["suggested_ctl_level"]] for r in t["ctl_hints"][:top]])]
    s = data["steps"]
    lines += ["## Intake steps (weighted mean per request)", "",
              _md_table(["division", "before", "after"],
                        [["all codes", s["summary"]["before"]["steps"]["weighted"],
                          s["summary"]["after"]["steps"]["weighted"]]]
                        + [[d["division"], d["before_steps"], d["after_steps"]] for d in s["by_division"][:top]])]
    lines += ["## Question bank", "",
              _md_table(["id", "shared question", "codes", "wordings today"],
                        [[q["id"], f"{q['key']}: {q['prompt']}", q["n_codes"],
                          "; ".join(f"{x['key']}: {x['prompt']}" for x in q["variants"][:4])]
                         for q in data["question_bank"][:top]])]
    if v.get("ran"):
        lines += ["## Validation", "", _md_table(["finding type", "count"], [[k, n] for k, n in v["counts"].items()])
                  if v["counts"] else "No findings: every promise holds.\n"]
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


def write_report(data: dict[str, Any], html_path: str | Path | None, markdown_path: str | Path | None = None,
                 *, inputs=()) -> dict[str, str]:
    """Render and write the HTML (and Markdown) report; returns ``{"html": path, "markdown": path}``.

    Both are rendered and both output paths checked before either is written."""
    from codekit.io.files import check_outputs, write_text_atomic

    check_outputs([html_path, markdown_path], inputs=inputs, make_parents=False)
    written: dict[str, str] = {}
    html_text = render_html(data) if html_path is not None else None
    md_text = render_markdown(data) if markdown_path is not None else None
    if html_text is not None:
        written["html"] = str(write_text_atomic(html_path, html_text, make_parents=False, inputs=inputs))
    if md_text is not None:
        written["markdown"] = str(write_text_atomic(markdown_path, md_text, make_parents=False, inputs=inputs))
    return written


def make_report(taxonomy: Any, catalogue: Catalogue, log: Any = None, *, out: str | Path | None,
                markdown: str | Path | None = None, top: int = DEFAULT_TOP, run_validation: bool = True,
                seed: int = 311, progress: Callable[..., None] | None = None,
                lint_options: Any = None, requests: Any = None, requests_format: str | None = None,
                requests_columns: str | None = None, as_of: str | None = None) -> dict[str, Any]:
    """``codekit report``: the report of ``taxonomy`` (a folder, a Taxonomy, or ``None`` for a draft proposed in
    memory) written to ``out`` (and ``markdown``); returns what ``--json`` prints: ``{"written", "headline",
    "inputs"}``. Both outputs are checked before any work, and again before either is written."""
    from codekit.io.files import check_outputs

    step = progress or (lambda *a, **k: None)
    inputs = [p for p in (catalogue.source or None, getattr(log, "source", None) or None, requests) if p]
    inputs = [p for p in inputs if Path(str(p)).exists()]
    check_outputs([out, markdown], inputs=inputs, make_parents=False)
    note = ""
    if taxonomy is None:
        step(1, description="proposing a draft taxonomy")
        taxonomy, note = proposed_taxonomy(catalogue, log, seed=seed)
    data = build_report(taxonomy, catalogue, log, top=top, run_validation=run_validation, seed=seed,
                        taxonomy_note=note, progress=progress, lint_options=lint_options, requests=requests,
                        requests_format=requests_format, requests_columns=requests_columns, as_of=as_of)
    step(1, description=f"writing {out}")
    written = write_report(data, out, markdown, inputs=inputs)
    out = {"written": written, "headline": data["headline"], "inputs": data["inputs"]}
    if data.get("readiness") is not None:
        out["readiness"] = data["readiness"]
    return out


__all__ = ["build_report", "make_report", "proposed_taxonomy", "render_html", "render_markdown", "write_report",
           "DEFAULT_TOP"]
