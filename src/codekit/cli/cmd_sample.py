"""`codekit sample` (write the sample city) and `codekit convert-log` (CSV error log -> Parquet, once)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import JSON_OPTION, app, console, emit_json, esc, progress


@app.command()
def sample(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write catalogue.yaml and errors.parquet (or .csv) into."),
    seed: int = typer.Option(311, "--seed", min=0, help="Seed: the same seed writes byte-identical files."),
    events: int = typer.Option(1_000_000, "--events", "-n", min=0, help="Number of error-log events (10M takes seconds)."),
    log_format: str = typer.Option("parquet", "--log-format", help="Error-log format: parquet or csv."),
    force: bool = typer.Option(False, "--force", metavar="", help="Write into a non-empty folder, replacing the sample files in it."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write the seeded sample city: a 650+ code catalogue (catalogue.yaml) and its intake error log."""
    from codekit.sample import sample_catalogue, write_sample

    with progress(f"writing the sample city ({events:,} events)", total=None, enabled=not as_json):
        paths = write_sample(out, seed=seed, n_events=events, log_format=log_format, force=force)
    cat = sample_catalogue(seed)
    result = {
        "out": str(out),
        "seed": seed,
        "n_codes": len(cat),
        "n_divisions": len(cat.divisions()),
        "n_events": events,
        "files": {k: {"path": str(p), "bytes": p.stat().st_size} for k, p in sorted(paths.items())},
    }
    if as_json:
        emit_json(result)
        return
    c = console()
    c.print(f"Sample city (seed {seed}) written to {esc(out)}:")
    c.print(f"  {esc(paths['catalogue'])}  {len(cat):,} codes in {result['n_divisions']} divisions "
            f"({_size(result['files']['catalogue']['bytes'])})")
    c.print(f"  {esc(paths['errors'])}  {events:,} error events ({_size(result['files']['errors']['bytes'])})")


@app.command("convert-log")
def convert_log(
    src: Path = typer.Argument(..., help="Error log to convert (CSV or Parquet, canonical schema)."),
    dst: Path = typer.Argument(..., help="Parquet file to write (.parquet)."),
    log_format: Optional[str] = typer.Option(None, "--log-format", help="Input format (csv or parquet); detected when omitted."),
    force: bool = typer.Option(False, "--force", metavar="", help="Replace DST if it exists."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Convert an error log to canonical Parquet once (streaming), for fast repeated analyses."""
    from codekit.errors import UsageError
    from codekit.io.errorlog import convert_error_log

    if dst.exists() and not force:
        raise UsageError("the output exists", path=dst, hint="pass --force to replace it, or name another file")
    with progress(f"converting {src}", total=None, enabled=not as_json):
        result = convert_error_log(src, dst, format=log_format)
    if as_json:
        emit_json(result)
        return
    console().print(
        f"{esc(result['output'])}: {result['n_events']:,} events "
        f"({_size(result['bytes_in'])} -> {_size(result['bytes_out'])})"
    )


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover
