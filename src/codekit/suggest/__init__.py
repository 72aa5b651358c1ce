"""``codekit suggest``: a resident's free text -> the top public categories, their code and division, and why.

A stage of its own after propose and taxonomy (GUIDE layering): it reads a release, a taxonomy folder over a
catalogue, or a plain catalogue (see :mod:`codekit.suggest.candidates`) and ranks with
:class:`codekit.suggest.rank.Suggester`. :func:`suggest` ranks one text, :func:`suggest_batch` a CSV of texts
(``id,text``); both return the dict ``--json`` prints.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any, Sequence

from codekit.errors import InputError, UsageError
from codekit.suggest.candidates import (  # noqa: F401  (the public API)
    Candidate, RouteOption, candidates_from_catalogue, candidates_from_document, candidates_from_names,
    load_candidates, release_document,
)

#: Longest text read (characters); the rest of a longer text is not read (and the answer says so).
MAX_TEXT_CHARS = 5000


def clean_text(text: Any, *, where: str | None = None, line: int | None = None) -> tuple[str, bool]:
    """(text without control characters, NFC, whitespace collapsed, at most MAX_TEXT_CHARS; truncated?)."""
    if not isinstance(text, str):
        raise UsageError("the text is not a string", path=where, line=line, found=type(text).__name__)
    t = unicodedata.normalize("NFC", text)
    t = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in t)
    t = " ".join(t.split())
    if not t:
        raise UsageError("the text is empty", path=where, line=line, hint="give the words a resident wrote")
    return (t[:MAX_TEXT_CHARS], True) if len(t) > MAX_TEXT_CHARS else (t, False)


def read_examples(path: str | Path, candidates: Sequence[Candidate], kind: str = "categories") -> tuple[list[str], list[str]]:
    """(texts, category ids) of a labelled examples CSV: ``text`` and ``code`` (mapped to the category that
    routes to it) or ``text`` and ``category``."""
    from codekit.io.csvfile import read_csv_records
    from codekit.io.text import read_str

    p = Path(path)
    header, rows = read_csv_records(read_str(p), p)
    if "text" not in header or not ({"code", "category"} & set(header)):
        missing = [c for c in ("text",) if c not in header] or ["code or category"]
        raise InputError(f"the examples file has no {' and no '.join(missing)} column", path=p, line=1,
                         expected="columns text and code (or text and category)",
                         found=", ".join(header) or "no columns")
    col = "category" if "category" in header and kind == "categories" else ("code" if "code" in header else "category")
    ids = {c.id for c in candidates}
    by_code: dict[str, str] = {}
    for c in candidates:
        for code in c.codes:
            by_code.setdefault(code, c.id)
    texts, labels = [], []
    for line, row in rows:
        raw = (row.get("text") or "").strip()
        key = (row.get(col) or "").strip()
        if not raw or not key:
            continue
        label = key if col == "category" or kind == "codes" else by_code.get(key)
        if label is None or label not in ids:
            raise InputError(f"the example names {'a code no category reaches' if col == 'code' else 'an unknown category'}",
                             path=p, line=line, found=repr(key),
                             hint=f"use a {col} of the release, taxonomy or catalogue being ranked")
        texts.append(clean_text(raw, where=str(p), line=line)[0])
        labels.append(label)
    if not texts:
        raise InputError("the examples file has no labelled rows", path=p, hint="add rows with a text and a " + col)
    return texts, labels


def read_texts(path: str | Path) -> list[tuple[str, str]]:
    """(id, text) of a batch file: a CSV with ``id,text`` (or just ``text``: ids are row numbers), or a
    ``.txt`` file with one text per line. Empty texts are refused with their line."""
    from codekit.io.csvfile import read_csv_records
    from codekit.io.text import read_str

    p = Path(path)
    data = read_str(p)
    out: list[tuple[str, str]] = []
    if p.suffix.lower() == ".txt":
        for n, line in enumerate(data.splitlines(), 1):
            if line.strip():
                out.append((str(n), clean_text(line, where=str(p), line=n)[0]))
    else:
        header, rows = read_csv_records(data, p)
        if "text" not in header:
            raise InputError("the texts file has no text column", path=p, line=1, expected="columns id,text",
                             found=", ".join(header) or "no columns")
        for i, (line, row) in enumerate(rows, 1):
            ident = (row.get("id") or "").strip() or str(i)
            out.append((ident, clean_text(row.get("text") or "", where=str(p), line=line)[0]))
    if not out:
        raise InputError("the texts file has no texts", path=p, hint="one row per text: id,text")
    return out


def build_suggester(*, release: Any = None, taxonomy: Any = None, catalogue: Any = None, format: str | None = None,
                    examples: Any = None, unlabelled: Sequence[str] | None = None, threshold: float | None = None,
                    semantic: str = "auto", seed: int = 0):
    """(fitted Suggester, kind, source) for the CLI's options."""
    from codekit.suggest.rank import DEFAULT_THRESHOLD, Suggester

    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise UsageError("--threshold is a probability", expected="a number from 0 to 1", found=repr(threshold))
    cands, kind, source = load_candidates(release=release, taxonomy=taxonomy, catalogue=catalogue, format=format)
    texts = labels = None
    if examples is not None:
        texts, labels = read_examples(examples, cands, kind)
    model = Suggester(semantic=semantic, threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
                      random_state=seed)
    model.fit(cands, texts, labels, unlabelled=unlabelled)
    return model, kind, source


