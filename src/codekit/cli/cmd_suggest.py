"""`codekit suggest`: free text -> the top public categories, their code and division, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import (
    COLUMNS_OPTION, DEFINITIONS_OPTION, FORMAT_OPTION, JSON_OPTION, SAMPLE_OPTION, app, console, emit_json,
)


@app.command()
def suggest(
    text: Optional[str] = typer.Argument(None, help="What the resident wrote. Omit it with --batch.", show_default=False),
    release: Optional[Path] = typer.Option(None, "--release", "-r", help="A release folder (dist/X.Y.Z) or its catalogue.json: rank its public categories."),
    taxonomy: Optional[Path] = typer.Option(None, "--taxonomy", "-t", help="A taxonomy folder: rank its public categories (over --catalogue, default the project's)."),
    catalogue: Optional[Path] = typer.Option(None, "--catalogue", "-c", help="A catalogue (at least code,name): alone, rank its active codes; with --taxonomy, the codes the taxonomy routes to."),
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    sample: bool = SAMPLE_OPTION,
    examples: Optional[Path] = typer.Option(None, "--examples", "-e", help="Labelled examples: a CSV with text and code (or text and category) columns."),
    batch: Optional[Path] = typer.Option(None, "--batch", "--input", "-i", help="A CSV of texts (id,text) or a .txt file (one per line): rank every text, in input order."),
    top: int = typer.Option(5, "--top", "-k", min=1, help="Suggestions per text."),
    threshold: float = typer.Option(0.4, "--threshold", min=0.0, max=1.0, help="Below this confidence a suggestion is 'not sure': hand it to a person."),
    semantic: str = typer.Option("auto", "--semantic", help="The optional sentence model: auto (when installed), on (required), off."),
    seed: int = typer.Option(0, "--seed", help="Seed of the supervised models and the held-out calibration split."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="With --batch: also write the suggestions here (.csv or .json)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Suggest the public categories a resident's text belongs to (and, through the routing table, the
    code and division), each with a confidence and why: the words and synonyms it matched and similar
    examples. Zero-shot from what the categories hold; better with --examples. Below --threshold it says
    it is not sure. Inside a project, with none of --release, --taxonomy and --catalogue, it ranks the project's
    taxonomy over its catalogue. Exit 2 for an empty text, an unknown release or a bad examples file."""
    from codekit.errors import UsageError
    from codekit.suggest import suggest as suggest_one, suggest_batch, write_batch

    if (text is None) == (batch is None):
        raise UsageError("give a TEXT or --batch FILE (one of them)", hint='e.g. codekit suggest "big hole in the road" --release dist/1.0.0')
    if out is not None and batch is None:
        raise UsageError("--out needs --batch", hint="print one text's suggestions with --json")
    ranked = _what_to_rank(release, taxonomy, catalogue, format, columns, definitions, sample)
    opts = dict(**ranked, format=format, examples=examples, threshold=threshold, semantic=semantic, seed=seed)
    if batch is not None:
        if out is not None:
            from codekit.io.files import check_output

            check_output(out, inputs=[batch, examples, catalogue])
        result = suggest_batch(batch, k=top, **opts)
        if out is not None:
            write_batch(result, out, inputs=[batch, examples, catalogue])
        if as_json:
            emit_json(result)
            return
        _render_batch(result, out)
        return
    result = suggest_one(text, k=top, **opts)
    if as_json:
        emit_json(result)
        return
    _render_one(result)


def _what_to_rank(release, taxonomy, catalogue, format, columns, definitions, sample) -> dict:
    """release / taxonomy / catalogue for the suggester: as given, else the project's taxonomy over its
    catalogue (or its catalogue's codes before the taxonomy is started); the sample city only with --sample."""
    from codekit.cli._project import catalogue_loader, current_project

    if release is not None:
        return {"release": release, "taxonomy": taxonomy, "catalogue": None}
    project = current_project() if taxonomy is None and catalogue is None and not sample else None
    if project is not None and project.catalogue is not None and project.taxonomy.is_dir():
        taxonomy = project.taxonomy
    if taxonomy is None and catalogue is None and not sample and (project is None or project.catalogue is None):
        return {"release": None, "taxonomy": None, "catalogue": None}  # suggest says what it needs
    load = catalogue_loader(catalogue, format=format, columns=columns, definitions=definitions, sample=sample)
    return {"release": None, "taxonomy": taxonomy, "catalogue": load()}


def _render_one(result: dict) -> None:
    from rich.markup import escape
    from rich.table import Table

    con = console()
    t = Table(show_lines=False)
    for col in ("#", "category", "confidence", "goes to", "why"):
        t.add_column(col)
    for i, s in enumerate(result["suggestions"], 1):
        r = s.get("route")
        if r and r.get("code"):
            goes = f"{r['code']} {r.get('division', '')}".strip()
        elif r and r.get("referral"):
            goes = f"referral: {r['referral']}"
        else:
            goes = f"{len(s.get('routes') or [])} codes: the questions decide"
        why = "; ".join(f"{k}: {', '.join(v) if k != 'examples' else str(len(v)) + ' similar'}"
                        for k, v in s["why"].items())
        t.add_row(str(i), escape(f"{s['label']} ({s['category']})"), f"{s['confidence']:.2f}", escape(goes), escape(why))
    con.print(t)
    if result["sure"]:
        con.print(f"[bold]{escape(result['suggestions'][0]['label'])}[/bold] (confidence "
                  f"{result['suggestions'][0]['confidence']:.2f} >= {result['threshold']})")
    else:
        con.print(f"not sure (top confidence below {result['threshold']}): hand the request to a person, "
                  "or show these as choices")


def _render_batch(result: dict, out) -> None:
    con = console()
    con.print(f"{result['texts']:,} texts ranked against {result['source']}: {result['sure']:,} sure, "
              f"{result['handoff']:,} to hand off (confidence below {result['threshold']})")
    if out is not None:
        con.print(f"wrote {out}")
