"""Plain-language text for drafts: internal names made readable for answers, labels and synonyms.

An internal name such as "SW_Multi-Res - Organic Bin - Additional" or "Unknown - TSO-CMP04" carries
prefixes, codes and abbreviations a resident cannot read. :func:`plain_name` rewrites it:

1. **Internal tokens are dropped**, by rules that read the data, not one city's list:
   - a token that mixes letters and digits ("CMP04", "S0301", "TPPR15"): a code;
   - an all-capital token in a name that also has lower case ("TSO", "CSROBKL"), unless the table
     below writes it out ("FEL", "ROW", "XMAS") or it is plain ("TV", "OK");
   - a prefix many names share before "_" or "-" without spaces ("SW_", "TSO-"), found by
     :func:`internal_prefixes` over the whole catalogue, and the code prefixes ("PK-0101" -> "pk").
2. **Abbreviations are written out** from :data:`MUNICIPAL_ABBREVIATIONS`, a small table of terms
   common in municipal service lists (not one city's): "Res" -> "house", "Multi-Res" -> "apartment or
   condo building", "FEL" -> "front-end load bin", "Nite" -> "night", "ROW" -> "road allowance".
3. **Words the resident has already answered are left out** (``drop``): under "House" -> "Garbage",
   "Residential - Garbage Bin - Additional Large" reads "Bin, additional large".

Segments of the name's own hierarchy are joined with ", " in sentence case. When nothing plain is
left, the text is ``None`` and the caller keeps the name and flags it, rather than invent one.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable

from codekit.analyse import text as T

#: Common municipal abbreviations and internal words, written out for residents (keys are folded,
#: "multi-res" and "multires" alike). Kept short and general: what many cities' 311 lists use.
MUNICIPAL_ABBREVIATIONS: dict[str, str] = {
    "res": "house",
    "resi": "house",
    "residential": "house",
    "multires": "apartment or condo building",
    "multiresidential": "apartment or condo building",
    "nonres": "non-residential",
    "nonresidential": "non-residential",
    "comm": "commercial",
    "fel": "front-end load bin",
    "nite": "night",
    "row": "road allowance",
    "xmas": "Christmas",
    "org": "organic",
    "organics": "organic",
    "ewaste": "electronic waste",
    "cont": "container",
    "recyc": "recycling",
    "blvd": "boulevard",
    "prkg": "parking",
    "maint": "maintenance",
    "mgmt": "management",
    "inq": "inquiry",
    "enq": "enquiry",
    "info": "information",
    "bldg": "building",
    "appl": "appliances",
    "hhw": "household hazardous waste",
    "ave": "avenue",
    "rd": "road",
    "dept": "department",
    "svc": "service",
    "svcs": "services",
    "req": "request",
    "itmes": "items",
    "pxo": "pedestrian crossover",
    "tmc": "traffic management centre",
}

#: All-capital words that are plain language, not internal acronyms.
PLAIN_CAPS = frozenset({"TV", "OK", "ID", "AM", "PM", "US", "USA", "UK", "EV", "ATM", "PCB"})

#: Entries written out only when the name writes them in capitals ("ROW", not "a row of trees").
_CAPS_ONLY = frozenset({"row"})
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")
_BOUND = re.compile(r"\b(multi|non)[-\s](?=res)", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*([^\W_]{2,8})[_-](?=\S)")


def internal_prefixes(names: Iterable[str], *, least: int = 2) -> frozenset[str]:
    """Folded prefixes at least ``least`` names (or parts of names: "Unknown - TSO-CMP04") start with
    before "_" or "-" with no space ("SW_", "TSO-"), when written in capitals: internal bookkeeping."""
    counts: Counter = Counter()
    for nm in names:
        found = set()
        for part in [nm or ""] + T.split_segments(nm or ""):
            m = _PREFIX.match(part)
            if m and m.group(1).isupper() and not m.group(1).isdigit():
                found.add(T.fold(m.group(1)))
        counts.update(found)
    return frozenset(p for p, n in counts.items() if n >= least and p not in MUNICIPAL_ABBREVIATIONS)


def token_is_internal(tok: str, *, mixed_case: bool, prefixes: frozenset[str] = frozenset()) -> bool:
    """Whether one surface token is internal: a code (letters and digits), a known prefix, or an
    unexplained acronym in a name that also has lower case."""
    low = T.fold(tok)
    if any(ch.isdigit() for ch in tok) and any(ch.isalpha() for ch in tok):
        return True
    if low in prefixes:
        return True
    if mixed_case and tok.isupper() and len(tok) >= 2 and tok not in PLAIN_CAPS and low not in MUNICIPAL_ABBREVIATIONS:
        return True
    return False


def plain_words(segment: str, *, mixed_case: bool, prefixes: frozenset[str] = frozenset(),
                drop: frozenset[str] = frozenset(), title: bool = False) -> list[str]:
    """The plain words of one segment of a name: internal tokens dropped, abbreviations written out,
    words in ``drop`` (folded, as :func:`codekit.analyse.text.words` reads them) left out."""
    seg = _BOUND.sub(lambda m: m.group(1), segment.replace("&", " and "))
    out: list[str] = []
    for tok in _TOKEN.findall(seg):
        if token_is_internal(tok, mixed_case=mixed_case, prefixes=prefixes):
            continue
        if tok.isdigit():
            out.append(tok)
            continue
        low = T.fold(tok)
        norm = T.words(tok)
        if low in ("multires", "nonres"):  # "Multi-Res" reads as the tokenizer's "multiresidential"
            norm = [low + "idential"]
        if drop and norm and all(w in drop for w in norm):
            continue
        if low in MUNICIPAL_ABBREVIATIONS and (tok.isupper() or low not in _CAPS_ONLY):
            out.extend(MUNICIPAL_ABBREVIATIONS[low].split())
        elif tok.isupper() and len(tok) > 1 and tok not in PLAIN_CAPS:  # an all-capitals name: lower case
            out.append(low)
        else:
            out.append(low if title and tok[:1].isupper() and tok[1:].islower() else tok)
    # "house house", "bin bin": a word repeated at once is kept once
    return [w for i, w in enumerate(out) if i == 0 or w.lower() != out[i - 1].lower()]


def plain_name(name: str, *, prefixes: frozenset[str] = frozenset(), drop: Iterable[str] = ()) -> str | None:
    """A resident-readable form of an internal ``name`` (see the module docstring), or None when no
    plain word is left (the caller keeps the name and flags it)."""
    return _plain_name(name or "", frozenset(prefixes), frozenset(drop))


@lru_cache(maxsize=65536)
def _plain_name(name: str, prefixes: frozenset[str], drop: frozenset[str]) -> str | None:
    mixed = any(ch.islower() for ch in name or "") and any(ch.isupper() for ch in name or "")
    dropset = drop
    alpha = [w for w in _TOKEN.findall(name or "") if w[:1].isalpha()]
    title = bool(alpha) and sum(w[:1].isupper() for w in alpha) >= 0.6 * len(alpha)  # "Bin Lid Damaged"
    parts: list[str] = []
    for seg in T.split_segments(re.sub(r"[()\[\]]", " - ", (name or "").replace("_", " - "))):
        ws = plain_words(seg, mixed_case=mixed, prefixes=prefixes, drop=dropset, title=title)
        ws = _trim(ws)
        if ws and not all(T.fold(w) in T.FILLER for w in ws):
            text = " ".join(ws)
            if T.fold(text) not in (T.fold(p) for p in parts):
                parts.append(text)
    if not parts:
        return None
    text = ", ".join(p[:1].lower() + p[1:] if _lower_ok(p) else p for p in parts)
    return text[:1].upper() + text[1:]


_EDGE = frozenset("a an the of for to in at by or and with from on is are".split())


def _trim(ws: list[str]) -> list[str]:
    while ws and T.fold(ws[0]) in _EDGE:
        ws = ws[1:]
    while ws and T.fold(ws[-1]) in _EDGE:
        ws = ws[:-1]
    return ws


def _lower_ok(p: str) -> bool:
    first = p.split(" ", 1)[0]
    return not (len(first) > 1 and first.isupper()) and first not in ("Christmas",)


def sentence(text: str) -> str:
    """Sentence case: the first letter up, the rest as written (words in capitals kept)."""
    words_ = text.split()
    out = []
    for i, w in enumerate(words_):
        if i and w[:1].isupper() and w[1:].islower() and w not in ("Christmas", "I"):
            w = w.lower()
        out.append(w)
    s = " ".join(out)
    return s[:1].upper() + s[1:]
