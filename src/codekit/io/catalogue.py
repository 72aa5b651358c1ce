"""Load a catalogue from any format codekit reads; write codekit's own catalogue (CSV, Parquet, YAML).

``load_catalogue(path)`` detects the format from the suffix and the content (``detect_format``) or takes
it by name (one of ``FORMATS``), and dispatches to ``open311``, ``toronto`` or ``rows``.
``write_catalogue`` writes atomically (temporary file renamed into place) and deterministically (same
catalogue, same bytes). Formats are described in docs/formats.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

from codekit.errors import FormatError, InputError, SchemaError, UsageError
from codekit.io import csvfile, files, problems, text as _text
from codekit.io.serial import json_text
from codekit.model import CATALOGUE_COLUMNS, Catalogue, OperationalField, ServiceCode

#: The codekit catalogue format version this code reads and writes.
CATALOGUE_VERSION = 1

#: Every format ``load_catalogue`` reads: name -> one-line description.
FORMATS: dict[str, str] = {
    "csv": "codekit catalogue CSV: one code per row, only code,name required (fields as JSON or a .fields.csv sidecar)",
    "parquet": "codekit catalogue Parquet: the same columns as the codekit CSV",
    "yaml": "codekit catalogue YAML: codekit_catalogue: 1, name, codes: [...]",
    "open311-json": "Open311 GeoReport v2 JSON: a service list, a service definition or a list of service requests",
    "open311-xml": "Open311 GeoReport v2 XML: <services>, <service_definition> or <service_requests>",
    "toronto-requests": "Toronto '311 Service Requests - Customer Initiated' yearly CSV: codes from Division, Section, Service Request Type",
    "toronto-taxonomy": "Toronto request-type table (taxonomy.csv): code, division, section, request_type, count",
    "rows": "request rows of any city as CSV, columns named with columns= / --columns (presets: nyc, sf)",
}

#: The formats ``write_catalogue`` writes, by suffix.
WRITE_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".yaml": "yaml", ".yml": "yaml"}
WRITE_FORMATS = ("csv", "parquet", "yaml")

_LIST_SEP = {"keywords": "; ", "milestones": " | "}
_JSON_COLUMNS = ("fields", "status_counts", "extra")
_INT_COLUMNS = ("volume", "ctl_level")
_FIELD_COLUMNS = ("code", "key", "prompt", "datatype", "required", "order", "values")


# ------------------------------------------------------------------------------------------- detection


def _unknown_format(path: Path | None, found: str) -> FormatError:
    return FormatError(
        "cannot tell the format of the file" if path is not None else f"unknown format {found}",
        path=path,
        expected="one of " + ", ".join(FORMATS),
        found=found,
        hint="name the format with --format (see `codekit formats`)",
    )


#: File-name suffixes ``detect_format`` reads; any other is refused unless the format is named (--format).
KNOWN_SUFFIXES = (".csv", ".txt", ".tsv", ".parquet", ".pq", ".yaml", ".yml", ".json", ".geojson", ".xml")


def detect_format(path: str | Path) -> str:
    """The format name (a key of ``FORMATS``) of ``path``, from its suffix and content.

    A suffix codekit does not know (``.dat``, none at all) is refused, naming the format the content looks
    like, so a mislabelled file is never read as CSV without a word.
    """
    p = _text.check_file(path)
    suffix = p.suffix.lower()
    if suffix not in KNOWN_SUFFIXES:
        try:
            fmt = _sniff_format(p)
            guess = f"the content looks like {fmt}: pass --format {fmt} to read it as that"
        except FormatError:
            guess = "name the format with --format (see `codekit formats`)"
        except InputError as e:  # binary, undecodable: say what it is, not what it holds
            guess = f"it does not look like a catalogue either ({e.message})"
        raise FormatError(
            "cannot tell the format from the file name", path=p,
            expected="a name ending in " + ", ".join(KNOWN_SUFFIXES), found=repr(suffix or "no suffix"),
            hint=guess,
        )
    return _sniff_format(p)


def _sniff_format(p: Path) -> str:
    suffix = p.suffix.lower()
    try:
        with open(p, "rb") as fh:
            magic = fh.read(4)
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror}", path=p) from None
    if magic == b"PAR1" or suffix in (".parquet", ".pq"):
        return "parquet"
    head, text = csvfile.read_head(p)  # a small file that is binary or cannot be decoded is refused here
    binary = _text.binary_kind(head)
    if binary is not None:
        raise InputError(f"the file holds {binary[0]}", path=p, expected="a catalogue file", hint=binary[1])
    if suffix in (".yaml", ".yml"):
        return "yaml"
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise _unknown_format(p, "an empty file")
    if stripped.startswith("<"):
        return "open311-xml"
    if stripped.startswith(("[", "{")):
        return "open311-json"
    if stripped.startswith("codekit_catalogue"):
        return "yaml"
    header = csvfile.csv_header(p)
    from codekit.io import rows, toronto

    if toronto.is_taxonomy_header(header):
        return "toronto-taxonomy"
    if toronto.is_requests_header(header):
        return "toronto-requests"
    if "code" in header or "name" in header:
        return "csv"  # a codekit CSV (a missing code or name column is then reported as such)
    if rows.guess_columns(header) is not None:
        return "rows"
    found = "a header " + ", ".join(repr(c) for c in header[:8]) + (", ..." if len(header) > 8 else "")
    raise _unknown_format(p, found if len(header) > 1 else "text that is not CSV, JSON, XML or YAML")


def _check_format_name(format: str) -> str:
    f = format.strip().lower()
    aliases = {"codekit-csv": "csv", "codekit-parquet": "parquet", "codekit-yaml": "yaml", "yml": "yaml",
               "json": "open311-json", "xml": "open311-xml", "nyc": "rows", "sf": "rows"}
    f = aliases.get(f, f)
    if f not in FORMATS:
        raise _unknown_format(None, repr(format))
    return f


# --------------------------------------------------------------------------------------------- loading


def load_catalogue(
    path: str | Path,
    format: str | None = None,
    *,
    definitions: Iterable[str | Path] = (),
    columns: Any = None,
) -> Catalogue:
    """Load a catalogue from ``path`` in ``format`` (detected when None).

    ``definitions``: Open311 service definition files whose attributes become the matching codes' fields.
    ``columns``: for ``rows``, a ``rows.RowColumns``, a preset name (``nyc``, ``sf``) or ``role=Column,...``.
    """
    p = _text.check_file(path)
    preset = format.strip().lower() if format and format.strip().lower() in ("nyc", "sf") else None
    if format and format.strip().lower() == "open311":
        fmt = detect_format(p)
        if not fmt.startswith("open311-"):
            raise FormatError(
                "the file is not Open311 JSON or XML", path=p, expected="open311-json or open311-xml",
                found=fmt, hint="check the file, or name its format with --format",
            )
    elif format:
        fmt = _check_format_name(format)
    elif columns is not None:
        fmt = "rows"  # naming the columns says the file holds request rows
    else:
        fmt = detect_format(p)
    if preset and columns is None:
        columns = preset
    if columns is not None and fmt != "rows":
        raise UsageError(
            f"columns are named for request rows, but the format is {fmt}",
            path=p,
            hint="leave out --columns, or use --format rows",
        )
    if fmt == "csv":
        cat = _read_csv(p)
    elif fmt == "parquet":
        cat = _read_parquet(p)
    elif fmt == "yaml":
        cat = _read_yaml(p)
    elif fmt in ("open311-json", "open311-xml"):
        from codekit.io import open311

        cat = open311.load(p, "json" if fmt == "open311-json" else "xml", fmt)
    elif fmt == "toronto-requests":
        from codekit.io import toronto

        cat = toronto.load_requests(p, fmt)
    elif fmt == "toronto-taxonomy":
        from codekit.io import toronto

        cat = toronto.load_taxonomy(p, fmt)
    else:
        from codekit.io import rows

        cat = rows.load_rows(p, columns, fmt)
    for d in definitions:
        cat = merge_definition(cat, d)
    if not len(cat):
        raise InputError("the catalogue has no codes", path=p,
                         hint="export a catalogue with at least one code (a header line alone is not one)")
    for c in cat.codes:
        bad = control_character_in(c)
        if bad is not None:
            raise _control_error(p, None, c.code, *bad)
    return cat


#: Characters refused in catalogue text: C0 controls (but tab and line breaks in free text), DEL, lone
#: surrogates and the two non-characters XML cannot hold; they break Open311 XML, GraphML and terminals.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CONTROL_IN_ID = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def control_character_in(c: Any) -> tuple[str, str] | None:
    """(field, the character escaped) for the first control character in a code's text, else None."""
    def text_items():
        for key in ("code", "name", "division", "section", "group", "status"):
            yield key, getattr(c, key) if not isinstance(c, dict) else c.get(key), _CONTROL_IN_ID
        if isinstance(c, dict):
            yield "description", c.get("description"), _CONTROL
            return
        yield "description", c.description, _CONTROL
        for k in c.keywords:
            yield "keywords", k, _CONTROL_IN_ID
        for m in c.milestones:
            yield "milestones", m, _CONTROL_IN_ID
        for f in c.fields:
            yield f"field {f.key!r}", f.key, _CONTROL_IN_ID
            yield f"field {f.key!r}", f.prompt, _CONTROL
            for v in f.values:
                yield f"field {f.key!r}", v.key, _CONTROL_IN_ID
                yield f"field {f.key!r}", v.name, _CONTROL
        for k, v in (*c.extra, *c.status_counts):
            yield f"column {k!r}", str(k), _CONTROL_IN_ID
            yield f"column {k!r}", str(v), _CONTROL

    for where, value, rx in text_items():
        if isinstance(value, str):
            m = rx.search(value)
            if m is not None:
                return where, ascii(m.group())[1:-1]
    return None


