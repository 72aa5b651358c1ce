"""Closing-the-Loop timelines: how long requests really take, per code and per public category.

Time to close is estimated with the Kaplan-Meier product-limit estimator, vectorised in polars over every
group at once: requests still open at the export time (``as_of``) are right-censored there, so a long tail of
open requests lengthens the estimate instead of being dropped. The p-quantile is "the first time t with
S(t) <= 1 - p" (lifelines' ``qth_survival_time``); it is null ("longer than observed") when fewer than p of the
requests are estimated to close within the longest observed time. Tested against lifelines
(tests/test_timelines.py). Rules, units and the suggested Closing-the-Loop level: docs/timelines.md.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from codekit.errors import InputError, UsageError
from codekit.io.requests import RequestTable, load_requests, parse_datetime

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

QUANTILES = (0.5, 0.8, 0.9)
_EPS = 1e-9  # S(t) <= 1 - q compared with this tolerance (a product of fractions is not exact in floats)

#: Suggested Closing-the-Loop level from the observed timeline (a hint beside the curated level, never in place of it)
CTL_SIMPLE_P90_DAYS = 2.0      # 9 in 10 closed within two days: tell the resident when it is done (level 1)
CTL_COMPLEX_P90_DAYS = 30.0    # 1 in 10 takes over a month, or it cannot be estimated: level 3
CTL_COMPLEX_SPREAD = 10.0      # p90 / p50 this wide (and p90 over a week): outcomes vary, level 3
CTL_MIN_REQUESTS = 20          # fewer requests than this: no suggestion


def km_table(lf: "pl.LazyFrame", by: list[str], quantiles: Iterable[float] = QUANTILES,
             weight: str | None = None) -> "pl.DataFrame":
    """Kaplan-Meier quantiles per group. ``lf`` has the ``by`` columns, ``duration`` (Float64, >= 0) and
    ``event`` (Boolean: True = closed at ``duration``, False = censored there), and optionally a ``weight``
    column (how many requests the row stands for: pre-aggregated input).

    Returns one row per group: the ``by`` columns, ``n`` (requests), ``n_event`` (closed), ``n_censored``,
    ``max_duration`` and ``p50``/``p80``/``p90`` (same unit as ``duration``; null when S(t) never drops to 1 - q).
    """
    import polars as pl

    qs = tuple(quantiles)
    keys = list(by) or ["__all"]
    if not by:
        lf = lf.with_columns(pl.lit(1).alias("__all"))
    w = pl.col(weight).cast(pl.Float64) if weight else pl.lit(1.0)
    lf = lf.with_columns(w.alias("__w"))
    steps = (
        lf.group_by(keys + ["duration"])
        .agg((pl.col("event").cast(pl.Float64) * pl.col("__w")).sum().alias("d"), pl.col("__w").sum().alias("c"))
        .sort(keys + ["duration"])
        .with_columns(pl.col("c").cum_sum(reverse=True).over(keys).alias("at_risk"))
        .with_columns((1.0 - pl.col("d") / pl.col("at_risk")).cum_prod().over(keys).alias("s"))
    )
    aggs = [pl.col("duration").filter(pl.col("s") <= 1.0 - q + _EPS).min().alias(_qname(q)) for q in qs]
    out = steps.group_by(keys).agg(
        pl.col("c").sum().round().cast(pl.Int64).alias("n"), pl.col("d").sum().round().cast(pl.Int64).alias("n_event"),
        pl.col("duration").max().alias("max_duration"), *aggs,
    ).with_columns((pl.col("n") - pl.col("n_event")).alias("n_censored")).sort(keys).collect(engine="streaming")
    return out.drop("__all") if not by else out


def survival_at(lf: "pl.LazyFrame", by: list[str], t_col: str, weight: str | None = None) -> "pl.DataFrame":
    """S(t) per group at the group's own time ``t_col`` (a column of ``lf`` constant within the group)."""
    import polars as pl

    w = pl.col(weight).cast(pl.Float64) if weight else pl.lit(1.0)
    steps = (
        lf.with_columns(w.alias("__w")).group_by(by + ["duration", t_col])
        .agg((pl.col("event").cast(pl.Float64) * pl.col("__w")).sum().alias("d"), pl.col("__w").sum().alias("c"))
        .sort(by + ["duration"])
        .with_columns(pl.col("c").cum_sum(reverse=True).over(by).alias("at_risk"))
        .with_columns((1.0 - pl.col("d") / pl.col("at_risk")).cum_prod().over(by).alias("s"))
    )
    return (steps.group_by(by).agg(
        pl.col("s").filter(pl.col("duration") <= pl.col(t_col)).last().fill_null(1.0).alias("s_at"))
        .sort(by).collect(engine="streaming"))


