"""`codekit edit ...`: curate the taxonomy from the command line; every edit keeps the promise and the hand edits."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from codekit.cli._common import (
    COLUMNS_OPTION,
    FORMAT_OPTION,
    JSON_OPTION,
    app,
    console,
    emit_json,
)

edit_app = typer.Typer(
    name="edit",
    help=(
        "Edit the taxonomy folder: move, merge, split, nest, relabel, synonym, retire, unretire, dedupe, regroup.\n\n"
        "Each edit changes only the lines it must (comments, key order and layout elsewhere stay byte for byte), "
        "checks the changed categories against the catalogue and refuses (exit 2, nothing written) an edit that "
        "would add a validation finding, prints what changed and the diff, writes every file at once, and has "
        "--dry-run and --json."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(edit_app, name="edit")

_TAXONOMY = typer.Option(None, "--taxonomy", "-t", help="The taxonomy folder to edit (default: the project's, else taxonomy).")
_CATALOGUE = typer.Option(
    None, "--catalogue", "-c", help="The catalogue the taxonomy routes to (needed by edits that change routing).",
)
_DRY_RUN = typer.Option(False, "--dry-run", "-n", metavar="", help="Print the change and the diff; write nothing.")
_DIFF_LINES = 80


def _run(edit: str, taxonomy: Path, *, catalogue: Optional[Path] = None, format: Optional[str] = None,
         columns: Optional[str] = None, dry_run: bool = False, as_json: bool = False, **kwargs) -> None:
    from codekit.validate.edits import run_edit

    from codekit.cli._project import catalogue_loader, resolve_inputs, taxonomy_folder

    from codekit.cli._project import current_project

    given = taxonomy
    taxonomy = taxonomy_folder(taxonomy)
    cat = None
    project = current_project() if catalogue is None else None
    own = project is not None and (given is None or Path(given).resolve() == Path(project.taxonomy).resolve())
    if catalogue is not None or (own and resolve_inputs(None).catalogue is not None):  # given, or the project's
        cat = catalogue_loader(catalogue, format=format, columns=columns)()
    result = run_edit(edit, taxonomy, catalogue=cat, write=not dry_run, **kwargs)
    if as_json:
        emit_json({**result.to_dict(), "dry_run": dry_run})
        return
    out = console()
    for line in result.changes:
        out.print(f"- {line}", markup=False, highlight=False, soft_wrap=True)
    for line in result.warnings:
        out.print(f"warning: {line}", markup=False, style="yellow", soft_wrap=True)
    diff = result.diff().splitlines()
    shown = diff if dry_run else diff[:_DIFF_LINES]
    for line in shown:
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else None
        out.print(line, markup=False, style=style, highlight=False, soft_wrap=True)
    if len(shown) < len(diff):
        out.print(f"... {len(diff) - len(shown)} more diff lines (--dry-run or --json shows them all)", markup=False)
    chk = result.checked
    checked = (f"; checked {len(chk['categories'])} categories against the catalogue: no new finding"
               if chk else "")
    n_w, n_r = len(set(result.new)), len(result.removed)
    files = f"{n_w} file(s) written" + (f", {n_r} removed" if n_r else "")
    if dry_run:
        out.print(f"dry run: nothing written ({files.replace('written', 'would be written')}){checked}", markup=False)
    else:
        out.print(f"{files}{checked}", markup=False)


@edit_app.command()
def move(
    code: str = typer.Argument(..., help="The service code to move."),
    to: str = typer.Option(..., "--to", help="The category to move it to."),
    source: Optional[str] = typer.Option(None, "--from", help="The category it leaves (when several reach it)."),
    taxonomy: Optional[Path] = _TAXONOMY, catalogue: Optional[Path] = _CATALOGUE, format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION, dry_run: bool = _DRY_RUN, as_json: bool = JSON_OPTION,
) -> None:
    """Move a code, with its route(s) and field map, to another category; the answer that selects it
    moves too (the target's choosing question gains it, or gets one). Refuses to move a category's last
    code (merge or retire instead)."""
    _run("move", taxonomy, catalogue=catalogue, format=format, columns=columns, dry_run=dry_run, as_json=as_json,
         code=code, to=to, source=source)


@edit_app.command()
def merge(
    first: str = typer.Argument(..., help="The category that stays (unless --into names another id)."),
    second: str = typer.Argument(..., help="The category merged into it (its file is removed)."),
    into: Optional[str] = typer.Option(None, "--into", help="Id of the merged category (default FIRST)."),
    label: Optional[str] = typer.Option(None, "--label", help="Label of the merged category (default FIRST's)."),
    rename_keys: bool = typer.Option(False, "--rename-keys", metavar="", help="Rename the second category's clashing answer or question keys instead of refusing."),
    taxonomy: Optional[Path] = _TAXONOMY, catalogue: Optional[Path] = _CATALOGUE, format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION, dry_run: bool = _DRY_RUN, as_json: bool = JSON_OPTION,
) -> None:
    """Merge two categories. When both choose their routes by one question, the second's answers join the
    first's; otherwise a first question "What is it about?" chooses between them. Clashing keys are refused
    (named) unless --rename-keys."""
    _run("merge", taxonomy, catalogue=catalogue, format=format, columns=columns, dry_run=dry_run, as_json=as_json,
         first=first, second=second, into=into, label=label, rename_keys=rename_keys)


@edit_app.command()
def split(
    category: str = typer.Argument(..., help="The category to split."),
    codes: Optional[str] = typer.Option(None, "--codes", help="Comma-separated codes that go to a new category."),
    by_question: Optional[str] = typer.Option(None, "--by-question", help="Split into one category per answer of this question."),
    new_id: Optional[str] = typer.Option(None, "--id", help="Id of the new category (with --codes)."),
    label: Optional[str] = typer.Option(None, "--label", help="Label of the new category (with --codes)."),
    group: Optional[List[str]] = typer.Option(None, "--group", help="Group(s) of the new category (default: the category's)."),
    taxonomy: Optional[Path] = _TAXONOMY, catalogue: Optional[Path] = _CATALOGUE, format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION, dry_run: bool = _DRY_RUN, as_json: bool = JSON_OPTION,
) -> None:
    """Split a category: the listed codes (with their routes) become a new category, or each answer of a
    top-level question becomes its own category. Refuses a split that leaves the category empty or a
    code unreachable."""
    _run("split", taxonomy, catalogue=catalogue, format=format, columns=columns, dry_run=dry_run, as_json=as_json,
         category=category, codes=(codes or "").split(","), by_question=by_question, new_id=new_id, label=label,
         groups=group or ())


@edit_app.command()
def nest(
    category: str = typer.Argument(..., help="The category."),
    answers: str = typer.Option(..., "--answers", help="Comma-separated answer keys to gather."),
    label: str = typer.Option(..., "--label", help="The new answer residents pick first."),
    question: Optional[str] = typer.Option(None, "--question", help="The question to shorten (default: the one choosing the route)."),
    key: Optional[str] = typer.Option(None, "--key", help="Key of the new answer (default: the label's slug)."),
    prompt: Optional[str] = typer.Option(None, "--prompt", help="Prompt of the new dependent question."),
    taxonomy: Optional[Path] = _TAXONOMY, catalogue: Optional[Path] = _CATALOGUE, format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION, dry_run: bool = _DRY_RUN, as_json: bool = JSON_OPTION,
) -> None:
    """Shorten a long question: gather some of its answers under one new answer, and ask the gathered ones
    next, as a question that depends on it. Routes follow; nothing else changes."""
    _run("nest", taxonomy, catalogue=catalogue, format=format, columns=columns, dry_run=dry_run, as_json=as_json,
         category=category, answers=answers.split(","), label=label, question=question, key=key, prompt=prompt)


@edit_app.command()
def relabel(
    category: str = typer.Argument(..., help="The category."),
    text: str = typer.Argument(..., help="The new label (or prompt, or answer label)."),
    question: Optional[str] = typer.Option(None, "--question", help="Relabel this question's prompt instead."),
    answer: Optional[str] = typer.Option(None, "--answer", help="Relabel this answer instead: QUESTION=ANSWER."),
    taxonomy: Optional[Path] = _TAXONOMY, dry_run: bool = _DRY_RUN, as_json: bool = JSON_OPTION,
) -> None:
    """Relabel a category, a question (--question KEY) or an answer (--answer QKEY=AKEY). Ids and keys stay."""
    _run("relabel", taxonomy, dry_run=dry_run, as_json=as_json, category=category, text=text, question=question,
         answer=answer)


@edit_app.command()
def synonym(
    category: str = typer.Argument(..., help="The category."),
    action: str = typer.Argument(..., help="add or remove."),
    words: List[str] = typer.Argument(..., help="The words or phrases (quote phrases)."),
    taxonomy: Optional[Path] = _TAXONOMY, dry_run: bool = _DRY_RUN, as_json: bool = JSON_OPTION,
) -> None:
    """Add or remove synonyms: other words residents use for the category."""
    _run("synonym", taxonomy, dry_run=dry_run, as_json=as_json, category=category, action=action, words=words)


@edit_app.command()
def regroup(
    categories: Optional[List[str]] = typer.Argument(None, help="One or more categories."),
    group: Optional[List[str]] = typer.Option(None, "--group", "-g", help="A group (repeat for several)."),
    add: bool = typer.Option(False, "--add", metavar="", help="Add the groups to those it has (default: replace them)."),
    remove: Optional[List[str]] = typer.Option(None, "--remove", help="Take the category out of this group."),
    in_group: Optional[List[str]] = typer.Option(None, "--in-group", help="Also every category now in this group (repeatable)."),
    like_division: bool = typer.Option(False, "--like-division", metavar="", help="Each category joins the group of the other categories of its main division."),
    taxonomy: Optional[Path] = _TAXONOMY, dry_run: bool = _DRY_RUN, as_json: bool = JSON_OPTION,
) -> None:
    """Set the public groups (menus) of one or more categories: replace them, --add to them, or --remove one.
    --in-group selects every category of a group (e.g. a draft group); --like-division puts each selected
    category in the group where most categories of its main division already are."""
    _run("regroup", taxonomy, dry_run=dry_run, as_json=as_json, categories=categories or (), groups=group or (),
         add=add, remove=remove or (), in_groups=in_group or (), like_division=like_division)


@edit_app.command()
def retire(
    codes: Optional[List[str]] = typer.Argument(None, help="One or more codes."),
    reason: str = typer.Option(..., "--reason", help="Why the code is no longer offered."),
    category: Optional[str] = typer.Option(None, "--category", help="Also every code this category routes to."),
    date: Optional[str] = typer.Option(None, "--date", help="Since when (YYYY-MM-DD); left out when not given."),
    taxonomy: Optional[Path] = _TAXONOMY, catalogue: Optional[Path] = _CATALOGUE, format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION, dry_run: bool = _DRY_RUN, as_json: bool = JSON_OPTION,
) -> None:
    """Retire codes: recorded with the reason in TAXONOMY/_retired.yaml (the city's export is not edited), and
    every command then treats them as retired. Their routes leave their categories; a category left with no
    route is removed."""
    _run("retire", taxonomy, catalogue=catalogue, format=format, columns=columns, dry_run=dry_run, as_json=as_json,
         codes=codes or (), reason=reason, date=date, category=category)


@edit_app.command()
def unretire(
    code: str = typer.Argument(..., help="A code retired in TAXONOMY/_retired.yaml."),
    to: str = typer.Option(..., "--to", help="The category that routes it again."),
    taxonomy: Optional[Path] = _TAXONOMY, catalogue: Optional[Path] = _CATALOGUE, format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION, dry_run: bool = _DRY_RUN, as_json: bool = JSON_OPTION,
) -> None:
    """Take a code off the retired list and route it again from a category (a new answer named after it)."""
    _run("unretire", taxonomy, catalogue=catalogue, format=format, columns=columns, dry_run=dry_run,
         as_json=as_json, code=code, to=to)


@edit_app.command()
def dedupe(
    code: Optional[str] = typer.Argument(None, help="A code to fold into --into (omit to take the near-duplicate pairs)."),
    into: Optional[str] = typer.Option(None, "--into", help="The code that receives its requests."),
    reason: Optional[str] = typer.Option(None, "--reason", help="Why (with CODE --into)."),
    min_similarity: float = typer.Option(0.9, "--min-similarity", help="Without CODE: the lowest near-duplicate score merged."),
    taxonomy: Optional[Path] = _TAXONOMY, catalogue: Optional[Path] = _CATALOGUE, format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION, dry_run: bool = _DRY_RUN, as_json: bool = JSON_OPTION,
) -> None:
    """Turn near-duplicate codes into `merged:` entries: CODE --into CODE --reason, or every same-division pair
    scored --min-similarity or more (the smaller volume folds into the larger). The folded code's route goes."""
    _run("dedupe", taxonomy, catalogue=catalogue, format=format, columns=columns, dry_run=dry_run, as_json=as_json,
         code=code, into=into, reason=reason, min_similarity=min_similarity)
