"""Edits of a taxonomy folder that keep its promise: move, merge, split, relabel, synonym, retire, dedupe, regroup.

Each edit is a function taking the folder (and, when routing changes, the catalogue) that returns an
:class:`EditResult`: the changes in words, every file's old and new text, and what the promise check found.
Nothing is written until :meth:`EditResult.write` (the CLI skips it for ``--dry-run``), and then every file
the edit touches is checked before any is written.

How an edit keeps what analysts wrote by hand: the edit is made on the model
(:class:`~codekit.taxonomy.model.PublicCategory`), and the file is patched with
:func:`codekit.io.yamlio.patch_yaml`, which rewrites only the mapping entries and list items that changed;
comments, blank lines, quoting, line breaks and key order elsewhere stay byte for byte. The patched text is
parsed back and must give the edited category exactly (otherwise the file is written whole, and the result
says so).

How an edit keeps the promise: the affected categories are checked (:func:`codekit.validate.validate`)
before and after, in memory; a finding the edit would add refuses it (:class:`EditRefused`, exit 2),
naming the finding. Edits of labels, synonyms and groups do not touch routing and are not checked.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from codekit.errors import SchemaError, UsageError
from codekit.io.strings import slug
from codekit.io.yamlio import parse_yaml, patch_yaml
from codekit.taxonomy.model import (
    Choice,
    Merge,
    PublicCategory,
    Question,
    Route,
    Taxonomy,
)
from codekit.taxonomy.retired import (
    RETIRED_FILE,
    Retirement,
    retired_from_data,
    retired_path,
    retired_to_dict,
)

#: The edits, for the CLI and the docs.
EDITS = ("move", "merge", "split", "nest", "relabel", "synonym", "retire", "unretire", "dedupe", "regroup")

SELECTOR_PROMPT = "Which of these best describes it?"


class EditRefused(UsageError):
    """The edit would break the taxonomy or its promise; nothing was written."""


# --------------------------------------------------------------------------------------- result


@dataclass
class EditResult:
    """What an edit changes: in words, and as each file's old and new text ("" for a file made or removed)."""

    edit: str
    taxonomy: str
    changes: list[str] = field(default_factory=list)
    old: dict[str, str] = field(default_factory=dict)
    new: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checked: dict[str, Any] | None = None
    written: bool = False
    #: the affected categories before and after (for the promise check, :mod:`codekit.validate.edits`)
    before: Taxonomy | None = field(default=None, repr=False)
    after: Taxonomy | None = field(default=None, repr=False)
    renamed: dict[str, str] = field(default_factory=dict, repr=False)
    needs_check: bool = False

    @property
    def files(self) -> list[str]:
        return sorted(set(self.new) | set(self.removed))

    def diff(self, context: int = 2) -> str:
        """A unified diff of every file the edit touches."""
        out: list[str] = []
        for p in self.files:
            a = self.old.get(p, "")
            b = "" if p in self.removed else self.new.get(p, "")
            out.extend(difflib.unified_diff(
                a.splitlines(True), b.splitlines(True), fromfile=p if a else "/dev/null",
                tofile=p if b else "/dev/null", n=context,
            ))
        return "".join(line if line.endswith("\n") else line + "\n" for line in out)

    def write(self) -> list[str]:
        """Write every changed file and remove the removed ones: all checked first, then written together."""
        import os

        from codekit.io.files import check_outputs, write_many_atomic

        check_outputs([*self.new, *self.removed])
        write_many_atomic({p: t.encode("utf-8") for p, t in sorted(self.new.items())})
        for p in self.removed:
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
            except OSError as e:
                raise UsageError(f"cannot remove the file: {e.strerror}", path=p) from None
        self.written = True
        return self.files

    def to_dict(self) -> dict[str, Any]:
        return {
            "edit": self.edit, "taxonomy": self.taxonomy, "changes": list(self.changes),
            "files_written": sorted(self.new), "files_removed": sorted(self.removed),
            "warnings": list(self.warnings), "checked": self.checked, "written": self.written, "diff": self.diff(),
        }


# ------------------------------------------------------------------------------------ workspace


