"""Text normalisation shared by the similarity signals, near-duplicate detection and labels.

Pure Python, nothing heavy: names of 311 codes carry abbreviations ("Res", "Nite", "FEL"),
spelling variants ("Pot hole" / "Pothole") and a hierarchy in their own text
("Residential: Bin: Repair or Replace Lid", "Road - Pot hole", "Low Pressure|| Low Flow").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

#: Common 311 abbreviations expanded before comparing names.
ABBREVIATIONS: dict[str, str] = {
    "res": "residential",
    "resi": "residential",
    "nite": "night",
    "org": "organic",
    "xmas": "christmas",
    "blvd": "boulevard",
    "svcs": "services",
    "svc": "service",
    "prkg": "parking",
    "maint": "maintenance",
    "mgmt": "management",
    "ops": "operations",
    "dept": "department",
    "recyc": "recycle",
    "recycling": "recycle",
    "cont": "container",
    "comm": "commercial",
    "ewaste": "electronic waste",
    "potholes": "pothole",
    "lights": "light",
    "signals": "signal",
    "signs": "sign",
    "trees": "tree",
    "bins": "bin",
    "sewers": "sewer",
    "sidewalks": "sidewalk",
    "streets": "street",
    "parks": "park",
    "vehicles": "vehicle",
    "complaints": "complaint",
}

#: Words that name the same resident problem in different words ("Repair or Replace Lid" is "Lid Damaged"):
#: mapped to one token when comparing names for near-duplicates.
SAME_PROBLEM = {
    "damaged": "damage", "broken": "damage", "repair": "damage", "repairs": "damage", "replace": "damage",
    "replacement": "damage", "fix": "damage", "damages": "damage",
}

#: Words that say nothing about what a code is about (on top of English stop words).
FILLER = frozenset(
    "please use request requests report service type issue issues problem problems general other "
    "n a na unknown".split()
)

#: Function words dropped from names (kept short on purpose: "on"/"off", "no", "not", "up", "front",
#: "side", "fire", "empty" carry meaning in 311 names, unlike in general English stop-word lists).
NAME_STOP_WORDS = frozenset(
    "a an the of for to in at by or and with from is are be as its it this that".split()
)

#: Prefixes that change the meaning of the next word: "Non-Res" is not "Res".
BOUND_PREFIXES = frozenset({"non", "multi"})

#: Where a name's own hierarchy splits: "A: B", "A - B", "A || B", "A / B", "A > B", "A | B".
SEPARATORS = re.compile(r"\s*(?:\|\||::|:|\s[-\u2013\u2014]\s|/|>|\|)\s*")
#: A word: letters and digits of any script (``[^\W_]``: "Pyörätie", "Straßenschäden" and "déneigement" stay
#: whole), with an inner apostrophe ("o'clock", "administrator's").
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
#: Apostrophes written in other ways, read as "'".
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def fold(text: str) -> str:
    """Unicode-normalised, case-folded text: NFKC (so the ligature "ﬁ" is "fi" and full-width letters are
    plain) then ``str.casefold`` ("Straße" -> "strasse"); accents stay ("déneigement")."""
    return unicodedata.normalize("NFKC", text or "").casefold().translate(_APOSTROPHES)


def split_segments(name: str) -> list[str]:
    """The parts of a name's own hierarchy: "Residential: Bin: Lid" -> ["Residential", "Bin", "Lid"]."""
    parts = [p.strip(" -_.,") for p in SEPARATORS.split(name or "")]
    return [p for p in parts if p]


def words(text: str, *, expand: bool = True) -> list[str]:
    """Case-folded word tokens of any script (see :func:`fold`), "&" read as "and", abbreviations expanded,
    hyphens and underscores split, a possessive "'s" dropped ("administrator's" -> "administrator")."""
    text = fold(text).replace("&", " and ").replace("_", " ").replace("-", " ")
    out: list[str] = []
    for w in _WORD.findall(text):
        if w.endswith("'s"):
            w = w[:-2]
        if expand and w in ABBREVIATIONS:
            out.extend(ABBREVIATIONS[w].split())
        else:
            out.append(w)
    if expand:  # "non residential" -> "nonresidential"
        joined: list[str] = []
        i = 0
        while i < len(out):
            if out[i] in BOUND_PREFIXES and i + 1 < len(out):
                joined.append(out[i] + out[i + 1])
                i += 2
            else:
                joined.append(out[i])
                i += 1
        out = joined
    return out


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """One normalised string: expanded, lower-case words joined by single spaces."""
    return " ".join(words(text))


def squash(text: str) -> str:
    """Words without spaces, so "pot hole" and "pothole" spell the same."""
    return "".join(words(text))


def joined_tokens(tokens: list[str], vocabulary: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Tokens plus each adjacent pair written together when that compound is a word of ``vocabulary``.

    "road pot hole" with "pothole" in the vocabulary becomes "road pot hole pothole", so a
    name that splits a compound meets the one that does not.
    """
    out = list(tokens)
    for a, b in zip(tokens, tokens[1:]):
        if a + b in vocabulary:
            out.append(a + b)
    return out


def content_words(text: str, stop: Iterable[str] | None = None) -> list[str]:
    """Words that carry meaning: no function words (``NAME_STOP_WORDS`` unless ``stop`` is given),
    no filler, no single letters."""
    stops = NAME_STOP_WORDS if stop is None else frozenset(stop)
    return [w for w in words(text) if w not in stops and w not in FILLER and len(w) > 1]


def join_compounds(toks: list[str], vocab: set[str]) -> list[str]:
    """Join split compounds another name writes as one word ("pot hole" -> "pothole" when "pothole" is in ``vocab``)."""
    out: list[str] = []
    i = 0
    while i < len(toks):
        if i + 1 < len(toks) and toks[i] + toks[i + 1] in vocab:
            out.append(toks[i] + toks[i + 1])
            i += 2
        else:
            out.append(toks[i])
            i += 1
    return out
