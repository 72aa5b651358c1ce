"""Open311 GeoReport v2: service lists, service definitions and service requests, JSON and XML.

- service list (``GET services``): one ServiceCode per ``service``; ``group`` -> ``ServiceCode.group``,
  ``keywords`` split on commas, ``metadata`` and ``type`` kept in ``extra``;
- service definition (``GET services/{code}``): its ``attributes`` become OperationalFields (``code`` ->
  key, ``description`` -> prompt, ``datatype_description`` -> description, ``variable=false`` -> an
  information text, not a question), sorted by ``order``;
- service requests (``GET requests``): codes from (service_code, service_name) with volume = row count,
  status counts, and ``agency_responsible`` -> division when present.

XML is parsed with the stdlib expat with DTDs and entity declarations refused (see ``parse.parse_xml``).
See docs/formats.md.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from codekit.errors import InputError, SchemaError
from codekit.io import parse, problems, strings, text as _text
from codekit.model import AllowedValue, Catalogue, OperationalField, ServiceCode

#: What an Open311 document holds: decided by its shape, not its name.
KINDS = ("services", "definition", "requests")

_NULLS = ("", "null", "none", "nan")


def _s(v: Any) -> str:
    """A scalar as clean text; JSON numbers (Toronto's 30102) become their digits; "null" is empty."""
    if v is None or isinstance(v, (dict, list)):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    t = str(v).strip()
    return "" if t.lower() in _NULLS else t


def _keywords(v: Any) -> tuple[str, ...]:
    if isinstance(v, list):
        return tuple(k for k in (_s(x) for x in v) if k)
    return tuple(k.strip() for k in _s(v).split(",") if k.strip())


# ------------------------------------------------------------------------------------- shape detection


def json_kind(data: Any) -> str | None:
    """Which Open311 document a parsed JSON value is, or None."""
    if isinstance(data, dict):
        if isinstance(data.get("service_requests"), list) or isinstance(data.get("requests"), list):
            return "requests"
        if "attributes" in data and "service_code" in data:
            return "definition"
        if isinstance(data.get("services"), list):
            return "services"
        return None
    if isinstance(data, list):
        first = next((x for x in data if isinstance(x, dict)), None)
        if first is None:
            return "services" if not data else None
        if "attributes" in first and "service_code" in first and "service_name" not in first:
            return "definition"
        if any(k in first for k in ("service_request_id", "requested_datetime", "status")):
            return "requests"
        if "service_code" in first or "service_name" in first:
            return "services"
    return None


def xml_kind(root: parse.XNode) -> str | None:
    return {
        "services": "services",
        "service_definition": "definition",
        "service_requests": "requests",
        "requests": "requests",
    }.get(root.tag)


# ------------------------------------------------------------------------------------------- entry point


def load(path: Path, syntax: str, fmt: str) -> Catalogue:
    """Load an Open311 document (``syntax`` json or xml) as a Catalogue, whatever its kind."""
    text = _text.read_str(path)
    if syntax == "json":
        data = parse.parse_json(text, path)
        kind = json_kind(data)
        if kind is None:
            raise SchemaError(
                "the JSON is not an Open311 service list, service definition or request list",
                path=path,
                expected="a list of services, {service_code, attributes} or {service_requests: [...]}",
                found=_describe_json(data),
                hint="check the file, or name its format with --format",
            )
        if kind == "services":
            items = data.get("services") if isinstance(data, dict) else data
            return _services_catalogue(path, fmt, text, [_json_service(x) for x in items if isinstance(x, dict)], "json")
        if kind == "definition":
            d = data[0] if isinstance(data, list) else data
            code, fields = _json_definition(d, path)
            return _definition_catalogue(path, fmt, code, fields)
        rows = data.get("service_requests", data.get("requests")) if isinstance(data, dict) else data
        return requests_catalogue(path, fmt, [r for r in rows if isinstance(r, dict)])
    root = parse.parse_xml(text, path)
    kind = xml_kind(root)
    if kind is None:
        raise SchemaError(
            "the XML is not an Open311 service list, service definition or request list",
            path=path,
            line=root.line,
            expected="root element <services>, <service_definition> or <service_requests>",
            found=f"<{root.tag}>",
            hint="check the file, or name its format with --format",
        )
    if kind == "services":
        return _services_catalogue(path, fmt, text, [_xml_service(x) for x in root.findall("service")], "xml")
    if kind == "definition":
        code, fields = _xml_definition(root, path)
        return _definition_catalogue(path, fmt, code, fields)
    rows = [{c.tag: c.text.strip() for c in r.children} for r in root.children]
    return requests_catalogue(path, fmt, rows)


def load_definition(path: str | Path) -> tuple[str, tuple[OperationalField, ...]]:
    """Read one Open311 service definition (JSON or XML): (service_code, its fields in order)."""
    p = _text.check_file(path)
    text = _text.read_str(p)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        root = parse.parse_xml(text, p)
        if root.tag != "service_definition":
            raise SchemaError(
                "not an Open311 service definition",
                path=p,
                line=root.line,
                expected="root element <service_definition>",
                found=f"<{root.tag}>",
                hint="pass service definitions (GET services/{code}) with --definitions",
            )
        return _xml_definition(root, p)
    data = parse.parse_json(text, p)
    if json_kind(data) != "definition":
        raise SchemaError(
            "not an Open311 service definition",
            path=p,
            expected="{service_code, attributes: [...]}",
            found=_describe_json(data),
            hint="pass service definitions (GET services/{code}) with --definitions",
        )
    return _json_definition(data[0] if isinstance(data, list) else data, p)


# ---------------------------------------------------------------------------------------- service list


def _json_service(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "service_code": _s(d.get("service_code")),
        "service_name": _s(d.get("service_name")),
        "description": _s(d.get("description")),
        "keywords": _keywords(d.get("keywords")),
        "group": _s(d.get("group")),
        "metadata": _s(d.get("metadata")),
        "type": _s(d.get("type")),
        "line": None,
    }


def _xml_service(n: parse.XNode) -> dict[str, Any]:
    return {
        "service_code": n.child_text("service_code") or "",
        "service_name": n.child_text("service_name") or "",
        "description": n.child_text("description") or "",
        "keywords": _keywords(n.child_text("keywords")),
        "group": n.child_text("group") or "",
        "metadata": (n.child_text("metadata") or "").lower(),
        "type": n.child_text("type") or "",
        "line": n.line,
    }


def _code_lines(text: str, code: str, syntax: str) -> list[int]:
    c = re.escape(code)
    if syntax == "xml":
        return strings.lines_matching(text, rf"<service_code>\s*{c}\s*</service_code>")
    return strings.lines_matching(text, rf'"service_code"\s*:\s*"?{c}"?\s*[,}}\r\n]')


def _services_catalogue(path: Path, fmt: str, text: str, items: list[dict[str, Any]], syntax: str) -> Catalogue:
    codes: list[ServiceCode] = []
    seen: dict[str, int] = {}
    for i, it in enumerate(items):
        code = it["service_code"]
        lines = _code_lines(text, code, syntax) if code else []
        line = it["line"] or (lines[0] if len(lines) == 1 else None)
        if not code:
            raise SchemaError(
                f"service {i + 1} has no service_code",
                path=path,
                line=it["line"],
                hint="every Open311 service needs a service_code",
            )
        if code in seen:
            ls = lines if len(lines) >= 2 else [None, None]
            raise problems.duplicate_code(path, code, ls[0], ls[1])
        seen[code] = i
        if not it["service_name"]:
            raise problems.empty_name(path, code, line)
        extra = tuple((k, it[k]) for k in ("metadata", "type") if it[k])
        codes.append(
            ServiceCode(
                code=code,
                name=strings.tidy(it["service_name"]),
                description=it["description"],
                keywords=it["keywords"],
                group=strings.tidy(it["group"]),
                extra=extra,
            )
        )
    return Catalogue(codes, source=str(path), format=fmt)


# ---------------------------------------------------------------------------------- service definition


def _field(path: Path, code: str, raw: dict[str, Any], values: list[AllowedValue], line: int | None) -> OperationalField:
    key = _s(raw.get("code"))
    if not key:
        raise SchemaError(
            f"an attribute of service {code!r} has no code",
            path=path,
            line=line,
            hint="every Open311 attribute needs a code",
        )
    datatype = _s(raw.get("datatype")).lower() or "string"
    try:
        order = int(float(_s(raw.get("order")) or 0))
    except ValueError:
        raise SchemaError(
            f"attribute {key!r} has an order that is not a number", path=path, line=line, found=repr(raw.get("order"))
        ) from None
    try:
        return OperationalField(
            key=key,
            prompt=_s(raw.get("description")),
            datatype=datatype,
            required=_s(raw.get("required")).lower() == "true",
            values=tuple(values),
            order=order,
            variable=_s(raw.get("variable")).lower() != "false",
            description=_s(raw.get("datatype_description")),
        )
    except SchemaError as e:
        e.path, e.line = str(path), line
        raise


def _sorted_fields(fields: list[OperationalField]) -> tuple[OperationalField, ...]:
    return tuple(sorted(fields, key=lambda f: (f.order, f.key)))


def _json_definition(d: dict[str, Any], path: Path) -> tuple[str, tuple[OperationalField, ...]]:
    code = _s(d.get("service_code"))
    if not code:
        raise SchemaError("the service definition has no service_code", path=path, hint="add the service_code")
    fields = []
    for a in d.get("attributes") or ():
        if not isinstance(a, dict):
            continue
        vals = [
            AllowedValue(_s(v.get("key")), _s(v.get("name")))
            for v in (a.get("values") or ())
            if isinstance(v, dict) and _s(v.get("key"))
        ]
        fields.append(_field(path, code, a, vals, None))
    _check_unique_keys(path, code, fields)
    return code, _sorted_fields(fields)


def _xml_definition(root: parse.XNode, path: Path) -> tuple[str, tuple[OperationalField, ...]]:
    code = root.child_text("service_code") or ""
    if not code:
        raise SchemaError("the service definition has no service_code", path=path, line=root.line, hint="add <service_code>")
    attrs = root.find("attributes")
    fields = []
    for a in attrs.findall("attribute") if attrs is not None else ():
        raw = {c.tag: c.text.strip() for c in a.children if c.tag != "values"}
        vnode = a.find("values")
        vals = []
        for v in vnode.findall("value") if vnode is not None else ():
            k = v.child_text("key") or ""
            if k:
                vals.append(AllowedValue(k, v.child_text("name") or ""))
        fields.append(_field(path, code, raw, vals, a.line))
    _check_unique_keys(path, code, fields)
    return code, _sorted_fields(fields)


def _check_unique_keys(path: Path, code: str, fields: list[OperationalField]) -> None:
    seen = set()
    for f in fields:
        if f.key in seen:
            raise SchemaError(
                f"service {code!r} has two attributes with the code {f.key!r}",
                path=path,
                hint="give every attribute its own code",
            )
        seen.add(f.key)


def _definition_catalogue(path: Path, fmt: str, code: str, fields: tuple[OperationalField, ...]) -> Catalogue:
    cat = Catalogue([ServiceCode(code=code, name=code, fields=fields)], source=str(path), format=fmt)
    cat.warnings.append(
        f"{path}: a service definition alone carries no service name; code {code!r} is named by its code. "
        "Load the service list and pass this file with --definitions to merge its fields"
    )
    return cat


# -------------------------------------------------------------------------------------------- requests


def requests_catalogue(path: Path, fmt: str, rows: list[dict[str, Any]]) -> Catalogue:
    """Codes from request rows: one per service_code (or per name when codes are missing)."""
    volume: Counter = Counter()
    names: dict[str, Counter] = defaultdict(Counter)
    agencies: dict[str, Counter] = defaultdict(Counter)
    statuses: dict[str, Counter] = defaultdict(Counter)
    skipped = 0
    for r in rows:
        code = _s(r.get("service_code"))
        name = strings.tidy(_s(r.get("service_name")))
        if not code and not name:
            skipped += 1
            continue
        code = code or strings.slug(name)
        volume[code] += 1
        if name:
            names[code][name] += 1
        agency = strings.tidy(_s(r.get("agency_responsible")))
        if agency:
            agencies[code][agency] += 1
        status = strings.tidy(_s(r.get("status")))
        statuses[code][status or "Unknown"] += 1
    codes = []
    warnings = []
    for code in sorted(volume, key=_natural):
        name = _top(names[code]) or code
        extra: list[tuple[str, str]] = []
        if len(names[code]) > 1:
            extra.append(("other_names", "; ".join(sorted(n for n in names[code] if n != name))))
        if len(agencies[code]) > 1:
            extra.append(("other_divisions", "; ".join(sorted(a for a in agencies[code] if a != _top(agencies[code])))))
        codes.append(
            ServiceCode(
                code=code,
                name=name,
                division=_top(agencies[code]),
                volume=volume[code],
                status_counts=tuple(sorted(statuses[code].items())),
                extra=tuple(sorted(extra)),
            )
        )
    if skipped:
        warnings.append(f"{path}: {skipped} request row(s) with neither service_code nor service_name skipped")
    if not codes:
        raise InputError("the request list holds no requests", path=path, hint="check the file is complete")
    return Catalogue(codes, source=str(path), format=fmt, warnings=warnings)


def _top(c: Counter) -> str:
    return strings.most_common(c)


def _natural(code: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", code) if p)


def _describe_json(data: Any) -> str:
    if isinstance(data, dict):
        return "an object with keys " + ", ".join(sorted(map(str, data))[:8])
    if isinstance(data, list):
        return f"a list of {len(data)} item(s)"
    return type(data).__name__