def _control_error(p: Path, line: int | None, code: str, where: str, char: str) -> SchemaError:
    code_text = ascii(code)[1:-1] if code else ""
    return SchemaError(
        f"code {code_text!r}: the {where} holds a control character ({char})" if where != "code"
        else f"a code holds a control character ({char}): {code_text!r}",
        path=p, line=line, hint="remove the character (a NUL or control byte is not text), or re-export the file",
    )


def merge_definition(catalogue: Catalogue, definition: str | Path) -> Catalogue:
    """Put the attributes of an Open311 service definition file into the matching code's fields."""
    from codekit.io import open311

    code, fields = open311.load_definition(definition)
    if code not in catalogue:
        raise SchemaError(
            f"the service definition is for code {code!r}, which the catalogue lacks",
            path=definition,
            hint=f"pass definitions of codes in {catalogue.source or 'the catalogue'}",
        )
    new = [c if c.code != code else _replace(c, fields=fields) for c in catalogue.codes]
    return catalogue.replace_codes(new)


def _replace(c: ServiceCode, **kw: Any) -> ServiceCode:
    from dataclasses import replace

    return replace(c, **kw)


def _finish(p: Path, fmt: str, rows: list[tuple[int | None, dict[str, Any]]], unit: str = "line",
            name: str = "") -> Catalogue:
    """Build ServiceCodes from plain dicts, checking duplicates and empty names with their lines."""
    codes = []
    seen: dict[str, int | None] = {}
    for line, d in rows:
        code = str(d.get("code") or "").strip()
        where = {"path": p, "line": line if unit == "line" else None}
        if _CONTROL_IN_ID.search(code):
            raise _control_error(p, where["line"], code, "code", ascii(_CONTROL_IN_ID.search(code).group())[1:-1])
        if not code:
            raise SchemaError("the code is empty" + (f" in row {line}" if unit == "row" else ""), **where,
                              hint="every row needs a code")
        for key in ("code", "name"):
            if isinstance(d.get(key), (dict, list)):
                raise SchemaError(f"the {key} must be text", path=p, line=where["line"],
                                  found=type(d[key]).__name__, hint=f"write the {key} as plain text")
        if code in seen:
            raise problems.duplicate_code(p, code, seen[code], line, unit)
        seen[code] = line
        if not str(d.get("name") or "").strip():
            e = problems.empty_name(p, code, where["line"])
            if unit == "row":
                e.message += f" (row {line})"
            raise e
        try:
            sc = ServiceCode.from_dict(d)
            bad = control_character_in(sc)
            if bad is not None:
                raise _control_error(p, where["line"], sc.code, *bad)
            codes.append(sc)
        except SchemaError as e:
            if e.path is not None:
                raise
            e.path, e.line = str(p), where["line"]
            e.message = f"code {code!r}: {e.message}" + (f" (row {line})" if unit == "row" else "")
            e.hint = e.hint or "see docs/formats.md for each column's type"
            raise
        except (TypeError, ValueError, AttributeError) as e:  # a value of the wrong shape (a list for a number, ...)
            raise SchemaError(
                f"code {code!r} has a value of the wrong type: {e}" + (f" (row {line})" if unit == "row" else ""),
                path=p, line=where["line"], hint="see docs/formats.md for each column's type",
            ) from None
    return Catalogue(codes, source=str(p), format=fmt)