class _Work:
    """The folder in memory: each category's file, text and model; the retired codes; what changed."""

    def __init__(self, taxonomy_dir: str | Path, catalogue: Any = None) -> None:
        from codekit.taxonomy.load import load_taxonomy

        self.dir = Path(taxonomy_dir)
        if not self.dir.is_dir():
            raise UsageError("no such taxonomy folder", path=str(self.dir),
                             hint="give the folder of category files with --taxonomy")
        self.tax = load_taxonomy(self.dir)
        self.cats: dict[str, PublicCategory] = {c.id: c for c in self.tax}
        self.orig: dict[str, PublicCategory] = dict(self.cats)
        self.removed: set[str] = set()
        self.added: set[str] = set()
        self.retired: tuple[Retirement, ...] = tuple(self.tax.retired)
        self.orig_retired = self.retired
        self.catalogue = catalogue
        self.changes: list[str] = []
        self.warnings: list[str] = []
        self.renamed: dict[str, str] = {}

    # -- lookups
    def category(self, cid: str) -> PublicCategory:
        c = self.cats.get(cid)
        if c is None or cid in self.removed:
            near = difflib.get_close_matches(cid, list(self.cats), n=1)
            raise UsageError(f"no category {cid!r} in the taxonomy", path=str(self.dir),
                             hint=f"did you mean {near[0]!r}?" if near else "category ids are the file names in the folder, without .yaml")
        return c

    def where(self, code: str) -> list[str]:
        """Ids of the categories with a route reaching ``code``."""
        return [c.id for c in self.live() if code in c.codes()]

    def live(self) -> list[PublicCategory]:
        return [c for cid, c in sorted(self.cats.items()) if cid not in self.removed]

    def known_code(self, code: str) -> None:
        if self.catalogue is not None and self.catalogue.get(code) is None:
            near = difflib.get_close_matches(code, self.catalogue.code_ids, n=1)
            raise UsageError(f"no code {code!r} in the catalogue", path=str(self.catalogue.source) or None,
                             hint=f"did you mean {near[0]!r}?" if near else "check the code")
        if self.catalogue is None and not self.where(code):
            raise UsageError(f"no route in the taxonomy reaches the code {code!r}", path=str(self.dir),
                             hint="check the code")

    def code_name(self, code: str) -> str:
        sc = self.catalogue.get(code) if self.catalogue is not None else None
        return sc.name if sc is not None and sc.name else code

    # -- changes
    def put(self, cat: PublicCategory) -> None:
        self.cats[cat.id] = cat

    def add(self, cat: PublicCategory) -> None:
        if cat.id in self.cats and cat.id not in self.removed:
            raise UsageError(f"a category {cat.id!r} already exists", path=self.cats[cat.id].path,
                             hint="give another --id")
        if (self.dir / f"{cat.id}.yaml").exists() and cat.id not in self.removed:
            raise UsageError("the file for the new category already exists", path=str(self.dir / f"{cat.id}.yaml"),
                             hint="give another --id")
        self.removed.discard(cat.id)
        self.added.add(cat.id)
        self.cats[cat.id] = dataclasses.replace(cat, path=str(self.dir / f"{cat.id}.yaml"))

    def remove(self, cid: str) -> None:
        self.removed.add(cid)

    # -- the result
    def finish(self, edit: str, *, check: bool) -> EditResult:
        res = EditResult(edit=edit, taxonomy=str(self.dir), changes=list(self.changes), warnings=self.warnings)
        affected: set[str] = set()
        for cid, cat in sorted(self.cats.items()):
            old = self.orig.get(cid)
            if cid in self.removed:
                if old is not None:
                    res.old[old.path] = _read(old.path)
                    res.removed.append(old.path)
                    affected.add(cid)
                continue
            if old is not None and cid not in self.added and _same(old, cat):
                continue
            affected.add(cid)
            _check_shape(cat)
            if old is None or cid in self.added:
                res.new[cat.path] = _dump(cat)
                res.old.setdefault(cat.path, _read(cat.path) if old is not None else "")
                if old is not None and old.path != cat.path:
                    res.removed.append(old.path)
            else:
                text = _read(old.path)
                res.old[old.path] = text
                res.new[old.path] = self._patched(text, old, cat)
        if self.retired != self.orig_retired:
            p = str(retired_path(self.dir))
            text = _read(p) if Path(p).is_file() else ""
            res.old[p] = text
            new_doc = retired_to_dict(self.retired)
            if text:
                old_doc = retired_to_dict(self.orig_retired)
                try:
                    out = patch_yaml(text, old_doc, new_doc, p)
                    ok = retired_from_data(parse_yaml(out, p), p) == self.retired
                except Exception:  # any failure of the patch: the file is written whole
                    ok = False
                if not ok:
                    out = _dump_plain(new_doc)
                    self.warnings.append(f"{p} was written whole: its comments could not be kept")
            else:
                out = _dump_plain(new_doc)
            res.new[p] = out
        res.removed = sorted(set(res.removed) - set(res.new))
        if not res.files:
            raise UsageError("nothing to change", path=str(self.dir), hint="the taxonomy already says this")
        res.needs_check = check
        res.before = Taxonomy([self.orig[c] for c in sorted(affected) if c in self.orig],
                              source=str(self.dir), retired=self.orig_retired)
        res.after = Taxonomy([self.cats[c] for c in sorted(affected) if c not in self.removed],
                             source=str(self.dir), retired=self.retired)
        res.renamed = dict(self.renamed)
        return res

    def _patched(self, text: str, old: PublicCategory, new: PublicCategory) -> str:
        from codekit.taxonomy.load import category_from_data
        from codekit.taxonomy.write import category_to_dict

        try:
            out = patch_yaml(text, category_to_dict(old), category_to_dict(new), old.path)
            back = category_from_data(parse_yaml(out, old.path), old.path)
            if _same(back, new):
                return out
        except Exception:  # any failure of the patch: the file is written whole
            pass
        self.warnings.append(f"{old.path} was written whole: its comments could not be kept")
        return _dump(new)


def _read(path: str) -> str:
    from codekit.io.text import read_text

    return read_text(Path(path))[0]


def _same(a: PublicCategory, b: PublicCategory) -> bool:
    from codekit.taxonomy.write import category_to_plain

    return category_to_plain(a) == category_to_plain(b)


def _dump(cat: PublicCategory) -> str:
    from codekit.taxonomy.write import dump_category

    return dump_category(cat)


def _dump_plain(doc: dict) -> str:
    from codekit.io.yamlio import dump_yaml

    return dump_yaml(doc)


def _check_shape(cat: PublicCategory) -> None:
    """The edited category must still be a valid category file (schema and references)."""
    from codekit.taxonomy.load import category_from_data
    from codekit.taxonomy.write import category_to_plain

    try:
        category_from_data(category_to_plain(cat), cat.path)
    except SchemaError as e:
        raise EditRefused(f"the edit would make category {cat.id!r} invalid: {e.message}; nothing written",
                          path=cat.path, hint=e.hint) from None


# --------------------------------------------------------------------------------- route surgery


def _selector(cat: PublicCategory) -> Question | None:
    """The question that picks among the category's routes: a top-level single-choice question every
    route's condition names (a draft's "Which of these best describes it?")."""
    for q in cat.questions:
        if q.datatype == "singlevaluelist" and not q.ask_when and cat.routes and all(
                q.key in r.when_dict() for r in cat.routes):
            return q
    return None


def _answer_label(cat: PublicCategory, route: Route) -> str:
    """The text that selects ``route`` in ``cat``: its selector answer's label, else the category label."""
    sel = _selector(cat)
    if sel is not None:
        keys = route.when_dict().get(sel.key, ())
        labels = [v.label or v.key for v in sel.values if v.key in keys]
        if len(labels) == 1:
            return labels[0]
    return cat.label


def _answer_key(cat: PublicCategory, route: Route) -> str | None:
    sel = _selector(cat)
    if sel is not None:
        keys = route.when_dict().get(sel.key, ())
        if len(keys) == 1:
            return keys[0]
    return None


