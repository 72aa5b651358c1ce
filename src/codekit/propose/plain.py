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
from dataclasses import dataclass
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
PLAIN_CAPS = frozenset({"TV", "OK", "ID", "AM", "PM", "US", "USA", "UK", "EV", "ATM", "PCB", "COVID", "LED", "GPS",
                        "DVD", "CD", "PIN", "SUV", "BBQ"})

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


@dataclass(frozen=True)
class CatalogueWords:
    """What the whole catalogue says about its own words, for :func:`plain_name` (hashable, so cached):
    ``heads`` (:func:`hierarchy_heads`) and ``expand``, short forms the list itself writes out elsewhere
    (:func:`own_abbreviations`: "Owner Surr Live" beside "Owner Surrender - Live")."""

    heads: frozenset[str] = frozenset()
    expand: tuple[tuple[str, str], ...] = ()


def catalogue_words(names: Iterable[str]) -> CatalogueWords:
    names = [n or "" for n in names]
    return CatalogueWords(hierarchy_heads(names), tuple(sorted(own_abbreviations(names).items())))


def own_abbreviations(names: Iterable[str]) -> dict[str, str]:
    """Short forms the list writes out in another name: a word of two to five letters that reads as an
    abbreviation (:func:`codekit.propose.labels.word_jargon`, or a stem no English word is) and starts exactly
    one longer word of a name sharing another word with it ("surr" -> "surrender", "educ" -> "education",
    "insp" -> "inspection"). Nothing is guessed: no such word, or two, and the short form stays."""
    from codekit.propose.labels import word_jargon

    names = list(names)
    # words as written in lower or mixed case only: capitals are acronyms ("TSOI"), never a long form
    seqs = [[T.fold(w) for w in _TOKEN.findall(n) if not w.isupper()] for n in names]
    import bisect

    vocab = sorted({w for s in seqs for w in s if len(w) >= 4 and w.isalpha()})
    where: dict[str, set[int]] = {}
    for i, seq in enumerate(seqs):
        for w in seq:
            where.setdefault(w, set()).add(i)
    out: dict[str, str] = {}
    for i, seq in enumerate(seqs):
        for t in set(seq):
            if t in out or not t.isalpha() or not 2 <= len(t) <= 5 or t in MUNICIPAL_ABBREVIATIONS:
                continue
            if not word_jargon(t) and not t.endswith(_CUT_ENDS):
                continue
            near: set[int] = set()  # names sharing another word with this one
            for w in set(seq) - {t}:
                near |= where.get(w, set())
            cands = set()
            for w in vocab[bisect.bisect_left(vocab, t):]:
                if not w.startswith(t):
                    break
                # never a word of its own name ("Stand - St Repair"); one of a name sharing a word with it
                if len(w) >= len(t) + 2 and w not in seq and where[w] & near:
                    cands.add(w)
            if len(cands) == 1:
                out[t] = cands.pop()
    return out


#: Endings of cut words ("educ", "maint", "insp"): a cut word that happens to pass as English is still tried.
_CUT_ENDS = ("c", "nt", "sp", "rr", "mt", "pt", "dg", "rv", "vc")


def hierarchy_heads(names: Iterable[str], *, least: int = 2) -> frozenset[str]:
    """Folded first parts of names ("Spills" of "Spills/Cleanup/PRM") that at least ``least`` different
    names start with: a "/" after one of them is the name's own hierarchy, not "or"."""
    counts: dict[str, set[str]] = {}
    for nm in names:
        segs = T.split_segments(nm or "")
        if len(segs) > 1:
            counts.setdefault(T.fold(segs[0]), set()).add(T.squash(nm))
    return frozenset(h for h, s in counts.items() if len(s) >= least)


