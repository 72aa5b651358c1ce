"""Load benchmark of `codekit serve` on localhost, beside Python's own http.server in the same run.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_serve.py [--requests 2000] [--concurrency 8] [--out benchmarks/SERVE.md]

Serves the bundled golden release (tests/golden/bundled-v1.0.0, copied to a temp dist/1.0.0) with
``codekit.serve.create_app`` under uvicorn in a thread, and the same folder with
``http.server.ThreadingHTTPServer`` (a static-file baseline: no verification, no ETags) in another. A pool of
``--concurrency`` client threads (bounded load; http.client keep-alive connections) sends ``--requests``
requests per endpoint; reports requests per second, p50 / p99 latency, errors (any status other than 200), and
this process's RSS before and after each run (memory must stay flat). Prints a Markdown table and writes it.
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import functools
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(port: int, path: str, n: int, concurrency: int) -> dict:
    local = threading.local()

    def one(_):
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        t = time.perf_counter()
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            ok = resp.status == 200
            if resp.getheader("connection", "").lower() == "close":
                conn.close()
                local.conn = None
        except (OSError, http.client.HTTPException):
            conn.close()
            local.conn = None
            ok = False
        return time.perf_counter() - t, ok

    before = rss_mb()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        res = list(pool.map(one, range(n)))
    wall = time.perf_counter() - t0
    lat = sorted(r[0] for r in res)
    return {"rps": n / wall, "p50": statistics.median(lat) * 1000, "p99": lat[int(0.99 * (len(lat) - 1))] * 1000,
            "errors": sum(not r[1] for r in res), "rss_before": before, "rss_after": rss_mb()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "SERVE.md")
    a = ap.parse_args(argv)
    import uvicorn

    from codekit.serve import create_app

    tmp = Path(tempfile.mkdtemp())
    dist = tmp / "dist"
    shutil.copytree(ROOT / "tests" / "golden" / "bundled-v1.0.0", dist / "1.0.0")
    p1 = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(dist), host="127.0.0.1", port=p1, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    p2 = free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(dist / "1.0.0"))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *x: None
    handler.protocol_version = "HTTP/1.1"
    base = http.server.ThreadingHTTPServer(("127.0.0.1", p2), handler)
    threading.Thread(target=base.serve_forever, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    rows = []
    plan = [
        ("codekit serve", p1, "/releases/1.0.0/catalogue.json"),
        ("http.server (baseline)", p2, "/catalogue.json"),
        ("codekit serve", p1, "/open311/v2/services.json"),
        ("http.server (baseline)", p2, "/open311/services.json"),
        ("codekit serve", p1, "/health"),
        ("codekit serve", p1, "/suggest?q=big+hole+in+the+road"),
    ]
    load(p1, "/suggest?q=warm+up", 5, 1)  # builds the ranker once
    for name, port, path in plan:
        r = load(port, path, a.requests, a.concurrency)
        rows.append((name, path, r))
        print(name, path, {k: round(v, 1) for k, v in r.items()}, file=sys.stderr, flush=True)
    server.should_exit = True
    base.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)
    load_avg = os.getloadavg()[0]
    lines = [
        "# `codekit serve` under load (localhost)",
        "",
        f"`PYTHONPATH=src python benchmarks/bench_serve.py --requests {a.requests} --concurrency {a.concurrency}`: "
        f"{a.requests:,} requests per row from {a.concurrency} keep-alive client threads in the same process, "
        f"the bundled golden release (74 categories); load average at the end {load_avg:.1f} on "
        f"{os.cpu_count()} cores (a shared machine: times are noisy).",
        "",
        "| server | path | requests/s | p50 ms | p99 ms | errors | RSS before -> after (MB) |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for name, path, r in rows:
        lines.append(f"| {name} | `{path}` | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} | "
                     f"{r['rss_before']:.0f} -> {r['rss_after']:.0f} |")
    text = "\n".join(lines) + "\n"
    from codekit.io.files import write_text_atomic

    write_text_atomic(a.out, text)
    print(text)
    return 1 if any(r["errors"] for _, _, r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