def _unique(key: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    if key not in taken:
        return key
    n = 2
    while f"{key}-{n}" in taken:
        n += 1
    return f"{key}-{n}"


def _used_questions(routes: Iterable[Route], questions: Iterable[Question]) -> set[str]:
    used: set[str] = set()
    for r in routes:
        used.update(k for k, _ in r.when)
        used.update(f.source for _, f in r.fields if f.source)
    for q in questions:
        used.update(k for k, _ in q.ask_when)
    return used


def without_routes(cat: PublicCategory, drop: set[int]) -> PublicCategory:
    """``cat`` without the routes at ``drop``; answers that now lead to no route, questions asked only on
    them or used only by those routes, and a choosing question left with one answer go too."""
    from codekit.taxonomy.routing import answer_combinations

    routes = [r for i, r in enumerate(cat.routes) if i not in drop]
    live: dict[str, set[str]] = {}
    routing = {q.key for q in cat.routing_questions()}
    for combo in answer_combinations(cat):
        if any(r.matches(combo) for r in routes):
            for k, v in combo.items():
                if v is not None:
                    live.setdefault(k, set()).add(v)
    questions: list[Question] = []
    gone_q: set[str] = set()
    for q in cat.questions:
        if q.key in routing:
            q = dataclasses.replace(q, values=tuple(v for v in q.values if v.key in live.get(q.key, ())))
        aw = []
        for dep, allowed in q.ask_when:
            keep = tuple(a for a in allowed if dep not in routing or a in live.get(dep, ()))
            aw.append((dep, keep))
        if (q.is_list and not q.values) or any(not v or d in gone_q for d, v in aw):
            gone_q.add(q.key)
            continue
        questions.append(dataclasses.replace(q, ask_when=tuple(aw)))
    was_used = _used_questions(cat.routes, cat.questions)
    keep = _used_questions(routes, questions)
    questions = [q for q in questions if q.key in keep or q.key not in was_used]
    out = dataclasses.replace(cat, routes=tuple(routes), questions=tuple(questions))
    return _collapse_selector(out)


def _collapse_selector(cat: PublicCategory) -> PublicCategory:
    """A selector with one answer left always has that answer: drop it and its conditions."""
    sel = _selector(cat)
    if sel is None or len(sel.values) != 1:
        return cat
    if any(f.source == sel.key for r in cat.routes for _, f in r.fields):
        return cat
    routes = tuple(dataclasses.replace(r, when=tuple((k, v) for k, v in r.when if k != sel.key)) for r in cat.routes)
    questions = []
    for q in cat.questions:
        if q.key == sel.key:
            continue
        questions.append(dataclasses.replace(q, ask_when=tuple((k, v) for k, v in q.ask_when if k != sel.key)))
    return dataclasses.replace(cat, routes=routes, questions=tuple(questions))


def with_route(target: PublicCategory, route: Route, source: PublicCategory, *, label: str,
               key: str | None = None, rename: bool = True, notes: list[str] | None = None) -> PublicCategory:
    """``target`` with ``route`` (taken from ``source``) added, selected by a new answer ``label``.

    The answer joins the target's selector question; a target with one unconditioned route gets a selector
    (its own route becomes the first answer). The questions the route's fields are filled from come along,
    asked only on the new answer. ``key`` is the answer key wanted (default: the code's slug); a key the
    selector already has is refused, or renamed with ``rename``."""
    notes = notes if notes is not None else []
    key = key or slug(route.code or (route.referral.to if route.referral else "answer"))
    if not target.routes:
        moved = dataclasses.replace(route, when=())
        return dataclasses.replace(target, routes=(moved,), questions=_carried(target, source, route, None, None, notes))
    sel = _selector(target)
    questions = list(target.questions)
    routes = list(target.routes)
    if sel is None:
        if len(routes) == 1 and not routes[0].when:
            only = routes[0]
            skey = _unique("which", [q.key for q in questions])
            first_key = slug(only.code or "other")
            first_label = target.label
            sel = Question(key=skey, prompt=SELECTOR_PROMPT, datatype="singlevaluelist",
                           values=(Choice(first_key, first_label),))
            questions.insert(0, sel)
            routes[0] = dataclasses.replace(only, when=((skey, (first_key,)),))
            notes.append(f"{target.id}: added the question {skey!r} ({SELECTOR_PROMPT!r}) to choose between its routes")
        else:
            raise EditRefused(
                f"category {target.id!r} has no question that chooses among its routes, so a route cannot be added",
                path=target.path, hint="move the code into a category whose routes are chosen by one question, or "
                "split the target first",
            )
    if key in sel.value_keys():
        if not rename:
            raise EditRefused(
                f"answer key {key!r} is in both categories' question {sel.key!r}", path=target.path,
                hint="pass --rename-keys to rename the clashing keys (-2, -3, ...)",
            )
        new_key = _unique(key, sel.value_keys())
        notes.append(f"{target.id}: answer key {key!r} was taken; the new answer is {new_key!r}")
        key = new_key
    values = (*sel.values, Choice(key, label))
    sel2 = dataclasses.replace(sel, values=values)
    questions = [sel2 if q.key == sel.key else q for q in questions]
    moved = dataclasses.replace(route, when=((sel.key, (key,)),))
    routes.append(moved)
    out = dataclasses.replace(target, questions=tuple(questions), routes=tuple(routes))
    return dataclasses.replace(out, questions=_carried(out, source, route, sel.key, key, notes))


def _carried(target: PublicCategory, source: PublicCategory, route: Route, sel_key: str | None,
             answer: str | None, notes: list[str]) -> tuple[Question, ...]:
    """The target's questions plus those ``route``'s fields are filled from in ``source``."""
    questions = list(target.questions)
    have = {q.key: q for q in questions}
    for _, fill in route.fields:
        if not fill.source:
            continue
        q = source.question(fill.source)
        if q is None:
            continue
        ask = ((sel_key, (answer,)),) if sel_key else ()
        mine = dataclasses.replace(q, ask_when=ask)
        if q.key in have:
            other = have[q.key]
            if dataclasses.replace(other, ask_when=(), line=0) == dataclasses.replace(q, ask_when=(), line=0):
                if other.ask_when and sel_key:  # asked on some answers: add the new one
                    aw = dict(other.ask_when)
                    if set(aw) == {sel_key}:
                        aw[sel_key] = (*aw[sel_key], answer)
                        new_q = dataclasses.replace(other, ask_when=tuple(aw.items()))
                        questions = [new_q if x.key == q.key else x for x in questions]
                        have[q.key] = new_q
                continue
            raise EditRefused(
                f"question {q.key!r} means different things in {source.id!r} and {target.id!r}",
                path=target.path, hint="rename one of the questions (and its uses) first",
            )
        questions.append(mine)
        have[q.key] = mine
        notes.append(f"{target.id}: asks {q.key!r} ({q.prompt!r}) on the new answer, for the code's fields")
    return tuple(questions)


def _fresh(new: PublicCategory, routes: list[Route], source: PublicCategory, notes: list[str]) -> PublicCategory:
    """``new`` (no routes yet) with ``routes`` of ``source``, chosen by the source's answers when several."""
    if len(routes) == 1:
        return with_route(new, routes[0], source, label=new.label, notes=notes)
    sel = _selector(source)
    skey = sel.key if sel is not None else "which"
    values, moved, taken = [], [], set()
    for r in routes:
        k = _unique(_answer_key(source, r) or slug(r.code or "answer"), taken)
        taken.add(k)
        values.append(Choice(k, _answer_label(source, r)))
        moved.append(dataclasses.replace(r, when=((skey, (k,)),)))
    q = Question(key=skey, prompt=sel.prompt if sel is not None else SELECTOR_PROMPT, datatype="singlevaluelist",
                 values=tuple(values))
    out = dataclasses.replace(new, questions=(q,), routes=tuple(moved))
    for r, m in zip(routes, moved):
        out = dataclasses.replace(out, questions=_carried(out, source, r, skey, m.when[0][1][0], notes))
    return out


def _routes_of(cat: PublicCategory, code: str) -> set[int]:
    return {i for i, r in enumerate(cat.routes) if r.code == code}


def _take_routes(w: _Work, cat: PublicCategory, idxs: set[int]) -> PublicCategory | None:
    """Remove routes from ``cat`` in ``w``; returns the category left, or None when it was removed."""
    left = without_routes(cat, idxs)
    if not left.routes:
        w.remove(cat.id)
        return None
    w.put(left)
    return left


# ------------------------------------------------------------------------------------------ edits


def move(taxonomy_dir: Any, code: str, to: str, *, catalogue: Any = None, source: str | None = None) -> EditResult:
    """Move a code, with its route(s) and field map, to the category ``to``; its answer goes with it."""
    w = _Work(taxonomy_dir, catalogue)
    w.known_code(code)
    target = w.category(to)
    homes = w.where(code)
    if not homes:
        raise UsageError(f"no route reaches the code {code!r}", path=str(w.dir),
                         hint="a code without a route is not in any category; route it first")
    if source is None:
        if len(homes) > 1:
            raise UsageError(f"the code {code!r} is reached from several categories: {', '.join(homes)}",
                             path=str(w.dir), hint="say which with --from")
        source = homes[0]
    src = w.category(source)
    if source not in homes:
        raise UsageError(f"category {source!r} has no route to {code!r}", path=src.path,
                         hint=f"it is reached from {', '.join(homes)}")
    if source == to:
        raise UsageError(f"the code {code!r} is already in {to!r}", path=src.path)
    idxs = _routes_of(src, code)
    if len(idxs) == len(src.routes):
        raise EditRefused(
            f"{code!r} is the last code of category {source!r}; moving it would leave the category empty",
            path=src.path, hint=f"merge the categories (codekit edit merge {to} {source}) or retire the code",
        )
    for i in sorted(idxs):
        r = src.routes[i]
        target = with_route(target, r, src, label=_answer_label(src, r), key=_answer_key(src, r), notes=w.changes)
    w.put(target)
    _take_routes(w, src, idxs)
    w.changes.insert(0, f"moved {code} ({w.code_name(code)}) from {source} to {to}")
    return w.finish("move", check=True)


def merge(taxonomy_dir: Any, first: str, second: str, *, into: str | None = None, label: str | None = None,
          catalogue: Any = None, rename_keys: bool = False) -> EditResult:
    """Merge category ``second`` into ``first`` (or both into a new category ``into``).

    When both choose their routes by one question (a draft's "Which of these..."), the second's answers join
    the first's question, keys kept: a key in both is refused, naming it, unless ``rename_keys``. Otherwise a
    new first question chooses between the two (their labels), and the others are asked under it; question keys
    in both are refused the same way."""
    w = _Work(taxonomy_dir, catalogue)
    a, b = w.category(first), w.category(second)
    if a.id == b.id:
        raise UsageError("merge needs two different categories", found=repr(first))
    new_id = into or a.id
    if into is not None and into not in (a.id, b.id):
        _check_id(into)
    flat = all(len(r.when) <= 1 for r in b.routes) and (_selector(b) is not None or len(b.routes) == 1)
    flat_a = _selector(a) is not None or (len(a.routes) == 1 and not a.routes[0].when)
    notes = w.changes
    if flat and flat_a:
        merged = a
        sel_a = _selector(a)
        keys_b = [(_answer_key(b, r) or slug(r.code or b.id)) for r in b.routes]
        if sel_a is not None and not rename_keys:
            clash = sorted(set(keys_b) & set(sel_a.value_keys()))
            if clash:
                raise EditRefused(
                    f"answer key(s) {', '.join(map(repr, clash))} are in both {a.id!r} and {b.id!r}",
                    path=b.path, hint="pass --rename-keys to rename the second category's clashing keys (-2, -3, ...)",
                )
        for r, k in zip(b.routes, keys_b):
            lab = _answer_label(b, r) if len(b.routes) > 1 else b.label
            merged = with_route(merged, r, b, label=lab, key=k, rename=True, notes=notes)
    else:
        merged = _nest(a, b, rename_keys, notes)
    merged = _union_meta(merged, a, b, notes)
    if label:
        merged = dataclasses.replace(merged, label=label)
    w.remove(b.id)
    if new_id == a.id:
        w.put(merged)
    else:
        w.remove(a.id)
        w.add(dataclasses.replace(merged, id=new_id))
    w.renamed = {a.id: new_id, b.id: new_id}
    w.changes.insert(0, f"merged {b.id} ({b.label!r}, {len(b.codes())} codes) and {a.id} ({a.label!r}, "
                        f"{len(a.codes())} codes) into {new_id} ({merged.label!r}, {len(merged.codes())} codes)")
    return w.finish("merge", check=True)


def _nest(a: PublicCategory, b: PublicCategory, rename_keys: bool, notes: list[str]) -> PublicCategory:
    keys_a = {q.key for q in a.questions}
    clash = sorted(keys_a & {q.key for q in b.questions})
    if clash and not rename_keys:
        raise EditRefused(
            f"question key(s) {', '.join(map(repr, clash))} are in both {a.id!r} and {b.id!r}", path=b.path,
            hint="pass --rename-keys to rename the second category's clashing keys (_2, _3, ...)",
        )
    ren = {}
    for k in clash:
        n = 2
        while f"{k}_{n}" in keys_a or f"{k}_{n}" in {q.key for q in b.questions}:
            n += 1
        ren[k] = f"{k}_{n}"
        notes.append(f"{b.id}: question {k!r} renamed {ren[k]!r}")
    b = _rename_questions(b, ren)
    top = _unique("topic", keys_a | {q.key for q in b.questions})
    va, vb = slug(a.id), slug(b.id)
    topic = Question(key=top, prompt="What is it about?", datatype="singlevaluelist",
                     values=(Choice(va, a.label), Choice(vb, b.label)))

    def under(cat: PublicCategory, v: str):
        qs = tuple(dataclasses.replace(q, ask_when=((top, (v,)), *q.ask_when)) for q in cat.questions)
        rs = tuple(dataclasses.replace(r, when=((top, (v,)), *r.when)) for r in cat.routes)
        return qs, rs

    qa, ra = under(a, va)
    qb, rb = under(b, vb)
    notes.append(f"{a.id}: added the question {top!r} ('What is it about?') choosing between {a.label!r} and {b.label!r}")
    return dataclasses.replace(a, questions=(topic, *qa, *qb), routes=(*ra, *rb))


def _rename_questions(cat: PublicCategory, ren: dict[str, str]) -> PublicCategory:
    if not ren:
        return cat
    def k(x: str) -> str:
        return ren.get(x, x)
    qs = tuple(dataclasses.replace(q, key=k(q.key), ask_when=tuple((k(a), v) for a, v in q.ask_when))
               for q in cat.questions)
    rs = tuple(dataclasses.replace(
        r, when=tuple((k(a), v) for a, v in r.when),
        fields=tuple((fk, dataclasses.replace(f, source=k(f.source)) if f.source else f) for fk, f in r.fields),
    ) for r in cat.routes)
    return dataclasses.replace(cat, questions=qs, routes=rs)


def _union_meta(merged: PublicCategory, a: PublicCategory, b: PublicCategory, notes: list[str]) -> PublicCategory:
    syn = tuple(dict.fromkeys((*a.synonyms, *b.synonyms)))
    groups = tuple(dict.fromkeys((*a.groups, *b.groups)))
    mg = (*a.merged, *b.merged)
    ctl, milestones, routes = a.ctl_level, a.milestones, merged.routes
    if a.ctl_level != b.ctl_level:
        b_codes = set(b.codes())
        routes = tuple(
            dataclasses.replace(r, ctl_level=(b.ctl_level if r.code in b_codes else a.ctl_level))
            if r.ctl_level is None and (a.ctl_level is not None or b.ctl_level is not None) else r
            for r in routes)
        ctl = None
    if a.milestones != b.milestones:
        if a.milestones or b.milestones:
            notes.append("the two categories tell residents different milestones: the merged category lists none")
        milestones = ()
    return dataclasses.replace(merged, synonyms=syn, groups=groups, merged=mg, ctl_level=ctl,
                               milestones=milestones, routes=routes)


_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _check_id(cid: str) -> None:
    if not _ID.match(cid):
        raise UsageError("not a category id", found=repr(cid), expected="lower-case words joined by '-'",
                         hint=f"for example {slug(cid)!r}")


def split(taxonomy_dir: Any, category: str, *, codes: Iterable[str] = (), by_question: str | None = None,
          new_id: str | None = None, label: str | None = None, groups: Iterable[str] = (),
          catalogue: Any = None) -> EditResult:
    """Split ``category``: the routes of ``codes`` go to a new category ``new_id``; or, with
    ``by_question``, one new category per answer of that question (the question is no longer asked)."""
    w = _Work(taxonomy_dir, catalogue)
    cat = w.category(category)
    codes = [c.strip() for c in codes if c and c.strip()]
    if bool(codes) == bool(by_question):
        raise UsageError("split needs either --codes or --by-question", hint="for example --codes C1,C2 --id new-id")
    if by_question:
        return _split_by_question(w, cat, by_question)
    idxs: set[int] = set()
    for code in codes:
        found = _routes_of(cat, code)
        if not found:
            raise UsageError(f"category {cat.id!r} has no route to {code!r}", path=cat.path,
                             hint="its codes: " + ", ".join(cat.codes()))
        idxs |= found
    if len(idxs) == len(cat.routes):
        raise EditRefused(f"the split would take every route of {cat.id!r}, leaving it empty", path=cat.path,
                          hint="relabel or regroup the category instead, or leave one code in it")
    first = cat.routes[min(idxs)]
    lab = label or (_answer_label(cat, first) if len(codes) == 1 else cat.label)
    nid = new_id or _unique_id(w, slug(lab))
    _check_id(nid)
    new = PublicCategory(id=nid, label=lab, groups=tuple(groups) or cat.groups, ctl_level=cat.ctl_level,
                         milestones=cat.milestones,
                         notes=f"Split from {cat.id} by codekit edit split: {', '.join(codes)}.")
    new = _fresh(new, [cat.routes[i] for i in sorted(idxs)], cat, w.changes)
    moved_merges = tuple(m for m in cat.merged if m.into in codes)
    if moved_merges:
        new = dataclasses.replace(new, merged=moved_merges)
    w.add(new)
    left = without_routes(cat, idxs)
    w.put(dataclasses.replace(left, merged=tuple(m for m in cat.merged if m.into not in codes)))
    w.changes.insert(0, f"split {', '.join(codes)} out of {cat.id} into the new category {nid} ({lab!r})")
    return w.finish("split", check=True)


def _unique_id(w: _Work, base: str) -> str:
    taken = set(w.cats) | {p.stem for p in w.dir.glob("*.yaml")}
    return _unique(base, taken - w.removed)


def _split_by_question(w: _Work, cat: PublicCategory, key: str) -> EditResult:
    q = cat.question(key)
    if q is None:
        raise UsageError(f"category {cat.id!r} has no question {key!r}", path=cat.path,
                         hint="its questions: " + ", ".join(x.key for x in cat.questions))
    if q.datatype != "singlevaluelist" or q.ask_when:
        raise UsageError(f"question {key!r} is not a top-level single-choice question", path=cat.path, line=q.line,
                         hint="split by a question asked first, whatever the other answers")
    made = []
    for v in q.values:
        part = _part(cat, q, v.key)
        if not part.routes:
            w.warnings.append(f"answer {v.key!r} leads to no route; no category for it")
            continue
        pid = _unique_id(w, f"{cat.id}-{slug(v.key)}")
        part = dataclasses.replace(part, id=pid, label=v.label or v.key,
                                   notes=f"Split from {cat.id} by codekit edit split --by-question {key}: {v.key}.")
        w.add(part)
        made.append(f"{pid} ({part.label!r}, {len(part.codes())} codes)")
    w.remove(cat.id)
    w.changes.insert(0, f"split {cat.id} by its question {key!r} into {len(made)} categories: " + "; ".join(made))
    return w.finish("split", check=True)


def _part(cat: PublicCategory, q: Question, answer: str) -> PublicCategory:
    dropped = {q.key}
    questions = []
    for x in cat.questions:
        if x.key == q.key:
            continue
        aw = dict(x.ask_when)
        if any(k in dropped and k != q.key for k in aw) or (q.key in aw and answer not in aw[q.key]):
            dropped.add(x.key)
            continue
        questions.append(dataclasses.replace(x, ask_when=tuple((k, v) for k, v in x.ask_when if k != q.key)))
    routes = []
    for r in cat.routes:
        wd = r.when_dict()
        if q.key in wd and answer not in wd[q.key]:
            continue
        if any(k in dropped and k != q.key for k in wd):
            continue
        fields = []
        for fk, f in r.fields:
            if f.source == q.key:
                val = f.map_dict().get(answer, answer) if f.map else answer
                f = dataclasses.replace(f, source="", map=(), derived=val)
            fields.append((fk, f))
        routes.append(dataclasses.replace(r, when=tuple((k, v) for k, v in r.when if k != q.key), fields=tuple(fields)))
    codes = {r.code for r in routes}
    merged = tuple(m for m in cat.merged if m.into in codes)
    part = dataclasses.replace(cat, questions=tuple(questions), routes=tuple(routes), merged=merged, synonyms=())
    keep = _used_questions(part.routes, part.questions)
    was = _used_questions(cat.routes, cat.questions)
    part = dataclasses.replace(part, questions=tuple(x for x in part.questions if x.key in keep or x.key not in was))
    return part


def nest(taxonomy_dir: Any, category: str, answers: Iterable[str], label: str, *, question: str | None = None,
         key: str | None = None, prompt: str | None = None, catalogue: Any = None) -> EditResult:
    """Gather some answers of a long question under one new answer ``label``, asked next as a dependent question.

    ``question`` (default: the question choosing among the routes) loses ``answers`` and gains the answer
    ``key`` (default: the label's slug) in the first one's place; a new question ``prompt`` right after it, asked
    only on that answer, offers the gathered answers (same keys and labels). Routes and dependent questions on
    those answers follow. Refused: answers the question does not have, fewer than two, all of them, a route or
    question naming gathered and other answers together."""
    w = _Work(taxonomy_dir, catalogue)
    cat = w.category(category)
    q = _question(cat, question) if question else _selector(cat)
    if q is None:
        raise UsageError(f"category {cat.id!r} has no question choosing among its routes", path=cat.path,
                         hint="name the question with --question")
    if q.datatype != "singlevaluelist" or q.ask_when:
        raise UsageError(f"question {q.key!r} is not a top-level single-choice question", path=cat.path, line=q.line)
    picked = list(dict.fromkeys(a.strip() for a in answers if a and a.strip()))
    unknown = [a for a in picked if a not in q.value_keys()]
    if unknown:
        raise UsageError(f"question {q.key!r} of {cat.id!r} has no answer {unknown[0]!r}", path=cat.path, line=q.line,
                         hint="its answers: " + ", ".join(q.value_keys()[:20]) + (" ..." if len(q.values) > 20 else ""))
    if len(picked) < 2:
        raise UsageError("nest needs at least two answers to gather", hint="--answers KEY1,KEY2,...")
    if len(picked) == len(q.values):
        raise EditRefused(f"nest would gather every answer of {q.key!r}", path=cat.path,
                          hint="leave some answers at the top, or relabel the question instead")
    label = " ".join((label or "").split())
    if not label:
        raise UsageError("the new answer needs a label", hint="--label 'What residents read'")
    chosen = set(picked)
    new_key = key or _unique(slug(label), set(q.value_keys()) - chosen)
    if new_key in set(q.value_keys()) - chosen:
        raise UsageError(f"question {q.key!r} already has the answer {new_key!r}", path=cat.path, hint="give --key")
    sub_key = _unique(f"{q.key}_{new_key.replace('-', '_')}", [x.key for x in cat.questions])
    values, placed = [], False
    for v in q.values:
        if v.key in chosen:
            if not placed:
                values.append(Choice(new_key, label))
                placed = True
            continue
        values.append(v)
    sub = Question(key=sub_key, prompt=prompt or SELECTOR_PROMPT, datatype="singlevaluelist",
                   values=tuple(v for v in q.values if v.key in chosen), ask_when=((q.key, (new_key,)),))

    def regate(conds, what):
        d = dict(conds)
        if q.key not in d:
            return conds
        got = set(d[q.key])
        if got <= chosen:
            out = []
            for k, v in conds:
                out.append((k, (new_key,)) if k == q.key else (k, v))
                if k == q.key:
                    out.append((sub_key, tuple(v)))
            return tuple(out)
        if got & chosen:
            raise EditRefused(f"{what} names gathered and other answers of {q.key!r} together", path=cat.path,
                              hint="gather all of its answers, or none")
        return conds

    questions = []
    for x in cat.questions:
        if x.key == q.key:
            questions += [dataclasses.replace(q, values=tuple(values)), sub]
            continue
        questions.append(dataclasses.replace(x, ask_when=regate(x.ask_when, f"question {x.key!r}")))
    routes = tuple(dataclasses.replace(r, when=regate(r.when, f"the route to {r.target}")) for r in cat.routes)
    w.put(dataclasses.replace(cat, questions=tuple(questions), routes=routes))
    w.changes.append(f"{cat.id}: {len(picked)} answers of {q.key!r} gathered under {label!r} ({new_key}), asked next "
                     f"as {sub_key!r}; {q.key!r} now has {len(values)} answers (was {len(q.values)})")
    return w.finish("nest", check=True)


def relabel(taxonomy_dir: Any, category: str, text: str, *, question: str | None = None,
            answer: str | None = None) -> EditResult:
    """Relabel a category, a question's prompt (``question``) or an answer (``answer``: ``QKEY=AKEY``)."""
    w = _Work(taxonomy_dir)
    cat = w.category(category)
    text = " ".join((text or "").split())
    if not text:
        raise UsageError("the new label is empty", hint="give the text residents should read")
    if question and answer:
        raise UsageError("give --question or --answer, not both")
    if answer:
        if "=" not in answer:
            raise UsageError("--answer takes QUESTION=ANSWER", found=repr(answer), hint="for example --answer which=t311-r0246")
        qk, ak = answer.split("=", 1)
        q = _question(cat, qk)
        if ak not in q.value_keys():
            raise UsageError(f"question {qk!r} of {cat.id!r} has no answer {ak!r}", path=cat.path, line=q.line,
                             hint="its answers: " + ", ".join(q.value_keys()))
        old = next(v.label for v in q.values if v.key == ak)
        values = tuple(Choice(v.key, text) if v.key == ak else v for v in q.values)
        cat2 = _with_question(cat, dataclasses.replace(q, values=values))
        w.changes.append(f"{cat.id}: answer {qk}={ak} relabelled {old!r} -> {text!r}")
    elif question:
        q = _question(cat, question)
        cat2 = _with_question(cat, dataclasses.replace(q, prompt=text))
        w.changes.append(f"{cat.id}: question {question!r} now asks {text!r} (was {q.prompt!r})")
    else:
        cat2 = dataclasses.replace(cat, label=text)
        w.changes.append(f"{cat.id}: relabelled {cat.label!r} -> {text!r}")
    w.put(cat2)
    return w.finish("relabel", check=False)


def _question(cat: PublicCategory, key: str) -> Question:
    q = cat.question(key)
    if q is None:
        raise UsageError(f"category {cat.id!r} has no question {key!r}", path=cat.path,
                         hint="its questions: " + (", ".join(x.key for x in cat.questions) or "none"))
    return q


def _with_question(cat: PublicCategory, q: Question) -> PublicCategory:
    return dataclasses.replace(cat, questions=tuple(q if x.key == q.key else x for x in cat.questions))


def synonym(taxonomy_dir: Any, category: str, action: str, words: Iterable[str]) -> EditResult:
    """Add or remove synonyms (``action``: ``add`` or ``remove``)."""
    w = _Work(taxonomy_dir)
    cat = w.category(category)
    words = [" ".join(x.split()) for x in words if x and x.strip()]
    if action not in ("add", "remove"):
        raise UsageError("unknown synonym action", expected="add or remove", found=repr(action))
    if not words:
        raise UsageError("no words given", hint="for example: codekit edit synonym CATEGORY add pothole")
    have = list(cat.synonyms)
    if action == "add":
        new = [x for x in dict.fromkeys(words) if x.casefold() not in {h.casefold() for h in have}]
        have += new
        if new:
            w.changes.append(f"{cat.id}: synonyms added: {', '.join(new)}")
    else:
        missing = [x for x in words if x.casefold() not in {h.casefold() for h in have}]
        if missing:
            raise UsageError(f"category {cat.id!r} has no synonym {missing[0]!r}", path=cat.path,
                             hint="its synonyms: " + (", ".join(have) or "none"))
        gone = {x.casefold() for x in words}
        have = [h for h in have if h.casefold() not in gone]
        w.changes.append(f"{cat.id}: synonyms removed: {', '.join(words)}")
    w.put(dataclasses.replace(cat, synonyms=tuple(have)))
    return w.finish("synonym", check=False)


def _main_division(cat: PublicCategory) -> str:
    """The division most of a category's routes name (ties: alphabetically first)."""
    from collections import Counter

    c = Counter(r.division for r in cat.routes if r.division)
    return min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] if c else ""


