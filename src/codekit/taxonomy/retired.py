"""Codes the project retires: ``<taxonomy>/_retired.yaml``, recorded beside the taxonomy, not in the city's export.

A city's catalogue export is an input codekit never edits; when analysts decide a code is no longer offered
(a legacy queue, a duplicate nobody uses, a programme that ended) they record it here with the reason::

    codekit_retired: 1
    retired:
      - code: T311-R0123
        reason: Legacy queue, replaced by T311-R0456 in 2024.
        date: '2026-11-30'          # optional, YYYY-MM-DD

The file starts with ``_``, so the category loader skips it; :func:`codekit.taxonomy.load.load_taxonomy`
reads it into ``Taxonomy.retired``, and every place a taxonomy meets its catalogue (validate, release,
diff, preview, report, routes) calls :func:`apply_retired`, so a retired code counts as retired everywhere.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from codekit.errors import SchemaError
from codekit.io.yamlio import key_text

#: The file name inside the taxonomy folder.
RETIRED_FILE = "_retired.yaml"
#: Format version of the file.
RETIRED_VERSION = 1
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEYS = ("code", "reason", "date")


@dataclass(frozen=True, slots=True)
class Retirement:
    """One retired code, why, and (optionally) since when."""

    code: str
    reason: str
    date: str = ""
    line: int = dataclasses.field(default=0, compare=False)

    def to_dict(self) -> dict[str, str]:
        d = {"code": self.code, "reason": self.reason}
        if self.date:
            d["date"] = self.date
        return d


def retired_path(taxonomy_dir: str | Path) -> Path:
    return Path(taxonomy_dir) / RETIRED_FILE


def retired_from_data(doc: Any, path: str | Path = "<memory>") -> tuple[Retirement, ...]:
    """Check a parsed ``_retired.yaml`` (from :func:`codekit.io.yamlio.parse_yaml`) and build the records."""
    path = str(path)
    if doc is None:
        return ()
    if not isinstance(doc, dict):
        raise SchemaError("the retired-codes file must be a mapping", path=path, line=getattr(doc, "line", 1) or 1,
                          expected="codekit_retired: 1 and retired: [...]", found=type(doc).__name__)
    line_of = getattr(doc, "line_of", lambda k: 1)
    version = doc.get("codekit_retired", RETIRED_VERSION)
    if version != RETIRED_VERSION:
        raise SchemaError("unknown retired-codes format version", path=path, line=line_of("codekit_retired"),
                          expected=str(RETIRED_VERSION), found=repr(version))
    for k in doc:
        if k not in ("codekit_retired", "retired"):
            raise SchemaError(f"unknown key {k!r} in the retired-codes file", path=path, line=line_of(k),
                              hint="allowed keys: codekit_retired, retired")
    items = doc.get("retired") or []
    if not isinstance(items, list):
        raise SchemaError("`retired` must be a list of {code, reason, date}", path=path, line=line_of("retired"))
    out: list[Retirement] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        line = items.line_of(i) if hasattr(items, "line_of") else 1
        if not isinstance(item, dict):
            raise SchemaError("each retired code is a mapping {code, reason, date}", path=path, line=line)
        for k in item:
            if k not in _KEYS:
                raise SchemaError(f"unknown key {k!r} in a retired code", path=path, line=item.line_of(k),
                                  hint="allowed keys: " + ", ".join(_KEYS))
        code = key_text(item.get("code")).strip()
        reason = str(item.get("reason") or "").strip()
        date = key_text(item.get("date")).strip() if item.get("date") is not None else ""
        if not code:
            raise SchemaError("a retired code without `code`", path=path, line=line)
        if not reason:
            raise SchemaError(f"retired code {code!r} has no reason", path=path, line=line,
                              hint="say why it is retired under `reason`")
        if date and not _DATE.match(date):
            raise SchemaError(f"retired code {code!r}: the date is not YYYY-MM-DD", path=path, line=item.line_of("date"),
                              found=repr(date))
        if code in seen:
            raise SchemaError(f"code {code!r} is retired twice (first on line {seen[code]})", path=path, line=line)
        seen[code] = line
        out.append(Retirement(code, reason, date, line))
    return tuple(out)


def load_retired(taxonomy_dir: str | Path) -> tuple[Retirement, ...]:
    """The retirements recorded in ``<taxonomy_dir>/_retired.yaml`` (none when the file is absent)."""
    p = retired_path(taxonomy_dir)
    if not p.is_file():
        return ()
    from codekit.io.yamlio import load_yaml_file

    return retired_from_data(load_yaml_file(p), p)


def retired_to_dict(records: Iterable[Retirement]) -> dict[str, Any]:
    """The file's content (as written)."""
    return {"codekit_retired": RETIRED_VERSION, "retired": [r.to_dict() for r in records]}


def apply_retired(catalogue, retired: Iterable[Retirement]):
    """``catalogue`` with the retired codes' status set to ``retired`` (the same catalogue when none change).

    Codes the catalogue does not have are ignored (``codekit edit retire`` refuses them when recording)."""
    codes = {r.code for r in retired}
    if not codes or not any(c.code in codes and c.active for c in catalogue):
        return catalogue
    return catalogue.replace_codes(
        dataclasses.replace(c, status="retired") if c.code in codes and c.active else c for c in catalogue)


def with_retired(catalogue, taxonomy):
    """:func:`apply_retired` with the retirements a loaded taxonomy carries."""
    return apply_retired(catalogue, getattr(taxonomy, "retired", ()) or ())


__all__ = ["Retirement", "RETIRED_FILE", "load_retired", "retired_from_data", "retired_to_dict", "apply_retired",
           "with_retired", "retired_path"]
