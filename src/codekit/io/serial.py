"""Text codekit writes for other programs: one JSON policy and one XML character policy.

- :func:`json_text`: every JSON file and ``--json`` output: sorted keys, UTF-8 text, and never ``NaN`` or
  ``Infinity`` (which are not JSON: a browser's ``JSON.parse`` and most readers refuse them). A non-finite
  number is a :class:`~codekit.errors.SchemaError` naming where it is in the document and what to do.
- :func:`xml_text`: every string put into XML (Open311 ``services.xml``, GraphML): the characters XML 1.0
  cannot hold (control characters other than tab, line feed and carriage return; lone surrogates;
  U+FFFE and U+FFFF) are removed, so the file stays well-formed. They cannot be escaped: ``&#1;`` is not
  allowed in XML 1.0 either.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Callable

from codekit.errors import SchemaError

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> str:
    """``value`` as text XML 1.0 can hold: characters it cannot are removed."""
    text = value if isinstance(value, str) else str(value)
    return _XML_INVALID.sub("", text)


def _non_finite(obj: Any, where: str = "") -> tuple[str, float] | None:
    """Where the first NaN or infinity in ``obj`` is (``categories[3].sla_days``), and the value."""
    if isinstance(obj, float):
        return None if math.isfinite(obj) else (where or "(the document)", obj)
    if isinstance(obj, dict):
        for k in sorted(obj, key=str):
            found = _non_finite(obj[k], f"{where}.{k}" if where else str(k))
            if found:
                return found
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            found = _non_finite(v, f"{where}[{i}]")
            if found:
                return found
    return None


def json_text(obj: Any, *, indent: int | None = None, separators: tuple[str, str] | None = None,
              default: Callable[[Any], Any] | None = None, sort_keys: bool = True, what: str = "the output") -> str:
    """``json.dumps`` with sorted keys, non-ASCII kept, and ``NaN``/``Infinity`` refused with a clear error."""
    try:
        return json.dumps(obj, indent=indent, separators=separators, default=default, sort_keys=sort_keys,
                          ensure_ascii=False, allow_nan=False)
    except ValueError as e:
        if "JSON compliant" not in str(e):
            raise
        found = _non_finite(json.loads(json.dumps(obj, default=default, sort_keys=sort_keys)))
        where, value = found if found else ("a value", float("nan"))
        raise SchemaError(
            f"{where} is {value!r}, which JSON cannot hold, so {what} cannot be written",
            expected="a finite number or nothing", found=repr(value),
            hint="fix that value in the input (an infinite SLA is no SLA: leave it empty)",
        ) from None


__all__ = ["json_text", "xml_text"]
