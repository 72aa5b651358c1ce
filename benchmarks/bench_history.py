"""Request-history benchmark: codekit (request table -> error events -> timelines) vs a hand-written polars query
and a plain pandas baseline, in the same run.

    python benchmarks/bench_history.py [--rows 1000000 10000000] [--repeat 1]

Datasets: the real NYC 2022 rows, Toronto Open311 requests and DC SeeClickFix pages in ../shared/data/real
(when present), and synthetic NYC-schema CSVs of ``--rows`` rows (seeded, written to benchmarks/out/, reused).
Every measurement runs in its own subprocess, which reports its work time (after imports) and its peak RSS
(``VmHWM``). The three tools compute the same things on CSV rows: requests, closed, Kaplan-Meier p50/p90 per
code (open requests censored at the latest timestamp), and the error events of the "does not fall under ...
jurisdiction" / duplicate rules; their check sums must agree. Prints a Markdown table and writes
benchmarks/HISTORY.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
REAL = Path(os.environ.get("CODEKIT_SHARED", ROOT.parent / "shared")) / "data" / "real"
NYC_FMT = "%m/%d/%Y %I:%M:%S %p"
REFERRED = r"(?i)does not fall under|\bduplicates?\b"


def _vmhwm() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


# ------------------------------------------------------------------------------------------- tools (child)


def run_codekit(path: str) -> dict:
    """`codekit timelines REQUESTS`: the request table, then Kaplan-Meier per code (events counted by the rules)."""
    from codekit.analyse.timelines import build_timelines

    res = build_timelines(path)
    top = res["codes"][0]
    out = {"requests": res["counts"]["rows"], "closed": res["counts"]["closed"], "events": None,
           "top_n": top["n_requests"], "top_p50": top["p50"], "top_p90": top["p90"]}
    return out


def run_codekit_log(path: str) -> dict:
    """`codekit convert-log REQUESTS errors.parquet --from-requests`: the canonical error log."""
    import tempfile

    from codekit.analyse.history import derive_error_log

    with tempfile.TemporaryDirectory() as tmp:
        ev = derive_error_log(path, Path(tmp) / "errors.parquet")
    return {"requests": ev["n_requests"], "closed": None, "events": ev["n_events"], "top_n": None,
            "top_p50": None, "top_p90": None}


def _km_polars(lf):
    import polars as pl

    steps = (lf.group_by("code", "duration").agg(pl.col("event").sum().cast(pl.Float64).alias("d"),
                                                  pl.len().cast(pl.Float64).alias("c"))
             .sort("code", "duration")
             .with_columns(pl.col("c").cum_sum(reverse=True).over("code").alias("n"))
             .with_columns((1 - pl.col("d") / pl.col("n")).cum_prod().over("code").alias("s")))
    return steps.group_by("code").agg(
        pl.col("c").sum().alias("n"),
        pl.col("duration").filter(pl.col("s") <= 0.5 + 1e-9).min().alias("p50"),
        pl.col("duration").filter(pl.col("s") <= 0.1 + 1e-9).min().alias("p90"),
    )


def run_polars(path: str) -> dict:
    """What a data engineer would write by hand for NYC rows: one lazy scan, parse, Kaplan-Meier per code."""
    import polars as pl

    lf = pl.scan_csv(path, infer_schema=False).select(
        (pl.col("Complaint Type") + ":" + pl.col("Descriptor").fill_null("") + "~" + pl.col("Agency")).alias("code"),
        pl.col("Created Date").str.to_datetime(NYC_FMT, strict=False).alias("created"),
        pl.col("Closed Date").str.to_datetime(NYC_FMT, strict=False).alias("closed"),
        pl.col("Status").str.to_lowercase().alias("status"),
        pl.col("Resolution Description").fill_null("").str.contains(REFERRED).alias("referred"),
    )
    as_of = lf.select(pl.max_horizontal(pl.col("created").max(), pl.col("closed").max())).collect().item()
    lf = lf.with_columns((pl.col("closed").is_not_null() & (pl.col("status") != "open")
                          & (pl.col("status") != "in progress")).alias("event"))
    lf = lf.with_columns(((pl.when(pl.col("event")).then(pl.col("closed")).otherwise(pl.lit(as_of))
                           - pl.col("created")).dt.total_seconds(fractional=True) / 3600).alias("duration"))
    tot, km = pl.collect_all([lf.select(pl.len().alias("n"), pl.col("event").sum().alias("closed"),
                                        pl.col("referred").sum().alias("events")), _km_polars(lf)],
                             engine="streaming")
    top = km.sort(["n", "code"], descending=[True, False]).row(0, named=True)
    return {"requests": int(tot["n"][0]), "closed": int(tot["closed"][0]), "events": int(tot["events"][0]),
            "top_n": int(top["n"]), "top_p50": round(top["p50"], 2) if top["p50"] is not None else None,
            "top_p90": round(top["p90"], 2) if top["p90"] is not None else None}


def run_pandas(path: str) -> dict:
    """The plain baseline: read_csv, to_datetime, a groupby Kaplan-Meier."""
    import numpy as np
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=[
        "Complaint Type", "Descriptor", "Agency", "Created Date", "Closed Date", "Status", "Resolution Description"])
    code = df["Complaint Type"] + ":" + df["Descriptor"] + "~" + df["Agency"]
    created = pd.to_datetime(df["Created Date"], format=NYC_FMT, errors="coerce")
    closed = pd.to_datetime(df["Closed Date"].replace("", None), format=NYC_FMT, errors="coerce")
    as_of = max(created.max(), closed.max())
    status = df["Status"].str.lower()
    event = closed.notna() & (status != "open") & (status != "in progress")
    end = closed.where(event, as_of)
    dur = (end - created).dt.total_seconds() / 3600
    referred = df["Resolution Description"].str.contains(REFERRED, regex=True)
    g = (pd.DataFrame({"code": code, "duration": dur, "event": event})
         .groupby(["code", "duration"], sort=True).agg(d=("event", "sum"), c=("event", "size")).reset_index())
    g["n"] = g.groupby("code")["c"].transform(lambda s: s[::-1].cumsum()[::-1])
    g["s"] = 1 - g["d"] / g["n"]
    g["s"] = g.groupby("code")["s"].cumprod()
    size = g.groupby("code")["c"].sum()
    p50 = g[g["s"] <= 0.5 + 1e-9].groupby("code")["duration"].min()
    p90 = g[g["s"] <= 0.1 + 1e-9].groupby("code")["duration"].min()
    top = sorted(size.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    v50, v90 = p50.get(top, np.nan), p90.get(top, np.nan)
    return {"requests": len(df), "closed": int(event.sum()), "events": int(referred.sum()),
            "top_n": int(size[top]), "top_p50": None if np.isnan(v50) else round(float(v50), 2),
            "top_p90": None if np.isnan(v90) else round(float(v90), 2)}


TOOLS = {"codekit timelines": run_codekit, "codekit convert-log": run_codekit_log, "polars": run_polars,
         "pandas": run_pandas}
CODEKIT = ("codekit timelines", "codekit convert-log")


def child(tool: str, path: str) -> None:
    t0 = time.perf_counter()
    out = TOOLS[tool](path)
    out["work_s"] = time.perf_counter() - t0
    out["peak_rss"] = _vmhwm()
    print(json.dumps(out))


# ------------------------------------------------------------------------------------------- data (parent)


def synthetic_nyc(n: int, seed: int = 311) -> Path:
    """A NYC-schema CSV of n rows: 60 types over 6 agencies, a year of creation times, lognormal durations,
    a third still open, 2% referred ('does not fall under ... jurisdiction'), 1% duplicates."""
    import numpy as np
    import polars as pl

    OUT.mkdir(exist_ok=True)
    p = OUT / f"nyc_{n}.csv"
    if p.exists():
        return p
    rng = np.random.default_rng(seed)
    agencies = np.array(["NYPD", "DSNY", "DOT", "DEP", "HPD", "DOHMH"])
    types = np.array([f"Type {i:02d}" for i in range(60)])
    ti = np.minimum(rng.zipf(1.4, n) - 1, 59)
    start = np.datetime64("2022-01-01T00:00:00")
    created = start + (rng.random(n) * 365 * 86400).astype("timedelta64[s]")
    hours = rng.lognormal(mean=1.5 + (ti % 7) * 0.5, sigma=1.2, size=n)
    closed = created + (hours * 3600).astype("timedelta64[s]")
    is_open = rng.random(n) < 0.33
    res = rng.choice(np.array(["The Department responded and fixed the condition.",
                               "This complaint does not fall under the Department's jurisdiction.",
                               "The Department found this complaint is a duplicate of an existing one."]),
                     size=n, p=[0.97, 0.02, 0.01])
    df = pl.DataFrame({
        "Unique Key": np.arange(1, n + 1), "Created Date": created.astype("datetime64[ms]"),
        "Closed Date": closed.astype("datetime64[ms]"),
        "Agency": agencies[ti % 6], "Complaint Type": types[ti], "Descriptor": np.array(["N/A"] * 1)[np.zeros(n, int)],
        "Status": np.where(is_open, "In Progress", "Closed"), "Due Date": np.array([""] * 1)[np.zeros(n, int)],
        "Resolution Description": np.where(is_open, "", res), "Open Data Channel Type": rng.choice(
            np.array(["ONLINE", "MOBILE", "PHONE"]), size=n),
    })
    df = df.with_columns(pl.col("Created Date").dt.strftime(NYC_FMT),
                         pl.when(pl.col("Status") == "Closed").then(pl.col("Closed Date").dt.strftime(NYC_FMT))
                         .otherwise(None).alias("Closed Date"))
    tmp = p.with_suffix(".tmp")
    df.write_csv(tmp)
    tmp.rename(p)
    return p


def measure(tool: str, path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, __file__, "--child", tool, str(path)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"}
    out = json.loads(r.stdout.strip().splitlines()[-1])
    out["wall_s"] = wall
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="*", default=[1_000_000])
    ap.add_argument("--child", nargs=2)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    datasets: list[tuple[str, Path, tuple[str, ...]]] = []
    nyc = REAL / "nyc311-pyboot-2022" / "311_Service_Requests_from_2010_to_Present.csv"
    if nyc.exists():
        datasets.append(("NYC 2022 rows (real)", nyc, CODEKIT + ("polars", "pandas")))
    for name, p in (("Toronto Open311 requests (real)", REAL / "toronto-open311-krofchick" / "service_requests.json"),
                    ("DC SeeClickFix pages (real)", REAL / "dc-seeclickfix-nd1" / "api_json")):
        if p.exists():
            datasets.append((name, p, CODEKIT))
    for n in args.rows:
        datasets.append((f"synthetic NYC rows {n:,}", synthetic_nyc(n), CODEKIT + ("polars", "pandas")))
    lines = ["| dataset | tool | requests | closed | events | top code n | p50 h | p90 h | work s | wall s | peak RSS MB |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    bad = False
    for name, path, tools in datasets:
        results = {t: measure(t, path) for t in tools}
        ref = results.get("pandas") or {}
        for t, r in results.items():
            if "error" in r:
                lines.append(f"| {name} | {t} | error: {r['error']} |||||||||")
                bad = True
                continue
            agree = all(r[k] is None or ref.get(k) is None or r[k] == ref[k] for k in ("requests", "closed", "events", "top_n"))
            bad |= not agree
            f = lambda v: "" if v is None else (f"{v:,}" if isinstance(v, int) else str(v))
            lines.append(f"| {name} | {t} | {f(r['requests'])} | {f(r['closed'])} | {f(r['events'])} | {f(r['top_n'])} | "
                         f"{f(r['top_p50'])} | {f(r['top_p90'])} | {r['work_s']:.2f} | {r['wall_s']:.2f} | "
                         f"{r['peak_rss'] / 2**20:,.0f} |" + ("" if agree else " (disagrees)"))
        print(lines[-len(results):], flush=True)
    head = (f"# Request histories benchmark\n\n`python benchmarks/bench_history.py --rows {' '.join(map(str, args.rows))}` "
            f"on {platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}.\n\n")
    text = head + "\n".join(lines) + "\n"
    (HERE / "HISTORY.md").write_text(text, encoding="utf-8")
    print(text)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
