"""Bring a curated taxonomy up to date with a new code inventory, touching only the lines of affected codes.

What ``codekit sync --apply`` does, per change kind (see :mod:`codekit.sync.inventory`):

- ``code-added`` / ``code-reactivated`` (with no route yet): placed into the best category when the placement
  confidence reaches the threshold (an answer added to the category's routing question and a route to the code,
  its field fills copied from the closest member's route where the field is the same), otherwise queued in the
  ``to-review`` category, which ``codekit lint`` flags.
- ``code-removed`` / ``code-deactivated``: retired with a tombstone (code, when, why) in ``_retired.yaml``; its
  routes and the answers only they used are removed. A category left with no route is moved whole, its curated
  text intact, to ``_retired/<file>`` (never deleted).
- ``code-replaced``: the routes of the old code now name the new one (labels, answers, history kept); the old code
  gets a tombstone naming its successor.
- ``code-renamed``: nothing to change: routes are keyed on codes, and curated answer labels are never rewritten.
- ``division-changed`` / ``section-changed`` / ``sla-changed`` / ``ctl-level-changed``: the values a route carries
  are updated on their own line.

Edits are made on the text, line by line, with the line numbers the one YAML loader records, so curated labels,
questions, synonyms, notes, comments and layout stay byte for byte; every changed file is re-read and checked
before anything is written, and all files are written together (``codekit.io.files``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from codekit.errors import UsageError
from codekit.io.strings import slug
from codekit.model import Catalogue, ServiceCode

#: Id (and file name) of the category that holds codes sync could not place with confidence.
REVIEW_ID = "to-review"
REVIEW_GROUP = "Draft: to review"
#: The file of tombstones inside the taxonomy folder (skipped by the category loader: it starts with ``_``).
RETIRED_FILE = "_retired.yaml"
RETIRED_DIR = "_retired"


@dataclass
class Action:
    kind: str  # placed, queued, retired, replaced, updated, category-retired, renamed-kept
    code: str
    category: str = ""
    file: str = ""
    detail: str = ""
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {"action": self.kind, "code": self.code, "category": self.category, "file": self.file,
             "detail": self.detail}
        if self.confidence is not None:
            d["confidence"] = round(self.confidence, 4)
        return d


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # path -> new text ("" = remove)
    moves: dict[str, str] = field(default_factory=dict)  # old path -> new path (retired categories)
    originals: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for a in self.actions:
            counts[a.kind] = counts.get(a.kind, 0) + 1
        return {"actions": [a.to_dict() for a in self.actions], "counts": dict(sorted(counts.items())),
                "files_changed": sorted(set(self.files) | set(self.moves)), "moves": dict(sorted(self.moves.items()))}

    def patch(self) -> str:
        """A unified diff of every file the plan changes."""
        import difflib

        out = []
        for path in sorted(self.files):
            a = self.originals.get(path, "")
            b = self.files[path]
            out.extend(difflib.unified_diff(a.splitlines(True), b.splitlines(True), f"a/{path}", f"b/{path}"))
        for src, dst in sorted(self.moves.items()):
            out.append(f"rename {src} -> {dst}\n")
        return "".join(out)


# ------------------------------------------------------------------------------------------ text editing


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int) -> int:
    """0-based index one past the end of the YAML block whose first line is ``lines[start]``: the item or key
    ends where a non-blank line is indented no deeper than its own marker."""
    col = _indent(lines[start])
    i = start + 1
    last = start + 1
    while i < len(lines):
        s = lines[i]
        if s.strip() and not s.lstrip().startswith("#") and _indent(s) <= col:
            break
        if s.strip():
            last = i + 1
        i += 1
    return last


def _scalar(v: Any) -> str:
    text = yaml.safe_dump(v, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    return text[:-4].rstrip() if text.endswith("\n...") else text.removesuffix("...").strip()


def _item_lines(key: str, item: dict, item_col: int) -> list[str]:
    """The lines of ``item`` written in the house style as one entry of the list ``key``, its ``- `` at
    column ``item_col``."""
    from codekit.io.yamlio import dump_yaml

    body = dump_yaml({key: [item]}).splitlines(True)[1:]
    shift = item_col - _indent(body[0])
    return [(" " * shift + ln) if shift > 0 else ln[-shift:] if shift < 0 else ln for ln in body]


def _route_lines(route_dict: dict, item_col: int) -> list[str]:
    return _item_lines("routes", route_dict, item_col)


class _File:
    """One category file being edited as text, re-parsed after each edit to keep line numbers true."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    @property
    def doc(self):
        from codekit.io.yamlio import parse_yaml

        return parse_yaml(self.text, self.path)

    def lines(self) -> list[str]:
        return self.text.splitlines(True)

    def _set(self, lines: list[str]) -> None:
        self.text = "".join(lines)

    def _routes_block_end(self) -> int:
        doc = self.doc
        lines = self.lines()
        start = doc.line_of("routes") - 1
        return _block_end(lines, start)

    def route_spans(self) -> list[tuple[int, int, Any]]:
        doc = self.doc
        lines = self.lines()
        routes = doc.get("routes") or []
        return [(routes.line_of(i) - 1, _block_end(lines, routes.line_of(i) - 1), r) for i, r in enumerate(routes)]

    def add_value(self, qkey: str, key: str, label: str) -> None:
        doc = self.doc
        lines = self.lines()
        for qi, q in enumerate(doc.get("questions") or []):
            if str(q.get("key")) != qkey:
                continue
            vals = q["values"]
            last = vals.line_of(len(vals) - 1) - 1
            end = _block_end(lines, last)
            col = _indent(lines[last])
            line = " " * col + "- {key: " + _scalar(key) + ", label: " + _scalar(label) + "}\n"
            self._set(lines[:end] + [line] + lines[end:])
            return
        raise UsageError(f"question {qkey!r} not found", path=str(self.path))

    def remove_value(self, qkey: str, key: str) -> None:
        doc = self.doc
        lines = self.lines()
        for q in doc.get("questions") or []:
            if str(q.get("key")) != qkey:
                continue
            vals = q["values"]
            for i, v in enumerate(vals):
                k = v.get("key") if isinstance(v, dict) else v
                if str(k) == key:
                    s = vals.line_of(i) - 1
                    self._set(lines[:s] + lines[_block_end(lines, s):])
                    return

    def merged_spans(self) -> list[tuple[int, int, Any]]:
        doc = self.doc
        lines = self.lines()
        items = doc.get("merged") or []
        return [(items.line_of(i) - 1, _block_end(lines, items.line_of(i) - 1), m) for i, m in enumerate(items)]

    def remove_merged(self, code: str) -> bool:
        for s, e, m in self.merged_spans():
            if str(m.get("code")) == code:
                lines = self.lines()
                rest = lines[:s] + lines[e:]
                if len(self.merged_spans()) == 1:  # the last entry: the `merged:` key goes too
                    k = self.doc.line_of("merged") - 1
                    rest = lines[:k] + lines[e:] if k < s else rest
                self._set(rest)
                return True
        return False

    def set_merged_into(self, code: str, into: str) -> None:
        for s, e, m in self.merged_spans():
            if str(m.get("code")) == code:
                lines = self.lines()
                text = "".join(lines[s:e])
                text = re.sub(r"(\binto:\s*)" + re.escape(str(m.get("into"))) + r"\b", r"\g<1>" + into, text, count=1)
                self._set(lines[:s] + text.splitlines(True) + lines[e:])
                return

    def append_route(self, route_dict: dict) -> None:
        lines = self.lines()
        spans = self.route_spans()
        col = _indent(lines[spans[0][0]]) if spans else 2
        end = spans[-1][1] if spans else self._routes_block_end()
        self._set(lines[:end] + _route_lines(route_dict, col) + lines[end:])

    def remove_route(self, index: int) -> None:
        lines = self.lines()
        s, e, _ = self.route_spans()[index]
        self._set(lines[:s] + lines[e:])

    def set_route_key(self, index: int, key: str, value: Any) -> bool:
        """Replace the value of ``key`` on its own line inside route ``index``; False if the route lacks it."""
        lines = self.lines()
        s, e, _ = self.route_spans()[index]
        item_col = _indent(lines[s])
        pat = re.compile(rf"^(\s*(?:- )?){re.escape(key)}:\s.*$")
        for i in range(s, e):
            body = lines[i].rstrip("\n")
            m = pat.match(body)
            if m and (_indent(lines[i]) == item_col + 2 or (i == s and lines[i].lstrip().startswith("- "))):
                lines[i] = f"{m.group(1)}{key}: {_scalar(value)}\n"
                self._set(lines)
                return True
        return False

    def set_when(self, index: int, when: dict[str, str]) -> None:
        flow = "{" + ", ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in when.items()) + "}"
        if not self.set_route_key(index, "when", "__WHEN__"):
            raise UsageError("a route without `when`", path=str(self.path))
        self.text = self.text.replace("when: __WHEN__", "when: " + flow, 1)

    def append_question(self, qdict: dict) -> None:
        doc = self.doc
        if not doc.get("questions"):
            self.insert_question_before_routes(qdict)
            return
        lines = self.lines()
        qs = doc["questions"]
        last = qs.line_of(len(qs) - 1) - 1
        end = _block_end(lines, last)
        self._set(lines[:end] + _item_lines("questions", qdict, _indent(lines[last])) + lines[end:])

    def replace_route(self, index: int, route_dict: dict) -> None:
        lines = self.lines()
        s, e, _ = self.route_spans()[index]
        self._set(lines[:s] + _route_lines(route_dict, _indent(lines[s])) + lines[e:])

    def insert_question_before_routes(self, qdict: dict) -> None:
        from codekit.io.yamlio import dump_yaml

        lines = self.lines()
        start = self.doc.line_of("routes") - 1
        text = dump_yaml({"questions": [qdict]})
        self._set(lines[:start] + text.splitlines(True) + lines[start:])


