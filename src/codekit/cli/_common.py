"""Shared CLI plumbing: the typer app, JSON output, consoles, progress. Imports nothing heavy."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator

import typer

app = typer.Typer(
    name="codekit",
    help=(
        "codekit: service-code taxonomy and intake simplification for a city's 311.\n\n"
        "Exit codes: 0 ok; 1 a check found problems; 2 bad usage or bad input."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

STATE: dict[str, Any] = {"debug": False}

JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON on stdout instead of tables.")


def dumps(obj: Any) -> str:
    """Canonical JSON: sorted keys, two-space indent, UTF-8 text, newline at the end."""
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=_default) + "\n"


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
    from rich.console import Console

    return Console(highlight=False)


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
        task = bar.add_task(description, total=total)

        def advance(n: float = 1, description: str | None = None) -> None:
            if description:
                bar.update(task, description=description)
            bar.advance(task, n)

        yield advance
