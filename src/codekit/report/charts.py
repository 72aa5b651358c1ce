"""Charts of the consolidation report as inline SVG text (matplotlib, Agg backend, byte-stable).

Every function takes plain data and returns an ``<svg ...>`` string ready to inline in HTML (no XML
declaration, no DOCTYPE). Same data, same bytes: ``svg.hashsalt`` is fixed, the ``Date`` metadata is
left out, mathtext is off (a ``$`` in a name stays a ``$``) and text stays text (``svg.fonttype``
``none``: small files, selectable labels; matplotlib escapes it). matplotlib is imported inside.
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

#: Colours (colour-blind safe, Okabe-Ito) for before/after and for error kinds.
BEFORE = "#999999"
AFTER = "#0072B2"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

_RC = {
    "svg.hashsalt": "codekit-report",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "figure.dpi": 100,
}


@contextmanager
def _mpl() -> Iterator[Any]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(_RC):
        yield plt


def _svg(plt, fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    i = text.find("<svg")
    text = text[i:]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)  # RDF boilerplate: not needed inline
    text = text.replace("<svg ", '<svg role="img" ', 1)
    return text.strip() + "\n"


def short(text: str, n: int = 38) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _label_axes(ax, ys: Sequence[int], labels: Sequence[str], width: int, *, xlabel: str, title: str) -> None:
    """The house style of a horizontal bar chart: labels (cut to ``width``) top to bottom, the axis and the title."""
    ax.set_yticks(ys, [short(x, width) for x in labels])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")


def before_after_bars(labels: Sequence[str], before: Sequence[float], after: Sequence[float], *,
                      title: str, xlabel: str, before_label: str = "before", after_label: str = "after") -> str:
    """Horizontal paired bars, one pair per label (top to bottom in the given order)."""
    with _mpl() as plt:
        n = len(labels)
        fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.42 * max(n, 1)))
        ys = list(range(n))
        h = 0.38
        ax.barh([y - h / 2 for y in ys], before, height=h, color=BEFORE, label=before_label)
        ax.barh([y + h / 2 for y in ys], after, height=h, color=AFTER, label=after_label)
        for y, b, a in zip(ys, before, after):
            ax.text(b, y - h / 2, f" {b:g}", va="center", fontsize=7.5)
            ax.text(a, y + h / 2, f" {a:g}", va="center", fontsize=7.5)
        _label_axes(ax, ys, labels, 40, xlabel=xlabel, title=title)
        ax.legend(loc="lower right", frameon=False)
        return _svg(plt, fig)


def size_bars(labels: Sequence[str], sizes: Sequence[int], *, title: str, xlabel: str, note: str = "") -> str:
    """Horizontal bars of one value per label, largest first as given."""
    with _mpl() as plt:
        n = len(labels)
        fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.3 * max(n, 1)))
        ys = list(range(n))
        ax.barh(ys, sizes, color=AFTER, height=0.7)
        for y, s in zip(ys, sizes):
            ax.text(s, y, f" {s:,}", va="center", fontsize=7.5)
        _label_axes(ax, ys, labels, 44, xlabel=xlabel, title=title)
        if note:
            fig.text(0.01, -0.02, note, fontsize=7.5, color="#555555", ha="left", va="top")
        return _svg(plt, fig)


def stacked_bars(labels: Sequence[str], series: dict[str, Sequence[int]], *, title: str, xlabel: str) -> str:
    """Horizontal stacked bars: one bar per label, one segment per series (legend in series order)."""
    with _mpl() as plt:
        n = len(labels)
        fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.3 * max(n, 1)))
        ys = list(range(n))
        left = [0.0] * n
        for i, (name, vals) in enumerate(series.items()):
            if not any(vals):
                continue
            ax.barh(ys, vals, left=left, height=0.7, color=PALETTE[i % len(PALETTE)], label=name)
            left = [a + b for a, b in zip(left, vals)]
        for y, total in zip(ys, left):
            ax.text(total, y, f" {int(total):,}", va="center", fontsize=7.5)
        _label_axes(ax, ys, labels, 44, xlabel=xlabel, title=title)
        ax.legend(loc="lower right", frameon=False, fontsize=7.5)
        return _svg(plt, fig)


def network(nodes: Sequence[dict[str, Any]], edges: Sequence[dict[str, Any]], *, title: str, seed: int = 311) -> str:
    """The confusion network: nodes ``{id, label, group, size}``, edges ``{a, b, weight, within}``.

    Layout: networkx spring layout with a fixed seed over nodes and edges in sorted order. Node area
    grows with ``size``; edge width with ``weight``; edges inside one public category are drawn solid,
    the others dashed. Node colour: ``group`` (a division).
    """
    import networkx as nx

    G = nx.Graph()
    for nd in sorted(nodes, key=lambda d: d["id"]):
        G.add_node(nd["id"])
    for e in sorted(edges, key=lambda d: (d["a"], d["b"])):
        G.add_edge(e["a"], e["b"], weight=float(e["weight"]))
    # unweighted spring layout per connected component (weights would collapse the busiest pairs onto one
    # point), components side by side in a grid, largest first: readable and deterministic
    pos: dict[str, Any] = {}
    comps = sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: (-len(c), c[0]))
    big = [c for c in comps if len(c) > 2]
    small = [c for c in comps if len(c) <= 2]
    x0 = 0.0
    for comp in big:
        H = G.subgraph(comp)
        sub = nx.spring_layout(H, seed=seed, weight=None, k=1.2 / max(1, len(H)) ** 0.5, iterations=200)
        xs = [p[0] for p in sub.values()]
        ys = [p[1] for p in sub.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        scale = (len(H) ** 0.5) / span
        for n_, (x, y) in sub.items():
            pos[n_] = ((x - min(xs)) * scale + x0, (y - min(ys)) * scale)
        x0 += (max(xs) - min(xs)) * scale + 1.0
    for i, comp in enumerate(small):  # pairs and single codes in a column on the right
        for j, n_ in enumerate(comp):
            pos[n_] = (x0 + 0.6 * j, -0.7 * i + max([p[1] for p in pos.values()] or [0.0]))

    groups = sorted({nd["group"] for nd in nodes})
    colour = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    with _mpl() as plt:
        fig, ax = plt.subplots(figsize=(8.5, 6.0))
        ax.margins(0.08)
        wmax = max([float(e["weight"]) for e in edges] or [1.0])
        for e in sorted(edges, key=lambda d: (d["weight"], d["a"], d["b"])):
            (x1, y1), (x2, y2) = pos[e["a"]], pos[e["b"]]
            ax.plot([x1, x2], [y1, y2], color="#33414f" if e.get("within") else "#D55E00",
                    linestyle="-" if e.get("within") else (0, (3, 2)),
                    linewidth=0.8 + 5.0 * float(e["weight"]) / wmax, alpha=0.6, zorder=1)
        smax = max([float(nd["size"]) for nd in nodes] or [1.0]) or 1.0
        for g in groups:
            pts = [nd for nd in sorted(nodes, key=lambda d: d["id"]) if nd["group"] == g]
            ax.scatter([pos[p["id"]][0] for p in pts], [pos[p["id"]][1] for p in pts],
                       s=[40 + 460 * float(p["size"]) / smax for p in pts], color=colour[g],
                       edgecolors="white", linewidths=0.8, zorder=2, label=short(g, 34))
        for nd in nodes:
            x, y = pos[nd["id"]]
            ax.annotate(nd["label"], (x, y), xytext=(0, 9), textcoords="offset points", fontsize=7, ha="center",
                        va="bottom", zorder=3, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
        ax.set_axis_off()
        ax.set_title(title, loc="left")
        if groups:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=2, frameon=False, fontsize=7,
                      markerscale=0.5)
        return _svg(plt, fig)


def findings_bars(counts: dict[str, int], *, title: str) -> str:
    labels = list(counts)
    return size_bars(labels, [counts[k] for k in labels], title=title, xlabel="findings")


def sla_vs_actual(labels: Sequence[str], p50: Sequence[float | None], p90: Sequence[float | None],
                  sla: Sequence[float | None], *, title: str, xlabel: str = "days") -> str:
    """Per label: the observed p50 (dark) and p90 (light) time to close as bars, and the stated SLA as a black
    diamond. A quantile that cannot be estimated (too many still open) draws no bar and says "> seen"."""
    with _mpl() as plt:
        n = len(labels)
        fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.42 * max(n, 1)))
        ys = list(range(n))
        h = 0.38
        ax.barh([y + h / 2 for y in ys], [v or 0 for v in p90], height=h, color="#9ecae1", label="p90 (9 in 10 closed)")
        ax.barh([y - h / 2 for y in ys], [v or 0 for v in p50], height=h, color=AFTER, label="p50 (half closed)")
        for y, a, b in zip(ys, p50, p90):
            ax.text(a or 0, y - h / 2, f" {a:g}" if a is not None else " > seen", va="center", fontsize=7.5)
            ax.text(b or 0, y + h / 2, f" {b:g}" if b is not None else " > seen", va="center", fontsize=7.5)
        pts = [(s, y) for y, s in zip(ys, sla) if s is not None]
        if pts:
            ax.scatter([s for s, _ in pts], [y for _, y in pts], marker="D", s=28, color="#000000", zorder=3,
                       label="stated SLA")
        _label_axes(ax, ys, labels, 40, xlabel=xlabel, title=title)
        ax.legend(loc="lower right", frameon=False, fontsize=7.5)
        return _svg(plt, fig)
