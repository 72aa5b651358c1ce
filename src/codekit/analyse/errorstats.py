"""Aggregations of an intake error log: per-code counts by kind, confusion edges, channel by kind.

All of them derive from three small raw tables (see ``raw_tables``) computed by lazy polars queries on the
streaming engine and cached on the :class:`~codekit.io.errorlog.ErrorLog`: only the four columns needed are read,
timestamps are never parsed, and the tables hold thousands of rows for millions of events, so calling all four
functions costs one pass over the log and memory stays bounded as the log grows. Values are normalised on those
tables (codes trimmed; kind and channel trimmed and lower-cased), not per event.

Unknown kinds and channels are warnings, not errors (see ``check_error_log``): events with an unknown kind are
left out of every table; events without a submitted code are left out of the per-code tables; an unknown or
empty channel counts as ``unknown`` in ``channel_kind_counts``. A log with no usable event is an InputError.
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


def raw_tables(log: Any) -> dict[str, "pl.DataFrame"]:
    """The raw counts every aggregation derives from, computed once per log and cached on it.

    ``{"code_kind": [submitted_code, kind, n], "pairs": [submitted_code, correct_code, kind, n] (rows with a
    correct_code), "channel": [channel, kind, n]}``, values as they are in the file. A CSV log is read in one
    streaming pass that groups by all four columns (parsing CSV is the cost, so it is done once). A Parquet log
    with text columns is counted from its dictionary encoding (:mod:`codekit.analyse.dictcounts`; its pairs hold
    only the confusion kinds, the only pairs anything reads); any other Parquet log or a frame runs the three
    small group-bys together (columns are cheap to re-read there, big groupings are not).
    """
    log = _as_log(log)
    if log._cube is None:
        try:
            with log.reading():
                log._cube = _raw_tables(log)
        except InputError:
            if log.format != "csv" or not log.group_exprs:
                raise
            text = log.as_text()  # the Categorical reader refuses bytes that are not UTF-8; plain text does not
            with text.reading():
                log._cube = _raw_tables(text)
    return log._cube


def _raw_tables(log: "ErrorLog") -> dict[str, "pl.DataFrame"]:
    import polars as pl

    n = pl.len().cast(pl.Int64).alias("n")
    if log.format == "csv":
        keys = log.group_exprs or {k: pl.col(k) for k in _KEYS}
        src = log.raw if log.group_exprs else log.lazy
        cube = (src.select([keys[k] for k in _KEYS]).group_by(_KEYS).agg(n).collect(engine="streaming")
                .with_columns([pl.col(k).cast(pl.String) for k in _KEYS]))
        tables = {
            "code_kind": cube.group_by(["submitted_code", "kind"]).agg(pl.col("n").sum()),
            "pairs": cube.filter(pl.col("correct_code").is_not_null())
            .group_by(["submitted_code", "correct_code", "kind"]).agg(pl.col("n").sum()),
            "channel": cube.group_by(["channel", "kind"]).agg(pl.col("n").sum()),
        }
    elif log.format == "parquet" and (counted := _dictionary_tables(log)) is not None:
        tables = counted
    else:
        # Together (collect_all), not one after another: one at a time peaks about 15 MB lower on the 10M-event
        # Parquet log but takes a third longer (benchmarks/README.md).
        queries = {
            "code_kind": log.select("submitted_code", "kind").group_by(["submitted_code", "kind"]).agg(n),
            "pairs": log.select("submitted_code", "correct_code", "kind").filter(pl.col("correct_code").is_not_null())
            .group_by(["submitted_code", "correct_code", "kind"]).agg(n),
            "channel": log.select("channel", "kind").group_by(["channel", "kind"]).agg(n),
        }
        tables = dict(zip(queries, pl.collect_all(list(queries.values()), engine="streaming")))
    return tables


def _dictionary_tables(log: "ErrorLog") -> dict[str, "pl.DataFrame"] | None:
    """The tables of a Parquet log from its dictionary encoding (analyse/dictcounts.py), or None: use polars."""
    import polars as pl

    from codekit.analyse.dictcounts import parquet_tables

    return parquet_tables(log.source, log.file_columns(*_KEYS), CONFUSION_KINDS, threads=pl.thread_pool_size())


def _normalised(raw: "pl.DataFrame") -> "pl.DataFrame":
    """Trim codes (empty -> null), trim and lower-case kind and channel; re-aggregate (the table is small)."""
    import polars as pl

    def clean(c: str) -> pl.Expr:
        e = pl.col(c).str.strip_chars()
        return pl.when(e == "").then(pl.lit(None, dtype=pl.String)).otherwise(e)

    exprs = {
        "submitted_code": clean("submitted_code"), "correct_code": clean("correct_code"),
        "kind": clean("kind").str.to_lowercase(), "channel": clean("channel").str.to_lowercase(),
    }
    cols = [c for c in raw.columns if c != "n"]
    return raw.with_columns([exprs[c].alias(c) for c in cols]).group_by(cols).agg(pl.col("n").sum())


def _usable_tables(log: Any) -> dict[str, "pl.DataFrame"]:
    """Normalised tables of usable events; InputError when there are none.

    code_kind and pairs: known kind and a submitted code (pairs: re-coded/transferred to another code).
    channel: every event with a known kind, an unknown or empty channel as ``unknown``.
    """
    log = _as_log(log)
    if log._usable is None:
        log._usable = _usable_from(log, raw_tables(log))
    return log._usable


def _usable_from(log: "ErrorLog", raw: dict[str, "pl.DataFrame"]) -> dict[str, "pl.DataFrame"]:
    import polars as pl

    ck = _normalised(raw["code_kind"])
    known = pl.col("kind").is_in(list(ERROR_KINDS))
    usable_ck = ck.filter(known & pl.col("submitted_code").is_not_null())
    if usable_ck.height == 0:
        found = int(ck["n"].sum()) if ck.height else 0
        raise InputError(
            "the error log has no usable events" + (f" ({found} rows, none with a known kind and a submitted code)"
                                                    if found else ""),
            path=log.source or None,
            expected="kind one of " + ", ".join(ERROR_KINDS) + " and a submitted_code",
            hint="check the kind and submitted_code columns (docs/formats.md, 'Error logs')",
        )
    pairs = _normalised(raw["pairs"]).filter(
        pl.col("kind").is_in(list(CONFUSION_KINDS)) & pl.col("submitted_code").is_not_null()
        & pl.col("correct_code").is_not_null() & (pl.col("correct_code") != pl.col("submitted_code"))
    )
    ch = _normalised(raw["channel"]).filter(known).with_columns(
        pl.when(pl.col("channel").is_in(list(CHANNELS))).then(pl.col("channel"))
        .otherwise(pl.lit(UNKNOWN_CHANNEL)).alias("channel"))
    return {"code_kind": usable_ck, "pairs": pairs, "channel": ch}


def code_kind_counts(log: Any) -> "pl.DataFrame":
    """Events per (submitted code, kind): columns code, kind, n; sorted by code then kind."""
    import polars as pl

    return (_usable_tables(log)["code_kind"].select(pl.col("submitted_code").alias("code"), "kind", "n")
            .sort(["code", "kind"]))


def confusion_edges(log: Any) -> "pl.DataFrame":
    """Re-coded and transferred events per (submitted_code, correct_code, kind), by n descending then codes."""
    return (_usable_tables(log)["pairs"].select("submitted_code", "correct_code", "kind", "n")
            .sort(["n", "submitted_code", "correct_code", "kind"], descending=[True, False, False, False]))


def channel_kind_counts(log: Any) -> "pl.DataFrame":
    """Events per (channel, kind): columns channel, kind, n; sorted by channel then kind."""
    import polars as pl

    return (_usable_tables(log)["channel"].group_by(["channel", "kind"]).agg(pl.col("n").sum())
            .select("channel", "kind", "n").sort(["channel", "kind"]))


def unknown_codes(log: Any, catalogue: "Catalogue") -> dict[str, Any]:
    """Codes the log names (submitted or correct) that the catalogue lacks, with how many events name them.

    ``{"n_events": events naming at least one unknown code, "n_codes": distinct unknown codes,
    "examples": up to 10 codes, most frequent first}``. Not an error: a log often outlives a catalogue.
    """
    import polars as pl

    t = _usable_tables(log)
    known = pl.Series(catalogue.code_ids, dtype=pl.String).implode()
    sub_unknown = ~pl.col("submitted_code").is_in(known)
    cor_unknown = ~pl.col("correct_code").is_in(known)
    # events submitted under an unknown code, plus confusions from a known code into an unknown one
    n_events = int(t["code_kind"].filter(sub_unknown)["n"].sum()) + int(
        t["pairs"].filter(~sub_unknown & cor_unknown)["n"].sum())
    per_code = pl.concat([
        t["code_kind"].filter(sub_unknown).select(pl.col("submitted_code").alias("code"), "n"),
        t["pairs"].filter(cor_unknown).select(pl.col("correct_code").alias("code"), "n"),
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
    raw = raw_tables(log)
    norm = _normalised(raw["code_kind"])
    chan = _normalised(raw["channel"])
    pairs = _normalised(raw["pairs"])
    n_rows = int(norm["n"].sum()) if norm.height else 0

    def counts(df: pl.DataFrame, col: str) -> dict[str, int]:
        g = df.group_by(col).agg(pl.col("n").sum()).sort(col, nulls_last=True)
        return {("" if k is None else str(k)): int(v) for k, v in g.iter_rows()}

    bad_kind = ~pl.col("kind").is_in(list(ERROR_KINDS)) | pl.col("kind").is_null()
    unknown_kinds = counts(norm.filter(bad_kind), "kind")
    unknown_channels = counts(
        chan.filter(~bad_kind & (~pl.col("channel").is_in(list(CHANNELS)) | pl.col("channel").is_null())), "channel")
    missing_sub = int(norm.filter(~bad_kind & pl.col("submitted_code").is_null())["n"].sum())
    self_conf = int(pairs.filter(pl.col("kind").is_in(list(CONFUSION_KINDS))
                                 & (pl.col("correct_code") == pl.col("submitted_code")))["n"].sum())
    usable = int(norm.filter(~bad_kind & pl.col("submitted_code").is_not_null())["n"].sum())
    warnings = []
    if unknown_kinds:
        warnings.append(f"{sum(unknown_kinds.values())} events with an unknown kind "
                        f"({', '.join(repr(k) for k in list(unknown_kinds)[:5])}) left out")
    if unknown_channels:
        warnings.append(f"{sum(unknown_channels.values())} events with an unknown or empty channel "
                        f"({', '.join(repr(k) for k in list(unknown_channels)[:5])}) counted as 'unknown'")
    if missing_sub:
        warnings.append(f"{missing_sub} events without a submitted_code left out of the per-code tables")
    if self_conf:
        warnings.append(f"{self_conf} re-coded/transferred events name the same code twice (no confusion edge)")
    for w in warnings:
        if w not in log.warnings:
            log.warnings.append(w)
    return {"n_rows": n_rows, "n_usable": usable, "unknown_kinds": unknown_kinds,
            "unknown_channels": unknown_channels, "missing_submitted_code": missing_sub,
            "self_confusions": self_conf, "warnings": warnings}


def error_stats(log: Any) -> dict[str, "pl.DataFrame"]:
    """The three tables at once (one pass over the log): ``{"code_kind", "confusion", "channel_kind"}``."""
    return {"code_kind": code_kind_counts(log), "confusion": confusion_edges(log),
            "channel_kind": channel_kind_counts(log)}


__all__ = ["code_kind_counts", "confusion_edges", "channel_kind_counts", "unknown_codes", "check_error_log",
           "error_stats", "raw_tables", "UNKNOWN_CHANNEL"]
