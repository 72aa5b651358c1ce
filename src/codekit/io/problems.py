"""The errors every loader raises alike: a missing column, a truncated row, a duplicate code, an empty name."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from codekit.errors import SchemaError


def truncated_row(path: Path, line: int, n: int, n_columns: int) -> SchemaError:
    return SchemaError(
        f"row has {n} field{'s' if n != 1 else ''} but the header has {n_columns}: the row is truncated",
        path=path,
        line=line,
        hint="re-export or re-download the file; a row cut short usually means the file was cut off",
    )


def missing_columns(path: Path, missing: Iterable[str], found: Iterable[str], what: str = "") -> SchemaError:
    miss = list(missing)
    s = "s" if len(miss) > 1 else ""
    return SchemaError(
        f"missing required column{s} {', '.join(repr(m) for m in miss)}" + (f" for {what}" if what else ""),
        path=path,
        line=1,
        expected=", ".join(miss),
        found="columns " + ", ".join(repr(c) for c in found) if found else "no columns",
        hint="rename the column in the header, or name the columns with --columns",
    )


def duplicate_code(path: Path | str, code: str, first: int | None, second: int | None, unit: str = "line") -> SchemaError:
    where = f" on {unit}s {first} and {second}" if first and second and first != second else (
        f" (twice on {unit} {first})" if first and second else "")
    return SchemaError(
        f"duplicate code {code!r}{where}",
        path=path,
        line=second if unit == "line" else None,
        hint="give every code its own id, or remove the repeated row",
    )


def empty_name(path: Path | str, code: str, line: int | None) -> SchemaError:
    return SchemaError(
        f"code {code!r} has an empty name",
        path=path,
        line=line,
        hint="give every code a name",
    )
