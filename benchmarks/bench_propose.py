"""Time and peak memory of `codekit propose` from 650 to 10,000 codes, beside a plain baseline.

    python benchmarks/bench_propose.py [--sizes 650,1300,2600,5000,10000] [--events 1000000] [--out FILE.md]

Catalogues are synthetic scalings of the sample city: the sample catalogue of seeds 311, 312, ...
side by side (codes prefixed by the seed), cut to the size, with 1,000,000 error events in all
(each seed's log scaled down). Each size runs in a fresh process, so peak memory (max RSS) is per run.

Measured, each in its own process: codekit's default with the log (agglomerative, linkage auto: up to
4,000 codes scipy's average linkage on the dense combined distance, Ward instead when average makes a
heap; above that average linkage over each code's 150 nearest neighbours; the semantic signal on when
the sentence model is installed, which is the cost of embedding every distinct name + description in
NumPy), the same without the sentence model (``--weight semantic=0``), and the baseline (TF-IDF words +
scikit-learn AgglomerativeClustering on the dense matrix, given n/7 categories). Times exclude
generating the data. The embedding cache is off (cold runs). The scaled catalogues repeat the sample's
667 texts, and codekit embeds each distinct text once, so the semantic signal's cost here is that of 667
texts at every size; ``bench_semantic.py`` measures the encoder on up to 10,000 distinct texts.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, math, resource, sys, time
sys.path.insert(0, {src!r})
import polars as pl
from dataclasses import replace
from codekit.model import Catalogue
from codekit.sample import generate_sample
from codekit.io.errorlog import ErrorLog

n, events, what = {n}, {events}, {what!r}
seeds = math.ceil(n / 650)
codes, frames = [], []
for i in range(seeds):
    city = generate_sample(seed=311 + i, n_events=max(1, events // seeds))
    pre = f"S{{i}}-"
    codes += [replace(c, code=pre + c.code) for c in city.catalogue.codes]
    frames.append(city.events.with_columns(
        (pl.lit(pre) + pl.col("submitted_code")).alias("submitted_code"),
        pl.when(pl.col("correct_code").is_null()).then(None).otherwise(pl.lit(pre) + pl.col("correct_code"))
        .alias("correct_code")))
codes = codes[:n]
keep = {{c.code for c in codes}}
cat = Catalogue(codes, source=f"scaled sample ({{n}})")
ev = pl.concat(frames).filter(pl.col("submitted_code").is_in(list(keep)))
log = ErrorLog.from_frame(ev, source="scaled log")
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = {{"n_codes": len(cat), "n_events": ev.height}}
if what.startswith("codekit"):
    from codekit.propose.proposal import propose
    from codekit.propose.signals import Weights
    t = time.perf_counter()
    p = propose(cat, log, weights=Weights(semantic=0) if what == "codekit-nomodel" else None)
    out["seconds"] = time.perf_counter() - t
    out["n_categories"] = p.metrics["n_categories"]
    out["absorbed"] = p.metrics["confusion_within_share"]
    out["semantic"] = "semantic" in p.signals["active"]
else:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    t = time.perf_counter()
    X = TfidfVectorizer().fit_transform([c.name + " " + " ".join(c.keywords) + " " + c.description for c in codes])
    AgglomerativeClustering(n_clusters=max(2, len(codes) // 7)).fit(X.toarray())
    out["seconds"] = time.perf_counter() - t
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["data_rss_mb"] = rss0 / 1024
print(json.dumps(out))
"""


def run(n: int, events: int, what: str) -> dict:
    code = CHILD.format(src=str(ROOT / "src"), n=n, events=events, what=what)
    # cold runs: the sentence-embedding cache (~/.cache/codekit) would make every run after the first faster
    env = {**os.environ, "CODEKIT_CACHE_DIR": "off"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=1800, env=env)
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="time and memory of codekit propose by catalogue size")
    ap.add_argument("--sizes", default="650,1300,2600,5000,10000")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--out", default="", help="also write the Markdown table here")
    args = ap.parse_args(argv)
    lines = [
        "| codes | events | codekit s | codekit peak MB | categories | absorbed | no model: s | no model: MB | "
        "no model: categories | no model: absorbed | baseline s | baseline peak MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    print("\n".join(lines), flush=True)

    def cells(r, want_semantic):
        if "error" in r:
            return ["error: " + r["error"], "", "", ""]
        absorbed = "" if r.get("absorbed") is None else f"{r['absorbed']:.3f}"
        missing = want_semantic and not r.get("semantic")
        return [f"{r['seconds']:.2f}" + (" (no sentence model installed)" if missing else ""),
                f"{r['peak_rss_mb']:.0f}", f"{r['n_categories']:,}", absorbed]

    for n in [int(x) for x in args.sizes.split(",") if x.strip()]:
        c = run(n, args.events, "codekit")
        m = run(n, args.events, "codekit-nomodel")
        b = run(n, args.events, "baseline")
        head = [f"{c['n_codes']:,}", f"{c['n_events']:,}"] if "error" not in c else [f"{n:,}", ""]
        base = ["error", ""] if "error" in b else [f"{b['seconds']:.2f}", f"{b['peak_rss_mb']:.0f}"]
        row = "| " + " | ".join(head + cells(c, True) + cells(m, False) + base) + " |"
        lines.append(row)
        print(row, flush=True)
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
