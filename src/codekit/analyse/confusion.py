"""The confusion graph: which codes residents (and intake staff) mix up, from the error log.

Nodes are service codes (with their division, section, volume, and error counts and rates by kind);
a directed edge ``a -> b`` carries the re-coded and transferred events submitted under ``a`` that
should have been ``b``. Edges between divisions are marked ``cross_division``.

The aggregation runs in polars (lazy) through :mod:`codekit.analyse.errorstats`; the graph is
networkx. :func:`write_graphml` and :func:`graph_to_json` are deterministic (sorted nodes and edges,
no timestamps).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from codekit.errors import InputError, UsageError
from codekit.model import CONFUSION_KINDS, ERROR_KINDS, Catalogue

GRAPH_SCHEMA = "codekit/confusion-graph"
GRAPH_SCHEMA_VERSION = 1


def _lazy(log):
    """A polars LazyFrame from an ErrorLog, a DataFrame or a LazyFrame."""
    import polars as pl

    if hasattr(log, "lazy") and not isinstance(log, (pl.DataFrame, pl.LazyFrame)):
        lf = log.lazy
        return lf() if callable(lf) else lf
    if isinstance(log, pl.DataFrame):
        return log.lazy()
    if isinstance(log, pl.LazyFrame):
        return log
    raise UsageError(f"not an error log: {type(log).__name__}")


def aggregate_edges(log):
    """Re-coded + transferred events per (submitted_code, correct_code, kind), sorted by n desc.

    Uses ``errorstats.confusion_edges`` when it is available; the fallback is the same polars query.
    """
    try:
        from codekit.analyse.errorstats import confusion_edges
    except ImportError:
        confusion_edges = None
    if confusion_edges is not None:
        return confusion_edges(log)
    import polars as pl

    return (
        _lazy(log)
        .filter(pl.col("kind").is_in(list(CONFUSION_KINDS)) & pl.col("correct_code").is_not_null()
                & (pl.col("correct_code") != ""))
        .group_by(["submitted_code", "correct_code", "kind"])
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .sort(["n", "submitted_code", "correct_code", "kind"], descending=[True, False, False, False])
        .collect()
    )


def aggregate_code_kinds(log):
    """Events per (submitted code, kind)."""
    try:
        from codekit.analyse.errorstats import code_kind_counts
    except ImportError:
        code_kind_counts = None
    if code_kind_counts is not None:
        return code_kind_counts(log)
    import polars as pl

    return (
        _lazy(log)
        .group_by([pl.col("submitted_code").alias("code"), "kind"])
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .sort(["code", "kind"])
        .collect()
    )


def confusion_graph(log, catalogue: Catalogue, *, edges=None, code_kinds=None):
    """The confusion graph of ``log`` over ``catalogue`` (a ``networkx.DiGraph``).

    Node attributes: name, division, section, volume (0 when unknown), in_catalogue, ``n_<kind>`` for
    every error kind, n_errors, ``rate_<kind>`` (events / volume, 0 when the volume is unknown).
    Edge attributes: weight (all confusion events), recoded, transferred, cross_division.
    Graph attributes: schema, n_events_confusion, n_events_unknown_codes.

    Raises :class:`InputError` when the log has no usable events at all.
    """
    import networkx as nx

    if edges is None:
        edges = aggregate_edges(log)
    if code_kinds is None:
        code_kinds = aggregate_code_kinds(log)
    n_events = int(code_kinds["n"].sum()) if code_kinds.height else 0
    if n_events == 0:
        raise InputError(
            "the error log has no usable events",
            path=getattr(log, "source", None) or None,
            hint="check that it has rows with a kind and a submitted_code",
        )
    kinds: dict[str, dict[str, int]] = defaultdict(dict)
    for code, kind, n in code_kinds.select(["code", "kind", "n"]).iter_rows():
        if code is None or kind is None:
            continue
        kinds[code][kind] = kinds[code].get(kind, 0) + int(n)
    G = nx.DiGraph()
    G.graph["schema"] = GRAPH_SCHEMA
    G.graph["schema_version"] = GRAPH_SCHEMA_VERSION
    G.graph["source"] = str(getattr(log, "source", "") or "")

    edge_rows: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {k: 0 for k in CONFUSION_KINDS})
    for a, b, kind, n in edges.select(["submitted_code", "correct_code", "kind", "n"]).iter_rows():
        if a is None or b is None or a == b:
            continue
        edge_rows[(a, b)][kind] += int(n)

    node_ids = set(catalogue.code_ids) | set(kinds) | {a for a, _ in edge_rows} | {b for _, b in edge_rows}
    for code in sorted(node_ids):
        sc = catalogue.get(code)
        vol = (sc.volume or 0) if sc else 0
        k = kinds.get(code, {})
        attrs: dict[str, Any] = {
            "name": sc.name if sc else "",
            "division": sc.division if sc else "",
            "section": sc.section if sc else "",
            "volume": int(vol),
            "in_catalogue": sc is not None,
        }
        total = 0
        for kind in ERROR_KINDS:
            attrs["n_" + kind] = int(k.get(kind, 0))
            total += int(k.get(kind, 0))
        attrs["n_errors"] = total
        for kind in ERROR_KINDS:
            attrs["rate_" + kind] = round(k.get(kind, 0) / vol, 6) if vol else 0.0
        attrs["error_rate"] = round(total / vol, 6) if vol else 0.0
        G.add_node(code, **attrs)
    unknown = 0
    for (a, b) in sorted(edge_rows):
        row = edge_rows[(a, b)]
        w = sum(row.values())
        da, db = G.nodes[a]["division"], G.nodes[b]["division"]
        G.add_edge(a, b, weight=int(w), **{k: int(v) for k, v in row.items()},
                   cross_division=bool(da and db and da != db))
        if not (G.nodes[a]["in_catalogue"] and G.nodes[b]["in_catalogue"]):
            unknown += w
    G.graph["n_events"] = n_events
    G.graph["n_events_confusion"] = int(sum(sum(r.values()) for r in edge_rows.values()))
    G.graph["n_events_confusion_unknown_codes"] = int(unknown)
    return G


def summarise(G, *, top: int = 15) -> dict[str, Any]:
    """Top confused pairs (both directions added), cross-division share, codes with most errors."""
    pairs: dict[tuple[str, str], dict[str, int]] = {}
    for a, b, d in G.edges(data=True):
        lo, hi = sorted((a, b))
        p = pairs.setdefault((lo, hi), {"a_to_b": 0, "b_to_a": 0, "recoded": 0, "transferred": 0})
        p["a_to_b" if a == lo else "b_to_a"] += d["weight"]
        for k in CONFUSION_KINDS:
            p[k] += d.get(k, 0)
    total = sum(d["weight"] for _, _, d in G.edges(data=True))
    cross = sum(d["weight"] for _, _, d in G.edges(data=True) if d.get("cross_division"))
    rows = []
    for (a, b), p in pairs.items():
        n = p["a_to_b"] + p["b_to_a"]
        na, nb = G.nodes[a], G.nodes[b]
        rows.append({
            "code_a": a, "name_a": na["name"], "division_a": na["division"],
            "code_b": b, "name_b": nb["name"], "division_b": nb["division"],
            "n": int(n), "a_to_b": p["a_to_b"], "b_to_a": p["b_to_a"],
            "recoded": p["recoded"], "transferred": p["transferred"],
            "share": round(n / total, 6) if total else 0.0,
            "cross_division": bool(na["division"] and nb["division"] and na["division"] != nb["division"]),
        })
    rows.sort(key=lambda r: (-r["n"], r["code_a"], r["code_b"]))
    by_div: dict[tuple[str, str], int] = defaultdict(int)
    for a, b, d in G.edges(data=True):
        if d.get("cross_division"):
            by_div[(G.nodes[a]["division"], G.nodes[b]["division"])] += d["weight"]
    cross_rows = [
        {"from_division": a, "to_division": b, "n": int(n), "share": round(n / total, 6) if total else 0.0}
        for (a, b), n in sorted(by_div.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    codes = []
    for code, d in G.nodes(data=True):
        if d["n_errors"]:
            codes.append({
                "code": code, "name": d["name"], "division": d["division"], "volume": d["volume"],
                "n_errors": d["n_errors"], "error_rate": d["error_rate"],
                "by_kind": {k: d["n_" + k] for k in ERROR_KINDS if d["n_" + k]},
                "rate_by_kind": {k: d["rate_" + k] for k in ERROR_KINDS if d["n_" + k] and d["volume"]},
            })
    codes.sort(key=lambda r: (-r["error_rate"], -r["n_errors"], r["code"]))
    return {
        "n_codes": G.number_of_nodes(),
        "n_edges": G.number_of_edges(),
        "n_events": int(G.graph.get("n_events", 0)),
        "n_confusion_events": int(total),
        "n_confusion_events_unknown_codes": int(G.graph.get("n_events_confusion_unknown_codes", 0)),
        "cross_division_events": int(cross),
        "cross_division_share": round(cross / total, 6) if total else 0.0,
        "top_confusions": rows[: max(top, 0)],
        "cross_division": cross_rows[: max(top, 0)],
        "top_error_rates": codes[: max(top, 0)],
    }


def graph_to_json(G) -> dict[str, Any]:
    """A JSON-ready dict of the graph: sorted nodes and edges (node-link style)."""
    return {
        "schema": GRAPH_SCHEMA,
        "schema_version": GRAPH_SCHEMA_VERSION,
        "graph": {k: G.graph[k] for k in sorted(G.graph) if k not in ("schema", "schema_version")},
        "nodes": [{"id": n, **{k: d[k] for k in sorted(d)}} for n, d in sorted(G.nodes(data=True))],
        "edges": [
            {"source": a, "target": b, **{k: d[k] for k in sorted(d)}}
            for a, b, d in sorted(G.edges(data=True), key=lambda e: (e[0], e[1]))
        ],
    }


def _atomic_write(path: str | Path, data: bytes) -> Path:
    from codekit.io.files import write_bytes_atomic

    return write_bytes_atomic(path, data, make_parents=False)


def write_json(G, path: str | Path) -> Path:
    import json

    text = json.dumps(graph_to_json(G), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return _atomic_write(path, text.encode("utf-8"))


def write_graphml(G, path: str | Path) -> Path:
    """GraphML with nodes and edges in sorted order (byte-identical for the same graph)."""
    import io

    import networkx as nx

    H = nx.DiGraph()
    H.graph.update({k: (v if isinstance(v, (int, float, bool, str)) else str(v)) for k, v in sorted(G.graph.items())})
    for n, d in sorted(G.nodes(data=True)):
        H.add_node(n, **{k: d[k] for k in sorted(d)})
    for a, b, d in sorted(G.edges(data=True), key=lambda e: (e[0], e[1])):
        H.add_edge(a, b, **{k: d[k] for k in sorted(d)})
    buf = io.BytesIO()
    nx.write_graphml(H, buf, encoding="utf-8", prettyprint=True)
    return _atomic_write(path, buf.getvalue())


def confusion_report(log, catalogue: Catalogue, *, top: int = 15, graphml=None, json_path=None) -> dict[str, Any]:
    """Build the graph, optionally write it, and return its summary (what `codekit confusion` prints).

    Both outputs are checked before either is written, so a bad second path leaves the first untouched."""
    from codekit.io.files import check_outputs

    source = getattr(log, "source", None)
    check_outputs([graphml or None, json_path or None],
                  inputs=[source if source and getattr(log, "format", "") in ("csv", "parquet") else None,
                          catalogue.source or None])
    G = confusion_graph(log, catalogue)
    out = summarise(G, top=top)
    written = {}
    if graphml:
        written["graphml"] = str(write_graphml(G, graphml))
    if json_path:
        written["json"] = str(write_json(G, json_path))
    out["written"] = written
    return out
