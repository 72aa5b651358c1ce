"""What a resident meets in codekit's default draft, on every real list that carries names.

    python analyses/draft_quality_table.py --shared ../shared --out analyses/draft_quality.md

For each list under ``../shared/data/real`` (Toronto, DC, Bloomington, Helsinki in three languages, Giessen,
NYC, SF, and the request types of the SeeClickFix and PublicStuff exports), the default proposal
(``codekit propose FILE --out DIR``: no options) is written as a draft into a temporary folder and measured
with :func:`codekit.propose.metrics.draft_quality` and, where the list carries volumes,
:func:`codekit.report.metrics.intake_steps` (steps and options read on the way, weighted by volume):

- most answers in any question, and questions over the limit (7);
- the share of answers that repeat an internal name verbatim (same letters and digits, case aside);
- the share of labels of one word, of only generic words ("Complaint", "Services"), or flagged as jargon
  (a division or section, an acronym, a code, a place the list's names vary by: see
  :func:`codekit.propose.labels.place_words`);
- the largest category's share of the list;
- volume-weighted steps to submit and options read, flat catalogue -> draft.

Only counts are printed: no name, label or text of a resident. SeeClickFix issues carry no request type,
only a summary the type pre-fills and residents may overwrite; the summaries seen at least
``SEECLICKFIX_LEAST`` times are taken as its request types (the cut-off its SOURCE.md describes), the
issue count as volume. PublicStuff's ``Title`` is the request type (``--columns name=Title``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SEECLICKFIX_LEAST = 5

#: (name, path under data/real, --columns or a loader name)
SETS = [
    ("Toronto taxonomy", "toronto-311-taxonomy-nshipyard/taxonomy.csv", None),
    ("DC 311", "dc311-open311-nodeopen311/dc-services.xml", None),
    ("Bloomington", "open311status-fixtures/bloomington_services.json", None),
    ("Helsinki (en)", "helsinki-open311/services_en.json", None),
    ("Helsinki (fi)", "helsinki-open311/services.json", None),
    ("Helsinki (sv)", "helsinki-open311/services_sv.json", None),
    ("Giessen (de)", "open311status-fixtures/services_giessen.xml", None),
    ("NYC 311 (2022 rows)", "nyc311-pyboot-2022/311_Service_Requests_from_2010_to_Present.csv", "nyc"),
    ("SF 311 (request rows)", "sf311-open311dashboard/ServiceRequests_Complete.json", None),
    ("SeeClickFix DC (summaries)", "dc-seeclickfix-nd1/api_json", "seeclickfix"),
    ("PublicStuff NYC (titles)", "nyc-publicstuff-milesquare/NYC_20190522.csv", "name=Title"),
]


def seeclickfix_catalogue(folder: Path):
    """The request types of SeeClickFix API pages: summaries seen at least SEECLICKFIX_LEAST times (case and
    spacing folded), with their issue counts as volume. Nothing else of an issue is read."""
    from codekit.model import Catalogue, ServiceCode

    counts: Counter = Counter()
    shown: dict[str, Counter] = {}
    for p in sorted(folder.glob("*.json")):
        for issue in json.loads(p.read_text(encoding="utf-8")).get("issues", []):
            s = " ".join(str(issue.get("summary") or "").split())
            if not s:
                continue
            k = s.casefold()
            counts[k] += 1
            shown.setdefault(k, Counter())[s] += 1
    keep = sorted(k for k, n in counts.items() if n >= SEECLICKFIX_LEAST)
    codes = [ServiceCode(code=f"SCF{i:03d}", name=shown[k].most_common(1)[0][0], volume=counts[k])
             for i, k in enumerate(keep, start=1)]
    return Catalogue(codes, source=str(folder))


def load(path: Path, how: str | None):
    from codekit.io.catalogue import load_catalogue

    if how == "seeclickfix":
        return seeclickfix_catalogue(path)
    return load_catalogue(path, columns=how)


def measure(cat) -> dict:
    from codekit.propose.draft import write_draft
    from codekit.propose.metrics import draft_quality
    from codekit.propose.proposal import propose
    from codekit.report.metrics import intake_steps
    from codekit.taxonomy import load_taxonomy

    p = propose(cat)
    with tempfile.TemporaryDirectory() as tmp:
        write_draft(p, Path(tmp) / "draft")
        tax = load_taxonomy(Path(tmp) / "draft")
        q = draft_quality(tax, p.catalogue)
        steps = None
        if any((c.volume or 0) > 0 for c in p.catalogue.active()):
            steps = intake_steps(tax, p.catalogue)["summary"]
    return {"quality": q, "steps": steps, "n_codes": len(p.catalogue)}


def _pct(x: float | None) -> str:
    return "" if x is None else f"{100 * x:.1f}%"


def table(rows: list[tuple[str, dict | None, str]]) -> list[str]:
    out = ["| list | codes | categories | most answers in a question (over 7) | answers verbatim internal names "
           "| of them the name of the code it leads to | labels one word / generic / jargon (any) | largest category | steps, flat -> draft (volume-weighted) "
           "| options read, flat -> draft |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r, why in rows:
        if r is None:
            out.append(f"| {name} | | | | | | | | | {why} |")
            continue
        q, s = r["quality"], r["steps"]
        a, lab, qs = q["answers"], q["labels"], q["questions"]
        n = q["n_categories"] or 1
        steps = opts = "no volumes"
        if s is not None:
            steps = f"{s['before']['steps']['weighted']:.2f} -> {s['after']['steps']['weighted']:.2f}"
            opts = (f"{s['before']['options_scanned']['weighted']:.1f} -> "
                    f"{s['after']['options_scanned']['weighted']:.1f}")
        out.append(
            f"| {name} | {r['n_codes']:,} | {q['n_categories']} | {qs['most_answers']} ({qs['over_limit']}) "
            f"| {a['verbatim']} of {a['n']} ({_pct(a['verbatim_share'])}) "
            f"| {a['verbatim_own']} ({_pct(a['verbatim_own_share'])}) "
            f"| {_pct(lab['one_word'] / n)} / {_pct(lab['generic'] / n)} / {_pct(lab['jargon'] / n)} "
            f"({_pct(lab['flagged'] / n)}) "
            f"| {q['largest']['codes']} ({_pct(q['largest']['share'])}) | {steps} | {opts} |")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=None, help="write the table as Markdown here")
    args = ap.parse_args(argv)
    real = args.shared / "data" / "real"
    rows = []
    for name, rel, how in SETS:
        path = real / rel
        if not path.exists():
            rows.append((name, None, f"not found: {rel}"))
            continue
        rows.append((name, measure(load(path, how)), ""))
        print(f"measured {name}", file=sys.stderr)
    lines = [
        "# What a resident meets in the default draft, on real lists",
        "",
        "Written by `python analyses/draft_quality_table.py --shared ../shared --out analyses/draft_quality.md`",
        "(default proposal, `codekit propose FILE --out DIR`; measured by `codekit.propose.metrics.draft_quality`,",
        "one list alone: `python analyses/draft_quality.py CATALOGUE DRAFT`).",
        "",
        *table(rows),
        "",
        "- *answers verbatim internal names*: answers whose letters and digits (case aside) are those of a",
        "  catalogue name. A plain name kept as it is (\"Illegal dumping\") counts too, and so do the names kept",
        "  because nothing plain is in them (\"Unknown - TSO-CMP04\": kept and flagged, never guessed).",
        "  *Of them the name of the code it leads to*: the same, but only against the names of the codes the",
        "  answer routes to (an answer \"Graffiti\" under \"Recycle bin\" leads to \"Recycle Bin Graffiti\", not to",
        "  the code named \"Graffiti\", so it is not that code's internal name).",
        "- *labels*: shares of the categories; *jargon* = a label naming a division, a section or a place the",
        "  list's names vary by, an acronym, a code or an internal abbreviation; *any* = one of the three.",
        "- *steps*: choices + questions to submit (`codekit.report.metrics.intake_steps`: the flat catalogue",
        "  picked by division, section, code; the draft by category and its questions), weighted by volume;",
        "  *options read*: the options a resident reads on the way. Lists without volumes: not measured.",
        "- SeeClickFix DC: summaries seen at least 5 times taken as its request types; PublicStuff NYC: the",
        "  `Title` column (`--columns name=Title`). Only counts are shown: no resident's text.",
        "",
    ]
    text = "\n".join(lines)
    if args.out:
        from codekit.io.files import write_text_atomic

        write_text_atomic(args.out, text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
