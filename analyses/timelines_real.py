"""Timelines and error events of the real request histories in ../shared/data/real (NYC 2022 rows, Toronto
Open311 requests, DC SeeClickFix pages, SF311 and Bloomington Open311 requests).

    PYTHONPATH=src python analyses/timelines_real.py [--real ../shared/data/real] [--out analyses/timelines_real.md]

Calls the library only (codekit.io.requests, codekit.analyse.history, codekit.analyse.timelines); writes a
Markdown file of figures (no residents' texts: codes, counts and durations only).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (
    ("NYC 311 rows, 1 May 2022 00:00-02:06", "nyc311-pyboot-2022/311_Service_Requests_from_2010_to_Present.csv"),
    ("Toronto Open311 requests, Sep-Oct 2018", "toronto-open311-krofchick/service_requests.json"),
    ("Toronto Open311 requests, 2011-2014 (all open)", "toronto-open311-yutongluo/m_all_open.json"),
    ("DC SeeClickFix issues, 2013-2016", "dc-seeclickfix-nd1/api_json"),
    ("SF311 Open311 requests, Nov 2010", "sf311-open311dashboard/ServiceRequests_Complete.json"),
    ("Bloomington Open311 requests, May 2012", "open311status-fixtures/bloomington_requests.json"),
)


def _q(v):
    return "" if v is None else f"{v:,.2f}"


def main(argv: list[str] | None = None) -> int:
    from codekit.analyse.history import derive_error_log, rule_counts
    from codekit.errors import InputError
    from codekit.io.requests import load_requests
    from codekit.analyse.timelines import build_timelines

    ap = argparse.ArgumentParser()
    ap.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "data" / "real")
    ap.add_argument("--out", type=Path, default=ROOT / "analyses" / "timelines_real.md")
    ap.add_argument("--top", type=int, default=5)
    args = ap.parse_args(argv)
    lines = ["# Timelines and error events of real request histories", "",
             "Regenerate: `PYTHONPATH=src python analyses/timelines_real.py` (reads ../shared/data/real).",
             "Durations in days; open requests censored at the latest timestamp of each source (Kaplan-Meier);",
             "empty = not estimable (too many still open). Suggested Closing-the-Loop level: docs/timelines.md.", ""]
    for title, rel in SOURCES:
        src = args.real / rel
        if not src.exists():
            continue
        with tempfile.TemporaryDirectory() as tmp:
            try:
                ev = derive_error_log(src, Path(tmp) / "errors.parquet")
            except InputError:  # no event can be derived (Bloomington's 21 requests): the rules' counts only
                with load_requests(src) as table:
                    table.materialise()
                    ev = {"by_kind": {}, "rules": rule_counts(table)}
        res = build_timelines(src)
        c, o = res["counts"], res["overall"]
        lines += [f"## {title}", "", f"`{rel}` ({res['format']}); as of {res['as_of']}", "",
                  f"- requests {c['rows']:,}; timed {c['used']:,}: closed {c['closed']:,}, still open {c['open']:,}"
                  + ("; not timed: " + ", ".join(f"{k} {v:,}" for k, v in c["excluded"].items()) if c["excluded"] else ""),
                  f"- all requests: p50 {_q(o['p50_days'])}, p80 {_q(o['p80_days'])}, p90 {_q(o['p90_days'])} days",
                  "- error events: " + (", ".join(f"{k} {n:,}" for k, n in ev["by_kind"].items()) or "none")
                  + "; rules matched: " + ", ".join(f"{k} {n:,}" for k, n in ev["rules"]["matched"].items() if n)
                  + f"; no rule matched {ev['rules']['unmatched']:,}",
                  "", "| code | name | requests | open | p50 d | p80 d | p90 d | due on time | ack p50 d | suggested CtL |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in res["codes"][: args.top]:
            due = (r.get("due") or {}).get("on_time_share")
            ack = (r.get("acknowledged") or {}).get("p50_days")
            lines.append(f"| {r['code']} | {r['name']} | {r['n_requests']:,} | {100 * r['open_share']:.0f}% | "
                         f"{_q(r['p50_days'])} | {_q(r['p80_days'])} | {_q(r['p90_days'])} | "
                         f"{'' if due is None else f'{100 * due:.0f}%'} | {_q(ack)} | "
                         f"{'' if r['suggested_ctl_level'] is None else r['suggested_ctl_level']} |")
        lines.append("")
    from codekit.io.files import write_text_atomic

    write_text_atomic(args.out, "\n".join(lines))
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