def _qname(q: float) -> str:
    return f"p{round(q * 100):d}"


def suggest_ctl_level(n: int, p50_days: float | None, p90_days: float | None,
                      follow_up_days: float | None = None, min_requests: int = CTL_MIN_REQUESTS) -> int | None:
    """1 simple, 2 milestone, 3 complex, from the observed timeline; None with too few requests, or when the
    p90 cannot be estimated from a history shorter than CTL_COMPLEX_P90_DAYS (too short to tell)."""
    if n < max(min_requests, 1):
        return None
    if p90_days is None:
        return 3 if follow_up_days is not None and follow_up_days > CTL_COMPLEX_P90_DAYS else None
    if p90_days <= CTL_SIMPLE_P90_DAYS:
        return 1
    if p90_days > CTL_COMPLEX_P90_DAYS:
        return 3
    if p50_days and p90_days > 7 and p90_days / p50_days >= CTL_COMPLEX_SPREAD:
        return 3
    return 2


def parse_as_of(text: str | None) -> datetime | None:
    """``--as-of`` text (ISO 8601 date or date-time, optional offset -> UTC) as a naive datetime."""
    if text is None or not str(text).strip():
        return None
    import polars as pl

    v = pl.select(parse_datetime(pl.lit(str(text)))).item()
    if v is None:
        raise UsageError("--as-of is not a date", expected="a date or date-time like 2024-06-30 or 2024-06-30T17:00",
                         found=repr(text), hint="write the export time in ISO 8601")
    return v


def _durations(table: RequestTable, as_of: datetime, business_days: bool) -> "pl.LazyFrame":
    """Requests usable for timelines with ``duration``/``event``; others carry ``excluded`` (a reason)."""
    import polars as pl

    end = pl.when(pl.col("event")).then(pl.col("closed")).otherwise(pl.lit(as_of))
    lf = table.lazy.with_columns(
        (pl.col("closed").is_not_null() & (pl.col("closed") <= pl.lit(as_of)) & (pl.col("state") != "open"))
        .alias("event"),
    ).with_columns(
        pl.when(pl.col("created").is_null()).then(pl.lit("no-created-date"))
        .when(pl.col("code").is_null()).then(pl.lit("no-code"))
        .when(pl.col("state") == "cancelled").then(pl.lit("cancelled"))
        .when(pl.col("created") > pl.lit(as_of)).then(pl.lit("created-after-as-of"))
        .when(pl.col("closed").is_not_null() & (pl.col("closed") < pl.col("created"))).then(pl.lit("closed-before-created"))
        .when((pl.col("state") == "closed") & pl.col("closed").is_null()).then(pl.lit("closed-without-date"))
        .when(pl.col("state") == "unknown").then(pl.lit("unknown-status"))
        .otherwise(None).alias("excluded"),
        (pl.col("closed") > pl.lit(as_of)).fill_null(False).alias("closed_after_as_of"),
    )
    if business_days:
        dur = pl.business_day_count(pl.col("created").dt.date(), end.dt.date()).cast(pl.Float64)
        ack = pl.business_day_count(pl.col("created").dt.date(),
                                    pl.coalesce([pl.col("acknowledged"), pl.col("closed"), pl.lit(as_of)]).dt.date())
    else:
        # on the duration grid (GRID_MINUTES): the aggregates stay bounded (codes x grid points) however many rows
        dur = _on_grid((end - pl.col("created")).dt.total_seconds(fractional=True) / 60.0) / 60.0
        ack = _on_grid((pl.coalesce([pl.col("acknowledged"), pl.col("closed"), pl.lit(as_of)])
                        - pl.col("created")).dt.total_seconds(fractional=True) / 60.0) / 60.0
    ack_event = (pl.coalesce([pl.col("acknowledged"), pl.col("closed")]) <= pl.lit(as_of)).fill_null(False)
    return lf.with_columns(dur.alias("duration"), ack.cast(pl.Float64).alias("ack_duration"), ack_event.alias("ack_event"))