def regroup(taxonomy_dir: Any, categories: Iterable[str], groups: Iterable[str], *, add: bool = False,
            remove: Iterable[str] = (), in_groups: Iterable[str] = (), like_division: bool = False) -> EditResult:
    """Set the groups of one or more categories (``add``: add them to the groups it has; ``remove``: drop these).

    ``in_groups`` selects, besides ``categories``, every category now in one of these groups. With
    ``like_division`` no group is given: each selected category joins the group most of the other categories of
    its main division (the division most of its routes name) are in, among groups not being emptied here."""
    w = _Work(taxonomy_dir)
    groups = [" ".join(g.split()) for g in groups if g and g.strip()]
    remove = [" ".join(g.split()) for g in remove if g and g.strip()]
    wanted = [" ".join(g.split()) for g in in_groups if g and g.strip()]
    ids = list(dict.fromkeys(categories))
    for g in wanted:
        found = [c.id for c in w.live() if g in c.groups]
        if not found:
            have = sorted({x for c in w.live() for x in c.groups})
            raise UsageError(f"no category is in the group {g!r}", path=str(taxonomy_dir),
                             hint="groups now: " + ", ".join(have[:12]) + ("..." if len(have) > 12 else ""))
        ids += [i for i in found if i not in ids]
    if not ids:
        raise UsageError("no category given", hint="codekit edit regroup CATEGORY... --group 'Group name'")
    if like_division:
        if groups:
            raise UsageError("give --group or --like-division, not both")
        from collections import Counter

        chosen = set(ids)
        by_div: dict[str, Counter] = {}
        for c in w.live():
            if c.id in chosen:
                continue
            for g in c.groups:
                if g not in wanted:
                    by_div.setdefault(_main_division(c), Counter())[g] += 1
        for cid in ids:
            cat = w.category(cid)
            div = _main_division(cat)
            votes = by_div.get(div)
            if not votes:
                raise EditRefused(f"category {cid!r}: no other category of its main division {div or '(none)'!r} "
                                  "is in a group yet", path=cat.path,
                                  hint="regroup that division's categories first, or give --group")
            g = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            if (g,) != cat.groups:
                w.put(dataclasses.replace(cat, groups=(g,)))
                w.changes.append(f"{cid}: groups {list(cat.groups)} -> [{g!r}] (like the other {div} categories)")
        return w.finish("regroup", check=False)
    if not groups and not remove:
        raise UsageError("no group given", hint="pass --group 'Group name' (repeat it for several)")
    for cid in ids:
        cat = w.category(cid)
        have = list(cat.groups) if (add or not groups) else []
        new = [g for g in dict.fromkeys([*have, *groups]) if g not in remove]
        if not new:
            raise EditRefused(f"category {cid!r} would be in no group", path=cat.path,
                              hint="every category is in at least one group: give --group")
        if tuple(new) != cat.groups:
            w.put(dataclasses.replace(cat, groups=tuple(new)))
            w.changes.append(f"{cid}: groups {list(cat.groups)} -> {new}")
    return w.finish("regroup", check=False)


