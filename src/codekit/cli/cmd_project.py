"""`codekit init`: write a project file (codekit.toml) naming a city's inputs once."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import COLUMNS_OPTION, DEFINITIONS_OPTION, FORMAT_OPTION, JSON_OPTION, app, console, emit_json


@app.command()
def init(
    folder: Path = typer.Argument(Path("."), help="The project folder (made if missing)."),
    catalogue: str = typer.Option(
        ..., "--catalogue", "-c",
        help="The catalogue file (any format in `codekit formats`), or sample:SEED for the bundled sample city.",
        show_default=False,
    ),
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    errors: Optional[str] = typer.Option(None, "--errors", "-e", help="The intake error log (CSV or Parquet)."),
    taxonomy: Optional[Path] = typer.Option(
        None, "--taxonomy", help="The working taxonomy folder (default: taxonomy beside the project file).",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write FOLDER/codekit.toml naming the catalogue (with its format, columns and definitions), the
    error log and the taxonomy folder; every command run in FOLDER (or below) then reads it, and
    explicit flags override it. The catalogue is loaded first: nothing is written if it does not
    load. An existing project file is never overwritten (exit 2)."""
    from codekit.project import init_project

    result = init_project(folder, catalogue=catalogue, format=format, columns=columns,
                          definitions=[str(d) for d in definitions or ()], errors=errors, taxonomy=taxonomy)
    if as_json:
        emit_json(result)
        return
    console().print(
        f"wrote {result['written']}: catalogue {result['catalogue']} ({result['codes']:,} codes), "
        f"taxonomy folder {result['taxonomy']}" + (f", error log {result['errors']}" if result["errors"] else ""),
        markup=False, soft_wrap=True,
    )
    console().print("next: `codekit propose --start` to start the taxonomy from a proposal, then `codekit lint`",
                    markup=False)
