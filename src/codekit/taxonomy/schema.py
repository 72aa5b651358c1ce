"""The JSON Schema of one ``taxonomy/<id>.yaml`` file, generated from ``codekit.taxonomy.model``.

Keys, descriptions, required flags and scalar shapes come from the dataclass field metadata; the
composite shapes (conditions, fills, lists of questions/routes) are assembled here from the same
dataclasses. ``schemas/taxonomy-category.schema.json`` is the committed output of
:func:`schema_text`; a test fails when they drift (regenerate with
``python -m codekit.taxonomy.schema > schemas/taxonomy-category.schema.json``).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from codekit.taxonomy.model import (
    FORMAT_VERSION, Choice, FieldFill, Merge, PublicCategory, Question, Referral, Route,
)

SCHEMA_ID = "https://codekit.example/schemas/taxonomy-category.schema.json"

# Shapes are written without oneOf where a type list does the job: keywords such as `items` or
# `required` apply only to values of their own type, so one schema covers "a key or a list of keys"
# and validation stays fast (no branch is evaluated twice).
_KEY = {"type": ["string", "number", "boolean"], "description": "An answer key."}
_KEYS = {"type": ["string", "number", "boolean", "array"], "items": _KEY, "minItems": 1}
_CONDITIONS = {
    "type": "object",
    "additionalProperties": _KEYS,
    "description": "Question key -> one answer key or a list of answer keys (any of them).",
}
_VALUE = {"type": ["string", "number", "boolean", "array"], "items": {"type": ["string", "number", "boolean"]}}


def _object(cls, overrides: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    for f in fields(cls):
        meta = f.metadata
        if meta.get("internal") or "key" not in meta:
            continue
        schema = dict(overrides.get(meta["key"], meta["schema"]) or {})
        schema["description"] = meta["doc"]
        props[meta["key"]] = schema
        if meta["required"]:
            required.append(meta["key"])
    out: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": props}
    if required:
        out["required"] = required
    return out


def category_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a category file."""
    choice = _object(Choice, {})
    choice_or_key = {
        **choice, "type": ["string", "number", "boolean", "object"],
        "description": "An allowed answer: `{key, label}`, or just the key.",
    }
    question = _object(Question, {
        "values": {"type": "array", "items": {"$ref": "#/$defs/choice"}, "minItems": 1},
        "ask_when": _CONDITIONS,
    })
    referral = _object(Referral, {})
    fill = _object(FieldFill, {
        "map": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
        "derived": _VALUE,
        "constant": _VALUE,
        "excluded": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
    })
    fill["oneOf"] = [{"required": ["from"]}, {"required": ["derived"]}, {"required": ["constant"]}]
    fill["dependentRequired"] = {"map": ["from"]}
    fill["description"] = "Exactly one of `from` (with an optional `map`), `derived` or `constant`."
    route = _object(Route, {
        "when": _CONDITIONS,
        "referral": {"$ref": "#/$defs/referral"},
        "fields": {"type": "object", "additionalProperties": {"$ref": "#/$defs/fill"}},
        "dropped": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
    })
    route["required"] = ["when"]
    route["anyOf"] = [{"required": ["code"]}, {"required": ["referral"]}]
    route["description"] = "A route names a `code`, a `referral`, or both (a referral recorded under a code)."
    category = _object(PublicCategory, {
        "questions": {"type": "array", "items": {"$ref": "#/$defs/question"}},
        "routes": {"type": "array", "items": {"$ref": "#/$defs/route"}, "minItems": 1},
        "merged": {"type": "array", "items": {"$ref": "#/$defs/merge"}},
    })
    props = {"codekit_taxonomy": {"const": FORMAT_VERSION, "description": "Format version of the file."}}
    props.update(category["properties"])
    category["properties"] = props
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "codekit public category (taxonomy/<id>.yaml)",
        "description": "One public category: what residents see, the questions asked and the routes "
        "to service codes or referrals. See docs/taxonomy.md.",
        **category,
        "$defs": {
            "choice": choice_or_key,
            "question": question,
            "referral": referral,
            "fill": fill,
            "merge": _object(Merge, {}),
            "route": route,
        },
    }


def schema_text() -> str:
    """The committed file's exact text."""
    from codekit.io.serial import json_text

    return json_text(category_schema(), indent=2) + "\n"


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.write(schema_text())
