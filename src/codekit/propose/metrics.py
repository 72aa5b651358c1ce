"""Metrics of a proposal: how much simpler, how much confusion absorbed, how much left to ask.

- ``n_categories`` and ``reduction_ratio`` = 1 - categories / codes (0.75: four codes per choice on
  average; 0: nothing merged).
- category sizes (sorted, with min / median / max and the number of single-code categories).
- ``confusion_within_share``: of all re-coded + transferred volume between two catalogue codes, the
  share whose two codes land in one category: errors a routing question inside the category can now
  absorb instead of a re-code or a transfer.
- routing questions each category would need: 0 for one code, else ceil(log(size) / log(max_options))
  single-choice questions of at most ``max_options`` answers (7 by default), plus the number of
  divisions it spans (a category spanning divisions needs a question that tells them apart).
- labels flagged for jargon (see :mod:`codekit.propose.labels`).
- ``score_against``: adjusted Rand index, adjusted mutual information, V-measure (then homogeneity,
  completeness, NMI) of the proposal against an existing grouping column. The adjusted scores come
  first: raw NMI and V-measure reward many small clusters.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Sequence

from codekit.errors import UsageError
from codekit.model import Catalogue

#: --against columns other than the model's own (a sample code's extra.family, ...).
AGAINST_HELP = "group, section (division + section), division, or extra.KEY (e.g. extra.family)"


def routing_questions(size: int, max_options: int = 7) -> int:
    if size <= 1:
        return 0
    return max(1, math.ceil(math.log(size) / math.log(max_options) - 1e-9))


def category_sizes(labels: Sequence[int]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for lab in labels:
        out[int(lab)] += 1
    return dict(out)


def confusion_absorbed(codes: Sequence[str], labels: Sequence[int], edges) -> dict[str, Any]:
    """Confusion volume between catalogue codes, and the share inside one category.

    ``edges``: a polars frame ``submitted_code, correct_code, n`` (kinds summed) or None.
    """
    if edges is None:
        return {"confusion_total": None, "confusion_within": None, "confusion_within_share": None}
    lab = {c: int(l) for c, l in zip(codes, labels)}
    total = within = 0
    for a, b, n in edges.select(["submitted_code", "correct_code", "n"]).iter_rows():
        if a == b or a not in lab or b not in lab:
            continue
        total += int(n)
        if lab[a] == lab[b]:
            within += int(n)
    return {
        "confusion_total": total,
        "confusion_within": within,
        "confusion_within_share": round(within / total, 6) if total else None,
    }


def column_values(catalogue: Catalogue, column: str) -> list[str]:
    """The grouping ``column`` of each code ('' when the code has none)."""
    col = column.strip()
    if col.startswith("extra."):
        key = col[len("extra."):]
        return [dict(c.extra).get(key, "") for c in catalogue.codes]
    if col == "section":
        return [f"{c.division} / {c.section}" if c.section else "" for c in catalogue.codes]
    if col in ("group", "division", "status"):
        return [str(getattr(c, col) or "") for c in catalogue.codes]
    if col == "section_only":
        return [c.section for c in catalogue.codes]
    raise UsageError(f"cannot score against {column!r}", expected=AGAINST_HELP, found=repr(column))


def score_against(truth: Sequence[str], labels: Sequence[int]) -> dict[str, Any]:
    """ARI, AMI, V-measure (and homogeneity, completeness, NMI) of ``labels`` against ``truth``.

    Codes with an empty ``truth`` value are left out (counted in ``n_unlabelled``).
    """
    from sklearn import metrics as M

    pairs = [(t, int(l)) for t, l in zip(truth, labels) if t]
    if len(pairs) < 2:
        raise UsageError("fewer than two codes have a value in the --against column",
                         hint="choose a column the catalogue fills, e.g. group or section")
    y = [t for t, _ in pairs]
    p = [l for _, l in pairs]
    h, c, v = M.homogeneity_completeness_v_measure(y, p)
    return {
        "ari": round(float(M.adjusted_rand_score(y, p)), 4),
        "ami": round(float(M.adjusted_mutual_info_score(y, p)), 4),
        "v_measure": round(float(v), 4),
        "homogeneity": round(float(h), 4),
        "completeness": round(float(c), 4),
        "nmi": round(float(M.normalized_mutual_info_score(y, p)), 4),
        "n_scored": len(pairs),
        "n_unlabelled": len(truth) - len(pairs),
        "n_groups": len(set(y)),
        "n_categories": len(set(p)),
    }


def proposal_metrics(
    catalogue: Catalogue,
    labels: Sequence[int],
    *,
    edges=None,
    category_labels: dict[int, str] | None = None,
    max_options: int = 7,
) -> dict[str, Any]:
    """The metrics of one proposal (``labels``: one category number per catalogue code)."""
    from codekit.propose.labels import jargon_flags

    codes = catalogue.codes
    n = len(codes)
    sizes = category_sizes(labels)
    k = len(sizes)
    ordered = sorted(sizes.values(), reverse=True)
    members: dict[int, list] = defaultdict(list)
    for c, l in zip(codes, labels):
        members[int(l)].append(c)
    questions = {}
    spans = {}
    for lab, mem in members.items():
        divs = {c.division for c in mem if c.division}
        spans[lab] = len(divs)
        questions[lab] = routing_questions(len(mem), max_options)
    qs = list(questions.values())
    divisions = sorted({c.division for c in codes})
    sections = sorted({c.section for c in codes})
    jargon = []
    from codekit.propose.labels import code_prefixes

    code_set = frozenset(c.code.lower() for c in codes)
    prefixes = code_prefixes([c.code for c in codes])
    for lab, text in sorted((category_labels or {}).items()):
        flags = jargon_flags(text, divisions=divisions, sections=sections, codes=code_set, prefixes=prefixes)
        if flags:
            jargon.append({"category": lab, "label": text, "reasons": flags})
    out: dict[str, Any] = {
        "n_codes": n,
        "n_categories": k,
        "reduction_ratio": round(1 - k / n, 6) if n else 0.0,
        "codes_per_category": round(n / k, 4) if k else 0.0,
        "sizes": {
            "min": ordered[-1] if ordered else 0,
            "median": ordered[len(ordered) // 2] if ordered else 0,
            "max": ordered[0] if ordered else 0,
            "n_single": sum(1 for s in ordered if s == 1),
            "largest": ordered[:10],
        },
        "routing_questions": {
            "total": int(sum(qs)),
            "mean": round(sum(qs) / k, 4) if k else 0.0,
            "max": max(qs) if qs else 0,
            "max_options": max_options,
            "categories_spanning_divisions": sum(1 for v in spans.values() if v > 1),
        },
        "jargon": {"n_flagged": len(jargon), "labels": jargon},
    }
    out.update(confusion_absorbed([c.code for c in codes], labels, edges))
    return out
