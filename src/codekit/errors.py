"""The one error hierarchy. Imports nothing of ours.

The library raises these and never prints or exits; the CLI turns any of them into one line
``Error: ...`` on stderr and exit code 2 (see ``docs/cli.md`` for the exit codes).
Each error carries structured facts (path, line, column, expected, found, hint) so callers
(notebooks, CI, the CLI) can act on them without parsing text.
"""

from __future__ import annotations

from pathlib import Path


class CodekitError(Exception):
    """Base of every error codekit raises on purpose. Exit code 2 at the CLI."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: str | None = None,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.expected = expected
        self.found = found
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line is not None:
                where += f", line {self.line}"
            where += ": "
        text = where + self.message
        facts = [f"expected {self.expected}" if self.expected is not None else "",
                 f"found {self.found}" if self.found is not None else ""]
        if any(facts):
            text += " (" + ", ".join(f for f in facts if f) + ")"
        if self.hint:
            text += ". " + self.hint[:1].upper() + self.hint[1:]
        return text

    def to_dict(self) -> dict:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "expected": self.expected,
            "found": self.found,
            "hint": self.hint,
        }


class InputError(CodekitError):
    """An input file is missing, unreadable, or its content is broken."""


class FormatError(InputError):
    """The format of an input cannot be detected or is not one codekit reads."""


class SchemaError(InputError):
    """An input has the wrong shape: a missing required column, a bad value, an unknown version."""


class UsageError(CodekitError):
    """Options that cannot work together, or an output that cannot be written."""