#: Duration grid (minutes): (below this many minutes, round to this step). A duration under a day keeps the
#: minute; longer ones keep 5 minutes to a week, 15 minutes to 30 days, the hour to a year, then the day. So a
#: code has at most ~13,400 distinct durations whatever the number of rows (memory stays bounded as rows grow),
#: whole hours and days stay exact, and no quantile moves by more than half a step (0.02 days past 30 days).
GRID_MINUTES = ((24 * 60, 1), (7 * 24 * 60, 5), (30 * 24 * 60, 15), (365 * 24 * 60, 60), (float("inf"), 24 * 60))


def _on_grid(minutes: "pl.Expr") -> "pl.Expr":
    import polars as pl

    out = None
    for below, step in reversed(GRID_MINUTES):
        snapped = (minutes / step).round(0) * step
        out = snapped if out is None else pl.when(minutes < below).then(snapped).otherwise(out)
    return out


def _round(v: Any, nd: int = 2) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return round(float(v), nd)


def build_timelines(
    requests: str | Path, *, format: str | None = None, columns: str | None = None,
    catalogue: str | Path | None = None, catalogue_format: str | None = None, taxonomy: str | Path | None = None,
    as_of: str | datetime | None = None, business_days: bool = False, min_requests: int = CTL_MIN_REQUESTS,
) -> dict[str, Any]:
    """Timelines of a request history: per code (and per public category with ``taxonomy``), with counts,
    bad-input counts, SLA and due-date compliance and a suggested Closing-the-Loop level. Returns the dict
    ``codekit timelines --json`` prints."""
    import polars as pl

    from codekit.model import Catalogue
    from codekit.taxonomy.model import Taxonomy

    cat = None
    if isinstance(catalogue, Catalogue):
        cat = catalogue
    elif catalogue is not None:
        from codekit.io.catalogue import load_catalogue

        cat = load_catalogue(catalogue, format=catalogue_format)
    tax = None
    if isinstance(taxonomy, Taxonomy):
        tax = taxonomy
    elif taxonomy is not None:
        from codekit.taxonomy.load import load_taxonomy

        tax = load_taxonomy(taxonomy)
    with load_requests(requests, format=format, columns=columns) as table:
        if not table.has.get("created", False):
            raise UsageError("the request rows have no creation time", path=Path(requests),
                             hint="name it with --columns created=<column>")
        table.materialise()
        quality = table.quality(with_span=True)
        if quality["rows"] == 0:
            raise InputError("the file holds no requests", path=Path(requests), hint="check the export")
        latest, first = quality.pop("_latest"), quality.pop("_first_created")
        if latest is None or first is None:
            raise InputError("no request has a date that parses", path=Path(requests),
                             hint="check the date columns (docs/formats.md, 'Request histories')")
        when = as_of if isinstance(as_of, datetime) else parse_as_of(as_of)
        when = when or latest
        if when < first:
            raise UsageError(f"--as-of {when.isoformat(sep=' ')} is before every request (the first was created "
                             f"{first.isoformat(sep=' ')})", hint="give the time the rows were exported, or leave --as-of out")
        base = _durations(table, when, business_days)
        join = None
        if cat is not None:
            base, join = _join_catalogue(base, table, cat)
        if not table.has.get("closed"):
            base = base.with_columns(pl.when(pl.col("excluded").is_null() & (pl.col("state") == "closed"))
                                     .then(pl.lit("closed-without-date")).otherwise(pl.col("excluded")).alias("excluded"))
        has = dict(table.has)
        # one streaming pass per aggregate; every result is small (codes x grid durations at most)
        ok = pl.col("excluded").is_null()
        queries = [
            base.group_by("code", "excluded", "duration", "event").agg(pl.len().alias("n")),
            base.group_by("code", "name", "division").agg(pl.len().alias("n")),
            base.select(pl.col("closed_after_as_of").sum().alias("closed_after_as_of"),
                        (ok & (pl.col("state") == "open") & pl.col("closed").is_not_null()).sum()
                        .alias("open_with_close_date")),
            base.filter(ok & pl.col("due").is_not_null()).group_by("code").agg(
                pl.len().alias("with_due"),
                (pl.col("event") & (pl.col("closed") <= pl.col("due"))).sum().alias("closed_on_time"),
                (pl.col("event") & (pl.col("closed") > pl.col("due"))).sum().alias("closed_late"),
                (~pl.col("event") & (pl.lit(when) > pl.col("due"))).sum().alias("open_overdue"),
                (~pl.col("event") & (pl.lit(when) <= pl.col("due"))).sum().alias("open_not_due"),
            ) if has.get("due") else None,
            base.filter(ok).group_by("code", pl.col("ack_duration").alias("duration"),
                                     pl.col("ack_event").alias("event")).agg(pl.len().alias("n"))
            if has.get("acknowledged") else None,
        ]
        # one query at a time: collect_all would share (cache) the common input between the queries, which holds
        # the whole table in memory (1.26 GB at 10M rows instead of 0.77 GB); each pass re-reads the Parquet copy
        got = [q.collect(engine="streaming") for q in queries if q is not None]
        it = iter(got)
        agg, spell, misc = next(it), next(it), next(it)
        due_df = next(it) if has.get("due") else None
        ack_df = next(it) if has.get("acknowledged") else None
        src_format = table.format
        warnings = list(table.warnings)
    unit = "business_days" if business_days else "hours"
    to_days = 1.0 if business_days else 1 / 24.0
    used = agg.filter(pl.col("excluded").is_null()).drop("excluded")
    excluded = {r["excluded"]: int(r["n"]) for r in
                agg.filter(pl.col("excluded").is_not_null()).group_by("excluded").agg(pl.col("n").sum())
                .iter_rows(named=True)}
    n_used = int(used["n"].sum() or 0)
    n_closed = int(used.filter(pl.col("event"))["n"].sum() or 0)
    counts = {
        "rows": int(agg["n"].sum()), "used": n_used, "closed": n_closed, "open": n_used - n_closed,
        "excluded": dict(sorted(excluded.items())),
        "closed_after_as_of": int(misc["closed_after_as_of"][0] or 0),
        # an open status with a close date: reopened (SeeClickFix) -- censored at as_of, not closed
        "open_with_close_date": int(misc["open_with_close_date"][0] or 0),
    }
    if n_used == 0:
        raise InputError("no request can be timed (every row was excluded: " + ", ".join(
            f"{k} {v:,}" for k, v in sorted(excluded.items())) + ")", path=Path(requests),
            hint="check the dates and statuses, or --as-of")
    names = _top_by(spell, "code", "name")
    divisions = _top_by(spell, "code", "division")
    if cat is not None:  # the catalogue's name and division win over the spellings in the rows
        names.update({c.code: c.name for c in cat.codes if c.name})
        divisions.update({c.code: c.division for c in cat.codes if c.division})
    sla = {c.code: c.sla_days for c in cat.codes if c.sla_days is not None} if cat is not None else {}
    ctl = {c.code: c.ctl_level for c in cat.codes} if cat is not None else {}
    frames = {"used": used, "due": due_df, "ack": ack_df}
    per_code = _groups(frames, sla, when, to_days, unit, min_requests)
    code_rows = []
    for r in per_code:
        code = r.pop("code")
        code_rows.append({"code": code, "name": names.get(code, ""), "division": divisions.get(code, ""),
                          "ctl_level": ctl.get(code), **r})
    code_rows.sort(key=lambda r: (-r["n_requests"], r["code"]))
    cat_rows: list[dict[str, Any]] = []
    unknown_codes: list[str] = []
    seen_codes = set(used["code"].drop_nulls().unique().to_list())
    if tax is not None:
        pairs = [(c.id, code) for c in tax for code in c.codes()]
        m = pl.DataFrame({"category": [a for a, _ in pairs], "code": [b for _, b in pairs]},
                         schema={"category": pl.String, "code": pl.String})
        cat_sla: dict[str, float] = {}
        for c in tax:
            vals = [sla[k] for k in c.codes() if k in sla]
            if vals:
                cat_sla[c.id] = max(vals)
        cat_frames = {k: _regroup(f, m) for k, f in frames.items()}
        per_cat = ({r["code"]: r for r in _groups(cat_frames, cat_sla, when, to_days, unit, min_requests)}
                   if cat_frames["used"].height else {})
        for c in tax:
            r = per_cat.get(c.id)
            base_row = {"category": c.id, "label": c.label, "codes": c.codes(), "ctl_level": c.ctl_level,
                        "codes_without_requests": sorted(set(c.codes()) - seen_codes)}
            if r is None:
                cat_rows.append({**base_row, **_empty_group()})
            else:
                r = dict(r)
                r.pop("code")
                cat_rows.append({**base_row, **r})
        cat_rows.sort(key=lambda r: (-r["n_requests"], r["category"]))
        unknown_codes = sorted(seen_codes - tax.codes())
    # per division: the catalogue's division of each code (else the one the requests name most)
    div_of = {code: divisions.get(code, "") for code in seen_codes}
    if cat is not None:
        div_of.update({c.code: c.division for c in cat.codes if c.code in seen_codes and c.division})
    div_of = {k: v or "(no division)" for k, v in div_of.items()}
    dm = pl.DataFrame({"code": list(div_of), "category": list(div_of.values())},
                      schema={"code": pl.String, "category": pl.String})
    div_rows = []
    for r in _groups({k: _regroup(f, dm) for k, f in frames.items()}, {}, when, to_days, unit, 0):
        r = dict(r)
        d = r.pop("code")
        mine = [x for x in code_rows if div_of.get(x["code"]) == d]
        with_sla = [x for x in mine if x["sla_compliance"] is not None]
        n_sla = sum(x["n_requests"] for x in with_sla)
        slas = sorted((x["sla_days"], x["n_requests"]) for x in with_sla)
        r.pop("sla_days"), r.pop("sla_compliance"), r.pop("drift_days"), r.pop("suggested_ctl_level")
        dues = [x["due"] for x in mine if x.get("due")]
        decided = sum(x["closed_on_time"] + x["closed_late"] + x["open_overdue"] for x in dues)
        r["due_on_time_share"] = (_round(sum(x["closed_on_time"] for x in dues) / decided, 4) if decided else None)
        div_rows.append({
            "division": d, "codes": len(mine), **r,
            # the SLA a request of this division was promised: the request-weighted median of its codes' SLAs
            "sla_days": _weighted_median(slas), "n_with_sla": n_sla,
            # the share closed within its own code's SLA (Kaplan-Meier per code, weighted by requests)
            "sla_compliance": _round(sum(x["sla_compliance"] * x["n_requests"] for x in with_sla) / n_sla, 4)
            if n_sla else None,
        })
    div_rows.sort(key=lambda r: (-r["n_requests"], r["division"]))
    everything = pl.DataFrame({"code": sorted(seen_codes)}, schema={"code": pl.String}).with_columns(
        pl.lit("*").alias("category"))
    overall = _groups({k: _regroup(f, everything) for k, f in frames.items()}, {}, when, to_days, unit, 0)[0]
    overall.pop("code")
    if cat is not None:
        missing = sorted(seen_codes - {c.code for c in cat.codes})
        if missing:
            warnings.append(f"{len(missing):,} code(s) of the requests are not in the catalogue "
                            f"(e.g. {', '.join(missing[:5])}): no SLA for them")
    return {
        "source": str(requests), "format": src_format, "as_of": when.isoformat(sep=" "),
        "as_of_default": as_of is None, "unit": unit, "quantiles": [_qname(q) for q in QUANTILES],
        "counts": counts, "quality": quality, "overall": overall,
        "codes": code_rows, "categories": cat_rows, "divisions": div_rows, "codes_not_in_taxonomy": unknown_codes,
        "catalogue": str(catalogue) if catalogue is not None else None,
        "taxonomy": str(taxonomy) if taxonomy is not None else None, "warnings": warnings,
        "has": {k: bool(v) for k, v in sorted(has.items())}, "join": join,
    }


