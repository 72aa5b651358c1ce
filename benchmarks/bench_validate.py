"""Validation benchmark: `codekit validate` against importing great-expectations, and its growth with routes.

    python benchmarks/bench_validate.py [--sizes 55 110 220 440] [--repeat 3] [--out benchmarks/VALIDATE.md]

1. Writes, under benchmarks/out/validate/, one taxonomy per size: a single category asking two questions
   (``a`` with N answers, ``b`` with 10) and routing every combination of answers to one of 10 codes, so
   N x 10 routes (440 answers give 4,400 routes and a file of about 240 KB), with its 10-code catalogue.
2. In its own subprocess each, in the same run, alternating so load on the machine hits all alike:
   - the baseline: ``python -c "import great_expectations"`` (the floor of any validation that uses it);
   - ``codekit validate taxonomy`` on the bundled sample (cold: interpreter start-up and imports included);
   - ``codekit validate`` on each generated taxonomy (cold, wall time) and, in-process after the imports, the
     time of ``codekit.validate.validate`` alone (the work), to show how it grows with the routes;
   - the routing lookup alone, every answer combination matched against the routes, with the previous
     algorithm (``matching_routes``: a pass over every route per combination) and with ``Router`` (bit masks).
3. Prints a Markdown table and writes it to ``--out``. Times are medians of ``--repeat`` runs (the load
   average is printed: other work on a shared machine makes times noisy), CPU time beside wall time.
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "validate"
N_B = 10


def build(folder: Path, n_a: int, n_b: int = N_B) -> Path:
    """A taxonomy of one category with n_a x n_b routes, and its catalogue; returns the folder."""
    from codekit.io.catalogue import write_catalogue
    from codekit.model import Catalogue, ServiceCode

    tax = folder / "taxonomy"
    tax.mkdir(parents=True, exist_ok=True)
    codes = [ServiceCode(code=f"BG-{j:04d}", name=f"Big thing {j}", division="Streets", section="Crews")
             for j in range(n_b)]
    if not (folder / "catalogue.yaml").exists():
        write_catalogue(Catalogue(codes), folder / "catalogue.yaml")
    lines = ["codekit_taxonomy: 1", "id: big-category", "label: Big category", "groups:", "  - Streets",
             "questions:", "  - key: a", "    prompt: Which place?", "    datatype: singlevaluelist", "    values:"]
    lines += [f"      - {{key: place-{i:03d}, label: Place {i}}}" for i in range(n_a)]
    lines += ["  - key: b", "    prompt: Which problem?", "    datatype: singlevaluelist", "    values:"]
    lines += [f"      - {{key: problem-{j}, label: Problem {j}}}" for j in range(n_b)]
    lines += ["routes:"]
    for i in range(n_a):
        for j in range(n_b):
            lines += [f"  - when: {{a: place-{i:03d}, b: problem-{j}}}", f"    code: BG-{j:04d}"]
    (tax / "big-category.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------------- children

def child_work(folder: str) -> None:
    """In-process: the imports and one validate() first (not timed), then validate() alone."""
    import great_expectations  # noqa: F401
    import networkx  # noqa: F401
    import pandas  # noqa: F401

    from codekit.validate import validate

    f = Path(folder)
    validate(f / "taxonomy", f / "catalogue.yaml")  # once untimed: great-expectations sets up its context
    t0, c0 = time.perf_counter(), time.process_time()
    rep = validate(f / "taxonomy", f / "catalogue.yaml")
    out = {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "routes": rep.stats["routes"],
           "findings": len(rep.findings)}
    sys.stdout.write(json.dumps(out) + "\n")


def child_lookup(folder: str) -> None:
    """The routing lookup alone: every combination against the routes, old scan and Router."""
    from codekit.taxonomy.load import load_taxonomy
    from codekit.taxonomy.routing import Router, answer_combinations, matching_routes

    cat = next(iter(load_taxonomy(Path(folder) / "taxonomy")))
    combos = answer_combinations(cat)
    t0 = time.process_time()
    old = [matching_routes(cat, a) for a in combos]
    t_old = time.process_time() - t0
    t0 = time.process_time()
    router = Router(cat)
    new = [router.match(a) for a in combos]
    t_new = time.process_time() - t0
    assert old == new, "Router and matching_routes disagree"
    sys.stdout.write(json.dumps({"scan": t_old, "router": t_new, "combinations": len(combos)}) + "\n")


# ---------------------------------------------------------------------------------------------- parent

def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run(argv: list[str]) -> dict:
    """Run a command; wall time from here, CPU time of the child (user + sys), its last JSON line if any."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{argv} failed ({code}):\n{err.decode(errors='replace')[-2000:]}")
    res: dict = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "exit": code}
    lines = out.decode(errors="replace").strip().splitlines()
    if lines and lines[-1].startswith("{"):
        res["child"] = json.loads(lines[-1])
    return res


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[55, 110, 220, 440],
                    help="answers of the first question (routes = 10 x this)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "VALIDATE.md")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        {"work": child_work, "lookup": child_lookup}[args.child[0]](args.child[1])
        return 0

    sys.path.insert(0, str(ROOT / "src"))
    folders = {n: build(OUT / f"routes-{n * N_B}", n) for n in args.sizes}
    py = sys.executable
    codekit = [py, "-m", "codekit"]
    load_before = os.getloadavg()[0]
    gx, sample = [], []
    cold = {n: [] for n in args.sizes}
    work = {n: [] for n in args.sizes}
    lookup = {n: [] for n in args.sizes}
    for _ in range(args.repeat):
        gx.append(run([py, "-c", "import great_expectations"]))
        sample.append(run(codekit + ["validate", str(ROOT / "taxonomy"), "--json"]))
        for n, f in folders.items():
            cold[n].append(run(codekit + ["validate", str(f / "taxonomy"), "--catalogue", str(f / "catalogue.yaml"),
                                          "--json"]))
            work[n].append(run([py, __file__, "--child", "work", str(f)]))
            lookup[n].append(run([py, __file__, "--child", "lookup", str(f)]))
    load_after = os.getloadavg()[0]

    gx_wall, gx_cpu = med([r["wall"] for r in gx]), med([r["cpu"] for r in gx])
    lines = ["# Validation benchmark", "",
             f"Generated by `python benchmarks/bench_validate.py --sizes {' '.join(map(str, args.sizes))} "
             f"--repeat {args.repeat}`.", "",
             f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}. "
             f"Load average before / after: {load_before:.2f} / {load_after:.2f} (times on a shared machine are "
             "noisy; CPU time, user + sys of the child, much less so). Medians of the runs.", "",
             "## Cold: `codekit validate` against importing great-expectations", "",
             "| run | wall (s) | CPU (s) | wall vs import | CPU vs import |", "|---|---:|---:|---:|---:|",
             f"| `python -c \"import great_expectations\"` (baseline) | {gx_wall:.2f} | {gx_cpu:.2f} | 1.00x | 1.00x |"]
    sw, sc = med([r["wall"] for r in sample]), med([r["cpu"] for r in sample])
    lines.append(f"| `codekit validate taxonomy` (the bundled sample) | {sw:.2f} | {sc:.2f} | {sw / gx_wall:.2f}x | "
                 f"{sc / gx_cpu:.2f}x |")
    for n in args.sizes:
        w, c = med([r["wall"] for r in cold[n]]), med([r["cpu"] for r in cold[n]])
        size = (folders[n] / "taxonomy" / "big-category.yaml").stat().st_size
        lines.append(f"| `codekit validate`, one category, {n * N_B:,} routes ({size / 1024:.0f} KB) | {w:.2f} | "
                     f"{c:.2f} | {w / gx_wall:.2f}x | {c / gx_cpu:.2f}x |")
    lines += ["", "## Growth with routes", "",
              "CPU time (the process's own, so other work on the machine counts less). *validate()* is "
              "`codekit.validate.validate` alone, in-process after the imports and a first call (which sets up "
              "great-expectations' context, about a second, whatever the size). *lookup*: every answer "
              "combination matched against the routes, with the previous algorithm (a pass over every route per "
              "combination) and with `Router` (one bit mask per answer), same results checked.", "",
              "| routes | validate() CPU (s) | per 1,000 routes (s) | lookup, previous (s) | lookup, Router (s) | "
              "previous vs Router |", "|---:|---:|---:|---:|---:|---:|"]
    first = None
    for n in args.sizes:
        wk = med([r["child"]["cpu"] for r in work[n]])
        old = med([r["child"]["scan"] for r in lookup[n]])
        new = med([r["child"]["router"] for r in lookup[n]])
        routes = n * N_B
        first = first or (routes, wk, old, new)
        lines.append(f"| {routes:,} | {wk:.2f} | {1000 * wk / routes:.3f} | {old:.3f} | {new:.4f} | {old / new:.0f}x |")
    last = (args.sizes[-1] * N_B, med([r["child"]["cpu"] for r in work[args.sizes[-1]]]),
            med([r["child"]["scan"] for r in lookup[args.sizes[-1]]]),
            med([r["child"]["router"] for r in lookup[args.sizes[-1]]]))
    k = last[0] / first[0]
    lines += ["", f"From {first[0]:,} to {last[0]:,} routes ({k:.0f}x): validate() takes {last[1] / first[1]:.1f}x "
              f"as long, the previous lookup {last[2] / first[2]:.0f}x (quadratic: {k * k:.0f}x expected), "
              f"the Router lookup {last[3] / first[3]:.1f}x.", ""]
    text = "\n".join(lines)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
