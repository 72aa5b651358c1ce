"""Keep a curated taxonomy in step with a changing code inventory (``codekit sync``).

:func:`sync` compares the inventory the taxonomy was last validated or released against with a new one
(:mod:`codekit.sync.inventory`), and with ``apply`` places new codes (:mod:`codekit.sync.place`), retires removed
ones with a tombstone and carries renames and moved values (:mod:`codekit.sync.apply`), touching only the lines
of the affected codes. A stage after propose and taxonomy (it uses their signals and loaders).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codekit.sync.place import DEFAULT_THRESHOLD


def sync(old, new, taxonomy_dir: str | Path, *, apply: bool = False, dry_run: bool = False,
         threshold: float = DEFAULT_THRESHOLD, date: str | None = None, semantic: bool = True,
         validate_after: bool = True) -> dict[str, Any]:
    """Compare ``old`` and ``new`` (Catalogues) and, with ``apply``, bring ``taxonomy_dir`` up to date.

    Returns the dict ``codekit sync --json`` prints: ``diff`` (every change), and with ``apply`` the ``plan``
    (actions and files), ``patch`` (a unified diff) and, after writing, ``validation`` of the updated taxonomy
    against ``new``. ``dry_run`` plans and returns the patch without writing."""
    import datetime as _dt

    from codekit.errors import UsageError
    from codekit.sync.apply import check_plan, plan_apply, write_plan
    from codekit.sync.inventory import compare_inventories
    from codekit.taxonomy.load import load_taxonomy

    if not 0.0 <= threshold <= 1.0:
        raise UsageError(f"the placement threshold must be between 0 and 1, not {threshold}")
    if not len(new):
        raise UsageError("the new inventory has no codes", path=new.source,
                         hint="check the file: sync never retires every code at once")
    if date is None:
        date = _dt.date.today().isoformat()
    else:
        try:
            _dt.date.fromisoformat(date)
        except ValueError:
            raise UsageError(f"the date must be a real day written YYYY-MM-DD, not {date!r}") from None
    diff = compare_inventories(old, new)
    out: dict[str, Any] = {"diff": diff.to_dict(), "applied": False}
    if not new.active():
        raise UsageError("the new inventory has no active code", path=new.source,
                         hint="check the file: sync never retires every code at once")
    if not (apply or dry_run):
        return out
    taxonomy = load_taxonomy(taxonomy_dir)
    plan = plan_apply(diff, taxonomy, old, new, threshold=threshold, date=date, semantic=semantic)
    check_plan(plan)
    out["plan"] = plan.to_dict()
    out["patch"] = plan.patch()
    if dry_run:
        return out
    write_plan(plan)
    out["applied"] = True
    if validate_after:
        from codekit.validate import validate

        report = validate(taxonomy_dir, new)
        out["validation"] = {"ok": report.ok, "n_findings": len(report.findings),
                             "by_type": _count(f.type for f in report.findings),
                             "findings": [f.to_dict() for f in report.findings]}
    return out


def _count(items) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in items:
        out[i] = out.get(i, 0) + 1
    return dict(sorted(out.items()))


__all__ = ["sync", "DEFAULT_THRESHOLD"]
