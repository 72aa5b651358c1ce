"""`codekit sync`: compare a new code inventory with the one the taxonomy was built on; `--apply` updates it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import COLUMNS_OPTION, DEFINITIONS_OPTION, FORMAT_OPTION, JSON_OPTION, app, console, emit_json, progress


@app.command()
def sync(
    new: Path = typer.Argument(..., help="The new code inventory (any catalogue format codekit reads)."),
    old: Optional[Path] = typer.Option(None, "--old", help="The inventory the taxonomy was last validated or released against (default: the project's catalogue, which --apply then points at NEW)."),
    taxonomy: Optional[Path] = typer.Option(None, "--taxonomy", "-t", help="The curated taxonomy folder to update (default: the project's)."),
    apply: bool = typer.Option(False, "--apply", metavar="", help="Update the taxonomy: place new codes, retire removed ones."),
    dry_run: bool = typer.Option(False, "--dry-run", metavar="", help="Show the patch --apply would write; write nothing."),
    threshold: float = typer.Option(0.5, "--threshold", help="Placement confidence below which a new code is queued for review."),
    date: Optional[str] = typer.Option(None, "--date", help="Date written on tombstones (YYYY-MM-DD; default today)."),
    markdown: Optional[Path] = typer.Option(None, "--markdown", help="Also write the change report as Markdown to this file."),
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    old_format: Optional[str] = typer.Option(None, "--old-format", help="Format of --old when it cannot be detected."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Sync the taxonomy with a changing code inventory: new, removed, reactivated, renamed and replaced codes,
    division, section and field changes. With --apply, new codes are placed into categories (or queued in
    `to-review`), removed codes retired with a tombstone, and curated text left untouched.
    Exit 1 when the updated taxonomy still has validation findings (they name what needs a person)."""
    from codekit.errors import UsageError
    from codekit.io.catalogue import load_catalogue
    from codekit.sync import sync as run_sync
    from codekit.sync.inventory import compare_inventories, render_markdown

    from codekit.cli._project import current_project, taxonomy_folder

    project = current_project()
    if not new.exists():  # the argument first: its error is the one to fix first
        from codekit.errors import InputError

        raise InputError("no such file", path=str(new), hint="give the new code inventory (a catalogue file)")
    old_spec = old
    if old is None and project is not None and project.catalogue is not None:
        old_spec, old_format = project.catalogue, old_format or project.format
    if old_spec is None:
        raise UsageError("name the inventory the taxonomy was built on with --old",
                         hint="give the catalogue file the taxonomy was last validated or released against, "
                              "or run sync inside a project (codekit init), whose catalogue it is")
    taxonomy = taxonomy_folder(taxonomy)
    if markdown is not None:
        from codekit.io.files import check_output

        check_output(markdown, inputs=[new, old_spec])
    with progress("syncing", total=None, enabled=not as_json):
        kw: dict = {"definitions": tuple(definitions or ())}
        if columns:
            from codekit.io.rows import RowColumns

            kw["columns"] = RowColumns.parse(columns)
        new_cat = load_catalogue(new, format=format, **kw)
        from codekit.project import is_sample, sample_seed

        if is_sample(str(old_spec)):
            from codekit.sample import sample_catalogue

            old_cat = sample_catalogue(sample_seed(str(old_spec)))
        else:
            old_cat = load_catalogue(Path(old_spec), format=old_format)
        result = run_sync(old_cat, new_cat, taxonomy, apply=apply and not dry_run, dry_run=dry_run,
                          threshold=threshold, date=date)
    if markdown is not None:
        from codekit.io.files import write_text_atomic

        write_text_atomic(markdown, render_markdown(compare_inventories(old_cat, new_cat)))
    if result["applied"] and project is not None and old is None and taxonomy == project.taxonomy:
        # the project now follows the new inventory: the next sync compares against it
        from codekit.io.files import write_text_atomic
        from codekit.project import record_catalogue

        write_text_atomic(project.path, record_catalogue(project.path, new, format=format))
        result["project"] = {"file": str(project.path), "catalogue": str(new)}
    if as_json:
        emit_json(result)
    else:
        _render(result)
    v = result.get("validation")
    if v is not None and not v["ok"]:
        raise typer.Exit(1)


def _render(r: dict) -> None:
    from rich.markup import escape
    from rich.table import Table

    c = console()
    d = r["diff"]
    c.print(escape(f"{d['old']['n_codes']:,} codes in {d['old']['source']} -> {d['new']['n_codes']:,} in "
                   f"{d['new']['source']}: {d['n_changes']:,} changes, {d['n_critical']:,} routing-critical"))
    if d["summary"]:
        t = Table("change", "count", title=None)
        for k, n in d["summary"].items():
            t.add_row(k, f"{n:,}")
        c.print(t)
    plan = r.get("plan")
    if plan is None:
        if d["n_critical"]:
            c.print("Run with --dry-run to see the patch, or --apply to update the taxonomy.")
        return
    if r.get("patch") and not r["applied"]:
        import sys

        sys.stdout.write(r["patch"])
    t = Table("action", "code", "category", "confidence", "detail")
    for a in plan["actions"]:
        conf = "" if a.get("confidence") is None else f"{a['confidence']:.2f}"
        t.add_row(escape(a["action"]), escape(a["code"]), escape(a["category"]), conf, escape(a["detail"][:90]))
    c.print(t)
    c.print(escape(("Applied: " if r["applied"] else "Would change: ") + ", ".join(plan["files_changed"])
                   if plan["files_changed"] else "Nothing to change in the taxonomy."))
    v = r.get("validation")
    if v is not None:
        if v["ok"]:
            c.print("The updated taxonomy validates: no findings.")
        else:
            c.print(escape(f"The updated taxonomy has {v['n_findings']} finding(s) that need a person: "
                           + ", ".join(f"{k} {n}" for k, n in v["by_type"].items())
                           + ". Run codekit validate for each one."))
