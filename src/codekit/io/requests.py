"""Request histories: request rows of any city as one canonical request table (polars, lazy).

``load_requests(path, format=None, columns=None)`` returns a :class:`RequestTable` whose ``lazy`` is a polars
``LazyFrame`` in :data:`REQUEST_COLUMNS` (documented in docs/formats.md, "Request histories"). Sources:

- ``toronto``: Toronto's yearly "311 Service Requests - Customer Initiated" CSV (``Creation Date``, ``Status``,
  ``Division``, ``Section``, ``Service Request Type``); codes as :mod:`codekit.io.toronto` assigns them;
- ``nyc``: NYC Open Data "311 Service Requests" rows (``Unique Key``, ``Created Date``, ``Closed Date``,
  ``Due Date``, ``Status``, ``Resolution Description``, ``Open Data Channel Type``, ``Agency``); codes as
  :mod:`codekit.io.rows` assigns them with the ``nyc`` preset;
- ``open311``: GeoReport v2 ``GET requests`` JSON or XML (``service_request_id``, ``service_code``,
  ``requested_datetime``, ``updated_datetime``, ``expected_datetime``, ``status``, ``status_notes``,
  ``agency_responsible``); code = ``service_code`` as :mod:`codekit.io.open311` reads it;
- ``seeclickfix``: SeeClickFix API v2 ``issues`` pages (one JSON file, or a folder of them): ``created_at``,
  ``acknowledged_at``, ``closed_at``, ``status``; the code is ``slug(summary)`` (the request-type title the app
  pre-fills; there is no other category field);
- ``rows``: any CSV, with ``columns="role=Column,..."`` (roles in :data:`ROLES`).

CSV files are scanned lazily (cp1252 files are transcoded to a temporary UTF-8 file that lives as long as the
table: use the table as a context manager, or call ``close()``); JSON/XML documents are parsed whole (they
are API pages, not bulk exports). Timestamps with a UTC offset (``-04:00``, ``Z``) are converted to UTC;
timestamps without one are read as written. Nothing is dropped: rows whose dates do not parse keep a null and
are counted by :func:`RequestTable.quality`.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from codekit.errors import InputError, SchemaError, UsageError
from codekit.io import csvfile, problems, strings
from codekit.io import text as _text

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

#: The canonical request table: column -> (polars dtype, meaning).
REQUEST_COLUMNS: dict[str, tuple[str, str]] = {
    "row": ("Int64", "record number in the source (1 = first request; across pages in file-name order)"),
    "source_id": ("String", "the request's id in the source (Unique Key, service_request_id, issue id), or the row"),
    "code": ("String", "service code, the same id the catalogue loader of that source gives"),
    "name": ("String", "the request type's name as this row spells it"),
    "division": ("String", "division or agency, empty when the source has none"),
    "created": ("Datetime", "when the request was made (null when missing or unparseable)"),
    "closed": ("Datetime", "when it was closed; null while open or when the source has no close date"),
    "status": ("String", "the status as the source spells it (tidied)"),
    "state": ("String", "open, closed, cancelled or unknown (from status; a close date alone means closed)"),
    "resolution": ("String", "resolution text or status notes (agency boilerplate), empty when none"),
    "channel": ("String", "intake channel: phone, email, web, app, x, counter, or unknown"),
    "due": ("Datetime", "due or expected date when the source has one"),
    "acknowledged": ("Datetime", "first milestone (SeeClickFix acknowledged_at) when the source has one"),
    "correct_code": ("String", "the code it was re-coded to, when the source records one (--columns correct=)"),
}

REQUEST_FORMATS = ("toronto", "nyc", "open311", "seeclickfix", "rows")

#: Roles of ``--columns`` for request rows.
ROLES = ("code", "name", "division", "section", "status", "created", "closed", "due", "resolution", "channel",
         "id", "acknowledged", "correct")

STATES = ("open", "closed", "cancelled", "unknown")
OPEN_STATUSES = ("open", "new", "in progress", "in-progress", "inprogress", "acknowledged", "assigned", "pending",
                 "started", "received", "reopened", "opened", "initiated", "unassigned", "scheduled",
                 "email sent", "under review", "in review", "on hold", "active", "submitted")
CLOSED_STATUSES = ("closed", "completed", "complete", "resolved", "done", "archived", "fixed", "finished")
CANCELLED = ("cancelled", "canceled")

#: Channel spellings -> canonical channel (``model.CHANNELS``); anything else is ``unknown``.
CHANNEL_MAP = {
    "phone": "phone", "call": "phone", "telephone": "phone", "voice": "phone", "311 call": "phone",
    "email": "email", "e-mail": "email", "mail": "email",
    "online": "web", "web": "web", "website": "web", "internet": "web", "portal": "web",
    "mobile": "app", "app": "app", "mobile app": "app", "seeclickfix": "app", "iphone": "app", "android": "app",
    "x": "x", "twitter": "x", "social media": "x",
    "counter": "counter", "walk-in": "counter", "walk in": "counter", "in person": "counter", "in-person": "counter",
}

#: Fixed channel per source when it has no channel column (an assumption, documented).
SOURCE_CHANNEL = {"toronto": "phone", "seeclickfix": "app", "open311": "unknown", "rows": "unknown", "nyc": "unknown"}

_OFFSET = r"(Z|[+-]\d\d:?\d\d)$"
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%Y-%m-%d", "%m/%d/%Y",
)


@dataclass(frozen=True)
class RequestColumns:
    """Which column plays which role in request rows. ``name`` may join several columns (``A+B``)."""

    name: tuple[str, ...] = ()
    code: str | None = None
    division: str | None = None
    section: str | None = None
    status: str | None = None
    created: str | None = None
    closed: str | None = None
    due: str | None = None
    resolution: str | None = None
    channel: str | None = None
    id: str | None = None
    acknowledged: str | None = None
    correct: str | None = None
    optional: tuple[str, ...] = ()

    @classmethod
    def parse(cls, spec: "str | RequestColumns | None") -> "RequestColumns | None":
        if spec is None or isinstance(spec, RequestColumns):
            return spec
        text = spec.strip()
        if "=" not in text:
            try:
                return PRESETS[text.lower()]
            except KeyError:
                raise UsageError(f"unknown column preset {text!r}", expected=", ".join(sorted(PRESETS)),
                                 found=repr(text), hint="use a preset or role=Column,...") from None
        kw: dict[str, Any] = {}
        for part in text.split(","):
            if not part.strip():
                continue
            role, _, col = part.partition("=")
            role = role.strip().lower()
            if role not in ROLES:
                raise UsageError(f"unknown column role {role!r}", expected=", ".join(ROLES), found=repr(role),
                                 hint="write role=Column pairs separated by commas")
            cols = tuple(c.strip() for c in col.split("+") if c.strip())
            if not cols:
                raise UsageError(f"the role {role!r} names no column", hint=f"write {role}=<column>")
            kw[role] = cols if role == "name" else cols[0]
        if "name" not in kw and "code" not in kw:
            raise UsageError("the columns must name a code or a name column", hint="add code=<column> or name=<column>")
        return cls(**kw)

    def roles(self) -> dict[str, str]:
        """role -> column for every single-column role named."""
        return {r: getattr(self, r) for r in ROLES if r != "name" and getattr(self, r)}

    def required(self) -> list[str]:
        out = list(self.name)
        out += [c for r, c in self.roles().items() if r not in self.optional]
        return out


PRESETS: dict[str, RequestColumns] = {
    "nyc": RequestColumns(
        name=("Complaint Type", "Descriptor"), division="Agency", status="Status", created="Created Date",
        closed="Closed Date", due="Due Date", resolution="Resolution Description", channel="Open Data Channel Type",
        id="Unique Key", optional=("closed", "due", "resolution", "channel", "id"),
    ),
    "toronto": RequestColumns(
        name=("Service Request Type",), division="Division", section="Section", status="Status",
        created="Creation Date",
    ),
    "sf": RequestColumns(
        code="service_code", name=("service_name",), division="agency_responsible", status="status",
        created="requested_datetime", closed="updated_datetime", due="expected_datetime", resolution="status_notes",
        id="service_request_id",
        optional=("division", "status", "closed", "due", "resolution", "id"),
    ),
}


@dataclass
class RequestTable:
    """A request history: ``lazy`` is a LazyFrame in :data:`REQUEST_COLUMNS`."""

    lazy: "pl.LazyFrame"
    source: str = ""
    format: str = ""
    columns_found: tuple[str, ...] = ()
    has: dict[str, bool] = field(default_factory=dict)  # which roles the source carries (closed, due, ...)
    warnings: list[str] = field(default_factory=list)
    _raw: Any = field(default=None, repr=False)  # LazyFrame: the columns plus flags (_created_text, ...) for quality()
    _stack: Any = field(default=None, repr=False)
    _materialised: bool = field(default=False, repr=False)

    def close(self) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None

    def __enter__(self) -> "RequestTable":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - best effort cleanup of a temporary transcoded file
        with contextlib.suppress(Exception):
            self.close()

    def materialise(self) -> "RequestTable":
        """Parse once: stream the table (and its quality flags) into a temporary Parquet file that lives as long
        as the table, and read every later query from it. Memory stays bounded (``sink_parquet``); each later
        pass reads only the columns it needs instead of re-parsing the CSV. No-op for in-memory sources."""
        import os
        import tempfile

        import polars as pl

        if self._raw is None or self._materialised:
            return self
        if self._stack is None:
            self._stack = contextlib.ExitStack()
        fd, tmp = tempfile.mkstemp(prefix="codekit-requests-", suffix=".parquet")
        os.close(fd)
        self._stack.callback(lambda: os.path.exists(tmp) and os.unlink(tmp))
        try:
            self._raw.sink_parquet(tmp, compression="lz4", row_group_size=131_072)
        except pl.exceptions.PolarsError as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise InputError(f"cannot read the requests: {first}", path=self.source,
                             hint="check the quotes and the number of fields per row, or re-export the file") from None
        scan = pl.scan_parquet(tmp)
        self._raw = scan
        self.lazy = scan.select(list(REQUEST_COLUMNS))
        self._materialised = True
        return self

    def collect(self) -> "pl.DataFrame":
        """The whole table in memory, in source order (small files and tests; the aggregations never need it)."""
        return self.lazy.sort("row").collect(engine="streaming")

    def quality(self, with_span: bool = False) -> dict[str, Any]:
        """Counts per bad-input rule (never silently dropped): see docs/formats.md. ``with_span`` adds
        ``_latest`` (the latest created/closed/acknowledged time) and ``_first_created`` (datetimes)."""
        import polars as pl

        raw = self._raw if self._raw is not None else self.lazy.with_columns(
            pl.lit(False).alias("_created_text"), pl.lit(False).alias("_closed_text"),
            pl.lit(False).alias("created_offset"))
        nonempty = pl.col  # the flags say whether the text was non-empty
        q = raw.select(
            pl.len().alias("rows"),
            (pl.col("created").is_null() & ~nonempty("_created_text")).sum().alias("created_missing"),
            (pl.col("created").is_null() & nonempty("_created_text")).sum().alias("created_unparsed"),
            (pl.col("closed").is_null() & nonempty("_closed_text")).sum().alias("closed_unparsed"),
            (pl.col("closed") < pl.col("created")).sum().alias("closed_before_created"),
            (pl.col("state") == "unknown").sum().alias("status_unknown"),
            ((pl.col("state") == "closed") & pl.col("closed").is_null()).sum().alias("closed_without_date"),
            (pl.col("code").is_null() | (pl.col("code") == "")).sum().alias("no_code"),
            pl.col("created_offset").any().alias("_any_off"),
            (pl.col("created_offset").not_() & pl.col("created").is_not_null()).sum().alias("_naive"),
            pl.col("closed").max().alias("_max_closed"), pl.col("created").max().alias("_max_created"),
            pl.col("acknowledged").max().alias("_max_ack"), pl.col("created").min().alias("_min_created"),
        ).collect(engine="streaming").row(0, named=True)
        out = {k: int(v or 0) for k, v in q.items() if not k.startswith("_")}
        stamps = [v for v in (q["_max_created"], q["_max_closed"], q["_max_ack"]) if v is not None]
        if with_span:
            out["_latest"] = max(stamps) if stamps else None
            out["_first_created"] = q["_min_created"]
        out["mixed_time_zones"] = int(q["_naive"] or 0) if q["_any_off"] else 0
        unknown = (
            self.lazy.filter(pl.col("state") == "unknown").group_by("status").agg(pl.len().alias("n"))
            .sort(["n", "status"], descending=[True, False]).head(5).collect(engine="streaming")
        )
        out["unknown_statuses"] = {r["status"] or "(empty)": int(r["n"]) for r in unknown.iter_rows(named=True)}
        return out


# ---------------------------------------------------------------------------------------------- helpers


def parse_datetime(expr: "pl.Expr", formats: tuple[str, ...] = _DATE_FORMATS, offsets: bool = True) -> "pl.Expr":
    """Text -> Datetime(us): ISO 8601 (``T`` or space, optional fraction), NYC ``05/01/2022 12:00:03 AM``, dates;
    a trailing ``Z`` or ``+hh:mm`` offset converts the time to UTC. Unparseable text -> null.

    ``formats`` (strftime patterns over the text without its offset and with ``T`` read as a space) are tried in
    order; :func:`detect_formats` picks the few a column uses, so a large file is not parsed nine times."""
    import polars as pl

    t = expr.cast(pl.String).str.strip_chars()
    body = t.str.replace(_OFFSET, "") if offsets else t
    body = body.str.replace("T", " ", literal=True).str.strip_chars()
    parsed = [body.str.to_datetime(f, strict=False, time_unit="us") for f in formats]
    naive = parsed[0] if len(parsed) == 1 else pl.coalesce(parsed)
    if not offsets:
        return naive
    off = t.str.extract(_OFFSET)
    sign = pl.when(off.str.starts_with("-")).then(pl.lit(-1)).when(off.str.starts_with("+")).then(pl.lit(1)) \
        .otherwise(pl.lit(0)).cast(pl.Int64)
    digits = off.str.replace(":", "", literal=True)
    minutes = sign * (digits.str.slice(1, 2).cast(pl.Int64, strict=False) * 60
                      + digits.str.slice(3, 2).cast(pl.Int64, strict=False))
    return naive - pl.duration(minutes=minutes.fill_null(0))


#: How many non-empty values of a date column :func:`detect_formats` reads.
SAMPLE_VALUES = 2000


def detect_formats(values: "pl.Series") -> tuple[tuple[str, ...], bool]:
    """The date formats a sample of a column uses (most common first) and whether any value has an offset.

    Every format that parses at least one sampled value is kept; with no usable sample, all formats are
    tried. Values in a format the sample did not show are counted as unparseable (``created_unparsed``...),
    never dropped."""
    import polars as pl

    v = values.drop_nulls().str.strip_chars()
    v = v.filter(v != "")
    if v.len() == 0:
        return _DATE_FORMATS, True
    has_off = bool(v.str.contains(_OFFSET).any())
    body = v.str.replace(_OFFSET, "").str.replace("T", " ", literal=True).str.strip_chars()
    hits = []
    left = pl.Series([True] * body.len())
    for f in _DATE_FORMATS:
        ok = body.str.to_datetime(f, strict=False, time_unit="us").is_not_null()
        n = int((ok & left).sum())
        if n:
            hits.append((n, f))
            left = left & ~ok
    if not hits:
        return _DATE_FORMATS, has_off
    return tuple(f for _, f in sorted(hits, key=lambda h: -h[0])), has_off


def _has_offset(expr: "pl.Expr") -> "pl.Expr":
    import polars as pl

    return expr.cast(pl.String).str.strip_chars().str.contains(_OFFSET).fill_null(False)


def state_of(status: str) -> str:
    """open / closed / cancelled / unknown from a status text (any case; the first words before ``-``, ``:``
    or ``(`` also count: ``Completed - The request has been concluded.`` is closed)."""
    t = (status or "").strip().lower()
    first = re.split(r"\s*[-:(]", t, maxsplit=1)[0].strip()
    for words, state in ((CANCELLED, "cancelled"), (CLOSED_STATUSES, "closed"), (OPEN_STATUSES, "open")):
        if t in words or first in words:
            return state
    return "unknown"


def state_expr(status: "pl.Expr", closed: "pl.Expr | None", values: "Iterable[str] | None" = None) -> "pl.Expr":
    """The state column: :func:`state_of` of each distinct status (``values``: the distinct statuses, mapped
    once in Python); an empty or unknown status with a close date means closed."""
    import polars as pl

    by_state: dict[str, list[str]] = {}
    for v in values or ():
        if v is not None:
            by_state.setdefault(state_of(v), []).append(v)
    # is_in chains, not replace_strict: replace_strict is not streamed (memory would grow with the rows)
    mapped = pl.lit("unknown", dtype=pl.String)
    for state in ("open", "closed", "cancelled"):
        if by_state.get(state):
            mapped = pl.when(status.is_in(sorted(by_state[state]))).then(pl.lit(state)).otherwise(mapped)
    if closed is None:
        return mapped
    return pl.when((mapped == "unknown") & closed.is_not_null()).then(pl.lit("closed")).otherwise(mapped)


def channel_expr(expr: "pl.Expr | None", default: str) -> "pl.Expr":
    import polars as pl

    if expr is None:
        return pl.lit(default, dtype=pl.String)
    s = expr.fill_null("").str.strip_chars().str.to_lowercase()
    out = pl.lit("unknown", dtype=pl.String)
    for channel in sorted(set(CHANNEL_MAP.values())):
        out = pl.when(s.is_in(sorted(k for k, v in CHANNEL_MAP.items() if v == channel))).then(pl.lit(channel)).otherwise(out)
    return out


def _clean(expr: "pl.Expr") -> "pl.Expr":
    """Names (code keys): whitespace runs collapsed, as the catalogue loaders do."""
    return expr.fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()


def _strip(expr: "pl.Expr") -> "pl.Expr":
    return expr.fill_null("").str.strip_chars()


def _canonical(lf: "pl.LazyFrame", source_channel: str, has: dict[str, bool],
               statuses: list[str] | None = None, status_col: str = "status") -> tuple["pl.LazyFrame", "pl.LazyFrame"]:
    """From a frame of text columns (``created_text``, ``closed_text``, ``due_text``, ``ack_text``, ``status``,
    ``channel_text``, ...) to (the canonical select, the raw frame with text beside the parsed columns)."""
    import polars as pl

    present = [c for c in ("created_text", "closed_text", "due_text", "ack_text") if has.get(c)]
    head = lf.head(SAMPLE_VALUES * 10).select(present).collect() if present else None
    fmts: dict[str, tuple[tuple[str, ...], bool]] = {}
    for c in present:
        values = head[c]
        if not (values.drop_nulls().str.strip_chars() != "").any():  # nothing in the first rows: look further
            values = (lf.select(pl.col(c)).filter(pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != ""))
                      .head(SAMPLE_VALUES).collect(engine="streaming")[c])
        fmts[c] = detect_formats(values) if values.len() else ((_DATE_FORMATS[0],), False)
    if statuses is None:
        statuses = lf.select(pl.col(status_col).unique()).collect(engine="streaming")[status_col].to_list()

    def dt(col: str) -> "pl.Expr":
        if not has.get(col):
            return pl.lit(None, dtype=pl.Datetime("us"))
        f, off = fmts[col]
        return parse_datetime(pl.col(col), f, off)

    parsed = lf.with_columns(
        dt("created_text").alias("created"),
        dt("closed_text").alias("closed"),
        dt("due_text").alias("due"),
        dt("ack_text").alias("acknowledged"),
        (_has_offset(pl.col("created_text")) if has.get("created_text") and fmts["created_text"][1]
         else pl.lit(False)).alias("created_offset"),
    ).with_columns(
        state_expr(pl.col(status_col), pl.col("closed"), statuses).alias("state"),
        channel_expr(pl.col("channel_text") if has.get("channel_text") else None, source_channel).alias("channel"),
    )
    order = list(REQUEST_COLUMNS)
    text = lambda c: (pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != "")) if has.get(c) else pl.lit(False)
    raw = parsed.select(order + [text("created_text").alias("_created_text"), text("closed_text").alias("_closed_text"),
                                 "created_offset"])
    return parsed.select(order), raw


def _collect(lf: "pl.LazyFrame", path: Path) -> "pl.DataFrame":
    import polars as pl

    try:
        return lf.collect(engine="streaming")
    except pl.exceptions.PolarsError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InputError(f"cannot read the CSV: {first}", path=path,
                         hint="check the quotes and the number of fields per row, or re-export the file") from None


# --------------------------------------------------------------------------------------------- CSV rows


def _csv_table(p: Path, cols: RequestColumns, fmt: str, header: list[str]) -> RequestTable:
    import polars as pl

    missing = [c for c in cols.required() if c not in header]
    if missing:
        raise problems.missing_columns(p, missing, header, f"request rows ({fmt})")
    present = {r: c for r, c in cols.roles().items() if c in header}
    stack = contextlib.ExitStack()
    try:
        src, _enc = stack.enter_context(csvfile.utf8_file(p))
        csvfile.check_rows(src, len(header), p)
        scan = pl.scan_csv(src, infer_schema=False, row_index_name="__row", row_index_offset=1,
                           separator=csvfile.delimiter_of(p),
                           with_column_names=lambda cs: [c.strip().lstrip("\ufeff") for c in cs])
        names = [f"__n{i}" for i in range(len(cols.name))]
        # the key columns stay raw: they are tidied once per distinct spelling (in _code_mapping), not per row
        sel = [pl.col(c).fill_null("").alias(n) for c, n in zip(cols.name, names)]
        sel.append(pl.col("__row").cast(pl.Int64).alias("row"))
        text_of = {"division": "__div", "section": "__sec", "status": "__status", "code": "__code",
                   "resolution": "resolution", "created": "created_text", "closed": "closed_text", "due": "due_text",
                   "acknowledged": "ack_text", "channel": "channel_text", "id": "source_id", "correct": "correct_code"}
        for role, out in text_of.items():
            c = present.get(role)
            raw_key = role in ("division", "section", "status", "code")
            expr = (pl.col(c).fill_null("") if raw_key else _strip(pl.col(c))) if c else pl.lit("", dtype=pl.String)
            sel.append(expr.alias(out))
        lf = scan.select(sel)
        keys = names + ["__code", "__div", "__sec"]
        # code ids: the same rule as the catalogue loader of this source (a small group-by, then a join)
        by_status = _collect(lf.group_by(keys + ["__status"]).agg(pl.len().alias("n")), p)
        statuses = by_status["__status"].unique().to_list()
        spellings = by_status.group_by(keys).agg(pl.col("n").sum()).sort(keys)
        mapping = _code_mapping(spellings, names, fmt, bool(cols.code))
        lf = (lf.join(mapping.lazy(), on=keys, how="left")
              .filter(~(pl.col("__blank") & (pl.col("__status").str.strip_chars() == ""))))
        lf = lf.with_columns(
            pl.col("__status").str.strip_chars().alias("status"),
            pl.when(pl.col("source_id") == "").then(pl.col("row").cast(pl.String)).otherwise(pl.col("source_id"))
            .alias("source_id"),
            pl.when(pl.col("correct_code") == "").then(None).otherwise(pl.col("correct_code")).alias("correct_code"),
        )
        has = {"created_text": "created" in present, "closed_text": "closed" in present, "due_text": "due" in present,
               "ack_text": "acknowledged" in present, "channel_text": "channel" in present}
        canon, raw = _canonical(lf, SOURCE_CHANNEL.get(fmt, "unknown"), has, statuses, status_col="__status")
    except BaseException:
        stack.close()
        raise
    flags = {r: r in present for r in ("created", "closed", "due", "resolution", "acknowledged", "correct", "channel")}
    return RequestTable(canon, source=str(p), format=fmt, columns_found=tuple(header), has=flags, _raw=raw,
                        _stack=stack)


def _tidy(v: str | None) -> str:
    """Whitespace runs collapsed and the ends trimmed, as the catalogue loaders clean names."""
    return " ".join((v or "").split())


def _code_mapping(spellings: "pl.DataFrame", names: list[str], fmt: str, has_code: bool) -> "pl.DataFrame":
    """Raw (name parts, code, division, section) spelling -> (code, name, division, blank), by the catalogue
    loaders' rules (names tidied first)."""
    import polars as pl

    from codekit.io import rows as _rows
    from codekit.io import toronto as _toronto

    recs = [{k: _tidy(v) if isinstance(v, str) else v for k, v in r.items()} for r in spellings.iter_rows(named=True)]
    codes: list[str | None] = []
    shown: list[str] = []
    blank = [not any(r[k] for k in names + ["__code", "__div", "__sec"]) for r in recs]
    if fmt == "toronto":
        key_of = [(r["__div"].lower(), r["__sec"].lower(), r[names[0]].lower()) for r in recs]
        assigned = _toronto._assign_codes(sorted(set(key_of)))
        codes = [assigned[k] for k in key_of]
        shown = [r[names[0]] or _toronto.NO_TYPE for r in recs]
    elif has_code:
        for r in recs:
            c = r["__code"]
            codes.append(None if c.lower() in ("", "null") else c)
            shown.append(_rows._display_name(tuple(r[n] for n in names)) or (c or ""))
    else:
        key_of = []
        for r in recs:
            parts = tuple(r[n] for n in names)
            key_of.append((tuple(x.casefold() for x in parts), r["__div"].casefold()) if any(parts) else None)
        assigned = _rows._code_ids({k: {} for k in key_of if k is not None}, False)
        for r, k in zip(recs, key_of):
            codes.append(assigned[k] if k is not None else None)
            shown.append(_rows._display_name(tuple(r[n] for n in names)))
    data = {k: spellings[k] for k in names + ["__code", "__div", "__sec"]}
    return pl.DataFrame(data).with_columns(
        pl.Series("code", codes, dtype=pl.String), pl.Series("name", shown, dtype=pl.String),
        pl.Series("division", [r["__div"] for r in recs], dtype=pl.String),
        pl.Series("__blank", blank, dtype=pl.Boolean))


# ------------------------------------------------------------------------------------- JSON / XML sources


def _frame(records: list[dict[str, str]]) -> "pl.DataFrame":
    import polars as pl

    cols = ["row", "source_id", "code", "name", "division", "status", "resolution", "created_text", "closed_text",
            "due_text", "ack_text", "channel_text", "correct_code"]
    data = {c: [r.get(c, "") for r in records] for c in cols}
    schema = {c: pl.String for c in cols}
    schema["row"] = pl.Int64
    df = pl.DataFrame(data, schema=schema)
    return df.with_columns(pl.col("correct_code").replace("", None))


def _open311_records(p: Path) -> list[dict[str, Any]]:
    from codekit.io import open311, parse

    text = _text.read_str(p)
    if p.suffix.lower() == ".xml" or text.lstrip().startswith("<"):
        root = parse.parse_xml(text, p)
        if open311.xml_kind(root) != "requests":
            raise SchemaError("the XML is not an Open311 request list", path=p, line=root.line,
                              expected="<service_requests><request>...", found=f"<{root.tag}>",
                              hint="give a GeoReport v2 GET requests document")
        return [{c.tag: c.text.strip() for c in r.children} for r in root.children]
    data = parse.parse_json(text, p)
    if open311.json_kind(data) != "requests":
        raise SchemaError("the JSON is not an Open311 request list", path=p,
                          expected='{"service_requests": [...]} or a list of requests',
                          found=open311._describe_json(data), hint="give a GeoReport v2 GET requests document")
    rows = data.get("service_requests", data.get("requests")) if isinstance(data, dict) else data
    return [r for r in rows if isinstance(r, dict)]


def _open311_table(p: Path) -> RequestTable:
    from codekit.io.open311 import _s

    out = []
    skipped = 0
    for i, r in enumerate(_open311_records(p), start=1):
        code = _s(r.get("service_code"))
        name = strings.tidy(_s(r.get("service_name")))
        if not code and not name:
            skipped += 1
        status = strings.tidy(_s(r.get("status")))
        closed = _s(r.get("updated_datetime")) if status.lower() in CLOSED_STATUSES + CANCELLED else ""
        out.append({
            "row": i, "source_id": _s(r.get("service_request_id")) or str(i),
            "code": code or (strings.slug(name) if name else None), "name": name,
            "division": strings.tidy(_s(r.get("agency_responsible"))), "status": status,
            "resolution": strings.tidy(_s(r.get("status_notes"))), "created_text": _s(r.get("requested_datetime")),
            "closed_text": closed, "due_text": _s(r.get("expected_datetime")), "channel_text": "",
        })
    if not out:
        raise InputError("the request list holds no requests", path=p, hint="check the file is complete")
    has = {"created_text": True, "closed_text": True, "due_text": True}
    canon, raw = _canonical(_frame(out).lazy(), SOURCE_CHANNEL["open311"], has)
    warnings = [f"{p}: {skipped} request row(s) with neither service_code nor service_name"] if skipped else []
    return RequestTable(canon, source=str(p), format="open311", has={"created": True, "closed": True, "due": True,
                        "resolution": True}, warnings=warnings, _raw=raw)


def _seeclickfix_files(p: Path) -> list[Path]:
    if p.is_dir():
        files = sorted(p.glob("*.json"), key=lambda f: _natural(f.name))
        from codekit.io.text import refuse_special_files

        refuse_special_files(p, files, what="folder of SeeClickFix pages")
        if not files:
            raise InputError("the folder holds no .json pages", path=p, hint="give SeeClickFix issues pages (*.json)")
        return files
    return [p]


def _natural(name: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))


def _seeclickfix_table(p: Path) -> RequestTable:
    from codekit.io import parse
    from codekit.io.open311 import _s

    out = []
    seen: set[str] = set()
    dup = 0
    i = 0
    for f in _seeclickfix_files(p):
        data = parse.parse_json(_text.read_str(f), f)
        if not isinstance(data, dict) or not isinstance(data.get("issues"), list):
            raise SchemaError("not a SeeClickFix issues page", path=f, expected='{"issues": [...]}',
                              found=type(data).__name__, hint="give pages of GET /api/v2/issues")
        for r in data["issues"]:
            if not isinstance(r, dict):
                continue
            sid = _s(r.get("id"))
            if sid and sid in seen:  # the same issue on two pages (pagination while new issues arrive)
                dup += 1
                continue
            seen.add(sid)
            i += 1
            summary = strings.tidy(_s(r.get("summary")))
            status = strings.tidy(_s(r.get("status")))
            out.append({
                "row": i, "source_id": sid or str(i), "code": strings.slug(summary) if summary else None,
                "name": summary, "division": "", "status": status, "resolution": "",
                "created_text": _s(r.get("created_at")), "closed_text": _s(r.get("closed_at")),
                "due_text": "", "ack_text": _s(r.get("acknowledged_at")), "channel_text": "",
            })
    if not out:
        raise InputError("the pages hold no issues", path=p, hint="check the export")
    has = {"created_text": True, "closed_text": True, "ack_text": True}
    canon, raw = _canonical(_frame(out).lazy(), SOURCE_CHANNEL["seeclickfix"], has)
    warnings = [f"{p}: {dup} issue(s) repeated on a later page, kept once"] if dup else []
    return RequestTable(canon, source=str(p), format="seeclickfix",
                        has={"created": True, "closed": True, "acknowledged": True}, warnings=warnings, _raw=raw)


