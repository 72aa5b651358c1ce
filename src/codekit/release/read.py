"""Read published releases back: checksums first, then the schema version, then the document.

- ``manifest.json`` lists every file with its sha256; a missing, extra or changed file is a
  corrupted release (:class:`CorruptRelease`, exit 2) and nothing of it is used.
- ``catalogue.json``'s metadata names its schema id and version. The current version is read as is;
  an older one with a registered upgrader in :data:`UPGRADERS` is upgraded in memory; any other is
  refused with a message naming expected, found and the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from codekit.errors import InputError, SchemaError
from codekit.release import model as m

SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
#: A pre-release (draft) version: X.Y.Z-draft.N (N from 1).
DRAFT_SEMVER = re.compile(r"^((?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*))-draft\.([1-9][0-9]*)$")

#: schema_version -> function upgrading a parsed ``catalogue.json`` of that version by one version.
#: Version 1 is the first: nothing to upgrade yet. When version 2 comes, register ``{1: _v1_to_v2}``.
UPGRADERS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class CorruptRelease(InputError):
    """A release whose files do not match its manifest."""


@dataclass
class Release:
    """A published release, checked: its folder, version, manifest and document."""

    path: Path
    version: str
    manifest: m.Manifest
    document: m.CatalogueRelease
    upgraded_from: int | None = None


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_release_dir(path: str | Path) -> bool:
    p = Path(path)
    return p.is_dir() and (p / "manifest.json").is_file()


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except RecursionError:
        raise CorruptRelease("not a codekit release file: the JSON nests too deeply", path=path,
                             hint="the release is damaged: restore it from the published artifact") from None
    except OSError as e:
        raise CorruptRelease(f"cannot read the file: {e.strerror}", path=path,
                             hint="check the release folder's permissions") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        line = getattr(e, "lineno", None)
        raise CorruptRelease(f"not valid JSON ({e.__class__.__name__}: {getattr(e, 'msg', e)})", path=path, line=line,
                             hint="the release is damaged: restore it from the published artifact") from None


def _files_under(root: Path) -> list[str]:
    from codekit.io.text import refuse_special_files

    everything = list(root.rglob("*"))
    try:
        refuse_special_files(root, everything, what="release folder", skip_hidden=False)
    except InputError as e:  # a FIFO in a release is tampering, as any file the manifest does not list
        raise CorruptRelease(e.message, path=e.path, hint="the release is damaged: remove the file or restore the "
                             "release from the published artifact") from None
    return sorted(p.relative_to(root).as_posix() for p in everything if p.is_file() or p.is_symlink())


def verify(path: str | Path) -> m.Manifest:
    """Check every file of the release against ``manifest.json``; returns the manifest."""
    root = Path(path)
    mpath = root / "manifest.json"
    if not root.is_dir():
        raise InputError("no such release folder", path=root, hint="give a folder dist/<version>")
    if not mpath.is_file():
        raise InputError("not a codekit release: no manifest.json", path=root,
                         hint="give a folder built by `codekit release` (dist/<version>)")
    raw = _json(mpath)
    if not isinstance(raw, dict) or raw.get("schema_id") != m.MANIFEST_SCHEMA_ID:
        raise SchemaError("not a codekit release manifest", path=mpath, expected=m.MANIFEST_SCHEMA_ID,
                          found=repr(raw.get("schema_id") if isinstance(raw, dict) else type(raw).__name__))
    if raw.get("schema_version") != m.MANIFEST_VERSION:
        raise SchemaError("unknown release manifest version", path=mpath, expected=str(m.MANIFEST_VERSION),
                          found=repr(raw.get("schema_version")), hint="read it with the codekit version that wrote it")
    try:
        manifest = m.Manifest.model_validate(raw)
    except Exception as e:  # pydantic.ValidationError
        raise CorruptRelease(f"the manifest has the wrong shape: {_first_error(e)}", path=mpath) from None
    listed = set(manifest.files)
    present = set(_files_under(root)) - {"manifest.json"}
    for rel in sorted(listed - present):
        raise CorruptRelease(f"checksum mismatch: {rel} is listed in the manifest but missing", path=root / rel,
                             hint="the release is damaged: restore it from the published artifact")
    for rel in sorted(present - listed):
        raise CorruptRelease(f"checksum mismatch: {rel} is not in the manifest", path=root / rel,
                             hint="a published release is never changed: remove the file or restore the release")
    for rel in sorted(listed):
        p = root / rel
        if p.is_symlink():
            raise CorruptRelease("a release file is a symbolic link", path=p)
        data = p.read_bytes()
        digest = sha256_bytes(data)
        if digest != manifest.files[rel].sha256:
            raise CorruptRelease(f"checksum mismatch for {rel}", path=p, expected=manifest.files[rel].sha256,
                                 found=digest, hint="the release is damaged or was edited: restore it from the published artifact")
    return manifest


def _first_error(e: Exception) -> str:
    errs = getattr(e, "errors", None)
    if callable(errs):
        first = errs()[0]
        loc = ".".join(str(x) for x in first.get("loc", ()))
        return f"{loc}: {first.get('msg')}"
    return str(e)


def parse_document(raw: Any, path: str | Path) -> tuple[m.CatalogueRelease, int | None]:
    """Check the schema id and version of a parsed ``catalogue.json``, upgrade it if it is older and
    an upgrader exists, and validate it. Returns (document, version it was upgraded from or None)."""
    meta = raw.get("metadata") if isinstance(raw, dict) else None
    if not isinstance(meta, dict) or meta.get("schema_id") != m.SCHEMA_ID:
        raise SchemaError("not a codekit catalogue release", path=path, expected=f"metadata.schema_id {m.SCHEMA_ID}",
                          found=repr(meta.get("schema_id")) if isinstance(meta, dict) else "no metadata block")
    found = meta.get("schema_version")
    upgraded_from = None
    if found != m.SCHEMA_VERSION:
        if not isinstance(found, int) or found not in UPGRADERS:
            known = sorted({m.SCHEMA_VERSION, *UPGRADERS})
            newer = isinstance(found, int) and found > m.SCHEMA_VERSION
            raise SchemaError(
                "unknown catalogue release schema version", path=path,
                expected=" or ".join(str(v) for v in known), found=repr(found),
                hint="upgrade codekit to read it" if newer else "rebuild the release with a current codekit",
            )
        upgraded_from = found
        while raw["metadata"]["schema_version"] != m.SCHEMA_VERSION:
            raw = UPGRADERS[raw["metadata"]["schema_version"]](raw)
    try:
        doc = m.CatalogueRelease.model_validate(raw)
    except Exception as e:
        raise SchemaError(f"the catalogue release does not fit its schema: {_first_error(e)}", path=path) from None
    return doc, upgraded_from


def load_release(path: str | Path) -> Release:
    """Verify and read a published release folder (``dist/<version>``)."""
    from codekit.release.document import content_hash

    root = Path(path)
    manifest = verify(root)
    cpath = root / "catalogue.json"
    if "catalogue.json" not in manifest.files:
        raise CorruptRelease("the release has no catalogue.json", path=root)
    doc, upgraded_from = parse_document(_json(cpath), cpath)
    if upgraded_from is None:
        digest = content_hash(doc.content())
        if digest != doc.metadata.content_hash:
            raise CorruptRelease("checksum mismatch: the content hash does not match the content", path=cpath,
                                 expected=doc.metadata.content_hash, found=digest)
    if doc.metadata.catalogue_version != manifest.catalogue_version:
        raise CorruptRelease("the manifest and catalogue.json name different versions", path=cpath,
                             expected=manifest.catalogue_version, found=doc.metadata.catalogue_version)
    return Release(root, doc.metadata.catalogue_version, manifest, doc, upgraded_from)


def version_key(v: str) -> tuple[int, int, int]:
    """(major, minor, patch) of ``X.Y.Z`` or of a draft ``X.Y.Z-draft.N`` (its base version)."""
    a, b, c = (int(x) for x in v.split("-", 1)[0].split("."))
    return (a, b, c)


def published_versions(out: str | Path) -> list[str]:
    """The X.Y.Z folders of an output folder, oldest first (temp folders ignored)."""
    d = Path(out)
    if not d.is_dir():
        return []
    return sorted((p.name for p in d.iterdir() if p.is_dir() and SEMVER.match(p.name)), key=version_key)


def draft_numbers(out: str | Path, base: str) -> list[int]:
    """The N of every ``base-draft.N`` folder in ``out``, ascending."""
    d = Path(out)
    if not d.is_dir():
        return []
    nums = []
    for p in d.iterdir():
        m = DRAFT_SEMVER.match(p.name)
        if p.is_dir() and m and m.group(1) == base:
            nums.append(int(m.group(2)))
    return sorted(nums)


def latest_release(out: str | Path) -> Release | None:
    """The highest published (final) version in ``out``, verified (a corrupted one is refused), or None.
    Drafts (X.Y.Z-draft.N) are never a baseline."""
    versions = published_versions(out)
    if not versions:
        return None
    return load_release(Path(out) / versions[-1])