# ------------------------------------------------------------------------------------------------ placing


def _plain_answer(name: str) -> str:
    return " ".join(name.split())


def _answer_key(name: str, taken: set[str]) -> str:
    base = slug(name)[:40].strip("-") or "answer"
    k, n = base, 2
    while k in taken:
        k, n = f"{base}-{n}", n + 1
    return k


def _root_question(cat) -> Any:
    """The question a new answer can be added to without ambiguity: a required single choice asked always,
    named in every route's condition."""
    for q in cat.questions:
        if q.datatype != "singlevaluelist" or q.ask_when or not q.required:
            continue
        if cat.routes and all(q.key in dict(r.when) for r in cat.routes):
            return q
    return None


def _field_sig(f) -> tuple:
    return (f.key, f.datatype, tuple(f.value_keys()))


def _route_for(code: ServiceCode, cat, when: dict, sibling_code: str | None, old: Catalogue | None) -> dict:
    from codekit.taxonomy.write import fill_to_dict

    d: dict[str, Any] = {"when": when, "code": code.code}
    sibling = None
    for r in cat.routes:
        if r.code and r.code == sibling_code:
            sibling = r
            break
    if sibling is None:
        sibling = next((r for r in cat.routes if r.code), None)
    if sibling is not None and sibling.division:
        d["division"] = code.division or sibling.division
    elif code.division:
        d["division"] = code.division
    if code.section and (sibling is None or sibling.section):
        d["section"] = code.section
    if code.ctl_level is not None and sibling is not None and sibling.ctl_level is not None:
        d["ctl_level"] = code.ctl_level
    if code.sla_days is not None and sibling is not None and sibling.sla_days is not None:
        d["sla_days"] = int(code.sla_days) if float(code.sla_days).is_integer() else code.sla_days
    if sibling is not None and sibling.code and old is not None and sibling.code in old:
        sib_fields = {f.key: f for f in old[sibling.code].fields}
        fills = {}
        for f in code.fields:
            sf = sib_fields.get(f.key)
            fill = sibling.fields_dict().get(f.key)
            if sf is not None and fill is not None and _field_sig(sf) == _field_sig(f):
                fills[f.key] = fill_to_dict(fill)
        if fills:
            d["fields"] = fills
        dropped = {k: v for k, v in sibling.dropped_dict().items()
                   if k in sib_fields and any(_field_sig(f) == _field_sig(sib_fields[k]) for f in code.fields)}
        if dropped:
            d["dropped"] = dropped
    from codekit.io.yamlio import Flow

    d["when"] = Flow(when)
    return d