def _cell_dict(p: Path, line: int | None, raw: dict[str, Any], header: Iterable[str]) -> dict[str, Any]:
    """A flat row (CSV/Parquet) -> a ServiceCode.from_dict dict. Unknown columns go to ``extra``."""
    d: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for col in header:
        v = raw.get(col)
        if col in CATALOGUE_COLUMNS:
            d[col] = "" if v is None else v
        elif col in _JSON_COLUMNS:
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            try:
                d[col] = json.loads(v) if isinstance(v, str) else v
            except RecursionError:
                raise SchemaError(f"column {col!r} holds JSON nested too deeply", path=p, line=line, column=col,
                                  hint=f"write {col} as flat JSON, e.g. []") from None
            except json.JSONDecodeError as e:
                raise SchemaError(
                    f"column {col!r} does not hold valid JSON: {e.msg}", path=p, line=line, column=col,
                    hint=f"write {col} as JSON, e.g. []",
                ) from None
        elif col != "n_fields" and v not in (None, ""):
            extra[col] = str(v)
    if extra:
        d["extra"] = {**extra, **(d.get("extra") or {})}
    for col in _INT_COLUMNS + ("sla_days",):
        v = d.get(col)
        if isinstance(v, str) and v.strip():
            try:
                float(v)
            except ValueError:
                raise SchemaError(
                    f"column {col!r} is not a number", path=p, line=line, column=col, found=repr(v),
                    hint=f"write a number in {col} or leave it empty",
                ) from None
    return d


