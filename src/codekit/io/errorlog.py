"""Intake error logs in codekit's canonical schema (``model.ERROR_LOG_COLUMNS``), CSV or Parquet, read lazily.

``scan_error_log(path)`` checks the file, its format and its header (cheap: the first bytes of a CSV, the footer
of a Parquet file) and returns an :class:`ErrorLog` whose ``lazy`` is a polars ``LazyFrame`` in the canonical
columns. Nothing is loaded until a query collects it; the aggregations in :mod:`codekit.analyse.errorstats` run
as one streaming pass, so memory stays bounded as the log grows.

Rules (also in docs/formats.md):

- Column names are matched after trimming, lower-casing and turning spaces and hyphens into underscores
  (``Submitted Code`` is ``submitted_code``). Extra columns are ignored. A missing required column
  (timestamp, channel, kind, submitted_code) is a :class:`SchemaError` naming the file, the missing columns and
  the columns found. Missing optional columns (event_id, correct_code) read as empty.
- CSV: UTF-8, with or without a BOM (bytes that are not UTF-8 are replaced, codes are ASCII in practice);
  timestamps are ISO 8601 (``2025-03-04T12:34:56``, a space instead of ``T``, optional fraction, a trailing
  ``Z`` or offset is dropped, a bare date is midnight); an unparseable timestamp reads as empty.
- Unknown ``kind`` or ``channel`` values are *not* an error: they are counted as warnings by
  ``errorstats.check_error_log`` (kinds and channels are compared after trimming and lower-casing). Events
  with an unknown kind or no submitted code are left out of the per-kind tables; an unknown or empty channel is
  reported as channel ``unknown`` in ``channel_kind_counts``.
- A log with a header and no rows is an :class:`InputError` at scan time; a log whose rows are all unusable is
  an :class:`InputError` when it is first aggregated.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from codekit.errors import FormatError, InputError, SchemaError, UsageError
from codekit.io.text import check_file
from codekit.model import ERROR_LOG_COLUMNS

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

LOG_FORMATS = ("csv", "parquet")
REQUIRED_COLUMNS = tuple(k for k, (_, req, _) in ERROR_LOG_COLUMNS.items() if req)
CANONICAL_COLUMNS = tuple(ERROR_LOG_COLUMNS)
_SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet", ".parq": "parquet"}
_HEAD_BYTES = 1 << 16


def normalise_column(name: str) -> str:
    """How a header name is matched to a canonical column: trimmed, lower case, spaces/hyphens -> underscores."""
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().strip('"').strip()).lower()


@dataclass
class ErrorLog:
    """An intake error log: a lazy polars query over the canonical columns, and where it came from."""

    lazy_frame: "pl.LazyFrame"  # the canonical columns (a select over ``raw``)
    source: str = ""
    format: str = ""
    columns_found: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    raw: Any = field(default=None, repr=False)  # the scan itself, before the canonical select
    exprs: dict = field(default_factory=dict, repr=False)  # canonical column -> expression over ``raw``
    group_exprs: dict = field(default_factory=dict, repr=False)  # the text columns, uncast (String or Categorical)
    _cube: Any = field(default=None, repr=False)
    _usable: Any = field(default=None, repr=False)  # errorstats' normalised tables of usable events

    def reading(self):
        """A context in which a failure of polars reading the file (a corrupt page, a malformed row, an
        unreadable file) becomes one :class:`InputError` naming the log; used around every collect."""
        return _reading(self.source, self.format)

    def as_text(self) -> "ErrorLog":
        """The same CSV log scanned with every column as plain text (no Categorical): slower to group, but it
        reads what the Categorical reader refuses (bytes that are not UTF-8, replaced)."""
        if self.format != "csv":
            return self
        return scan_error_log(self.source, "csv", categorical=False)

    def file_columns(self, *columns: str) -> dict[str, str | None]:
        """Canonical column -> its name in the file (None where the file lacks it), for these columns."""
        found = _missing(self.source or None, list(self.columns_found))
        return {c: found.get(c) for c in columns}

    def select(self, *columns: str) -> "pl.LazyFrame":
        """Only these canonical columns, straight from the scan (cheaper to share between queries than ``lazy``)."""
        if self.raw is None or not self.exprs:
            return self.lazy.select(list(columns))
        return self.raw.select([self.exprs[c] for c in columns])

    @property
    def lazy(self) -> "pl.LazyFrame":
        """The events as a ``LazyFrame`` in the canonical columns and dtypes."""
        return self.lazy_frame

    @property
    def path(self) -> Path | None:
        return Path(self.source) if self.format in LOG_FORMATS else None

    @classmethod
    def from_frame(cls, df: "pl.DataFrame | pl.LazyFrame", source: str = "") -> "ErrorLog":
        """Wrap an in-memory (or lazy) frame that already has the canonical columns (extra ones are dropped)."""
        import polars as pl

        lf = df.lazy() if isinstance(df, pl.DataFrame) else df
        if not isinstance(lf, pl.LazyFrame):
            raise UsageError(f"not a polars frame: {type(df).__name__}")
        names = list(lf.collect_schema().names())
        exprs = _canonical_exprs(lf, names, source or None)
        return cls(lf.select(list(exprs.values())), source=source, format="frame", columns_found=tuple(names),
                   raw=lf, exprs=exprs, group_exprs=_group_exprs(lf, names, source or None))

    def collect(self) -> "pl.DataFrame":
        """All events in memory (for small logs and tests; the aggregations never need this)."""
        try:
            with self.reading():
                return self.lazy.collect(engine="streaming")
        except InputError:
            if self.format != "csv" or not self.group_exprs:
                raise
            text = self.as_text()
            with text.reading():
                return text.lazy.collect(engine="streaming")

    def n_events(self) -> int:
        import polars as pl

        with self.reading():
            return int(self.lazy.select(pl.len()).collect(engine="streaming").item())


@contextlib.contextmanager
def _reading(source: str, fmt: str) -> Iterator[None]:
    import polars as pl

    try:
        yield
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if len(first) > 200:
            first = first[:197] + "..."
        if fmt == "csv":
            what = "the error log is not readable CSV"
            hint = "check the quotes (one left open?) and the number of fields per row, or re-export the log"
        elif fmt == "parquet":
            what = "the error log's Parquet data is damaged"
            hint = "re-export the log, or give it as CSV"
        else:
            what, hint = "cannot read the error log", "check the log"
        raise InputError(f"{what} ({type(e).__name__}: {first})", path=source or None, hint=hint) from None


def detect_log_format(path: str | Path) -> str:
    p = Path(path)
    fmt = _SUFFIXES.get(p.suffix.lower())
    if fmt:
        return fmt
    with open(p, "rb") as fh:
        head = fh.read(4)
    if head == b"PAR1":
        return "parquet"
    raise FormatError(
        "cannot tell the error log's format", path=p, expected="a .csv or .parquet file",
        found=repr(p.suffix or "no suffix"),
        hint="end its name in .csv or .parquet",
    )


def _check_format(format: str) -> str:
    f = format.strip().lower()
    f = {"pq": "parquet"}.get(f, f)
    if f not in LOG_FORMATS:
        raise FormatError("unknown error-log format", expected=" or ".join(LOG_FORMATS), found=repr(format))
    return f


def scan_error_log(path: str | Path, format: str | None = None, *, categorical: bool = True) -> ErrorLog:
    """Open an error log lazily (CSV or Parquet); check its header and that it has at least one row.

    ``categorical=False`` reads a CSV's text columns as plain strings (see :meth:`ErrorLog.as_text`).
    """
    import polars as pl

    p = check_file(path)
    fmt = _check_format(format) if format else detect_log_format(p)
    if fmt == "csv":
        names, sep = _csv_header(p)
        # every column as text: the canonical casts in _canonical are cheaper than inference and never guess
        # Low-cardinality text (codes, kinds, channels) is read straight into Categorical: grouping on it is
        # much cheaper than on strings. ``lazy`` casts it back to String for everyone else.
        found = _missing(p, names)
        cats = {found[c]: pl.Categorical for c in GROUP_COLUMNS if c in found} if categorical else {}
        lf = pl.scan_csv(p, separator=sep, infer_schema=False, schema_overrides=cats, encoding="utf8-lossy",
                         truncate_ragged_lines=True)
    else:
        try:  # the footer only: names and row count, no data read
            names = list(pl.read_parquet_schema(p))
            lf = pl.scan_parquet(p)
            n_rows = int(lf.select(pl.len()).collect().item())
        except (Exception, pl.exceptions.PanicException) as e:  # polars raises several types (and panics)
            raise InputError(f"not a readable Parquet file ({type(e).__name__}: {str(e).splitlines()[0][:160]})",
                             path=p, hint="re-export the log, or give it as CSV") from None
        if n_rows == 0:
            raise InputError("the error log has no events", path=p, hint="export a log with at least one event")
        lf = pl.scan_parquet(p)
        _check_parquet_types(p, names, lf)
    exprs = _canonical_exprs(lf, names, str(p))
    return ErrorLog(lf.select(list(exprs.values())), source=str(p), format=fmt, columns_found=tuple(names),
                    raw=lf, exprs=exprs, group_exprs=_group_exprs(lf, names, str(p)))


def _csv_header(p: Path) -> tuple[list[str], str]:
    """The header names (BOM stripped) and the separator (comma, semicolon or tab: European spreadsheet exports
    use semicolons, see :func:`codekit.io.csvfile.sniff_delimiter`), and a check that at least one data row
    follows."""
    import csv
    import io

    with open(p, "rb") as fh:
        head = fh.read(_HEAD_BYTES)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("the error log is UTF-16 text", path=p, expected="UTF-8", hint="save the log as UTF-8")
    from codekit.io.text import binary_kind

    binary = binary_kind(head)
    if binary is not None:
        # an error log's format follows its name (there is no --format for logs): say so for Parquet
        todo = "rename it to end in .parquet: an error log is read by its suffix" if head.startswith(b"PAR1") else binary[1]
        raise InputError(f"the error log holds {binary[0]}", path=p, expected="CSV text or a Parquet file", hint=todo)
    text = head.decode("utf-8", errors="replace")
    if not text.strip():
        raise InputError("the error log is empty", path=p,
                         hint="export a log with a header line and at least one event")
    lines = text.splitlines()
    from codekit.io.csvfile import sniff_delimiter

    sep = sniff_delimiter(text, p)
    try:
        header = next(csv.reader(io.StringIO(lines[0], newline=""), delimiter=sep), [])
    except csv.Error as e:
        raise SchemaError(f"the header is not valid CSV: {e}", path=p, line=1,
                          hint="check the quotes on the first line, or re-export the log") from None
    rest = [ln for ln in lines[1:] if ln.strip()]
    if not rest and len(head) < _HEAD_BYTES:
        _missing(p, header)  # a wrong header is the more useful message
        raise InputError("the error log has no events (a header line only)", path=p,
                         hint="export a log with at least one event")
    return header, sep


def _check_parquet_types(p: Path, names: list[str], lf: "pl.LazyFrame") -> None:
    """Refuse a canonical column of a type no cast can read (lists, structs, binary)."""
    import polars as pl

    found = _missing(p, names)
    schema = lf.collect_schema()
    for col, name in found.items():
        dtype = schema[name]
        if dtype.is_nested() or dtype in (pl.Binary, pl.Object):
            raise SchemaError(
                f"the error log's column {name!r} holds {dtype}, not single values", path=p, column=name,
                expected="text, a number or a timestamp per event", found=str(dtype),
                hint="write one value per cell (flatten or explode the column), see docs/formats.md",
            )


def _missing(p: Path | str | None, names: list[str]) -> dict[str, str]:
    """Map canonical column -> the name found; SchemaError if a required one is missing."""
    found = {}
    for n in names:
        key = normalise_column(n)
        if key in ERROR_LOG_COLUMNS and key not in found:
            found[key] = n
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise SchemaError(
            f"the error log lacks the required column{plural} {', '.join(missing)}",
            path=p, line=1 if p is not None and str(p).lower().endswith((".csv", ".txt")) else None,
            expected=", ".join(REQUIRED_COLUMNS),
            found=", ".join(n.strip() for n in names) if names else "no columns",
            hint="rename the columns to the canonical schema (docs/formats.md, 'Error logs')",
        )
    return found


_TS_FORMATS = ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def _parse_timestamp(expr: "pl.Expr") -> "pl.Expr":
    import polars as pl

    text = (expr.str.strip_chars().str.replace(r"(Z|[+-]\d\d:?\d\d)$", "")
            .str.replace("T", " ", literal=True))
    return pl.coalesce([text.str.to_datetime(f, time_unit="us", strict=False) for f in _TS_FORMATS])


GROUP_COLUMNS = ("submitted_code", "correct_code", "kind", "channel")


def _group_exprs(lf: "pl.LazyFrame", names: list[str], source: str | None) -> dict[str, "pl.Expr"]:
    """The grouping columns renamed but not cast (String or Categorical); cast the small result, not each row."""
    import polars as pl

    found = _missing(source, names)
    return {c: (pl.col(found[c]) if c in found else pl.lit(None, dtype=pl.String)).alias(c) for c in GROUP_COLUMNS}


def _canonical_exprs(lf: "pl.LazyFrame", names: list[str], source: str | None) -> dict[str, "pl.Expr"]:
    """One expression per canonical column over the scan (renames, casts); missing optional ones are nulls."""
    import polars as pl

    found = _missing(source, names)
    schema = lf.collect_schema()
    exprs = {}
    for col, (dtype, _req, _meaning) in ERROR_LOG_COLUMNS.items():
        if col not in found:
            target = {"Int64": pl.Int64, "String": pl.String, "Datetime": pl.Datetime("us")}[dtype]
            exprs[col] = pl.lit(None, dtype=target).alias(col)
            continue
        src = pl.col(found[col])
        have = schema[found[col]]
        if dtype == "Datetime":
            if isinstance(have, pl.Datetime):
                e = src.dt.replace_time_zone(None).dt.cast_time_unit("us") if have.time_zone else src.dt.cast_time_unit("us")
            elif have == pl.Date:
                e = src.cast(pl.Datetime("us"))
            else:
                e = _parse_timestamp(src.cast(pl.String))
        elif dtype == "Int64":
            e = src if have == pl.Int64 else src.cast(pl.String).str.strip_chars().cast(pl.Int64, strict=False)
        else:
            e = src if have == pl.String else src.cast(pl.String)
        exprs[col] = e.alias(col)
    return exprs


def convert_error_log(src: str | Path, dst: str | Path, *, format: str | None = None,
                      force: bool = True) -> dict[str, Any]:
    """Convert an error log (CSV or Parquet) to canonical Parquet, streaming (``sink_parquet``), atomically.

    Returns ``{"source", "output", "n_events", "bytes_in", "bytes_out"}``.
    """
    import polars as pl

    out = Path(dst)
    if out.suffix.lower() not in (".parquet", ".pq", ".parq"):
        raise UsageError("the converted log must be a Parquet file", path=out, expected="a name ending in .parquet",
                         found=repr(out.suffix or "no suffix"))
    from codekit.io.files import atomic_path, check_output

    if out.exists() and not force:
        raise UsageError("the output exists", path=out, hint="pass --force to replace it, or name another file")
    check_output(out, inputs=[src])
    log = scan_error_log(src, format=format)
    with atomic_path(out, inputs=[src]) as tmp:
        try:
            with log.reading():
                log.lazy.sink_parquet(tmp, compression="zstd", row_group_size=1_000_000)
        except InputError:
            if log.format != "csv":
                raise
            text = log.as_text()
            with text.reading():
                text.lazy.sink_parquet(tmp, compression="zstd", row_group_size=1_000_000)
        n = pl.scan_parquet(tmp).select(pl.len()).collect().item()
    return {"source": str(src), "output": str(out), "n_events": int(n),
            "bytes_in": Path(src).stat().st_size, "bytes_out": out.stat().st_size}


__all__ = ["ErrorLog", "scan_error_log", "convert_error_log", "detect_log_format", "normalise_column",
           "REQUIRED_COLUMNS", "CANONICAL_COLUMNS", "LOG_FORMATS"]
