"""``codekit validate``: the taxonomy keeps every promise to the divisions, or findings say where not.

:func:`validate` loads the taxonomy (errors, exit 2, for broken files), computes facts about every
route, answer combination and (route, field), runs the great-expectations suite over them, checks
reachability with networkx, runs the proof by exhaustion, and returns a :class:`Report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codekit.validate.findings import FINDING_TYPES, Finding, Report

#: Default number of pick-list combinations checked per code before sampling.
DEFAULT_SAMPLE_LIMIT = 500
DEFAULT_SEED = 311


def resolve_catalogue(catalogue: Any):
    """A Catalogue from a Catalogue, a path, ``sample:SEED`` (the bundled sample city), a zero-argument
    function returning one of these (loaded when first needed), or ``None`` (the sample city, seed 311)."""
    from codekit.model import Catalogue

    if isinstance(catalogue, Catalogue):
        return catalogue
    if callable(catalogue):
        return resolve_catalogue(catalogue())
    if isinstance(catalogue, str) and catalogue.startswith("sample:") and catalogue[7:].isdigit():
        from codekit.sample import sample_catalogue

        return sample_catalogue(seed=int(catalogue[7:]))
    if catalogue is None:
        from codekit.errors import UsageError

        try:
            from codekit.sample import sample_catalogue
        except ImportError:
            raise UsageError("the bundled sample city is not available",
                             hint="name a catalogue file") from None
        return sample_catalogue(seed=311)
    from codekit.io.catalogue import load_catalogue

    return load_catalogue(Path(catalogue))


def validate(taxonomy_dir: Any, catalogue: Any = None, *, sample_limit: int = DEFAULT_SAMPLE_LIMIT,
             seed: int = DEFAULT_SEED) -> Report:
    """Validate the taxonomy in ``taxonomy_dir`` (a folder, or a loaded :class:`Taxonomy`) against
    ``catalogue`` (a Catalogue, a path, or ``None`` for the bundled sample city)."""
    from codekit.errors import UsageError
    from codekit.taxonomy.load import load_taxonomy
    from codekit.taxonomy.model import Taxonomy
    from codekit.taxonomy.retired import with_retired
    from codekit.validate.checks import (
        collect_facts, findings_from_suite, frames, merge_findings, pick_values, unreachable_codes,
    )
    from codekit.validate.proof import prove
    from codekit.validate.suite import run_suite

    if sample_limit < 1:
        raise UsageError("the sample limit must be at least 1", found=str(sample_limit))
    taxonomy = taxonomy_dir if isinstance(taxonomy_dir, Taxonomy) else load_taxonomy(taxonomy_dir)
    cat = with_retired(resolve_catalogue(catalogue), taxonomy)
    facts = collect_facts(taxonomy, cat)
    failed = run_suite(frames(facts), sorted(cat.code_ids))
    findings = findings_from_suite(facts, failed, taxonomy, cat)
    findings += unreachable_codes(taxonomy, cat, facts)
    findings += pick_values(taxonomy, cat, facts)
    findings += merge_findings(taxonomy, cat)

    proofs = prove(taxonomy, cat, facts.matched, sample_limit=sample_limit, seed=seed, routers=facts.routers)
    # one cause, one finding: the proof speaks only for codes no other finding already explains
    flagged = {f.code for f in findings if f.code}
    unsettled = {f.category for f in findings if f.type in ("route-ambiguous", "route-missing")}
    flagged |= {code for c in taxonomy if c.id in unsettled for code in c.codes()}
    for p in proofs:
        if p.n_failed and p.code not in flagged:
            c, r = p.where
            sc = cat[p.code]
            findings.append(Finding(
                "proof-failed",
                f"{p.n_failed} of {p.checked} checked combination(s) of {p.code}'s pick-list values cannot be "
                f"reproduced by any answers in the new flow, e.g. [{p.failures[0]}]",
                c.path, r.line, c.id, p.code, sc.division or None,
            ))
    findings.sort(key=Finding.sort_key)

    active = [c for c in cat if c.active]
    reached = {r["code"] for r in facts.routes if r["reached"] and r["code"]}
    stats = {
        "categories": len(taxonomy),
        "codes": len(cat),
        "active_codes": len(active),
        "codes_per_category": round(len(active) / len(taxonomy), 2) if len(taxonomy) else None,
        "reached_codes": len(reached & {c.code for c in active}),
        "routes": len(facts.routes),
        "referrals": sum(1 for c in taxonomy for r in c.routes if r.referral is not None),
        "merged_codes": sum(len(c.merged) for c in taxonomy),
        "answer_combinations": len(facts.combinations),
        "field_fills_checked": len(facts.fields),
        "proof": {
            "codes": len(proofs),
            "combinations_total": sum(p.combinations for p in proofs),
            "combinations_checked": sum(p.checked for p in proofs),
            "codes_sampled": sum(1 for p in proofs if p.sampled),
            "combinations_excluded": sum(p.excluded for p in proofs),
            "failed": sum(p.n_failed for p in proofs),
            "sample_limit": sample_limit,
            "seed": seed,
        },
    }
    return Report(
        findings=findings, stats=stats, retired=sorted(c.code for c in cat if not c.active),
        taxonomy=str(taxonomy.source), catalogue=str(cat.source or ("sample:311" if catalogue is None else "")),
    )


def export_routes(taxonomy_dir: Any, catalogue: Any, out: str | Path) -> dict[str, Any]:
    """``codekit routes``: write the routing table (CSV or Parquet, by suffix) of the taxonomy over ``catalogue``
    (a Catalogue, a path, or ``None`` for the sample city); returns what ``--json`` prints. The output is
    checked (not an input, not inside a published release) before anything is loaded."""
    from codekit.io.files import check_output
    from codekit.taxonomy.load import load_taxonomy
    from codekit.taxonomy.routing import routing_table, write_routing_table

    inputs = [catalogue] if isinstance(catalogue, (str, Path)) else []
    check_output(out, inputs=inputs, what="routing table")
    from codekit.taxonomy.retired import with_retired

    tax = load_taxonomy(taxonomy_dir)
    cat = with_retired(resolve_catalogue(catalogue), tax)
    df = routing_table(tax, cat)
    path = write_routing_table(df, out)
    return {"out": str(path), "rows": df.height, "categories": len(tax),
            "codes": int(df["code"].n_unique() - (1 if df["code"].null_count() else 0)),
            "referral_rows": int((df["target"] == "referral").sum())}


__all__ = ["validate", "export_routes", "Report", "Finding", "FINDING_TYPES", "resolve_catalogue", "DEFAULT_SAMPLE_LIMIT"]
