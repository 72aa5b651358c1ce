"""`codekit report` (the consolidation report) and `codekit preview` (the public intake flow)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import (
    CATALOGUE_OPTION, COLUMNS_OPTION, DEFINITIONS_OPTION, FORMAT_OPTION, JSON_OPTION, SAMPLE_OPTION,
    app, console, emit_json, esc, load_inputs, progress,
)


@app.command()
def report(
    taxonomy: Optional[Path] = typer.Argument(
        None, help="The taxonomy folder (one YAML per public category). Default: the project's taxonomy "
        "folder when it exists, else a draft proposed in memory by `codekit propose`.", show_default=False,
    ),
    catalogue: Optional[Path] = CATALOGUE_OPTION,
    errors: Optional[Path] = typer.Option(
        None, "--errors", "-e",
        help="Intake error log (CSV or Parquet). Default: the project's; with --sample, the sample city's.",
    ),
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="The HTML report to write."),
    markdown: Optional[Path] = typer.Option(None, "--markdown", "-m", help="Also write a Markdown summary here."),
    top: int = typer.Option(20, "--top", min=1, help="Rows shown in each table and chart."),
    no_validate: bool = typer.Option(False, "--no-validate", metavar="", help="Leave out the validation section (faster)."),
    seed: int = typer.Option(311, "--seed", min=0, help="Seed of the sample city, the proposal, the proof and the layout."),
    sample_events: int = typer.Option(
        200_000, "--sample-events", min=1, help="Error events generated for the sample city (--sample, no --errors).",
    ),
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    sample: bool = SAMPLE_OPTION,
    requests: Optional[Path] = typer.Option(
        None, "--requests", help="Request history (any source `codekit timelines` reads): adds SLA against actual "
        "per division and the suggested Closing-the-Loop levels. Default: the project's [inputs] requests.",
        show_default=False),
    requests_format: Optional[str] = typer.Option(None, "--requests-format", help="Its source (toronto, nyc, open311, seeclickfix, rows); detected when omitted."),
    requests_columns: Optional[str] = typer.Option(None, "--requests-columns", help="Its columns, as `codekit timelines --columns`."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Export time of the request history (default: its latest timestamp)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write the consolidation report: one self-contained HTML file (offline, printable) with charts
    of codes before and after per division, error hotspots, the confusion network, category sizes,
    intake steps before and after, the largest merges and why, the question bank and the validation
    status; --markdown adds a short summary. Exit 2 for an empty catalogue or unreadable input."""
    from codekit.report.html import make_report

    with progress("building the report", total=None, enabled=not as_json) as advance:
        cat, log = load_inputs(catalogue, errors, format=format, columns=columns, definitions=definitions, seed=seed,
                               sample_events=sample_events, advance=advance, sample=sample, how="--catalogue FILE")
        from codekit.cli._project import current_project, requests_input
        from codekit.project import lint_options

        proj = current_project()
        tax = taxonomy
        if tax is None and proj is not None and proj.taxonomy.is_dir():
            tax = proj.taxonomy
        requests, requests_columns = requests_input(requests, requests_columns)
        result = make_report(tax, cat, log, out=out, markdown=markdown, top=top, run_validation=not no_validate,
                             seed=seed, progress=advance, lint_options=lint_options(proj), requests=requests,
                             requests_format=requests_format, requests_columns=requests_columns, as_of=as_of)
    if as_json:
        emit_json(result)
        return
    written = result["written"]
    h = result["headline"]
    con = console()
    con.print(
        f"[bold]{h['active_codes']:,} active codes -> {h['categories']:,} public categories[/bold]; steps to submit "
        f"{_one(h['steps_before'])} -> {_one(h['steps_after'])}, options read {_one(h['options_before'])} -> "
        f"{_one(h['options_after'])} (volume-weighted); "
        + ("validation not run" if h["validation_ok"] is None else
           "validation passed" if h["validation_ok"] else f"{h['n_findings']:,} validation findings")
        + _readiness(result.get("readiness"))
    )
    for kind, path in written.items():
        con.print(f"wrote {kind} to {esc(path)}")


def _readiness(rd) -> str:
    if not rd:
        return ""
    return (f"; ready to publish ({rd['warnings']:,} lint warnings)" if rd["ok"] else
            f"; not ready to publish: {rd['errors']:,} lint errors, {rd['warnings']:,} warnings")


def _one(x) -> str:
    return "n/a" if x is None else f"{x:.1f}"


@app.command()
def preview(
    source: Path = typer.Argument(
        ..., help="A release folder (with catalogue.json), a catalogue.json file, or a taxonomy folder.",
        show_default=False,
    ),
    catalogue: Optional[Path] = typer.Option(
        None, "--catalogue", "-c", help="With a taxonomy folder: the catalogue. Default: the project's (codekit.toml).",
    ),
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    sample: bool = SAMPLE_OPTION,
    out: Path = typer.Option(Path("preview.html"), "--out", "-o", help="The HTML page to write."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write a static, offline HTML page of the public intake flow: pick a group and a category (or
    search labels and synonyms), answer the questions (dependent ones appear only when they matter),
    and see the code and division the request goes to (or the referral) and the fields sent."""
    from codekit.cli._project import catalogue_loader
    from codekit.report.preview import load_preview_data, write_preview

    data = load_preview_data(source, catalogue_loader(catalogue, format=format, columns=columns,
                                                      definitions=definitions, sample=sample))
    path = write_preview(data, out)
    summary = {"written": str(path), "source": data["source"], "categories": len(data["categories"]),
               "codes": len(data["codes"]), "routes": sum(len(c["routes"]) for c in data["categories"])}
    if as_json:
        emit_json(summary)
        return
    console().print(f"wrote the intake preview of {summary['categories']:,} categories ({summary['routes']:,} routes) "
                    f"to {esc(path)}")
