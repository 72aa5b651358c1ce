"""`codekit release` and `codekit diff`: versioned catalogue releases and the diffs division leads review."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from codekit.cli._common import (
    CATALOGUE_OPTION, COLUMNS_OPTION, DEFINITIONS_OPTION, FORMAT_OPTION, JSON_OPTION, SAMPLE_OPTION,
    app, console, emit_json, progress,
)
from codekit.cli._project import PROJECT_OPTION

_OUTPUTS = ("table", "markdown", "html", "json", "tdf")


@app.command()
def release(
    taxonomy: Optional[Path] = typer.Argument(
        None, help="The taxonomy folder (one YAML file per public category). Default: the project's, else taxonomy.",
        show_default=False,
    ),
    catalogue: Optional[Path] = CATALOGUE_OPTION,
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    sample: bool = SAMPLE_OPTION,
    out: Optional[Path] = typer.Option(
        None, "--out", "-o", help="Output folder; the release goes to OUT/VERSION/. Default: the project's, else dist.",
        show_default=False,
    ),
    version: Optional[str] = typer.Option(
        None, "--version", help="X.Y.Z. Default: computed from the diff against the latest release in OUT (first: 1.0.0).",
    ),
    source_revision: Optional[str] = typer.Option(None, "--source-revision", help="Revision of the sources (a git commit)."),
    built_at: Optional[str] = typer.Option(
        None, "--built-at", help="Build time (ISO 8601) for the metadata; left out unless given, so builds reproduce.",
    ),
    prerelease: bool = typer.Option(
        False, "--pre-release", "--draft", metavar="",
        help="Build a draft (X.Y.Z-draft.N, status draft in catalogue.json) even with lint errors: not for publication.",
    ),
    requests: Optional[Path] = typer.Option(
        None, "--requests", help="Request history (any source `codekit timelines` reads): the release carries the "
        "expected timelines per category and code. Default: the project's [inputs] requests.", show_default=False,
    ),
    requests_format: Optional[str] = typer.Option(
        None, "--requests-format", help="Its source: toronto, nyc, open311, seeclickfix or rows; detected when omitted."),
    requests_columns: Optional[str] = typer.Option(
        None, "--requests-columns", help="Its columns, as `codekit timelines --columns`: a preset (nyc, sf, toronto) "
        "or role=Column,... Default: the project's [inputs] requests_columns."),
    as_of: Optional[str] = typer.Option(
        None, "--as-of", help="Export time of the request history: open requests are censored here (default: its "
        "latest timestamp, never the clock)."),
    business_days: bool = typer.Option(False, "--business-days", metavar="", help="Time requests in Monday-Friday days."),
    project: Optional[Path] = PROJECT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Build a release: catalogue.json, Open311 JSON/XML, routing table CSV/Parquet, status.json,
    SKOS Turtle, CHANGELOG.md and manifest.json, in OUT/VERSION/. With --requests the release also
    carries the expected timelines (p50/p80/p90 days, counts, SLA compliance, a suggested
    Closing-the-Loop level) per category and code.

    The taxonomy is validated first: with findings nothing is written (exit 1). Then it is linted
    (`codekit lint`): with lint errors nothing is written (exit 1) unless --pre-release asks for a
    draft. When the project file names division reviewers, every division a change touches must have
    approved it (`codekit approve`), unless the project's [signoff] policy exempts that level: otherwise
    nothing is written (exit 1). A published version is never overwritten, and a corrupted previous
    release is refused (exit 2)."""
    from codekit.cli._project import (
        catalogue_loader, current_project, project_signoff, release_out, requests_input,
        taxonomy_folder,
    )
    from codekit.project import lint_options
    from codekit.release.build import LintRefused, ReleaseRefused, build_release

    signoff = project_signoff(project)
    cat = catalogue_loader(catalogue, format=format, columns=columns, definitions=definitions, sample=sample)
    taxonomy, out = taxonomy_folder(taxonomy), release_out(out)
    proj = current_project()
    requests, requests_columns = requests_input(requests, requests_columns)
    try:
        with progress("building the release", total=None, enabled=not as_json):
            result = build_release(taxonomy, cat(), out, version=version, source_revision=source_revision,
                                   built_at=built_at, signoff=signoff, lint_options=lint_options(proj),
                                   prerelease=prerelease, requests=requests, requests_format=requests_format,
                                   requests_columns=requests_columns, as_of=as_of, business_days=business_days)
    except ReleaseRefused as e:
        if as_json:
            emit_json({"released": False, "error": str(e), "validation": e.report.to_dict()})
        else:
            from codekit.cli.cmd_validate import render

            render(e.report)
            sys.stderr.write(f"Error: {e}\n")
        raise typer.Exit(1) from None
    except LintRefused as e:
        if as_json:
            emit_json({"released": False, "error": str(e), "lint": e.report.to_dict()})
        else:
            from codekit.cli.cmd_lint import render as render_lint

            render_lint(e.report, show=20)
            sys.stderr.write(f"Error: {e}\n")
        raise typer.Exit(1) from None
    if as_json:
        emit_json({"released": True, **result.to_dict()})
        return
    since = f" ({result.level} changes since {result.previous})" if result.previous else " (first release)"
    kind = "a draft, not for publication, " if result.prerelease else ""
    console().print(f"Released {result.version}{since}, {kind}to {result.path}: {len(result.files)} files", markup=False,
                    soft_wrap=True)
    t = result.timelines
    if t is not None:
        console().print(
            f"Timelines from {t['source']}, as of {t['as_of']}" + (" (the latest timestamp)" if t["as_of_from"] == "data"
                                                                 else "")
            + f": {t['timed']:,} requests timed ({t['still_open']:,} still open); {t['categories']:,} categories and "
            f"{t['codes']:,} codes with requests, {t['categories_with_expected']:,} and {t['codes_with_expected']:,} "
            "with an expected time for residents"
            + (f"; {t['codes_not_in_catalogue']:,} request codes not in the catalogue" if t["codes_not_in_catalogue"]
               else ""), markup=False, soft_wrap=True)
    if result.signoff is not None and result.signoff.approvals():
        who = sorted({f"{a.division} ({a.by})" for a in result.signoff.approvals()})
        console().print(f"Approved by: {'; '.join(who)}", markup=False, soft_wrap=True)


