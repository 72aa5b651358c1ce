"""Metrics of a proposal: how much simpler, how much confusion absorbed, how much left to ask.

- ``n_categories`` and ``reduction_ratio`` = 1 - categories / codes (0.75: four codes per choice on
  average; 0: nothing merged).
- category sizes (sorted, with min / median / max and the number of single-code categories).
- ``confusion_within_share``: of all re-coded + transferred volume between two catalogue codes, the
  share whose two codes land in one category: errors a routing question inside the category can now
  absorb instead of a re-code or a transfer.
- routing questions as the draft writes them (:mod:`codekit.propose.tree`): per category the questions
  on its longest path of answers (``depth``: 0 for one code), all its questions, and the most answers
  any question has (never more than ``max_answers``, 7 by default); and how many categories span
  divisions. Without the drafted trees (``trees``) the depth is estimated as
  ceil(log(size) / log(max_answers)).
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


def routing_questions(size: int, max_answers: int = 7) -> int:
    """The fewest questions of at most ``max_answers`` answers that tell ``size`` codes apart."""
    if size <= 1:
        return 0
    return max(1, math.ceil(math.log(size) / math.log(max_answers) - 1e-9))


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
    max_answers: int = 7,
    trees: dict[int, dict] | None = None,
) -> dict[str, Any]:
    """The metrics of one proposal (``labels``: one category number per catalogue code)."""
    from codekit.propose.labels import jargon_flags, label_shape_flags

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
    n_questions = 0
    most_answers = 0
    for lab, mem in members.items():
        divs = {c.division for c in mem if c.division}
        spans[lab] = len(divs)
        tree = (trees or {}).get(lab)
        if tree is not None:
            questions[lab] = int(tree["depth"])
            n_questions += len(tree["questions"])
            most_answers = max(most_answers, int(tree["max_answers"]))
        else:
            questions[lab] = routing_questions(len(mem), max_answers)
            n_questions += questions[lab]
            most_answers = max(most_answers, min(len(mem), max_answers) if len(mem) > 1 else 0)
    qs = list(questions.values())
    divisions = sorted({c.division for c in codes})
    sections = sorted({c.section for c in codes})
    jargon = []
    from codekit.propose.labels import code_prefixes, list_words, unit_words

    code_set = frozenset(c.code.lower() for c in codes)
    prefixes = code_prefixes([c.code for c in codes])
    ok = list_words(c.name for c in codes)
    units = unit_words([c.name for c in codes], [(k, v) for c in codes for k, v in dict(c.extra).items()])
    for lab, text in sorted((category_labels or {}).items()):
        flags = jargon_flags(text, divisions=divisions, sections=sections, codes=code_set, prefixes=prefixes,
                             ok=ok, units=units) \
            + label_shape_flags(text, [c.name for c in members.get(lab, [])])
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
            "total": int(n_questions),
            "mean": round(sum(qs) / k, 4) if k else 0.0,
            "max": max(qs) if qs else 0,
            "max_answers": max_answers,
            "most_answers": most_answers,
            "categories_spanning_divisions": sum(1 for v in spans.values() if v > 1),
        },
        "jargon": {"n_flagged": len(jargon), "labels": jargon},
    }
    out.update(confusion_absorbed([c.code for c in codes], labels, edges))
    return out


def search_matches(category, query: str) -> bool:
    """The preview page's search (``report/preview``'s ``matchesQuery``): every word of ``query`` is part
    of the category's label, description or synonyms (case-insensitive)."""
    hay = " \u0001 ".join([category.label or "", category.description or "", *category.synonyms]).lower()
    return all(w in hay for w in query.lower().split())


