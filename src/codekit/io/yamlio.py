"""The one loader of every human-edited YAML file (taxonomy categories, catalogues, constraints, projects).

Safe loading (libyaml's parser when present) that records 1-based line numbers on every mapping and
sequence, refuses anchors/aliases (which also refuses alias bombs, in time proportional to the text),
merge keys and duplicate keys, and reads only ``true``/``false`` as booleans: ``NO``, ``yes``, ``on``
stay text. Every error is a :class:`~codekit.errors.SchemaError` naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from codekit.errors import InputError, SchemaError

#: Largest YAML file read (a category or catalogue of thousands of codes fits many times over).
MAX_YAML_BYTES = 64_000_000


class _Map(dict):
    """A YAML mapping that remembers where it and each of its keys start (1-based lines)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class _Seq(list):
    """A YAML sequence that remembers where it and each of its items start."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        try:
            return self.item_lines[index]
        except (IndexError, TypeError):
            return self.line


_BASE = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


class _Loader(_BASE):  # type: ignore[misc,valid-type]
    """Safe loading (libyaml's parser when present) that records line numbers, refuses aliases,
    merge keys and duplicate keys, and reads only ``true``/``false`` as booleans (``yes``/``no``/
    ``on``/``off`` stay text).

    Aliases are found on the composed node graph before anything is constructed: an alias makes one
    node reachable twice, so a billion-laughs document is refused at its first repeat, in time
    proportional to its (small) text, without expanding anything."""

    def get_single_data(self):  # type: ignore[override]
        node = self.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return self.construct_document(node)


#: Deepest nesting of mappings and sequences read (a taxonomy category needs about ten).
MAX_DEPTH = 100


def _refuse_aliases(root: yaml.Node) -> None:
    """Refuse aliases and nesting deeper than :data:`MAX_DEPTH`, walking the nodes without recursion."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise _Refused(
                f"a YAML alias (repeating the node anchored on line {node.start_mark.line + 1}) is not allowed",
                node.start_mark.line + 1,
            )
        seen.add(id(node))
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and depth > MAX_DEPTH:
            raise _Refused(f"the YAML nests more than {MAX_DEPTH} levels deep", node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend(((v, depth + 1), (k, depth + 1)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((n, depth + 1) for n in reversed(node.value))


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Refused(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _construct_map(loader: _Loader, node: yaml.MappingNode):
    m = _Map()
    m.line = node.start_mark.line + 1
    m.key_lines = {}
    yield m
    for k_node, v_node in node.value:
        if k_node.tag == "tag:yaml.org,2002:merge":
            raise _Refused("YAML merge keys (<<) are not allowed", k_node.start_mark.line + 1)
        key = loader.construct_object(k_node, deep=True)
        if isinstance(key, (list, dict)):
            raise _Refused("a mapping key must be text", k_node.start_mark.line + 1)
        key = key_text(key)
        if key in m:
            raise _Refused(
                f"duplicate key {key!r} (first on line {m.key_lines[key]})", k_node.start_mark.line + 1
            )
        m[key] = loader.construct_object(v_node, deep=True)
        m.key_lines[key] = k_node.start_mark.line + 1


def _construct_seq(loader: _Loader, node: yaml.SequenceNode):
    s = _Seq()
    s.line = node.start_mark.line + 1
    s.item_lines = [n.start_mark.line + 1 for n in node.value]
    yield s
    s.extend(loader.construct_object(n, deep=True) for n in node.value)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def key_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    return str(v)


def _first_alias_line(text: str) -> int | None:
    try:
        for ev in yaml.parse(text, Loader=_BASE):
            if isinstance(ev, yaml.AliasEvent):
                return ev.start_mark.line + 1
    except yaml.YAMLError:
        return None
    return None


def parse_yaml(text: str, path: str | Path) -> Any:
    """Parse one YAML document with line tracking; errors name the file and line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except _Refused as e:
        if e.message.startswith("a YAML alias"):
            e.line = _first_alias_line(text) or e.line
        raise SchemaError(
            e.message, path=str(path), line=e.line,
            hint="aliases and merge keys are refused (this also refuses alias bombs): "
            "write the text out in full" if "YAML a" in e.message or "merge" in e.message
            else f"a human-edited file needs at most {MAX_DEPTH} levels" if "nests" in e.message
            else "remove the repeated key" if "duplicate" in e.message else "write the key as plain text",
        ) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = e.problem or e.context or "not valid YAML"
        raise SchemaError(
            f"YAML syntax error: {problem}", path=str(path), line=line,
            hint="check indentation, colons and quotes on that line",
        ) from None
    except yaml.YAMLError as e:
        raise SchemaError(f"YAML error: {str(e).splitlines()[0] if str(e) else type(e).__name__}",
                          path=str(path)) from None
    except RecursionError:
        raise SchemaError("the YAML nests too deeply", path=str(path),
                          hint=f"a human-edited file needs at most {MAX_DEPTH} levels") from None


def load_yaml_file(path: str | Path, *, max_bytes: int = MAX_YAML_BYTES) -> Any:
    """Read (BOM, cp1252 and UTF-16 decoded as everywhere else) and parse one YAML file."""
    from codekit.io.text import check_file, read_text

    p = check_file(path)
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError("the YAML file is too large", path=str(p), expected=f"at most {max_bytes} bytes",
                         found=f"{size} bytes")
    text, _enc = read_text(p)
    return parse_yaml(text, p)


def plain(obj: Any) -> Any:
    """The parsed document as plain dicts and lists (line information dropped)."""
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [plain(v) for v in obj]
    return obj
