"""Open311 GeoReport v2 output of a release: the service list and one service definition per public
category, in JSON and XML.

Each public category is one Open311 service: ``service_code`` is the category id, ``service_name``
its label, ``keywords`` its synonyms (comma-separated), ``group`` its first group (Open311 has one
group per service; all groups are in ``catalogue.json``), ``metadata`` true when it asks questions.
Its questions are the attributes of its service definition (``code`` = question key,
``description`` = the prompt, ``order`` from 1, list answers as ``values``); a question asked only
after certain answers says so in ``datatype_description``.

A release built with request history (``codekit release --requests``) adds, to each category whose timeline
gives a sentence for residents, one informational attribute at the end of its service definition: GeoReport v2
has no duration field on a service, and an attribute with ``variable: false`` is, in the spec's words, "only used
to present information to the user within the description field". Its ``code`` is :data:`EXPECTED_CODE`,
``description`` the sentence ("Most requests like this are done within 4 days."), ``datatype_description`` the
figures behind it; such a service then says ``metadata: true``. ``expected_datetime`` belongs to service
*requests*, not services: a server answering ``POST requests`` can set it from ``p80_days`` in ``catalogue.json``.

The XML has the same structure as the JSON (:func:`xml_to_structure` reads it back for the check).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from codekit.io.serial import xml_text
from codekit.release import model as m


#: The code of the informational attribute that carries the expected time to close.
EXPECTED_CODE = "codekit_expected_time"


def _expected(doc: m.CatalogueRelease | None, cat: m.Category) -> m.Timeline | None:
    tl = doc.timelines if doc is not None else None
    t = tl.categories.get(cat.id) if tl is not None else None
    return t if t is not None and t.expected else None


def service(cat: m.Category, doc: m.CatalogueRelease | None = None) -> dict[str, Any]:
    return {
        "service_code": cat.id,
        "service_name": cat.label,
        "description": cat.description or None,
        "metadata": bool(cat.questions) or _expected(doc, cat) is not None,
        "type": "realtime",
        "keywords": ", ".join(cat.synonyms) or None,
        "group": cat.groups[0] if cat.groups else None,
    }


def _asked_when(cat: m.Category, q: m.Question) -> str | None:
    if not q.ask_when:
        return None
    parts = []
    for dep, answers in q.ask_when.items():
        dq = next((x for x in cat.questions if x.key == dep), None)
        labels = {c.key: c.label for c in dq.values} if dq else {}
        shown = " or ".join(f'"{labels.get(a, a)}"' for a in answers)
        parts.append(f'"{dq.prompt if dq else dep}" is {shown}')
    return "Asked only when " + " and ".join(parts) + "."


def _days(v: float | None) -> str:
    return "longer than observed" if v is None else f"{v:g} days"


def expected_attribute(t: m.Timeline, as_of: str, order: int) -> dict[str, Any]:
    """The informational (``variable: false``) attribute saying how long requests like this take."""
    return {
        "variable": False, "code": EXPECTED_CODE, "datatype": "string", "required": False,
        "datatype_description": (f"From {t.requests:,} requests ({t.still_open:,} still open) as of {as_of}: half "
                                 f"closed within {_days(t.p50_days)}, 4 in 5 within {_days(t.p80_days)}, 9 in 10 "
                                 f"within {_days(t.p90_days)}."),
        "order": order, "description": t.expected,
    }


def definition(cat: m.Category, doc: m.CatalogueRelease | None = None) -> dict[str, Any]:
    attrs = []
    for i, q in enumerate(cat.questions, 1):
        a: dict[str, Any] = {
            "variable": True,
            "code": q.key,
            "datatype": q.datatype,
            "required": q.required,
            "datatype_description": _asked_when(cat, q),
            "order": i,
            "description": q.prompt,
        }
        if q.values:
            a["values"] = [{"key": v.key, "name": v.label} for v in q.values]
        attrs.append(a)
    t = _expected(doc, cat)
    if t is not None:
        attrs.append(expected_attribute(t, doc.timelines.as_of, len(attrs) + 1))
    return {"service_code": cat.id, "attributes": attrs}


def service_list(doc: m.CatalogueRelease) -> list[dict[str, Any]]:
    return [service(c, doc) for c in doc.categories]


# ----------------------------------------------------------------------------------------------- XML

def _text(v: Any) -> str:
    """Element text: booleans as true/false; characters XML 1.0 cannot hold removed (``io.serial.xml_text``)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return xml_text(v)


