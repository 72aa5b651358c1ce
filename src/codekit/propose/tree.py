"""Question trees: a category with more codes than ``max_answers`` asks dependent questions, each with at
most ``max_answers`` answers, instead of one long list of internal names.

Each question splits the codes still possible into at most ``max_answers`` groups; a group of one
code is an answer that routes to it, a small group gets a follow-up question (``ask_when`` the answer
given), a large one is split again. Every code sits at the end of exactly one path of answers, and
each route names every answer on its path, so the routing proof holds (any two routes differ in the
answer to the question where their paths part).

How a set of codes is split, first that applies:

1. **The structure inside the names** (a facet): a set of words that rarely meet in one name and
   together cover most of them: Toronto's bin codes name a property type ("Res", "Multi-Res",
   "Non-Res", "Park") x a stream ("Garbage", "Recycle", "Organic") x a need ("Not picked up",
   "Additional", "Exchange") x a size. Each word of the facet is an answer (its label: the longest
   run of words all its names share around it); names with none of them answer "Something else".
   Of the candidate facets (one grown from each of the most common words) the one that splits most
   evenly wins (entropy of the group sizes), words written earlier in names weighted up: the coarse
   attribute ("what kind of property") usually comes first. A facet must cover at least half of the
   names and leave no group holding more than 80% of them.
2. **Sub-clusters** of the category on the proposal's combined similarity (average linkage), each
   labelled like a category (:func:`codekit.propose.labels.suggest_label`), when no facet fits.
3. **Even slices** in the order of the answers' text, when neither applies (identical names).

Answers are plain language (:func:`codekit.propose.plain.plain_name`) without the words already
answered on the way. Siblings that read the same are told apart by the words that differ, or
numbered.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Iterable, Sequence

from codekit.analyse import text as T
from codekit.io.strings import slug
from codekit.propose.plain import CatalogueWords, catalogue_words, plain_name, sentence

#: The default limit of answers per question (set in the project file as ``max_answers``).
DEFAULT_MAX_ANSWERS = 7
ROOT_PROMPT = "Which of these best describes it?"
SPLIT_PROMPT = "Which of these is it about?"
OTHER_LABEL = "Something else"
#: Words of the category label that stay in answers: they tell a problem apart ("not picked up" vs "missed").
_KEEP_CONTEXT = frozenset({"not", "no"})
_MIN_COVERAGE = 0.5
#: Words of a name that say "the rest" ("Water - Miscellaneous", "Other Recreation Facility Issues").
_MISC = frozenset("miscellaneous misc other others general issues issue items item request requests".split())
_MAX_GROUP = 0.8


def build_tree(
    codes: Sequence[str],
    names: Sequence[str],
    *,
    max_answers: int = DEFAULT_MAX_ANSWERS,
    prefixes: frozenset[str] = frozenset(),
    similarity: Callable[[list[int]], object] | None = None,
    label: Callable[[list[str]], str] | None = None,
    context: str = "",
    org_names: Iterable[str] = (),
    known: CatalogueWords | None = None,
) -> dict:
    """The questions and routes of one category of ``codes`` (their internal ``names``), as plain data::

        {"questions": [{"key", "prompt", "values": [{"key", "label"}], "ask_when": {q: a} or {}}],
         "routes": [{"when": {q: a}, "code": code}], "depth": n, "max_answers": n, "split_by": [...]}

    ``similarity(idx)`` gives the combined similarity matrix of members ``idx`` (for sub-clusters);
    ``label(names)`` labels a sub-cluster; the words of ``context`` (the category's label) are left out of
    answers where the answers still read apart without them; no answer of a split is one of
    ``org_names`` (division and section names); ``known``: the catalogue's
    :func:`codekit.propose.plain.catalogue_words` (by default those of ``names``)."""
    n = len(codes)
    if n <= 1:
        return {"questions": [], "routes": [{"when": {}, "code": codes[0]}] if n else [], "depth": 0,
                "max_answers": 0, "split_by": [], "near_duplicates": [], "unplain": []}
    b = _Builder(list(codes), list(names), max(2, int(max_answers)), prefixes, similarity, label)
    b.known = catalogue_words(names) if known is None else known
    b.context_label = context
    b.context = frozenset(T.words(context)) - _KEEP_CONTEXT
    b.org_names = frozenset(" ".join(T.words(x)) for x in org_names if x)
    b.node(list(range(n)), frozenset(), None, "which")
    depth = max((len(r["when"]) for r in b.routes), default=0)
    return {
        "questions": b.questions, "routes": b.routes, "depth": depth,
        "max_answers": max((len(q["values"]) for q in b.questions), default=0),
        "split_by": sorted(set(b.split_by)), "near_duplicates": sorted(b.near_duplicates),
        "unplain": sorted(b.unplain),
    }


def name_bag(name: str, *, prefixes: frozenset[str] = frozenset(), known: CatalogueWords | None = None) -> frozenset:
    """The words of a code's plain name, stemmed, function words aside: near-duplicate codes share it
    ("Protective Custody", "Services - Protective Custody", "Service - Protective Custody")."""
    return _content_bag(plain_name(name, prefixes=prefixes, known=known) or name)


def _content_bag(text: str) -> frozenset:
    from codekit.propose.labels import FUNCTION_WORDS, _norm

    return frozenset(_norm(w) for w in T.content_words(text) if w not in FUNCTION_WORDS)


def duplicate_groups(names: Sequence[str], units: Sequence[object], *, prefixes: frozenset[str] = frozenset(),
                     known: CatalogueWords | None = None) -> list[list[int]]:
    """Groups (of two or more, in order) of the names that read the same once plain (:func:`name_bag`) and
    belong to one organisational unit (``units``: the draft passes division and section, so that codes a list
    keeps once per district or team are never folded into another district's): codes a resident cannot tell
    apart, which the draft offers as one answer."""
    from codekit.propose.labels import _norm

    by: dict[tuple, list[int]] = {}
    dropped: dict[int, frozenset] = {}
    for i, (nm, div) in enumerate(zip(names, units)):
        full = plain_name(nm, prefixes=prefixes, known=known)
        if full is None:
            continue  # nothing plain in it ("Unknown - TSO-CMP04"): the queue id is all that tells it apart
        bag = _content_bag(full)  # name_bag, the plain name being at hand
        if bag:
            by.setdefault((div, bag), []).append(i)
            # what the plain name left out ("Services", "SW", "RNFP"): where two names each left out something
            # different ("RNFP Request for ..." and "TPPR Request for ...", two programmes), that is what tells
            # them apart, and they are not merged
            dropped[i] = _content_bag(nm) - {_norm(w) for w in T.content_words(full)}
    out = []
    for g in by.values():
        if len(g) < 2:
            continue
        if len({dropped[i] for i in g if dropped[i]}) <= 1:
            out.append(g)
            continue
        by_dropped: dict[frozenset, list[int]] = {}
        for i in g:
            if dropped[i]:
                by_dropped.setdefault(dropped[i], []).append(i)
        out.extend(sub for sub in by_dropped.values() if len(sub) > 1)
    return sorted(out, key=lambda g: g[0])


class _Builder:
    def __init__(self, codes, names, max_answers, prefixes, similarity, label):
        self.codes, self.names, self.k = codes, names, max_answers
        self.prefixes, self.similarity, self.label = prefixes, similarity, label
        self.seq = [T.words(nm) for nm in names]
        from codekit.propose.labels import FUNCTION_WORDS, word_jargon

        self.toks = [frozenset(w for w in T.content_words(nm) if not _codeish(w) and w not in prefixes
                               and w not in FUNCTION_WORDS and not word_jargon(w))
                     for nm in names]
        self.questions: list[dict] = []
        self.routes: list[dict] = []
        self.split_by: list[str] = []
        self.qkeys: set[str] = set()
        self.context: frozenset[str] = frozenset()
        self.near_duplicates: list[list[str]] = []
        self.answered_only: frozenset[str] = frozenset()
        self.unplain: set[str] = set()
        self.org_names: frozenset[str] = frozenset()
        self.known: CatalogueWords | None = None
        self.context_label = ""

    # -- one question -------------------------------------------------------------------------------
    def node(self, idx: list[int], answered: frozenset[str], parent: tuple[str, str] | None, key: str,
             when: dict | None = None) -> None:
        when = dict(when or {})
        key = self._qkey(key)
        q = {"key": key, "prompt": ROOT_PROMPT, "datatype": "singlevaluelist", "values": [],
             "ask_when": {parent[0]: parent[1]} if parent else {}}
        self.questions.append(q)
        if len(idx) <= self.k:
            groups = [([i], None) for i in idx]
        else:
            groups = self._facet(idx, answered) or self._clusters(idx) or self._slices(idx)
            groups = self._flatten_duplicates(groups)
            q["prompt"] = SPLIT_PROMPT
        labels = self._labels(groups, answered, root=parent is None)
        keys = _unique_keys(labels)
        q["values"] = [{"key": k, "label": lab} for k, lab in zip(keys, labels)]
        later = []
        for (members, word), k in zip(groups, keys):
            path = {**when, key: k}
            if len(members) == 1:
                self.routes.append({"when": path, "code": self.codes[members[0]]})
            else:
                later.append((members, word, k, path))
        for members, word, k, path in later:  # questions in order: each after the one it depends on
            more = answered | (frozenset(word) if word else frozenset())
            self.node(members, more, (key, k), k, path)

    def _bag(self, i: int) -> frozenset:
        """The words of member ``i``'s plain name, stemmed, function words aside: near-duplicates share it."""
        return name_bag(self.names[i], prefixes=self.prefixes, known=self.known)

    def _flatten_duplicates(self, groups):
        """A group of near-duplicates only ("Protective Custody", "Services - Protective Custody") asks no
        follow-up question whose answers all read the same: its codes are answers of this question, when
        they fit."""
        out = list(groups)
        for g in list(groups):
            members, _ = g
            if len(members) < 2 or len(out) - 1 + len(members) > self.k:
                continue
            if len({self._bag(i) for i in members}) == 1:
                at = out.index(g)
                out[at:at + 1] = [([i], None) for i in members]
        return out

    def _qkey(self, key: str) -> str:
        key = key[:60].strip("-") or "which"
        base, n = key, 2
        while key in self.qkeys:
            key = f"{base}-{n}"
            n += 1
        self.qkeys.add(key)
        return key

    # -- answer labels ------------------------------------------------------------------------------
    def _labels(self, groups, answered, root: bool = False) -> list[str]:
        self.answered_only = answered
        singles = [g[0][0] for g in groups if len(g[0]) == 1 and g[1] != ("",)]
        # words most siblings' names have say little that tells them apart ("Park ... Bin ...", "Complaint -
        # staff conduct", "Contractor complaint"): left out where they start or end a part of the name
        reps = {self._bag(i): i for i in reversed(singles)}  # near-duplicates count once
        common = _most_share([self.seq[i] for i in sorted(reps.values())])
        drops = [answered | common | self.context, answered | self.context, answered, frozenset()]
        out: list[str] = []
        level: list[int] = []
        for members, word in groups:
            if len(members) == 1 and word != ("",):
                out.append(self._answer(members[0], drops[0]))
                level.append(0)
            elif word == ("",):
                out.append(OTHER_LABEL)
                level.append(-1)
            elif word:
                shown = tuple(w for w in word if w not in answered and w not in self.context)
                if not shown or not _says_something(" ".join(shown)):
                    shown = word
                text = _display(shown, [self.names[i] for i in members], self.prefixes)
                if len(shown) == 1:
                    text = self._kinds_of(shown[0], members, answered) or text
                out.append(sentence(text))
                level.append(-1)
            else:
                text = self.label([self.names[i] for i in members]) if self.label else ""
                if text:  # the sub-cluster's label, as plain as an answer: "Traffic signal graffiti complaint"
                    # under "Graffiti complaint" reads "Traffic signal graffiti"
                    short = plain_name(text, prefixes=self.prefixes, known=self.known,
                                       edges=answered | self.context)
                    org_words = {w for o in self.org_names for w in o.split()}
                    if short and _says_something(short) and _keeps_head(short, text) \
                            and not set(T.words(short, expand=False)) <= org_words:  # never "Toronto" of "Toronto Water"
                        text = short
                out.append(sentence(text) if text else self._answer(members[0], frozenset()) + " and others")
                level.append(-1)
        # siblings with the same words in another order are near-duplicate codes ("Garbage - Park - Bin
        # Damaged", "Park Garbage Bin Damaged"): one text, numbered, not "told apart" by words that mean
        # nothing to a resident (the analysts merge them; the notes name them)
        by_bag: dict[frozenset, list[int]] = {}
        for j, (members, word) in enumerate(groups):
            if len(members) == 1 and word != ("",):
                bag = self._bag(members[0])  # "controls" and "control" alike
                by_bag.setdefault(bag, []).append(j)
        for js in by_bag.values():
            if len(js) < 2:
                continue
            text = min((out[j] for j in js), key=lambda x: (", " in x, len(x), x))  # a phrase over a list of parts
            for j in js:
                out[j] = text
                level[j] = -2
            self.near_duplicates.append(sorted(self.codes[groups[j][0][0]] for j in js))
        for _ in range(len(drops) - 1):  # answers that read the same get back the words that were left out
            counts = Counter(_same(x) for x in out)
            again = [j for j, x in enumerate(out) if counts[_same(x)] > 1 and level[j] >= 0]
            if not again:
                break
            for j in again:
                level[j] += 1
                out[j] = self._answer(groups[j][0][0], drops[min(level[j], len(drops) - 1)])
        self._something_else(out, groups, level, answered)
        self._other(out, groups, level, answered)
        return _tell_apart(out, [g[0] for g in groups], self)

    def _something_else(self, out: list[str], groups, level: list[int], answered) -> None:
        """A code whose name says only "miscellaneous" or "other" beside what is already answered or what
        the category says ("Water - Miscellaneous" under "Water", "Other Recreation Facility Issues" in
        "Recreation facility") is the question's "Something else"."""
        if OTHER_LABEL in out:
            return
        said = answered | self.context
        for j, (members, word) in enumerate(groups):
            if len(members) != 1 or word == ("",) or level[j] < 0:
                continue
            rest = [w for w in T.words(self.names[members[0]]) if w not in said and w not in T.NAME_STOP_WORDS]
            if rest and all(w in _MISC for w in rest) and any(w in ("miscellaneous", "misc", "other") for w in rest):
                out[j] = OTHER_LABEL
                return

    def _other(self, out: list[str], groups, level: list[int], answered=frozenset()) -> None:
        """The general code among specific ones ("Business Complaint" beside "COVID Business Complaint",
        "Tow Truck Complaint" in the category "Business complaint"; "Motor Vehicle Noise" beside "Moving
        Motor Vehicle Noise" after the answer "Motor vehicle noise"): its name says no more than the
        category's label and the answers given, and another answer's name holds all its words, so it
        reads "Other business complaint", "Other motor vehicle noise"."""
        if len(groups) < 2 or OTHER_LABEL in out:
            return
        if self.context_label and not answered:  # an answer that reads as the category's label beside more
            # specific ones ("Maintenance hole damage" beside "Maintenance Hole - Missing Cover"): the general one.
            # Not where no other answer is about the label's subject ("Games" beside "Watercraft").
            label = _same(self.context_label)
            same = [j for j, x in enumerate(out) if _same(x) == label]
            subject = name_bag(self.context_label, prefixes=self.prefixes, known=self.known)
            about = same and any(subject & self._bag(i) for k, g in enumerate(groups) if k != same[0] for i in g[0])
            if len(same) == 1 and about and groups[same[0]][1] != ("",):
                full = sentence(self.context_label)
                out[same[0]] = "Other " + (full[:1].lower() + full[1:] if _lower_ok_label(full) else full)
                return
        said = answered | self.context
        for j, (members, word) in enumerate(groups):
            if len(members) != 1 or word == ("",) or level[j] < 0:
                continue
            mine = frozenset(T.content_words(self.names[members[0]]))
            if not mine or not mine <= said or out[j].lower().startswith("other "):
                continue
            if not any(mine <= frozenset(T.content_words(self.names[i])) for k, g in enumerate(groups) if k != j
                       for i in g[0]):
                continue
            full = plain_name(self.names[members[0]], prefixes=self.prefixes, known=self.known)
            if mine <= self.context and self.context_label:  # the category's own words: its label says it
                full = sentence(self.context_label)
            if not full:
                continue
            out[j] = "Other " + (full[:1].lower() + full[1:] if _lower_ok_label(full) else full)
            return

    def _answer(self, i: int, drop) -> str:
        """The plain name of member ``i`` without the words in ``drop``, unless that leaves no word that
        says something ("Turn off" -> "Off", "No water" -> "No"): then the words the answers given so far
        said are dropped only, then none."""
        full = plain_name(self.names[i], prefixes=self.prefixes, known=self.known)
        for d in (drop, drop & self.answered_only, frozenset()):
            text = plain_name(self.names[i], prefixes=self.prefixes, drop=d & self.answered_only,
                              edges=d - self.answered_only, known=self.known)
            if text is not None and _says_something(text) and _keeps_head(text, full):
                return text
        text = full
        if text is None:  # nothing plain in the name: kept as written, and named in the notes
            self.unplain.add(self.codes[i])
            return self.names[i]
        return text

    # -- splits -------------------------------------------------------------------------------------
    def _facet(self, idx: list[int], answered: frozenset[str]):
        n = len(idx)
        df: Counter = Counter()
        where: dict[str, set[int]] = {}
        pos: dict[str, list[float]] = {}
        for i in idx:
            seq = self.seq[i]
            for w in self.toks[i] - answered:
                df[w] += 1
                where.setdefault(w, set()).add(i)
                if w in seq:
                    pos.setdefault(w, []).append(seq.index(w) / max(1, len(seq)))
        cands = [w for w, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])) if 2 <= c < n]
        if self.org_names:  # a division or section ("Toronto Water") is the City's organisation, not an answer
            cands = [w for w in cands if " ".join(self._phrase(w, sorted(where[w]))) not in self.org_names]
        if len(cands) < 2:
            return None
        best = None
        for seed in cands[:12]:
            facet = [seed]
            covered = set(where[seed])
            for w in cands:
                if len(facet) >= self.k - 1:
                    break
                if w in facet:
                    continue
                overlap = len(where[w] & covered)
                if overlap <= 0.1 * df[w] and len(where[w] - covered) >= 2:
                    facet.append(w)
                    covered |= where[w]
            if len(facet) < 2 or len(covered) < _MIN_COVERAGE * n:
                continue
            groups: dict[str, list[int]] = {w: [] for w in facet}
            other: list[int] = []
            for i in idx:
                for w in facet:
                    if i in where[w]:
                        groups[w].append(i)
                        break
                else:
                    other.append(i)
            sizes = [len(g) for g in groups.values()] + ([len(other)] if other else [])
            if max(sizes) > _MAX_GROUP * n:
                continue
            ent = -sum(s / n * math.log(s / n) for s in sizes if s)
            mean_pos = sum(sum(pos.get(w, [1.0])) / len(pos.get(w, [1.0])) for w in facet) / len(facet)
            score = ent * (1 - 0.6 * mean_pos)
            if best is None or score > best[0] + 1e-12:
                best = (score, facet, groups, other)
        if best is None:
            return None
        _, facet, groups, other = best
        self.split_by.append("names")
        out = [(groups[w], self._phrase(w, groups[w])) for w in facet]
        if other:
            out.append((other, ("",)))
        return out

    def _kinds_of(self, w: str, members: list[int], answered: frozenset[str]) -> str | None:
        """A one-word facet answer over several codes, with the kind most of its names give it: "Waste" over
        sixteen "Yard Waste" codes and one "Ewaste" reads "Yard or other waste". The word written just before
        ``w`` in half of the names at least (two at least); None when no word is."""
        if len(members) < 3:
            return None
        import re

        said = answered | self.context
        before: Counter = Counter()
        for i in members:
            seq = self.seq[i]
            raw = T.fold(self.names[i])
            prev = {seq[j - 1] for j in range(1, len(seq)) if seq[j] == w}
            # written just before it in one part of the name ("Yard Waste"), not across a separator
            # ("Investigate - Dog ...", "Res / Garbage ...": a verb or a property type, not a kind)
            before.update(p for p in prev if p not in said and p not in T.NAME_STOP_WORDS and p != w
                          and not _codeish(p) and p not in self.prefixes and p in self.toks[i]
                          and re.search(rf"(?<![\w-]){re.escape(p)} +{re.escape(w)}(?![\w-])", raw))
        kinds = [k for k, n in sorted(before.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2 and n * 2 >= len(members)]
        if not kinds:
            return None
        return f"{_display((kinds[0],), [], self.prefixes)} or other {w}"

    def _phrase(self, w: str, members: list[int]) -> tuple[str, ...]:
        """The longest run of words around ``w`` that every member's name has (folded words)."""
        best = (w,)
        first = self.seq[members[0]]
        for start in range(len(first)):
            for end in range(start + 1, min(len(first), start + 5) + 1):
                run = tuple(first[start:end])
                if w not in run or len(run) <= len(best):
                    continue
                if all(_contains(self.seq[i], run) for i in members[1:]):
                    best = run
        while len(best) > 1 and best[0] in T.NAME_STOP_WORDS:
            best = best[1:]
        while len(best) > 1 and (best[-1] in T.NAME_STOP_WORDS or best[-1] in ("not", "no")):
            best = best[:-1]  # "cart not": a run cut inside "not picked up"
        return best

    def _clusters(self, idx: list[int]):
        if self.similarity is None:
            return None
        import numpy as np
        from sklearn.cluster import AgglomerativeClustering

        S = np.asarray(self.similarity(list(idx)), dtype=float)
        D = np.clip(1.0 - S, 0.0, None)
        np.fill_diagonal(D, 0.0)
        k = min(self.k, len(idx))
        lab = AgglomerativeClustering(n_clusters=k, metric="precomputed", linkage="average").fit(D).labels_
        groups: dict[int, list[int]] = {}
        for i, l in zip(idx, lab):
            groups.setdefault(int(l), []).append(i)
        out = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
        if len(out) < 2 or len(out[0]) > _MAX_GROUP * len(idx):
            return None
        self.split_by.append("sub-clusters")
        return [(g, None) for g in out]

    def _slices(self, idx: list[int]):
        order = sorted(idx, key=lambda i: (T.fold(self._answer(i, frozenset())), self.codes[i]))
        size = math.ceil(len(order) / self.k)
        self.split_by.append("slices")
        return [(order[j:j + size], None) for j in range(0, len(order), size)]


def _display(word: tuple[str, ...], names: list[str], prefixes) -> str:
    """A facet answer: the folded words as plain text (abbreviations written out)."""
    text = plain_name(" ".join(word), prefixes=prefixes)
    return text or " ".join(word)


def _most_share(seqs: list[list[str]]) -> frozenset[str]:
    """Words more than half of the names (and two at least) hold; none with one name only."""
    if len(seqs) < 2:
        return frozenset()
    df = Counter(w for seq in seqs for w in set(seq))
    least = max(2, len(seqs) // 2 + 1)
    return frozenset(w for w, c in df.items() if c >= least)


def _lower_ok_label(label: str) -> bool:
    first = label.split(" ", 1)[0]
    return not (len(first) > 1 and first.isupper())


def _keeps_head(text: str, full: str | None) -> bool:
    """Whether an answer with words left out still names a thing: not a generic word alone ("Programme"
    of "Speed watch programme")."""
    if not full or text == full:
        return True
    ws = T.words(text, expand=False)
    if len(ws) != 1:
        return True
    from codekit.propose.labels import GENERIC_WORDS
    from codekit.propose.plain import _KIND_END, _KIND_START

    w = ws[0]
    if w in GENERIC_WORDS or w.rstrip("s") in GENERIC_WORDS or w in _KIND_END or w in _KIND_START:
        return False
    return True


def _says_something(text: str) -> bool:
    """Whether a text holds a word that is not a function word, a particle or a negation ("Off", "No")."""
    from codekit.propose import _vocab as V
    from codekit.propose.labels import FUNCTION_WORDS

    return any(w not in FUNCTION_WORDS and w not in V.PARTICLES and w not in V.NEGATIONS and not w.isdigit()
               for w in T.words(text, expand=False))


def _contains(seq: list[str], run: tuple[str, ...]) -> bool:
    m = len(run)
    return any(tuple(seq[j:j + m]) == run for j in range(len(seq) - m + 1))


def _codeish(w: str) -> bool:
    return any(ch.isdigit() for ch in w) and any(ch.isalpha() for ch in w)


def _unique_keys(labels: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for lab in labels:
        k = slug(lab)[:40].strip("-") or "answer"
        base, n = k, 2
        while k in seen:
            k = f"{base}-{n}"
            n += 1
        seen.add(k)
        out.append(k)
    return out


def _tell_apart(labels: list[str], members: list[list[int]], b: _Builder) -> list[str]:
    """Sibling answers that read the same get what tells them apart: the division or section when
    that differs, else a number."""
    counts = Counter(_same(x) for x in labels)
    if all(c == 1 for c in counts.values()):
        return labels
    out = list(labels)
    seen: Counter = Counter()
    for j, lab in enumerate(labels):
        if counts[_same(lab)] == 1:
            continue
        seen[_same(lab)] += 1
        if seen[_same(lab)] > 1:
            out[j] = f"{lab} ({seen[_same(lab)]})"
    return out


def _same(text: str) -> str:
    """What two answers read as: their words, case and punctuation aside."""
    return " ".join(T.words(text, expand=False))
