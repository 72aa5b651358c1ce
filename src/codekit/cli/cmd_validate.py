"""`codekit validate` and `codekit routes`: the taxonomy's promise to the divisions, checked."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import (
    CATALOGUE_OPTION, COLUMNS_OPTION, DEFINITIONS_OPTION, FORMAT_OPTION, JSON_OPTION, SAMPLE_OPTION,
    app, console, emit_json, esc, progress, table as plain_table,
)

_TAXONOMY_ARG = typer.Argument(
    None, help="The taxonomy folder (one YAML file per public category). Default: the project's, else taxonomy.",
    show_default=False,
)
_CATALOGUE_OPT = CATALOGUE_OPTION


@app.command()
def validate(
    taxonomy: Optional[Path] = _TAXONOMY_ARG,
    catalogue: Optional[Path] = _CATALOGUE_OPT,
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    sample: bool = SAMPLE_OPTION,
    as_json: bool = JSON_OPTION,
    sample_limit: int = typer.Option(
        500, "--sample-limit", min=1,
        help="Pick-list combinations checked per code in the proof; codes with more are sampled.",
    ),
    seed: int = typer.Option(311, "--seed", min=0, help="Seed of the proof's sampling."),
) -> None:
    """Check the taxonomy against the catalogue: every active code reachable, every combination of
    answers reaching exactly one code or referral, every operational field still filled, division,
    SLA and Closing-the-Loop level carried, and the proof by exhaustion.

    Exit 0 when clean, 1 with findings, 2 when an input cannot be read."""
    from codekit.cli._project import catalogue_loader, taxonomy_folder
    from codekit.validate import validate as run_validate

    taxonomy = taxonomy_folder(taxonomy)
    cat = catalogue_loader(catalogue, format=format, columns=columns, definitions=definitions, sample=sample)
    with progress("validating", total=None, enabled=not as_json):
        report = run_validate(taxonomy, cat(), sample_limit=sample_limit, seed=seed)
    if as_json:
        emit_json(report.to_dict())
    else:
        render(report)
    raise typer.Exit(report.exit_code)


def render(report) -> None:
    out = console()
    s = report.stats
    p = s["proof"]
    out.print(
        f"[bold]{esc(report.taxonomy)}[/bold] against {esc(report.catalogue or 'the catalogue')}: "
        f"{s['categories']} public categories for {s['active_codes']} active codes "
        f"({s['codes_per_category']} codes per category), {s['routes']} routes ({s['referrals']} referrals), "
        f"{s['answer_combinations']} answer combinations; {len(report.retired)} retired codes listed as retired."
    )
    out.print(
        f"Proof by exhaustion: {p['combinations_checked']:,} of {p['combinations_total']:,} pick-list combinations "
        f"checked over {p['codes']} codes ({p['codes_sampled']} sampled at {p['sample_limit']} each, seed {p['seed']})."
    )
    if report.ok:
        out.print("[green]No findings: every promise holds.[/green]")
        return
    for division, items in report.by_division().items():
        table = plain_table(title=f"{division}: {len(items)} finding(s)", title_justify="left", show_lines=False)
        table.add_column("type")
        table.add_column("where")
        table.add_column("code")
        table.add_column("message", overflow="fold")
        for f in items:
            where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "(catalogue)")
            table.add_row(f.type, where, f.code or "", f.message)
        out.print(table)
    counts = ", ".join(f"{k}: {v}" for k, v in report.counts().items())
    out.print(f"[red]{len(report.findings)} finding(s)[/red] ({counts})")


@app.command()
def routes(
    taxonomy: Optional[Path] = _TAXONOMY_ARG,
    catalogue: Optional[Path] = _CATALOGUE_OPT,
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    sample: bool = SAMPLE_OPTION,
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .csv or .parquet."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Export the routing table: one row per (category, answer combination) with the code, its
    division, section, SLA, Closing-the-Loop level and field map, or the referral."""
    from codekit.cli._project import catalogue_loader, taxonomy_folder
    from codekit.validate import export_routes

    summary = export_routes(taxonomy_folder(taxonomy), catalogue_loader(
        catalogue, format=format, columns=columns, definitions=definitions, sample=sample), out)
    if as_json:
        emit_json(summary)
    else:
        console().print(f"Wrote {summary['rows']} rows (answer combinations) of {summary['categories']} categories, "
                        f"reaching {summary['codes']} codes, to {esc(summary['out'])}")
