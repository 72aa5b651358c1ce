"""Error events derived from request histories: the canonical error log from request rows.

Each rule looks at the canonical request table (:mod:`codekit.io.requests`) and turns a request into at most one
error event (the first rule that matches, in :data:`RULES` order). Every rule is documented in
docs/timelines.md ("Error events from request histories") with the sources it applies to. The result counts
what each rule matched and what nothing matched, so a city sees how much of its history says something.

Event columns (``model.ERROR_LOG_COLUMNS``): ``event_id`` = the request's record number, ``timestamp`` = the
request's ``created`` (the error happened at intake), ``channel`` = its channel, ``kind``, ``submitted_code`` =
its code, ``correct_code`` = the code it was re-coded to when the source records one, else null.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codekit.errors import InputError, UsageError
from codekit.io.requests import RequestTable, load_requests

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl


@dataclass(frozen=True)
class Rule:
    """One rule: a stable id, the error kind it yields, what it reads, and a regular expression (or None)."""

    id: str
    kind: str
    reads: str  # state, resolution, correct_code
    pattern: str | None = None
    meaning: str = ""


#: The rules, in priority order (a request yields the first that matches). Patterns are case-insensitive
#: and read agency boilerplate (NYC ``Resolution Description``, Open311 ``status_notes``).
RULES: tuple[Rule, ...] = (
    Rule("recoded", "recoded", "correct_code", None,
         "the source records the code the request ended under (--columns correct=), and it differs"),
    Rule("status-cancelled", "cancelled", "state", None, "status Cancelled / Canceled"),
    Rule("notes-cancelled", "cancelled", "resolution", r"^\s*cancel+ed\b",
         "status notes starting with 'Cancelled' (Toronto Open311: 'Cancelled - The request may be a duplicate, "
         "work is previously scheduled or no work is required.')"),
    Rule("resolution-duplicate", "duplicate", "resolution",
         r"\bduplicates?\b|already (been )?(reported|submitted|filed)|previously (reported|submitted|filed)",
         "resolution says duplicate / already reported"),
    Rule("resolution-not-city", "not_city_asset", "resolution",
         r"not (a |the )?city('s)? (property|asset|responsibility|owned|maintained)|private(ly owned)? property"
         r"|not (owned|maintained) by the city|privately owned|is not city",
         "resolution says the asset is not the City's (private property, not City-owned)"),
    Rule("resolution-referred", "transferred", "resolution",
         r"(does not|doesn't|did not) fall under|not (within|under) (the |this |our )?\w*('s)? ?jurisdiction"
         r"|outside (of )?(the |its |our )?\w*('s)? ?jurisdiction|(referred|forwarded|transferred|sent) "
         r"(it |this |the )?(complaint |request |issue )?to (another|the appropriate|the correct|a different) "
         r"(city )?agency|should be (directed|reported|submitted) to|not (the )?responsib\w* of (this|the) (agency|department)",
         "resolution says another agency handles it (referral or transfer; the agency's code is not recorded)"),
)


def rules_table() -> list[dict[str, Any]]:
    return [{"id": r.id, "kind": r.kind, "reads": r.reads, "pattern": r.pattern, "meaning": r.meaning} for r in RULES]


def _matches(rule: Rule) -> "pl.Expr":
    import polars as pl

    if rule.reads == "correct_code":
        return pl.col("correct_code").is_not_null() & (pl.col("correct_code") != pl.col("code"))
    if rule.reads == "state":
        return pl.col("state") == "cancelled"
    return pl.col("resolution").fill_null("").str.contains("(?i)" + rule.pattern)


def _rule_expr() -> "pl.Expr":
    import polars as pl

    expr = pl.lit(None, dtype=pl.String)
    for rule in reversed(RULES):
        expr = pl.when(_matches(rule)).then(pl.lit(rule.id)).otherwise(expr)
    return expr


def _kind_expr(kind_of: dict[str, str]) -> "pl.Expr":
    """rule id -> kind as a when/then chain (``replace_strict`` is not streamed)."""
    import polars as pl

    expr = pl.lit(None, dtype=pl.String)
    for rule_id, kind in kind_of.items():
        expr = pl.when(pl.col("rule") == rule_id).then(pl.lit(kind)).otherwise(expr)
    return expr


def events_lazy(table: RequestTable) -> "pl.LazyFrame":
    """The canonical error events of a request table, lazily (one per matching request, in row order)."""
    import polars as pl

    kind_of = {r.id: r.kind for r in RULES}
    return (
        table.lazy.with_columns(_rule_expr().alias("rule"))
        .filter(pl.col("rule").is_not_null() & pl.col("code").is_not_null())
        .select(
            pl.col("row").cast(pl.Int64).alias("event_id"),
            pl.col("created").alias("timestamp"),
            pl.col("channel"),
            _kind_expr(kind_of).alias("kind"),
            pl.col("code").alias("submitted_code"),
            pl.when(pl.col("rule") == "recoded").then(pl.col("correct_code")).otherwise(None).alias("correct_code"),
        )
        .sort("event_id")  # events are a small share of the requests: sorting them is cheap
    )


def rule_counts(table: RequestTable) -> dict[str, Any]:
    """What each rule matched and what nothing matched, in one streaming pass."""
    import polars as pl

    df = (table.lazy.with_columns(_rule_expr().alias("rule"))
          .select(
              pl.len().alias("requests"),
              *[(pl.col("rule") == r.id).sum().alias(r.id) for r in RULES],
              pl.col("rule").is_null().sum().alias("unmatched"),
              (pl.col("rule").is_null() & (pl.col("resolution").fill_null("") != "")).sum().alias("unmatched_with_text"),
              (pl.col("rule").is_not_null() & pl.col("created").is_null()).sum().alias("matched_without_timestamp"),
              (pl.col("rule").is_not_null() & pl.col("code").is_null()).sum().alias("matched_without_code"),
          ).collect(engine="streaming").row(0, named=True))
    top = (table.lazy.with_columns(_rule_expr().alias("rule"))
           .filter(pl.col("rule").is_null() & (pl.col("resolution").fill_null("") != ""))
           .group_by("resolution").agg(pl.len().alias("n")).filter(pl.col("n") >= 5)
           .sort(["n", "resolution"], descending=[True, False]).head(5).collect(engine="streaming"))
    return {
        "requests": int(df["requests"]),
        "matched": {r.id: int(df[r.id]) for r in RULES},
        "unmatched": int(df["unmatched"]),
        "unmatched_with_text": int(df["unmatched_with_text"]),
        "matched_without_timestamp": int(df["matched_without_timestamp"]),
        "matched_without_code": int(df["matched_without_code"]),
        # texts seen 5 times or more only: agency boilerplate, never a resident's own words
        "top_unmatched_texts": [{"text": r["resolution"][:160], "n": int(r["n"])} for r in top.iter_rows(named=True)],
    }


def derive_error_log(src: str | Path, dst: str | Path, *, format: str | None = None,
                     columns: str | None = None) -> dict[str, Any]:
    """Write the canonical error log (Parquet) derived from request rows; return what was read and matched.

    Events without a timestamp (unparseable ``created``) are not written: the error log requires one; they are
    counted in ``rules.matched_without_timestamp``.
    """
    import polars as pl

    from codekit.io.files import atomic_path, check_output

    out = Path(dst)
    if out.suffix.lower() not in (".parquet", ".pq", ".parq"):
        raise UsageError("the error log must be a Parquet file", path=out, expected="a name ending in .parquet",
                         found=repr(out.suffix or "no suffix"))
    check_output(out, inputs=[src])
    with load_requests(src, format=format, columns=columns) as table:
        table.materialise()
        counts = rule_counts(table)
        if counts["requests"] == 0:
            raise InputError("the file holds no requests", path=Path(src), hint="check the export")
        quality = table.quality()
        events = events_lazy(table).filter(pl.col("timestamp").is_not_null()).sort("event_id")
        with atomic_path(out, inputs=[src]) as tmp:
            events.sink_parquet(tmp, compression="zstd")
            by_kind = pl.scan_parquet(tmp).group_by("kind").agg(pl.len().alias("n")).collect()
            if by_kind.height == 0:  # a log every later command refuses as empty: nothing is written
                matched = sum(counts["matched"].values())
                why = (f"no rule matched ({counts['unmatched_with_text']} with a resolution text)" if not matched
                       else f"{matched} matched a rule, none with a creation time an error log can carry")
                raise InputError(
                    f"no error event can be derived from the {counts['requests']} requests: {why}; nothing written",
                    path=Path(src),
                    hint="the rows carry no re-coding, cancellation, duplicate or referral to derive events from "
                         "(docs/timelines.md, 'Error events from request histories'); give an intake error log",
                )
        result_format = table.format
    kinds = {r["kind"]: int(r["n"]) for r in by_kind.iter_rows(named=True)}
    return {
        "source": str(src), "format": result_format, "output": str(out),
        "n_requests": counts["requests"], "n_events": sum(kinds.values()),
        "by_kind": dict(sorted(kinds.items())), "rules": counts, "quality": quality,
    }


__all__ = ["RULES", "Rule", "events_lazy", "rule_counts", "derive_error_log", "rules_table"]
