"""`codekit approve` and `codekit owners`: division sign-off of releases (codekit.release.signoff).

The project file is read at the CLI boundary (:mod:`codekit.cli._project`); the library gets its tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from codekit.cli._common import (
    CATALOGUE_OPTION, COLUMNS_OPTION, DEFINITIONS_OPTION, FORMAT_OPTION, JSON_OPTION, SAMPLE_OPTION,
    app, console, emit_json,
)
from codekit.cli._project import PROJECT_FILE, PROJECT_OPTION, project_signoff


def _need_signoff(project: Optional[Path]):
    from codekit.errors import UsageError

    from codekit.cli._project import read_signoff_tables

    s = project_signoff(project)
    if s is None:
        found = read_signoff_tables(project)
        if found is not None:  # a project file, without the tables
            raise UsageError("the project file names no division's reviewers", path=str(found[0]),
                             hint='add [divisions."Division name"] reviewers = ["Name <email>"] for each division')
        raise UsageError(f"no project file names the divisions' reviewers ({PROJECT_FILE} in this folder or above)",
                         hint=f'create {PROJECT_FILE} with [divisions."Division name"] reviewers = ["Name <email>"], '
                              "or pass --project FILE")
    return s


@app.command()
def approve(
    sides: Optional[List[Path]] = typer.Argument(
        None, metavar="OLD NEW", show_default=False,
        help="The published release the changes start from and the newer side (a release or a taxonomy folder). "
        "Default: the latest release in --out and the --taxonomy folder (what `codekit release` will diff).",
    ),
    division: str = typer.Option(..., "--division", "-d", help="The division approving its part of the diff."),
    by: str = typer.Option(..., "--by", help="The reviewer approving: one the project names for the division (name or e-mail)."),
    expect: Optional[str] = typer.Option(
        None, "--expect", help="The diff hash shown on the division's page you reviewed: refused if the diff changed since.",
    ),
    note: str = typer.Option("", "--note", help="A remark kept with the approval."),
    taxonomy: Optional[Path] = typer.Option(None, "--taxonomy", "-t", help="The working taxonomy folder (without OLD NEW; default: the project's)."),
    catalogue: Optional[Path] = CATALOGUE_OPTION,
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[List[Path]] = DEFINITIONS_OPTION,
    sample: bool = SAMPLE_OPTION,
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder of published releases (without OLD NEW; default: the project's)."),
    project: Optional[Path] = PROJECT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Record a division's approval of its part of the diff, as a reviewable file in approvals/ beside the
    project file. The approval is bound to a hash of exactly that part: any later change to it voids the
    approval, and `codekit release` asks again. Refused with nothing written (exit 2): an unknown division,
    a division with no changes, a reviewer the project does not name, a stale --expect hash, a tampered
    approval file."""
    from codekit.cli._project import catalogue_loader, release_out, taxonomy_folder
    from codekit.errors import UsageError
    from codekit.release.signoff import approve as record

    signoff = _need_signoff(project)
    cat = catalogue_loader(catalogue, format=format, columns=columns, definitions=definitions, sample=sample)
    sides = list(sides or [])
    if len(sides) not in (0, 2):
        raise UsageError("give both OLD and NEW, or neither", found=" ".join(map(str, sides)),
                         hint="without them the latest release in --out is diffed against --taxonomy")
    if not sides:
        from codekit.release.read import latest_release

        out = release_out(out)
        prev = latest_release(out)
        if prev is None:
            raise UsageError("no published release to approve changes against", path=str(out),
                             hint="the first release needs no sign-off; give OLD NEW or --out FOLDER")
        sides = [prev.path, taxonomy_folder(taxonomy)]
    result = record(sides[0], sides[1], signoff, division, by, catalogue=cat, expect=expect, note=note)
    if as_json:
        emit_json(result)
        return
    a = result["approval"]
    verb = "Recorded" if result["written"] else "Already recorded"
    c = console()
    c.print(f"{verb}: {a['by']} approves the {a['changes']} change(s) for {a['division']} from {a['from']} "
            f"to {result['to']} ({a['diff_hash']}) in {result['file']}", markup=False, soft_wrap=True)
    missing = result["signoff"]["missing"]
    c.print("Still to approve: " + (", ".join(missing) if missing else "nobody"), markup=False, soft_wrap=True)


@app.command()
def owners(
    taxonomy: Optional[Path] = typer.Argument(None, help="The taxonomy folder (one YAML file per public category; default: the project's)."),
    catalogue: Optional[Path] = CATALOGUE_OPTION,
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[List[Path]] = DEFINITIONS_OPTION,
    sample: bool = SAMPLE_OPTION,
    codeowners: bool = typer.Option(
        False, "--codeowners", metavar="", help="Print a CODEOWNERS file: each category file -> the reviewers of the "
        "divisions its routes reach, so pull requests touching them ask for their review.",
    ),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the CODEOWNERS file here instead of printing it."),
    project: Optional[Path] = PROJECT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Who reviews what: each division's reviewers (from the project file) and the categories whose routes
    reach its codes; with --codeowners, the code-owners file for the repository host."""
    from codekit.cli._project import catalogue_loader, taxonomy_folder
    from codekit.release.signoff import codeowners_text, owners_of

    signoff = _need_signoff(project)
    taxonomy = taxonomy_folder(taxonomy)
    table = owners_of(taxonomy, catalogue_loader(catalogue, format=format, columns=columns, definitions=definitions,
                                                 sample=sample), signoff.policy)
    if codeowners or out_file is not None:
        text = codeowners_text(table, source=signoff.policy.source)
        if out_file is not None:
            from codekit.io.files import write_text_atomic

            write_text_atomic(out_file, text, inputs=[taxonomy, *( [catalogue] if catalogue else [])])
            if as_json:
                emit_json({**table, "codeowners": str(out_file)})
            else:
                console().print(f"Wrote {out_file}", markup=False)
            return
        if not as_json:
            typer.echo(text, nl=False)
            return
    if as_json:
        emit_json(table)
        return
    from rich.table import Table
    from rich.text import Text

    t = Table()
    for col in ("division", "reviewers", "categories"):
        t.add_column(col, overflow="fold")
    for name, d in table["divisions"].items():
        t.add_row(Text(name), Text(", ".join(d["reviewers"]) or "(none named)"), Text(str(d["categories"])))
    c = console()
    c.print(t)
    for name in table["not_in_catalogue"]:
        c.print(f"Note: the project names reviewers for {name}, which no category reaches.", markup=False)
