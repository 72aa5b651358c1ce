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

import html
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable

from codekit import __version__
from codekit.errors import UsageError
from codekit.model import ERROR_KINDS, Catalogue

#: Rows shown in each table and chart by default.
DEFAULT_TOP = 20
#: Nodes drawn in the confusion network.
NETWORK_NODES = 24


def _esc(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def _pct(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"


def _one(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1f}"


def _num(x: Any) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:,}"


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
) -> dict[str, Any]:
    """Everything the report shows, as plain data.

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
    before = Counter(c.division or "(no division)" for c in active)
    after: dict[str, set[str]] = defaultdict(set)
    for cat in taxonomy:
        for code in cat_codes[cat.id]:
            sc = catalogue.get(code)
            if sc is not None and sc.active:
                after[sc.division or "(no division)"].add(cat.id)
    divisions = [
        {"division": d, "codes_before": before[d], "categories_after": len(after.get(d, ()))}
        for d in sorted(before, key=lambda d: (-before[d], d))
    ]

    # -- error log: hotspots and the confusion network
    errors = None
    edge_within: dict[tuple[str, str], int] = {}
    if log is not None:
        step(1, description="reading the error log")
        errors = _errors_section(log, catalogue, cat_of, top=top)
        edge_within = errors.pop("_within")

    # -- categories: sizes and the largest merges
    step(1, description="measuring categories")
    cats = []
    for cat in taxonomy:
        codes = [c for c in cat_codes[cat.id]]
        members = [catalogue.get(c) for c in codes]
        members = [m for m in members if m is not None]
        divs = Counter(m.division for m in members if m.division)
        field_sets = [{f.key for f in m.fields if f.variable} for m in members if m.fields]
        shared_fields = sorted(set.intersection(*field_sets)) if len(field_sets) > 1 and len(field_sets) == len(members) else []
        conf = edge_within.get(cat.id) if errors is not None else None
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

    # -- intake steps and the question bank
    step(1, description="counting intake steps")
    steps = intake_steps(taxonomy, catalogue)
    reached = [r for r in steps["codes"] if r["after"] is not None]
    most_saved = sorted(reached, key=lambda r: (-r["saved"] * max(1, r["volume"]), r["code"]))[:top]
    more_steps = sorted([r for r in reached if r["saved"] < 0], key=lambda r: (r["saved"], -r["volume"], r["code"]))[:top]
    unreached = [r for r in steps["codes"] if r["after"] is None]
    qbank = question_bank(catalogue)

    # -- validation
    validation: dict[str, Any]
    if run_validation:
        step(1, description="validating")
        from codekit.validate import validate

        rep = validate(taxonomy, catalogue, seed=seed)
        validation = {
            "ran": True,
            "ok": rep.ok,
            "counts": rep.counts(),
            "stats": {k: v for k, v in rep.stats.items() if not isinstance(v, dict)},
            "proof": rep.stats.get("proof", {}),
            "by_division": {d: len(fs) for d, fs in rep.by_division().items()},
            "findings": [f.to_dict() for f in rep.findings[:top]],
            "n_findings": len(rep.findings),
        }
    else:
        validation = {"ran": False}
    from codekit.validate.lint import lint

    readiness = lint(taxonomy, catalogue, options=lint_options).readiness()

    n_cat = len(taxonomy)
    headline = {
        "codes": len(catalogue),
        "active_codes": len(active),
        "categories": n_cat,
        "groups": len(taxonomy.groups()),
        "codes_per_category": round(len(active) / n_cat, 2),
        "reduction": round(1 - n_cat / len(active), 4),
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
        },
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

_CSS = """
:root{--ink:#1b1f24;--muted:#5b6470;--line:#d9dee4;--accent:#0072B2;--ok:#1a7f37;--bad:#b42318;--bg:#fff}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
header,main,footer{max-width:1120px;margin:0 auto;padding:0 20px}
header{padding-top:24px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:20px;margin:34px 0 8px;padding-top:8px;border-top:2px solid var(--line)}
h3{font-size:16px;margin:18px 0 6px}
p.lead,.muted{color:var(--muted)}
nav.toc{margin:12px 0 0;font-size:14px}
nav.toc a{margin-right:14px;color:var(--accent);text-decoration:none;white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px;margin:16px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card .v{font-size:22px;font-weight:700;white-space:nowrap}
.card .k{font-size:12.5px;color:var(--muted)}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:700;font-size:13px}
.badge.ok{background:#dafbe1;color:var(--ok)}.badge.bad{background:#ffebe9;color:var(--bad)}.badge.na{background:#eef1f4;color:var(--muted)}
figure{margin:12px 0;break-inside:avoid;page-break-inside:avoid}
figure svg{max-width:100%;height:auto;display:block}
figcaption{font-size:13px;color:var(--muted)}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:18px}
@media (max-width:900px){.grid2{grid-template-columns:1fr}}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:8px 0 14px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f5f7f9;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
ul.why{margin:0;padding-left:18px}
footer{margin:36px auto 24px;font-size:12.5px;color:var(--muted)}
@media print{
 body{font-size:11pt}
 nav.toc{display:none}
 header,main,footer{max-width:none;padding:0}
 h2{break-before:page;page-break-before:always;border-top:none}
 h2.first{break-before:auto;page-break-before:auto}
 table,figure,.card{break-inside:avoid;page-break-inside:avoid}
 tr{break-inside:avoid}
 a{color:inherit;text-decoration:none}
 .grid2{grid-template-columns:1fr}
}
"""

_SECTIONS = (
    ("summary", "Summary"),
    ("divisions", "Codes per division"),
    ("categories", "Category sizes"),
    ("merges", "Largest merges"),
    ("errors", "Error hotspots"),
    ("confusion", "Confusion network"),
    ("steps", "Intake steps"),
    ("questions", "Question bank"),
    ("validation", "Validation"),
)


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] = frozenset(), raw: set[int] = frozenset(),
           testid: str = "") -> str:
    """An HTML table; every cell escaped unless its column is in ``raw`` (pre-escaped HTML)."""
    tid = f' data-testid="{_esc(testid)}"' if testid else ""
    out = [f"<table{tid}><thead><tr>"]
    for i, h in enumerate(headers):
        out.append(f'<th{" class=n" if i in numeric else ""}>{_esc(h)}</th>')
    out.append("</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>")
        for i, v in enumerate(r):
            cell = v if i in raw else _esc(_num(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
            out.append(f'<td{" class=n" if i in numeric else ""}>{cell}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _figure(svg: str, caption: str, testid: str) -> str:
    return f'<figure data-testid="{_esc(testid)}">{svg}<figcaption>{_esc(caption)}</figcaption></figure>'


def _card(value: str, key: str) -> str:
    return f'<div class="card"><div class="v">{_esc(value)}</div><div class="k">{_esc(key)}</div></div>'


def render_html(data: dict[str, Any]) -> str:
    """The report as one self-contained HTML document (inline CSS and SVG, no script)."""
    from codekit.report import charts

    h = data["headline"]
    inp = data["inputs"]
    top = data["top"]
    parts: list[str] = []
    a = parts.append
    a("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
    a('<meta name="viewport" content="width=device-width, initial-scale=1">')
    a(f"<meta name=\"generator\" content=\"codekit {_esc(data['codekit_version'])}\">")
    a(f"<title>{_esc(data['title'])}</title><style>{_CSS}</style></head><body>")
    a(f"<header><h1>{_esc(data['title'])}</h1>")
    src = [f"taxonomy <code>{_esc(inp['taxonomy'] or '(in memory)')}</code>"]
    if inp.get("taxonomy_note"):
        src.append(_esc(inp["taxonomy_note"]))
    src.append(f"catalogue <code>{_esc(inp['catalogue'] or '(in memory)')}</code>")
    src.append(f"error log <code>{_esc(inp['errors'])}</code>" if inp["errors"] else "no error log")
    a(f"<p class=\"lead\">{'; '.join(src)}.</p>")
    a('<nav class="toc">' + "".join(f'<a href="#{k}">{_esc(t)}</a>' for k, t in _SECTIONS) + "</nav></header><main>")

    # summary
    a('<h2 id="summary" class="first">Summary</h2>')
    v = data["validation"]
    if not v.get("ran"):
        badge = '<span class="badge na" data-testid="validation-status">validation not run</span>'
    elif v["ok"]:
        badge = '<span class="badge ok" data-testid="validation-status">validation passed</span>'
    else:
        badge = f'<span class="badge bad" data-testid="validation-status">{v["n_findings"]:,} validation findings</span>'
    rd = data.get("readiness")
    if rd:
        badge += (f' <span class="badge {"ok" if rd["ok"] else "bad"}" data-testid="readiness-status">'
                  + ("ready to publish" if rd["ok"] else f"not ready: {rd['errors']:,} lint errors")
                  + f" ({rd['warnings']:,} warnings)</span>")
    a(f"<p>{h['active_codes']:,} active service codes (of {h['codes']:,}) become <b>{h['categories']:,} public "
      f"categories</b> in {h['groups']:,} groups: {h['codes_per_category']} codes per category, "
      f"{_pct(h['reduction'])} fewer choices. {badge}</p>")
    a('<div class="cards" data-testid="headline">')
    a(_card(f"{h['active_codes']:,} \u2192 {h['categories']:,}", "active codes \u2192 public categories"))
    a(_card(_pct(h["reduction"]), "fewer things to choose from"))
    sb, sa = h["steps_before"], h["steps_after"]
    a(_card(f"{_one(sb)} \u2192 {_one(sa)}", "steps to submit: choices + questions (volume-weighted)"))
    ob, oa = h["options_before"], h["options_after"]
    a(_card(f"{_one(ob)} \u2192 {_one(oa)}", "options read on the way to a code (volume-weighted)"))
    if h["confusion_absorbed"] is not None:
        a(_card(_pct(h["confusion_absorbed"]), "of code confusion now inside one category"))
    a(_card(f"{h['shared_questions']:,}", "questions asked in different words (question bank)"))
    if h["unrouted_active_codes"]:
        a(_card(f"{h['unrouted_active_codes']:,}", "active codes no category reaches"))
    a("</div>")

    # divisions
    a('<h2 id="divisions">Codes before and after, per division</h2>')
    divs = data["divisions"]
    shown = divs[:top]
    a(_figure(
        charts.before_after_bars(
            [d["division"] for d in shown], [d["codes_before"] for d in shown], [d["categories_after"] for d in shown],
            title="Codes (before) and public categories reaching the division (after)", xlabel="count",
            before_label="service codes today", after_label="public categories after",
        ),
        "A category that routes to several divisions counts once for each of them.", "chart-divisions",
    ))
    a(_table(["division", "codes before", "categories after"],
             [[d["division"], d["codes_before"], d["categories_after"]] for d in shown], numeric={1, 2}))
    if len(divs) > top:
        a(f"<p class=\"muted\">{len(divs) - top:,} more divisions not shown.</p>")

    # category sizes
    a('<h2 id="categories">Category sizes</h2>')
    sizes = data["category_sizes"]
    big = sizes[:top]
    hist = Counter(s["n_codes"] for s in sizes)
    a(_figure(
        charts.size_bars([f"{s['label']} ({s['id']})" for s in big], [s["n_codes"] for s in big],
                         title=f"The {len(big)} largest public categories", xlabel="service codes in the category"),
        f"{len(sizes):,} categories in all.", "chart-category-sizes",
    ))
    a(_table(["codes in a category", "categories"], [[k, hist[k]] for k in sorted(hist)][:top * 2], numeric={0, 1}))

    # merges
    a('<h2 id="merges">The largest merges and why they were made</h2>')
    rows = []
    for m in data["merges"]:
        why = "<ul class=why>" + "".join(f"<li>{_esc(w)}</li>" for w in m["why"]) + "</ul>" if m["why"] else ""
        if m["notes"]:
            why += f'<div class="muted">{_esc(m["notes"][:300])}</div>'
        members = ", ".join(f"<code>{_esc(x['code'])}</code> {_esc(x['name'])}" for x in m["members"][:6])
        if m["n_codes"] > 6:
            members += f" \u2026 (+{m['n_codes'] - 6})"
        rows.append([f"<b>{_esc(m['label'])}</b><br><code>{_esc(m['id'])}</code>", m["n_codes"], why, members])
    a(_table(["category", "codes", "why", "members"], rows, numeric={1}, raw={0, 2, 3}, testid="merges")
      if rows else "<p>No category merges two or more codes.</p>")

    # errors
    a('<h2 id="errors">Error hotspots by code and kind</h2>')
    e = data["errors"]
    if e is None:
        a("<p class=\"muted\">No error log given (pass <code>--errors LOG</code>).</p>")
    else:
        hs = e["hotspots"]
        series = {k: [r["kinds"][k] for r in hs] for k in ERROR_KINDS}
        a(_figure(charts.stacked_bars([f"{r['code']} {r['name']}" for r in hs], series,
                                      title=f"The {len(hs)} codes with most intake errors", xlabel="error events"),
                  f"{e['n_events']:,} error events in all.", "chart-hotspots"))
        a(_table(["kind", "events"], [[k, n] for k, n in e["by_kind"].items()], numeric={1}))
        a(_table(["code", "name", "division", "errors", "error rate"],
                 [[r["code"], r["name"], r["division"], r["total"], _pct(r["error_rate"], 2) if r["volume"] else "n/a"]
                  for r in hs], numeric={3, 4}))

    # confusion
    a('<h2 id="confusion">Confusion network of the most-confused codes</h2>')
    if e is None or not e["confusion"]["edges"]:
        a("<p class=\"muted\">No re-coded or transferred events to draw.</p>")
    else:
        c = e["confusion"]
        a(_figure(charts.network(c["nodes"], c["edges"], title="Codes residents and staff mix up", seed=data["seed"]),
                  "Node size: confusion events; colour: division; solid edge: both codes now in one category "
                  "(a routing question absorbs the mix-up); dashed: still in different categories.",
                  "chart-confusion"))
        a(f"<p>{_pct(c['absorbed_share'])} of re-coded/transferred events ({c['within']:,} of {c['total']:,}) are "
          "between two codes that now share a public category.</p>")
        a(_table(["code a", "name a", "code b", "name b", "events", "same category"],
                 [[p["code_a"], p["name_a"], p["code_b"], p["name_b"], p["n"], "yes" if p["same_category"] else "no"]
                  for p in c["top_pairs"]], numeric={4}))

    # steps
    a('<h2 id="steps">Intake steps before and after</h2>')
    s = data["steps"]["summary"]
    a("<p>Before: pick a division, a section and a code from the catalogue, then answer each of the code's "
      "operational fields. After: pick a group and a category, answer the routing questions asked on the "
      "way to the code (dependent questions only when they matter), then the remaining questions. "
      f"Weighted by {_esc(s['weighted_by'])}.</p>")
    bd = data["steps"]["by_division"][:top]
    a('<div class="grid2">')
    a(_figure(charts.before_after_bars(
        ["all codes"] + [d["division"] for d in bd],
        [s["before"]["steps"]["weighted"] or 0] + [d["before_steps"] or 0 for d in bd],
        [s["after"]["steps"]["weighted"] or 0] + [d["after_steps"] or 0 for d in bd],
        title="Steps to submit, per division", xlabel="choices + questions (weighted mean)"),
        "Steps = menu choices + questions.", "chart-steps"))
    rows = [
        ["menu choices", s["before"]["choices"]["weighted"], s["after"]["choices"]["weighted"]],
        ["questions", s["before"]["questions"]["weighted"], s["after"]["questions"]["weighted"]],
        ["\u2003of which routing questions", "", s["after"]["routing_questions"]["weighted"]],
        ["\u2003of which fields the taxonomy does not fill yet", "", s["after"]["unfilled_fields"]["weighted"]],
        ["steps", s["before"]["steps"]["weighted"], s["after"]["steps"]["weighted"]],
        ["options read on the way", s["before"]["options_scanned"]["weighted"], s["after"]["options_scanned"]["weighted"]],
    ]
    a("<div>" + _table(["weighted mean per request", "before", "after"], rows, numeric={1, 2}, testid="steps-summary"))
    a(f"<p>{s['n_fewer_steps']:,} codes need fewer steps, {s['n_more_steps']:,} need more; "
      f"{s['n_unreached']:,} active codes are not reached by any route.</p></div></div>")
    ms = data["steps"]["most_saved"]
    if ms:
        a("<h3>Where the most steps are saved (steps saved \u00d7 volume)</h3>")
        a(_table(["code", "name", "division", "volume", "before", "after", "category"],
                 [[r["code"], r["name"], r["division"], r["volume"], r["before"]["steps"], r["after"]["steps"],
                   r["after"]["category"]] for r in ms], numeric={3, 4, 5}))
    mo = data["steps"]["more_steps"]
    if mo:
        a("<h3>Codes that now take more steps</h3>")
        a(_table(["code", "name", "division", "volume", "before", "after", "category"],
                 [[r["code"], r["name"], r["division"], r["volume"], r["before"]["steps"], r["after"]["steps"],
                   r["after"]["category"]] for r in mo], numeric={3, 4, 5}))

    # question bank
    a('<h2 id="questions">Question bank: one question, many wordings</h2>')
    qb = data["question_bank"]
    if not qb:
        a("<p class=\"muted\">No operational field is asked in different words.</p>")
    else:
        a(f"<p>{data['n_question_bank']:,} questions are asked under different keys or wordings; each could be one "
          "shared question, asked once per category and mapped to each code's own field.</p>")
        rows = []
        for q in qb:
            variants = "<br>".join(
                f"<code>{_esc(x['key'])}</code> \u201c{_esc(x['prompt'])}\u201d ({x['n_codes']:,})" for x in q["variants"][:6])
            if len(q["variants"]) > 6:
                variants += f"<br>\u2026 +{len(q['variants']) - 6}"
            rows.append([_esc(q["id"]), f"<code>{_esc(q['key'])}</code> \u201c{_esc(q['prompt'])}\u201d",
                         _esc(_num(q["n_codes"])), variants, _esc("; ".join(q["reasons"]))])
        a(_table(["id", "proposed shared question", "codes", "asked today as (codes)", "found by"], rows,
                 numeric={2}, raw={0, 1, 2, 3, 4}, testid="question-bank"))

    # validation
    a('<h2 id="validation">Validation status</h2>')
    if not v.get("ran"):
        a("<p class=\"muted\">Validation was not run (<code>--no-validate</code>).</p>")
    else:
        p = v["proof"]
        a(f"<p>{badge} {v['stats'].get('routes', 0):,} routes, {v['stats'].get('answer_combinations', 0):,} answer "
          f"combinations, {v['stats'].get('reached_codes', 0):,} of {v['stats'].get('active_codes', 0):,} active codes "
          f"reached; proof by exhaustion: {p.get('combinations_checked', 0):,} of {p.get('combinations_total', 0):,} "
          "pick-list combinations checked.</p>")
        if v["counts"]:
            counts = dict(sorted(v["counts"].items(), key=lambda kv: (-kv[1], kv[0])))
            a(_figure(charts.findings_bars(counts, title="Findings by type"),
                      "Run `codekit validate` for every finding with its file and line.", "chart-validation"))
            a(_table(["type", "file", "line", "code", "message"],
                     [[f["type"], Path(f["file"]).name if f["file"] else "", f["line"] or "", f["code"] or "",
                       f["message"]] for f in v["findings"]], numeric={2}))
            if v["n_findings"] > len(v["findings"]):
                a(f"<p class=\"muted\">{v['n_findings'] - len(v['findings']):,} more findings not shown.</p>")
    a("</main>")
    a(f"<footer>Made by codekit {_esc(data['codekit_version'])} (<code>codekit report</code>). Tables and charts "
      f"show the top {top} rows. This file needs no network.</footer></body></html>\n")
    return "".join(parts)


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
    lines += [f"- validation: {status}"]
    rd = data.get("readiness")
    if rd:
        lines.append(f"- readiness (codekit lint): {'ready' if rd['ok'] else 'not ready'}, {rd['errors']:,} errors, "
                     f"{rd['warnings']:,} warnings")
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


__all__ = ["build_report", "proposed_taxonomy", "render_html", "render_markdown", "write_report", "DEFAULT_TOP"]
