"""Near-duplicate and renamed codes: merge candidates with a score and a reason.

Real lists carry the same request twice under two spellings ("Road - Pot hole" beside
"Road Pothole / Road Damage"; "Residential: Bin: Repair or Replace Lid" beside "Residential Bin
Lid Damaged"). Candidates come from sparse TF-IDF vectors of the normalised names (character 3-5-grams
of the names written without spaces, so "Pot hole" meets "Pothole") and each code's nearest
neighbours (scikit-learn, cosine): no Python loop over all pairs, fast on 10,000 codes.

Each candidate pair is then scored on its content words (abbreviations expanded, split compounds
joined, hierarchy separators and word order ignored, "repair"/"replace"/"broken" read as "damage"):

    score = 0.5 * overlap + 0.5 * dice

where ``overlap`` is the share of the shorter name's words found in the other name and ``dice`` the
share of both names' words they have in common, each word weighted by its rarity in the catalogue (IDF),
so sharing "lid" counts more than sharing "residential", and a differing "garbage"/"recycle" costs more
than a differing "night". Names whose characters are almost the same (cosine >= 0.95: typos, spacing)
score their character similarity when it is higher. A pair where one name negates a word of the other
("Residential" / "Non-Residential") scores at most 0.5. The reason says which evidence carried the score.
"""

from __future__ import annotations

from typing import Any

from codekit.model import Catalogue


#: Character similarity from which two names count as spelling variants of each other (typos, spacing).
SPELLING = 0.95


def _content_tokens(name: str, vocab: set[str]) -> list[str]:
    from codekit.analyse import text as T

    return T.join_compounds([T.SAME_PROBLEM.get(t, t) for t in T.content_words(name)], vocab)


def near_duplicate_pairs(
    catalogue: Catalogue,
    *,
    threshold: float = 0.8,
    top: int = 50,
    n_neighbors: int = 10,
    active_only: bool = False,
) -> list[dict[str, Any]]:
    """Pairs of codes whose names say the same thing, best first.

    Returns up to ``top`` dicts ``code_a, name_a, code_b, name_b, score, reason`` (plus ``same_division``,
    ``char``, ``word``, ``overlap``, ``identical``) with ``score >= threshold``; ``code_a`` sorts before
    ``code_b``. ``top=0`` or less returns them all.
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import normalize

    from codekit.analyse import text as T

    codes = [c for c in catalogue.codes if c.active or not active_only]
    n = len(codes)
    if n < 2:
        return []
    squashed = [T.squash(" ".join(T.content_words(c.name)) or c.name) for c in codes]
    vocab: set[str] = set()
    for c in codes:
        vocab.update(T.words(c.name))
    tokens = [_content_tokens(c.name, vocab) for c in codes]
    char = TfidfVectorizer(analyzer="char", ngram_range=(3, 5), sublinear_tf=True, lowercase=False)
    Xc = normalize(char.fit_transform([" " + s + " " for s in squashed]))
    word = TfidfVectorizer(analyzer=lambda toks: toks, sublinear_tf=True, lowercase=False)
    try:
        Xw = normalize(word.fit_transform(tokens))
    except ValueError:
        Xw = None
    k = min(n, max(2, n_neighbors + 1))
    nn = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute").fit(Xc)
    dist, idx = nn.kneighbors(Xc)
    cand: set[tuple[int, int]] = set()
    for i in range(n):
        for d, j in zip(dist[i], idx[i]):
            if j != i:
                cand.add((min(i, int(j)), max(i, int(j))))
    if Xw is not None:
        nnw = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute").fit(Xw)
        dist_w, idx_w = nnw.kneighbors(Xw)
        for i in range(n):
            for d, j in zip(dist_w[i], idx_w[i]):
                if j != i and d < 1.0:
                    cand.add((min(i, int(j)), max(i, int(j))))
    if not cand:
        return []
    pairs = np.array(sorted(cand), dtype=np.int64)
    a, b = pairs[:, 0], pairs[:, 1]
    cos_c = np.asarray(Xc[a].multiply(Xc[b]).sum(axis=1)).ravel()
    cos_w = np.asarray(Xw[a].multiply(Xw[b]).sum(axis=1)).ravel() if Xw is not None else np.zeros(len(a))
    sets = [set(t) for t in tokens]
    idf = dict(zip(word.get_feature_names_out(), word.idf_)) if Xw is not None else {}
    out: list[dict[str, Any]] = []
    for p in range(len(pairs)):
        i, j = int(a[p]), int(b[p])
        si, sj = sets[i], sets[j]
        wi = sum(idf.get(t, 1.0) for t in si)
        wj = sum(idf.get(t, 1.0) for t in sj)
        shared_w = sum(idf.get(t, 1.0) for t in si & sj)
        overlap = shared_w / min(wi, wj) if si and sj else 0.0
        dice = 2 * shared_w / (wi + wj) if si and sj else 0.0
        wscore = 0.5 * overlap + 0.5 * dice
        cscore = float(cos_c[p])
        identical = bool(si) and si == sj
        identical = identical or T.normalise(codes[i].name) == T.normalise(codes[j].name)
        score = 1.0 if identical else (cscore if cscore >= SPELLING and cscore > wscore else wscore)
        if any("non" + t in sj for t in si) or any("non" + t in si for t in sj):
            score = min(score, 0.5)  # "Residential" vs "Non-Residential": opposites, not duplicates
        if score < threshold:
            continue
        if identical:
            reason = "same words once case, spacing, punctuation, abbreviations and word order are set aside"
        elif cscore >= SPELLING and cscore > wscore:
            reason = f"similar spelling (character n-grams {cscore:.2f})"
        else:
            shared = sorted(si & sj)
            reason = (f"shared words {', '.join(shared)} ({len(si & sj)} of {min(len(si), len(sj))} words "
                      f"of the shorter name)")
        ci, cj = codes[i], codes[j]
        if cj.code < ci.code:
            ci, cj = cj, ci
        same_div = bool(ci.division and ci.division == cj.division)
        if ci.division and cj.division and not same_div:
            reason += f"; different divisions ({ci.division} / {cj.division})"
        out.append({
            "code_a": ci.code, "name_a": ci.name, "code_b": cj.code, "name_b": cj.name,
            "score": round(float(score), 4), "reason": reason, "same_division": same_div,
            "char": round(cscore, 4), "word": round(float(cos_w[p]), 4), "overlap": round(float(overlap), 4),
            "dice": round(float(dice), 4),
            "identical": bool(identical),
        })
    out.sort(key=lambda r: (-r["score"], r["code_a"], r["code_b"]))
    return out[:top] if top and top > 0 else out