def _review_category_text(codes: list[ServiceCode]) -> str:
    from codekit.taxonomy.model import Choice, PublicCategory, Question, Route
    from codekit.taxonomy.write import dump_category

    taken: set[str] = set()
    keys = []
    for c in codes:
        k = _answer_key(c.name, taken)
        taken.add(k)
        keys.append(k)
    q = Question(key="which", prompt="Which of these best describes it?", datatype="singlevaluelist",
                 values=tuple(Choice(k, _plain_answer(c.name)) for k, c in zip(keys, codes)))
    routes = tuple(Route(when=(("which", (k,)),), code=c.code, division=c.division, section=c.section)
                   for k, c in zip(keys, codes))
    cat = PublicCategory(
        id=REVIEW_ID, label="New codes to review", groups=(REVIEW_GROUP,), questions=(q,), routes=routes,
        notes="Codes `codekit sync` could not place with confidence. Move each into its category "
              "(`codekit edit move CODE --to CATEGORY`), then remove this category.",
    )
    return dump_category(cat)


def plan_apply(diff, taxonomy, old: Catalogue, new: Catalogue, *, threshold: float, date: str,
               semantic: bool = True) -> Plan:
    """Work out every edit (nothing is written): see the module docstring."""
    from codekit.sync.place import place, targets_from_taxonomy

    folder = Path(taxonomy.source)
    plan = Plan()
    files: dict[str, _File] = {}

    def file_of(cat) -> _File:
        p = str(cat.path)
        if p not in files:
            text = Path(p).read_text(encoding="utf-8")
            plan.originals[p] = text
            files[p] = _File(Path(p), text)
        return files[p]

    routed = {r.code: cat for cat in taxonomy.categories for r in cat.routes if r.code}
    tombstones: list[dict[str, str]] = []

    # 1. replaced codes: the routes follow the new code
    replaced = {c.code: c.other for c in diff.changes if c.kind == "code-replaced"}
    for old_code, new_code in sorted(replaced.items()):
        for cat in taxonomy.categories:
            for i, r in enumerate(cat.routes):
                if r.code == old_code:
                    file_of(cat).set_route_key(i, "code", new_code)
                    plan.actions.append(Action("replaced", old_code, cat.id, str(cat.path), f"routes now name {new_code}"))
        tombstones.append({"code": old_code, "date": date, "reason": f"replaced by {new_code} in {new.source or 'the new inventory'}"})

    # 2. carried values (division, section, SLA, level)
    carried = {"division-changed": "division", "section-changed": "section", "sla-changed": "sla_days",
               "ctl-level-changed": "ctl_level"}
    for ch in diff.changes:
        key = carried.get(ch.kind)
        if key is None or ch.code not in routed:
            continue
        for cat in taxonomy.categories:
            for i, r in enumerate(cat.routes):
                if r.code == ch.code:
                    value = ch.after
                    if key == "sla_days" and value is not None and float(value).is_integer():
                        value = int(value)
                    if value is not None and file_of(cat).set_route_key(i, key, value):
                        plan.actions.append(Action("updated", ch.code, cat.id, str(cat.path), f"{key}: {ch.detail}"))

    # 3. removed / deactivated codes: tombstones; a near-duplicate merged into the code takes over its routes,
    #    otherwise the routes go, with the answers only they used
    gone = [c for c in diff.changes if c.kind in ("code-removed", "code-deactivated")]
    gone_codes = {c.code for c in gone}
    for ch in gone:
        reason = (f"removed from {new.source or 'the new inventory'}" if ch.kind == "code-removed"
                  else f"status {ch.after} in {new.source or 'the new inventory'}")
        tombstones.append({"code": ch.code, "date": date, "reason": reason})
        for cat in taxonomy.categories:
            f = None
            for m in cat.merged:
                if m.code == ch.code:
                    f = f or file_of(cat)
                    f.remove_merged(m.code)
                    plan.actions.append(Action("retired", ch.code, cat.id, str(cat.path), reason + "; merged entry removed"))
            idx = [i for i, r in enumerate(cat.routes) if r.code == ch.code]
            if not idx:
                continue
            f = f or file_of(cat)
            heirs = sorted(m.code for m in cat.merged if m.into == ch.code and m.code not in gone_codes
                           and m.code in new and new[m.code].active)
            if heirs:
                heir = heirs[0]
                for i in idx:
                    f.set_route_key(i, "code", heir)
                    for key in ("division", "section"):
                        value = getattr(new[heir], key)
                        if value and getattr(cat.routes[i], key):
                            f.set_route_key(i, key, value)
                f.remove_merged(heir)
                for other in heirs[1:]:
                    f.set_merged_into(other, heir)
                plan.actions.append(Action("replaced", ch.code, cat.id, str(cat.path),
                                           f"{reason}; its near-duplicate {heir} (merged into it) takes over its routes"))
                continue
            removed_answers: list[tuple[str, str]] = []
            for i in reversed(idx):
                f.remove_route(i)
                removed_answers.extend((q, a) for q, answers in cat.routes[i].when for a in answers)
            keep = [o for j, o in enumerate(cat.routes) if j not in idx]
            for q, a in sorted(set(removed_answers)):
                still_used = any(a in dict(o.when).get(q, ()) for o in keep)
                asked_on = any(a in dict(x.ask_when).get(q, ()) for x in cat.questions)
                question = cat.question(q)
                if not still_used and not asked_on and question is not None and len(question.values) > 1:
                    f.remove_value(q, a)
            plan.actions.append(Action("retired", ch.code, cat.id, str(cat.path), reason))
    # categories left without routes move whole to _retired/
    for cat in taxonomy.categories:
        heirs = {m.code for m in cat.merged if m.into in gone_codes and m.code not in gone_codes}
        if cat.routes and not heirs and all(r.code in gone_codes and not r.referral for r in cat.routes):
            src = str(cat.path)
            dst = str(folder / RETIRED_DIR / Path(src).relative_to(folder))
            plan.moves[src] = dst
            files.pop(src, None)
            plan.actions.append(Action("category-retired", "", cat.id, src, f"no route left; moved to {dst}"))

    # 4. new and reactivated codes without a route: place or queue
    to_place = [new[c.code] for c in diff.changes if c.kind == "code-added" and new[c.code].active]
    to_place += [new[c.code] for c in diff.changes if c.kind == "code-reactivated" and c.code not in routed]
    placed_cats = [c for c in taxonomy.categories if c.id != REVIEW_ID and str(c.path) not in plan.moves]
    targets = targets_from_taxonomy(type(taxonomy)(placed_cats, source=taxonomy.source), new,
                                    exclude=frozenset(gone_codes))
    placements = place(to_place, targets, semantic=semantic) if to_place else []
    by_id = {c.id: c for c in placed_cats}
    queued: list[ServiceCode] = []
    for code, p in zip(to_place, placements):
        cat = by_id.get(p.best) if p.best else None
        root = _root_question(cat) if cat is not None else None
        simple = cat is not None and not cat.questions and len(cat.routes) == 1 and not cat.routes[0].when
        if cat is None or p.confidence < threshold or (root is None and not simple):
            queued.append(code)
            why = "confidence below the threshold" if cat is not None and p.confidence < threshold else (
                "no single routing question to add an answer to" if cat is not None else "no category")
            plan.actions.append(Action("queued", code.code, REVIEW_ID, str(folder / f"{REVIEW_ID}.yaml"),
                                       f"best guess {p.best} ({why})", p.confidence))
            continue
        f = file_of(cat)
        closest = p.why[0].split()[2] if p.why and p.why[0].startswith("closest member") else None
        if simple:
            only = cat.routes[0]
            name = old[only.code].name if only.code in old else cat.label
            k_old = _answer_key(name, set())
            k_new = _answer_key(code.name, {k_old})
            f.insert_question_before_routes({"key": "which", "prompt": "Which of these best describes it?",
                                             "datatype": "singlevaluelist",
                                             "values": [_flow(key=k_old, label=_plain_answer(name)),
                                                        _flow(key=k_new, label=_plain_answer(code.name))]})
            f.set_when(0, {"which": k_old})
            f.append_route(_route_for(code, cat, {"which": k_new}, closest, old))
        else:
            taken = set(root.value_keys()) | {a for q in cat.questions for a in q.value_keys()}
            k = _answer_key(code.name, taken)
            f.add_value(root.key, k, _plain_answer(code.name))
            f.append_route(_route_for(code, cat, {root.key: k}, closest, old))
        plan.actions.append(Action("placed", code.code, cat.id, str(cat.path), "; ".join(p.why), p.confidence))
    if queued:
        review = taxonomy.get(REVIEW_ID)
        if review is None:
            path = str(folder / f"{REVIEW_ID}.yaml")
            plan.originals.setdefault(path, "")
            plan.files[path] = _review_category_text(queued)
        else:
            f = file_of(review)
            root = _root_question(review)
            for code in queued:
                k = _answer_key(code.name, set(f.doc["questions"][0]["values"] and
                                               [str(v.get("key")) for v in f.doc["questions"][0]["values"]]))
                f.add_value(root.key if root else "which", k, _plain_answer(code.name))
                f.append_route({"when": _flow(**{(root.key if root else "which"): k}), "code": code.code,
                                **({"division": code.division} if code.division else {})})
    # 5. every route to a placed, inherited or changed code fills what the division needs: a required field with
    #    no fill gets a question asked only on that route's answer; an optional one a written reason; a pick
    #    value new in the inventory that no answer produces, a written exclusion. The reasons say who wrote them.
    touched = {a.code for a in plan.actions if a.kind in ("placed",)}
    touched |= {a.detail.split("near-duplicate ")[1].split()[0] for a in plan.actions
                if a.kind == "replaced" and "near-duplicate" in a.detail}
    new_values: dict[str, dict[str, list[str]]] = {}
    for ch in diff.changes:
        if ch.kind in ("field-added", "field-changed") and ch.code in new:
            touched.add(ch.code)
            if ch.kind == "field-changed" and "values added: " in ch.detail:
                came = ch.detail.split("values added: ")[1].split(";")[0]
                new_values.setdefault(ch.code, {})[str(ch.after)] = [v.strip() for v in came.split(",")]
    for path, f in sorted(files.items()):
        _complete_routes(f, touched, new, new_values, date)
    for ch in diff.changes:
        if ch.kind == "code-renamed" and ch.code in routed:
            plan.actions.append(Action("renamed-kept", ch.code, routed[ch.code].id, str(routed[ch.code].path),
                                       f"{ch.detail}; curated answer labels kept"))
    for p, f in files.items():
        if f.text != plan.originals.get(p):
            plan.files[p] = f.text
    if tombstones:
        path = str(folder / RETIRED_FILE)
        orig = (folder / RETIRED_FILE).read_text(encoding="utf-8") if (folder / RETIRED_FILE).is_file() else ""
        plan.originals[path] = orig
        plan.files[path] = _append_tombstones(orig, tombstones)
    plan.actions.sort(key=lambda a: (a.kind, a.code, a.category))
    return plan


