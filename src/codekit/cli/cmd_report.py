"""`codekit report` (the consolidation report) and `codekit preview` (the public intake flow)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import FORMAT_OPTION, JSON_OPTION, app, console, emit_json, esc, load_inputs, progress


@app.command()
def report(
    taxonomy: Optional[Path] = typer.Argument(
        None, help="The taxonomy folder (one YAML per public category). Omit it to report on a draft "
        "proposed in memory by `codekit propose`.", show_default=False,
    ),
    catalogue: Optional[Path] = typer.Option(
        None, "--catalogue", "-c", help="The service-code catalogue. Default: the bundled sample city.",
    ),
    errors: Optional[Path] = typer.Option(
        None, "--errors", "-e",
        help="Intake error log (CSV or Parquet). Default with the sample city: its generated log.",
    ),
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="The HTML report to write."),
    markdown: Optional[Path] = typer.Option(None, "--markdown", "-m", help="Also write a Markdown summary here."),
    top: int = typer.Option(20, "--top", min=1, help="Rows shown in each table and chart."),
    no_validate: bool = typer.Option(False, "--no-validate", metavar="", help="Leave out the validation section (faster)."),
    seed: int = typer.Option(311, "--seed", min=0, help="Seed of the sample city, the proposal, the proof and the layout."),
    sample_events: int = typer.Option(
        200_000, "--sample-events", min=1, help="Error events generated for the sample city (no --catalogue/--errors).",
    ),
    format: Optional[str] = FORMAT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Write the consolidation report: one self-contained HTML file (offline, printable) with charts
    of codes before and after per division, error hotspots, the confusion network, category sizes,
    intake steps before and after, the largest merges and why, the question bank and the validation
    status; --markdown adds a short summary. Exit 2 for an empty catalogue or unreadable input."""
    from codekit.report.html import build_report, proposed_taxonomy, write_report

    with progress("building the report", total=None, enabled=not as_json) as advance:
        cat, log = load_inputs(catalogue, errors, format=format, seed=seed, sample_events=sample_events,
                               advance=advance)
        note = ""
        tax = taxonomy
        if taxonomy is None:
            advance(1, description="proposing a draft taxonomy")
            tax, note = proposed_taxonomy(cat, log, seed=seed)
        data = build_report(tax, cat, log, top=top, run_validation=not no_validate, seed=seed,
                            taxonomy_note=note, progress=advance)
        advance(1, description=f"writing {out}")
        written = write_report(data, out, markdown)
    if as_json:
        emit_json({"written": written, "headline": data["headline"], "inputs": data["inputs"]})
        return
    h = data["headline"]
    con = console()
    con.print(
        f"[bold]{h['active_codes']:,} active codes -> {h['categories']:,} public categories[/bold]; steps to submit "
        f"{_one(h['steps_before'])} -> {_one(h['steps_after'])}, options read {_one(h['options_before'])} -> "
        f"{_one(h['options_after'])} (volume-weighted); "
        + ("validation not run" if h["validation_ok"] is None else
           "validation passed" if h["validation_ok"] else f"{h['n_findings']:,} validation findings")
    )
    for kind, path in written.items():
        con.print(f"wrote {kind} to {esc(path)}")


def _one(x) -> str:
    return "n/a" if x is None else f"{x:.1f}"


@app.command()
def preview(
    source: Path = typer.Argument(
        ..., help="A release folder (with catalogue.json), a catalogue.json file, or a taxonomy folder.",
        show_default=False,
    ),
    catalogue: Optional[Path] = typer.Option(
        None, "--catalogue", "-c", help="With a taxonomy folder: the catalogue. Default: the bundled sample city.",
    ),
    out: Path = typer.Option(Path("preview.html"), "--out", "-o", help="The HTML page to write."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write a static, offline HTML page of the public intake flow: pick a group and a category (or
    search labels and synonyms), answer the questions (dependent ones appear only when they matter),
    and see the code and division the request goes to (or the referral) and the fields sent."""
    from codekit.report.preview import load_preview_data, write_preview

    data = load_preview_data(source, catalogue)
    path = write_preview(data, out)
    summary = {"written": str(path), "source": data["source"], "categories": len(data["categories"]),
               "codes": len(data["codes"]), "routes": sum(len(c["routes"]) for c in data["categories"])}
    if as_json:
        emit_json(summary)
        return
    console().print(f"wrote the intake preview of {summary['categories']:,} categories ({summary['routes']:,} routes) "
                    f"to {esc(path)}")
