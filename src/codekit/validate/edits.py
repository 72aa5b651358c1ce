"""Edits that keep the promise: :mod:`codekit.taxonomy.edit` makes the edit in memory, this checks it.

:func:`run_edit` is the one entry point of ``codekit edit``: it makes the edit, and for edits that change
routing validates the affected categories before and after (:func:`check_edit`) and refuses the edit
(:class:`~codekit.taxonomy.edit.EditRefused`, exit 2, nothing written) when it would add a finding.
:func:`near_duplicates` turns the near-duplicate pairs of :mod:`codekit.analyse.neardup` into the
``(code, into, reason)`` triples ``dedupe`` records as ``merged:`` entries.
"""

from __future__ import annotations

import re
from typing import Any

from codekit.errors import UsageError
from codekit.taxonomy import edit as E
from codekit.taxonomy.edit import EditRefused, EditResult


def _key(f, renamed: dict[str, str] | None = None) -> tuple:
    """What makes two findings "the same problem" across an edit (lines and counts move)."""
    if f.code:
        return (f.type, f.code, f.field or "")
    cat = (renamed or {}).get(f.category, f.category)
    return (f.type, cat or "", re.sub(r"\d+", "#", f.message))


def check_edit(result: EditResult, catalogue: Any) -> dict[str, Any]:
    """Validate the edited categories before and after; raise :class:`EditRefused` for a new finding."""
    from codekit.validate import validate

    if catalogue is None:
        raise UsageError(f"`edit {result.edit}` changes routing, so it is checked against the catalogue",
                         hint="pass --catalogue FILE (the catalogue the taxonomy routes to)")
    before, after = result.before, result.after
    rep_b = validate(before, catalogue) if before is not None and len(before) else None
    rep_a = validate(after, catalogue) if after is not None and len(after) else None
    found_a = rep_a.findings if rep_a else []
    if rep_b is None:  # nothing before: codes no category of these reaches are not this edit's doing
        had = {_key(f) for f in found_a if f.type == "code-unreachable" and f.category is None}
    else:
        had = {_key(f, result.renamed) for f in rep_b.findings}
        if rep_a is None:
            had |= {_key(f) for f in rep_b.findings}
    if rep_a is None:  # every affected category removed: only the codes they reached can break
        from codekit.taxonomy.model import Taxonomy

        rep_a = validate(Taxonomy([], source=result.taxonomy, retired=after.retired if after is not None else ()), catalogue)
        gone = {c for cat in (before or []) for c in cat.codes()}
        found_a = [f for f in rep_a.findings if f.code in gone]
    new = [f for f in found_a if _key(f) not in had]
    if new:
        f = new[0]
        where = f"{f.file}, line {f.line}: " if f.file and f.line else ""
        more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
        raise EditRefused(
            f"the edit would break the promise: {where}{f.type}: {f.message}{more}; nothing written",
            path=result.taxonomy,
            hint="`codekit validate` explains each finding; change the edit (another target, --rename-keys, "
            "a split by codes) or fix the taxonomy first",
        )
    return {"categories": sorted({c.id for c in (before or [])} | {c.id for c in (after or [])}),
            "findings_before": len(rep_b.findings) if rep_b else 0, "findings_after": len(found_a),
            "new_findings": 0}