def plain_words(segment: str, *, mixed_case: bool, prefixes: frozenset[str] = frozenset(),
                drop: frozenset[str] = frozenset(), title: bool = False,
                edges: frozenset[str] = frozenset(), expand: dict[str, str] | None = None) -> list[str]:
    """The plain words of one segment of a name: internal tokens dropped, abbreviations written out,
    words in ``drop`` (folded, as :func:`codekit.analyse.text.words` reads them) left out, and words in
    ``edges`` left out at the start and the end of the segment only (never from the middle: "Report an
    encroachment on city property" keeps its words rather than read "Report an property")."""
    seg = _BOUND.sub(lambda m: m.group(1), segment.replace("&", " and "))
    toks = _TOKEN.findall(seg)
    out: list[tuple[str, bool]] = []  # (word, whether it may be dropped)
    gone: list[tuple[int, str]] = []  # words of ``drop`` left out: (where, word)
    cut_end = False  # the last word was left out: a particle before it ends nothing ("Catch basin on")
    for j, tok in enumerate(toks):
        if token_is_internal(tok, mixed_case=mixed_case, prefixes=prefixes):
            continue
        if tok.isdigit():
            out.append((tok, False))
            continue
        if tok in ("N", "n") and 0 < j < len(toks) - 1:  # "Stoop N Scoop", "Park n Ride"
            out.append(("and", False))
            continue
        low = T.fold(tok)
        if expand and low in expand and not tok.isupper():
            tok = expand[low]
            low = tok
        norm = T.words(tok)
        if low in ("multires", "nonres"):  # "Multi-Res" reads as the tokenizer's "multiresidential"
            norm = [low + "idential"]
        if drop and norm and all(w in drop for w in norm):
            gone.append((len(out), tok))
            if j == len(toks) - 1:
                cut_end = True
            continue
        droppable = bool(edges and norm and all(w in edges for w in norm))
        if low in MUNICIPAL_ABBREVIATIONS and (tok.isupper() or low not in _CAPS_ONLY):
            out.extend((w, droppable) for w in MUNICIPAL_ABBREVIATIONS[low].split())
        elif tok.isupper() and len(tok) > 1 and tok not in PLAIN_CAPS:  # an all-capitals name: lower case
            out.append((low, droppable))
        else:
            out.append((low if title and tok[:1].isupper() and tok[1:].islower() else tok, droppable))
    if gone and out and all(_says_nothing(w) for w, _ in out):  # "Turn Off" -> "Off", "No Water" -> "No":
        # the word next to it comes back ("Turn off", "No water")
        first = out[0][0]
        if T.fold(first) in _NEGATING:
            nxt = [(p, t) for p, t in gone if p >= 1]
            p, t = nxt[0] if nxt else gone[-1]
            out.insert(p, (T.fold(t) if not t.isupper() else t, False))
        else:
            prev = [(p, t) for p, t in gone if p == 0] or gone[:1]
            p, t = prev[-1]
            out.insert(p, (t[:1] + t[1:].lower() if not t.isupper() else t, False))
    if edges:
        out = _drop_edges(out)
    if cut_end:
        while out and T.fold(out[-1][0]) in _EDGE | _PARTICLE_END and len(out) > 1:
            out = out[:-1]
    ws = [w for w, _ in out]
    # "a apartment": the article before a vowel a written-out word brought
    ws = ["an" if w.lower() == "a" and i + 1 < len(ws) and ws[i + 1][:1].lower() in "aeio" else w
          for i, w in enumerate(ws)]
    # "house house", "bin bin": a word repeated at once is kept once
    return [w for i, w in enumerate(ws) if i == 0 or w.lower() != ws[i - 1].lower()]


_NEGATING = frozenset({"no", "not", "non"})


def _says_nothing(w: str) -> bool:
    from codekit.propose import _vocab as V

    f = T.fold(w)
    return f in V.PARTICLES or f in V.NEGATIONS or f in _EDGE or f in _PARTICLE_END


def _drop_edges(out: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Droppable words (and the function words between them) at the start and the end of a segment left out."""
    def cut(seq):
        k = 0
        while k < len(seq) and (seq[k][1] or T.fold(seq[k][0]) in _EDGE):
            k += 1
        return seq[k:] if any(d for _, d in seq[:k]) else seq
    out = cut(out)
    return list(reversed(cut(list(reversed(out)))))


def plain_name(name: str, *, prefixes: frozenset[str] = frozenset(), drop: Iterable[str] = (),
               known: CatalogueWords | None = None, edges: Iterable[str] = (), kind_words: bool = False) -> str | None:
    """A resident-readable form of an internal ``name`` (see the module docstring), or None when no
    plain word is left (the caller keeps the name and flags it). ``known``: :func:`catalogue_words` of
    the catalogue (a "/" after one of its heads is hierarchy, elsewhere "or"; its own short forms written
    out); ``edges``: words left out only
    where they start or end a part of the name (see :func:`plain_words`); ``kind_words`` keeps the words that
    say the kind of request ("Exemption request": a label may say it, an answer need not)."""
    return _plain_name(name or "", frozenset(prefixes), frozenset(drop), known or _NO_WORDS,
                       frozenset(edges) - frozenset(drop), kind_words)


_NO_WORDS = CatalogueWords()


_SLASH = re.compile(r"(?<=[^\W_])/(?=[^\W_])")
_PAREN_WORD = re.compile(r"\s*\(\s*([^\W\d_]+)\s*\)")
#: A first part that says what kind of request it is, not what about: left out when more follows
#: ("Investigate - Noise" -> "Noise"), or said after it when one part follows ("Complaint - Access" ->
#: "Access complaint").
_LEAD_DROP = frozenset("investigate investigation service services unknown general misc miscellaneous".split())
_LEAD_AFTER = frozenset("complaint complaints inquiry enquiry request requests report".split())
_LEAD_HYPHEN = re.compile(r"^\s*(" + "|".join(sorted(_LEAD_DROP | _LEAD_AFTER)) + r")-(?=[^\W\d_])", re.IGNORECASE)
#: Words that say the City's action or the kind of request, not the resident's problem: left out where they
#: start ("Investigate pavement markings", "Request for special parking consideration", "Report an
#: encroachment") or end ("Contractor complaint", "Street furniture request") a part of more words.
_KIND_START = frozenset("investigate request report".split())
_KIND_END = frozenset("complaint complaints request requests requested required issue issues".split())
#: ... and at the end of a part of four words or more ("Dangerous private tree investigation"; "Watercourse
#: investigation" keeps it).
_KIND_END_LONG = frozenset("investigation investigations".split())


def _kind_words_off(ws: list[str]) -> list[str]:
    if len(ws) >= 3 and T.fold(ws[0]) in _KIND_START:
        ws = _trim(ws[1:], keep_last=True)
    if len(ws) >= 2 and T.fold(ws[-1]) in _KIND_END or len(ws) >= 4 and T.fold(ws[-1]) in _KIND_END_LONG:
        ws = _trim(ws[:-1], keep_last=True)
    return ws


def _or_slashes(name: str, heads: frozenset[str]) -> str:
    """"Bees/Wasp" -> "Bees or Wasp": a "/" with no space around it, between two words, reads "or" unless
    what stands before it starts other names too (``heads``: "Spills/Cleanup/PRM" is hierarchy). A name's
    one " / " reads "or" too when nothing else splits the name, what stands before it starts no other
    name, and what follows is no qualifier ("Comment / Suggestion", not "Application Status / Non-Res").
    A condition before a slash is never a head ("Missing/Damaged Signs")."""
    from codekit.propose import _vocab as V

    if "/" not in name:
        return name

    def is_head(left: str) -> bool:
        return T.fold(left) in heads and T.fold(left) not in V.BEFORE_NOUN

    spaced = re.fullmatch(r"([^/]+?)\s+/\s+([^/]+)", name)
    if spaced and len(T.split_segments(name)) == 2:
        left, right = spaced.group(1).strip(), spaced.group(2).strip()
        rw = T.words(right)
        if not is_head(left) and rw and not all(w in V.QUALIFIERS for w in rw) and len(rw) <= 3 \
                and len(T.words(left)) <= 4:
            return f"{left} or {right}"
    out = []
    pos = 0
    for m in _SLASH.finditer(name):
        before = name[:m.start()]
        left = T.SEPARATORS.split(before)[-1].strip(" -_.,")
        first = not T.split_segments(before[: len(before) - len(left)].strip())
        if first and is_head(left):
            continue
        out.append(name[pos:m.start()] + " or ")
        pos = m.end()
    out.append(name[pos:])
    return "".join(out)


def _paren_first(seg: str, mixed: bool, prefixes: frozenset[str]) -> str:
    """A one-word qualifier in parentheses goes before the words it qualifies: "Catch basin (Storm)" ->
    "Storm Catch basin", "Lead Kit Request (Residential)" -> "Residential Lead Kit Request"."""
    moved: list[str] = []

    def take(m):
        w = m.group(1)
        if token_is_internal(w, mixed_case=mixed, prefixes=prefixes) or T.fold(w) in T.FILLER:
            return m.group(0)
        moved.append(w)
        return " "
    rest = _PAREN_WORD.sub(take, seg)
    return (" ".join(moved) + " " + rest).strip() if moved else seg


@lru_cache(maxsize=65536)
def _plain_name(name: str, prefixes: frozenset[str], drop: frozenset[str],
                known: CatalogueWords = CatalogueWords(), edges: frozenset[str] = frozenset(),
                kind_words: bool = False) -> str | None:
    from codekit.propose import _vocab as V

    mixed = any(ch.islower() for ch in name or "") and any(ch.isupper() for ch in name or "")
    alpha = [w for w in _TOKEN.findall(name or "") if w[:1].isalpha()]
    title = bool(alpha) and sum(w[:1].isupper() for w in alpha) >= 0.6 * len(alpha)  # "Bin Lid Damaged"
    text = _or_slashes((name or "").replace("_", " - "), known.heads)
    text = _LEAD_HYPHEN.sub(lambda m: m.group(1) + " - ", text)  # "Complaint-Access": a part of its own
    segs: list[str] = []
    for seg in T.split_segments(text):
        seg = _paren_first(seg, mixed, prefixes)
        segs.extend(T.split_segments(re.sub(r"[()\[\]]", " - ", seg)))
    parts: list[str] = []
    for seg in segs:
        ws = plain_words(seg, mixed_case=mixed, prefixes=prefixes, drop=drop, title=title, edges=edges,
                         expand=dict(known.expand))
        if not kind_words:
            ws = _kind_words_off(ws)
        ws = _trim(ws, keep_last=True)
        if ws and not all(T.fold(w) in T.FILLER for w in ws):
            words_ = " ".join(ws)
            if T.fold(words_) not in (T.fold(p) for p in parts):
                parts.append(words_)
    if not parts:
        return None
    if len(parts) >= 2 and " " not in parts[0]:
        head = T.fold(parts[0])
        if head in _LEAD_DROP:
            parts = parts[1:]
        elif head in _LEAD_AFTER and len(parts) == 2:
            parts = [parts[1] + " " + parts[0].lower()]
    if len(parts) >= 2 and " " not in parts[-1] and len(parts[-2].split()) <= 4:
        last = T.fold(parts[-1])
        if last in V.BEFORE_NOUN:  # "Road - Damaged" -> "Damaged road"
            prev = parts[-2]
            prev = prev[:1].lower() + prev[1:] if _lower_ok(prev) else prev
            parts = parts[:-2] + [parts[-1] + " " + prev]
        elif last in V.PROBLEM_NOUNS:  # "Shoulder - Maintenance" -> "Shoulder maintenance"
            parts = parts[:-2] + [parts[-2] + " " + parts[-1].lower()]
    out = ", ".join(p[:1].lower() + p[1:] if _lower_ok(p) else p for p in parts)
    return out[:1].upper() + out[1:]


_EDGE = frozenset("a an the of for to in at by or and with from on is are".split())


def _trim(ws: list[str], *, keep_last: bool = False) -> list[str]:
    """Function words at the edges left out; with ``keep_last``, a particle that ends the name as written
    stays ("Turn On", "Drop In")."""
    while ws and T.fold(ws[0]) in _EDGE:
        ws = ws[1:]
    while ws and T.fold(ws[-1]) in _EDGE and not (keep_last and T.fold(ws[-1]) in _PARTICLE_END and len(ws) > 1):
        ws = ws[:-1]
    return ws


_PARTICLE_END = frozenset({"on", "in", "off", "up", "out", "down"})


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