def _meta(model, kind: str, source: str, k: int) -> dict[str, Any]:
    return {
        "source": source, "ranks": kind, "k": k, "threshold": model.threshold,
        "semantic_model": model.semantic_model_ or None,
        "examples": len(model.examples_), "self_trained_on": model.self_trained_,
    }


def suggest(text: str, *, k: int = 5, **options: Any) -> dict[str, Any]:
    """The top ``k`` suggestions for one text (see :func:`build_suggester` for the options)."""
    if k < 1:
        raise UsageError("-k is at least 1", found=str(k))
    clean, truncated = clean_text(text)
    model, kind, source = build_suggester(**options)
    top = model.rank([clean], k)[0]
    sure = bool(top and top[0]["sure"])
    return {
        **_meta(model, kind, source, k),
        "text_chars": len(clean), "truncated": truncated,
        "sure": sure,
        "handoff": None if sure else "not sure: hand the request to a person (or show these as choices)",
        "suggestions": top,
    }


def suggest_batch(path: str | Path, *, k: int = 3, transductive: bool = True, **options: Any) -> dict[str, Any]:
    """Suggestions for every text of a batch file, in input order: ``{"predictions": [{"id", "top": [...]}]}``.
    With ``transductive`` the batch's own texts (never their labels: they have none) refine the zero-shot
    prototypes (see :class:`~codekit.suggest.rank.Suggester`)."""
    if k < 1:
        raise UsageError("--top is at least 1", found=str(k))
    rows = read_texts(path)
    texts = [t for _, t in rows]
    model, kind, source = build_suggester(unlabelled=texts if transductive else None, **options)
    ranked = model.rank(texts, k)
    preds = []
    for (ident, _), top in zip(rows, ranked):
        preds.append({
            "id": ident,
            "sure": bool(top and top[0]["sure"]),
            "top": [_brief(s, kind) for s in top],
        })
    n_sure = sum(p["sure"] for p in preds)
    return {**_meta(model, kind, source, k), "texts": len(preds), "sure": n_sure, "handoff": len(preds) - n_sure,
            "predictions": preds}


def _brief(s: dict[str, Any], kind: str) -> dict[str, Any]:
    route = s.get("route") or {}
    out = {"score": s["score"], "confidence": s["confidence"], "sure": s["sure"]}
    if kind == "codes":
        out.update(code=s["category"], label=s["label"], division=route.get("division", ""))
    else:
        out.update(category=s["category"], label=s["label"], code=route.get("code"),
                   division=route.get("division"), referral=route.get("referral"))
    return out


def batch_table(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The batch result as flat rows (one per text and rank), for CSV output."""
    rows = []
    for p in result["predictions"]:
        for rank, s in enumerate(p["top"], 1):
            rows.append({"id": p["id"], "rank": rank, "category": s.get("category", s.get("code")),
                         "label": s["label"], "code": s.get("code"), "division": s.get("division") or "",
                         "score": s["score"], "sure": s["sure"]})
    return rows


def write_batch(result: dict[str, Any], out: str | Path, *, inputs: Sequence[Any] = ()) -> Path:
    """Write a batch result as CSV (formula cells neutralised) or JSON, by suffix, atomically."""
    import csv
    import io
    import json

    from codekit.io.files import check_output, write_text_atomic
    from codekit.taxonomy.routing import neutralise

    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("csv", "json"):
        raise UsageError("unknown output format for suggestions", path=str(out), expected="a .csv or .json file",
                         found=repr(out.suffix))
    check_output(out, inputs=[i for i in inputs if i is not None])
    if fmt == "json":
        return write_text_atomic(out, json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    buf = io.StringIO()
    cols = ["id", "rank", "category", "label", "code", "division", "score", "sure"]
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in batch_table(result):
        w.writerow({c: neutralise("" if r[c] is None else r[c]) for c in cols})
    return write_text_atomic(out, buf.getvalue())
