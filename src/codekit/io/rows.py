"""Request rows of any city, read by naming the columns (polars, lazy, streaming group-by).

``RowColumns`` says which column plays which role. Two presets ship:

- ``nyc``: NYC Open Data "311 Service Requests": name from ``Complaint Type`` + ``Descriptor``,
  division ``Agency``, status ``Status``, created ``Created Date``;
- ``sf``: SF311 / Open311 style rows: code ``service_code``, name ``service_name``, division
  ``agency_responsible`` (optional), status ``status`` (optional), created ``requested_datetime`` (optional).

**Code ids.** With a ``code`` column, its value is the code (one code per value; the name and division
shown are the ones most rows use). Without one, the code is the slugs of the name columns joined by
``:`` (``Noise - Residential`` + ``Loud Music/Party`` -> ``noise-residential:loud-music-party``), and rows
are grouped by name *and* division: when one name occurs under several divisions (NYC's ``Encampment``
under NYPD and DHS) each gets its own code, suffixed ``~`` + slug(division)
(``encampment:n-a~nypd``, ``encampment:n-a~dhs``). The display name joins the name columns with
``: ``, leaving out empty parts and ``N/A``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from codekit.errors import InputError, UsageError
from codekit.io import csvfile, problems, strings, text as _text
from codekit.model import Catalogue, ServiceCode

ROLES = ("code", "name", "division", "section", "group", "status", "created")
_SKIP_IN_NAME = ("", "n/a", "na", "null", "none")


@dataclass(frozen=True)
class RowColumns:
    """Which column plays which role. ``name`` may be one column or a tuple of columns joined in order.

    Roles listed in ``optional`` may be missing from the file; every other named column is required.
    """

    code: str | None = None
    name: str | tuple[str, ...] = "name"
    division: str | None = None
    section: str | None = None
    group: str | None = None
    status: str | None = None
    created: str | None = None
    optional: tuple[str, ...] = ()

    @property
    def name_columns(self) -> tuple[str, ...]:
        return (self.name,) if isinstance(self.name, str) else tuple(self.name)

    @classmethod
    def preset(cls, name: str) -> "RowColumns":
        try:
            return PRESETS[name.lower()]
        except KeyError:
            raise UsageError(
                f"unknown column preset {name!r}",
                expected=", ".join(sorted(PRESETS)),
                found=repr(name),
                hint="use a preset name or spell the columns out, e.g. name=Type,division=Agency",
            ) from None

    @classmethod
    def parse(cls, spec: "str | RowColumns | dict[str, Any]") -> "RowColumns":
        """A preset name (``nyc``), ``role=Column,...`` text (``name=A+B`` joins columns), or a dict."""
        if isinstance(spec, RowColumns):
            return spec
        if isinstance(spec, dict):
            return cls(**spec)
        text = spec.strip()
        if "=" not in text:
            return cls.preset(text)
        kw: dict[str, Any] = {}
        for part in text.split(","):
            role, _, col = part.partition("=")
            role = role.strip().lower()
            if role not in ROLES:
                raise UsageError(
                    f"unknown column role {role!r}", expected=", ".join(ROLES), found=repr(role),
                    hint="write role=Column pairs separated by commas",
                )
            cols = tuple(c.strip() for c in col.split("+") if c.strip())
            kw[role] = cols if role == "name" and len(cols) > 1 else (cols[0] if cols else None)
        if "name" not in kw:
            raise UsageError("the columns must name a name column", hint="add name=<column>")
        return cls(**kw)

    def required_columns(self) -> list[str]:
        out = list(self.name_columns)
        for role in ("code", "division", "section", "group", "status", "created"):
            col = getattr(self, role)
            if col and role not in self.optional:
                out.append(col)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


PRESETS: dict[str, RowColumns] = {
    "nyc": RowColumns(
        name=("Complaint Type", "Descriptor"), division="Agency", status="Status", created="Created Date"
    ),
    "sf": RowColumns(
        code="service_code", name="service_name", division="agency_responsible", status="status",
        created="requested_datetime", optional=("division", "status", "created"),
    ),
}


def guess_columns(header: list[str]) -> RowColumns | None:
    """The preset whose required columns the header has, or None."""
    for name in ("nyc", "sf"):
        cols = PRESETS[name]
        if all(c in header for c in cols.required_columns()):
            return cols
    return None


def load_rows(path: str | Path, columns: "RowColumns | str | dict | None" = None, fmt: str = "rows") -> Catalogue:
    """Codes from a CSV of request rows: volume = rows, status counts, division when named."""
    import polars as pl

    p = _text.check_file(path)
    header = csvfile.csv_header(p)
    if columns is None:
        cols = guess_columns(header)
        if cols is None:
            raise UsageError(
                "cannot tell which columns hold the request type",
                path=p,
                hint="name them with --columns (a preset: " + ", ".join(sorted(PRESETS)) + "; or role=Column,...)",
            )
    else:
        cols = RowColumns.parse(columns)
    missing = [c for c in cols.required_columns() if c not in header]
    if missing:
        raise problems.missing_columns(p, missing, header, "these request rows")

    present = {
        role: getattr(cols, role)
        for role in ("code", "division", "section", "group", "status")
        if getattr(cols, role) and getattr(cols, role) in header
    }

    def clean(c: str):
        return pl.col(c).fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()

    exprs = [clean(c).alias(f"name_{i}") for i, c in enumerate(cols.name_columns)]
    exprs += [clean(c).alias(role) for role, c in present.items()]
    keys = [e for e in ([f"name_{i}" for i in range(len(cols.name_columns))] + list(present))]
    with csvfile.utf8_file(p) as (src, _enc):
        csvfile.check_rows(src, len(header), p)
        lf = pl.scan_csv(
            src, infer_schema=False, separator=csvfile.delimiter_of(p),
            with_column_names=lambda cs: [c.strip().lstrip("\ufeff") for c in cs],
        ).select(exprs)
        lf = lf.filter(pl.any_horizontal([pl.col(k) != "" for k in keys]))  # blank lines
        try:
            grouped = lf.group_by(keys).agg(pl.len().alias("n")).collect(engine="streaming")
        except pl.exceptions.PolarsError as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise InputError(
                f"cannot read the CSV: {first}", path=p,
                hint="check the quotes and the number of fields per row, or re-export the file",
            ) from None
    rows = grouped.iter_rows(named=True)
    n_names = len(cols.name_columns)
    agg: dict[tuple, dict[str, Any]] = defaultdict(
        lambda: {"names": Counter(), "div": Counter(), "sec": Counter(), "grp": Counter(), "status": Counter(), "n": 0}
    )
    skipped = 0
    for r in rows:
        parts = tuple(r[f"name_{i}"] for i in range(n_names))
        code_val = r.get("code", "")
        if cols.code:
            if code_val.lower() in ("", "null"):
                skipped += int(r["n"])
                continue
            key: tuple = (code_val,)
        else:
            if not any(parts):
                skipped += int(r["n"])
                continue
            key = (tuple(p.casefold() for p in parts), r.get("division", "").casefold())
        g = agg[key]
        n = int(r["n"])
        g["names"][parts] += n
        g["div"][r.get("division", "")] += n
        g["sec"][r.get("section", "")] += n
        g["grp"][r.get("group", "")] += n
        if "status" in present:
            g["status"][r["status"] or "Unknown"] += n
        g["n"] += n

    code_of = _code_ids(agg, bool(cols.code))
    codes = []
    for key in sorted(agg, key=lambda k: code_of[k]):
        g = agg[key]
        parts = _top(g["names"])
        name = _display_name(parts) or code_of[key]
        extra = []
        if len(g["names"]) > 1:
            others = sorted({_display_name(x) for x in g["names"]} - {name})
            if others:
                extra.append(("other_names", "; ".join(others)))
        codes.append(
            ServiceCode(
                code=code_of[key],
                name=name,
                division=_top(g["div"]),
                section=_top(g["sec"]),
                group=_top(g["grp"]),
                volume=g["n"],
                status_counts=tuple(sorted(g["status"].items())),
                extra=tuple(extra),
            )
        )
    warnings = []
    if skipped:
        warnings.append(f"{p}: {skipped} row(s) without a request type skipped")
    if not codes:
        raise InputError("the file has no request rows", path=p, hint="check the export")
    return Catalogue(codes, source=str(p), format=fmt, warnings=warnings)


def _code_ids(agg: dict[tuple, dict[str, Any]], has_code: bool) -> dict[tuple, str]:
    if has_code:
        return {k: k[0] for k in agg}
    base = {k: ":".join(strings.slug(p) for p in k[0]) for k in agg}
    by_code: dict[str, list[tuple]] = defaultdict(list)
    for k, c in base.items():
        by_code[c].append(k)
    out: dict[tuple, str] = {}
    for c, ks in by_code.items():
        if len(ks) == 1:
            out[ks[0]] = c
            continue
        divs = {k[1] for k in ks}
        for k in ks:
            if len(divs) == len(ks):  # one per division: name the division
                out[k] = f"{c}~{strings.slug(k[1])}"
            else:  # spellings that slug alike
                out[k] = f"{c}~{strings.short_hash(' | '.join(k[0]) + ' @ ' + k[1])}"
    return out


def _display_name(parts: tuple[str, ...]) -> str:
    return ": ".join(p for p in parts if p.strip().lower() not in _SKIP_IN_NAME)


def _top(c: Counter) -> str:
    return strings.most_common(c)
