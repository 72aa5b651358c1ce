"""`codekit propose` (draft public categories) and `codekit confusion` (export the confusion graph)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import (
    CATALOGUE_ARG, COLUMNS_OPTION, DEFINITIONS_OPTION, FORMAT_OPTION, JSON_OPTION, SAMPLE_OPTION,
    app, console, emit_json, err_console, esc, load_inputs, progress, table,
)

ERRORS_OPTION = typer.Option(None, "--errors", "-e", help="Intake error log (CSV or Parquet, canonical schema).")


@app.command()
def propose(
    catalogue: Optional[Path] = CATALOGUE_ARG,
    errors: Optional[Path] = ERRORS_OPTION,
    out: Optional[Path] = typer.Option(
        None, "--out", "-o", help="Write the draft taxonomy/ here (one YAML per category). Omit to only print."
    ),
    strategy: str = typer.Option("agglomerative", "--strategy", help="agglomerative or community."),
    linkage: str = typer.Option(
        "auto", "--linkage",
        help="Agglomerative linkage: auto (average, or Ward when average's largest category would hold 40% "
        "of the codes or more), average, or ward (more even category sizes).",
    ),
    categories: Optional[int] = typer.Option(None, "--categories", "-n", help="Target number of categories."),
    threshold: Optional[float] = typer.Option(
        None, "--threshold", help="Distance threshold in [0, 1] (default 0.7 when --categories is not given)."
    ),
    max_size: Optional[int] = typer.Option(None, "--max-size", help="No category larger than this."),
    max_share: Optional[str] = typer.Option(
        None, "--max-share",
        help="No category holds more than this share of the list (at least --max-answers codes); 'none' for no "
        "cap (default: the project's [propose] max_share, else 0.2).",
    ),
    semantic_floor: Optional[str] = typer.Option(
        None, "--semantic-floor",
        help="Shared words and a shared division count only where the sentence model finds the names alike "
        "above this similarity (in full from 0.2 above it); 'none' switches it off (default: the project's "
        "[propose] semantic_floor, else 0.2).",
    ),
    keep_duplicates: bool = typer.Option(
        False, "--keep-duplicates", metavar="",
        help="Offer codes of one division and section whose names read the same (\"Protective Custody\", \"Services - "
        "Protective Custody\") as separate answers; by default they are one answer and the others are drafted as "
        "merged into the code with the most requests (also [propose] merge_duplicates = false).",
    ),
    constraints: Optional[Path] = typer.Option(
        None, "--constraints", help="YAML file with must_link / cannot_link pairs (format: codekit.propose.constraints)."
    ),
    weight: Optional[list[str]] = typer.Option(
        None, "--weight", "-w",
        help="Signal weight NAME=VALUE (repeatable): text, keywords, description, hierarchy, confusion, fields, "
        "division, section, semantic.",
    ),
    against: Optional[str] = typer.Option(
        None, "--against", help="Score against an existing grouping: group, section, division, extra.KEY."
    ),
    seed: int = typer.Option(311, "--seed", min=0, help="Seed of the clustering and of the bundled sample city."),
    max_answers: Optional[int] = typer.Option(
        None, "--max-answers", min=2,
        help="Most answers a drafted question offers; a larger category asks dependent questions "
        "(default: the project's [propose] max_answers, else 7).",
    ),
    format: Optional[str] = FORMAT_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    force: bool = typer.Option(False, "--force", metavar="", help="Replace a non-empty --out folder."),
    start: bool = typer.Option(
        False, "--start", metavar="",
        help="In a project: write the proposal as the project's taxonomy if it has none yet; once it has, write "
        "it as the next draft in drafts/ and say what it would change (the curated taxonomy is never overwritten).",
    ),
    sample: bool = SAMPLE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Propose public categories: cluster codes that residents mix up or that say the same thing,
    with a suggested label, the members and why they are together; print the metrics and, with
    --out, write a draft taxonomy/ to edit (--start, or --out naming the project's taxonomy folder:
    start the project's taxonomy, or write a new draft beside it)."""
    from codekit.propose.constraints import load_constraints
    from codekit.propose.draft import write_draft
    from codekit.propose.proposal import propose as run_propose
    from codekit.propose.signals import Weights


    from codekit.cli._project import current_project
    from codekit.errors import UsageError

    weights = Weights.parse(weight)
    cons = load_constraints(constraints) if constraints else None
    proj = current_project()
    if start and proj is None:
        raise UsageError("--start writes a project's taxonomy, and there is no project file (codekit.toml) here",
                         hint="make one with `codekit init --catalogue FILE`, or write a draft with --out FOLDER")
    if start and out is not None and proj is not None and out.resolve() != proj.taxonomy.resolve():
        raise UsageError("--start writes the project's taxonomy folder; --out names another folder",
                         found=str(out), expected=str(proj.taxonomy), hint="give one of them")
    into_project = proj is not None and (start or (out is not None and out.resolve() == proj.taxonomy.resolve()))
    if out is not None and not into_project:
        from codekit.io.files import check_new_folder

        check_new_folder(out, replace=force, inputs=[catalogue, errors, constraints])
    if max_answers is None:
        max_answers = proj.max_answers if proj is not None else 7
    from codekit.propose.proposal import DEFAULT_MAX_SHARE
    from codekit.propose.signals import DEFAULT_SEMANTIC_FLOOR

    share = _share_or_none("--max-share", max_share,
                           proj.max_share if proj is not None and proj.max_share is not None else DEFAULT_MAX_SHARE)
    floor = _share_or_none("--semantic-floor", semantic_floor,
                           proj.semantic_floor if proj is not None and proj.semantic_floor is not None
                           else DEFAULT_SEMANTIC_FLOOR)
    merge_duplicates = not keep_duplicates and (proj.merge_duplicates if proj is not None else True)
    with progress("proposing", total=None, enabled=not as_json) as advance:
        cat, log = load_inputs(catalogue, errors, format=format, definitions=definitions, columns=columns,
                               seed=seed, advance=advance, sample=sample)
        result = run_propose(
            cat, log, strategy=strategy, n_categories=categories, threshold=threshold, max_size=max_size,
            constraints=cons, weights=weights, against=against, seed=seed, progress=advance, linkage=linkage,
            max_answers=max_answers, max_share=share, semantic_floor=floor, merge_duplicates=merge_duplicates,
        )
        n_written = 0
        started = None
        if into_project:
            from codekit.propose.start import start_taxonomy

            advance(1, description=f"writing into {proj.taxonomy}")
            started = start_taxonomy(result, proj.taxonomy, drafts_dir=proj.root / "drafts",
                                     inputs=[catalogue or proj.catalogue, errors or proj.errors, constraints])
            out, n_written = Path(started["folder"]), started["n_files"]
        elif out is not None:
            advance(1, description=f"writing {out}")
            n_written = len(write_draft(result, out, force=force, inputs=[catalogue, errors, constraints]))
    data = result.to_dict()
    data["written"] = {"folder": str(out) if out is not None else None, "n_files": n_written}
    if started is not None:
        data["written"].update({"started": started["started"], "changes": started["changes"]})
    if as_json:
        emit_json(data)
        return
    render(data)


