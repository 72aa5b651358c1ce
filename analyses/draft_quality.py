"""What a resident meets in a draft: measure a ``codekit propose`` draft on a real list.

    python analyses/draft_quality.py CATALOGUE DRAFT_FOLDER [--max-answers 7]

Prints (JSON) :func:`codekit.propose.metrics.draft_quality`: the largest category and its share, one-word
and generic labels, the most answers in any question, answers that repeat an internal name verbatim or
still hold internal tokens, and whether the preview's search finds "pothole", "pot hole", "potholes".
Any taxonomy folder works, so a draft written by an older codekit can be measured the same way.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main(argv: list[str] | None = None) -> int:
    from codekit.io.catalogue import load_catalogue
    from codekit.propose.metrics import draft_quality
    from codekit.taxonomy import load_taxonomy

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("catalogue", type=Path)
    ap.add_argument("draft", type=Path)
    ap.add_argument("--max-answers", type=int, default=7)
    args = ap.parse_args(argv)
    q = draft_quality(load_taxonomy(args.draft), load_catalogue(args.catalogue), max_answers=args.max_answers)
    print(json.dumps(q, indent=2, sort_keys=True, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
