"""Load a ``taxonomy/`` folder: safe YAML that remembers line numbers, checked against the schema.

Every problem in the files themselves is a :class:`~codekit.errors.SchemaError` (exit 2) naming the
file and line: YAML syntax, anchors/aliases (refused outright, which also refuses alias bombs),
duplicate keys, unknown keys, wrong shapes, two files claiming one id, a list question without
allowed values, a condition or dependency naming an unknown question or answer. Problems of the
taxonomy's relation to the catalogue (unknown codes, dropped fields, ...) are findings of
``codekit validate``, not errors.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from codekit.errors import InputError, SchemaError
from codekit.io.text import read_text
from codekit.io.yamlio import _Map, _Seq, key_text as _key_text, parse_yaml
from codekit.taxonomy.model import (
    FORMAT_VERSION, Choice, FieldFill, Merge, PublicCategory, Question, Referral, Route, Taxonomy,
)

#: Largest category file read (a category is a page of text; anything bigger is a mistake).
MAX_FILE_BYTES = 2_000_000


# ---------------------------------------------------------------------------------------------
# shape check (JSON Schema) with lines


def _line_at(doc: Any, path: list) -> int:
    """The line of the deepest node along ``path`` (a jsonschema absolute_path)."""
    node, line = doc, getattr(doc, "line", 1) or 1
    for step in path:
        if isinstance(node, _Map) and step in node:
            line = node.line_of(step)
            node = node[step]
        elif isinstance(node, _Seq) and isinstance(step, int) and step < len(node):
            line = node.line_of(step)
            node = node[step]
        else:
            break
    return line


def _dotted(path: list) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(top level)"


_VALIDATOR: dict[str, Any] = {}


def _schema_errors(doc: Any, path: str) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    from codekit.taxonomy.schema import category_schema

    validator = _VALIDATOR.get("v")
    if validator is None:
        validator = _VALIDATOR["v"] = Draft202012Validator(category_schema())
    if validator.is_valid(doc):
        return
    errors = list(validator.iter_errors(doc))
    found = []
    for err in errors:
        loc = list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set(err.schema.get("properties", {}))
            for key in sorted(k for k in err.instance if k not in allowed):
                line = _line_at(doc, loc + [key])
                found.append((0, line, f"unknown key {key!r} in {_dotted(loc)}",
                              "allowed keys: " + ", ".join(err.schema.get("properties", {}))))
            continue
        if err.validator in ("oneOf", "anyOf") and err.context and isinstance(err.instance, dict):
            # descend into the branch meant for a mapping (the scalar branches only say "not a string")
            inner = [e for e in err.context if not (e.validator == "type" and not e.relative_path)]
            if inner and not all(e.validator in ("required", "not") for e in inner):
                err = best_match(inner)
                loc = list(err.absolute_path)
                if err.validator == "additionalProperties":
                    allowed = set(err.schema.get("properties", {}))
                    for key in sorted(k for k in err.instance if k not in allowed):
                        found.append((0, _line_at(doc, loc + [key]), f"unknown key {key!r} in {_dotted(loc)}",
                                      "allowed keys: " + ", ".join(err.schema.get("properties", {}))))
                    continue
        line = _line_at(doc, loc)
        desc = err.schema.get("description") if isinstance(err.schema, dict) else None
        msg = err.message
        if err.validator in ("oneOf", "anyOf") and desc:
            msg, desc = desc[0].lower() + desc[1:].rstrip("."), None
        found.append((1, line, f"{_dotted(loc)}: {msg}", desc or "see docs/taxonomy.md"))
    # unknown keys first (a misspelt key also makes a required one "missing"), then by line
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    _, line, msg, hint = found[0]
    raise SchemaError(msg, path=path, line=line, hint=hint)


# ---------------------------------------------------------------------------------------------
# conversion to the model


def _as_tuple(v: Any) -> tuple[str, ...]:
    if isinstance(v, list):
        return tuple(_key_text(x) for x in v)
    return (_key_text(v),)


def _conditions(m: _Map | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not m:
        return ()
    return tuple((str(k), _as_tuple(v)) for k, v in m.items())


def _plain_value(v: Any) -> Any:
    if isinstance(v, list):
        return [_key_text(x) if not isinstance(x, (int, float)) or isinstance(x, bool) else x for x in v]
    if isinstance(v, bool):
        return _key_text(v)
    return v


def _question(d: _Map) -> Question:
    values = []
    for v in d.get("values") or ():
        if isinstance(v, dict):
            values.append(Choice(_key_text(v["key"]), str(v.get("label", "") or "")))
        else:
            values.append(Choice(_key_text(v), _key_text(v)))
    return Question(
        key=_key_text(d["key"]), prompt=str(d.get("prompt", "") or ""),
        datatype=str(d.get("datatype", "singlevaluelist")), values=tuple(values),
        required=bool(d.get("required", True)), ask_when=_conditions(d.get("ask_when")), line=d.line,
    )


def _fill(d: _Map) -> FieldFill:
    ex = tuple((_key_text(k), str(v)) for k, v in (d.get("excluded") or {}).items())
    if "from" in d:
        m = d.get("map") or {}
        return FieldFill(source=_key_text(d["from"]), map=tuple((_key_text(k), _key_text(v)) for k, v in m.items()),
                         excluded=ex, line=d.line)
    if "derived" in d:
        return FieldFill(derived=_plain_value(d["derived"]), excluded=ex, line=d.line)
    return FieldFill(constant=_plain_value(d["constant"]), excluded=ex, line=d.line)


def _route(d: _Map) -> Route:
    ref = d.get("referral")
    referral = None
    if ref is not None:
        referral = Referral(message=str(ref.get("message", "")), to=str(ref.get("to", "")),
                            url=str(ref.get("url", "") or ""), phone=_key_text(ref.get("phone", "") or ""))
    fields = d.get("fields") or {}
    dropped = d.get("dropped") or {}
    sla = d.get("sla_days")
    return Route(
        when=_conditions(d.get("when")), code=_key_text(d.get("code", "") or ""), referral=referral,
        fields=tuple((str(k), _fill(v)) for k, v in fields.items()),
        dropped=tuple((str(k), str(v or "")) for k, v in dropped.items()),
        division=str(d.get("division", "") or ""), section=str(d.get("section", "") or ""),
        ctl_level=d.get("ctl_level"), sla_days=float(sla) if sla is not None else None,
        note=str(d.get("note", "") or ""), line=d.line, key_lines=tuple(sorted(d.key_lines.items())),
    )


def category_from_data(doc: Any, path: str | Path = "<memory>") -> PublicCategory:
    """Check a parsed category document (shape and internal references) and build the model."""
    path = str(path)
    if not isinstance(doc, dict):
        raise SchemaError(
            "a category file must be a YAML mapping", path=path, line=getattr(doc, "line", 1) or 1,
            expected="id, label, groups, questions, routes", found=type(doc).__name__ if doc is not None else "an empty file",
        )
    if not isinstance(doc, _Map):  # built in memory: give it line info
        doc = _relined(doc)
    version = doc.get("codekit_taxonomy", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise SchemaError(
            "unknown taxonomy format version", path=path, line=doc.line_of("codekit_taxonomy"),
            expected=str(FORMAT_VERSION), found=repr(version),
            hint="this codekit reads format 1; upgrade codekit or convert the file",
        )
    _schema_errors(doc, path)
    _refuse_control_characters(doc, path)
    questions = [_question(q) for q in doc.get("questions") or ()]
    routes = [_route(r) for r in doc["routes"]]
    cat = PublicCategory(
        id=str(doc["id"]), label=str(doc["label"]), description=str(doc.get("description", "") or ""),
        synonyms=tuple(str(s) for s in doc.get("synonyms") or ()), groups=tuple(str(g) for g in doc["groups"]),
        ctl_level=doc.get("ctl_level"), milestones=tuple(str(m) for m in doc.get("milestones") or ()),
        questions=tuple(questions), routes=tuple(routes), notes=str(doc.get("notes", "") or ""),
        merged=tuple(Merge(code=_key_text(m["code"]), into=_key_text(m["into"]), reason=str(m["reason"]), line=m.line)
                     for m in doc.get("merged") or ()),
        path=path, line=doc.line, routes_line=doc.line_of("routes"), key_lines=tuple(sorted(doc.key_lines.items())),
    )
    _check_references(cat, doc, path)
    return cat


def _refuse_control_characters(doc: _Map, path: str) -> None:
    """Refuse a control character anywhere in a category's text (with its line): residents read these words,
    and Open311 XML, SKOS and terminals cannot hold them. Tabs and line breaks stay allowed in free text."""
    from codekit.io.catalogue import _CONTROL, _CONTROL_IN_ID

    def walk(node: Any, where: str, line: int) -> None:
        if isinstance(node, _Map):
            for k, v in node.items():
                ln = node.line_of(k)
                check(str(k), _CONTROL_IN_ID, f"{where}.{k}" if where else str(k), ln)
                walk(v, f"{where}.{k}" if where else str(k), ln)
        elif isinstance(node, _Seq):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]", node.line_of(i))
        elif isinstance(node, str):
            free = where.rsplit(".", 1)[-1] in ("description", "notes", "reason", "message", "prompt")
            check(node, _CONTROL if free else _CONTROL_IN_ID, where, line)

    def check(text: str, rx: Any, where: str, line: int) -> None:
        m = rx.search(text)
        if m is not None:
            raise SchemaError(f"{where} holds a control character ({ascii(m.group())[1:-1]})", path=path, line=line,
                              hint="remove the character: residents read this text, and XML cannot hold it")

    walk(doc, "", doc.line)


def _relined(obj: Any) -> Any:
    if isinstance(obj, dict):
        m = _Map((str(k), _relined(v)) for k, v in obj.items())
        m.line, m.key_lines = 1, {}
        return m
    if isinstance(obj, (list, tuple)):
        s = _Seq(_relined(v) for v in obj)
        s.line, s.item_lines = 1, []
        return s
    return obj


def _check_references(cat: PublicCategory, doc: _Map, path: str) -> None:
    qdocs = doc.get("questions") or []
    seen: dict[str, int] = {}
    for i, q in enumerate(cat.questions):
        line = q.line
        if q.key in seen:
            raise SchemaError(f"question {q.key!r} is defined twice (first on line {seen[q.key]})",
                              path=path, line=line, hint="give each question its own key")
        seen[q.key] = line
        if q.is_list and not q.values:
            raise SchemaError(
                f"question {q.key!r} is a {q.datatype} without allowed values", path=path, line=line,
                hint="list the answers under `values`, or make it a string/text question",
            )
        if not q.is_list and q.values:
            raise SchemaError(f"question {q.key!r} is a {q.datatype} question but lists values", path=path,
                              line=qdocs[i].line_of("values"), hint="use datatype singlevaluelist or multivaluelist")
        keys = q.value_keys()
        counts = Counter(keys)
        dup = sorted(k for k, n in counts.items() if n > 1)
        if dup:
            raise SchemaError(f"question {q.key!r} lists the answer {dup[0]!r} twice", path=path,
                              line=qdocs[i].line_of("values"))
        earlier = {p.key: p for p in cat.questions[:i]}
        for dep, allowed in q.ask_when:
            dline = qdocs[i]["ask_when"].line_of(dep)
            p = earlier.get(dep)
            if p is None:
                where = "a later" if cat.question(dep) else "an unknown"
                raise SchemaError(f"question {q.key!r} depends on {where} question {dep!r}", path=path, line=dline,
                                  hint="ask_when may only name questions asked before this one")
            _check_answers(p, allowed, path, dline, f"question {q.key!r} ask_when")
    rdocs = doc["routes"]
    answer_sets: dict[str, frozenset[str]] = {}
    for j, r in enumerate(cat.routes):
        for qk, allowed in r.when:
            wline = rdocs[j]["when"].line_of(qk) if isinstance(rdocs[j].get("when"), _Map) else r.line
            q = cat.question(qk)
            if q is None:
                raise SchemaError(f"route condition names an unknown question {qk!r}", path=path, line=wline,
                                  hint="define the question under `questions` or fix the key")
            if q.key not in answer_sets:
                answer_sets[q.key] = frozenset(q.value_keys())
            _check_answers(q, allowed, path, wline, "route condition", answer_sets[q.key])
        for fk, fill in r.fields:
            if fill.source and cat.question(fill.source) is None:
                raise SchemaError(
                    f"field {fk!r} is filled from an unknown question {fill.source!r}", path=path, line=fill.line,
                    hint="define the question under `questions` or fix the key",
                )
        if r.referral is not None and not r.code and (r.fields or r.dropped):
            raise SchemaError("a referral route without a code cannot fill operational fields", path=path,
                              line=r.line, hint="remove `fields`/`dropped`, or name the `code` it is recorded under")


def _check_answers(q: Question, allowed: tuple[str, ...], path: str, line: int, what: str,
                   answers: frozenset[str] | None = None) -> None:
    if q.datatype != "singlevaluelist":
        raise SchemaError(
            f"{what} names {q.key!r}, a {q.datatype} question", path=path, line=line,
            hint="conditions may only name single-choice (singlevaluelist) questions",
        )
    answers = frozenset(q.value_keys()) if answers is None else answers
    for a in allowed:
        if a not in answers:
            raise SchemaError(
                f"{what} uses the answer {a!r} that question {q.key!r} cannot give", path=path, line=line,
                expected=", ".join(q.value_keys()), found=repr(a),
            )


def load_category(path: str | Path) -> PublicCategory:
    """Read and check one category file."""
    p = Path(path)
    if not p.is_file():
        raise InputError("no such category file", path=str(p))
    if p.stat().st_size > MAX_FILE_BYTES:
        raise SchemaError("the category file is too large", path=str(p), expected=f"at most {MAX_FILE_BYTES} bytes",
                          found=f"{p.stat().st_size} bytes")
    text, _enc = read_text(p)
    doc = parse_yaml(text, p)
    return category_from_data(doc, p)


def category_files(directory: str | Path) -> list[Path]:
    from codekit.io.text import refuse_special_files

    d = Path(directory)
    everything = list(d.rglob("*"))
    refuse_special_files(d, everything, what="taxonomy folder")  # a FIFO there is refused, not skipped
    files = [p for p in everything if p.suffix in (".yaml", ".yml") and p.is_file()]
    files = [p for p in files if not any(part.startswith((".", "_")) for part in p.relative_to(d).parts)]
    return sorted(files, key=lambda p: p.relative_to(d).as_posix())


def load_taxonomy(directory: str | Path) -> Taxonomy:
    """Load every category file under ``directory`` (``*.yaml``/``*.yml``; names starting with ``_``
    or ``.`` are skipped). Raises :class:`SchemaError` naming the file and line on any broken file."""
    d = Path(directory)
    if not d.exists():
        raise InputError("no such taxonomy folder", path=str(d), hint="give the folder holding the category YAML files")
    if not d.is_dir():
        raise InputError("the taxonomy must be a folder of YAML files", path=str(d),
                         hint="give the folder, not one file")
    files = category_files(d)
    if not files:
        raise InputError("the taxonomy folder has no category files", path=str(d),
                         expected="one <id>.yaml per public category", found="none")
    cats: list[PublicCategory] = []
    first: dict[str, PublicCategory] = {}
    for f in files:
        c = load_category(f)
        if c.id in first:
            other = first[c.id]
            raise SchemaError(
                f"category id {c.id!r} is claimed by two files (also {other.path}, line {_id_line(other)})",
                path=str(f), line=_id_line(c), hint="ids are unique: give one of them another id",
            )
        first[c.id] = c
        cats.append(c)
    from codekit.taxonomy.retired import load_retired

    return Taxonomy(cats, source=str(d), retired=load_retired(d))


def _id_line(c: PublicCategory) -> int:
    try:
        for i, line in enumerate(Path(c.path).read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if line.startswith("id:"):
                return i
    except OSError:
        pass
    return c.line or 1