def render(data: dict) -> None:
    out = console()
    m = data["metrics"]
    p = data["params"]
    out.print(
        f"[bold]{m['n_codes']:,} codes -> {m['n_categories']:,} public categories[/bold] "
        f"(reduction {100 * m['reduction_ratio']:.1f}%, {m['codes_per_category']:.2f} codes per category; "
        f"strategy {p['strategy']}" + (f" ({p['linkage_used']} linkage)" if p.get("linkage_used") else "") + ", "
        + (f"target {p['categories']}" if p["categories"] else f"threshold {p['threshold']}") + ")"
    )
    s = m["sizes"]
    out.print(f"sizes: min {s['min']}, median {s['median']}, max {s['max']}; {s['n_single']} single-code categories")
    rq = m["routing_questions"]
    out.print(
        f"routing questions in the draft: {rq['total']} in all; a resident answers at most {rq['max']} "
        f"(mean {rq['mean']:.2f} per category); the longest question has {rq['most_answers']} answers "
        f"(limit {rq['max_answers']}); {rq['categories_spanning_divisions']} categories span divisions"
    )
    if m.get("confusion_within_share") is not None:
        out.print(
            f"confusion absorbed within categories: {100 * m['confusion_within_share']:.1f}% "
            f"({m['confusion_within']:,} of {m['confusion_total']:,} re-coded/transferred events)"
        )
    active = ", ".join(f"{k}={v:g}" for k, v in data["signals"]["active"].items())
    out.print(f"signals: {esc(active)}")
    if data.get("against"):
        a = data["against"]
        out.print(
            f"against {esc(a['column'])}: ARI {a['ari']:.4f}, AMI {a['ami']:.4f}, V-measure {a['v_measure']:.4f} "
            f"(homogeneity {a['homogeneity']:.4f}, completeness {a['completeness']:.4f}; "
            f"{a['n_groups']} groups, {a['n_scored']} codes scored)"
        )
    t = table(title="Largest proposed categories", title_justify="left")
    for col in ("category", "label", "codes", "questions", "alike by", "shared terms", "confusion", "jargon"):
        t.add_column(col, justify="right" if col in ("codes", "questions", "confusion") else "left")
    cats = sorted(data["categories"], key=lambda c: (-c["size"], c["id"]))
    for c in cats[:20]:
        r = c["rationale"]
        strongest = sorted((r.get("alike_by") or {}).items(), key=lambda kv: (-kv[1], kv[0]))[:2]
        alike = ", ".join(f"{k} {v:.2f}" for k, v in strongest if v >= 0.005)
        t.add_row(
            c["id"], c["label"], str(c["size"]), str(c["routing_questions"]), alike,
            ", ".join(r["shared_terms"][:4]), f"{r['confusion_within']:,}" if r["confusion_within"] else "",
            "; ".join(c["jargon"]),
        )
    out.print(t)
    if m["jargon"]["n_flagged"]:
        out.print(f"{m['jargon']['n_flagged']} labels flagged for jargon (see --json for all)")
    n_merged = sum(len(c.get("merged") or []) for c in data["categories"])
    if n_merged:
        out.print(f"{n_merged} near-duplicate codes drafted as merged into the code with the most requests "
                  "(one answer each; --keep-duplicates offers them apart)", markup=False)
    err = err_console()
    for w in data["warnings"]:
        err.print(f"[yellow]warning:[/yellow] {esc(w)}")
    w = data["written"]
    if w["folder"]:
        out.print(f"wrote {w['n_files']} category files to {w['folder']}", markup=False)
    if w.get("started") is True:
        out.print("started the project's taxonomy from this proposal", markup=False)
    elif w.get("started") is False:
        ch = w["changes"]
        c = ch["counts"]
        out.print(
            f"the project's taxonomy already has categories: left as it is; this proposal is a new draft. "
            f"Against it: {c['categories_added']} categories added, {c['categories_removed']} removed, "
            f"{c['codes_moved']} codes moved, {c['codes_new']} new codes, {c['codes_not_proposed']} codes not proposed",
            markup=False,
        )
        for mv in ch["codes_moved"][:20]:
            out.print(f"  move {mv['code']}: {mv['from']} -> {mv['to']}", markup=False)
        if len(ch["codes_moved"]) > 20:
            out.print(f"  ... and {len(ch['codes_moved']) - 20} more (see --json)", markup=False)