def near_duplicates(taxonomy_dir: Any, catalogue: Any, *, min_similarity: float = 0.9,
                    warnings: list[str] | None = None) -> list[tuple[str, str, str]]:
    """``(code, into, reason)`` for each same-division near-duplicate pair both routed in the taxonomy and
    neither merged yet, scored ``min_similarity`` or more; the code with the smaller volume folds into the
    other. Pairs whose merge would lose a required field are left out (and counted in ``warnings``)."""
    from codekit.analyse.neardup import near_duplicate_pairs
    from codekit.taxonomy.load import load_taxonomy
    from codekit.taxonomy.model import Merge, PublicCategory, Route, Taxonomy
    from codekit.taxonomy.retired import with_retired
    from codekit.validate.checks import merge_findings

    if not 0 < min_similarity <= 1:
        raise UsageError("--min-similarity is between 0 and 1", found=str(min_similarity))
    tax = taxonomy_dir if isinstance(taxonomy_dir, Taxonomy) else load_taxonomy(taxonomy_dir)
    cat = with_retired(catalogue, tax)
    used = {m.code for c in tax for m in c.merged} | {m.into for c in tax for m in c.merged}
    routed = tax.codes()
    pairs: list[tuple[str, str, str]] = []
    for p in near_duplicate_pairs(cat, threshold=min_similarity, top=0, active_only=True):
        a, b = p["code_a"], p["code_b"]
        if not p["same_division"] or a in used or b in used or a not in routed or b not in routed:
            continue
        va, vb = cat[a].volume or 0, cat[b].volume or 0
        keep, fold = (a, b) if va >= vb else (b, a)
        pairs.append((fold, keep, f"near-duplicate ({p['reason']}; similarity {p['score']:.2f})"))
        used |= {a, b}
    probe = [PublicCategory(id="x", label="x", groups=("x",), routes=(Route(code=k),), merged=(Merge(f, k, r),))
             for f, k, r in pairs]
    bad = {f.code for f in merge_findings(Taxonomy(probe), cat)}
    skipped = [p for p in pairs if p[0] in bad]
    if skipped and warnings is not None:
        warnings.append(f"{len(skipped)} near-duplicate pair(s) left out: merging them would lose a required field "
                        f"({', '.join(f'{a} into {b}' for a, b, _ in skipped[:5])})")
    return [p for p in pairs if p[0] not in bad]


def run_edit(edit: str, taxonomy_dir: Any, *, catalogue: Any = None, write: bool = False, **kwargs: Any) -> EditResult:
    """Make one edit in memory (see :mod:`codekit.taxonomy.edit`), check it, and with ``write`` write every
    file it touches (all checked first). ``edit`` is one of :data:`codekit.taxonomy.edit.EDITS`."""
    if edit not in E.EDITS:
        raise UsageError("unknown edit", expected=", ".join(E.EDITS), found=repr(edit))
    warnings: list[str] = []
    if edit == "dedupe":
        if catalogue is None:
            raise UsageError("`edit dedupe` compares the catalogue's codes", hint="pass --catalogue FILE")
        code, into, reason = kwargs.pop("code", None), kwargs.pop("into", None), kwargs.pop("reason", None)
        min_similarity = kwargs.pop("min_similarity", 0.9)
        if code or into:
            if not (code and into):
                raise UsageError("give the code and --into CODE", hint="codekit edit dedupe CODE --into CODE --reason '...'")
            if not reason or not reason.strip():
                raise UsageError("a merge needs a reason", hint="pass --reason 'near-duplicate of ...'")
            pairs = [(code, into, reason)]
        else:
            pairs = near_duplicates(taxonomy_dir, catalogue, min_similarity=min_similarity, warnings=warnings)
            if not pairs:
                raise UsageError(f"no near-duplicate pair scores {min_similarity} or more and can be merged",
                                 path=str(taxonomy_dir), hint="lower --min-similarity, or name a pair: CODE --into CODE")
        kwargs["pairs"] = pairs
    fn = getattr(E, edit)
    if edit in ("move", "merge", "split", "nest", "retire", "unretire", "dedupe"):
        if catalogue is None:
            raise UsageError(f"`edit {edit}` changes routing, so it is checked against the catalogue",
                             hint="pass --catalogue FILE (the catalogue the taxonomy routes to)")
        kwargs["catalogue"] = catalogue
    result = fn(taxonomy_dir, **kwargs)
    result.warnings[:0] = warnings
    if result.needs_check:
        result.checked = check_edit(result, catalogue)
    if write:
        result.write()
    return result


__all__ = ["run_edit", "check_edit", "near_duplicates"]
