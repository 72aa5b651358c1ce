"""Compare two code inventories keyed on stable codes: what a new export of the city's codes changes.

Change kinds (stable, kebab-case):

- ``code-added`` / ``code-removed``: a code only in the new / only in the old inventory.
- ``code-reactivated`` / ``code-deactivated``: the same code, its status moved to / away from ``active``.
- ``code-renamed``: the same code with a new name.
- ``code-replaced``: an old code removed and a new code added that carries the same name and the same
  operational fields (or, with volumes, most of the old code's volume moved to it): one code replaced by another.
  The pair is reported once, not as a removal and an addition.
- ``division-changed`` / ``section-changed``.
- ``field-added`` / ``field-removed`` / ``field-changed``: operational fields, each marked ``critical`` when it
  touches routing or the promise (a field added or removed, its datatype, whether it is required, its allowed
  values) or cosmetic (only its prompt, order or description changed).
- ``description-changed``, ``sla-changed``, ``ctl-level-changed``: cosmetic for routing, kept for the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codekit.model import Catalogue, OperationalField, ServiceCode

#: Kinds whose changes can break routes, field fills or the promise, and so need a person or an apply step.
CRITICAL_KINDS = frozenset({"code-added", "code-removed", "code-reactivated", "code-deactivated", "code-replaced",
                            "division-changed"})


@dataclass(frozen=True)
class Change:
    kind: str
    code: str
    critical: bool
    before: Any = None
    after: Any = None
    detail: str = ""
    other: str = ""  # the other code of a code-replaced pair

    def to_dict(self) -> dict[str, Any]:
        d = {"kind": self.kind, "code": self.code, "critical": self.critical, "before": self.before,
             "after": self.after, "detail": self.detail}
        if self.other:
            d["other"] = self.other
        return d


@dataclass
class InventoryDiff:
    old_source: str
    new_source: str
    n_old: int
    n_new: int
    changes: list[Change] = field(default_factory=list)

    def by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.changes:
            out[c.kind] = out.get(c.kind, 0) + 1
        return dict(sorted(out.items()))

    def of_kind(self, *kinds: str) -> list[Change]:
        return [c for c in self.changes if c.kind in kinds]

    @property
    def n_critical(self) -> int:
        return sum(1 for c in self.changes if c.critical)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"source": self.old_source, "n_codes": self.n_old},
            "new": {"source": self.new_source, "n_codes": self.n_new},
            "summary": self.by_kind(),
            "n_changes": len(self.changes),
            "n_critical": self.n_critical,
            "changes": [c.to_dict() for c in self.changes],
        }


def _field_sig(f: OperationalField) -> tuple:
    return (f.key, f.datatype, f.required, tuple(f.value_keys()))


def _fields_sig(c: ServiceCode) -> tuple:
    return tuple(sorted(_field_sig(f) for f in c.fields))


def _norm_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _field_changes(a: ServiceCode, b: ServiceCode) -> list[Change]:
    out: list[Change] = []
    fa = {f.key: f for f in a.fields}
    fb = {f.key: f for f in b.fields}
    for k in sorted(set(fb) - set(fa)):
        f = fb[k]
        out.append(Change("field-added", a.code, True, None, k,
                          f"{'required ' if f.required else ''}{f.datatype} field {k!r} added"))
    for k in sorted(set(fa) - set(fb)):
        out.append(Change("field-removed", a.code, True, k, None, f"field {k!r} removed"))
    for k in sorted(set(fa) & set(fb)):
        x, y = fa[k], fb[k]
        parts, critical = [], False
        if x.datatype != y.datatype:
            parts.append(f"datatype {x.datatype} -> {y.datatype}")
            critical = True
        if x.required != y.required:
            parts.append("now required" if y.required else "no longer required")
            critical = True
        va, vb = x.value_keys(), y.value_keys()
        if va != vb:
            came = [v for v in vb if v not in va]
            went = [v for v in va if v not in vb]
            if came:
                parts.append("values added: " + ", ".join(came))
            if went:
                parts.append("values removed: " + ", ".join(went))
            if not came and not went:
                parts.append("values reordered")
            critical = critical or bool(came or went)
        if x.prompt != y.prompt:
            parts.append(f"prompt {x.prompt!r} -> {y.prompt!r}")
        if x.description != y.description or x.order != y.order:
            parts.append("description or order changed")
        if parts:
            out.append(Change("field-changed", a.code, critical, k, k, f"field {k!r}: " + "; ".join(parts)))
    return out


def compare_inventories(old: Catalogue, new: Catalogue) -> InventoryDiff:
    """Every change from ``old`` to ``new``, keyed on codes, in a stable order (by code, then kind)."""
    diff = InventoryDiff(old.source or "old", new.source or "new", len(old), len(new))
    removed = [c for c in old if c.code not in new]
    added = [c for c in new if c.code not in old]
    # one code replaced by another: same name and fields, or the volume moved
    pairs: dict[str, str] = {}
    by_sig: dict[tuple, list[ServiceCode]] = {}
    for c in added:
        by_sig.setdefault((_norm_name(c.name), _fields_sig(c)), []).append(c)
    taken: set[str] = set()
    for r in removed:
        cands = [c for c in by_sig.get((_norm_name(r.name), _fields_sig(r)), []) if c.code not in taken]
        if len(cands) == 1:
            pairs[r.code] = cands[0].code
            taken.add(cands[0].code)
    for r in removed:  # the volume moved: the old code's volume now under one new code of the same division
        if r.code in pairs or not r.volume:
            continue
        cands = [c for c in added if c.code not in taken and c.division == r.division and c.volume
                 and 0.8 <= c.volume / r.volume <= 1.25 and _norm_name(c.name) != "" and _fields_sig(c) == _fields_sig(r)]
        if len(cands) == 1:
            pairs[r.code] = cands[0].code
            taken.add(cands[0].code)
    changes: list[Change] = []
    for r in removed:
        if r.code in pairs:
            n = new[pairs[r.code]]
            detail = f"{r.code} replaced by {n.code}" + (f" ({r.name!r} -> {n.name!r})" if r.name != n.name else
                                                         f" ({n.name!r})")
            changes.append(Change("code-replaced", r.code, True, r.code, n.code, detail, other=n.code))
        else:
            changes.append(Change("code-removed", r.code, True, r.name, None, f"{r.code} ({r.name!r}) removed"))
    for c in added:
        if c.code not in taken:
            changes.append(Change("code-added", c.code, True, None, c.name,
                                  f"{c.code} ({c.name!r}, {c.division or 'no division'}) added"))
    for b in new:
        a = old.get(b.code)
        if a is None:
            continue
        if a.status != b.status:
            if b.active:
                changes.append(Change("code-reactivated", b.code, True, a.status, b.status, f"{b.code} active again"))
            elif a.active:
                changes.append(Change("code-deactivated", b.code, True, a.status, b.status,
                                      f"{b.code} now {b.status}"))
        if a.name != b.name:
            changes.append(Change("code-renamed", b.code, False, a.name, b.name, f"{a.name!r} -> {b.name!r}"))
        if a.division != b.division:
            changes.append(Change("division-changed", b.code, True, a.division, b.division,
                                  f"{a.division!r} -> {b.division!r}"))
        if a.section != b.section:
            changes.append(Change("section-changed", b.code, False, a.section, b.section,
                                  f"{a.section!r} -> {b.section!r}"))
        changes.extend(_field_changes(a, b))
        if a.description != b.description:
            changes.append(Change("description-changed", b.code, False, a.description, b.description, "description"))
        if a.sla_days != b.sla_days:
            changes.append(Change("sla-changed", b.code, False, a.sla_days, b.sla_days,
                                  f"SLA {a.sla_days} -> {b.sla_days} days"))
        if a.ctl_level != b.ctl_level:
            changes.append(Change("ctl-level-changed", b.code, False, a.ctl_level, b.ctl_level,
                                  f"Closing-the-Loop level {a.ctl_level} -> {b.ctl_level}"))
    changes.sort(key=lambda c: (c.code, c.kind, str(c.before), str(c.after)))
    diff.changes = changes
    return diff


def render_markdown(diff: InventoryDiff) -> str:
    lines = [f"# Inventory sync: {diff.old_source} -> {diff.new_source}", "",
             f"{diff.n_old:,} codes before, {diff.n_new:,} after; {len(diff.changes):,} changes, "
             f"{diff.n_critical:,} of them routing-critical.", ""]
    if diff.changes:
        lines += ["| kind | count |", "|---|---:|"]
        lines += [f"| {k} | {n:,} |" for k, n in diff.by_kind().items()]
        lines += ["", "| code | kind | critical | change |", "|---|---|---|---|"]
        for c in diff.changes:
            detail = c.detail.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {c.code} | {c.kind} | {'yes' if c.critical else 'no'} | {detail} |")
    return "\n".join(lines) + "\n"
