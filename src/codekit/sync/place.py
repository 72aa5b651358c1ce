"""Place new codes into existing public categories, with a confidence, explainably.

Each category is described by its members (the codes its routes reach: name, description, keywords, section,
division) and its own public text (label, synonyms, description, answer labels). A new code is compared with
every member by the proposal's content signals (TF-IDF word n-grams, character n-grams and, when the sentence
model is installed, the meaning of name + description), and with the category's public text; division and
section agreement add a small prior. A category's score is its best member's similarity blended with its
text's and its top members' mean; the confidence is the softmax share of the best category (temperature
:data:`TEMPERATURE`), so a code equally close to two categories gets a low confidence and is queued for review.

The baseline (:func:`nearest_name`) is the category of the member with the most similar name (TF-IDF words),
as a person searching the list by name would do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from codekit.model import ServiceCode

#: Softmax temperature of the confidence over category scores.
TEMPERATURE = 0.05
#: Below this confidence a new code goes to the "to review" category instead of being placed.
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Target:
    """A category new codes can join: its id, public text and member codes."""

    id: str
    label: str
    text: str = ""
    members: tuple[ServiceCode, ...] = ()


@dataclass
class Placement:
    code: str
    ranking: list[tuple[str, float]]  # (category id, score), best first
    confidence: float
    why: list[str] = field(default_factory=list)

    @property
    def best(self) -> str | None:
        return self.ranking[0][0] if self.ranking else None

    def to_dict(self, k: int = 3) -> dict[str, Any]:
        return {"code": self.code, "category": self.best, "confidence": round(self.confidence, 4),
                "top": [{"category": c, "score": round(s, 4)} for c, s in self.ranking[:k]], "why": self.why}


def code_text(c: ServiceCode) -> str:
    parts = [c.name, c.description, " ".join(c.keywords)]
    return " ".join(p for p in parts if p).strip()


def _matrix(texts: Sequence[str], **kw):
    from sklearn.feature_extraction.text import TfidfVectorizer

    v = TfidfVectorizer(sublinear_tf=True, **kw)
    return v.fit_transform(texts)


def _semantic(texts: list[str]):
    """The sentence-model embeddings of ``texts``, or None when the model is not installed (as in propose; a
    model codekit cannot run is one clear error there and here)."""
    from codekit.propose.semantic import embed

    return embed(texts)


def place(new: Sequence[ServiceCode], targets: Sequence[Target], *, semantic: bool = True,
          temperature: float = TEMPERATURE, priors: tuple[str, ...] = ("division", "section")) -> list[Placement]:
    """Rank ``targets`` for each new code (deterministic: no randomness involved).

    ``priors`` names the catalogue columns whose agreement with a category's members adds to its score
    (division 0.10, section 0.05); leave out the column being predicted when measuring against it."""
    import numpy as np

    targets = [t for t in targets if t.members or t.text]
    if not new or not targets:
        return [Placement(c.code, [], 0.0, ["no category to place it in"]) for c in new]
    members = [(ti, m) for ti, t in enumerate(targets) for m in t.members]
    m_texts = [code_text(m) for _, m in members]
    n_texts = [code_text(c) for c in new]
    t_texts = [" ".join([t.label, t.text]).strip() or t.id for t in targets]
    corpus = m_texts + n_texts + t_texts
    nm, nn = len(m_texts), len(n_texts)
    sims = []
    for kw in ({"analyzer": "word", "ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b"},
               {"analyzer": "char_wb", "ngram_range": (3, 5)}):
        X = _matrix(corpus, **kw)
        sims.append(X)
    E = _semantic(corpus) if semantic else None
    owner = np.array([ti for ti, _ in members], dtype=int)
    n_t = len(targets)
    out: list[Placement] = []
    for j, c in enumerate(new):
        row = nm + j
        # similarity to each member and to each category's own text, averaged over the signals
        mem = np.zeros(nm)
        txt = np.zeros(n_t)
        n_sig = 0
        for X in sims:
            v = X[row]
            if nm:
                mem += (X[:nm] @ v.T).toarray().ravel()
            txt += (X[nm + nn:] @ v.T).toarray().ravel()
            n_sig += 1
        if E is not None:
            e = E[row]
            if nm:
                mem += np.clip(E[:nm] @ e, 0, 1)
            txt += np.clip(E[nm + nn:] @ e, 0, 1)
            n_sig += 1
        mem /= n_sig
        txt /= n_sig
        score = np.zeros(n_t)
        best_member = np.full(n_t, -1)
        for ti in range(n_t):
            idx = np.flatnonzero(owner == ti)
            if idx.size:
                s = np.sort(mem[idx])[::-1]
                top = float(s[0])
                mean3 = float(s[:3].mean())
                best_member[ti] = idx[int(np.argmax(mem[idx]))]
                score[ti] = 0.55 * top + 0.25 * mean3 + 0.20 * txt[ti]
            else:
                score[ti] = txt[ti]
            t = targets[ti]
            if t.members:
                same_div = sum(1 for m in t.members if m.division and m.division == c.division) / len(t.members)
                same_sec = sum(1 for m in t.members if m.section and m.section == c.section) / len(t.members)
                score[ti] += (0.10 * same_div if "division" in priors else 0.0) + (
                    0.05 * same_sec if "section" in priors else 0.0)
        order = sorted(range(n_t), key=lambda i: (-score[i], targets[i].id))
        z = (score - score.max()) / max(temperature, 1e-9)
        p = np.exp(z)
        p /= p.sum()
        best = order[0]
        why = []
        if best_member[best] >= 0:
            m = members[int(best_member[best])][1]
            why.append(f"closest member {m.code} ({m.name!r}), similarity {mem[int(best_member[best])]:.2f}")
        if txt[best] > 0:
            why.append(f"category text similarity {txt[best]:.2f}")
        t = targets[best]
        if t.members and c.division and any(m.division == c.division for m in t.members):
            why.append(f"same division ({c.division})")
        out.append(Placement(c.code, [(targets[i].id, float(score[i])) for i in order], float(p[best]), why))
    return out


def nearest_name(new: Sequence[ServiceCode], targets: Sequence[Target]) -> list[Placement]:
    """Baseline: the category of the member whose name is most similar (TF-IDF words, cosine)."""
    members = [(t.id, m) for t in targets for m in t.members]
    if not new or not members:
        return [Placement(c.code, [], 0.0) for c in new]
    X = _matrix([m.name for _, m in members] + [c.name for c in new], analyzer="word",
                token_pattern=r"(?u)\b\w+\b")
    nm = len(members)
    out = []
    for j, c in enumerate(new):
        s = (X[:nm] @ X[nm + j].T).toarray().ravel()
        best: dict[str, float] = {}
        for (tid, _), v in zip(members, s):
            best[tid] = max(best.get(tid, 0.0), float(v))
        ranking = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        out.append(Placement(c.code, ranking, 1.0 if ranking and ranking[0][1] > 0 else 0.0))
    return out


def targets_from_taxonomy(taxonomy, catalogue, *, exclude: frozenset[str] = frozenset()) -> list[Target]:
    """One :class:`Target` per category of a loaded taxonomy (members from its routes' codes)."""
    out = []
    for cat in taxonomy.categories:
        codes = []
        for r in cat.routes:
            if r.code and r.code in catalogue and r.code not in exclude and r.code not in codes:
                codes.append(r.code)
        answers = " ".join(ch.label for q in cat.questions for ch in q.values)
        text = " ".join([cat.description, " ".join(cat.synonyms), answers]).strip()
        out.append(Target(cat.id, cat.label, text, tuple(catalogue[c] for c in codes)))
    return out


def targets_from_column(catalogue, column: str, *, exclude: frozenset[str] = frozenset()) -> list[Target]:
    """Categories given by a catalogue column (``section``, ``division``, ``group`` or ``extra.KEY``)."""
    groups: dict[str, list[ServiceCode]] = {}
    for c in catalogue:
        if c.code in exclude:
            continue
        key = column_value(c, column)
        if key:
            groups.setdefault(key, []).append(c)
    return [Target(k, k, "", tuple(v)) for k, v in sorted(groups.items())]


def column_value(c: ServiceCode, column: str) -> str:
    if column.startswith("extra."):
        return dict(c.extra).get(column[6:], "")
    return str(getattr(c, column, "") or "")


def accuracy(placements: Sequence[Placement], truth: dict[str, str], *, threshold: float | None = None) -> dict:
    """Top-1 and top-3 accuracy of ``placements`` against ``truth`` (code -> category); with ``threshold``,
    the coverage (share placed, not queued) and the accuracy among the placed."""
    n = len(placements)
    if not n:
        return {"n": 0, "top1": None, "top3": None}
    top1 = sum(1 for p in placements if p.best == truth.get(p.code)) / n
    top3 = sum(1 for p in placements if truth.get(p.code) in [c for c, _ in p.ranking[:3]]) / n
    out = {"n": n, "top1": round(top1, 4), "top3": round(top3, 4)}
    if threshold is not None:
        placed = [p for p in placements if p.confidence >= threshold]
        out["threshold"] = threshold
        out["coverage"] = round(len(placed) / n, 4)
        out["placed_accuracy"] = (round(sum(1 for p in placed if p.best == truth.get(p.code)) / len(placed), 4)
                                  if placed else None)
    return out