def draft_quality(taxonomy, catalogue: Catalogue, *, max_answers: int = 7,
                  queries: Sequence[str] = ("pothole", "pot hole", "potholes")) -> dict[str, Any]:
    """What a resident meets in a draft ``taxonomy`` (any taxonomy folder) over ``catalogue``:

    - the largest category (codes and share of the catalogue's active codes);
    - labels of one word, labels made only of generic words ("Complaint", "Services"), labels the jargon
      check flags (a division, section, place or unit, an acronym, a code: ``jargon``), and labels with any
      flag, the shape flags included (``flagged``; a one-word label that is the members' whole name is
      not flagged);
    - the most answers in any question and the questions over ``max_answers``;
    - answers that repeat an internal name verbatim (same letters and digits, case folded): any name of the
      list (``verbatim``), and the name of a code the answer itself leads to (``verbatim_own``: "Graffiti"
      under "Recycle bin" leads to "Recycle Bin Graffiti", not to the code named "Graffiti"); and answers
      that still hold internal tokens (a code, a code or name prefix, an unexplained acronym, an
      abbreviation of :data:`codekit.propose.plain.MUNICIPAL_ABBREVIATIONS`);
    - for each of ``queries``, the categories the preview's search finds, and whether one of them routes
      to a code whose name holds the query's words (the category a resident searching it wants).
    """
    import re

    from codekit.analyse import text as T
    from codekit.propose.labels import GENERIC_WORDS, code_prefixes
    from codekit.propose.plain import MUNICIPAL_ABBREVIATIONS, internal_prefixes, token_is_internal

    names = {c.code: c.name for c in catalogue.codes}
    n_active = sum(1 for c in catalogue.codes if c.active) or len(catalogue.codes)
    prefixes = code_prefixes(list(names)) | internal_prefixes(names.values())
    cats = list(taxonomy)
    # a category holds the codes it routes to and those merged into them
    sizes = sorted(((len(set(c.codes()) | {m.code for m in c.merged}), c.id) for c in cats), reverse=True)

    def squash(s: str) -> str:
        return re.sub(r"[\W_]+", "", T.fold(s))

    verbatim_names = {squash(n) for n in names.values()}
    one_word = [c.label for c in cats if len(T.words(c.label, expand=False)) <= 1]
    generic = [c.label for c in cats if T.words(c.label, expand=False)
               and all(w in GENERIC_WORDS or w in T.NAME_STOP_WORDS for w in T.words(c.label, expand=False))]
    from codekit.propose.labels import jargon_flags, label_shape_flags, list_words, unit_words

    codes_ = catalogue.codes
    divisions = sorted({c.division for c in codes_ if c.division})
    sections = sorted({c.section for c in codes_ if c.section})
    ok = list_words(names.values())
    units = unit_words(list(names.values()), [(k, v) for c in codes_ for k, v in dict(c.extra).items()])
    code_set = frozenset(c.lower() for c in names)
    jargon = []
    flagged = []
    for c in cats:
        why = jargon_flags(c.label, divisions=divisions, sections=sections, codes=code_set, prefixes=prefixes,
                           ok=ok, units=units)
        if why:
            jargon.append(c.label)
        shape = label_shape_flags(c.label, [names.get(k, "") for k in c.codes()])
        if why or shape:
            flagged.append(c.label)
    n_answers = verbatim = own = internal = 0
    most = 0
    over = 0
    for c in cats:
        for q in c.questions:
            if not q.is_list:
                continue
            most = max(most, len(q.values))
            over += len(q.values) > max_answers
            for v in q.values:
                n_answers += 1
                lab = v.label or v.key
                if squash(lab) in verbatim_names:
                    verbatim += 1
                    led_to = {r.code for r in c.routes if r.code and v.key in dict(r.when).get(q.key, ())}
                    own += any(squash(names.get(code, "")) == squash(lab) for code in led_to)
                mixed = any(ch.islower() for ch in lab)
                toks = re.findall(r"[^\W_]+", lab.replace("-", " "))
                if "_" in lab or any(token_is_internal(t, mixed_case=mixed, prefixes=prefixes) for t in toks) \
                        or any(T.fold(t) in MUNICIPAL_ABBREVIATIONS and len(t) <= 4 and T.fold(t) not in ("info",)
                               for t in toks):
                    internal += 1
    found = {}
    for q in queries:
        hits = [c for c in cats if search_matches(c, q)]
        right = [c.id for c in hits if any(T.squash(q) in T.squash(names.get(code, "")) for code in c.codes())]
        found[q] = {"categories": sorted(c.id for c in hits), "finds_it": bool(right), "right": sorted(right)}
    return {
        "n_categories": len(cats),
        "largest": {"id": sizes[0][1] if sizes else None, "codes": sizes[0][0] if sizes else 0,
                    "share": round(sizes[0][0] / n_active, 4) if sizes else 0.0},
        "labels": {"one_word": len(one_word), "generic": len(generic), "jargon": len(jargon),
                   "flagged": len(flagged), "one_word_labels": sorted(one_word)},
        "questions": {"n": sum(len(c.questions) for c in cats), "most_answers": most, "over_limit": over,
                      "max_answers": max_answers},
        "answers": {"n": n_answers, "verbatim": verbatim, "verbatim_share": round(verbatim / n_answers, 4) if n_answers else 0.0,
                    "verbatim_own": own, "verbatim_own_share": round(own / n_answers, 4) if n_answers else 0.0,
                    "internal_tokens": internal},
        "search": found,
    }