def _read_csv(p: Path) -> Catalogue:
    text = _text.read_str(p)
    header, records = csvfile.read_csv_records(text, p, required=("code", "name"))
    records = [(line, {k: _unescape_formula(v) for k, v in r.items()}) for line, r in records]
    rows = [(line, _cell_dict(p, line, r, header)) for line, r in records]
    sidecar = p.with_name(p.stem + ".fields.csv")
    if sidecar.is_file() and "fields" not in header:
        fields_of = _read_fields_sidecar(sidecar)
        known = {str(d.get("code", "")).strip() for _, d in rows}
        for code, line in fields_of["__lines__"].items():
            if code not in known:
                raise SchemaError(
                    f"fields given for code {code!r}, which the catalogue lacks", path=sidecar, line=line,
                    hint=f"remove the rows or add the code to {p.name}",
                )
        for _, d in rows:
            fs = fields_of["fields"].get(str(d.get("code", "")).strip())
            if fs:
                d["fields"] = fs
    return _finish(p, "csv", rows)


def _read_fields_sidecar(path: Path) -> dict[str, Any]:
    text = _text.read_str(path)
    _, records = csvfile.read_csv_records(text, path, required=("code", "key"))
    fields: dict[str, list[dict[str, Any]]] = {}
    lines: dict[str, int] = {}
    for line, r in records:
        code = r["code"].strip()
        lines.setdefault(code, line)
        vals = []
        for part in (r.get("values") or "").split(";"):
            k, _, n = part.partition("=")
            if k.strip():
                vals.append({"key": k.strip(), "name": n.strip() or k.strip()})
        f = {
            "key": r["key"].strip(), "prompt": r.get("prompt", ""), "datatype": (r.get("datatype") or "string").strip(),
            "required": r.get("required", ""), "order": (r.get("order") or "0").strip() or 0, "values": vals,
        }
        try:
            OperationalField.from_dict(f)
        except (SchemaError, ValueError) as e:
            raise SchemaError(f"bad field {f['key']!r}: {getattr(e, 'message', e)}", path=path, line=line,
                              hint="fix the field row") from None
        fields.setdefault(code, []).append(f)
    return {"fields": fields, "__lines__": lines}