def codes_of(taxonomy_dir: Any, category: str) -> list[str]:
    """The codes the routes of ``category`` name, in route order, then the codes merged into them (for
    ``retire --category``: the whole category goes)."""
    cat = _Work(taxonomy_dir).category(category)
    return list(dict.fromkeys([*(r.code for r in cat.routes if r.code), *(m.code for m in cat.merged)]))


def retire(taxonomy_dir: Any, codes: Iterable[str], reason: str, *, date: str | None = None,
           catalogue: Any = None, category: str | None = None) -> EditResult:
    """Retire codes: recorded in ``_retired.yaml`` with the reason; their routes leave their categories (a
    category left with no route is removed). ``category``: every code its routes name, besides ``codes``."""
    if category:
        codes = list(dict.fromkeys([*codes, *codes_of(taxonomy_dir, category)]))
    from codekit.taxonomy.retired import _DATE

    w = _Work(taxonomy_dir, catalogue)
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    reason = " ".join((reason or "").split())
    if not codes:
        raise UsageError("no code given", hint="codekit edit retire CODE --reason '...'")
    if not reason:
        raise UsageError("a retirement needs a reason", hint="pass --reason 'why it is no longer offered'")
    if date is not None and not _DATE.match(date):
        raise UsageError("--date is not YYYY-MM-DD", found=repr(date))
    have = {r.code: r for r in w.retired}
    records = list(w.retired)
    for code in codes:
        w.known_code(code)
        if code in have:
            raise UsageError(f"the code {code!r} is already retired", path=str(retired_path(w.dir)),
                             line=have[code].line or None, hint=f"its reason: {have[code].reason}")
        sc = catalogue.get(code) if catalogue is not None else None
        if sc is not None and not sc.active:
            raise UsageError(f"the code {code!r} is already retired in the catalogue", path=str(catalogue.source) or None)
        into = [(c.id, m.code) for c in w.live() for m in c.merged if m.into == code and m.code not in codes]
        if into:
            raise EditRefused(f"{', '.join(m for _, m in into)} is merged into {code!r} (in {into[0][0]})",
                              path=w.cats[into[0][0]].path,
                              hint="retire those codes too, or point them at another code first")
        records.append(Retirement(code, reason, date or ""))
        w.changes.append(f"retired {code} ({w.code_name(code)}): {reason}")
        for cid in w.where(code):
            cat = w.cats[cid]
            left = _take_routes(w, cat, _routes_of(cat, code))
            if left is None:
                w.changes.append(f"{cid}: removed ({code} was its only code)")
            else:
                w.changes.append(f"{cid}: route to {code} removed")
        for c in w.live():
            if any(m.code == code for m in c.merged):
                w.put(dataclasses.replace(c, merged=tuple(m for m in c.merged if m.code != code)))
                w.changes.append(f"{c.id}: merged entry of {code} removed")
    w.retired = tuple(records)
    return w.finish("retire", check=True)