def _xml_says(obj: Any) -> Any:
    """``obj`` (JSON data) as its XML says it: the same, with the characters XML cannot hold removed."""
    if isinstance(obj, str):
        return xml_text(obj)
    if isinstance(obj, dict):
        return {k: _xml_says(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_xml_says(v) for v in obj]
    return obj


def _add(parent: ET.Element, tag: str, value: Any) -> None:
    if value is None:
        return
    ET.SubElement(parent, tag).text = _text(value)


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def services_xml(services: list[dict[str, Any]]) -> bytes:
    root = ET.Element("services")
    for s in services:
        el = ET.SubElement(root, "service")
        for k in ("service_code", "service_name", "description", "metadata", "type", "keywords", "group"):
            _add(el, k, s.get(k))
    return _xml_bytes(root)


def definition_xml(d: dict[str, Any]) -> bytes:
    root = ET.Element("service_definition")
    _add(root, "service_code", d["service_code"])
    attrs = ET.SubElement(root, "attributes")
    for a in d["attributes"]:
        el = ET.SubElement(attrs, "attribute")
        for k in ("variable", "code", "datatype", "required", "datatype_description", "order", "description"):
            _add(el, k, a.get(k))
        if "values" in a:
            vals = ET.SubElement(el, "values")
            for v in a["values"]:
                ve = ET.SubElement(vals, "value")
                _add(ve, "key", v["key"])
                _add(ve, "name", v["name"])
    return _xml_bytes(root)


_BOOLS = {"metadata", "variable", "required"}
_INTS = {"order"}
_SERVICE_KEYS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
_ATTR_KEYS = ("variable", "code", "datatype", "required", "datatype_description", "order", "description")


def _typed(tag: str, text: str | None) -> Any:
    text = text or ""
    if tag in _BOOLS:
        return text.strip() == "true"
    if tag in _INTS:
        return int(text)
    return text


def xml_to_structure(data: bytes) -> Any:
    """Read an Open311 services or service-definition XML back into the JSON structure (elements
    left out become ``None``), so a test can check the XML says what the JSON says."""
    root = ET.fromstring(data)
    if root.tag == "services":
        out = []
        for s in root.findall("service"):
            d = {k: None for k in _SERVICE_KEYS}
            for c in s:
                d[c.tag] = _typed(c.tag, c.text)
            out.append(d)
        return out
    if root.tag == "service_definition":
        attrs = []
        found = root.find("attributes")
        for a in list(found) if found is not None else []:
            d: dict[str, Any] = {k: None for k in _ATTR_KEYS}
            for c in a:
                if c.tag == "values":
                    d["values"] = [{"key": v.findtext("key") or "", "name": v.findtext("name") or ""} for v in c]
                else:
                    d[c.tag] = _typed(c.tag, c.text)
            attrs.append(d)
        return {"service_code": root.findtext("service_code"), "attributes": attrs}
    raise ValueError(f"not an Open311 services or service_definition document: <{root.tag}>")


def files(doc: m.CatalogueRelease) -> dict[str, bytes]:
    """Relative path -> bytes of every Open311 file of the release."""
    services = service_list(doc)
    out = {"open311/services.json": m.pretty_json(services), "open311/services.xml": services_xml(services)}
    for c in doc.categories:
        d = definition(c, doc)
        out[f"open311/services/{c.id}.json"] = m.pretty_json(d)
        out[f"open311/services/{c.id}.xml"] = definition_xml(d)
    return out


def check_against_schemas(release_dir, schema_dir) -> list[str]:
    """Check a release's Open311 JSON against the Open311 project's JSON Schemas (``services.json``,
    ``service.json``, ``service-definition.json`` in ``schema_dir``) and check that each XML file says
    what its JSON says. Returns the problems found (empty: all good)."""
    import json
    from pathlib import Path

    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    sdir, rdir = Path(schema_dir), Path(release_dir) / "open311"
    resources = {
        name: Resource.from_contents(json.loads((sdir / name).read_text(encoding="utf-8")), default_specification=DRAFT4)
        for name in ("service.json", "services.json", "service-definition.json")
    }
    registry = Registry().with_resources(resources.items())
    problems: list[str] = []

    def check(instance: Any, schema: str, where: str) -> None:
        v = jsonschema.Draft4Validator(resources[schema].contents, registry=registry)
        for e in sorted(v.iter_errors(instance), key=lambda e: list(e.absolute_path)):
            loc = "/".join(str(x) for x in e.absolute_path)
            problems.append(f"{where}: {loc or '(root)'}: {e.message} (schema {schema})")

    services = json.loads((rdir / "services.json").read_text(encoding="utf-8"))
    check(services, "services.json", "open311/services.json")
    for i, s in enumerate(services):
        check(s, "service.json", f"open311/services.json item {i}")
    if xml_to_structure((rdir / "services.xml").read_bytes()) != _xml_says(services):
        problems.append("open311/services.xml: does not say what services.json says")
    for s in services:
        code = s.get("service_code")
        p = rdir / "services" / f"{code}.json"
        if not p.is_file():
            problems.append(f"open311/services/{code}.json: missing")
            continue
        d = json.loads(p.read_text(encoding="utf-8"))
        check(d, "service-definition.json", f"open311/services/{code}.json")
        x = p.with_suffix(".xml")
        if not x.is_file() or xml_to_structure(x.read_bytes()) != _xml_says(d):
            problems.append(f"open311/services/{code}.xml: missing or does not say what {code}.json says")
    return problems
