"""What changed between two releases (or a release and the working taxonomy), keyed on stable ids.

Every change has a stable kebab-case ``kind`` (see :data:`CHANGE_KINDS`), a semantic-version
``level`` (major, minor or patch), the category and code it is about, the divisions it touches, and
``before``/``after`` values. Renames are renames: a category whose id changed but whose routes reach
the same codes is ``category-renamed``, not a removal plus an addition.

The level of a diff is its most breaking change; :func:`next_version` turns it into the next
semantic version (removed category or changed route: major; added category: minor; wording: patch).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from codekit.release import model as m

LEVELS = ("patch", "minor", "major")

#: kind -> (level, meaning). docs/release.md has the same table.
CHANGE_KINDS: dict[str, tuple[str, str]] = {
    "category-added": ("minor", "a public category was added"),
    "category-removed": ("major", "a public category was removed"),
    "category-renamed": ("major", "a category's id changed (same routes): front-ends keyed on the id break"),
    "category-relabelled": ("patch", "a category's label changed"),
    "category-reworded": ("patch", "a category's description or synonyms changed"),
    "category-regrouped": ("minor", "a category moved to other public groups"),
    "question-added": ("minor", "a category asks a new question"),
    "question-removed": ("major", "a category no longer asks a question"),
    "question-changed": ("minor", "a question's datatype, required flag, condition or answer order changed"),
    "question-reworded": ("patch", "a question's prompt changed"),
    "answer-added": ("minor", "a question offers a new answer"),
    "answer-removed": ("major", "a question no longer offers an answer: front-ends sending its key break"),
    "answer-relabelled": ("patch", "an answer's label changed (same key)"),
    "route-added": ("minor", "a category reaches a new code or referral"),
    "route-removed": ("major", "a category no longer reaches a code or referral"),
    "route-changed": ("major", "the answers that reach a code, or how its fields are filled, changed"),
    "code-moved": ("major", "a code is no longer reached from a category that reached it (reached from others now)"),
    "code-shared": ("minor", "a code is also reached from more categories than before"),
    "code-added": ("minor", "a service code was added to the catalogue"),
    "code-removed": ("major", "a service code was removed from the catalogue"),
    "code-renamed": ("patch", "a code's internal name changed"),
    "code-description-changed": ("patch", "a code's description or keywords changed (same name)"),
    "code-status-changed": ("minor", "a code was retired or reactivated"),
    "division-reassigned": ("major", "a code moved to another division or section"),
    "service-level-changed": ("minor", "a code's SLA, Closing-the-Loop level or milestones changed"),
    "field-added": ("minor", "a code has a new operational field"),
    "field-removed": ("major", "a code lost an operational field"),
    "field-changed": ("minor", "an operational field's datatype, required flag, order or value keys changed"),
    "field-reworded": ("patch", "an operational field's prompt, description or value names changed"),
    "timelines-updated": ("patch", "the expected timelines from request history changed (or were added)"),
}


def level_rank(level: str | None) -> int:
    return LEVELS.index(level) + 1 if level in LEVELS else 0


@dataclass(frozen=True)
class Change:
    kind: str
    message: str
    category: str | None = None
    code: str | None = None
    divisions: tuple[str, ...] = ()
    before: Any = None
    after: Any = None
    item: str | None = None  # the question, field or answer combination concerned

    @property
    def level(self) -> str:
        return CHANGE_KINDS[self.kind][0]

    def sort_key(self) -> tuple:
        return (-level_rank(self.level), self.kind, self.category or "", self.code or "", self.item or "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "level": self.level, "message": self.message, "category": self.category,
            "code": self.code, "divisions": list(self.divisions), "item": self.item,
            "before": self.before, "after": self.after,
        }


@dataclass
class Diff:
    """The changes from release ``a`` to ``b`` (optionally only those touching ``division``)."""

    a: str
    b: str
    changes: list[Change] = field(default_factory=list)
    division: str | None = None
    routing_a: list[m.RoutingRow] = field(default_factory=list, repr=False)
    routing_b: list[m.RoutingRow] = field(default_factory=list, repr=False)
    whole: "Diff | None" = field(default=None, repr=False)  # the unfiltered diff of a division's view

    @property
    def level(self) -> str | None:
        best = max((level_rank(c.level) for c in self.changes), default=0)
        return LEVELS[best - 1] if best else None

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.changes:
            out[c.kind] = out.get(c.kind, 0) + 1
        return dict(sorted(out.items()))

    def divisions(self) -> list[str]:
        return sorted({d for c in self.changes for d in c.divisions})

    def breaks(self, fail_on: str) -> bool:
        """Is the diff at least as breaking as ``fail_on`` (major or minor)?"""
        return level_rank(self.level) >= level_rank(fail_on)

    def for_division(self, division: str) -> "Diff":
        want = division.casefold()
        keep = [c for c in self.changes if any(d.casefold() == want for d in c.divisions)]
        ra = [r for r in self.routing_a if (r.division or "").casefold() == want]
        rb = [r for r in self.routing_b if (r.division or "").casefold() == want]
        return Diff(self.a, self.b, keep, division, ra, rb, self.whole or self)

    def part(self, division: str) -> list[dict[str, Any]]:
        """What ``division`` approves: its changes as plain data, messages left out (they are written from
        the same facts, and their wording may improve between codekit versions without the changes changing)."""
        out = []
        for c in self.for_division(division).changes:
            d = c.to_dict()
            d.pop("message")
            out.append(d)
        return out

    def part_hash(self, division: str) -> str:
        """``sha256:<hex>`` of the canonical JSON of :meth:`part`: an approval is bound to it."""
        import hashlib

        return "sha256:" + hashlib.sha256(m.canonical_json(self.part(division)).encode("utf-8")).hexdigest()

    def levels_of(self) -> dict[str, str]:
        """Each division -> the most breaking level among its changes."""
        out: dict[str, str] = {}
        for c in self.changes:
            for d in c.divisions:
                if level_rank(c.level) > level_rank(out.get(d)):
                    out[d] = c.level
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.a, "to": self.b, "division": self.division, "level": self.level,
            "counts": self.counts(), "divisions": self.divisions(),
            "changes": [c.to_dict() for c in self.changes],
        }


def next_version(previous: str | None, level: str | None) -> str | None:
    """The semantic version after ``previous`` for a diff of ``level`` (None: nothing changed)."""
    if previous is None:
        return "1.0.0"
    if level is None:
        return None
    major, minor, patch = (int(x) for x in previous.split("."))
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


# ---------------------------------------------------------------------------------------- the diff

def _targets(doc: m.CatalogueRelease) -> dict[str, dict[str, list[str]]]:
    """category -> target ("code:X" / "referral:to") -> answer combinations reaching it (in order)."""
    out: dict[str, dict[str, list[str]]] = {}
    for r in doc.routing:
        t = f"code:{r.code}" if r.code else (f"referral:{r.referral_to}" if r.target == "referral" else "none")
        out.setdefault(r.category, {}).setdefault(t, []).append(r.answers)
    return out


def _fill_maps(doc: m.CatalogueRelease) -> dict[tuple[str, str], str]:
    """(category, target) -> how the routes reaching it fill (and drop) fields, as canonical JSON."""
    out: dict[tuple[str, str], list] = {}
    for c in doc.categories:
        for r in c.routes:
            t = f"code:{r.code}" if r.code else f"referral:{r.referral.to if r.referral else ''}"
            fills = {k: f.model_dump(mode="json", exclude_defaults=True) for k, f in r.fields.items()}
            out.setdefault((c.id, t), []).append({"fields": fills, "dropped": r.dropped})
    return {k: m.canonical_json(sorted(v, key=m.canonical_json)) for k, v in out.items()}


def _code_categories(doc: m.CatalogueRelease) -> dict[str, set[str]]:
    return doc.code_categories()


def _label(doc: m.CatalogueRelease, cid: str) -> str:
    c = doc.category(cid)
    return f"{cid!r} ({c.label})" if c else repr(cid)


def _labels(doc: m.CatalogueRelease, cids: list[str]) -> str:
    """Category ids with the labels residents see: ``litter ("Litter"), dumping ("Dumped items")``."""
    out = []
    for cid in cids:
        c = doc.category(cid)
        out.append(f"{cid} (\"{c.label}\")" if c else cid)
    return ", ".join(out) or "no category"


def _code_name(c: m.Code | None) -> str:
    return f" ({c.name})" if c is not None and c.name else ""


def diff_documents(a: m.CatalogueRelease, b: m.CatalogueRelease, *, a_name: str | None = None,
                   b_name: str | None = None) -> Diff:
    """Every change from release document ``a`` to ``b``."""
    name_a = a_name or a.metadata.catalogue_version
    name_b = b_name or b.metadata.catalogue_version
    codes_a = {c.code: c for c in a.codes}
    codes_b = {c.code: c for c in b.codes}

    def divs_of_codes(codes) -> tuple[str, ...]:
        out = set()
        for code in codes:
            for side in (codes_a, codes_b):
                c = side.get(code)
                if c is not None and c.division:
                    out.add(c.division)
        return tuple(sorted(out))

    reach_a, reach_b = _code_categories(a), _code_categories(b)
    cats_codes_a: dict[str, set[str]] = {}
    for code, cs in reach_a.items():
        for cid in cs:
            cats_codes_a.setdefault(cid, set()).add(code)
    cats_codes_b: dict[str, set[str]] = {}
    for code, cs in reach_b.items():
        for cid in cs:
            cats_codes_b.setdefault(cid, set()).add(code)

    def cat_divs(cid_a: str | None, cid_b: str | None) -> tuple[str, ...]:
        return divs_of_codes(cats_codes_a.get(cid_a or "", set()) | cats_codes_b.get(cid_b or "", set()))

    changes: list[Change] = []
    ids_a = {c.id: c for c in a.categories}
    ids_b = {c.id: c for c in b.categories}
    targets_a, targets_b = _targets(a), _targets(b)

    # renames: a removed and an added category reaching exactly the same targets
    removed = sorted(set(ids_a) - set(ids_b))
    added = sorted(set(ids_b) - set(ids_a))
    renamed: dict[str, str] = {}  # new id -> old id
    for old in removed:
        sig = sorted(targets_a.get(old, {}))
        for new in added:
            if new not in renamed and sig and sorted(targets_b.get(new, {})) == sig:
                renamed[new] = old
                break
    for new, old in sorted(renamed.items()):
        changes.append(Change("category-renamed", f"category {old!r} is now {new!r} (\"{ids_b[new].label}\")",
                              new, None, cat_divs(old, new), old, new))
    for cid in removed:
        if cid not in renamed.values():
            changes.append(Change("category-removed", f"category {_label(a, cid)} was removed", cid, None,
                                  cat_divs(cid, None), ids_a[cid].label, None))
    for cid in added:
        if cid not in renamed:
            changes.append(Change("category-added", f"category {_label(b, cid)} was added", cid, None,
                                  cat_divs(None, cid), None, ids_b[cid].label))

    # categories on both sides (renamed ones compared with their old selves)
    pairs = [(cid, cid) for cid in sorted(set(ids_a) & set(ids_b))] + [(old, new) for new, old in sorted(renamed.items())]
    moved = {code for code in set(reach_a) & set(reach_b) if reach_a[code] != _unrename(reach_b[code], renamed)}
    fills_a, fills_b = _fill_maps(a), _fill_maps(b)
    for old, new in pairs:
        ca, cb = ids_a[old], ids_b[new]
        divs = cat_divs(old, new)
        if ca.label != cb.label:
            changes.append(Change("category-relabelled", f"category {new!r} relabelled \"{ca.label}\" -> \"{cb.label}\"",
                                  new, None, divs, ca.label, cb.label))
        for attr in ("description", "synonyms"):
            if getattr(ca, attr) != getattr(cb, attr):
                changes.append(Change("category-reworded", f"category {new!r}: {attr} changed", new, None, divs,
                                      getattr(ca, attr), getattr(cb, attr), attr))
        if ca.groups != cb.groups:
            changes.append(Change("category-regrouped", f"category {new!r}: groups {ca.groups} -> {cb.groups}",
                                  new, None, divs, ca.groups, cb.groups))
        if (ca.ctl_level, ca.milestones) != (cb.ctl_level, cb.milestones):
            changes.append(Change("service-level-changed", f"category {new!r}: Closing-the-Loop level or milestones changed",
                                  new, None, divs, {"ctl_level": ca.ctl_level, "milestones": ca.milestones},
                                  {"ctl_level": cb.ctl_level, "milestones": cb.milestones}))
        changes += _questions(ca, cb, new, divs)
        ta, tb = targets_a.get(old, {}), targets_b.get(new, {})
        for t in sorted(set(ta) | set(tb)):
            code = t[5:] if t.startswith("code:") else None
            tdivs = divs_of_codes([code]) if code else divs
            if t not in tb:
                if code in moved:
                    continue
                changes.append(Change("route-removed", f"category {new!r} no longer reaches {t}", new, code, tdivs,
                                      ta[t], None))
            elif t not in ta:
                if code in moved:
                    continue
                if t == "none":
                    changes.append(Change("route-removed", f"category {new!r}: {len(tb[t])} answer combination(s) "
                                          "reach no route (the taxonomy does not validate)", new, None, divs, None, tb[t]))
                    continue
                changes.append(Change("route-added", f"category {new!r} now reaches {t}", new, code, tdivs, None, tb[t]))
            else:
                if ta[t] != tb[t]:
                    changes.append(Change("route-changed", f"category {new!r}: the answers reaching {t} changed",
                                          new, code, tdivs, ta[t], tb[t], "answers"))
                fa, fb = fills_a.get((old, t)), fills_b.get((new, t))
                if fa != fb:
                    changes.append(Change("route-changed", f"category {new!r}: how {t}'s fields are filled changed",
                                          new, code, tdivs, _fills_text(fa), _fills_text(fb), "fields"))
    for code in sorted(moved):
        before, after = sorted(reach_a[code]), sorted(reach_b[code])
        named = _code_name(codes_b.get(code) or codes_a.get(code))
        if _unrename(set(reach_b[code]), renamed) >= reach_a[code]:
            changes.append(Change("code-shared", f"code {code}{named} is now also reached from "
                                  f"{_labels(b, sorted(set(after) - set(before)))}", None, code,
                                  divs_of_codes([code]), before, after))
        else:
            changes.append(Change("code-moved", f"code {code}{named} moved from {_labels(a, before)} "
                                  f"to {_labels(b, after)}", None, code, divs_of_codes([code]), before, after))

    changes += _codes(codes_a, codes_b)
    changes.sort(key=Change.sort_key)
    if b.timelines is not None and a.timelines != b.timelines:  # a side without history drops nothing
        ta = a.timelines
        changes.append(Change("timelines-updated", "expected timelines " + (
            f"as of {ta.as_of} -> as of {b.timelines.as_of}" if ta is not None else f"added (as of {b.timelines.as_of})")
            + f" from {b.timelines.counts.timed:,} requests", None, None, (),
            ta.as_of if ta is not None else None, b.timelines.as_of))
        changes.sort(key=Change.sort_key)
    return Diff(name_a, name_b, changes, None, list(a.routing), list(b.routing))


def _fills_text(fills: str | None) -> list[str]:
    """How the routes to one target fill their fields, one plain line per field (``branch_size: from size
    (large -> LG, small -> SM)``, ``danger_now: derived 'yes'``, ``x: dropped (reason)``)."""
    out: list[str] = []
    for route in json.loads(fills or "[]"):
        for key, f in sorted(route.get("fields", {}).items()):
            kind = f.get("kind")
            if kind == "from":
                mapped = ", ".join(f"{a} -> {b}" for a, b in sorted(f.get("map", {}).items()))
                out.append(f"{key}: from {f.get('from_question')}" + (f" ({mapped})" if mapped else ""))
            else:
                out.append(f"{key}: {kind} {json.dumps(f.get('value'), ensure_ascii=False)}")
        for key, why in sorted(route.get("dropped", {}).items()):
            out.append(f"{key}: dropped ({why})")
    return out


def _unrename(cats: set[str], renamed: dict[str, str]) -> set[str]:
    return {renamed.get(c, c) for c in cats}


def _questions(ca: m.Category, cb: m.Category, cid: str, divs: tuple[str, ...]) -> list[Change]:
    out: list[Change] = []
    qa = {q.key: q for q in ca.questions}
    qb = {q.key: q for q in cb.questions}
    for k in sorted(set(qa) - set(qb)):
        out.append(Change("question-removed", f"category {cid!r} no longer asks {k!r} (\"{qa[k].prompt}\")", cid, None,
                          divs, qa[k].prompt, None, k))
    for k in sorted(set(qb) - set(qa)):
        out.append(Change("question-added", f"category {cid!r} now asks {k!r} (\"{qb[k].prompt}\")", cid, None,
                          divs, None, qb[k].prompt, k))
    for k in sorted(set(qa) & set(qb)):
        x, y = qa[k], qb[k]
        where = f"category {cid!r}: question {k!r} (\"{y.prompt}\")"
        va = {v.key: v.label for v in x.values}
        vb = {v.key: v.label for v in y.values}
        for key in [v.key for v in x.values if v.key not in vb]:
            out.append(Change("answer-removed", f"{where} no longer offers {key!r} (\"{va[key]}\")", cid, None, divs,
                              va[key], None, f"{k}={key}"))
        for key in [v.key for v in y.values if v.key not in va]:
            out.append(Change("answer-added", f"{where} now offers {key!r} (\"{vb[key]}\")", cid, None, divs,
                              None, vb[key], f"{k}={key}"))
        for key in [v.key for v in y.values if v.key in va and va[v.key] != vb[v.key]]:
            out.append(Change("answer-relabelled", f"{where}: answer {key!r} relabelled \"{va[key]}\" -> \"{vb[key]}\"",
                              cid, None, divs, va[key], vb[key], f"{k}={key}"))
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for attr in ("datatype", "required", "ask_when"):
            if getattr(x, attr) != getattr(y, attr):
                before[attr], after[attr] = getattr(x, attr), getattr(y, attr)
        kept_a = [key for key in va if key in vb]
        kept_b = [key for key in vb if key in va]
        if kept_a != kept_b:
            before["answer order"], after["answer order"] = kept_a, kept_b
        if before:
            out.append(Change("question-changed", f"category {cid!r}: question {k!r} changed ({', '.join(before)})",
                              cid, None, divs, before, after, k))
        if x.prompt != y.prompt:
            out.append(Change("question-reworded", f"category {cid!r}: question {k!r} reworded "
                              f"\"{x.prompt}\" -> \"{y.prompt}\"", cid, None, divs, x.prompt, y.prompt, k))
    return out


def _codes(codes_a: dict[str, m.Code], codes_b: dict[str, m.Code]) -> list[Change]:
    out: list[Change] = []
    for code in sorted(set(codes_a) - set(codes_b)):
        c = codes_a[code]
        out.append(Change("code-removed", f"code {code} ({c.name}) was removed", None, code,
                          _divs(c.division), c.name, None))
    for code in sorted(set(codes_b) - set(codes_a)):
        c = codes_b[code]
        out.append(Change("code-added", f"code {code} ({c.name}) was added", None, code, _divs(c.division), None, c.name))
    for code in sorted(set(codes_a) & set(codes_b)):
        x, y = codes_a[code], codes_b[code]
        divs = _divs(x.division, y.division)
        if (x.division, x.section) != (y.division, y.section):
            out.append(Change("division-reassigned",
                              f"code {code} moved from {_where(x)} to {_where(y)}", None, code, divs,
                              {"division": x.division, "section": x.section},
                              {"division": y.division, "section": y.section}))
        if x.name != y.name:
            out.append(Change("code-renamed", f"code {code} renamed \"{x.name}\" -> \"{y.name}\"", None, code, divs,
                              x.name, y.name))
        if (x.description, x.keywords) != (y.description, y.keywords):
            what = [n for n in ("description", "keywords") if getattr(x, n) != getattr(y, n)]
            out.append(Change("code-description-changed", f"code {code} ({y.name}): {' and '.join(what)} changed",
                              None, code, divs, {n: getattr(x, n) for n in what}, {n: getattr(y, n) for n in what}))
        if x.status != y.status:
            out.append(Change("code-status-changed", f"code {code}: {x.status} -> {y.status}", None, code, divs,
                              x.status, y.status))
        if (x.sla_days, x.ctl_level, x.milestones) != (y.sla_days, y.ctl_level, y.milestones):
            out.append(Change("service-level-changed", f"code {code}: SLA, Closing-the-Loop level or milestones changed",
                              None, code, divs,
                              {"sla_days": x.sla_days, "ctl_level": x.ctl_level, "milestones": x.milestones},
                              {"sla_days": y.sla_days, "ctl_level": y.ctl_level, "milestones": y.milestones}))
        fa = {f.key: f for f in x.fields}
        fb = {f.key: f for f in y.fields}
        for k in sorted(set(fa) - set(fb)):
            out.append(Change("field-removed", f"code {code}: field {k!r} removed", None, code, divs,
                              fa[k].model_dump(mode="json"), None, k))
        for k in sorted(set(fb) - set(fa)):
            out.append(Change("field-added", f"code {code}: field {k!r} added", None, code, divs,
                              None, fb[k].model_dump(mode="json"), k))
        for k in sorted(set(fa) & set(fb)):
            da, db = fa[k].model_dump(mode="json"), fb[k].model_dump(mode="json")
            if da != db:
                keys = sorted(n for n in da if da[n] != db[n])
                wording = set(keys) <= {"prompt", "description", "values"} and (
                    [v["key"] for v in da["values"]] == [v["key"] for v in db["values"]])
                out.append(Change("field-reworded" if wording else "field-changed", f"code {code}: field {k!r} changed ({', '.join(keys)})", None,
                                  code, divs, {n: da[n] for n in keys}, {n: db[n] for n in keys}, k))
    return out


def _divs(*names: str) -> tuple[str, ...]:
    return tuple(sorted({n for n in names if n}))


def _where(c: m.Code) -> str:
    return " / ".join(x for x in (c.division, c.section) if x) or "(no division)"