def _complete_routes(f: "_File", codes: set[str], new: Catalogue, new_values: dict, date: str) -> None:
    """See step 5 of :func:`plan_apply`; edits ``f`` in place."""
    from dataclasses import replace as _replace

    from codekit.taxonomy.load import category_from_data
    from codekit.taxonomy.model import FieldFill
    from codekit.taxonomy.write import route_to_dict
    from codekit.validate.checks import fill_produces

    note = f"not asked yet: added by codekit sync on {date}; review"
    changed = True
    while changed:  # one route at a time; a route done has every field accounted for, so the loop ends
        changed = False
        cat = category_from_data(f.doc, f.path)
        root = _root_question(cat)
        for i, r in enumerate(cat.routes):
            if not r.code or r.code not in codes or r.code not in new:
                continue
            sc = new[r.code]
            fills = dict(r.fields)
            dropped = dict(r.dropped)
            add_q = []
            for of in sc.fields:
                if of.key in fills or of.key in dropped:
                    continue
                if not of.required:
                    dropped[of.key] = f"Optional; {note}."
                    continue
                taken = {q.key for q in cat.questions} | {q["key"] for q in add_q}
                qk = _answer_key(f"{of.key}", taken)
                q = {"key": qk, "prompt": of.prompt or of.key.replace("_", " ").capitalize() + "?",
                     "datatype": of.datatype}
                if root is not None and dict(r.when).get(root.key):
                    q["ask_when"] = _flow(**{root.key: dict(r.when)[root.key][0]
                                             if len(dict(r.when)[root.key]) == 1 else list(dict(r.when)[root.key])})
                if of.is_list:
                    q["values"] = [_flow(key=v, label=(lab or v)) for v, lab in
                                   ((av.key, av.name) for av in of.values)]
                add_q.append(q)
                fills[of.key] = FieldFill(source=qk)
            for key, vals in new_values.get(sc.code, {}).items():
                fill = fills.get(key)
                if fill is None:
                    continue
                produced = {str(x) for x in fill_produces(cat, r, fill)}
                missing = [v for v in vals if v not in produced and v not in fill.excluded_dict()]
                if missing:
                    fills[key] = _replace(fill, excluded=fill.excluded + tuple(
                        (v, f"New value in the inventory; {note}.") for v in missing))
            if fills != dict(r.fields) or dropped != dict(r.dropped):
                for q in add_q:
                    f.append_question(q)
                new_route = _replace(r, fields=tuple((k, fills[k]) for k in [*dict(r.fields), *[
                    k for k in fills if k not in dict(r.fields)]]), dropped=tuple(dropped.items()))
                f.replace_route(i, route_to_dict(new_route))
                changed = True  # re-read the file: the edit moved the lines of the routes after it
                break