def _fold_name(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def _join_catalogue(base: "pl.LazyFrame", table: RequestTable, cat: Any) -> tuple["pl.LazyFrame", dict[str, Any]]:
    """Join the requests' codes to the catalogue's: a code the catalogue has is kept; otherwise a request whose
    name (case and spaces folded) is the name of exactly one catalogue code takes that code (Toronto's Open311
    ``CSROWR-12`` "Road - Pot hole" is ``T311-R0012`` in the published list). Returns the re-coded rows and the
    counts of requests joined by code, by name and not at all."""
    import polars as pl

    known = {c.code for c in cat.codes}
    by_name: dict[str, list[str]] = {}
    for c in cat.codes:
        by_name.setdefault(_fold_name(c.name), []).append(c.code)
    pairs = (table.lazy.filter(pl.col("code").is_not_null()).group_by("code", "name").agg(pl.len().alias("n"))
             .collect(engine="streaming"))
    rows, counts, unmatched = [], {"by_code": 0, "by_name": 0, "unmatched": 0}, {}
    for code, name, n in pairs.sort("code", "name").iter_rows():
        if code in known:
            counts["by_code"] += n
            continue
        hit = by_name.get(_fold_name(name), [])
        if len(hit) == 1:
            counts["by_name"] += n
            rows.append((code, name, hit[0]))
        else:
            counts["unmatched"] += n
            unmatched[code] = unmatched.get(code, 0) + n
    total = sum(counts.values())
    info = {**counts, "requests": total, "rate": round((counts["by_code"] + counts["by_name"]) / total, 4) if total else None,
            "recoded": [{"code": a, "name": b or "", "catalogue_code": c} for a, b, c in rows][:50],
            "unmatched_codes": [{"code": k, "requests": v} for k, v in
                                sorted(unmatched.items(), key=lambda kv: (-kv[1], kv[0]))][:20]}
    if not rows:
        return base, info
    m = pl.DataFrame(rows, schema={"code": pl.String, "name": pl.String, "__to": pl.String}, orient="row").lazy()
    base = (base.join(m, on=["code", "name"], how="left", nulls_equal=True)
            .with_columns(pl.coalesce([pl.col("__to"), pl.col("code")]).alias("code")).drop("__to"))
    return base, info


def _weighted_median(pairs: list[tuple[float, int]]) -> float | None:
    """The value at the middle request of sorted (value, requests) pairs."""
    total = sum(n for _, n in pairs)
    if not total:
        return None
    acc = 0
    for v, n in pairs:
        acc += n
        if 2 * acc >= total:
            return float(v)
    return float(pairs[-1][0])


def _empty_group() -> dict[str, Any]:
    return {"n_requests": 0, "n_closed": 0, "n_open": 0, "open_share": None, "p50": None, "p80": None, "p90": None,
            "p50_days": None, "p80_days": None, "p90_days": None, "follow_up_days": None, "suggested_ctl_level": None, "sla_days": None,
            "sla_compliance": None, "drift_days": None, "due": None, "acknowledged": None}


def _top_by(df: "pl.DataFrame", key: str, col: str) -> dict[str, str]:
    import polars as pl

    g = (df.filter(pl.col(key).is_not_null()).group_by(key, col).agg(pl.len().alias("n"))
         .sort([key, "n", col], descending=[False, True, False]).unique(key, keep="first", maintain_order=True))
    return {r[key]: r[col] or "" for r in g.iter_rows(named=True)}


def _regroup(frame: "pl.DataFrame | None", mapping: "pl.DataFrame") -> "pl.DataFrame | None":
    """A per-code aggregate re-keyed by ``mapping`` (code -> category): ``code`` then holds the category."""
    import polars as pl

    if frame is None:
        return None
    keys = [c for c in frame.columns if c in ("duration", "event")]
    values = [c for c in frame.columns if c not in keys and c != "code"]
    j = frame.join(mapping, on="code", how="inner").drop("code").rename({"category": "code"})
    return j.group_by(["code"] + keys).agg([pl.col(v).sum() for v in values])


def _groups(frames: dict[str, "pl.DataFrame | None"], sla: dict[str, float], when: datetime, to_days: float,
            unit: str, min_requests: int) -> list[dict[str, Any]]:
    """One row per group ``code`` of the aggregates ``used`` (code, duration, event, n), ``due`` (per code
    counts) and ``ack`` (code, duration, event, n)."""
    import polars as pl

    used = frames["used"].lazy()
    km = km_table(used, ["code"], weight="n")
    ack = None
    if frames.get("ack") is not None:
        ack = {r["code"]: r for r in km_table(frames["ack"].lazy(), ["code"], weight="n").iter_rows(named=True)}
    comp: dict[str, float] = {}
    if sla:
        per_day = 1.0 if unit == "business_days" else 24.0
        s = pl.DataFrame({"code": list(sla), "t_sla": [float(v) * per_day for v in sla.values()]})
        j = used.join(s.lazy(), on="code", how="inner")
        comp = {r["code"]: 1.0 - r["s_at"] for r in survival_at(j, ["code"], "t_sla", weight="n").iter_rows(named=True)}
    due: dict[str, dict[str, Any]] = {}
    if frames.get("due") is not None:
        for r in frames["due"].iter_rows(named=True):
            decided = r["closed_on_time"] + r["closed_late"] + r["open_overdue"]
            due[r["code"]] = {k: int(r[k]) for k in ("with_due", "closed_on_time", "closed_late", "open_overdue",
                                                      "open_not_due")}
            due[r["code"]]["on_time_share"] = _round(r["closed_on_time"] / decided, 4) if decided else None
    out = []
    for r in km.iter_rows(named=True):
        key = r["code"]
        q = {n: _round(r[n]) for n in ("p50", "p80", "p90")}
        qd = {f"{n}_days": _round(r[n] * to_days, 2) if r[n] is not None else None for n in ("p50", "p80", "p90")}
        n = int(r["n"])
        follow = r["max_duration"] * to_days if r["max_duration"] is not None else None
        row = {
            "code": key, "n_requests": n, "n_closed": int(r["n_event"]), "n_open": int(r["n_censored"]),
            "open_share": _round(r["n_censored"] / n, 4) if n else None, **q, **qd,
            "follow_up_days": _round(follow, 2),
            "suggested_ctl_level": (suggest_ctl_level(n, qd["p50_days"], qd["p90_days"], follow, min_requests)
                                    if min_requests else None),
            "sla_days": sla.get(key), "sla_compliance": _round(comp.get(key), 4) if key in comp else None,
            "drift_days": (_round(qd["p80_days"] - sla[key], 2) if key in sla and qd["p80_days"] is not None else None),
            "due": due.get(key), "acknowledged": None,
        }
        if ack is not None and key in ack:
            a = ack[key]
            row["acknowledged"] = {"n_acknowledged": int(a["n_event"]),
                                   **{f"{m}_days": (_round(a[m] * to_days, 2) if a[m] is not None else None)
                                      for m in ("p50", "p80", "p90")}}
        out.append(row)
    return out


CSV_COLUMNS = ("level", "id", "name", "division", "n_requests", "n_closed", "n_open", "open_share", "p50_days",
               "p80_days", "p90_days", "sla_days", "sla_compliance", "drift_days", "due_on_time_share", "ctl_level",
               "suggested_ctl_level")


def timelines_csv(result: dict[str, Any]) -> str:
    """The timelines as CSV text (codes, then categories); formula-like cells neutralised."""
    from codekit.taxonomy.routing import neutralise

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    rows = [("code", r["code"], r["name"], r["division"], r) for r in result["codes"]]
    rows += [("category", r["category"], r["label"], "", r) for r in result["categories"]]
    for level, ident, name, division, r in rows:
        due = (r.get("due") or {}).get("on_time_share")
        vals = [level, ident, name, division, r["n_requests"], r["n_closed"], r["n_open"], r["open_share"],
                r["p50_days"], r["p80_days"], r["p90_days"], r["sla_days"], r["sla_compliance"], r["drift_days"], due,
                r["ctl_level"], r["suggested_ctl_level"]]
        w.writerow(["" if v is None else (neutralise(v) if isinstance(v, str) else v) for v in vals])
    return buf.getvalue()


def write_timelines_csv(result: dict[str, Any], out: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    from codekit.io.files import check_output, write_text_atomic

    p = Path(out)
    check_output(p, inputs=list(inputs))
    write_text_atomic(p, timelines_csv(result), inputs=list(inputs))
    return p


__all__ = ["km_table", "survival_at", "build_timelines", "suggest_ctl_level", "timelines_csv", "write_timelines_csv",
           "parse_as_of", "QUANTILES"]