# ------------------------------------------------------------------------------------------ entry point


def detect_request_format(path: Path, header: list[str] | None = None) -> str:
    """Which request source a file (or folder) is, from its shape."""
    from codekit.io import toronto

    if path.is_dir():
        return "seeclickfix"
    suffix = path.suffix.lower()
    if suffix in (".json", ".xml"):
        if suffix == ".json":
            with open(path, "rb") as fh:
                head = fh.read(4096).decode("utf-8", errors="replace")
            if '"issues"' in head and '"service_requests"' not in head:
                return "seeclickfix"
        return "open311"
    header = header if header is not None else csvfile.csv_header(path)
    if toronto.is_requests_header(header):
        return "toronto"
    if all(c in header for c in PRESETS["nyc"].required()):
        return "nyc"
    if all(c in header for c in PRESETS["sf"].required()):
        return "rows"
    if toronto.is_taxonomy_header(header):
        raise InputError("this is an aggregated request-type table (a count per type), not request rows", path=path,
                         hint="give the rows themselves (one line per request, with its creation date), e.g. "
                         "Toronto's yearly '311 Service Requests - Customer Initiated' CSV")
    raise UsageError("cannot tell which columns of the request rows hold what", path=path,
                     hint="name them with --columns (a preset: " + ", ".join(sorted(PRESETS))
                     + "; or role=Column,... with roles " + ", ".join(ROLES) + ")")