def unretire(taxonomy_dir: Any, code: str, to: str, *, catalogue: Any = None) -> EditResult:
    """Take a code off ``_retired.yaml`` and route it again from category ``to`` (a new answer, its name)."""
    w = _Work(taxonomy_dir, catalogue)
    rec = [r for r in w.retired if r.code == code]
    if not rec:
        raise UsageError(f"the code {code!r} is not retired in {RETIRED_FILE}", path=str(retired_path(w.dir)))
    target = w.category(to)
    w.retired = tuple(r for r in w.retired if r.code != code)
    route = Route(when=(), code=code)
    w.put(with_route(target, route, target, label=w.code_name(code), notes=w.changes))
    w.changes.insert(0, f"unretired {code} ({w.code_name(code)}), routed from {to}")
    return w.finish("unretire", check=True)


def dedupe(taxonomy_dir: Any, pairs: Iterable[tuple[str, str, str]], *, catalogue: Any = None) -> EditResult:
    """Turn near-duplicate codes into ``merged:`` entries: each ``(code, into, reason)`` of ``pairs``.
    The folded code's routes go (a category left empty is removed); the entry lands in the category that
    reaches ``into``. :func:`codekit.validate.edits.near_duplicates` finds the pairs."""
    w = _Work(taxonomy_dir, catalogue)
    pairs = list(pairs)
    if not pairs:
        raise UsageError("no pair of codes to merge", path=str(w.dir))
    for fold, keep, why in pairs:
        w.known_code(fold)
        w.known_code(keep)
        if fold == keep:
            raise UsageError("a code cannot be merged into itself", found=repr(fold))
        if not why or not why.strip():
            raise UsageError("a merge needs a reason", hint="pass --reason 'near-duplicate of ...'")
        homes = w.where(keep)
        if not homes:
            raise UsageError(f"no route reaches {keep!r}, so nothing can be merged into it", path=str(w.dir),
                             hint="merge into a code a category routes to")
        if any(m.code == fold for c in w.live() for m in c.merged):
            raise UsageError(f"the code {fold!r} is already merged", path=str(w.dir))
        if any(m.into == fold for c in w.live() for m in c.merged):
            raise UsageError(f"codes are merged into {fold!r}; it cannot be merged itself", path=str(w.dir),
                             hint="merge into it instead, or re-point those entries first")
        for cid in w.where(fold):
            cat = w.cats[cid]
            if _take_routes(w, cat, _routes_of(cat, fold)) is None:
                w.changes.append(f"{cid}: removed ({fold} was its only code)")
        home = w.cats[homes[0]]
        why = " ".join(why.split())
        w.put(dataclasses.replace(home, merged=(*home.merged, Merge(fold, keep, why))))
        w.changes.append(f"merged {fold} ({w.code_name(fold)}) into {keep} ({w.code_name(keep)}) in {home.id}: {why}")
    return w.finish("dedupe", check=True)


__all__ = ["EDITS", "EditResult", "EditRefused", "move", "merge", "split", "nest", "relabel", "synonym", "regroup",
           "retire", "unretire", "dedupe", "without_routes", "with_route"]
