"""Suggested plain-language labels for proposed categories, and jargon flags on any label.

A label is built from the words most members' names share (abbreviations expanded: "Res" ->
"residential", "Nite" -> "night"; acronyms and code-like tokens left out), in the order they usually
appear in the names, sentence case, at most four words. It is a suggestion for analysts to edit.

Jargon flags say why a label may not be plain language: it names a division or section (internal
organisation), carries an acronym ("FEL", "ROW", "TMC") or something that looks like a code
("CSROWR-12", "S0301").
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from codekit.analyse import text as T

_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,6}\b")
_CODE_LIKE = re.compile(r"\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*\b")
#: All-capital words that are plain language, not acronyms.
PLAIN_CAPS = frozenset({"TV", "OK", "ID", "AM", "PM", "US", "USA"})


def acronyms(text: str) -> list[str]:
    return [a for a in _ACRONYM.findall(text or "") if a not in PLAIN_CAPS and not a.isdigit()]


def _label_words(name: str) -> list[str]:
    """Content words of a name for labels: acronyms and code-like tokens dropped."""
    drop = {a.lower() for a in acronyms(name)}
    drop |= {t.lower() for t in _CODE_LIKE.findall(name or "")}
    from codekit.analyse._stopwords import STOP_WORDS

    return [w for w in T.content_words(name, stop=STOP_WORDS | T.NAME_STOP_WORDS)
            if w not in drop and not any(ch.isdigit() for ch in w)]


def _join_compounds(toks: list[str], vocab: set[str]) -> list[str]:
    """"pot hole" -> "pothole" when another member writes it as one word."""
    return T.join_compounds(toks, vocab)


def _sentence(words_: list[str]) -> str:
    text = " ".join(words_).strip()
    return text[:1].upper() + text[1:] if text else ""


def code_prefixes(codes) -> frozenset[str]:
    """Lower-case letter prefixes of codes ("PK-0101" -> "pk", "CSROWR-12" -> "csrowr"): internal jargon."""
    out = set()
    for c in codes:
        m = re.match(r"([A-Za-z]+)[-_ ]?\d", c or "")
        if m:
            out.add(m.group(1).lower())
    return frozenset(out)


def _stem(w: str) -> str:
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def suggest_label(names: list[str], *, max_words: int = 4, avoid: frozenset[str] = frozenset()) -> str:
    """A plain-language label from the names of a category's members (words in ``avoid`` left out)."""
    vocab: set[str] = set()
    for n in names:
        vocab.update(T.words(n))
    toks = [[w for w in _join_compounds(_label_words(n), vocab) if w not in avoid] for n in names]
    if len(names) == 1 or not any(toks):
        words_ = toks[0] if toks and toks[0] else [w for w in T.words(names[0]) if w not in avoid]
        return _sentence(words_[: max_words + 2]) or names[0]
    df: Counter = Counter()
    pos: dict[str, list[float]] = {}
    surface: dict[str, Counter] = {}
    for t in toks:
        stems = [_stem(w) for w in t]
        for i, st in enumerate(dict.fromkeys(stems)):
            df[st] += 1
            pos.setdefault(st, []).append(i / max(len(t), 1))
        for w in t:
            surface.setdefault(_stem(w), Counter())[w] += 1
    n = len(names)
    common = [w for w, c in df.items() if c >= max(2, (n + 1) // 2)]
    if not common:
        common = [w for w, c in df.most_common(2) if c >= 2] or [w for w, _ in df.most_common(2)]
    common.sort(key=lambda w: (-df[w], w))
    chosen = common[:max_words]
    chosen.sort(key=lambda w: (sum(pos[w]) / len(pos[w]), w))
    chosen = [min(surface[st].items(), key=lambda kv: (-kv[1], kv[0]))[0] for st in chosen]
    return _sentence(chosen) or names[0]


def jargon_flags(label: str, *, divisions: Iterable[str] = (), sections: Iterable[str] = (),
                 codes: Iterable[str] = (), prefixes: frozenset[str] = frozenset()) -> list[str]:
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
    return list(dict.fromkeys(reasons))
