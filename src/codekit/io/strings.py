"""Small string helpers of the loaders: the one slug function, display tidying, short hashes, line finding."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any


def most_common(c) -> Any:
    """The most frequent entry of a Counter (``""`` when empty); ties go to the alphabetically first."""
    if not c:
        return ""
    return min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def slug(text: str) -> str:
    """A readable, stable id part: accents dropped, case folded, runs of other characters -> ``-``.

    ``"Road Pothole / Road Damage"`` -> ``"road-pothole-road-damage"``; ``"Municipal Licensing & Standards"``
    -> ``"municipal-licensing-standards"``. Empty text gives ``"none"``.
    """
    t = unicodedata.normalize("NFKD", text or "")
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = re.sub(r"[^0-9a-z]+", "-", t.casefold()).strip("-")
    return t or "none"


def tidy(text: Any) -> str:
    """A display name: whitespace collapsed and stripped."""
    return " ".join(str(text or "").split())


def short_hash(text: str, n: int = 6) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def line_of(text: str, pos: int) -> int:
    """1-based line number of character offset ``pos`` in ``text``."""
    return text.count("\n", 0, pos) + 1


def lines_matching(text: str, pattern: str) -> list[int]:
    """1-based line numbers of every match of the regex ``pattern`` in ``text``."""
    return [line_of(text, m.start()) for m in re.finditer(pattern, text)]
