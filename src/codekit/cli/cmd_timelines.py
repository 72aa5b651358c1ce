"""`codekit timelines`: how long requests take to close, per code and public category (Kaplan-Meier)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import JSON_OPTION, app, console, emit_json, progress

REQUEST_FORMAT_OPTION = typer.Option(
    None, "--format", "-f", help="Request source: toronto, nyc, open311, seeclickfix or rows; detected when omitted.")
REQUEST_COLUMNS_OPTION = typer.Option(
    None, "--columns", help="Request rows of other cities: a preset (nyc, sf, toronto) or role=Column,... "
    "(roles: code, name, division, section, status, created, closed, due, resolution, channel, id, acknowledged, correct).")


@app.command()
def timelines(
    requests: Path = typer.Argument(..., help="Request rows: Toronto/NYC CSV, Open311 requests JSON/XML, SeeClickFix pages (file or folder), or any CSV with --columns."),
    format: Optional[str] = REQUEST_FORMAT_OPTION,
    columns: Optional[str] = REQUEST_COLUMNS_OPTION,
    catalogue: Optional[Path] = typer.Option(None, "--catalogue", "-c", help="Catalogue whose sla_days and ctl_level sit beside the observed times."),
    taxonomy: Optional[Path] = typer.Option(None, "--taxonomy", "-t", help="taxonomy/ folder: timelines per public category too (through its routes)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Export time: open requests are censored here (default: the latest timestamp in the data)."),
    business_days: bool = typer.Option(False, "--business-days", metavar="", help="Count Monday-Friday days instead of hours."),
    top: int = typer.Option(20, "--top", min=0, help="How many codes and categories to print."),
    csv_out: Optional[Path] = typer.Option(None, "--csv", help="Also write every code and category to this CSV file."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Time to close at p50, p80 and p90 per code (and per public category with --taxonomy), open requests
    censored at --as-of (Kaplan-Meier), with the counts behind each figure, SLA and due-date compliance and a
    suggested Closing-the-Loop level."""
    from codekit.analyse.timelines import build_timelines, write_timelines_csv
    from codekit.io.files import check_output

    if csv_out is not None:
        check_output(csv_out, inputs=[requests, catalogue])
    with progress(f"timing {requests}", total=None, enabled=not as_json):
        result = build_timelines(requests, format=format, columns=columns, catalogue=catalogue, taxonomy=taxonomy,
                                 as_of=as_of, business_days=business_days)
    if csv_out is not None:
        write_timelines_csv(result, csv_out, inputs=[requests])
        result["csv"] = str(csv_out)
    if as_json:
        emit_json(result)
        return
    render(result, top)


def _d(v) -> str:
    return "" if v is None else f"{v:,.2f}"


def _q(r: dict, key: str, unit: str) -> str:
    v = r.get(f"{key}_days")
    if v is None:
        return "> seen" if r["n_requests"] else ""
    return f"{v:,.1f}" if unit == "business_days" else (f"{v:,.1f} d" if v >= 2 else f"{r[key]:,.1f} h")


def render(result: dict, top: int) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    c = result["counts"]
    unit = result["unit"]
    out.print(
        f"[bold]{escape(result['source'])}[/bold] ({result['format']}): {c['rows']:,} requests, {c['used']:,} timed "
        f"({c['closed']:,} closed, {c['open']:,} still open, censored at {result['as_of']}"
        + (" = the latest timestamp" if result["as_of_default"] else "") + ")"
    )
    if c["excluded"]:
        out.print("Not timed: " + ", ".join(f"{k} {v:,}" for k, v in c["excluded"].items()))
    q = result["quality"]
    bad = {k: q[k] for k in ("created_unparsed", "created_missing", "closed_unparsed", "closed_before_created",
                             "status_unknown", "mixed_time_zones", "no_code") if q.get(k)}
    if c.get("closed_after_as_of"):
        bad["closed_after_as_of"] = c["closed_after_as_of"]
    if c.get("open_with_close_date"):
        bad["open_with_close_date"] = c["open_with_close_date"]
    if bad:
        out.print("[yellow]Bad input (counted, not dropped):[/yellow] " + ", ".join(f"{k} {v:,}" for k, v in bad.items()))
    for w in result["warnings"]:
        out.print(f"[yellow]warning:[/yellow] {escape(w)}")
    j = result.get("join")
    if j and j["requests"]:
        out.print(f"Joined to the catalogue: {100 * j['rate']:.1f}% of {j['requests']:,} requests ({j['by_code']:,} by "
                  f"code, {j['by_name']:,} by name, {j['unmatched']:,} not)")
    o = result["overall"]
    out.print(f"All requests: p50 {_q(o, 'p50', unit)}, p80 {_q(o, 'p80', unit)}, p90 {_q(o, 'p90', unit)} "
              f"({'business days' if unit == 'business_days' else 'h = hours, d = days'}; '> seen' = longer than "
              "the longest observed time, too many still open)")
    for title, rows, key in (("Per code", result["codes"], "code"), ("Per public category", result["categories"], "category")):
        if not rows:
            continue
        t = Table(title=f"{title} (top {min(top, len(rows))} of {len(rows):,} by requests)", title_justify="left")
        cols = [key, "name" if key == "code" else "label", "requests", "open", "p50", "p80", "p90"]
        has_sla = any(r["sla_days"] is not None for r in rows)
        has_due = any(r.get("due") for r in rows)
        has_ack = any(r.get("acknowledged") for r in rows)
        if has_sla:
            cols += ["SLA d", "within SLA", "p80-SLA d"]
        if has_due:
            cols += ["on time (due)"]
        if has_ack:
            cols += ["ack p50 d"]
        cols += ["CtL", "suggested"]
        for col in cols:
            t.add_column(col, justify="left" if col in (key, "name", "label") else "right", max_width=40 if col in ("name", "label") else None)
        for r in rows[:top]:
            cells = [escape(r[key]), escape(r.get("name", r.get("label", "")) or ""), f"{r['n_requests']:,}",
                     "" if r["open_share"] is None else f"{100 * r['open_share']:.0f}%",
                     _q(r, "p50", unit), _q(r, "p80", unit), _q(r, "p90", unit)]
            if has_sla:
                cells += [_d(r["sla_days"]), "" if r["sla_compliance"] is None else f"{100 * r['sla_compliance']:.0f}%",
                          _d(r["drift_days"])]
            if has_due:
                share = (r.get("due") or {}).get("on_time_share")
                cells.append("" if share is None else f"{100 * share:.0f}%")
            if has_ack:
                a = r.get("acknowledged") or {}
                cells.append(_d(a.get("p50_days")))
            cells += ["" if r["ctl_level"] is None else str(r["ctl_level"]),
                      "" if r["suggested_ctl_level"] is None else str(r["suggested_ctl_level"])]
            t.add_row(*cells)
        out.print(t)
    if result.get("codes_not_in_taxonomy"):
        n = len(result["codes_not_in_taxonomy"])
        out.print(f"{n:,} code(s) with requests are reached by no category of the taxonomy")
    if result.get("csv"):
        out.print(f"Wrote {escape(result['csv'])}")
