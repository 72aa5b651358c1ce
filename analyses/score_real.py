"""Score codekit's default proposal against published groupings in real city data, beside two baselines.

    python analyses/score_real.py --shared ../shared --out analyses/real_scores.md

For each real list that carries a grouping (../shared/data/real): codekit's default strategy
(``codekit propose --categories K --against COLUMN``; linkage ``auto``), the average and Ward linkages
on their own, codekit's community strategy, and two plain
baselines, each given the true number of groups K:

- TF-IDF words + agglomerative clustering
- TF-IDF characters (2-4-grams within words) + agglomerative clustering

The baselines are plain and fixed in advance: scikit-learn defaults (``TfidfVectorizer()`` words;
``TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))`` characters; ``AgglomerativeClustering(K)``,
Ward linkage) on the same text codekit reads (name + keywords + description). For transparency each
baseline is also run in four variants (names only or all text; Ward or average-cosine linkage) and the
best of them per data set is shown beside it: that one is chosen after seeing the scores, so it is an
upper bound on what a baseline could do, not a fair opponent. Scores: adjusted Rand index (ARI), adjusted mutual
information (AMI), V-measure. The column being predicted is never a signal: for the Toronto taxonomy
scored against its sections the ``section`` signal is switched off (``division`` is allowed).

On the sample city (its 1M-event error log), the share of confusion volume absorbed within categories.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

#: (name, path under data/real, --against column, what the column is)
SETS = [
    ("Toronto taxonomy", "toronto-311-taxonomy-nshipyard/taxonomy.csv", "section",
     "division + section (29); section signal off, division on"),
    ("DC 311", "dc311-open311-nodeopen311/dc-services.xml", "group", "Open311 group = responsible agency (38)"),
    ("Bloomington", "open311status-fixtures/bloomington_services.json", "group", "Open311 group (7)"),
    ("Helsinki (en)", "helsinki-open311/services_en.json", "group", "Open311 group (5)"),
]

SKIPPED = [
    ("SF 311 request types", "sf311-open311dashboard/ServiceRequests_Complete.json",
     "no grouping to score against: the only department information is in the names of the 35 "
     "`RCS - <department> - G` queues, so a score would measure string matching on the answer itself; "
     "the 44 other types carry no department at all."),
]


def baselines(catalogue, k: int, truth):
    """Each baseline's plain score (all text, Ward) and its best of four variants."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    from codekit.propose.metrics import score_against

    texts = {
        "all text": [" ".join([c.name, " ".join(c.keywords), c.description]) for c in catalogue],
        "names": [c.name for c in catalogue],
    }
    out = {}
    for base, make in (
        ("TF-IDF words + agglomerative", lambda: TfidfVectorizer()),
        ("TF-IDF characters + agglomerative", lambda: TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))),
    ):
        plain = best = None
        for tname, docs in texts.items():
            X = make().fit_transform(docs).toarray()
            for linkage in ("ward", "average"):
                kw = {"linkage": linkage} if linkage == "ward" else {"linkage": "average", "metric": "cosine"}
                labels = AgglomerativeClustering(n_clusters=k, **kw).fit_predict(X)
                s = score_against(truth, labels)
                s["variant"] = f"{tname}, {linkage}"
                if plain is None:
                    plain = s
                if best is None or (s["ari"], s["ami"]) > (best["ari"], best["ami"]):
                    best = s
        plain["best"] = best
        out[base] = plain
    return out


def score_set(path: Path, column: str):
    from codekit.io.catalogue import load_catalogue
    from codekit.propose.metrics import column_values
    from codekit.propose.proposal import propose

    cat = load_catalogue(path)
    truth = column_values(cat, column)
    k = len({t for t in truth if t})
    rows = {}
    for title, strategy, linkage in (
        ("codekit agglomerative (default)", "agglomerative", "auto"),
        ("codekit --linkage average", "agglomerative", "average"),
        ("codekit --linkage ward", "agglomerative", "ward"),
        ("codekit community", "community", "average"),
    ):
        t0 = time.perf_counter()
        p = propose(cat, strategy=strategy, n_categories=k, against=column, seed=0, linkage=linkage)
        s = dict(p.against)
        s["variant"] = "default weights" + ("; " + "; ".join(w for w in p.warnings if "switched off" in w)
                                            if any("switched off" in w for w in p.warnings) else "")
        if linkage == "auto":
            sil = p.params.get("silhouette") or {}
            s["variant"] += f"; auto chose {p.params['linkage_used']} linkage" + (
                " (silhouette " + ", ".join(f"{k_} {v:.4f}" for k_, v in sorted(sil.items())) + ")" if sil else "")
        s["seconds"] = round(time.perf_counter() - t0, 2)
        rows[title] = s
    rows.update(baselines(cat, k, truth))
    return cat, k, rows


