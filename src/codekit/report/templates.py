"""The one jinja2 environment of codekit's HTML pages (the report, the intake preview).

Templates, styles and scripts are package files under ``codekit/templates/`` (shipped in the wheel).
Autoescape is on; every value printed with ``{{ }}`` is escaped with :func:`html.escape` (``quote=True``:
``&#x27;`` and ``&quot;``, as codekit always wrote them) unless it is already ``Markup`` (inline SVG
charts, the page's own CSS and JavaScript, the preview's JSON made safe by ``embed_json``). ``None``
prints as nothing. Undefined names are errors, never silently empty.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any


def _finalize(value: Any) -> Any:
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value), quote=True))


def pct(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"


def one(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1f}"


def num(x: Any) -> str:
    """Numbers as the report prints them: thousands separators; floats to two places, trailing zeros dropped."""
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:,}"


def cell(x: Any) -> Any:
    """A table cell: numbers through :func:`num` (not booleans), anything else as it is."""
    return num(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else x


def comma(x: Any) -> str:
    """An integer with thousands separators (a missing value is an error, never a blank)."""
    from jinja2 import Undefined

    if isinstance(x, Undefined):
        x._fail_with_undefined_error()
    return f"{x:,}"


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("codekit", "templates"), autoescape=True, finalize=_finalize,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(pct=pct, one=one, num=num, cell=cell, comma=comma)
    env.globals["asset"] = asset
    return env


def asset(name: str):
    """A package file of ``codekit/templates`` (a stylesheet, a script) as Markup, not parsed as a template."""
    from markupsafe import Markup

    env = environment()
    source, _filename, _uptodate = env.loader.get_source(env, name)
    return Markup(source)


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


__all__ = ["render", "environment", "asset", "pct", "one", "num", "cell"]