def _read_parquet(p: Path) -> Catalogue:
    import polars as pl

    try:
        df = pl.read_parquet(p)
    except (Exception, pl.exceptions.PanicException) as e:  # polars raises several kinds (and panics) for a broken file
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InputError(f"cannot read the Parquet file: {first[:200]}", path=p,
                               hint="re-export the file; it may be truncated or not Parquet") from None
    missing = [c for c in ("code", "name") if c not in df.columns]
    if missing:
        raise problems.missing_columns(p, missing, df.columns)
    for col, dtype in df.schema.items():
        if (dtype.is_nested() or dtype in (pl.Binary, pl.Object)) and col not in _JSON_COLUMNS:
            raise SchemaError(f"column {col!r} holds {dtype}, not single values", path=p, column=col,
                              expected="text or a number per cell", found=str(dtype),
                              hint="write one value per cell (lists as text, see docs/formats.md)")
    df = df.with_columns([pl.col(c).cast(pl.String) for c in df.columns if c not in _INT_COLUMNS + ("sla_days",)])
    rows = [(i, _cell_dict(p, None, r, df.columns)) for i, r in enumerate(df.iter_rows(named=True), start=1)]
    return _finish(p, "parquet", rows, unit="row")


# ------------------------------------------------------------------------------------------------ YAML


def _read_yaml(p: Path) -> Catalogue:
    from codekit.io.yamlio import parse_yaml

    text = _text.read_str(p)
    data = parse_yaml(text, p)
    if not isinstance(data, dict) or "codekit_catalogue" not in data:
        raise SchemaError(
            "not a codekit catalogue: the key codekit_catalogue is missing", path=p,
            expected=f"codekit_catalogue: {CATALOGUE_VERSION}",
            found="a mapping without it" if isinstance(data, dict) else type(data).__name__,
            hint="start the file with `codekit_catalogue: 1`",
        )
    if data.get("codekit_catalogue") != CATALOGUE_VERSION:
        raise SchemaError(
            "unsupported codekit_catalogue version", path=p, line=1,
            expected=str(CATALOGUE_VERSION), found=repr(data.get("codekit_catalogue")),
            hint="write the catalogue with this codekit version, or upgrade codekit",
        )
    items = data.get("codes")
    if not isinstance(items, list):
        raise SchemaError("the codes key must hold a list", path=p, expected="codes: [...]",
                          found=type(items).__name__, hint="list the codes under `codes:`")
    rows = []
    for i, item in enumerate(items):
        line = items.line_of(i)
        if not isinstance(item, dict):
            raise SchemaError("a code entry must be a mapping", path=p, line=line, hint="write `- {code: ..., name: ...}`")
        rows.append((line, item))
    return _finish(p, "yaml", rows)


# --------------------------------------------------------------------------------------------- writing


def write_format(path: str | Path, format: str | None = None) -> str:
    if format:
        f = format.strip().lower()
        f = {"yml": "yaml", "pq": "parquet"}.get(f, f)
        if f not in WRITE_FORMATS:
            raise UsageError(f"codekit cannot write the format {format!r}", expected=", ".join(WRITE_FORMATS),
                             found=repr(format), hint="write csv, parquet or yaml")
        return f
    suffix = Path(path).suffix.lower()
    if suffix not in WRITE_SUFFIXES:
        raise UsageError(
            "cannot tell the output format from the file name", path=path,
            expected="a name ending in " + ", ".join(WRITE_SUFFIXES), found=repr(suffix or "no suffix"),
            hint="end the output name with .csv, .parquet or .yaml",
        )
    return WRITE_SUFFIXES[suffix]


def write_catalogue(catalogue: Catalogue, path: str | Path, format: str | None = None, *,
                    inputs: Iterable[str | Path | None] = ()) -> Path:
    """Write ``catalogue`` as codekit CSV, Parquet or YAML (by suffix unless named). Atomic, deterministic.

    ``inputs``: files the output must not overwrite (the catalogue's own source is always one)."""
    fmt = write_format(path, format)
    ins = [i for i in (catalogue.source if catalogue.source and Path(catalogue.source).exists() else None,
                       *inputs) if i is not None]
    files.check_output(path, inputs=ins)
    if fmt == "yaml":
        return files.write_bytes_atomic(path, catalogue_yaml(catalogue).encode("utf-8"), inputs=ins)
    if fmt == "csv":
        return files.write_bytes_atomic(path, catalogue_csv(catalogue).encode("utf-8"), inputs=ins)
    import polars as pl

    df = pl.DataFrame(_flat_rows(catalogue), schema=_flat_schema(catalogue), orient="row")
    with files.atomic_path(path, inputs=ins) as tmp:
        df.write_parquet(tmp, compression="zstd", statistics=False)
    return Path(path)