def load_requests(path: str | Path, format: str | None = None,
                  columns: "str | RequestColumns | None" = None) -> RequestTable:
    """Open a request history lazily in the canonical request table (see the module docstring)."""
    p = Path(path)
    if not p.is_dir():
        p = _text.check_file(p)
    elif not p.exists():  # pragma: no cover
        raise InputError("no such folder", path=p)
    fmt = (format or "").strip().lower() or None
    if fmt is not None and fmt not in REQUEST_FORMATS:
        raise UsageError(f"unknown request format {format!r}", expected=", ".join(REQUEST_FORMATS), found=repr(format))
    cols = RequestColumns.parse(columns)
    if cols is not None:
        if p.is_dir() or p.suffix.lower() in (".json", ".xml"):
            raise UsageError("--columns is for CSV request rows", path=p, hint="leave --columns out for JSON/XML")
        header = csvfile.csv_header(p)
        if not header:
            raise InputError("the file is empty", path=p, hint="export the requests with a header line")
        return _csv_table(p, cols, fmt if fmt in ("toronto", "nyc") else "rows", header)
    if fmt is None:
        header = None
        if not p.is_dir() and p.suffix.lower() not in (".json", ".xml"):
            header = csvfile.csv_header(p)
            if not header:
                raise InputError("the file is empty", path=p, hint="export the requests with a header line")
        fmt = detect_request_format(p, header)
    if fmt == "seeclickfix":
        return _seeclickfix_table(p)
    if fmt == "open311":
        return _open311_table(p)
    header = csvfile.csv_header(p)
    if not header:
        raise InputError("the file is empty", path=p, hint="export the requests with a header line")
    if fmt == "rows":
        if not all(c in header for c in PRESETS["sf"].required()):
            raise UsageError("request rows need --columns", path=p, hint="name the columns with --columns role=Column,...")
        return _csv_table(p, PRESETS["sf"], "rows", header)
    return _csv_table(p, PRESETS[fmt], fmt, header)


def catalogue_counts(table: RequestTable) -> dict[str, Any]:
    """Rows per code, with the most common name and division (for tables that have no catalogue)."""
    import polars as pl

    df = (table.lazy.group_by("code", "name", "division").agg(pl.len().alias("n"))
          .collect(engine="streaming"))
    out: dict[str, dict[str, Any]] = {}
    names: dict[str, Counter] = {}
    divs: dict[str, Counter] = {}
    for r in df.iter_rows(named=True):
        c = r["code"]
        if c is None:
            continue
        o = out.setdefault(c, {"n": 0})
        o["n"] += int(r["n"])
        names.setdefault(c, Counter())[r["name"] or ""] += int(r["n"])
        divs.setdefault(c, Counter())[r["division"] or ""] += int(r["n"])
    for c, o in out.items():
        o["name"] = strings.most_common(names[c])
        o["division"] = strings.most_common(divs[c])
    return out


__all__ = ["REQUEST_COLUMNS", "REQUEST_FORMATS", "RequestColumns", "RequestTable", "load_requests",
           "detect_request_format", "parse_datetime", "state_expr", "state_of", "PRESETS", "ROLES", "STATES"]
