"""`codekit profile`: codes, volumes and errors per division and section."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import (
    CATALOGUE_ARG, DEFINITIONS_OPTION, FORMAT_OPTION, JSON_OPTION, COLUMNS_OPTION, SAMPLE_OPTION, SEED_OPTION,
    app, console, emit_json, esc, load_inputs, progress, table,
)


@app.command()
def profile(
    catalogue: Optional[Path] = CATALOGUE_ARG,
    errors: Optional[Path] = typer.Option(None, "--errors", "-e", help="Intake error log (CSV or Parquet, canonical schema)."),
    format: Optional[str] = FORMAT_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    top: int = typer.Option(15, "--top", min=0, help="How many confused pairs and near-duplicates to list."),
    seed: int = SEED_OPTION,
    sample: bool = SAMPLE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Profile a catalogue: per division and section the code count, volume, error rate by kind,
    codes with no volume, the most confused pairs and near-duplicate names."""
    from codekit.analyse.profile import profile as run_profile

    with progress("profiling", total=None, enabled=not as_json) as advance:
        cat, log = load_inputs(
            catalogue, errors, format=format, definitions=definitions, columns=columns, seed=seed, advance=advance,
            sample=sample,
        )
        result = run_profile(cat, log, top=top, progress=advance)
    if as_json:
        emit_json(result)
        return
    render(result)


_SHORT = {
    "recoded": "recoded", "transferred": "transfer", "cancelled": "cancel", "duplicate": "dupl.",
    "not_city_asset": "not City", "abandoned": "abandon", "validation_failed": "invalid",
}


def _fmt_int(v) -> str:
    return "" if v is None else f"{v:,}"


def _fmt_pct(v) -> str:
    return "" if v is None else f"{100 * v:.2f}%"


def render(result: dict) -> None:
    out = console()
    c = result["catalogue"]
    out.print(
        f"[bold]{esc(c['source'] or 'catalogue')}[/bold] ({esc(c['format'])}): {c['n_codes']:,} codes "
        f"({c['n_active']:,} active, {c['n_retired']:,} retired) in {c['n_divisions']} divisions and "
        f"{c['n_sections']} sections; {c['n_fields']:,} operational fields"
        + (f"; volume {c['total_volume']:,}" if c["total_volume"] is not None else "; no volumes")
    )
    for w in c["warnings"]:
        out.print(f"[yellow]warning:[/yellow] {esc(w)}")
    log = result["error_log"]
    kinds = [k for k, n in (log["by_kind"].items() if log else []) if n]

    has_cancel = any(r["cancellation_rate"] is not None for r in result["divisions"])
    for title, rows, keys in (
        ("Per division", result["divisions"], ("division",)),
        ("Per section", result["sections"], ("division", "section")),
    ):
        by_kind = log is not None and len(keys) == 1  # the kind breakdown per division; sections get the top kind
        t = table(title=title, title_justify="left")
        for k in keys:
            t.add_column(k, min_width=18, max_width=34)
        for col in ("codes", "volume", "share", "no volume"):
            t.add_column(col, justify="right", no_wrap=True)
        if log:
            t.add_column("errors", justify="right", no_wrap=True)
            t.add_column("error rate", justify="right", no_wrap=True)
            if by_kind:
                for k in kinds:
                    t.add_column(_SHORT.get(k, k), justify="right", no_wrap=True)
            else:
                t.add_column("top kind", no_wrap=True)
        if has_cancel:
            t.add_column("cancelled", justify="right", no_wrap=True)
        for r in rows:
            cells = [r[k] or "(none)" for k in keys]
            cells += [_fmt_int(r["n_codes"]), _fmt_int(r["volume"]), _fmt_pct(r["volume_share"]),
                      _fmt_int(r["n_codes_without_volume"])]
            if log:
                cells += [_fmt_int(r["n_errors"]), _fmt_pct(r["error_rate"])]
                if by_kind:
                    cells += [_fmt_pct(r["error_rate_by_kind"].get(k)) for k in kinds]
                else:
                    top = max(r["errors"].items(), key=lambda kv: (kv[1], kv[0]), default=None)
                    cells.append(f"{top[0]} {_fmt_pct(top[1] / r['volume']) if r['volume'] else ''}" if top else "")
            if has_cancel:
                cells.append(_fmt_pct(r["cancellation_rate"]))
            t.add_row(*cells)
        out.print(t)
    if log:
        out.print("Error rates are error events submitted under a code per request of that code.")

    if log:
        out.print(
            f"Error log {esc(log['source'])}: {log['n_events']:,} events; "
            + ", ".join(f"{k} {n:,}" for k, n in log["by_kind"].items() if n)
        )
        u = log["unknown_codes"]
        if u and u.get("n_events"):
            out.print(
                f"[yellow]warning:[/yellow] {u['n_events']:,} events name {u['n_codes']:,} codes the catalogue lacks "
                f"(e.g. {esc(', '.join(u['examples'][:5]))})"
            )
    if result["confused_pairs"]:
        t = table(title="Most confused pairs (re-coded or transferred)", title_justify="left")
        for col in ("events", "code", "name", "", "code", "name", "cross-division"):
            t.add_column(col, justify="right" if col == "events" else "left")
        for r in result["confused_pairs"]:
            t.add_row(
                _fmt_int(r["n"]), r["code_a"], r["name_a"] or "?", "<->", r["code_b"], r["name_b"] or "?",
                "yes" if r["cross_division"] else "",
            )
        out.print(t)
    if result["near_duplicates"]:
        t = table(title="Near-duplicate names (merge candidates)", title_justify="left")
        for col in ("score", "code", "name", "code", "name"):
            t.add_column(col)
        for r in result["near_duplicates"]:
            t.add_row(f"{r['score']:.2f}", r["code_a"], r["name_a"], r["code_b"], r["name_b"])
        out.print(t)
    no_vol = result["codes_without_volume"]
    if no_vol and c["n_codes_without_volume"]:
        more = c["n_codes_without_volume"] - len(no_vol)
        out.print(
            f"Active codes with no volume ({c['n_codes_without_volume']:,}): {esc(', '.join(no_vol))}"
            + (f" and {more:,} more" if more > 0 else "")
        )
