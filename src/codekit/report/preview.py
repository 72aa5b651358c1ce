"""`codekit preview`: a static, offline HTML page of the public intake flow of a release.

The page embeds the release's categories, questions, routes and the codes they reach as JSON (every
``<`` written as ``\\u003c``, so no name can close the script tag) and runs plain JavaScript (no
framework, no network): pick a group and a category (or search labels and synonyms), answer the
questions (a dependent question appears only when its ``ask_when`` holds), and see the code, division
and section the request goes to (or the referral) and the operational fields that would be sent.

Inputs: a release folder (``dist/<version>/`` with ``catalogue.json``), a ``catalogue.json`` file, or
a taxonomy folder (with a catalogue, default the sample city), turned into the same release document
by ``codekit.release.document.build_document``. Every element a test needs has a ``data-testid``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codekit.errors import InputError, UsageError

RELEASE_FILE = "catalogue.json"


def load_preview_data(source: str | Path, catalogue: Any = None) -> dict[str, Any]:
    """The data the preview page embeds, from a release folder (verified against its manifest by
    ``codekit.release.load_side``), its ``catalogue.json``, or a working taxonomy folder over
    ``catalogue`` (a path, a Catalogue, or ``None`` for the sample city)."""
    from codekit.release import load_side

    src = Path(source)
    if not src.exists():
        raise InputError("no such release or taxonomy", path=str(src),
                         hint="give a release folder (dist/<version>/), its catalogue.json, or a taxonomy folder")
    folder = src.parent if src.is_file() and src.name == RELEASE_FILE else src
    if folder.is_file():
        raise InputError("not a release or a taxonomy folder", path=str(src),
                         hint="give a release folder (dist/<version>/), its catalogue.json, or a taxonomy folder")
    _name, doc = load_side(folder, catalogue)
    return preview_data(doc.model_dump(mode="json"), source=str(folder))


def preview_data(doc: dict[str, Any], *, source: str = "") -> dict[str, Any]:
    """Reduce a release document (plain JSON data) to what the page needs, with the release's search index
    (``codekit.release.search``: the same ``search.json`` the release ships)."""
    from codekit.release.search import search_index

    cats = doc.get("categories") or []
    if not cats:
        raise UsageError("the release has no categories", path=source or None,
                         hint="a preview needs at least one public category")
    codes_all = {c["code"]: c for c in doc.get("codes") or []}
    used: set[str] = set()
    categories = []
    for c in cats:
        routing = set()
        for r in c.get("routes") or []:
            routing.update((r.get("when") or {}).keys())
            if r.get("code"):
                used.add(str(r["code"]))
        for q in c.get("questions") or []:
            routing.update((q.get("ask_when") or {}).keys())
        categories.append({
            "id": c["id"],
            "label": c.get("label") or c["id"],
            "description": c.get("description") or "",
            "synonyms": list(c.get("synonyms") or []),
            "groups": list(c.get("groups") or []) or ["Other"],
            "questions": [
                {
                    "key": q["key"], "prompt": q.get("prompt") or q["key"], "datatype": q.get("datatype") or "string",
                    "required": bool(q.get("required", True)),
                    "values": [{"key": v["key"], "label": v.get("label") or v["key"]} for v in q.get("values") or []],
                    "ask_when": {k: list(v) for k, v in (q.get("ask_when") or {}).items()},
                    "routing": q["key"] in routing,
                }
                for q in c.get("questions") or []
            ],
            "routes": [
                {
                    "when": {k: list(v) for k, v in (r.get("when") or {}).items()},
                    "code": r.get("code"),
                    "referral": r.get("referral"),
                    "fields": r.get("fields") or {},
                    "dropped": r.get("dropped") or {},
                }
                for r in c.get("routes") or []
            ],
        })
    codes = {}
    for code in sorted(used):
        sc = codes_all.get(code)
        if sc is None:
            codes[code] = {"name": "(not in the catalogue)", "division": "", "section": "", "fields": {}}
            continue
        codes[code] = {
            "name": sc.get("name", ""), "division": sc.get("division", ""), "section": sc.get("section", ""),
            "sla_days": sc.get("sla_days"), "ctl_level": sc.get("ctl_level"), "status": sc.get("status", ""),
            "fields": {f["key"]: {"prompt": f.get("prompt", ""), "required": bool(f.get("required"))}
                       for f in sc.get("fields") or []},
        }
    tl = doc.get("timelines") or {}
    if tl:  # a release built with request history: what a resident is told to expect (docs/release.md)
        for c in categories:
            c["expected"] = _expected(tl, (tl.get("categories") or {}).get(c["id"]))
        for code, sc in codes.items():
            sc["expected"] = _expected(tl, (tl.get("codes") or {}).get(code))
    meta = doc.get("metadata") or {}
    groups = sorted({g for c in categories for g in c["groups"]})
    return {
        "source": source,
        "version": meta.get("catalogue_version") or "",
        "draft": meta.get("status") == "draft",
        "content_hash": meta.get("content_hash") or "",
        "groups": groups,
        "categories": categories,
        "codes": codes,
        "search": search_index(doc),
    }


def _expected(tl: dict[str, Any], t: dict[str, Any] | None) -> dict[str, Any] | None:
    """The sentence and the counts behind it, or None when the release says nothing for this one."""
    if not t or not t.get("expected"):
        return None
    return {"text": t["expected"], "requests": t["requests"], "still_open": t["still_open"],
            "as_of": str(tl.get("as_of") or "")[:10]}


def embed_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` appear raw."""
    from codekit.io.serial import json_text

    text = json_text(data, separators=(",", ":"), what="the preview")
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_preview(data: dict[str, Any]) -> str:
    """The preview page: one HTML file, data embedded as JSON, plain JavaScript, no network
    (``templates/preview.html.j2`` with ``preview.css`` and ``preview.js``)."""
    from markupsafe import Markup

    from codekit.report.templates import render

    title = "Intake preview" + (f" \u2014 release {data['version']}" if data.get("version") else "")
    n_routes = sum(len(c["routes"]) for c in data["categories"])
    sub = (f"{len(data['categories']):,} public categories in {len(data['groups']):,} groups, {n_routes:,} routes"
           + (f"; {data['content_hash'][:19]}" if data.get("content_hash") else ""))
    return render("preview.html.j2", title=title, subtitle=sub, draft=bool(data.get("draft")),
                  data_json=Markup(embed_json(data)))


def write_preview(data: dict[str, Any], out: str | Path, *, inputs=()) -> Path:
    from codekit.io.files import write_text_atomic

    return write_text_atomic(out, render_preview(data), make_parents=False, inputs=inputs)


__all__ = ["load_preview_data", "preview_data", "render_preview", "write_preview", "embed_json"]