@app.command()
def confusion(
    catalogue: Optional[Path] = CATALOGUE_ARG,
    errors: Optional[Path] = ERRORS_OPTION,
    graphml: Optional[Path] = typer.Option(None, "--graphml", help="Write the graph as GraphML here."),
    graph_json: Optional[Path] = typer.Option(None, "--graph-json", help="Write the graph as JSON here."),
    top: int = typer.Option(15, "--top", min=0, help="How many confused pairs and codes to list."),
    seed: int = typer.Option(311, "--seed", min=0, help="Seed of the bundled sample city (with --sample)."),
    format: Optional[str] = FORMAT_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    sample: bool = SAMPLE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """The confusion graph from the error log: which codes are re-coded or transferred to which,
    per-code error rates by kind, cross-division confusion; export as GraphML and JSON."""
    from codekit.analyse.confusion import confusion_report
    from codekit.errors import UsageError

    with progress("building the confusion graph", total=None, enabled=not as_json) as advance:
        cat, log = load_inputs(catalogue, errors, format=format, definitions=definitions, columns=columns,
                               seed=seed, advance=advance, sample=sample)
        if log is None:
            raise UsageError("codekit confusion needs an error log",
                             hint="pass --errors LOG (or name errors in the project's [inputs]; --sample has its own)")
        result = confusion_report(log, cat, top=top, graphml=graphml, json_path=graph_json)
    if as_json:
        emit_json(result)
        return
    render_confusion(result)


def render_confusion(r: dict) -> None:
    out = console()
    out.print(
        f"[bold]{r['n_confusion_events']:,} re-coded/transferred events[/bold] of {r['n_events']:,} error events, "
        f"over {r['n_edges']:,} code pairs; cross-division {100 * r['cross_division_share']:.1f}%"
    )
    t = table(title="Top confusions", title_justify="left")
    for col in ("code a", "name a", "code b", "name b", "events", "a->b", "b->a", "cross-division"):
        t.add_column(col, justify="right" if col in ("events", "a->b", "b->a") else "left")
    for p in r["top_confusions"]:
        t.add_row(p["code_a"], p["name_a"], p["code_b"], p["name_b"], f"{p['n']:,}", f"{p['a_to_b']:,}",
                  f"{p['b_to_a']:,}", "yes" if p["cross_division"] else "")
    out.print(t)
    t = table(title="Highest error rates", title_justify="left")
    for col in ("code", "name", "division", "volume", "errors", "rate"):
        t.add_column(col, justify="right" if col in ("volume", "errors", "rate") else "left")
    for c in r["top_error_rates"]:
        t.add_row(c["code"], c["name"], c["division"], f"{c['volume']:,}", f"{c['n_errors']:,}",
                  f"{100 * c['error_rate']:.2f}%")
    out.print(t)
    for kind, path in sorted(r["written"].items()):
        out.print(f"wrote {kind} to {esc(path)}")


def _share_or_none(option: str, value: str | None, default: float | None) -> float | None:
    """A number from the command line, or None for 'none'; ``default`` when not given."""
    from codekit.errors import UsageError

    if value is None:
        return default
    if value.strip().lower() in ("none", "off"):
        return None
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"{option} must be a number or none", found=repr(value), hint=f"e.g. {option} 0.2") from None
