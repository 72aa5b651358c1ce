"""Run a consolidation proposal end to end and return plain data (what ``codekit propose`` prints).

signals -> strategy (with constraints) -> labels -> metrics (-> --against scores); the draft
``taxonomy/`` is written by :mod:`codekit.propose.draft` from the returned :class:`Proposal`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from codekit.errors import UsageError
from codekit.model import Catalogue
from codekit.propose.constraints import DEFAULT_THRESHOLD, Constraints
from codekit.propose.signals import DEFAULT_SEMANTIC_FLOOR, Weights

#: By default no category holds more than this share of the list (or ``max_answers`` codes, whichever is
#: larger: a cap below one question's worth of answers would split what one question can ask). Chosen
#: leave-one-city-out among the shares of the grid in analyses/score_real.py.
DEFAULT_MAX_SHARE = 0.2


def share_cap(n: int, max_share: float | None, max_answers: int = 7) -> int | None:
    """The largest category ``max_share`` allows on a list of ``n`` codes: ``max(ceil(share x n), max_answers)``;
    None when no share is set."""
    if max_share is None:
        return None
    import math

    return max(int(math.ceil(float(max_share) * n - 1e-9)), int(max_answers))

#: Which signals must be off when scoring against a column (they would carry the answer).
_TARGET_SIGNALS = {"section": ("section",), "section_only": ("section",), "division": ("division", "section")}


@dataclass
class Category:
    number: int
    id: str
    label: str
    members: list[str]
    rationale: dict[str, Any]
    routing_questions: int
    jargon: list[str] = field(default_factory=list)
    #: The draft's questions and routes (:func:`codekit.propose.tree.build_tree`).
    tree: dict[str, Any] = field(default_factory=dict)
    synonyms: list[str] = field(default_factory=list)
    #: ``(code, into, reason)``: near-duplicates drafted as one answer (see ``propose(merge_duplicates=)``).
    merged: list[tuple[str, str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        t = self.tree or {}
        return {
            "id": self.id, "label": self.label, "members": list(self.members), "size": len(self.members),
            "rationale": self.rationale, "routing_questions": self.routing_questions, "jargon": list(self.jargon),
            "questions": len(t.get("questions") or []), "max_answers": t.get("max_answers", 0),
            "split_by": list(t.get("split_by") or []), "synonyms": list(self.synonyms),
            "merged": [{"code": c, "into": i, "reason": r} for c, i, r in self.merged],
        }


@dataclass
class Proposal:
    catalogue: Catalogue
    labels: list[int]
    categories: list[Category]
    metrics: dict[str, Any]
    params: dict[str, Any]
    signals: dict[str, Any]
    against: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def assignment(self) -> dict[str, str]:
        ids = {c.number: c.id for c in self.categories}
        return {code.code: ids[l] for code, l in zip(self.catalogue.codes, self.labels)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "params": self.params,
            "signals": self.signals,
            "metrics": self.metrics,
            "against": self.against,
            "assignment": dict(sorted(self.assignment.items())),
            "categories": [c.to_dict() for c in sorted(self.categories, key=lambda c: c.id)],
            "warnings": list(self.warnings),
        }


def category_id(label: str) -> str:
    """A category id from its label: the one slug (:func:`codekit.io.strings.slug`, accents dropped:
    "Déneigement" -> "deneigement") cut to 60 characters; "category" when nothing is left."""
    from codekit.io.strings import slug

    s = slug(label)[:60].strip("-")
    return "category" if s in ("", "none") else s


def propose(
    catalogue: Catalogue,
    log: Any = None,
    *,
    strategy: str = "agglomerative",
    n_categories: int | None = None,
    threshold: float | None = None,
    max_size: int | None = None,
    constraints: Constraints | None = None,
    weights: Weights | None = None,
    against: str | None = None,
    seed: int = 0,
    max_answers: int = 7,
    progress: Callable[..., None] | None = None,
    edges: Any = None,
    linkage: str = "auto",
    max_share: float | None = DEFAULT_MAX_SHARE,
    semantic_floor: float | None = DEFAULT_SEMANTIC_FLOOR,
    merge_duplicates: bool = True,
) -> Proposal:
    """Propose public categories for ``catalogue`` (with the error ``log`` when given).

    Command-line style options (``n_categories``, ``threshold``, ``max_size``) win over the same keys
    in ``constraints``. With ``against``, signals derived from that column are switched off and the
    proposal is scored against it. A category of more than ``max_answers`` codes is drafted as
    dependent questions of at most ``max_answers`` answers each (:mod:`codekit.propose.tree`).

    ``max_share`` (default :data:`DEFAULT_MAX_SHARE`; None: no cap) caps every category at that share of the
    list (at least ``max_answers`` codes, :func:`share_cap`), together with ``max_size`` (the smaller wins):
    merges that would exceed it are refused, so an oversized category is split along the same signals.
    ``semantic_floor`` (default :data:`~codekit.propose.signals.DEFAULT_SEMANTIC_FLOOR`; None: off) lets the
    sentence model's similarity arbitrate word overlap and shared divisions (:data:`~codekit.propose.signals.GATED`).
    ``merge_duplicates`` (default on): codes of one category, division and section whose names read the same once
    plain ("Protective Custody", "Services - Protective Custody") are one answer, routed to the code with the
    most requests; the others are drafted as ``merged`` into it (validation checks no required field is lost;
    a merge that would lose one is not drafted).
    """
    from codekit.propose.labels import (
        code_prefixes, jargon_flags, label_shape_flags, list_words, suggest_label, tell_labels_apart, unit_words,
    )
    from codekit.propose.metrics import column_values, proposal_metrics, score_against
    from codekit.propose.plain import catalogue_words, internal_prefixes
    from codekit.propose.synonyms import draft_synonyms
    from codekit.propose.tree import build_tree
    from codekit.propose.signals import build_signals
    from codekit.propose.strategies import make_strategy

    step = progress or (lambda *a, **k: None)
    if linkage not in ("auto", "average", "ward"):
        raise UsageError(f"unknown linkage {linkage!r}", expected="auto, average or ward", found=repr(linkage))
    if len(catalogue) == 0:
        raise UsageError("the catalogue has no codes", hint="check the input file")
    if max_share is not None and not (isinstance(max_share, (int, float)) and 0 < float(max_share) <= 1):
        raise UsageError("max_share must be a share above 0 and at most 1", expected="e.g. 0.1 (10% of the list)",
                         found=repr(max_share), hint="or none for no cap")
    if int(max_answers) < 2:
        raise UsageError("max_answers must be 2 or more", expected="an integer of at least 2",
                         found=repr(max_answers), hint="a question needs at least two answers")
    cons = (constraints or Constraints()).merged(n_categories=n_categories, threshold=threshold, max_size=max_size)
    retired = [c.code for c in catalogue.codes if not c.active]
    if retired:
        named = sorted({c for g in cons.must_link for c in g} | {c for p in cons.cannot_link for c in p})
        if named:
            cons.check(catalogue.code_ids)  # unknown codes first, with file and line
        bad = [c for c in named if c in set(retired)]
        if bad:
            raise UsageError(
                "the constraints name retired codes: " + ", ".join(repr(b) for b in bad),
                path=cons.source or None, hint="retired codes are not proposed; remove them from the constraints",
            )
        catalogue = catalogue.replace_codes([c for c in catalogue.codes if c.active])
        if len(catalogue) == 0:
            raise UsageError("every code of the catalogue is retired", hint="nothing to propose")
    codes = catalogue.code_ids
    cons.check(codes)
    if len(codes) < 2:
        raise UsageError(f"nothing to group: the catalogue has {len(codes)} active code",
                         hint="propose needs at least two active codes")
    weights = weights or Weights()
    notes: list[str] = []
    truth = None
    if against:
        truth = column_values(catalogue, against)
        off = _TARGET_SIGNALS.get(against, ())
        turned = [s for s in off if getattr(weights, s) > 0]
        if turned:
            weights = weights.with_(**{s: 0.0 for s in turned})
            notes.append(f"signal(s) {', '.join(turned)} switched off: --against {against} is the target")

    if log is not None and edges is None:
        from codekit.analyse.confusion import aggregate_code_kinds, aggregate_edges

        step(1, description="aggregating the error log")
        kinds = aggregate_code_kinds(log)  # raises InputError when the log has no usable events
        if kinds.height == 0 or int(kinds["n"].sum()) == 0:
            from codekit.errors import InputError

            raise InputError("the error log has no usable events",
                             path=str(getattr(log, "source", "") or "") or None,
                             hint="check that it has rows with a kind and a submitted_code, or leave out --errors")
        edges = aggregate_edges(log)
        if edges.height == 0:
            notes.append("the error log has no re-coded or transferred events: proposing from the catalogue alone")
    described = "building similarity signals"
    if weights.semantic > 0:
        from codekit.propose.semantic import find_model_dir

        if find_model_dir() is not None:
            described += f" (sentence model: {len(codes):,} names and descriptions)"
    step(1, description=described)
    sig = build_signals(catalogue, weights=weights, confusion_edges=edges if (edges is not None and edges.height) else None,
                        semantic_floor=semantic_floor)
    must, cannot = cons.indices(codes)
    step(1, description=f"clustering ({strategy})")
    thr = cons.threshold
    if cons.n_categories is None and thr is None:
        thr = DEFAULT_THRESHOLD
    only = {"distance_threshold": thr, "linkage": linkage} if strategy == "agglomerative" else {}
    cap = share_cap(len(codes), max_share, int(max_answers))
    size_limit = cons.max_size if cap is None else (cap if cons.max_size is None else min(cap, cons.max_size))
    if size_limit is not None and size_limit >= len(codes):
        size_limit = None
    est = make_strategy(strategy, n_categories=cons.n_categories, max_size=size_limit, must_link=must,
                        cannot_link=cannot, random_state=seed, **only)
    est.fit(sig)
    labels = [int(x) for x in est.labels_]
    warnings = list(sig.notes or []) + list(est.warnings_) + notes
    if retired:
        warnings.append(f"{len(retired)} retired code(s) left out of the proposal")
    if strategy == "community" and cons.threshold is not None:
        warnings.append("--threshold applies to the agglomerative strategy only: community detection ignored it")

    step(1, description="labelling and measuring")
    by_cat: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        by_cat.setdefault(lab, []).append(i)
    cats: list[Category] = []
    used_ids: Counter = Counter()
    divisions = sorted({c.division for c in catalogue.codes})
    sections = sorted({c.section for c in catalogue.codes})
    code_set = frozenset(c.lower() for c in codes)
    prefixes = code_prefixes(codes) | internal_prefixes(c.name for c in catalogue.codes)
    from codekit.analyse import text as T

    vocabulary = {w for c in catalogue.codes for x in (True, False) for w in T.words(c.name, expand=x)}
    org_names = sorted({c.division for c in catalogue.codes} | {c.section for c in catalogue.codes})
    known = catalogue_words(c.name for c in catalogue.codes)
    all_names = [c.name for c in catalogue.codes]
    ok = list_words(all_names)  # words of the list's language ("ja", "och"): no abbreviations
    units = unit_words(all_names, [(k, v) for c in catalogue.codes for k, v in dict(c.extra).items()])
    avoid = prefixes | units  # a label never names a place or an organisational unit
    labels_of = {lab: suggest_label([catalogue.codes[i].name for i in by_cat[lab]], avoid=avoid, ok=ok)
                 for lab in sorted(by_cat)}
    labels_of = tell_labels_apart(labels_of, {lab: [catalogue.codes[i].name for i in by_cat[lab]] for lab in by_cat},
                                  avoid=avoid)
    for lab in sorted(by_cat):
        idx = by_cat[lab]
        mem = [catalogue.codes[i] for i in idx]
        label = labels_of[lab]
        base = category_id(label)
        used_ids[base] += 1
        cid = base if used_ids[base] == 1 else f"{base}-{used_ids[base]}"
        shared_fields = sorted(
            set.intersection(*[{f.key for f in c.fields if f.variable} for c in mem])
        ) if len(mem) > 1 and all(c.fields for c in mem) else []
        divs = Counter(c.division for c in mem if c.division)
        rationale = {
            "shared_terms": sig.shared_terms(idx),
            "confusion_within": sig.confusion_within(idx),
            "shared_fields": shared_fields,
            "divisions": dict(sorted(divs.items())),
            "mean_similarity": _mean_similarity(sig, idx),
            "alike_by": _signal_means(sig, idx),
        }
        merged = _draft_merges(mem, catalogue, prefixes=prefixes, known=known) if merge_duplicates else []
        folded = {m[0] for m in merged}
        keep = [j for j, c in enumerate(mem) if c.code not in folded]
        tree = build_tree(
            [mem[j].code for j in keep], [mem[j].name for j in keep], max_answers=max_answers, prefixes=prefixes,
            similarity=lambda sub, idx=idx, keep=keep: sig.block_similarity([idx[keep[j]] for j in sub]),
            label=lambda names: suggest_label(names, avoid=avoid, ok=ok), context=label,
            org_names=org_names, known=known,
        )
        cats.append(Category(
            number=lab, id=cid, label=label, members=[c.code for c in mem], rationale=rationale,
            routing_questions=tree["depth"], tree=tree, merged=merged,
            synonyms=draft_synonyms([c.name for c in mem], label=label, keywords=[c.keywords for c in mem],
                                    vocabulary=vocabulary, prefixes=prefixes, known=known),
            jargon=jargon_flags(label, divisions=divisions, sections=sections, codes=code_set, prefixes=prefixes,
                                ok=ok, units=units)
            + label_shape_flags(label, [c.name for c in mem]),
        ))
    metrics = proposal_metrics(
        catalogue, labels, edges=edges, category_labels={c.number: c.label for c in cats}, max_answers=max_answers,
        trees={c.number: c.tree for c in cats},
    )
    scores = None
    if truth is not None:
        scores = {"column": against, **score_against(truth, labels)}
    params = {
        "strategy": strategy,
        "linkage": linkage if strategy == "agglomerative" else None,
        "linkage_used": getattr(est, "linkage_", None),
        "largest_share": getattr(est, "largest_share_", None),
        "categories": cons.n_categories,
        "threshold": thr,
        "max_size": cons.max_size,
        "max_share": max_share,
        "size_limit": size_limit,
        "semantic_floor": semantic_floor if sig.gate_on else None,
        "seed": seed,
        "max_answers": max_answers,
        "weights": weights.to_dict(),
        "constraints": cons.to_dict() if (cons.must_link or cons.cannot_link or cons.source) else None,
        "against": against,
        "catalogue": catalogue.source,
        "error_log": str(getattr(log, "source", "") or "") if log is not None else None,
        "retired_left_out": len(retired),
    }
    return Proposal(
        catalogue=catalogue, labels=labels, categories=cats, metrics=metrics, params=params,
        signals=sig.summary(), against=scores, warnings=warnings,
    )


def _draft_merges(mem: list, catalogue: Catalogue, *, prefixes: frozenset[str], known: Any) -> list[tuple[str, str, str]]:
    """``(code, into, reason)`` for the near-duplicates among one category's members (:func:`codekit.propose.tree.
    duplicate_groups`): each folds into the one of its group with the most requests (the first on a tie). A merge
    that would lose a required field (:func:`codekit.validate.checks.merge_findings`) is left out."""
    from codekit.propose.tree import duplicate_groups
    from codekit.taxonomy.model import Merge, PublicCategory, Route, Taxonomy
    from codekit.validate.checks import merge_findings

    if len(mem) < 2:
        return []
    out = []
    units = [(c.division, c.section) for c in mem]  # a merge never crosses a division or a section
    for g in duplicate_groups([c.name for c in mem], units, prefixes=prefixes, known=known):
        into = max(g, key=lambda i: (mem[i].volume or 0, -i))
        for i in g:
            if i != into:
                out.append((mem[i].code, mem[into].code,
                            f"near-duplicate: {mem[i].name!r} reads as {mem[into].name!r} (drafted by codekit propose)"))
    if not out:
        return []
    probe = [PublicCategory(id="x", label="x", groups=("x",), routes=(Route(code=k),), merged=(Merge(f, k, r),))
             for f, k, r in out]
    bad = {f.code for f in merge_findings(Taxonomy(probe), catalogue)}
    return [m for m in out if m[0] not in bad]


def _summary_sample(idx: list[int], most: int = 400) -> list[int]:
    """A large category's members for a summary: a fixed, evenly spaced subset of at most ``most``."""
    return idx if len(idx) <= most else idx[:: max(1, len(idx) // most)][:most]


def _signal_means(sig, idx: list[int]) -> dict[str, float]:
    """Each active signal's mean similarity over the member pairs it knows (confusion has its own count),
    highest first: what the members have in common, signal by signal."""
    import numpy as np

    if len(idx) < 2:
        return {}
    idx = _summary_sample(idx)
    out = {}
    for name in sig.active:
        if name == "confusion":
            continue
        avail = np.asarray(sig.available[name])[idx]
        rows = [i for i, a in zip(idx, avail) if a]
        if len(rows) < 2:
            continue
        b = sig.blocks[name][rows]
        S = (b @ b.T).toarray() if hasattr(b, "toarray") else b @ b.T
        m = len(rows)
        out[name] = round(float((S.sum() - np.trace(S)) / (m * (m - 1))), 3)
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _mean_similarity(sig, idx: list[int]) -> float | None:
    if len(idx) < 2:
        return None

    idx = _summary_sample(idx)
    S = sig.block_similarity(list(idx))
    m = len(idx)
    return round(float((S.sum() - m) / (m * (m - 1))), 4)
