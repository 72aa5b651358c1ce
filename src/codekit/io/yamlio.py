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


# ------------------------------------------------------------------------------------------------
# writing: the house style, and edits that keep every byte of a hand-edited file they do not change


class Flow(dict):
    """A mapping written on one line: ``{key: value, ...}``."""


class FlowList(list):
    """A list written on one line: ``[a, b]``."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):  # lists indented under keys
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:  # never write anchors/aliases (the loader refuses them)
        return True


def _repr_flow(dumper: yaml.SafeDumper, data: Flow):
    return dumper.represent_mapping("tag:yaml.org,2002:map", list(data.items()), flow_style=True)


def _repr_flow_list(dumper: yaml.SafeDumper, data: FlowList):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(data), flow_style=True)


def _repr_dict(dumper: yaml.SafeDumper, data: dict):
    return dumper.represent_mapping("tag:yaml.org,2002:map", list(data.items()), flow_style=False)


def _repr_str(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(Flow, _repr_flow)
_Dumper.add_representer(FlowList, _repr_flow_list)
_Dumper.add_representer(dict, _repr_dict)
_Dumper.add_representer(_Map, _repr_dict)
_Dumper.add_representer(_Seq, yaml.SafeDumper.represent_list)
_Dumper.add_representer(str, _repr_str)

#: Line width of written YAML.
WIDTH = 100


def dump_yaml(data: Any, *, width: int = WIDTH) -> str:
    """YAML text in the house style: keys in the given order, block style except :class:`Flow` and
    :class:`FlowList` (one line), lists indented under their key, multi-line text as ``|`` blocks, no aliases."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=width,
                     default_flow_style=False, indent=2)


