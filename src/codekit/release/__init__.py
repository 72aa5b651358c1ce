"""Releases: versioned, immutable, self-describing exports of the taxonomy and catalogue, and diffs.

Public entry points (heavy imports stay inside them)::

    build_release(taxonomy_dir, catalogue=None, out="dist", *, version=None, source_revision=None,
                  built_at=None) -> BuildResult
    load_release(path) -> Release                       # verified against its manifest
    diff_paths(a, b, *, catalogue=None, division=None) -> Diff   # releases or a working taxonomy folder
    diff_documents(a, b) -> Diff

See docs/release.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def build_release(taxonomy_dir: Any, catalogue: Any = None, out: Any = "dist", **kwargs: Any):
    from codekit.release.build import build_release as _build

    return _build(taxonomy_dir, catalogue, out, **kwargs)


def load_release(path: Any):
    from codekit.release.read import load_release as _load

    return _load(path)


def load_side(path: Any, catalogue: Any = None):
    """(name, document) of a release folder, or of a working taxonomy folder over ``catalogue``."""
    from codekit.errors import InputError
    from codekit.release.build import working_document
    from codekit.release.read import is_release_dir, load_release as _load

    p = Path(path)
    if is_release_dir(p):
        r = _load(p)
        return r.version, r.document
    if not p.exists():
        raise InputError("no such release or taxonomy folder", path=str(p),
                         hint="give a release folder (dist/<version>) or a taxonomy folder")
    if p.is_dir():
        from codekit.errors import UsageError
        from codekit.release.read import published_versions

        versions = [v for v in published_versions(p) if is_release_dir(p / v)]
        if versions:
            raise UsageError("this is an output folder of releases, not one release", path=str(p),
                             expected="a release folder", found=", ".join(versions),
                             hint=f"give one of them, e.g. {p / versions[-1]}")
    if p.is_dir() and (p / "catalogue.json").exists():
        _load(p)  # a release folder without its manifest: refused with the reason
    _, _, doc = working_document(p, catalogue)
    return f"working ({p})", doc


def diff_paths(a: Any, b: Any, *, catalogue: Any = None, division: str | None = None):
    """The diff from ``a`` to ``b`` (each a release folder or a working taxonomy folder)."""
    from codekit.errors import UsageError
    from codekit.release.diff import diff_documents

    name_a, doc_a = load_side(a, catalogue)
    name_b, doc_b = load_side(b, catalogue)
    d = diff_documents(doc_a, doc_b, a_name=name_a, b_name=name_b)
    if division:
        known = sorted({c.division for doc in (doc_a, doc_b) for c in doc.codes if c.division})
        match = [k for k in known if k.casefold() == division.casefold()]
        if not match:
            raise UsageError("no such division in either release", found=repr(division),
                             expected=", ".join(known) or "(no divisions)")
        d = d.for_division(match[0])
    return d


def diff_documents(a: Any, b: Any, **kwargs: Any):
    from codekit.release.diff import diff_documents as _diff

    return _diff(a, b, **kwargs)


__all__ = ["build_release", "load_release", "load_side", "diff_paths", "diff_documents"]