def sample_rows():
    from codekit.analyse.confusion import aggregate_edges
    from codekit.io.errorlog import ErrorLog
    from codekit.propose.metrics import column_values
    from codekit.propose.proposal import propose
    from codekit.sample import generate_sample

    city = generate_sample(seed=311, n_events=1_000_000)
    log = ErrorLog.from_frame(city.events, source="sample city (seed 311)")
    edges = aggregate_edges(log)
    # propose leaves retired codes out; score everything on the active codes
    active = city.catalogue.replace_codes([c for c in city.catalogue.codes if c.active])
    n_retired = len(city.catalogue) - len(active)
    city.catalogue = active
    truth = column_values(city.catalogue, "extra.family")
    k = len(set(truth))
    rows = {}
    for title, kw in (
        ("codekit default (threshold 0.7), with the log", dict(edges=edges)),
        (f"codekit --categories {k}, with the log", dict(edges=edges, n_categories=k)),
        (f"codekit --categories {k}, no log", dict(n_categories=k)),
        (f"codekit --linkage average --categories {k}, with the log",
         dict(edges=edges, n_categories=k, linkage="average")),
        (f"codekit community --categories {k}, with the log", dict(edges=edges, n_categories=k, strategy="community")),
    ):
        t0 = time.perf_counter()
        p = propose(city.catalogue, against="extra.family", seed=0, **kw)
        m = p.metrics
        if p.params.get("linkage") == "auto":
            title += f" [auto: {p.params['linkage_used']}]"
        rows[title] = {**p.against, "n_categories": m["n_categories"],
                       "absorbed": m["confusion_within_share"], "seconds": round(time.perf_counter() - t0, 2)}
    family = {c.code: dict(c.extra).get("family", "") for c in city.catalogue}
    tot = within = 0
    for a, b, n in edges.select(["submitted_code", "correct_code", "n"]).iter_rows():
        if a in family and b in family and a != b:
            tot += n
            within += n if family[a] == family[b] else 0
    base = baselines(city.catalogue, k, truth)
    return city, k, rows, base, (within / tot if tot else None), n_retired


