"""`codekit profile`: what a catalogue (and its error log) looks like, per division and section.

Returns plain data (a JSON-ready dict); the CLI renders it as tables or prints it as JSON.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Callable

from codekit.model import CANCELLED_STATUSES, ERROR_KINDS, Catalogue


def profile(
    catalogue: Catalogue,
    log: Any = None,
    *,
    top: int = 15,
    near_duplicate_threshold: float = 0.75,
    progress: Callable[..., None] | None = None,
) -> dict[str, Any]:
    """Profile ``catalogue`` and, when given, the error log ``log`` (an ``ErrorLog``).

    Error rates are events submitted under a code divided by that code's request volume, per kind.
    """
    step = progress or (lambda *a, **k: None)
    codes = catalogue.codes
    by_code_kind: dict[str, Counter] = defaultdict(Counter)
    log_summary: dict[str, Any] | None = None
    confused: list[dict[str, Any]] = []

    if log is not None:
        from codekit.analyse.errorstats import (
            channel_kind_counts,
            code_kind_counts,
            confusion_edges,
            unknown_codes,
        )

        step(1, description="counting errors by code and kind")
        for row in code_kind_counts(log).iter_rows(named=True):
            by_code_kind[row["code"]][row["kind"]] += int(row["n"])
        step(1, description="counting errors by channel")
        by_channel: dict[str, dict[str, int]] = defaultdict(dict)
        by_kind: Counter = Counter()
        for row in channel_kind_counts(log).iter_rows(named=True):
            by_channel[row["channel"]][row["kind"]] = int(row["n"])
            by_kind[row["kind"]] += int(row["n"])
        step(1, description="finding confused pairs")
        edges = confusion_edges(log)
        confused = _top_confused_pairs(edges, catalogue, top)
        unknown = unknown_codes(log, catalogue)
        log_summary = {
            "source": getattr(log, "source", ""),
            "n_events": int(sum(by_kind.values())),
            "by_kind": {k: int(by_kind.get(k, 0)) for k in ERROR_KINDS},
            "by_channel": {ch: dict(sorted(v.items())) for ch, v in sorted(by_channel.items())},
            "unknown_codes": unknown,
        }

    step(1, description="summarising divisions and sections")
    has_log = log is not None
    divisions = _group(codes, lambda c: (c.division,), by_code_kind, catalogue, has_log)
    sections = _group(codes, lambda c: (c.division, c.section), by_code_kind, catalogue, has_log)

    no_volume = sorted(c.code for c in codes if c.active and not c.volume)

    step(1, description="looking for near-duplicate names")
    near: list[dict[str, Any]] = []
    try:
        from codekit.analyse.neardup import near_duplicate_pairs
    except ImportError:  # pragma: no cover - the module ships with codekit
        near_duplicate_pairs = None
    if near_duplicate_pairs is not None and len(codes) > 1:
        near = near_duplicate_pairs(catalogue, threshold=near_duplicate_threshold, top=top)

    total_volume = catalogue.total_volume()
    has_volume = any(c.volume is not None for c in codes)
    return {
        "catalogue": {
            "source": catalogue.source,
            "format": catalogue.format,
            "n_codes": len(codes),
            "n_active": sum(1 for c in codes if c.active),
            "n_retired": sum(1 for c in codes if not c.active),
            "n_divisions": len({c.division for c in codes}),
            "n_sections": len({(c.division, c.section) for c in codes}),
            "n_fields": sum(len(c.fields) for c in codes),
            "total_volume": total_volume if has_volume else None,
            "n_codes_without_volume": len(no_volume) if has_volume else None,
            "warnings": list(catalogue.warnings),
        },
        "divisions": divisions,
        "sections": sections,
        "codes_without_volume": no_volume[: max(top, 0) * 4] if has_volume else [],
        "confused_pairs": confused,
        "near_duplicates": near,
        "error_log": log_summary,
    }


def _group(codes, key, by_code_kind, catalogue, has_log: bool) -> list[dict[str, Any]]:
    groups: dict[tuple, list] = defaultdict(list)
    for c in codes:
        groups[key(c)].append(c)
    total = catalogue.total_volume() or 0
    out = []
    for k in sorted(groups):
        members = groups[k]
        volume = sum(c.volume or 0 for c in members)
        errors: Counter = Counter()
        cancelled = 0
        status_total = 0
        for c in members:
            errors.update(by_code_kind.get(c.code, {}))
            sc = dict(c.status_counts)
            status_total += sum(sc.values())
            cancelled += sum(v for s, v in sc.items() if s.strip().lower() in CANCELLED_STATUSES)
        n_errors = sum(errors.values())
        row: dict[str, Any] = {"division": k[0]}
        if len(k) > 1:
            row["section"] = k[1]
        row.update({
            "n_codes": len(members),
            "n_active": sum(1 for c in members if c.active),
            "volume": volume,
            "volume_share": round(volume / total, 6) if total else None,
            "n_codes_without_volume": sum(1 for c in members if c.active and not c.volume),
            "errors": {kind: int(errors.get(kind, 0)) for kind in ERROR_KINDS if errors.get(kind)},
            "n_errors": int(n_errors) if has_log else None,
            "error_rate": round(n_errors / volume, 6) if volume and has_log else None,
            "error_rate_by_kind": {
                kind: round(errors[kind] / volume, 6) for kind in ERROR_KINDS if errors.get(kind) and volume
            },
            "cancellation_rate": round(cancelled / status_total, 6) if status_total else None,
        })
        out.append(row)
    return out


def _top_confused_pairs(edges, catalogue: Catalogue, top: int) -> list[dict[str, Any]]:
    """Undirected pairs by total re-coded + transferred volume, with both directions' counts."""
    pair: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in edges.iter_rows(named=True):
        a, b = row["submitted_code"], row["correct_code"]
        if a == b:
            continue
        lo, hi = sorted((a, b))
        pair[(lo, hi)]["a_to_b" if a == lo else "b_to_a"] += int(row["n"])
        pair[(lo, hi)][row["kind"]] += int(row["n"])
    rows = []
    for (a, b), cnt in pair.items():
        ca, cb = catalogue.get(a), catalogue.get(b)
        n = cnt["a_to_b"] + cnt["b_to_a"]
        rows.append({
            "code_a": a, "name_a": ca.name if ca else None, "division_a": ca.division if ca else None,
            "code_b": b, "name_b": cb.name if cb else None, "division_b": cb.division if cb else None,
            "n": n, "a_to_b": cnt["a_to_b"], "b_to_a": cnt["b_to_a"],
            "recoded": cnt["recoded"], "transferred": cnt["transferred"],
            "cross_division": bool(ca and cb and ca.division != cb.division),
        })
    rows.sort(key=lambda r: (-r["n"], r["code_a"], r["code_b"]))
    return rows[:top]
