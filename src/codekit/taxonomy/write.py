"""Write public categories as clean, human-editable YAML: deterministic bytes, atomic writes.

Small mappings (``when``, a field fill, an answer ``{key, label}``) are written in flow style on one
line so a category reads top to bottom like a form; everything else in block style. Keys come in a
fixed, documented order (docs/taxonomy.md), never sorted alphabetically, so a diff of an edited file
shows only the edit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codekit.io.yamlio import Flow, FlowList, dump_yaml
from codekit.taxonomy.model import FORMAT_VERSION, FieldFill, PublicCategory, Question, Route


_Flow, _FlowList = Flow, FlowList


def _one_or_list(values: tuple[str, ...]) -> Any:
    return values[0] if len(values) == 1 else _FlowList(values)


def _value(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return _FlowList(v)
    return v


def fill_to_dict(fill: FieldFill) -> _Flow:
    d = _Flow()
    if fill.source:
        d["from"] = fill.source
        if fill.map:
            d["map"] = _Flow(fill.map)
    elif fill.derived is not None:
        d["derived"] = _value(fill.derived)
    else:
        d["constant"] = _value(fill.constant)
    if fill.excluded:
        d["excluded"] = _Flow(fill.excluded)
    return d


def question_to_dict(q: Question) -> dict:
    d: dict[str, Any] = {"key": q.key, "prompt": q.prompt, "datatype": q.datatype}
    if not q.required:
        d["required"] = False
    if q.ask_when:
        d["ask_when"] = _Flow((k, _one_or_list(v)) for k, v in q.ask_when)
    if q.values:
        d["values"] = [_Flow(key=v.key, label=v.label or v.key) for v in q.values]
    return d


def route_to_dict(r: Route) -> dict:
    d: dict[str, Any] = {}
    d["when"] = _Flow((k, _one_or_list(v)) for k, v in r.when)
    if r.referral is not None:
        ref: dict[str, Any] = {"to": r.referral.to, "message": r.referral.message}
        if r.referral.url:
            ref["url"] = r.referral.url
        if r.referral.phone:
            ref["phone"] = r.referral.phone
        d["referral"] = ref
    if r.code:
        d["code"] = r.code
    if r.division:
        d["division"] = r.division
    if r.section:
        d["section"] = r.section
    if r.ctl_level is not None:
        d["ctl_level"] = r.ctl_level
    if r.sla_days is not None:
        d["sla_days"] = int(r.sla_days) if float(r.sla_days).is_integer() else r.sla_days
    if r.fields:
        d["fields"] = {k: fill_to_dict(f) for k, f in r.fields}
    if r.dropped:
        d["dropped"] = dict(r.dropped)
    if r.note:
        d["note"] = r.note
    return d


def category_to_dict(c: PublicCategory) -> dict:
    """The category as the ordered dict written to YAML (also what the JSON Schema describes)."""
    d: dict[str, Any] = {"codekit_taxonomy": FORMAT_VERSION, "id": c.id, "label": c.label}
    if c.description:
        d["description"] = c.description
    if c.synonyms:
        d["synonyms"] = list(c.synonyms)
    d["groups"] = list(c.groups)
    if c.ctl_level is not None:
        d["ctl_level"] = c.ctl_level
    if c.milestones:
        d["milestones"] = list(c.milestones)
    if c.notes:
        d["notes"] = c.notes
    if c.questions:
        d["questions"] = [question_to_dict(q) for q in c.questions]
    d["routes"] = [route_to_dict(r) for r in c.routes]
    if c.merged:
        d["merged"] = [_Flow(code=m.code, into=m.into, reason=m.reason) for m in c.merged]
    return d


def dump_category(c: PublicCategory) -> str:
    """The YAML text of a category (deterministic)."""
    return dump_yaml(category_to_dict(c))


def write_category(category: PublicCategory, path: str | Path) -> Path:
    """Write one category to ``path`` (usually ``taxonomy/<id>.yaml``) atomically; returns the path."""
    path = Path(path)
    text = dump_category(category)
    write_text_atomic(path, text)
    return path


def write_taxonomy(categories, out_dir: str | Path) -> list[Path]:
    """Write each category to ``out_dir/<id>.yaml``; returns the paths written (sorted)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [write_category(c, out / f"{c.id}.yaml") for c in sorted(categories, key=lambda c: c.id)]


def write_text_atomic(path: Path, text: str) -> None:
    from codekit.io.files import write_text_atomic as _write

    _write(path, text, make_parents=False)


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


def category_to_plain(c: PublicCategory) -> dict:
    """Like :func:`category_to_dict` but with plain dicts/lists only (JSON-ready; ``codekit edit``)."""
    return _plain(category_to_dict(c))
