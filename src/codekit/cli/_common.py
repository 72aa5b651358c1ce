"""Shared CLI plumbing: the typer app, JSON output, consoles, progress. Imports nothing heavy."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Any, Iterator

import typer

app = typer.Typer(
    name="codekit",
    help=(
        "codekit: service-code taxonomy and intake simplification for a city's 311.\n\n"
        "Exit codes: 0 ok; 1 a check found problems; 2 bad usage or bad input; 3 internal error (a bug: "
        "rerun with --debug and report it); 130 interrupted (Ctrl-C); 141 the reader of the output went away "
        "(`| head`)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

STATE: dict[str, Any] = {"debug": False}

JSON_OPTION = typer.Option(False, "--json", metavar="", help="Print machine-readable JSON on stdout instead of tables.")


def dumps(obj: Any) -> str:
    """Canonical JSON: sorted keys, two-space indent, UTF-8 text, newline at the end."""
    from codekit.io.serial import json_text

    return json_text(obj, indent=2, default=_default, what="the JSON output") + "\n"


def _default(o: Any) -> Any:
    if hasattr(o, "to_dict"):
        return o.to_dict()
    if hasattr(o, "item"):  # numpy scalars
        return o.item()
    if isinstance(o, (set, frozenset, tuple)):
        return sorted(o) if isinstance(o, (set, frozenset)) else list(o)
    return str(o)


def emit_json(obj: Any) -> None:
    sys.stdout.write(dumps(obj))


def console():
    """stdout console; a wide page when piped, so tables of long division names stay readable."""
    from rich.console import Console

    c = Console(highlight=False)
    if not c.is_terminal and "COLUMNS" not in __import__("os").environ:
        c = Console(highlight=False, width=160)
    return c


def esc(value: Any) -> str:
    """``value`` as text that rich prints literally: data, paths and messages may hold ``[...]``."""
    from rich.markup import escape

    return escape(str(value))


def table(*, title: str | None = None, **kwargs: Any):
    """A rich Table whose title and cells are plain text, never markup (``Urban [/red] Forestry`` prints as is)."""
    from rich.table import Table
    from rich.text import Text

    class _PlainTable(Table):
        def add_column(self, header: Any = "", *a: Any, **kw: Any) -> None:
            super().add_column(Text(header) if isinstance(header, str) else header, *a, **kw)

        def add_row(self, *cells: Any, **kw: Any) -> None:
            super().add_row(*(Text(c) if isinstance(c, str) else c for c in cells), **kw)

    return _PlainTable(title=Text(title) if isinstance(title, str) else title, **kwargs)


def err_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


@contextmanager
def progress(description: str, total: float | None = None, enabled: bool = True) -> Iterator[Any]:
    """A transient progress bar on stderr; yields ``advance(n)``. Silent when stderr is not a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield lambda *a, **k: None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=err_console(), transient=True,
    ) as bar:
        task = bar.add_task(esc(description), total=total)

        def advance(n: float = 1, description: str | None = None) -> None:
            if description:
                bar.update(task, description=esc(description))
            bar.advance(task, n)

        yield advance


# --- catalogue and error-log inputs shared by the commands ---------------------------------------

CATALOGUE_ARG = typer.Argument(
    None,
    help="Catalogue file (codekit CSV/Parquet/YAML, Open311 JSON/XML, Toronto CSV, request rows). "
    "Default: the project's (codekit.toml); --sample for the bundled sample city.",
    show_default=False,
)
CATALOGUE_OPTION = typer.Option(
    None, "--catalogue", "-c",
    help="The service-code catalogue (any format in `codekit formats`). Default: the project's (codekit.toml).",
)
SAMPLE_OPTION = typer.Option(
    False, "--sample", metavar="", help="Use the bundled sample city (and its generated error log) as the input.",
)
FORMAT_OPTION = typer.Option(None, "--format", "-f", help="Input format; detected when omitted (see `codekit formats`).")
DEFINITIONS_OPTION = typer.Option(
    None, "--definitions", help="Open311 service definition file(s) whose attributes join the catalogue's codes."
)
COLUMNS_OPTION = typer.Option(
    None, "--columns", help="For request rows of other cities: a preset (nyc, sf) or role=Column,... (name=A+B joins columns)."
)
SEED_OPTION = typer.Option(311, "--seed", min=0, help="Seed of the bundled sample city (with --sample).")


def load_inputs(
    catalogue_path,
    errors_path=None,
    *,
    format: str | None = None,
    definitions=None,
    columns: str | None = None,
    preset: str | None = None,
    seed: int = 311,
    sample_events: int = 1_000_000,
    advance=None,
    sample: bool = False,
    how: str | None = None,
):
    """Load (catalogue, error log or None) for a command: the explicit inputs, else the project's
    (codekit.toml), else an error (exit 2). The sample city only with ``sample`` or ``sample:SEED``."""
    from codekit.cli._project import CATALOGUE_ARGUMENT, load_catalogue_of, resolve_inputs
    from codekit.project import is_sample, sample_seed

    step = advance or (lambda *a, **k: None)
    inputs = resolve_inputs(catalogue_path, errors_path, format=format, columns=columns or preset,
                            definitions=definitions, sample=sample, seed=seed)
    cat_spec, log_spec = inputs.catalogue, inputs.errors
    if is_sample(str(log_spec)) and not is_sample(str(cat_spec)):
        from codekit.errors import UsageError

        raise UsageError("the sample city's error log goes with the sample city only", found=str(cat_spec),
                         hint="name the catalogue's own error log with --errors")
    if is_sample(str(cat_spec)) and is_sample(str(log_spec)):
        from codekit.io.errorlog import ErrorLog
        from codekit.sample import generate_sample

        s = sample_seed(str(cat_spec))
        step(1, description=f"generating the sample city (seed {s})")
        city = generate_sample(seed=s, n_events=sample_events)
        return city.catalogue, ErrorLog.from_frame(city.events, source=f"sample city (seed {s})")
    step(1, description=f"loading {cat_spec}")
    catalogue = load_catalogue_of(inputs, how=how or CATALOGUE_ARGUMENT)
    log = None
    if log_spec is not None:
        from codekit.io.errorlog import scan_error_log

        step(1, description=f"reading {log_spec}")
        log = scan_error_log(log_spec)
    return catalogue, log
