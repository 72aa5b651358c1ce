"""Aggregations of an intake error log: per-code counts by kind, confusion edges, channel by kind.

All of them come from one *cube*: the event counts per (submitted_code, correct_code, kind, channel), computed in
a single lazy polars query on the streaming engine (only those four columns are read; timestamps are never
parsed) and cached on the :class:`~codekit.io.errorlog.ErrorLog`. The cube is small (thousands of rows for
millions of events), so calling all four functions costs one pass over the log and memory stays bounded as the
log grows. Values are normalised on the cube (trimmed; kind and channel lower-cased), not per event.

Unknown kinds and channels are warnings, not errors (see ``check_error_log``); events with an unknown kind or
no submitted code are left out of the tables; an unknown or empty channel counts as ``unknown``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codekit.errors import InputError, UsageError
from codekit.model import CHANNELS, CONFUSION_KINDS, ERROR_KINDS

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

    from codekit.io.errorlog import ErrorLog
    from codekit.model import Catalogue

UNKNOWN_CHANNEL = "unknown"
_KEYS = ["submitted_code", "correct_code", "kind", "channel"]


def _as_log(log: Any) -> "ErrorLog":
    from codekit.io.errorlog import ErrorLog

    if isinstance(log, ErrorLog):
        return log
    try:
        import polars as pl
    except ImportError:  # pragma: no cover
        pl = None
    if pl is not None and isinstance(log, (pl.DataFrame, pl.LazyFrame)):
        return ErrorLog.from_frame(log)
    raise UsageError(f"not an error log: {type(log).__name__}", hint="open it with codekit.io.errorlog.scan_error_log")


def raw_cube(log: Any) -> "pl.DataFrame":
    """Event counts per raw (submitted_code, correct_code, kind, channel); one streaming pass, cached."""
    import polars as pl

    log = _as_log(log)
    if log._cube is None:
        cube = (
            log.lazy.select(_KEYS)
            .group_by(_KEYS)
            .agg(pl.len().cast(pl.Int64).alias("n"))
            .collect(engine="streaming")
        )
        log._cube = cube
    return log._cube


def cube(log: Any) -> "pl.DataFrame":
    """The normalised cube of usable events: known kinds, a submitted code; channel ``unknown`` when not known.

    Columns: submitted_code, correct_code (null unless re-coded/transferred to another code), kind, channel, n.
    Raises InputError when the log has no usable events.
    """
    import polars as pl

    log = _as_log(log)
    raw = raw_cube(log)
    norm = _normalised(raw)
    usable = norm.filter(pl.col("kind").is_in(list(ERROR_KINDS)) & pl.col("submitted_code").is_not_null())
    if usable.height == 0:
        found = int(raw["n"].sum()) if raw.height else 0
        raise InputError(
            "the error log has no usable events" + (f" ({found} rows, none with a known kind and a submitted code)"
                                                    if found else ""),
            path=log.source or None,
            expected="kind one of " + ", ".join(ERROR_KINDS) + " and a submitted_code",
            hint="check the kind and submitted_code columns (docs/formats.md, 'Error logs')",
        )
    return (
        usable.with_columns(
            pl.when(pl.col("channel").is_in(list(CHANNELS))).then(pl.col("channel"))
            .otherwise(pl.lit(UNKNOWN_CHANNEL)).alias("channel"),
            pl.when(pl.col("kind").is_in(list(CONFUSION_KINDS)) & (pl.col("correct_code") != pl.col("submitted_code")))
            .then(pl.col("correct_code")).otherwise(pl.lit(None, dtype=pl.String)).alias("correct_code"),
        )
        .group_by(_KEYS).agg(pl.col("n").sum())
        .sort(_KEYS, nulls_last=True)
    )


def _normalised(raw: "pl.DataFrame") -> "pl.DataFrame":
    import polars as pl

    def clean(c: str) -> pl.Expr:
        e = pl.col(c).str.strip_chars()
        return pl.when(e == "").then(pl.lit(None, dtype=pl.String)).otherwise(e)

    return raw.with_columns(
        clean("submitted_code").alias("submitted_code"),
        clean("correct_code").alias("correct_code"),
        clean("kind").str.to_lowercase().alias("kind"),
        clean("channel").str.to_lowercase().alias("channel"),
    )


def code_kind_counts(log: Any) -> "pl.DataFrame":
    """Events per (submitted code, kind): columns code, kind, n; sorted by code then kind."""
    import polars as pl

    return (
        cube(log).group_by([pl.col("submitted_code").alias("code"), "kind"]).agg(pl.col("n").sum())
        .sort(["code", "kind"])
    )


def confusion_edges(log: Any) -> "pl.DataFrame":
    """Re-coded and transferred events per (submitted_code, correct_code, kind), by n descending then codes."""
    import polars as pl

    return (
        cube(log).filter(pl.col("correct_code").is_not_null())
        .group_by(["submitted_code", "correct_code", "kind"]).agg(pl.col("n").sum())
        .sort(["n", "submitted_code", "correct_code", "kind"], descending=[True, False, False, False])
    )


def channel_kind_counts(log: Any) -> "pl.DataFrame":
    """Events per (channel, kind): columns channel, kind, n; sorted by channel then kind."""
    return cube(log).group_by(["channel", "kind"]).agg(__import__("polars").col("n").sum()).sort(["channel", "kind"])


def unknown_codes(log: Any, catalogue: "Catalogue") -> dict[str, Any]:
    """Codes the log names (submitted or correct) that the catalogue lacks, with how many events name them.

    ``{"n_events": events naming at least one unknown code, "n_codes": distinct unknown codes,
    "examples": up to 10 codes, most frequent first}``. Not an error: a log often outlives a catalogue.
    """
    import polars as pl

    c = cube(log)
    known = pl.Series(catalogue.code_ids, dtype=pl.String)
    sub_unknown = ~pl.col("submitted_code").is_in(known.implode())
    cor_unknown = pl.col("correct_code").is_not_null() & ~pl.col("correct_code").is_in(known.implode())
    flagged = c.filter(sub_unknown | cor_unknown)
    n_events = int(flagged["n"].sum()) if flagged.height else 0
    per_code = pl.concat([
        flagged.filter(sub_unknown).select(pl.col("submitted_code").alias("code"), "n"),
        flagged.filter(cor_unknown).select(pl.col("correct_code").alias("code"), "n"),
    ]).group_by("code").agg(pl.col("n").sum()).sort(["n", "code"], descending=[True, False])
    return {"n_events": n_events, "n_codes": per_code.height, "examples": per_code["code"].head(10).to_list()}


def check_error_log(log: Any) -> dict[str, Any]:
    """What in the log is not usable as it stands, as counts (warnings, not errors).

    ``{"n_rows", "n_usable", "unknown_kinds": {value: n}, "unknown_channels": {value: n},
    "missing_submitted_code": n, "self_confusions": n, "warnings": [text]}``. Also appends the warnings to
    ``log.warnings``.
    """
    import polars as pl

    log = _as_log(log)
    norm = _normalised(raw_cube(log))
    n_rows = int(norm["n"].sum()) if norm.height else 0

    def counts(df: pl.DataFrame, col: str) -> dict[str, int]:
        g = df.group_by(col).agg(pl.col("n").sum()).sort(col, nulls_last=True)
        return {("" if k is None else str(k)): int(v) for k, v in g.iter_rows()}

    unknown_kinds = counts(norm.filter(~pl.col("kind").is_in(list(ERROR_KINDS)) | pl.col("kind").is_null()), "kind")
    unknown_channels = counts(norm.filter(~pl.col("channel").is_in(list(CHANNELS)) | pl.col("channel").is_null()),
                              "channel")
    missing_sub = int(norm.filter(pl.col("submitted_code").is_null())["n"].sum())
    self_conf = int(norm.filter(pl.col("kind").is_in(list(CONFUSION_KINDS))
                                & (pl.col("correct_code") == pl.col("submitted_code")))["n"].sum())
    usable = int(norm.filter(pl.col("kind").is_in(list(ERROR_KINDS)) & pl.col("submitted_code").is_not_null())["n"]
                 .sum())
    warnings = []
    if unknown_kinds:
        warnings.append(f"{sum(unknown_kinds.values())} events with an unknown kind "
                        f"({', '.join(repr(k) for k in list(unknown_kinds)[:5])}) left out")
    if unknown_channels:
        warnings.append(f"{sum(unknown_channels.values())} events with an unknown or empty channel "
                        f"({', '.join(repr(k) for k in list(unknown_channels)[:5])}) counted as 'unknown'")
    if missing_sub:
        warnings.append(f"{missing_sub} events without a submitted_code left out")
    if self_conf:
        warnings.append(f"{self_conf} re-coded/transferred events name the same code twice (no confusion edge)")
    for w in warnings:
        if w not in log.warnings:
            log.warnings.append(w)
    return {"n_rows": n_rows, "n_usable": usable, "unknown_kinds": unknown_kinds,
            "unknown_channels": unknown_channels, "missing_submitted_code": missing_sub,
            "self_confusions": self_conf, "warnings": warnings}


def error_stats(log: Any) -> dict[str, "pl.DataFrame"]:
    """The three tables at once (one pass): ``{"code_kind", "confusion", "channel_kind"}``."""
    return {"code_kind": code_kind_counts(log), "confusion": confusion_edges(log),
            "channel_kind": channel_kind_counts(log)}


__all__ = ["code_kind_counts", "confusion_edges", "channel_kind_counts", "unknown_codes", "check_error_log",
           "error_stats", "cube", "raw_cube", "UNKNOWN_CHANNEL"]
