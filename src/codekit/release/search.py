"""The search index every release ships (``search.json``), and the preview's search uses.

Built from each public category's label, synonyms, description, answer labels and member code names: every
text is folded (lower case, accents dropped), split into words, stripped of a short list of function words,
stemmed with a few plain English rules (``potholes`` -> ``pothole``, ``bodies`` -> ``body``), and each pair of
neighbouring words is also indexed joined (``pot hole`` -> ``pothole``). A term keeps its strongest weight (label 3,
synonym 2.5, answer 1.5, description 1, code name 0.5); ``df`` counts the categories holding each term.

A query is scored the same way in Python (:func:`rank`) and in the preview's JavaScript: for each query term, the
best matching term of a category (exact 1.0; a prefix of 4+ letters 0.7; one edit away, 5+ letters 0.6) times its
weight and ``log(1 + n / df)``; categories ranked by score, then label. Deterministic, no network, no model.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

INDEX_VERSION = 1
WEIGHTS = {"label": 3.0, "synonym": 2.5, "answer": 1.5, "description": 1.0, "code": 0.5}
#: Words that carry no subject in what residents write (kept short: content words are never dropped).
STOP_WORDS = frozenset("""
a an the in on at of to for from by with and or is are was be been it its this that there theres i im me my we our
you your they their he she his her near outside inside into out up down over under just very so some any
""".split())
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(ch for ch in t if not unicodedata.combining(ch))


def stem(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith("es") and (w[-3] in "sxz" or w[-4:-2] in ("ch", "sh")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def terms(text: str) -> list[str]:
    """The index terms of ``text``: stemmed words without function words, and neighbouring pairs joined."""
    words = [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS]
    out = [stem(w) for w in words]
    out += [stem(a + b) for a, b in zip(words, words[1:]) if len(a) + len(b) >= 6]
    return out


def search_index(doc: dict[str, Any]) -> dict[str, Any]:
    """The index of a release document (plain JSON data, as in ``catalogue.json``)."""
    names = {c.get("code"): c.get("name", "") for c in doc.get("codes") or []}
    cats: dict[str, dict[str, float]] = {}
    for c in doc.get("categories") or []:
        w: dict[str, float] = {}

        def add(text: Any, weight: float) -> None:
            for t in terms(str(text or "")):
                if weight > w.get(t, 0.0):
                    w[t] = weight

        add(c.get("label"), WEIGHTS["label"])
        for s in c.get("synonyms") or []:
            add(s, WEIGHTS["synonym"])
        add(c.get("description"), WEIGHTS["description"])
        for q in c.get("questions") or []:
            for v in q.get("values") or []:
                add(v.get("label") if isinstance(v, dict) else v, WEIGHTS["answer"])
        for r in c.get("routes") or []:
            if r.get("code") in names:
                add(names[r["code"]], WEIGHTS["code"])
        cats[c["id"]] = dict(sorted(w.items()))
    df: dict[str, int] = {}
    for w in cats.values():
        for t in w:
            df[t] = df.get(t, 0) + 1
    return {"version": INDEX_VERSION, "n": len(cats), "df": dict(sorted(df.items())),
            "categories": dict(sorted(cats.items()))}


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]


def _match(q: str, t: str) -> float:
    if q == t:
        return 1.0
    if len(q) >= 4 and len(t) >= 4 and (t.startswith(q) or q.startswith(t)):
        return 0.7
    if len(q) >= 5 and _one_edit(q, t):
        return 0.6
    return 0.0


def score(index: dict[str, Any], category: str, query: str) -> float:
    n, df, w = index["n"], index["df"], index["categories"][category]
    total = 0.0
    for q in dict.fromkeys(terms(query)):
        best = 0.0
        for t, weight in w.items():
            m = _match(q, t)
            if m:
                best = max(best, m * weight * math.log(1 + n / df[t]))
        total += best
    return round(total, 6)


def rank(index: dict[str, Any], query: str, labels: dict[str, str] | None = None) -> list[tuple[str, float]]:
    """(category id, score) of every category with a positive score, best first."""
    labels = labels or {}
    scored = [(cid, score(index, cid, query)) for cid in index["categories"]]
    return sorted([s for s in scored if s[1] > 0], key=lambda s: (-s[1], labels.get(s[0], s[0]), s[0]))
