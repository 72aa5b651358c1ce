"""Parsing XML and JSON text safely, with the parser's line and column in every error.

XML goes through the stdlib expat with DTDs and entity declarations refused (no entity-expansion bombs, no
external entities)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codekit.errors import InputError, SchemaError


@dataclass
class XNode:
    """A parsed XML element with its 1-based source line."""

    tag: str
    line: int
    attrib: dict[str, str] = field(default_factory=dict)
    children: list["XNode"] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def find(self, tag: str) -> "XNode | None":
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def findall(self, tag: str) -> list["XNode"]:
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str) -> str | None:
        c = self.find(tag)
        return None if c is None else c.text.strip()


def parse_xml(text: str, path: Path | str) -> XNode:
    """Parse XML with the stdlib expat, refusing DTDs and entity declarations (no entity expansion bombs,
    no external entities). Errors carry the parser's line and column."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    root: list[XNode] = []
    stack: list[XNode] = []

    def refuse(what: str):
        def handler(*args: Any) -> None:
            raise SchemaError(
                f"the XML declares {what}, which codekit refuses for safety",
                path=path,
                line=parser.CurrentLineNumber,
                hint="remove the DOCTYPE/ENTITY declarations; Open311 documents need none",
            )

        return handler

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = XNode(tag, parser.CurrentLineNumber, dict(attrs))
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    parser.StartDoctypeDeclHandler = refuse("a DOCTYPE")
    parser.EntityDeclHandler = refuse("an entity")
    parser.ExternalEntityRefHandler = refuse("an external entity")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.buffer_text = True
    try:
        parser.Parse(text.lstrip("\ufeff"), True)
    except expat.ExpatError as e:
        raise InputError(
            f"malformed XML at column {e.offset + 1}: {expat.errors.messages[e.code]}",
            path=path,
            line=e.lineno,
            hint="fix the XML (a tag left open or mismatched?) or re-export the file",
        ) from None
    if not root:
        raise InputError("the XML has no root element", path=path, hint="check the file is complete")
    return root[0]


def parse_json(text: str, path: Path | str) -> Any:
    """``json.loads`` with the parser's line and column in the error."""
    import json

    try:
        return json.loads(text)
    except RecursionError:
        raise InputError("the JSON nests too deeply to read", path=path,
                         hint="check the file is the export you meant") from None
    except json.JSONDecodeError as e:
        raise InputError(
            f"malformed JSON at column {e.colno}: {e.msg}",
            path=path,
            line=e.lineno,
            hint="fix the JSON (a missing comma or bracket?) or re-export the file",
        ) from None