@app.command()
def diff(
    a: Path = typer.Argument(..., metavar="OLD", help="The older side: a release folder (dist/VERSION) or a taxonomy folder."),
    b: Path = typer.Argument(..., metavar="NEW", help="The newer side: a release folder or a working taxonomy folder."),
    catalogue: Optional[Path] = typer.Option(
        None, "--catalogue", "-c", help="Catalogue for a taxonomy-folder side. Default: the project's (codekit.toml).",
    ),
    format: Optional[str] = FORMAT_OPTION,
    columns: Optional[str] = COLUMNS_OPTION,
    definitions: Optional[list[Path]] = DEFINITIONS_OPTION,
    sample: bool = SAMPLE_OPTION,
    division: Optional[str] = typer.Option(None, "--division", "-d", help="Show only the changes touching this division."),
    output: str = typer.Option("table", "--output", help="table, markdown, html, json or tdf (the routing table in the Tabular Diff Format)."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 when the diff is at least this breaking: major or minor."),
    check_signoff: bool = typer.Option(
        False, "--check-signoff", metavar="", help="Exit 1 when a division the diff touches has not approved it "
        "(the check `codekit release` makes; for CI).",
    ),
    project: Optional[Path] = PROJECT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """What changed between two releases (or a release and the working taxonomy), keyed on stable ids:
    categories added, removed, renamed or relabelled, answers added, removed or relabelled, codes moved,
    routes changed, fields changed, division reassignments; and the divisions that must approve it
    (sign-off). Exit 1 with --fail-on when the diff is that breaking, or with --check-signoff when an
    approval is missing."""
    from codekit.errors import UsageError

    if as_json:
        output = "json"
    if output not in _OUTPUTS:
        raise UsageError("unknown --output", expected=", ".join(_OUTPUTS), found=repr(output))
    if fail_on is not None and fail_on not in ("major", "minor"):
        raise UsageError("unknown --fail-on level", expected="major or minor", found=repr(fail_on))
    from codekit.cli._project import catalogue_loader
    from codekit.release import diff_paths
    from codekit.release.render import render, rows, summary, title

    from codekit.cli._project import project_signoff
    from codekit.release.signoff import Policy, Signoff

    project_s = project_signoff(project)
    cat = catalogue_loader(catalogue, format=format, columns=columns, definitions=definitions, sample=sample)
    d = diff_paths(a, b, catalogue=cat, division=division)
    signoff = (project_s or Signoff(Policy())).status(d, enforced=project_s is not None)
    if output == "table":
        from rich.table import Table
        from rich.text import Text

        out = console()
        out.print(title(d), markup=False)
        if d.changes:
            t = Table(show_lines=False)
            for col in ("level", "kind", "category", "code", "divisions", "message"):
                t.add_column(col, overflow="fold")
            for r in rows(d):
                t.add_row(*(Text(r[c]) for c in ("level", "kind", "category", "code", "divisions", "message")))
            out.print(t)
        out.print(summary(d), markup=False)
        if signoff.enforced and signoff.divisions:
            from codekit.release.render import SIGNOFF_COLUMNS, approve_hint, signoff_rows, signoff_summary

            out.print(signoff_summary(signoff), markup=False, soft_wrap=True)
            t = Table(show_lines=False)
            for col in SIGNOFF_COLUMNS[:-1]:
                t.add_column(col, overflow="fold")
            for r in signoff_rows(signoff):
                t.add_row(*(Text(r[c]) for c in SIGNOFF_COLUMNS[:-1]))
            out.print(t)
            hint = approve_hint(d, signoff)
            if hint:
                out.print(f"To approve exactly this diff: {hint}", markup=False, soft_wrap=True)
    else:
        shown = signoff if output == "json" or (signoff.enforced and output != "tdf") else None
        sys.stdout.write(render(d, output, shown))
    if fail_on is not None and d.breaks(fail_on):
        raise typer.Exit(1)
    if check_signoff and signoff.enforced and not signoff.ok:
        from codekit.release.signoff import SignoffMissing

        e = SignoffMissing(signoff)
        sys.stderr.write(f"Error: {str(e).replace('; nothing was released', '')}\n")
        raise typer.Exit(1)
