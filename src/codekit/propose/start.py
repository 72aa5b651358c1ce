"""Start a project's working taxonomy from a proposal, and never overwrite it afterwards.

:func:`start_taxonomy` writes the proposal into the taxonomy folder when that folder does not exist
yet (or is empty). Once it holds categories, they are the analysts' curated work: a new proposal is
written as a draft beside them (``drafts/draft-2/``, ``drafts/draft-3/``, ...: numbered, no time
stamps) and :func:`changes_against` says what it would change: categories added and removed, codes
moving between categories, codes new to the taxonomy and codes it no longer routes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DRAFTS = "drafts"


def _is_started(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.yaml"))


def next_draft(drafts: Path) -> Path:
    """``drafts/draft-N`` with N one more than the highest there (the first draft is the taxonomy: N starts at 2)."""
    n = 1
    if drafts.is_dir():
        for p in drafts.iterdir():
            m = re.fullmatch(r"draft-([0-9]+)", p.name)
            if m:
                n = max(n, int(m.group(1)))
    return drafts / f"draft-{n + 1}"


def changes_against(proposal, taxonomy) -> dict[str, Any]:
    """What ``proposal`` would change in the curated ``taxonomy``. Each curated category is kept by the
    proposed category sharing most of its codes; a proposed category that keeps none is added (a
    split-off or a new one); codes whose category changes move; curated categories nobody keeps are removed."""
    curated: dict[str, str] = {}
    for c in taxonomy:
        for code in c.codes():
            curated.setdefault(code, c.id)
        for mg in c.merged:
            curated.setdefault(mg.code, c.id)
    proposed = {cat.id: list(cat.members) for cat in proposal.categories}
    best: dict[str, tuple[str, int]] = {}
    for pid in sorted(proposed):
        counts: dict[str, int] = {}
        for code in proposed[pid]:
            if code in curated:
                counts[curated[code]] = counts.get(curated[code], 0) + 1
        if counts:
            best[pid] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    owner: dict[str, str] = {}
    for pid, (cid, n) in sorted(best.items(), key=lambda kv: (-kv[1][1], kv[0])):
        owner.setdefault(cid, pid)
    kept = {pid: cid for cid, pid in owner.items()}
    moves: list[dict[str, str]] = []
    added = sorted(pid for pid in proposed if pid not in kept)
    new_codes: list[str] = []
    for pid in sorted(proposed):
        target = kept.get(pid, pid)
        for code in proposed[pid]:
            if code not in curated:
                new_codes.append(code)
            elif curated[code] != target:
                moves.append({"code": code, "from": curated[code], "to": target,
                              "new_category": pid not in kept})
    in_proposal = {code for members in proposed.values() for code in members}
    removed = sorted({c.id for c in taxonomy} - set(owner))
    dropped = sorted(set(curated) - in_proposal)
    return {
        "categories_added": added, "categories_removed": removed, "codes_moved": sorted(moves, key=lambda m: m["code"]),
        "codes_new": sorted(new_codes), "codes_not_proposed": dropped,
        "counts": {"categories_added": len(added), "categories_removed": len(removed), "codes_moved": len(moves),
                   "codes_new": len(new_codes), "codes_not_proposed": len(dropped)},
    }


def start_taxonomy(proposal, taxonomy_dir: str | Path, *, drafts_dir: str | Path | None = None,
                   inputs=()) -> dict[str, Any]:
    """Write ``proposal`` as the working taxonomy if ``taxonomy_dir`` is not started yet; otherwise as
    the next draft in ``drafts_dir`` (default: ``drafts/`` beside the taxonomy folder), with the changes
    it would make. The curated taxonomy is never written to once it holds categories."""
    from codekit.propose.draft import write_draft
    from codekit.taxonomy.load import load_taxonomy

    tax = Path(taxonomy_dir)
    if not _is_started(tax):
        files = write_draft(proposal, tax, force=tax.is_dir(), inputs=inputs)
        return {"started": True, "folder": str(tax), "n_files": len(files), "changes": None}
    drafts = Path(drafts_dir) if drafts_dir is not None else tax.parent / DRAFTS
    target = next_draft(drafts)
    changes = changes_against(proposal, load_taxonomy(tax))
    files = write_draft(proposal, target, inputs=inputs)
    return {"started": False, "folder": str(target), "taxonomy": str(tax), "n_files": len(files), "changes": changes}


__all__ = ["start_taxonomy", "changes_against", "next_draft"]
