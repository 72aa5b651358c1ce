"""Synonyms for drafted categories: the other words residents search with.

Drafted from what the catalogue already says, then a small table of resident words:

1. the members' names in plain language (:func:`codekit.propose.plain.plain_name`, lower case, hierarchy
   parts read one by one: "Road - Pot hole" gives "road" and "pot hole"), their Open311 keywords and the
   category's shared terms;
2. spelling variants of compounds another name writes as one word or as two ("pot hole" <-> "pothole",
   both from the list itself) and the plural of a one-word term ("potholes");
3. :data:`RESIDENT_WORDS`: words residents use for what lists call otherwise ("pothole" <-> "road
   damage", "garbage" <-> "trash"), added when a term of the category holds the key.

The preview's search reads labels, descriptions and synonyms as substrings, so "pothole" also finds
"potholes". At most ``most`` synonyms, the terms most members share first; the label itself is left out.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from codekit.analyse import text as T
from codekit.propose.plain import plain_name

#: Resident words for common 311 problems, both ways: when a category's terms hold a key, its words
#: are added. Small and general on purpose (no one city's names).
RESIDENT_WORDS: dict[str, tuple[str, ...]] = {
    "pothole": ("road damage", "hole in the road"),
    "road damage": ("pothole", "potholes"),
    "garbage": ("trash", "rubbish"),
    "litter": ("trash", "rubbish"),
    "recycle": ("recycling", "blue bin"),
    "organic": ("green bin", "compost", "food waste"),
    "yard waste": ("leaves", "garden waste"),
    "graffiti": ("tagging", "spray paint", "vandalism"),
    "streetlight": ("street light out", "lamp post"),
    "street light": ("streetlight", "lamp post"),
    "dumping": ("fly tipping", "dumped items"),
    "sidewalk": ("pavement", "footpath"),
    "noise": ("loud", "noisy neighbours"),
    "snow": ("ice", "plowing", "snow removal"),
    "tree": ("branch", "trees"),
    "sewer": ("drain", "blocked drain"),
    "catch basin": ("storm drain", "drain"),
    "water main": ("water leak", "burst pipe"),
    "watermain": ("water main", "water leak"),
    "parking": ("parked car", "parking ticket"),
    "abandoned vehicle": ("abandoned car", "derelict car"),
    "dead animal": ("roadkill", "animal carcass"),
    "rodent": ("rats", "mice"),
    "traffic signal": ("traffic light", "stop light"),
    "sign": ("road sign", "street sign"),
    "bin": ("cart", "container"),
}


def draft_synonyms(names: Sequence[str], *, label: str = "", keywords: Iterable[Iterable[str]] = (),
                   shared_terms: Iterable[str] = (), vocabulary: Iterable[str] = (),
                   prefixes: frozenset[str] = frozenset(), most: int = 20,
                   known=None) -> list[str]:
    """The synonyms of one category with members named ``names`` (see the module docstring).

    ``vocabulary``: the folded words of the whole catalogue (for compound variants)."""
    vocab = set(vocabulary)
    for nm in names:
        vocab.update(T.words(nm))
        vocab.update(T.words(nm, expand=False))
    counts: Counter = Counter()
    for nm, kws in _zip_keywords(names, keywords):
        terms: set[str] = set()
        plain = plain_name(nm, prefixes=prefixes, known=known)
        for part in (plain or "").split(", "):
            t = " ".join(T.words(part, expand=False))
            if t and len(t.split()) <= 5:
                terms.add(t)
        for kw in kws:
            t = " ".join(T.words(kw, expand=False))
            if t:
                terms.add(t)
        counts.update(terms)
    for t in shared_terms:
        t = " ".join(T.words(t, expand=False))
        if t:
            counts[t] += 1
    base = [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))]
    out: list[str] = []
    for t in base:
        out.append(t)
        out.extend(_variants(t, vocab))
    extra: list[str] = []
    hay = " " + " ".join(out + [" ".join(T.words(label, expand=False))]) + " "
    for key, words_ in sorted(RESIDENT_WORDS.items()):
        if f" {key} " in hay or f" {key}s " in hay:
            extra.extend(words_)
    own = " ".join(T.words(label, expand=False))
    seen: set[str] = {own}
    result: list[str] = []
    for t in out[: most] + extra + out[most:]:
        if t and t not in seen and len(t) > 2 and not t.isdigit():
            seen.add(t)
            result.append(t)
    return result[:most]


def _zip_keywords(names, keywords):
    kws = [list(k) for k in keywords]
    for i, nm in enumerate(names):
        yield nm, (kws[i] if i < len(kws) else [])


#: Endings of words that take no plural "s" (verbs, adjectives, adverbs, plurals).
_NOT_NOUN = ("s", "ed", "ing", "ly", "ous", "ful", "ive", "al", "ic", "y")


def _variants(term: str, vocab: set[str]) -> list[str]:
    """Spelling variants the list itself shows: "pot hole" -> "pothole", "pothole" -> "pot hole",
    and the plural of a one-word term."""
    ws = term.split()
    out: list[str] = []
    joined = T.join_compounds(ws, vocab)
    if joined != ws:
        out.append(" ".join(joined))
    for w in ws:
        for cut in range(3, len(w) - 2):
            a, b = w[:cut], w[cut:]
            if a in vocab and b in vocab and len(a) >= 3 and len(b) >= 3:
                out.append(term.replace(w, f"{a} {b}"))
                break
    # a plural only where it is known to be a noun: a compound the list writes both ways ("pot hole" /
    # "pothole"), a word of the resident table, or a word whose plural the list itself uses
    single = joined if len(joined) == 1 and joined != ws else (ws if len(ws) == 1 else None)
    if single and single[0].isalpha() and len(single[0]) > 3 and not single[0].endswith(_NOT_NOUN):
        w = single[0]
        if joined != ws or w in RESIDENT_WORDS or w + "s" in vocab:
            out.append(w + "s")
    return out