def patch_yaml(text: str, old: Any, new: Any, path: str | Path = "<memory>") -> str:
    """``text`` with only the parts where ``new`` differs from ``old`` rewritten.

    ``old`` is the document ``text`` holds, as plain data (dicts, lists, scalars; :class:`Flow` marks the
    mappings written on one line); ``new`` the document wanted. Every changed mapping entry or list item is
    re-written in the house style (:func:`dump_yaml`) in place; everything else -- comments, blank lines,
    quoting, line breaks, key order, keys ``old`` does not mention -- is kept byte for byte. Mappings and
    lists written in flow style (``{...}``, ``[...]``) are rewritten whole when anything in them changes.
    The caller checks the result by parsing it (:func:`parse_yaml`).
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)  # the pure-Python loader: marks count characters
    if root is None:
        raise SchemaError("the YAML file is empty", path=str(path))
    nl = "\r\n" if "\r\n" in text else "\n"
    edits: list[tuple[int, int, str]] = []
    _Patcher(text, edits).node(root, old, new)
    out = text
    order = sorted(range(len(edits)), key=lambda i: (edits[i][0], edits[i][1], i), reverse=True)
    for start, end, repl in (edits[i] for i in order):
        if nl != "\n":
            repl = repl.replace("\r\n", "\n").replace("\n", nl)
        out = out[:start] + repl + out[end:]
    return out


def _canon(v: Any) -> str:
    import json

    return json.dumps(plain(v), sort_keys=True, ensure_ascii=False, default=str)


class _Patcher:
    """Collects (start, end, replacement) character splices turning ``old`` into ``new`` inside the text."""

    def __init__(self, text: str, edits: list) -> None:
        self.text = text
        self.edits = edits

    # -- positions
    def content_end(self, node: yaml.Node) -> int:
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
            last = node.value[-1]
            return self.content_end(last[1] if isinstance(node, yaml.MappingNode) else last)
        e = node.end_mark.index
        while e > node.start_mark.index and self.text[e - 1] in " \t\r\n":
            e -= 1
        return e

    def line_start(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def line_end(self, i: int) -> int:
        j = self.text.find("\n", i)
        if j < 0:
            return len(self.text)
        return j - 1 if j > 0 and self.text[j - 1] == "\r" else j

    def after_line(self, i: int) -> int:
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j + 1

    def column(self, i: int) -> int:
        return i - self.line_start(i)

    def first_on_line(self, i: int) -> bool:
        return not self.text[self.line_start(i):i].strip()

    def dash(self, item: yaml.Node) -> int:
        return self.text.rfind("-", 0, item.start_mark.index)

    # -- text
    @staticmethod
    def at_column(fragment: str, col: int) -> str:
        lines = fragment.rstrip("\n").split("\n")
        pad = " " * col
        return lines[0] + "".join("\n" + (pad + ln if ln else "") for ln in lines[1:])

    def entry_text(self, key: str, value: Any, col: int) -> str:
        return self.at_column(dump_yaml({key: value}), col)

    def item_text(self, value: Any, col: int) -> str:
        return self.at_column(dump_yaml([value]), col)

    # -- the walk
    def node(self, node: yaml.Node, old: Any, new: Any) -> None:
        if _canon(old) == _canon(new):
            return
        if (isinstance(node, yaml.MappingNode) and not node.flow_style and isinstance(old, dict)
                and isinstance(new, dict) and not isinstance(new, Flow)):
            return self.mapping(node, old, new)
        if (isinstance(node, yaml.SequenceNode) and not node.flow_style and isinstance(old, list)
                and isinstance(new, list) and not isinstance(new, FlowList) and new and len(node.value) == len(old)):
            return self.sequence(node, old, new)
        raise _Rewrite  # the caller rewrites the whole entry or item holding this node

    def mapping(self, node: yaml.MappingNode, old: dict, new: dict) -> None:
        entries = {key_text(k.value): (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        order = list(entries)
        for key in [k for k in old if k not in new and k in entries]:
            self.delete_entry(node, key, entries)
        for key, value in new.items():
            if key in entries:
                k_node, v_node = entries[key]
                if key in old:
                    try:
                        self.node(v_node, old[key], value)
                    except _Rewrite:
                        self.replace_entry(k_node, v_node, key, value)
                else:
                    self.replace_entry(k_node, v_node, key, value)
            elif key in old and _canon(old[key]) == _canon(value):
                continue  # a default the text leaves out (``codekit_taxonomy: 1``): still left out
            else:
                before = [k for k in list(new)[: list(new).index(key)] if k in entries and (k in new)]
                anchor = before[-1] if before else order[0]
                k_node, v_node = entries[anchor]
                col = self.column(k_node.start_mark.index)
                if before:
                    pos = self.line_end(self.content_end(v_node))
                    self.edits.append((pos, pos, "\n" + " " * col + self.entry_text(key, value, col)))
                else:
                    pos = k_node.start_mark.index
                    self.edits.append((pos, pos, self.entry_text(key, value, col) + "\n" + " " * col))

    def replace_entry(self, k_node: yaml.Node, v_node: yaml.Node, key: str, value: Any) -> None:
        start = k_node.start_mark.index
        self.edits.append((start, self.content_end(v_node), self.entry_text(key, value, self.column(start))))

    def delete_entry(self, node: yaml.MappingNode, key: str, entries: dict) -> None:
        k_node, v_node = entries[key]
        start = k_node.start_mark.index
        keys = list(entries)
        i = keys.index(key)
        if self.first_on_line(start):
            self.edits.append((self.line_start(start), self.after_line(self.content_end(v_node)), ""))
        elif i + 1 < len(keys):  # "- key: v" with more keys below: the next key moves up after the dash
            self.edits.append((start, entries[keys[i + 1]][0].start_mark.index, ""))
        else:
            raise _Rewrite

    def sequence(self, node: yaml.SequenceNode, old: list, new: list) -> None:
        from difflib import SequenceMatcher

        items = node.value
        sm = SequenceMatcher(None, [_canon(x) for x in old], [_canon(x) for x in new], autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    try:
                        self.node(items[i], old[i], new[j])
                    except _Rewrite:
                        d = self.dash(items[i])
                        self.edits.append((d, self.content_end(items[i]), self.item_text(new[j], self.column(d))))
                continue
            for i in range(i1, i2):  # delete (or the old side of an uneven replace)
                d = self.dash(items[i])
                self.edits.append((self.line_start(d), self.after_line(self.content_end(items[i])), ""))
            if j2 > j1:  # insert (or the new side)
                col = self.column(self.dash(items[0]))
                block = "\n".join(" " * col + self.item_text(v, col) for v in new[j1:j2])
                if i1 < len(items):
                    pos = self.line_start(self.dash(items[i1]))
                    self.edits.append((pos, pos, block + "\n"))
                else:
                    pos = self.line_end(self.content_end(items[-1]))
                    self.edits.append((pos, pos, "\n" + block))


class _Rewrite(Exception):
    """This node cannot be patched inside: rewrite the entry or item holding it."""
