"""`codekit lint`: is the taxonomy fit to publish (readiness findings, beside validate's proof)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import (
    COLUMNS_OPTION, DEFINITIONS_OPTION, FORMAT_OPTION, JSON_OPTION, SAMPLE_OPTION, app, console, emit_json,
)


@app.command()
def lint(
    taxonomy: Optional[Path] = typer.Argument(
        None, help="The taxonomy folder. Default: the project's, else taxonomy.", show_default=False,
    ),
    catalogue: Optional[Path] = typer.Option(
        None, "--catalogue", "-c",
        help="The catalogue: its codes, code prefixes, acronyms and divisions are jargon in labels. "
        "Default: the project's; lint runs without one outside a project.",
    ),
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    sample: bool = SAMPLE_OPTION,
    show: int = typer.Option(50, "--show", min=0, help="Findings listed (the counts cover all; --json lists all)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Check the taxonomy reads as a public one: labels free of jargon, distinct and specific, no draft
    groups or notes, questions with few enough answers, answers that are not internal code names,
    categories of a size one question tree serves, synonyms. Thresholds: the project's [lint]
    (docs/lint.md). Exit 0 without errors (warnings allowed), 1 with errors, 2 for unreadable input."""
    from codekit.cli._project import current_project, load_catalogue_of, resolve_inputs, taxonomy_folder
    from codekit.project import lint_options
    from codekit.validate.lint import lint as run_lint

    proj = current_project()
    inputs = resolve_inputs(catalogue, format=format, columns=columns, definitions=definitions, sample=sample)
    cat = load_catalogue_of(inputs) if inputs.catalogue is not None else None
    report = run_lint(taxonomy_folder(taxonomy), cat, options=lint_options(proj))
    if as_json:
        emit_json(report.to_dict())
    else:
        render(report, show=show)
    raise typer.Exit(report.exit_code)


def _where(f) -> str:
    import os

    if not f.file:
        return ""
    path = f.file
    try:
        rel = os.path.relpath(path)
        path = rel if not rel.startswith("..") else path
    except ValueError:
        pass
    return f"{path}:{f.line}" if f.line else path


def render(report, show: int = 50) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    out.print(f"{report.taxonomy}: {report.categories} categories; "
              + (f"catalogue {report.catalogue}" if report.catalogue else "no catalogue"), markup=False)
    if report.findings:
        by_type: dict[tuple[str, str], list] = {}
        for f in report.findings:
            by_type.setdefault((f.type, f.severity), []).append(f)
        t = Table(title="Findings by type", title_justify="left")
        for col in ("type", "severity", "n", "what to do"):
            t.add_column(col, justify="right" if col == "n" else "left", overflow="fold")
        for (type_, sev), items in sorted(by_type.items(), key=lambda kv: (kv[0][1] != "error", -len(kv[1]), kv[0])):
            t.add_row(Text(type_), Text(sev, style="red" if sev == "error" else "yellow"), str(len(items)),
                      Text(items[0].hint or ""))
        out.print(t)
    if report.findings and show:
        t = Table(show_lines=False)
        for col in ("severity", "type", "where", "message"):
            t.add_column(col, overflow="fold")
        order = sorted(report.findings, key=lambda f: (f.severity != "error", f.sort_key()))
        for f in order[:show]:
            t.add_row(Text(f.severity, style="red" if f.severity == "error" else "yellow"), Text(f.type),
                      Text(_where(f)), Text(f.message))
        out.print(t)
        if len(order) > show:
            out.print(f"... and {len(order) - show} more (`codekit lint --show N` lists more, --json all)", markup=False)
    if report.ok:
        out.print(Text(("Ready to publish: " if not report.warnings else "No errors: ") + report.summary(),
                       style="green"))
    else:
        out.print(Text("Not ready to publish: " + report.summary(), style="red"))
