"""Consolidate the real Toronto 311 taxonomy: a proposal, its intake metrics and the HTML report.

    python analyses/consolidate_toronto.py [--shared ../shared] [--out build/toronto] [--seed 311]
                                           [--threshold 0.7 | --categories N]

Reads ``<shared>/data/real/toronto-311-taxonomy-nshipyard/taxonomy.csv`` (965 request types with their
division, section and yearly volume; see that folder's SOURCE.md) through ``codekit.io.catalogue``, then:

1. ``codekit.propose.propose``: public categories with labels and why they are together (no error log:
   the published list has none); the draft taxonomy is written to ``<out>/taxonomy/``;
2. ``codekit.report.metrics``: intake steps before (division -> section -> request type) and after
   (group -> category -> routing question), weighted by the published volumes;
3. ``codekit.report.html``: ``<out>/report.html`` and ``<out>/report.md``;
4. ``<out>/metrics.json``: the proposal's metrics and the step counts (canonical JSON).

Without the real data (a fresh clone without ../shared) it says so and exits 0. Same inputs, same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DATA = Path("data/real/toronto-311-taxonomy-nshipyard/taxonomy.csv")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared folder (../shared)")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "toronto", help="output folder")
    ap.add_argument("--seed", type=int, default=311)
    ap.add_argument("--threshold", type=float, default=None, help="distance threshold of the clustering")
    ap.add_argument("--categories", type=int, default=None, help="target number of categories")
    ap.add_argument("--no-validate", action="store_true", help="leave the validation section out")
    args = ap.parse_args(argv)

    src = args.shared / DATA
    if not src.is_file():
        print(f"skipped: the real Toronto taxonomy is not at {src} (it lives in ../shared/data/real)")
        return 0

    from codekit.io.catalogue import load_catalogue
    from codekit.propose.draft import category_for, write_draft
    from codekit.propose.proposal import propose
    from codekit.report.html import build_report, write_report, write_text_atomic
    from codekit.report.metrics import intake_steps
    from codekit.taxonomy.model import Taxonomy

    catalogue = load_catalogue(src)
    prop = propose(catalogue, None, n_categories=args.categories, threshold=args.threshold, seed=args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    write_draft(prop, args.out / "taxonomy", force=True)
    taxonomy = Taxonomy([category_for(c, catalogue) for c in prop.categories], source=str(args.out / "taxonomy"))
    steps = intake_steps(taxonomy, catalogue)
    p = prop.params
    how = f"target {p['categories']}" if p.get("categories") else f"threshold {p['threshold']}"
    data = build_report(
        taxonomy, catalogue, None, run_validation=not args.no_validate, seed=args.seed,
        title="Toronto 311: consolidation of the published request types",
        taxonomy_note=f"a draft proposed by codekit propose ({p['strategy']}, {how}, seed {args.seed})",
    )
    written = write_report(data, args.out / "report.html", args.out / "report.md")
    s = steps["summary"]
    metrics = {
        "source": str(DATA),
        "proposal": prop.metrics,
        "params": {k: v for k, v in p.items() if k not in ("catalogue",)},
        "steps": {"summary": s, "by_division": steps["by_division"]},
        "headline": data["headline"],
    }
    write_text_atomic(args.out / "metrics.json",
                      json.dumps(metrics, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n")
    h = data["headline"]
    print(f"{h['active_codes']} request types -> {h['categories']} public categories "
          f"({100 * h['reduction']:.1f}% fewer choices); steps to submit (volume-weighted) "
          f"{s['before']['steps']['weighted']} -> {s['after']['steps']['weighted']}; options read "
          f"{s['before']['options_scanned']['weighted']} -> {s['after']['options_scanned']['weighted']}")
    for kind, path in sorted({**written, "metrics": str(args.out / "metrics.json")}.items()):
        print(f"wrote {kind}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
