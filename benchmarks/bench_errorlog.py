"""Error-log benchmark: codekit vs a plain pandas baseline, a hand-written polars query and hand-written DuckDB.

    python benchmarks/bench_errorlog.py --events 1000000 10000000 [--with-30m] [--repeat 3]

Generates the sample city's error logs (CSV and Parquet) into benchmarks/out/ (reused when present), then for
each log and each tool loads it and computes the same three aggregations: per-code counts by kind, the
code-to-code confusion edges (re-coded / transferred), channel by kind. Every measurement runs in its own
subprocess; the child reports its own peak RSS (``VmHWM`` from /proc: ``ru_maxrss`` is carried over
fork+exec from the parent on Linux, so it would floor every child at the parent's size) and the parent its wall time. The child
reports the time of the work itself (load + aggregate, after imports) and check sums, which must agree across
tools. Prints a Markdown table and writes it to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

#: the allocator setting the user gave, if any: importing codekit (to write the logs) sets a default for polars'
#: jemalloc in this process's environment, which must not leak into the other tools' children
USER_RJEM = os.environ.get("_RJEM_MALLOC_CONF")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
TOOLS = ("codekit", "polars", "duckdb", "pandas")
FORMATS = ("csv", "parquet")
CONFUSION = ("recoded", "transferred")


# ---------------------------------------------------------------------------------------------- the tools (child)

def run_codekit(path: str) -> dict:
    from codekit.analyse.errorstats import channel_kind_counts, code_kind_counts, confusion_edges
    from codekit.io.errorlog import scan_error_log

    log = scan_error_log(path)
    a, b, c = code_kind_counts(log), confusion_edges(log), channel_kind_counts(log)
    return {"events": int(a["n"].sum()), "code_kind": a.height, "edges": b.height, "channel_kind": c.height,
            "edge_events": int(b["n"].sum())}


def run_polars(path: str) -> dict:
    """What a data engineer would write by hand: one lazy scan, three group-bys, collected together."""
    import polars as pl

    lf = pl.scan_csv(path) if path.endswith(".csv") else pl.scan_parquet(path)
    a, b, c = pl.collect_all([
        lf.group_by("submitted_code", "kind").agg(pl.len().alias("n")),
        lf.filter(pl.col("kind").is_in(CONFUSION) & pl.col("correct_code").is_not_null())
        .group_by("submitted_code", "correct_code", "kind").agg(pl.len().alias("n")),
        lf.group_by("channel", "kind").agg(pl.len().alias("n")),
    ], engine="streaming")
    return {"events": int(a["n"].sum()), "code_kind": a.height, "edges": b.height, "channel_kind": c.height,
            "edge_events": int(b["n"].sum())}


def run_duckdb(path: str) -> dict:
    """Hand-written DuckDB, at its best: one scan, the three groupings as GROUPING SETS."""
    import duckdb

    con = duckdb.connect()
    src = f"read_csv('{path}')" if path.endswith(".csv") else f"read_parquet('{path}')"
    rows = con.sql(f"""
        SELECT GROUPING(submitted_code, correct_code, channel) AS g,
               submitted_code, correct_code, kind, channel, count(*) AS n
        FROM {src}
        GROUP BY GROUPING SETS ((submitted_code, kind), (submitted_code, correct_code, kind), (channel, kind))
    """).fetchall()
    a = [r for r in rows if r[0] == 0b011]  # (submitted_code, kind)
    b = [r for r in rows if r[0] == 0b001 and r[2] is not None and r[3] in CONFUSION]
    c = [r for r in rows if r[0] == 0b110]  # (channel, kind)
    return {"events": int(sum(r[-1] for r in a)), "code_kind": len(a), "edges": len(b), "channel_kind": len(c),
            "edge_events": int(sum(r[-1] for r in b))}


def run_pandas(path: str) -> dict:
    """The plain baseline: read the whole file, then groupby."""
    import pandas as pd

    df = pd.read_csv(path) if path.endswith(".csv") else pd.read_parquet(path)
    a = df.groupby(["submitted_code", "kind"]).size()
    conf = df[df["kind"].isin(CONFUSION) & df["correct_code"].notna()]
    b = conf.groupby(["submitted_code", "correct_code", "kind"]).size()
    c = df.groupby(["channel", "kind"]).size()
    return {"events": int(a.sum()), "code_kind": len(a), "edges": len(b), "channel_kind": len(c),
            "edge_events": int(b.sum())}


IMPORTS = {
    "codekit": ("codekit", "polars", "codekit.io.errorlog", "codekit.analyse.errorstats"),  # codekit first, as in the CLI
    "polars": ("polars",),
    "duckdb": ("duckdb",),
    "pandas": ("pandas", "pyarrow"),
}


def _peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). Not ru_maxrss: Linux carries that over fork+exec from the parent."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover - not Linux


def child(tool: str, path: str) -> None:
    import importlib

    mods = IMPORTS[tool]
    if tool == "codekit" and path.endswith(".parquet"):  # what codekit imports to count a Parquet log
        mods += ("numpy", "pyarrow.parquet", "codekit.analyse.dictcounts")
    for mod in mods:  # imports are not part of the measured time (they are in the wall time)
        importlib.import_module(mod)
    fn = globals()[f"run_{tool}"]
    t0 = time.perf_counter()
    out = fn(path)
    out["seconds"] = time.perf_counter() - t0
    out["rss_mb"] = _peak_rss_mb()
    sys.stdout.write(json.dumps(out) + "\n")


# ---------------------------------------------------------------------------------------------- the parent

def measure(tool: str, path: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    if USER_RJEM is None:  # each child as a user would start it: codekit sets its own default when imported
        env.pop("_RJEM_MALLOC_CONF", None)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", tool, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{tool} on {path} failed ({proc.returncode}):\n{err.decode(errors='replace')[-2000:]}")
    res = json.loads(out.decode().strip().splitlines()[-1])
    res["wall"] = wall
    if "rss_mb" not in res:  # pragma: no cover
        res["rss_mb"] = usage.ru_maxrss / 1024
    return res


def ensure_log(n: int, fmt: str, seed: int, regen: bool) -> tuple[Path, float | None]:
    sys.path.insert(0, str(ROOT / "src"))
    from codekit.sample import write_event_log

    path = OUT / f"errors_{n}_seed{seed}.{fmt}"
    if path.exists() and not regen:
        return path, None
    t0 = time.perf_counter()
    write_event_log(path, seed=seed, n_events=n, log_format=fmt)
    return path, time.perf_counter() - t0


def _machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
        mem_s = f", {mem:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        mem_s = ""
    return f"{os.cpu_count()} CPUs ({cpu}){mem_s}, Python {platform.python_version()}"


def _versions() -> str:
    import importlib.metadata as md

    parts = []
    for pkg in ("polars", "pandas", "pyarrow", "duckdb", "numpy"):
        try:
            parts.append(f"{pkg} {md.version(pkg)}")
        except md.PackageNotFoundError:
            parts.append(f"{pkg} (missing)")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--with-30m", action="store_true", help="also 30M events (memory must stay bounded)")
    ap.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    ap.add_argument("--tools", nargs="+", default=list(TOOLS), choices=TOOLS)
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median time is reported")
    ap.add_argument("--seed", type=int, default=311)
    ap.add_argument("--regen", action="store_true", help="regenerate the logs even when present")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--child", nargs=2, metavar=("TOOL", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0

    sizes = sorted(set(args.events + ([30_000_000] if args.with_30m else [])))
    OUT.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    rows = []
    gen_rows = []
    for n in sizes:
        for fmt in args.formats:
            path, gen_s = ensure_log(n, fmt, args.seed, args.regen)
            size_mb = path.stat().st_size / 1e6
            if gen_s is not None:
                gen_rows.append((n, fmt, gen_s, size_mb))
                print(f"generated {path.name}: {size_mb:.0f} MB in {gen_s:.1f} s", file=sys.stderr)
            results = {}
            all_runs: dict[str, list[dict]] = {tool: [] for tool in args.tools}
            for _ in range(max(1, args.repeat)):  # round robin: a burst of load on the machine hits every tool
                for tool in args.tools:
                    all_runs[tool].append(measure(tool, path))
            for tool in args.tools:
                runs = all_runs[tool]
                r = dict(runs[0])
                r["seconds"] = statistics.median(x["seconds"] for x in runs)
                r["best"] = min(x["seconds"] for x in runs)
                r["wall"] = statistics.median(x["wall"] for x in runs)
                r["rss_mb"] = max(x["rss_mb"] for x in runs)
                r["rss_median"] = statistics.median(x["rss_mb"] for x in runs)
                results[tool] = r
                print(f"{n:>11,} {fmt:<7} {tool:<8} {r['seconds']:7.2f} s  (wall {r['wall']:6.2f} s)  "
                      f"{r['rss_mb']:8.0f} MB", file=sys.stderr)
            checks = {(r["events"], r["code_kind"], r["edges"], r["channel_kind"], r["edge_events"])
                      for r in results.values()}
            base, duck = results.get("pandas"), results.get("duckdb")
            for tool, r in results.items():
                rows.append({
                    "n": n, "fmt": fmt, "size_mb": size_mb, "tool": tool, **r,
                    "t_ratio": (r["seconds"] / base["seconds"]) if base else None,
                    "m_ratio": (r["rss_mb"] / base["rss_mb"]) if base else None,
                    "t_duck": (r["seconds"] / duck["seconds"]) if duck else None,
                    "m_duck": (r["rss_mb"] / duck["rss_mb"]) if duck else None,
                    "agree": len(checks) == 1,
                })
    load_after = os.getloadavg()
    md = render(rows, gen_rows, sizes, args, load_before, load_after)
    print(md)
    args.results.write_text(md, encoding="utf-8")
    print(f"written to {args.results}", file=sys.stderr)
    return 0 if all(r["agree"] for r in rows) else 1


def render(rows, gen_rows, sizes, args, load_before, load_after) -> str:
    lines = [
        "# Error-log benchmark",
        "",
        "Generated by `python benchmarks/bench_errorlog.py "
        + " ".join(["--events", *map(str, [s for s in sizes if s != 30_000_000])])
        + (" --with-30m" if 30_000_000 in sizes else "") + (f" --repeat {args.repeat}" if args.repeat > 1 else "")
        + "`.",
        "",
        f"Machine: {_machine()}. Libraries: {_versions()}.",
        f"Load average before / after: {load_before[0]:.2f} / {load_after[0]:.2f} "
        "(other work on the machine makes times noisy; memory is not affected).",
        "",
        "Each cell: load the log and compute per-code counts by kind, the confusion edges and channel by kind. "
        "*time* is the work inside the process (after imports), the median of the runs, *best* the fastest run; "
        "*wall* (median) includes interpreter start-up and imports; "
        "*peak RSS* (the largest of the runs; *median* the median run) is the whole child process's high-water mark (`VmHWM`, imports included). "
        "The runs go round robin over the tools, so a burst of other work on the machine hits each of them. "
        "Ratios are against pandas and DuckDB in the same run (lower is better; memory ratios from the largest runs). "
        "*agree*: all tools returned the same totals.",
        "",
        "| events | format | file | tool | time (s) | best (s) | wall (s) | peak RSS (MB) | median RSS (MB) "
        "| time vs pandas | memory vs pandas | time vs DuckDB | memory vs DuckDB | agree |",
        "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in rows:
        tr = f"{r['t_ratio']:.2f}x" if r["t_ratio"] is not None else ""
        mr = f"{r['m_ratio']:.2f}x" if r["m_ratio"] is not None else ""
        td = f"{r['t_duck']:.2f}x" if r.get("t_duck") is not None else ""
        md = f"{r['m_duck']:.2f}x" if r.get("m_duck") is not None else ""
        lines.append(
            f"| {r['n']:,} | {r['fmt']} | {r['size_mb']:.0f} MB | {r['tool']} | {r['seconds']:.2f} | {r['best']:.2f} | "
            f"{r['wall']:.2f} | "
            f"{r['rss_mb']:.0f} | {r['rss_median']:.0f} | {tr} | {mr} | {td} | {md} | {'yes' if r['agree'] else 'NO'} |"
        )
    if gen_rows:
        lines += ["", "Generating the logs (`codekit.sample.write_event_log`, chunked):", "",
                  "| events | format | seconds | file |", "|---:|---|---:|---:|"]
        lines += [f"| {n:,} | {fmt} | {s:.1f} | {mb:.0f} MB |" for n, fmt, s, mb in gen_rows]
    ck = {(r["n"], r["fmt"]): r for r in rows if r["tool"] == "codekit"}
    if len({n for n, _ in ck}) > 1:
        lines += ["", "Memory as the log grows (codekit, peak RSS):", ""]
        for fmt in args.formats:
            pts = sorted((n, r["rss_mb"]) for (n, f), r in ck.items() if f == fmt)
            if len(pts) > 1:
                (n0, m0), (n1, m1) = pts[-2], pts[-1]
                lines.append(f"- {fmt}: " + ", ".join(f"{n:,} events {m:.0f} MB" for n, m in pts)
                             + f" ({n1 / n0:.0f}x the events of the previous size, {m1 / m0:.2f}x the memory)")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