def _flat_columns(catalogue: Catalogue) -> list[str]:
    cols = list(CATALOGUE_COLUMNS)
    for col, attr in (("fields", "fields"), ("status_counts", "status_counts"), ("extra", "extra")):
        if any(getattr(c, attr) for c in catalogue.codes):
            cols.append(col)
    return cols


def _flat_schema(catalogue: Catalogue) -> dict[str, Any]:
    import polars as pl

    types = {"volume": pl.Int64, "ctl_level": pl.Int64, "sla_days": pl.Float64}
    return {c: types.get(c, pl.String) for c in _flat_columns(catalogue)}


def _flat_rows(catalogue: Catalogue) -> list[list[Any]]:
    cols = _flat_columns(catalogue)
    out = []
    for c in catalogue.codes:
        d = c.to_dict()
        row = []
        for col in cols:
            v = d[col]
            if col in _LIST_SEP:
                v = _LIST_SEP[col].join(v)
            elif col in _JSON_COLUMNS:
                v = json_text(v, separators=(",", ":"), what="the catalogue") if v else None
            row.append(v)
        out.append(row)
    return out


def catalogue_csv(catalogue: Catalogue) -> str:
    """The codekit CSV text of ``catalogue`` (LF line endings, UTF-8, no BOM)."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_flat_columns(catalogue))
    for row in _flat_rows(catalogue):
        w.writerow(["" if v is None else (_escape_formula(v) if isinstance(v, str) else _num(v)) for v in row])
    return buf.getvalue()


_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def _escape_formula(text: str) -> str:
    """Defuse spreadsheet formulas: a cell starting with = + - @ (after any quotes) gets one more leading '.

    ``_unescape_formula`` undoes it exactly, so the CSV round-trips while Excel shows text, not a formula.
    """
    return "'" + text if _FORMULA.match(text) else text


def _unescape_formula(text: str) -> str:
    return text[1:] if text.startswith("'") and _FORMULA.match(text[1:]) else text


def _num(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v)) if abs(v) < 1e15 else repr(v)
    return str(v)


def catalogue_dict(catalogue: Catalogue, name: str = "") -> dict[str, Any]:
    """The YAML document as a dict: version, name, codes (keys with empty values left out)."""
    codes = []
    for c in catalogue.codes:
        d = c.to_dict()
        keep = {k: v for k, v in d.items() if k in ("code", "name") or v not in (None, "", [], {})}
        if keep.get("status") == "active":
            keep.pop("status")
        codes.append(keep)
    return {
        "codekit_catalogue": CATALOGUE_VERSION,
        "name": name or (Path(catalogue.source).stem if catalogue.source else ""),
        "codes": codes,
    }


def catalogue_yaml(catalogue: Catalogue, name: str = "") -> str:
    import yaml

    class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        def ignore_aliases(self, data: Any) -> bool:  # never write anchors
            return True

    return yaml.dump(
        catalogue_dict(catalogue, name), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
        default_flow_style=False, width=100,
    )


def convert_catalogue(
    source: str | Path,
    output: str | Path,
    format: str | None = None,
    *,
    definitions: Iterable[str | Path] = (),
    columns: Any = None,
    out_format: str | None = None,
) -> dict[str, Any]:
    """Load ``source`` and write it as a codekit catalogue; return a summary dict (for ``codekit convert``)."""
    out_fmt = write_format(output, out_format)  # fail before reading a large input
    definitions = tuple(definitions)
    files.check_output(output, inputs=[source, *definitions])
    cat = load_catalogue(source, format, definitions=definitions, columns=columns)
    write_catalogue(cat, output, out_fmt, inputs=[source, *definitions])
    return {
        "source": str(source),
        "format": cat.format,
        "output": str(output),
        "output_format": out_fmt,
        "codes": len(cat),
        "divisions": len([d for d in cat.divisions() if d]),
        "volume": cat.total_volume(),
        "fields": sum(len(c.fields) for c in cat.codes),
        "warnings": list(cat.warnings),
    }
