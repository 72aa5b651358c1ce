"""The codekit command line: thin wrappers that parse, call one library function, render.

Each command lives in its own module and registers itself on the shared ``app``. Heavy libraries
(pandas, polars, scikit-learn, great-expectations) are imported inside the commands, never here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from codekit import __version__
from codekit.cli._common import STATE, app


def _version(value: bool) -> None:
    if value:
        typer.echo(f"codekit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", metavar="", callback=_version, is_eager=True, help="Print the version and exit."),
    debug: bool = typer.Option(False, "--debug", metavar="", help="Show full tracebacks on errors."),
    project: Optional[Path] = typer.Option(
        None, "--project", envvar="CODEKIT_PROJECT", show_envvar=True,
        help="The project file (codekit.toml). Default: codekit.toml in the working folder or a folder above.",
    ),
) -> None:
    """codekit: service-code taxonomy and intake simplification for a city's 311."""
    STATE["debug"] = debug
    STATE["project"] = project


# Command modules register themselves on `app` when imported.
from codekit.cli import commands  # noqa: E402,F401


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run one command; any error is one `Error: ...` line (see ``_boundary``)."""
    from codekit.cli._boundary import run

    if argv is None:
        argv = sys.argv[1:]
    STATE["debug"] = "--debug" in argv
    sys.exit(run(app, list(argv)))
