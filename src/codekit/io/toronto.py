"""Toronto's open data: "311 Service Requests - Customer Initiated" yearly CSVs, and the aggregated
request-type table (``taxonomy.csv`` of Nshipyard/toronto-311-taxonomy).

Yearly files are read with polars (lazy scan, streaming group-by): a year is a few hundred thousand rows.
cp1252 files are transcoded to UTF-8 chunk by chunk first (``csvfile.utf8_file``).

**Code ids for yearly files** (stable, readable, independent of row order and counts)::

    code = slug(Division) + ":" + slug(Section) + ":" + slug(Service Request Type)

where ``slug`` folds case, drops accents and turns every run of other characters into ``-``
(``Transportation Services``/``Road Operations``/``Road Pothole / Road Damage`` ->
``transportation-services:road-operations:road-pothole-road-damage``). Rows are grouped by the three
names with whitespace collapsed and case folded, the rule behind the City's own counts; the name shown is
the spelling most rows use (ties: alphabetically first). When two different names give the same id
(``Road - Pot hole`` and ``Road Pot-hole``), each gets ``~`` and six hex digits of a hash of its
normalised name. See docs/formats.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from codekit.errors import InputError, SchemaError
from codekit.io import csvfile, problems, strings, text as _text
from codekit.model import CANCELLED_STATUSES, Catalogue, ServiceCode

#: The columns of the yearly "311 Service Requests - Customer Initiated" CSVs.
REQUEST_COLUMNS = (
    "Creation Date", "Status", "First 3 Chars of Postal Code", "Intersection Street 1",
    "Intersection Street 2", "Ward", "Service Request Type", "Division", "Section",
)
REQUIRED_REQUEST_COLUMNS = ("Service Request Type", "Division", "Section", "Status")

#: The columns of the aggregated taxonomy.csv.
TAXONOMY_COLUMNS = ("code", "division_code", "division", "section_code", "section", "request_type", "count", "share")

#: Toronto's yearly files carry no intake channel: cancellations are attributed to this one.
DEFAULT_CHANNEL = "phone"

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%Y-%m-%d", "%m/%d/%Y",
)

NO_TYPE = "(no request type)"


def is_requests_header(columns: list[str]) -> bool:
    return all(c in columns for c in ("Service Request Type", "Division", "Section"))


def is_taxonomy_header(columns: list[str]) -> bool:
    return all(c in columns for c in ("code", "division", "section", "request_type", "count"))


def code_for(division: str, section: str, request_type: str) -> str:
    """The code id of a (Division, Section, Service Request Type) triple (before collision suffixes)."""
    return ":".join(strings.slug(p) for p in (division, section, request_type))


# ------------------------------------------------------------------------------------------ yearly CSVs


def _scan(src: Path):
    import polars as pl

    return pl.scan_csv(
        src,
        infer_schema=False,
        row_index_name="__row",
        row_index_offset=1,
        truncate_ragged_lines=False,
        with_column_names=lambda cols: [c.strip().lstrip("\ufeff") for c in cols],
    )


def _normalised(lf, with_date: bool = False):
    import polars as pl

    def clean(c: str):
        return pl.col(c).fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()

    cols = [
        clean("Division").alias("division"),
        clean("Section").alias("section"),
        clean("Service Request Type").alias("request_type"),
        clean("Status").alias("status"),
        pl.col("__row"),
    ]
    if with_date:
        cols.append(clean("Creation Date").alias("created"))
    lf = lf.select(cols)
    blank = (pl.col("division") == "") & (pl.col("section") == "") & (pl.col("request_type") == "") & (
        pl.col("status") == ""
    )
    return lf.filter(~blank).with_columns(
        pl.col("division").str.to_lowercase().alias("k_div"),
        pl.col("section").str.to_lowercase().alias("k_sec"),
        pl.col("request_type").str.to_lowercase().alias("k_type"),
    )


def _check_header(path: Path, required: tuple[str, ...]) -> list[str]:
    header = csvfile.csv_header(path)
    missing = [c for c in required if c not in header]
    if missing:
        raise problems.missing_columns(path, missing, header, "a Toronto 311 request file")
    return header


def _collect(lf, path: Path):
    import polars as pl

    try:
        return lf.collect(engine="streaming")
    except pl.exceptions.PolarsError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InputError(
            f"cannot read the CSV: {first}",
            path=path,
            hint="check the quotes and the number of fields per row, or re-export the file",
        ) from None


def _aggregate(path: Path) -> tuple[dict[tuple[str, str, str], dict[str, Any]], list[str]]:
    """Per normalised (division, section, type): spellings, volume and status counts."""
    import polars as pl

    n_columns = len(csvfile.csv_header(path))
    with csvfile.utf8_file(path) as (src, _enc):
        csvfile.check_rows(src, n_columns, path)
        lf = _normalised(_scan(src))
        grouped = _collect(
            lf.group_by("k_div", "k_sec", "k_type", "division", "section", "request_type", "status").agg(
                pl.len().alias("n")
            ),
            path,
        )
    groups: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(
        lambda: {"div": Counter(), "sec": Counter(), "type": Counter(), "status": Counter(), "n": 0}
    )
    for row in grouped.iter_rows(named=True):
        g = groups[(row["k_div"], row["k_sec"], row["k_type"])]
        n = int(row["n"])
        g["div"][row["division"]] += n
        g["sec"][row["section"]] += n
        g["type"][row["request_type"]] += n
        g["status"][row["status"] or "Unknown"] += n
        g["n"] += n
    warnings = []
    blank = sum(g["n"] for k, g in groups.items() if not k[2])
    if blank:
        warnings.append(f"{path}: {blank} row(s) with an empty Service Request Type counted under {NO_TYPE!r}")
    return groups, warnings


def _assign_codes(keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], str]:
    base = {k: code_for(*k) for k in keys}
    by_code: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for k, c in base.items():
        by_code[c].append(k)
    out = {}
    for c, ks in by_code.items():
        for k in ks:
            out[k] = c if len(ks) == 1 else f"{c}~{strings.short_hash(' | '.join(k))}"
    return out


def load_requests(path: str | Path, fmt: str = "toronto-requests") -> Catalogue:
    """Codes from a yearly Toronto request file: one per (Division, Section, Service Request Type)."""
    p = _text.check_file(path)
    _check_header(p, REQUIRED_REQUEST_COLUMNS)
    groups, warnings = _aggregate(p)
    if not groups:
        raise InputError("the file has a header but no request rows", path=p, hint="check the export")
    codes_of = _assign_codes(list(groups))
    codes = []
    for key in sorted(groups, key=lambda k: codes_of[k]):
        g = groups[key]
        name = _top(g["type"]) or NO_TYPE
        cancelled = sum(v for s, v in g["status"].items() if s.lower() in CANCELLED_STATUSES)
        codes.append(
            ServiceCode(
                code=codes_of[key],
                name=name,
                division=_top(g["div"]),
                section=_top(g["sec"]),
                volume=g["n"],
                status_counts=tuple(sorted(g["status"].items())),
                extra=(("cancelled", str(cancelled)),),
            )
        )
    return Catalogue(codes, source=str(p), format=fmt, warnings=warnings)


def toronto_cancellations(path: str | Path):
    """Cancelled requests of a yearly Toronto file as error events in the canonical error-log schema.

    One event per row whose Status is Cancelled: ``event_id`` = the data row number (1 = first row after
    the header), ``timestamp`` = Creation Date, ``channel`` = ``"phone"`` (the file has no channel column),
    ``kind`` = ``"cancelled"``, ``submitted_code`` = the row's code (same rule as ``load_requests``),
    ``correct_code`` = null. Returns a polars DataFrame with the columns of ``model.ERROR_LOG_COLUMNS``.
    """
    import polars as pl

    p = _text.check_file(path)
    _check_header(p, REQUIRED_REQUEST_COLUMNS + ("Creation Date",))
    groups, _ = _aggregate(p)
    codes_of = _assign_codes(list(groups))
    mapping = pl.DataFrame(
        {
            "k_div": [k[0] for k in codes_of],
            "k_sec": [k[1] for k in codes_of],
            "k_type": [k[2] for k in codes_of],
            "submitted_code": list(codes_of.values()),
        },
        schema={"k_div": pl.String, "k_sec": pl.String, "k_type": pl.String, "submitted_code": pl.String},
    )
    with csvfile.utf8_file(p) as (src, _enc):
        lf = _normalised(_scan(src), with_date=True)
        lf = lf.filter(pl.col("status").str.to_lowercase().is_in(list(CANCELLED_STATUSES)))
        ts = pl.coalesce(
            [pl.col("created").str.to_datetime(f, strict=False, time_unit="us") for f in _DATE_FORMATS]
        )
        df = _collect(
            lf.join(mapping.lazy(), on=["k_div", "k_sec", "k_type"], how="left")
            .with_columns(ts.alias("timestamp"))
            .sort("__row"),
            p,
        )
    bad = df.filter(pl.col("timestamp").is_null())
    if bad.height:
        r = bad.row(0, named=True)
        raise SchemaError(
            f"data row {r['__row']} has a Creation Date that is not a date",
            path=p,
            line=None,
            expected="a date like 2024-01-31 08:15:00",
            found=repr(r["created"]),
            hint="fix the date or remove the row",
        )
    return df.select(
        pl.col("__row").cast(pl.Int64).alias("event_id"),
        pl.col("timestamp"),
        pl.lit(DEFAULT_CHANNEL, dtype=pl.String).alias("channel"),
        pl.lit("cancelled", dtype=pl.String).alias("kind"),
        pl.col("submitted_code"),
        pl.lit(None, dtype=pl.String).alias("correct_code"),
    )


# ------------------------------------------------------------------------------------- taxonomy.csv


def load_taxonomy(path: str | Path, fmt: str = "toronto-taxonomy") -> Catalogue:
    """The aggregated request-type table: one code per row, ``count`` -> volume."""
    p = _text.check_file(path)
    text = _text.read_str(p)
    header, records = csvfile.read_csv_records(text, p, required=("code", "division", "section", "request_type", "count"))
    codes = []
    seen: dict[str, int] = {}
    for line, r in records:
        code = r["code"].strip()
        if not code:
            raise SchemaError("the code is empty", path=p, line=line, hint="every row needs a code")
        if code in seen:
            raise problems.duplicate_code(p, code, seen[code], line)
        seen[code] = line
        name = strings.tidy(r["request_type"])
        if not name:
            raise problems.empty_name(p, code, line)
        try:
            volume = int(r["count"].strip() or 0)
        except ValueError:
            raise SchemaError(
                "count is not a whole number", path=p, line=line, found=repr(r["count"]), hint="fix the count"
            ) from None
        extra = tuple(
            sorted((k, r[k].strip()) for k in header if k not in ("code", "division", "section", "request_type", "count") and r.get(k, "").strip())
        )
        codes.append(
            ServiceCode(
                code=code,
                name=name,
                division=strings.tidy(r["division"]),
                section=strings.tidy(r["section"]),
                volume=volume,
                extra=extra,
            )
        )
    return Catalogue(codes, source=str(p), format=fmt)


def _top(c: Counter) -> str:
    return strings.most_common(c)
