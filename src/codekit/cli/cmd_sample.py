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
    events: int = typer.Option(1_000_000, "--events", "-n", min=0, max=100_000_000, help="Number of error-log events (10M takes seconds; at most 100M)."),
    log_format: str = typer.Option("parquet", "--log-format", help="Error-log format: parquet or csv."),
    force: bool = typer.Option(False, "--force", metavar="", help="Write into a non-empty folder, replacing the sample files in it."),
    next_: bool = typer.Option(False, "--next", metavar="", help="Write the city's next code inventory instead (next.yaml): a new division's codes, renames, removals, changed fields; for `codekit sync`."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write the seeded sample city: a 650+ code catalogue (catalogue.yaml) and its intake error log."""
    from codekit.sample import sample_city

    if next_:
        from codekit.sample import write_next_inventory

        path = write_next_inventory(out, seed=seed, force=force)
        result = {"out": str(out), "seed": seed, "next": str(path)}
        if as_json:
            emit_json(result)
        else:
            console().print(f"The sample city's next inventory (seed {seed}) written to {path}")
        return

    with progress(f"writing the sample city ({events:,} events)", total=None, enabled=not as_json):
        result = sample_city(out, seed=seed, n_events=events, log_format=log_format, force=force)
    if as_json:
        emit_json(result)
        return
    files = result["files"]
    c = console()
    c.print(f"Sample city (seed {seed}) written to {esc(out)}:")
    c.print(f"  {esc(files['catalogue']['path'])}  {result['n_codes']:,} codes in {result['n_divisions']} divisions "
            f"({_size(files['catalogue']['bytes'])})")
    c.print(f"  {esc(files['errors']['path'])}  {events:,} error events ({_size(files['errors']['bytes'])})")


@app.command("convert-log")
def convert_log(
    src: Path = typer.Argument(..., help="Error log to convert (CSV or Parquet, canonical schema), or request rows with --from-requests."),
    dst: Path = typer.Argument(..., help="Parquet file to write (.parquet)."),
    log_format: Optional[str] = typer.Option(None, "--log-format", help="Input format (csv or parquet); detected when omitted."),
    from_requests: bool = typer.Option(False, "--from-requests", metavar="", help="SRC is request rows (Toronto/NYC CSV, Open311 requests, SeeClickFix pages): derive the error events from them (docs/timelines.md)."),
    columns: Optional[str] = typer.Option(None, "--columns", help="With --from-requests: a preset (nyc, sf, toronto) or role=Column,... for other cities' rows."),
    force: bool = typer.Option(False, "--force", metavar="", help="Replace DST if it exists."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Convert an error log to canonical Parquet once (streaming), for fast repeated analyses."""
    from codekit.io.errorlog import convert_error_log

    if from_requests:
        from codekit.analyse.history import derive_error_log
        from codekit.errors import UsageError

        if dst.exists() and not force:
            raise UsageError("the output exists", path=dst, hint="pass --force to replace it, or name another file")
        with progress(f"deriving error events from {src}", total=None, enabled=not as_json):
            result = derive_error_log(src, dst, columns=columns)
        if as_json:
            emit_json(result)
            return
        _render_derived(result)
        return
    if columns:
        from codekit.errors import UsageError

        raise UsageError("--columns needs --from-requests", hint="add --from-requests, or leave --columns out")
    with progress(f"converting {src}", total=None, enabled=not as_json):
        result = convert_error_log(src, dst, format=log_format, force=force)
    if as_json:
        emit_json(result)
        return
    console().print(
        f"{esc(result['output'])}: {result['n_events']:,} events "
        f"({_size(result['bytes_in'])} -> {_size(result['bytes_out'])})"
    )


def _render_derived(result: dict) -> None:
    from rich.markup import escape

    c = console()
    r = result["rules"]
    c.print(f"{escape(result['output'])}: {result['n_events']:,} error events from {result['n_requests']:,} requests "
            f"({result['format']})" + ("; " + ", ".join(f"{k} {n:,}" for k, n in result["by_kind"].items()) if result["by_kind"] else ""))
    c.print("Rules matched: " + ", ".join(f"{k} {n:,}" for k, n in r["matched"].items()))
    c.print(f"No rule matched: {r['unmatched']:,} requests ({r['unmatched_with_text']:,} with a resolution text)")
    if r["matched_without_timestamp"]:
        c.print(f"[yellow]warning:[/yellow] {r['matched_without_timestamp']:,} matching requests have no parseable "
                "creation time and are not in the log")
    for t in r["top_unmatched_texts"]:
        c.print(f"  unmatched x{t['n']:,}: {escape(t['text'])}")


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover
