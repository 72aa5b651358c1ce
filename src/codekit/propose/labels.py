"""Suggested plain-language labels for proposed categories, and jargon flags on any label.

A label is built from the phrases the members' names share, in the word order residents write them
(abbreviations expanded: "Res" -> "residential", "Nite" -> "night"):

1. candidate phrases are runs of one to four words inside one part of a name (hierarchy separators
   and parentheses end a run) that start with a content word or a negation ("not picked up", "no
   heat") and end with a content word or a particle ("picked up", "left out"); a phrase never holds a
   word the jargon check flags (see :func:`word_jargon`) nor a code prefix, and a phrase of only
   qualifiers ("residential") is not a label;
2. the head is the phrase found in the most members, longer phrases weighted up (x1.25 per extra
   word), extended to a longer phrase holding it when at least half of its members use that one;
3. when the head says the problem ("not picked up", "damaged", "left") and a thing is shared by at
   least a quarter of the members (or the other way round), the two are put together: "Garbage not
   picked up", "Damaged bin" (one-word conditions go before the thing, other phrases where the
   names usually put them);
4. with no shared phrase, the label is the most representative member name cleaned of jargon and
   hierarchy separators.

Sentence case; it is a suggestion for analysts to edit.

Jargon flags say why a label may not be plain language: it names a division or section (internal
organisation) or its initials ("TS" for Transportation Services, "SW" for Solid Waste ...), carries
an acronym ("FEL", "ROW", "TMC"), something that looks like a code ("CSROWR-12", "S0301"), a code
prefix, or a word :func:`word_jargon` flags: an internal abbreviation (four letters or fewer and not
a common English word: "mrab", "inq"; or next to no vowels: "frst", "csrobkl") or an internal
bookkeeping term ("unmapped"). Word lists: :mod:`codekit.propose._vocab`.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable

from codekit.analyse import text as T
from codekit.analyse._stopwords import STOP_WORDS
from codekit.propose import _vocab as V

_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,6}\b")
_CODE_LIKE = re.compile(r"\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*\b")
#: All-capital words that are plain language, not acronyms.
PLAIN_CAPS = frozenset({"TV", "OK", "ID", "AM", "PM", "US", "USA"})


def acronyms(text: str) -> list[str]:
    return [a for a in _ACRONYM.findall(text or "") if a not in PLAIN_CAPS and not a.isdigit()]


#: Words kept as content although general stop-word lists drop them (they carry meaning in 311 names).
_KEEP = V.NEGATIONS | V.PARTICLES | frozenset(
    "fire empty front side full bottom top back bill system found fill move call".split())
_FUNCTION = (STOP_WORDS | T.NAME_STOP_WORDS | T.FILLER) - _KEEP
#: Function words and filler (negations and particles kept): never a label or an answer on their own.
FUNCTION_WORDS = _FUNCTION
#: Problem or action words (besides negations, particles and ``BEFORE_NOUN``) that make a phrase say what is wrong.
_PROBLEM = V.BEFORE_NOUN | frozenset(
    "left missed overflow spill remove removal replace repair damage not working exchange change "
    "blocking dumped dumping".split())
#: One-word conditions (as counted: "broken" and "damaged" both count as "damage").
_CONDITION = V.BEFORE_NOUN
_VOWELS = set("aeiouy")


def _base(w: str) -> str:
    """The letters without accents ("hälsovård" -> "halsovard"): vowels of every Latin script count."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFD", w) if not unicodedata.combining(ch))


def list_words(names: Iterable[str]) -> frozenset[str]:
    """Words the list itself writes in lower case after a name's first word ("ja" of "Kyltit ja opasteet",
    "och", "und", "muu"): words of the list's language, never taken for internal abbreviations, whatever
    the language. Abbreviations are written with capitals ("Res", "FEL", "Surr")."""
    out: set[str] = set()
    for nm in names:
        toks = re.findall(r"[^\W\d_]+", nm or "")
        out.update(T.fold(t) for t in toks[1:] if t.islower() and len(t) <= 4)
    return frozenset(out)
_SEGMENT = re.compile(r"[()\[\]]")


def code_prefixes(codes) -> frozenset[str]:
    """Lower-case letter prefixes of codes ("PK-0101" -> "pk", "CSROWR-12" -> "csrowr"): internal jargon."""
    out = set()
    for c in codes:
        m = re.match(r"([A-Za-z]+)[-_ ]?\d", c or "")
        if m:
            out.add(m.group(1).lower())
    return frozenset(out)


#: Words that name an organisation or a place of one.
_ORG_WORDS = frozenset("department dept bureau office commission board council agency division section district "
                       "ward unit team queue centre center authority administration directorate branch "
                       "borough precinct".split())
#: Keys of a catalogue's own fields that hold a place or an organisational unit.
_UNIT_KEYS = re.compile(r"district|ward|borough|region|area|zone|neighbou?rhood|office|centre|center|depot|yard"
                        r"|location|agency|department|queue|team|unit", re.IGNORECASE)


def unit_words(names: Iterable[str], fields: Iterable[tuple[str, str]] = ()) -> frozenset[str]:
    """Words of places and organisational units (a city's districts, service centres, queues, business
    units) as the list itself shows them, whatever the city:

    - values of the catalogue's own fields named like a place or unit (``fields``: (key, value) pairs;
      keys such as district, ward, area, office, agency, department, queue);
    - the parts a list's names vary by in a fixed frame ("RCS - <unit> - G", "<district> - Pothole",
      "Staff - Compliment - <division>"): a value naming an organisation (bureau, office, commission, ...)
      or filling three frames or more, each filled by three different values or more; a value that is
      never part of a longer part of another name (a property type or a stream, "Garbage" in "Park Garbage
      Bin", is a word of the problem: not a unit), and words that occur nowhere else in the names.

    A category label holding one of them names where or who, not the resident's problem."""
    from codekit.propose import _vocab as V

    names = [n or "" for n in names]
    segs = [[" ".join(T.words(p, expand=False)) for p in T.split_segments(n)] for n in names]
    frames: dict[tuple, set[str]] = {}
    for ps in segs:
        if len(ps) < 2:
            continue
        frames.setdefault(("*",) + tuple(ps[1:]), set()).add(ps[0])
        frames.setdefault(tuple(ps[:-1]) + ("*",), set()).add(ps[-1])
        if len(ps) >= 3:
            for j in range(1, len(ps) - 1):
                frames.setdefault(tuple(ps[:j]) + ("*",) + tuple(ps[j + 1:]), set()).add(ps[j])
    n_frames: Counter = Counter(v for vs in frames.values() if len(vs) >= 3 for v in vs if v)
    # a unit names an organisation ("Bureau of Urban Forestry", "Taxi Commission") or fills the same slot
    # of three frames or more ("<district> - Pothole", "<district> - Graffiti", "<district> - Noise")
    values = {v for v, n in n_frames.items() if n >= 3 or set(v.split()) & _ORG_WORDS}
    every = [p for ps in segs for p in ps]
    from codekit.propose.synonyms import RESIDENT_WORDS

    # words of residents' problems ("pothole", "noise") fill the other slot of a district grid: never units
    topics = {w for k, vs in RESIDENT_WORDS.items() for t in (k, *vs) for w in t.split()}
    skip = GENERIC_WORDS | V.QUALIFIERS | V.BEFORE_NOUN | _PROBLEM | _FUNCTION | T.FILLER | topics

    inner: set[str] = set()  # every run of words inside a longer part ("garbage" of "park garbage bin")
    for p in set(every):
        ws = p.split()
        for i in range(len(ws)):
            for j in range(i + 1, min(len(ws), i + 8) + 1):
                if j - i < len(ws):
                    inner.add(" ".join(ws[i:j]))

    def inside_other(v: str) -> bool:
        return v in inner

    units = {v for v in values if not inside_other(v)
             and not all(w in skip or _stem(w) in skip for w in v.split())}
    elsewhere = Counter(w for p in every if p not in units for w in p.split())
    out = {w for v in units for w in v.split() if w not in skip and _stem(w) not in skip and not elsewhere.get(w)
           and not w.isdigit() and len(w) > 1}
    for key, value in fields:
        if key and value and _UNIT_KEYS.search(str(key)):
            out.update(w for w in T.words(str(value), expand=False) if w not in skip and len(w) > 1)
    return frozenset(out)


@lru_cache(maxsize=65536)
def word_jargon(word: str, ok: frozenset[str] = frozenset()) -> str | None:
    """Why one lower-case word is internal jargon, or None: a code-like token (letters and digits), an
    internal bookkeeping term ("unmapped"), a token without vowels ("frst", "bldg", "mls"), or a token
    of four letters or fewer that is not a common English word ("mrab", "fel", "inq", "ts", "uf")."""
    w = word.lower()
    if not w or w.isdigit() or w in ok:
        return None
    if any(ch.isdigit() for ch in w):
        return f"code-like token {word!r}"
    if w in V.INTERNAL_WORDS:
        return f"internal term {word!r}"
    if w in V.COMMON_SHORT or w in STOP_WORDS or w in T.NAME_STOP_WORDS or _stem(w) in V.COMMON_SHORT:
        return None
    b = _base(w)
    if len(w) >= 2 and not (set(b) & _VOWELS):
        return f"abbreviation {word!r}"
    st = _stem(b)
    if len(w) <= 4 or sum(ch in _VOWELS for ch in st) < 0.2 * len(st):  # "csrobkl", "mlsblemmvn" ("trucks" is a word)
        return f"abbreviation {word!r}"
    return None


def _stem(w: str) -> str:
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


#: Word forms counted as one in labels ("Lid Broken" and "Lid Damaged" say the same condition).
_SAME = {"broken": "damaged", "damage": "damaged", "damages": "damaged"}


def _norm(w: str) -> str:
    s = _stem(w)
    return _SAME.get(w, _SAME.get(s, s))


def _segments(name: str, vocab: set[str]) -> list[list[str]]:
    """The word runs of a name: hierarchy parts and parentheses split it; label expansions applied,
    split compounds joined, a word repeated at once ("Green Bin Bin") kept once."""
    out = []
    for part in _SEGMENT.split(name or ""):
        for seg in T.split_segments(part):
            ws: list[str] = []
            for w in T.words(seg):
                ws.extend(V.LABEL_EXPANSIONS.get(w, w).split())
            ws = T.join_compounds(ws, vocab)
            ws = [w for i, w in enumerate(ws) if i == 0 or w != ws[i - 1]]
            if ws:
                out.append(ws)
    return out


def _kind(w: str, avoid: frozenset[str], ok: frozenset[str] = frozenset()) -> str:
    """J jargon, N negation, P particle, F function word / filler, C content (``ok``: :func:`list_words`)."""
    if w in avoid or word_jargon(w, ok) or (len(w) == 1 and not w.isdigit()) or w.isdigit():
        return "J"
    if w in V.NEGATIONS:
        return "N"
    if w in V.PARTICLES:
        return "P"
    if w in _FUNCTION:
        return "F"
    return "C"


def _phrases(seg: list[str], kinds: list[str], max_len: int = 4):
    """(start, words) of the candidate phrases of one run of words."""
    m = len(seg)
    for i in range(m):
        if kinds[i] not in "CN":
            continue
        for j in range(i + 1, min(i + max_len, m) + 1):
            k = kinds[i:j]
            if "J" in k:
                break
            if k.count("F") > 1:
                break
            last = k[-1]
            if not (last == "C" or (last == "P" and j - i >= 2 and k[-2] in "CP")):
                continue
            content = [w for w, kk in zip(seg[i:j], k) if kk == "C"]
            if not content or all(w in V.QUALIFIERS for w in content):
                continue
            yield i, tuple(seg[i:j])


def _is_problem(words_: tuple[str, ...]) -> bool:
    return any(w in V.NEGATIONS or w in _PROBLEM or _norm(w) in _PROBLEM for w in words_) or words_[-1] in V.PARTICLES


def _sentence(words_) -> str:
    text = " ".join(words_).strip()
    return text[:1].upper() + text[1:] if text else ""


def _bonus(key: tuple[str, ...]) -> float:
    return 1 + 0.25 * (len(key) - 1)


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return any(big[i:i + n] == small for i in range(len(big) - n + 1))


#: Words that name no thing on their own: a label of only these (and function words) is generic.
GENERIC_WORDS = frozenset(
    "complaint complaints services service investigate investigation inquiry enquiry request requests "
    "general other information issue issues problem problems stand heavy unknown misc miscellaneous report "
    "maintenance operations management program programs programme programmes concern concerns matters application "
    "applications permit permits inspection inspections violation violations".split()
)


def label_shape_flags(label: str, names: Iterable[str] = ()) -> list[str]:
    """Why a label does not name a thing: one word, or only generic words ("Complaint", "Services"). A
    one-word label that is every member's whole name ("Pothole", "Graffiti", "Kaupunkiympäristö") is left
    alone: there are no more words to say."""
    ws = [w for w in T.words(label, expand=False) if w not in T.NAME_STOP_WORDS]
    if label == NO_PLAIN_LABEL:
        return ["no plain words in the members' names: name it by hand"]
    if not ws:
        return ["no plain words: name it by hand"]
    if all(w in GENERIC_WORDS for w in ws):
        return [f"generic label {label!r}: say what it is about"]
    if len(ws) == 1:
        names = list(names)
        if names and all([w for w in T.words(n, expand=False) if w not in T.NAME_STOP_WORDS] == ws for n in names):
            return []
        return [f"one-word label {label!r}: name the thing in two to five words"]
    return []


def suggest_label(names: list[str], *, max_words: int = 4, avoid: frozenset[str] = frozenset(),
                  ok: frozenset[str] | None = None) -> str:
    """A plain-language label from the names of a category's members (words in ``avoid`` left out).

    A label of one word or only generic words ("Stand", "Complaint") is made a noun phrase of two to
    five words when the names hold one (:func:`_noun_phrase`); otherwise it stays, and
    :func:`label_shape_flags` flags it."""
    ok = list_words(names) if ok is None else ok
    label = _suggest_label(names, max_words=max_words, avoid=avoid, ok=ok)
    if not label_shape_flags(label, names):
        return _with_small_words(label, names)
    low_avoid = frozenset(a.lower() for a in avoid)
    better = _noun_phrase(names, label, low_avoid, max_words + 1, ok)
    if better:
        return better
    if all(word_jargon(w, ok) or w in low_avoid for w in T.words(label)):  # "Tso": nothing plain to say
        return NO_PLAIN_LABEL
    return label


#: Words a label may take back from a member's name when they stand between its words ("Excessive heat in a
#: rental unit", not "Excessive heat rental unit"): articles and prepositions, never "and"/"or", which would join
#: what the name keeps apart ("Christmas Tree / Not Picked Up").
_SMALL_WORDS = frozenset("a an the in on at of for to with from by into".split())


def _with_small_words(label: str, names: list[str]) -> str:
    """The label with the articles and prepositions a member's name has between its words, as that name writes
    them (the shortest such run over the names); the label itself when no name has its words that way."""
    words = [T.fold(w) for w in label.split()]
    if len(words) < 2:
        return label
    best = None
    for nm in names:
        toks = nm.replace("/", " / ").replace(" - ", " / ").split()
        folded = [re.sub(r"[^\w]", "", T.fold(t)) for t in toks]
        for start, f in enumerate(folded):
            if f != words[0]:
                continue
            j, k, added = start, 0, False
            while j < len(folded) and k < len(words):
                if folded[j] == words[k]:
                    k += 1
                elif k and folded[j] in _SMALL_WORDS:
                    added = True
                else:
                    break
                j += 1
            if k == len(words) and added:
                span = folded[start:j]
                if best is None or len(span) < len(best):
                    best = span
    if best is None:
        return label
    out, mine = [], iter(label.split())
    k = 0
    for f in best:  # the label's own words (its case), the name's small words between them
        if k < len(words) and f == words[k]:
            out.append(next(mine))
            k += 1
        else:
            out.append(f)
    return " ".join(out)


#: The label of a category whose members' names hold no plain word ("Unknown - TSO-CMP04"): flagged, for
#: analysts to name, rather than a guess.
NO_PLAIN_LABEL = "Requests without a plain name"


def tell_labels_apart(labels: dict, names: dict, *, avoid: frozenset[str] = frozenset()) -> dict:
    """Categories that got the same label ("Information" twice) get the word their own members' names use
    most and the others' do not, in parentheses ("Information (tree)", "Information (bin)"); a number when
    no such word exists. ``labels`` and ``names``: category key -> label, and -> its members' names."""
    by_label: dict[str, list] = {}
    for k in sorted(labels):
        by_label.setdefault(T.fold(labels[k]), []).append(k)
    out = dict(labels)
    avoid = frozenset(a.lower() for a in avoid)
    for keys in by_label.values():
        if len(keys) < 2:
            continue
        counts = {k: _name_word_counts(names[k], skip=_FUNCTION | avoid) for k in keys}
        taken: set[str] = {w for w in T.words(labels[keys[0]])}
        for n, k in enumerate(keys, start=1):
            others: Counter = Counter()
            for o in keys:
                if o != k:
                    others.update(counts[o])
            pick = [w for w, c in sorted(counts[k].items(), key=lambda kv: (-kv[1], kv[0]))
                    if w not in taken and not others.get(w) and not word_jargon(w) and w not in V.QUALIFIERS]
            if pick:
                taken.add(pick[0])
                out[k] = f"{labels[k]} ({pick[0]})"
            elif n > 1:
                out[k] = f"{labels[k]} ({n})"
    return out


def _noun_phrase(names: list[str], label: str, avoid: frozenset[str], max_words: int,
                 ok: frozenset[str] = frozenset()) -> str | None:
    """A phrase of two or more words the members' names hold, with a word that is not generic: the one
    holding the label's word in the most names (then any in the most names; two names at least unless
    the category has one member), or a one-member category's name in plain language."""
    from codekit.propose.plain import plain_name

    vocab: set[str] = set()
    for nm in names:
        vocab.update(T.words(nm))
    head = {_norm(w) for w in T.words(label)}
    per_member: list[set] = []
    df: Counter = Counter()
    surface: dict[tuple, Counter] = {}
    for nm in names:
        own = avoid | ({a.lower() for a in acronyms(nm)} if any(ch.islower() for ch in nm) else set())
        seen = set()
        for seg in _segments(nm, vocab):
            kinds = [_kind(w, own, ok) for w in seg]
            for _, words_ in _phrases(seg, kinds, max_len=max_words):
                if len(words_) < 2:
                    continue
                content = [w for w in words_ if w not in _FUNCTION and w not in V.NEGATIONS and w not in V.PARTICLES]
                if not any(_norm(w) not in GENERIC_WORDS and w not in GENERIC_WORDS and w not in V.QUALIFIERS
                           for w in content):
                    continue
                key = tuple(_norm(w) for w in words_)
                seen.add(key)
                surface.setdefault(key, Counter())[words_] += 1
        df.update(seen)
        per_member.append(seen)
    least = 1 if len(names) == 1 else 2

    def show(key) -> tuple[str, ...]:
        return min(surface[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]

    pool = [k for k, c in df.items() if c >= least]
    if pool:
        best = min(pool, key=lambda k: (-(bool(set(k) & head)), -df[k] * _bonus(k), -len(k), k))
        return _sentence(show(best))
    if 2 <= len(names) <= 3:  # a small category of different things with one word in common: "A or B"
        picks: list[tuple] = []
        for seen in per_member:  # each member's shortest phrase holding the label's word
            mine = sorted((k for k in seen if set(k) & head), key=lambda k: (len(k), k))
            if mine and mine[0] not in picks:
                picks.append(mine[0])
        if 2 <= len(picks) <= 3 and sum(len(p) for p in picks) <= max_words + 1:
            return _sentence(" or ".join(" ".join(show(p)) for p in picks).split())
    if len(names) == 1:
        text = plain_name(names[0], prefixes=avoid, kind_words=True)
        if text and 2 <= len(text.replace(",", " ").split()) <= max_words + 1:
            return text.replace(",", "")
    return None


def _suggest_label(names: list[str], *, max_words: int = 4, avoid: frozenset[str] = frozenset(),
                   ok: frozenset[str] = frozenset()) -> str:
    if not names:
        return ""
    vocab: set[str] = set()
    for nm in names:
        vocab.update(T.words(nm))
    avoid = frozenset(a.lower() for a in avoid)
    members = []  # per member: {key: first position}
    surface: dict[tuple, Counter] = {}
    cleaned: list[list[str]] = []
    for nm in names:
        # capitals in a name that also has lower case are acronyms ("FEL Garbage Cart")
        own = avoid | ({a.lower() for a in acronyms(nm)} if any(ch.islower() for ch in nm) else set())
        seen: dict[tuple, int] = {}
        pos = 0
        clean: list[str] = []
        for seg in _segments(nm, vocab):
            kinds = [_kind(w, own, ok) for w in seg]
            clean.extend(w for w, k in zip(seg, kinds) if k != "J")
            for i, words_ in _phrases(seg, kinds):
                key = tuple(_norm(w) for w in words_)
                seen.setdefault(key, pos + i)
                surface.setdefault(key, Counter())[words_] += 1
            pos += len(seg) + 1
        members.append(seen)
        cleaned.append(clean)
    n = len(names)
    df: Counter = Counter()
    for seen in members:
        df.update(seen.keys())

    def show(key) -> list[str]:
        return list(min(surface[key].items(), key=lambda kv: (-kv[1], kv[0]))[0])

    if n == 1:  # one member: its own name, cleaned
        return _fallback(names, cleaned, df, max_words)
    cands = sorted((k for k, c in df.items() if c >= 2), key=lambda k: (-df[k] * _bonus(k), -len(k), k))
    if not cands:
        return _fallback(names, cleaned, df, max_words)
    head = cands[0]
    head = _extend(head, cands, df, max_words, frozenset())
    label = show(head)
    head_problem = _is_problem(head)
    if head_problem and _has_thing(head):  # "bin size exchange", "no heat": says both already
        return _sentence(label)
    head_words = set(head)
    best = None
    for k in cands:
        if set(k) & head_words or len(k) + len(head) > max_words + 2:
            continue
        co = [s for s in members if head in s and k in s]
        if _is_problem(k) == head_problem:  # two things: when at least half the members name each
            if head_problem or df[k] * 2 < n or not co:
                continue
        elif df[k] * 5 < n or len(co) < 2:  # a thing and a problem: a fifth of the members, two together
            continue
        # a one-word condition goes before the thing: it reads as a two-word phrase ("Missing bin")
        bonus = _bonus(k) if not (len(k) == 1 and k[0] in _CONDITION) else _bonus(("", ""))
        sc = (len(co) * bonus, -len(k))
        if best is None or sc > best[0]:
            best = (sc, k, co)
    if best is None and len(head) == 1 and head[0] in _CONDITION:  # "Damaged": the most common thing
        things = [k for k in cands if not _is_problem(k) and not (set(k) & head_words) and df[k] * 5 >= n
                  and len(k) + len(head) <= max_words + 2]
        if things:
            k = things[0]
            best = (None, k, [s for s in members if k in s])
    if best is None:
        return _sentence(label)
    _, k, co = best
    k = _extend(k, cands, df, max_words - len(head) + 2, head_words)
    co = [s for s in co if k in s] or co
    other = show(k)
    prob, obj = (label, other) if head_problem else (other, label)
    if len(prob) == 1 and prob[0] in V.BEFORE_NOUN and not _is_problem(tuple(obj)):
        words_ = prob + obj  # "Damaged bin", "Missing sign"
    else:
        both = [s for s in co if head in s and k in s]
        if both:
            before = sum(1 for s in both if s[k] < s[head]) * 2 > len(both)
        else:  # no member has both: where each usually sits in its names
            before = _mean_pos(members, k) < _mean_pos(members, head)
        words_ = other + label if before else label + other
    return _sentence(words_)


def _extend(key, cands, df, max_len: int, exclude) -> tuple:
    """A longer candidate phrase holding ``key`` that at least half of its members use (the best one)."""
    if len(key) == 1 and key[0] in _CONDITION:
        return key
    for k in cands:
        if len(k) > len(key) and len(k) <= max_len and _contains(k, key) and df[k] * 2 >= df[key] \
                and not (set(k) & exclude):
            return k
    return key


def _mean_pos(members, key) -> float:
    ps = [s[key] / (max(s.values()) + 1) for s in members if key in s]
    return sum(ps) / len(ps) if ps else 1.0


def _has_thing(words_: tuple[str, ...]) -> bool:
    """Whether a phrase names a thing besides a problem: a content word that is no problem word,
    no qualifier, and does not follow "not" ("not picked up" names no thing; "no heat" does)."""
    for i, w in enumerate(words_):
        if w in V.NEGATIONS or w in V.PARTICLES or w in _FUNCTION or w in V.QUALIFIERS:
            continue
        if w in _PROBLEM or _norm(w) in _PROBLEM or "not" in words_[max(0, i - 2):i]:
            continue
        return True
    return False


def _fallback(names: list[str], cleaned: list[list[str]], df: Counter, max_words: int) -> str:
    """The most representative member name without jargon or hierarchy separators (the one whose
    words the others share most, then the shortest); the name itself when nothing plain is left."""
    best = None
    for nm, ws in zip(names, cleaned):
        while ws and (ws[0] in _FUNCTION or ws[0] in V.PARTICLES):
            ws = ws[1:]
        while ws and ws[-1] in _FUNCTION:
            ws = ws[:-1]
        if not ws:
            continue
        share = sum(max(df.get((_norm(w),), 0) - 1, 0) for w in set(ws)) / len(set(ws))
        cand = (-share, len(ws), " ".join(ws))
        if best is None or cand < best[0]:
            best = (cand, ws)
    if best is not None and (best[0][0] < 0 or len(names) == 1):
        return _sentence(best[1][: max_words + 2])
    # nothing plain that members share: a word (even jargon) most names share, flagged by the jargon check
    counts = _name_word_counts(names, skip=_FUNCTION)
    if counts:
        w, c = min(counts.items(), key=lambda kv: (-kv[1], word_jargon(kv[0]) is not None, kv[0]))
        if c >= 2:
            return _sentence([w])
    if best is not None:
        return _sentence(best[1][: max_words + 2])
    # nothing but jargon: the word most names share (the jargon check will flag it)
    counts = _name_word_counts(names)
    if counts:
        return _sentence([min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]])
    return names[0]


def _name_word_counts(names: list[str], skip: frozenset[str] = frozenset()) -> Counter:
    """In how many names each word occurs (words of two letters or more, no digits, none in ``skip``)."""
    counts: Counter = Counter()
    for nm in names:
        counts.update({w for w in T.words(nm) if len(w) > 1 and not any(ch.isdigit() for ch in w) and w not in skip})
    return counts



def jargon_flags(label: str, *, divisions: Iterable[str] = (), sections: Iterable[str] = (),
                 codes: Iterable[str] = (), prefixes: frozenset[str] = frozenset(),
                 ok: frozenset[str] = frozenset(), units: frozenset[str] = frozenset()) -> list[str]:
    """Why ``label`` may be internal jargon (empty list: none found).

    ``codes`` may be a frozenset of lower-case codes (faster when checking many labels)."""
    reasons: list[str] = []
    low = " " + T.normalise(label) + " "
    for kind, names in (("division", divisions), ("section", sections)):
        for nm in sorted({x for x in names if x and x.strip().lower() not in ("unknown", "n/a", "other")}):
            nn = T.normalise(nm)
            if nn and " " + nn + " " in low:
                reasons.append(f"names the {kind} {nm!r}")
    for a in acronyms(label):
        reasons.append(f"acronym {a!r}")
    code_set = codes if isinstance(codes, frozenset) else frozenset(c.lower() for c in codes)
    for tok in re.findall(r"[A-Za-z0-9_-]+", label or ""):
        if tok.lower() in code_set:
            reasons.append(f"service code {tok!r}")
        elif _CODE_LIKE.fullmatch(tok) and not tok.isdigit():
            reasons.append(f"code-like token {tok!r}")
        elif tok.lower() in prefixes:
            reasons.append(f"code prefix {tok!r}")
    # words: initials of a division or section ("TS", "SW"), internal abbreviations and terms
    done = {a.lower() for a in acronyms(label)} | set(prefixes) | set(code_set)
    initials = _initials(tuple(divisions), tuple(sections))
    for tok in re.findall(r"[^\W_]+(?:['\u2019][^\W_]+)?", label or ""):
        tok = re.sub(r"['\u2019]s$", "", tok)  # a possessive is no abbreviation ("administrator's")
        low_tok = T.fold(tok)
        if low_tok in done or low_tok.isdigit() or any(ch.isdigit() for ch in low_tok):
            continue
        done.add(low_tok)
        if low_tok in initials:
            reasons.append(f"initials of the {initials[low_tok][0]} {initials[low_tok][1]!r}: {tok!r}")
            continue
        if low_tok in units:
            reasons.append(f"names a place or unit the list's names vary by: {tok!r}")
            continue
        why = word_jargon(tok, ok)
        if why:
            reasons.append(why)
    return list(dict.fromkeys(reasons))


@lru_cache(maxsize=64)
def _initials(divisions: tuple[str, ...], sections: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """Initials of division and section names, and their leading parts of two or more letters
    ("Solid Waste Management Services" -> "swms", "swm", "sw"), common words left out."""
    out: dict[str, tuple[str, str]] = {}
    for kind, names in (("division", divisions), ("section", sections)):
        for nm in sorted({x for x in names if x}):
            letters = "".join(w[0] for w in T.words(nm, expand=False)
                              if w not in T.NAME_STOP_WORDS and not w.isdigit())
            for j in range(2, len(letters) + 1):
                ini = letters[:j]
                if ini not in V.COMMON_SHORT and ini not in STOP_WORDS:
                    out.setdefault(ini, (kind, nm))
    return out
