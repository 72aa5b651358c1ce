"""`codekit formats` and `codekit convert`: which catalogue formats codekit reads, and converting them."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from codekit.cli._common import JSON_OPTION, app, console, emit_json, err_console, table as plain_table


@app.command()
def formats(as_json: bool = JSON_OPTION) -> None:
    """List the catalogue formats codekit reads: the names `codekit validate --format` and every other command reading a catalogue take."""
    from codekit.io.catalogue import FORMATS

    if as_json:
        emit_json(FORMATS)
        return
    table = plain_table(title="Catalogue formats")
    table.add_column("format")
    table.add_column("what it is")
    for name, text in FORMATS.items():
        table.add_row(name, text)
    console().print(table)


@app.command()
def convert(
    source: Path = typer.Argument(..., help="Catalogue to read (any format in `codekit formats`)."),
    output: Path = typer.Argument(..., help="File to write: .csv, .parquet or .yaml (codekit catalogue)."),
    format: Optional[str] = typer.Option(None, "--format", "-f", help="Input format (detected when left out)."),
    definitions: Optional[List[Path]] = typer.Option(
        None, "--definitions", "-d", help="Open311 service definition file(s) to merge as fields; repeatable."
    ),
    columns: Optional[str] = typer.Option(
        None, "--columns", help="For request rows: a preset (nyc, sf) or role=Column,... (name=A+B joins columns)."
    ),
    out_format: Optional[str] = typer.Option(None, "--to", help="Output format csv|parquet|yaml (default: by suffix)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Read any catalogue codekit understands and write it as a codekit CSV, Parquet or YAML catalogue."""
    from codekit.io.catalogue import convert_catalogue

    summary = convert_catalogue(source, output, format, definitions=definitions or (), columns=columns,
                                out_format=out_format)
    if as_json:
        emit_json(summary)
        return
    for w in summary["warnings"]:
        err_console().print(f"warning: {w}", markup=False, soft_wrap=True)
    console().print(
        f"Wrote {summary['codes']} code{'' if summary['codes'] == 1 else 's'} in {summary['divisions']} division(s) "
        f"from {summary['source']} ({summary['format']}) to {summary['output']} ({summary['output_format']})",
        markup=False,
        soft_wrap=True,
    )