def fmt(v) -> str:
    return "" if v is None else f"{v:.3f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared folder (with data/real)")
    ap.add_argument("--out", default=str(ROOT / "analyses" / "real_scores.md"), help="Markdown file to write")
    args = ap.parse_args(argv)
    real = Path(args.shared) / "data" / "real"
    if not real.is_dir():
        print(f"real data not found at {real}", file=sys.stderr)
        return 2
    lines = [
        "# codekit propose on real groupings",
        "",
        "Regenerate with `python analyses/score_real.py --shared ../shared --out analyses/real_scores.md`",
        "(the same scores come from `codekit propose FILE --categories K --against COLUMN`).",
        "",
        "Each method is given the true number of groups K. ARI = adjusted Rand index, AMI = adjusted mutual",
        "information (adjusted scores first: raw NMI / V-measure reward many small clusters). Baselines are",
        "scikit-learn defaults (Ward) on name + keywords + description; `best variant` is each baseline's best",
        "of four variants (names or all text x Ward or average-cosine), picked after the fact (an upper bound).",
        "The column being predicted is never a signal. `win` marks where codekit's default beats both plain",
        "baselines on ARI and on AMI.",
        "",
        "| data | codes | K | method | ARI | AMI | V-measure | best variant: ARI / AMI / V (variant) |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    summary = []
    for name, rel, column, what in SETS:
        path = real / rel
        if not path.exists():
            lines.append(f"| {name} | | | skipped: {rel} not found | | | | |")
            continue
        cat, k, rows = score_set(path, column)
        default = rows["codekit agglomerative (default)"]
        bases = [rows[b] for b in rows if not b.startswith("codekit")]
        win = all(default["ari"] > b["ari"] and default["ami"] > b["ami"] for b in bases)
        summary.append((name, win))
        for i, (method, s) in enumerate(rows.items()):
            label = f"{name} ({column}: {what})" if i == 0 else ""
            mark = " **win**" if (method.endswith("(default)") and win) else ""
            b = s.get("best")
            extra = (f"{fmt(b['ari'])} / {fmt(b['ami'])} / {fmt(b['v_measure'])} ({b['variant']})" if b
                     else s.get("variant", ""))
            lines.append(
                f"| {label} | {len(cat) if i == 0 else ''} | {k if i == 0 else ''} | {method}{mark} | "
                f"{fmt(s['ari'])} | {fmt(s['ami'])} | {fmt(s['v_measure'])} | {extra} |"
            )
    for name, rel, why in SKIPPED:
        lines.append(f"| {name} | | | skipped | | | | {why} |")
    lines += ["", "Default beats both baselines (ARI and AMI): "
              + ", ".join(f"{n}: {'yes' if w else 'no'}" for n, w in summary), ""]
    lines += [
        "Reading the table honestly:",
        "",
        "- codekit's default wins where the names carry structure: Toronto (hierarchy inside names, split",
        "  compounds, abbreviations, the division as a weak signal) and DC (descriptions and keywords as their own",
        "  signals). On the two short lists it does not beat both baselines: Bloomington (46 codes) is a near",
        "  tie (ARI 0.005 below the word baseline, AMI and V-measure well above both); Helsinki (15 codes) is",
        "  lost. Their names share almost no words with the other members of their group (\"Noise\", \"Fire",
        "  Hazards\", \"Line of Sight\" under \"Hazards\"; \"Education\" and \"City environment\" under",
        "  \"Sectors\"), so a lexical method has little to go on; the optional semantic signal is the route there.",
        "- `--linkage auto` (the default) runs average linkage, then Ward linkage with the same number of",
        "  categories, and keeps the partition with the higher mean silhouette on codekit's own combined",
        "  distance: no labels are used. It picks average on Toronto and DC (whose largest groups are big and",
        "  uneven) and Ward on the short lists and the sample city. On Toronto the two silhouettes are close",
        "  (0.1482 / 0.1476), so that choice is not a wide margin.",
        "- The default weights were set on the sample city and then checked on these tables (section off and",
        "  division low by default, so a public category follows the resident's problem, not the org chart);",
        "  neither they nor the auto-linkage rule were searched per data set, but both were adopted with these",
        "  numbers in view, so read the margins as optimistic.",
        "- Bloomington's \"Most Popular\" group (graffiti, potholes, app feedback, city performance) is a",
        "  popularity shelf, not a topic, so no grouping by what the codes are about can recover it.",
        "",
    ]

    city, k, rows, base, family_share, n_retired = sample_rows()
    lines += [
        "## Sample city (seed 311, 1,000,000 error events)",
        "",
        f"{len(city.catalogue)} active codes ({n_retired} retired codes left out, as `codekit propose` does); "
        f"ground truth `extra.family` ({k} families). `absorbed` is the share of",
        "re-coded + transferred volume whose two codes fall in one proposed category (errors a routing question",
        "inside the category can absorb)."
        + (f" The true families absorb {family_share:.3f}." if family_share is not None else ""),
        "",
        "| method | categories | absorbed | ARI | AMI | V-measure |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for title, s in rows.items():
        lines.append(f"| {title} | {s['n_categories']} | {fmt(s['absorbed'])} | {fmt(s['ari'])} | {fmt(s['ami'])} | "
                     f"{fmt(s['v_measure'])} |")
    for title, s in base.items():
        for tag, r in (("plain", s), ("best variant", s["best"])):
            lines.append(f"| {title}, {tag} ({r['variant']}) | {r['n_categories']} | | {fmt(r['ari'])} | "
                         f"{fmt(r['ami'])} | {fmt(r['v_measure'])} |")
    lines.append("")
    text = "\n".join(lines)
    out = Path(args.out)
    tmp = out.with_name("." + out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