def _flow(**kw):
    from codekit.io.yamlio import Flow

    return Flow(kw)


def _append_tombstones(text: str, entries: list[dict[str, str]]) -> str:
    if not text.strip():
        text = ("# Codes retired from the taxonomy: when and why (written by codekit; one entry per code).\n"
                "codekit_retired: 1\nretired:\n")
    elif not text.endswith("\n"):
        text += "\n"
    for e in sorted(entries, key=lambda e: e["code"]):
        text += ("  - {code: " + _scalar(e["code"]) + ", date: " + _scalar(e["date"]) + ", reason: "
                 + _scalar(e["reason"]) + "}\n")
    return text


def check_plan(plan: Plan) -> None:
    """Every changed category file must still load (shape and references): refuse the whole plan otherwise."""
    from codekit.io.yamlio import parse_yaml
    from codekit.taxonomy.load import category_from_data

    for path, text in plan.files.items():
        name = Path(path).name
        if name.startswith("_"):
            parse_yaml(text, path)
            continue
        category_from_data(parse_yaml(text, path), path)


def write_plan(plan: Plan) -> None:
    from codekit.io.files import check_outputs, write_many_atomic

    check_plan(plan)
    outs = list(plan.files) + list(plan.moves.values())
    check_outputs(outs)
    write_many_atomic({p: t.encode("utf-8") for p, t in plan.files.items()})
    import os

    for src, dst in sorted(plan.moves.items()):
        Path(dst).parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
