"""Division sign-off: which divisions must approve the next release, their approvals, and the check.

- **Owners.** The project names each division's reviewers (``[divisions."Urban Forestry"] reviewers =
  ["Jane Doe <jane@example.org>"]``) and which levels of change need approval (``[signoff] require =
  ["major", "minor"]``; patch changes are exempt unless listed). The CLI reads the project file and hands
  the tables to :func:`policy_from_tables`: the library never looks for it.
- **Who must approve.** A change touches the divisions in its ``divisions`` (a code moved from one division
  to another touches both); a division must approve when one of its changes has a required level.
- **Approvals.** :func:`record_approval` writes one reviewable JSON file per approval into ``approvals/``
  beside the project file, bound to the previous release's version and to
  :meth:`~codekit.release.diff.Diff.part_hash`, the hash of exactly that division's part of the diff; any
  later change to that part voids it (the file stays, as history, and no longer counts). The file holds
  the approved changes themselves, so a reviewer of the pull request sees what was approved, and a file
  whose changes do not hash to its recorded hash is refused as tampered.
- **Enforced.** :func:`check_signoff` raises :class:`SignoffMissing` (exit 1) naming the divisions whose
  approval is missing or void; ``codekit release`` calls it after validation, before anything is written.

Imports nothing of the CLI; writes only through :mod:`codekit.io.files`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codekit.errors import CodekitError, InputError, SchemaError, UsageError
from codekit.release import model as m
from codekit.release.diff import LEVELS, Diff, level_rank

#: Levels that need approval when the project does not say (patch changes are exempt).
DEFAULT_REQUIRE = ("major", "minor")
#: The folder of approvals, beside the project file.
APPROVALS_DIR = "approvals"
#: The marker and version of an approval file.
APPROVAL_VERSION = 1
_APPROVAL_KEYS = {"codekit_approval", "division", "by", "from", "diff_hash", "changes", "note"}
_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")


class SignoffMissing(CodekitError):
    """A change lacks its divisions' approvals: nothing is released. Exit 1; ``status`` has the details."""

    exit_code = 1

    def __init__(self, status: SignoffStatus) -> None:
        self.status = status
        missing = status.missing()
        parts = []
        for d in missing:
            why = d.reason()
            parts.append(f"{d.division} ({why})" if why else d.division)
        super().__init__(
            f"sign-off missing from {len(missing)} division(s): {'; '.join(parts)}; nothing was released",
            hint="each division reviews its part (`codekit diff OLD NEW --division NAME`) and records its approval "
                 "(`codekit approve --division NAME --by REVIEWER`)",
        )


# ------------------------------------------------------------------------------------------ policy


@dataclass(frozen=True)
class Policy:
    """Who reviews each division and which levels need approval; where approvals are kept."""

    reviewers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    require: tuple[str, ...] = DEFAULT_REQUIRE
    approvals_dir: Path | None = None
    source: str | None = None  # the project file, for messages

    def division(self, name: str) -> str | None:
        """The project's spelling of division ``name`` (matched without case), or None."""
        want = name.casefold()
        return next((d for d in self.reviewers if d.casefold() == want), None)

    def reviewers_of(self, division: str) -> tuple[str, ...]:
        d = self.division(division)
        return self.reviewers.get(d, ()) if d else ()

    def needs(self, level: str | None) -> bool:
        return level in self.require

    def to_dict(self) -> dict[str, Any]:
        return {"require": list(self.require), "reviewers": {k: list(v) for k, v in sorted(self.reviewers.items())},
                "approvals": str(self.approvals_dir) if self.approvals_dir else None, "project": self.source}


def policy_from_tables(divisions: Any, signoff: Any, *, project_file: str | Path | None = None) -> Policy:
    """The policy of a project's ``[divisions.*]`` and ``[signoff]`` tables (as ``tomllib`` returns them).

    Approvals are kept in ``approvals/`` beside ``project_file``."""
    src = str(project_file) if project_file is not None else None
    divisions = {} if divisions is None else divisions
    signoff = {} if signoff is None else signoff
    if not isinstance(divisions, dict):
        raise SchemaError("[divisions] is not a table", path=src, expected='[divisions."Division name"] tables',
                          found=type(divisions).__name__)
    if not isinstance(signoff, dict):
        raise SchemaError("[signoff] is not a table", path=src, found=type(signoff).__name__)
    reviewers: dict[str, tuple[str, ...]] = {}
    for name, table in divisions.items():
        if not isinstance(table, dict):
            raise SchemaError(f"[divisions.{name!r}] is not a table", path=src,
                              expected=f'[divisions."{name}"] with reviewers = ["Name <email>"]',
                              found=type(table).__name__)
        revs = table.get("reviewers", [])
        if not isinstance(revs, list) or not all(isinstance(r, str) and r.strip() for r in revs):
            raise SchemaError(f"[divisions.{name!r}] reviewers is not a list of names", path=src,
                              expected='reviewers = ["Jane Doe <jane@example.org>", "@handle"]', found=repr(revs))
        if any(d.casefold() == name.casefold() for d in reviewers):
            raise SchemaError(f"division {name!r} is named twice", path=src, hint="name each division once")
        reviewers[name] = tuple(r.strip() for r in revs)
    unknown = sorted(set(signoff) - {"require"})
    if unknown:
        raise SchemaError("unknown key in [signoff]", path=src, expected="require", found=", ".join(unknown))
    require = signoff.get("require", list(DEFAULT_REQUIRE))
    if not isinstance(require, list) or not all(isinstance(x, str) and x in LEVELS for x in require):
        raise SchemaError("[signoff] require is not a list of levels", path=src,
                          expected='a list of "major", "minor", "patch"', found=repr(require))
    ordered = tuple(sorted(set(require), key=level_rank, reverse=True))
    folder = Path(project_file).parent / APPROVALS_DIR if project_file is not None else None
    return Policy(reviewers, ordered, folder, src)


# --------------------------------------------------------------------------------------- approvals


@dataclass(frozen=True)
class Approval:
    """One recorded approval: ``by`` approved ``division``'s part of the diff from release ``from_version``."""

    division: str
    by: str
    from_version: str
    diff_hash: str
    changes: tuple[dict[str, Any], ...] = ()
    note: str = ""
    path: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"division": self.division, "by": self.by, "from": self.from_version, "diff_hash": self.diff_hash,
                "changes": len(self.changes), "note": self.note or None, "file": self.path or None}

    def record(self) -> dict[str, Any]:
        """What the approval file holds."""
        d: dict[str, Any] = {"codekit_approval": APPROVAL_VERSION, "division": self.division, "by": self.by,
                             "from": self.from_version, "diff_hash": self.diff_hash, "changes": list(self.changes)}
        if self.note:
            d["note"] = self.note
        return d


def _hash(changes: Any) -> str:
    import hashlib

    return "sha256:" + hashlib.sha256(m.canonical_json(changes).encode("utf-8")).hexdigest()


def parse_approval(raw: Any, path: str | Path) -> Approval:
    """An approval from a parsed file; a file of the wrong shape or whose changes do not hash to its
    recorded hash is refused (:class:`SchemaError`, exit 2)."""
    path = str(path)
    hint = "approvals are written by `codekit approve`, never by hand: restore the file from version control"
    if not isinstance(raw, dict) or raw.get("codekit_approval") != APPROVAL_VERSION:
        found = repr(raw.get("codekit_approval")) if isinstance(raw, dict) else type(raw).__name__
        raise SchemaError("not a codekit approval", path=path, expected=f"codekit_approval: {APPROVAL_VERSION}",
                          found=found, hint=hint)
    keys = set(raw)
    missing = sorted(_APPROVAL_KEYS - {"note"} - keys)
    extra = sorted(keys - _APPROVAL_KEYS)
    if missing or extra:
        raise SchemaError("the approval has the wrong keys", path=path, expected=", ".join(sorted(_APPROVAL_KEYS)),
                          found=("missing " + ", ".join(missing) if missing else "") + ("; " if missing and extra else "")
                          + ("unexpected " + ", ".join(extra) if extra else ""), hint=hint)
    for k in ("division", "by", "from", "diff_hash"):
        if not isinstance(raw[k], str) or not raw[k].strip():
            raise SchemaError(f"the approval's {k} is not a text", path=path, found=repr(raw[k]), hint=hint)
    if not _HASH.match(raw["diff_hash"]):
        raise SchemaError("the approval's diff_hash is not a sha256", path=path, expected="sha256:<64 hex digits>",
                          found=repr(raw["diff_hash"]), hint=hint)
    changes = raw["changes"]
    if not isinstance(changes, list) or not changes or not all(isinstance(c, dict) for c in changes):
        raise SchemaError("the approval's changes are not a list of changes", path=path, hint=hint)
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise SchemaError("the approval's note is not a text", path=path, found=repr(note), hint=hint)
    found = _hash(changes)
    if found != raw["diff_hash"]:
        raise SchemaError("tampered approval: its changes do not hash to its diff_hash", path=path,
                          expected=raw["diff_hash"], found=found, hint=hint)
    return Approval(raw["division"], raw["by"], raw["from"], raw["diff_hash"], tuple(changes), note, path)


def load_approvals(folder: str | Path | None) -> list[Approval]:
    """Every approval file (``*.json``, ``*.yaml``, ``*.yml``) in ``folder``, in file-name order; other files
    (a README) are left alone. A missing folder holds no approvals."""
    if folder is None:
        return []
    root = Path(folder)
    if not root.exists():
        return []
    if not root.is_dir():
        raise InputError("the approvals folder is a file", path=root, hint="approvals/ must be a folder of approval files")
    from codekit.io.text import refuse_special_files

    entries = sorted(root.iterdir(), key=lambda p: p.name)
    refuse_special_files(root, entries, what="approvals folder")
    out = []
    for p in entries:
        if p.name.startswith(".") or not p.is_file():
            continue
        suffix = p.suffix.lower()
        if suffix == ".json":
            from codekit.io.parse import parse_json

            try:
                text = p.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                raise InputError("the approval is not UTF-8 text", path=p) from None
            raw = parse_json(text, p)
        elif suffix in (".yaml", ".yml"):
            from codekit.io.yamlio import load_yaml_file, plain

            raw = plain(load_yaml_file(p))
        else:
            continue
        out.append(parse_approval(raw, p))
    return out


def approval_file_name(a: Approval) -> str:
    from codekit.io.strings import slug

    who = slug(a.by.split("<")[0]) or "reviewer"
    return f"{a.from_version}--{slug(a.division)}--{a.diff_hash[7:19]}--{who}.json"


# ------------------------------------------------------------------------------------------ status


@dataclass
class DivisionSignoff:
    """One division's sign-off for a diff."""

    division: str
    level: str
    changes: int
    required: bool
    diff_hash: str
    reviewers: tuple[str, ...] = ()
    approvals: list[Approval] = field(default_factory=list)  # valid: same release, same hash, a reviewer
    void: list[Approval] = field(default_factory=list)  # same release, the division's part changed since
    not_reviewers: list[Approval] = field(default_factory=list)
    older: list[Approval] = field(default_factory=list)  # of the changes since an earlier release

    @property
    def approved(self) -> bool:
        return bool(self.approvals)

    @property
    def status(self) -> str:
        if self.approved:
            return "approved"
        return "missing" if self.required else "exempt"

    def reason(self) -> str:
        if self.approved or not self.required:
            return ""
        if not self.reviewers:
            return "no reviewers named in the project"
        if self.void:
            who = ", ".join(sorted({a.by for a in self.void}))
            return f"the approval by {who} is void: the division's part of the diff changed since"
        if self.not_reviewers:
            who = ", ".join(sorted({a.by for a in self.not_reviewers}))
            return f"approved by {who}, who is not a reviewer of the division"
        if self.older:
            since = ", ".join(sorted({a.from_version for a in self.older}))
            return f"no approval of the changes since the latest release (approvals on file are of the changes since {since})"
        return "no approval"

    def to_dict(self) -> dict[str, Any]:
        return {"division": self.division, "level": self.level, "changes": self.changes, "required": self.required,
                "status": self.status, "reason": self.reason() or None, "diff_hash": self.diff_hash,
                "reviewers": list(self.reviewers), "approved_by": sorted({a.by for a in self.approvals}),
                "void": sorted({a.by for a in self.void})}


@dataclass
class SignoffStatus:
    """Each division's sign-off of the diff from release ``from_version``."""

    from_version: str
    policy: Policy
    divisions: list[DivisionSignoff]
    enforced: bool = True  # False when no project names reviewers (the policy shown is the default)

    def missing(self) -> list[DivisionSignoff]:
        return [d for d in self.divisions if d.status == "missing"]

    def required(self) -> list[str]:
        return [d.division for d in self.divisions if d.required]

    @property
    def ok(self) -> bool:
        return not self.missing()

    def approvals(self) -> list[Approval]:
        return [a for d in self.divisions for a in d.approvals]

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.from_version, "require": list(self.policy.require), "enforced": self.enforced,
                "ok": self.ok, "required": self.required(), "missing": [d.division for d in self.missing()],
                "divisions": [d.to_dict() for d in self.divisions], "project": self.policy.source}


def _is_reviewer(by: str, reviewers: tuple[str, ...]) -> bool:
    want = _who(by)
    return any(_who(r) & want for r in reviewers)


def _who(text: str) -> set[str]:
    """A reviewer's identities for matching, without case: the whole text, the name and the e-mail of
    ``Name <email>``."""
    out = {text.strip().casefold()}
    mt = re.search(r"<([^<>]+)>", text)
    if mt:
        out.add(mt.group(1).strip().casefold())
        name = text[: mt.start()].strip().casefold()
        if name:
            out.add(name)
    return out


def signoff_status(diff: Diff, policy: Policy, approvals: list[Approval] = (), *, enforced: bool = True) -> SignoffStatus:
    """Which divisions of ``diff`` must approve under ``policy``, and which have (see the module docstring).

    For a division's view (:meth:`Diff.for_division`), only that division, from the whole diff."""
    view = diff.division.casefold() if diff.division else None
    diff = diff.whole if diff.whole is not None else diff
    out = []
    for division, level in diff.levels_of().items():
        if view is not None and division.casefold() != view:
            continue
        h = diff.part_hash(division)
        revs = policy.reviewers_of(division)
        ours = [a for a in approvals if a.division.casefold() == division.casefold()]
        mine = [a for a in ours if a.from_version == diff.a]
        older = [a for a in ours if a.from_version != diff.a]
        valid = [a for a in mine if a.diff_hash == h and _is_reviewer(a.by, revs)]
        void = [a for a in mine if a.diff_hash != h]
        others = [a for a in mine if a.diff_hash == h and not _is_reviewer(a.by, revs)]
        n = sum(1 for c in diff.changes if division in c.divisions)
        required = any(policy.needs(c.level) for c in diff.changes if division in c.divisions)
        out.append(DivisionSignoff(division, level, n, required, h, revs, valid, void, others, older))
    return SignoffStatus(diff.a, policy, out, enforced)


def check_signoff(diff: Diff, policy: Policy, approvals: list[Approval] = ()) -> SignoffStatus:
    """The sign-off status of ``diff``; raises :class:`SignoffMissing` (exit 1) when a division's is missing."""
    status = signoff_status(diff, policy, approvals)
    if not status.ok:
        raise SignoffMissing(status)
    return status


# --------------------------------------------------------------------------------------- recording


def record_approval(diff: Diff, policy: Policy, division: str, by: str, *, expect: str | None = None,
                    note: str = "", known_divisions: list[str] = (), old_is_release: bool = True) -> tuple[Path, Approval, bool]:
    """Write the approval of ``division``'s part of ``diff`` by ``by`` into the project's approvals folder.

    Returns (file, approval, written): ``written`` is False when the same approval is already recorded.
    Refused, with nothing written (exit 2): an unknown division, a division with no changes, a reviewer
    the project does not name, an ``expect`` hash that is not the current one (the diff changed since it
    was reviewed), an old side that is not a published release, a tampered approval file in the folder."""
    if policy.approvals_dir is None:
        raise UsageError("no project file: approvals are kept beside it", hint="create codekit.toml, or pass --project FILE")
    if not old_is_release:
        raise UsageError("approvals are of the changes since a published release", found=repr(diff.a),
                         hint="give a release folder (dist/VERSION) as OLD")
    if not by.strip():
        raise UsageError("--by is empty", hint="name the reviewer as the project does, e.g. 'Jane Doe <jane@example.org>'")
    names = sorted(set(known_divisions) | set(diff.divisions()) | set(policy.reviewers), key=str.casefold)
    match = next((d for d in names if d.casefold() == division.casefold()), None)
    if match is None:
        raise UsageError("no such division", found=repr(division), expected=", ".join(names) or "(no divisions)",
                         hint="name a division of the catalogue, as the project spells it")
    levels = diff.levels_of()
    actual = next((d for d in levels if d.casefold() == match.casefold()), None)
    if actual is None:
        raise UsageError(f"{match} has no changes from {diff.a} to {diff.b}: there is nothing to approve",
                         hint=f"the divisions with changes: {', '.join(levels) or 'none'}")
    revs = policy.reviewers_of(actual)
    if not revs:
        raise UsageError(f"the project names no reviewers for {actual}", path=policy.source,
                         hint=f'add [divisions."{actual}"] reviewers = ["Name <email>"] to the project file')
    if not _is_reviewer(by, revs):
        raise UsageError(f"{by} is not a reviewer of {actual}", path=policy.source, expected=", ".join(revs),
                         found=repr(by), hint="approve as one of the division's reviewers, or add them to the project file")
    h = diff.part_hash(actual)
    if expect is not None and expect != h:
        raise UsageError(f"stale diff: {actual}'s part of the diff from {diff.a} changed since it was reviewed",
                         expected=expect, found=h,
                         hint=f"review it again (`codekit diff OLD NEW --division \"{actual}\"`) and approve its new hash")
    existing = load_approvals(policy.approvals_dir)  # a tampered file in the folder is refused here
    reviewer = next(r for r in revs if _is_reviewer(by, (r,)))
    approval = Approval(actual, reviewer, diff.a, h, tuple(diff.part(actual)), note.strip())
    target = policy.approvals_dir / approval_file_name(approval)
    for a in existing:
        if (a.division, a.from_version, a.diff_hash) == (actual, diff.a, h) and _who(a.by) & _who(reviewer):
            return Path(a.path), a, False
    from codekit.io.files import write_bytes_atomic

    if target.exists():
        raise UsageError("an approval file of that name exists and is not this approval", path=str(target),
                         hint="remove it or restore it from version control")
    write_bytes_atomic(target, m.pretty_json(approval.record()))
    return target, Approval(actual, reviewer, diff.a, h, approval.changes, approval.note, str(target)), True


# ------------------------------------------------------------------------------------------ owners


def owner_handle(reviewer: str, *, source: str | None = None) -> str:
    """The CODEOWNERS owner of a reviewer: ``@handle`` or ``@org/team`` as written, else the e-mail."""
    text = reviewer.strip()
    if re.fullmatch(r"@[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?", text):
        return text
    mt = re.search(r"<([^<>\s]+@[^<>\s]+)>", text) or re.fullmatch(r"([^\s<>]+@[^\s<>]+)", text)
    if mt:
        return mt.group(1)
    raise SchemaError(f"reviewer {reviewer!r} has no e-mail or @handle for the code-owners file", path=source,
                      expected='"Name <email>", "email" or "@handle"', found=repr(reviewer))


def category_divisions(doc: m.CatalogueRelease) -> dict[str, list[str]]:
    """Each category -> the divisions of the codes its routes (and merged codes) reach."""
    divs = {c.code: c.division for c in doc.codes}
    out: dict[str, set[str]] = {c.id: set() for c in doc.categories}
    for code, cats in doc.code_categories().items():
        for cid in cats:
            if divs.get(code):
                out.setdefault(cid, set()).add(divs[code])
    return {k: sorted(v) for k, v in sorted(out.items())}


def owners(doc: m.CatalogueRelease, policy: Policy, files: dict[str, str], *, root: str | Path | None = None) -> dict[str, Any]:
    """Who owns each category file: ``files`` maps category id -> its file; paths are made relative to
    ``root`` (the repository) for the code-owners file. Returns the dict ``codekit owners --json`` prints."""
    import os

    cat_divs = category_divisions(doc)
    rows = []
    for cid, divisions in cat_divs.items():
        revs = sorted({r for d in divisions for r in policy.reviewers_of(d)})
        f = files.get(cid, "")
        rel = os.path.relpath(f, root).replace(os.sep, "/") if f and root is not None else f
        rows.append({"category": cid, "file": rel, "divisions": divisions, "reviewers": revs,
                     "unowned": [d for d in divisions if not policy.reviewers_of(d)]})
    all_divs = sorted({d for r in rows for d in r["divisions"]})
    return {
        "project": policy.source,
        "divisions": {d: {"reviewers": list(policy.reviewers_of(d)),
                          "categories": sum(1 for r in rows if d in r["divisions"])} for d in all_divs},
        "not_in_catalogue": sorted(d for d in policy.reviewers if d.casefold() not in {x.casefold() for x in all_divs}),
        "categories": rows,
    }


def codeowners_text(table: dict[str, Any], *, source: str | None = None) -> str:
    """A CODEOWNERS file (GitHub, GitLab, Gitea) from :func:`owners`: each category file -> the reviewers
    of the divisions its routes reach. Files of divisions nobody reviews are listed as comments."""
    lines = ["# Generated by `codekit owners --codeowners` from the project's [divisions.*] reviewers.",
             "# Do not edit by hand: change the project file and regenerate.", ""]
    for r in table["categories"]:
        if not r["file"]:
            continue
        path = "/" + r["file"].lstrip("/")
        path = re.sub(r"([\s#\\])", r"\\\1", path)
        handles = sorted({owner_handle(x, source=source) for x in r["reviewers"]})
        comment = f"  # {', '.join(r['divisions'])}" if r["divisions"] else ""
        if handles:
            lines.append(f"{path} {' '.join(handles)}{comment}")
        else:
            lines.append(f"# {path}: no reviewers named for {', '.join(r['divisions']) or 'any division'}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------- policy + approvals


@dataclass
class Signoff:
    """A project's sign-off policy with the approvals recorded in it: what ``build_release(signoff=...)`` takes."""

    policy: Policy
    approvals: list[Approval] = field(default_factory=list)

    def status(self, diff: Diff, *, enforced: bool = True) -> SignoffStatus:
        return signoff_status(diff, self.policy, self.approvals, enforced=enforced)

    def check(self, diff: Diff) -> SignoffStatus:
        return check_signoff(diff, self.policy, self.approvals)


def load_signoff(divisions: Any, signoff: Any, *, project_file: str | Path) -> Signoff:
    """The policy of a project's ``[divisions.*]`` and ``[signoff]`` tables and the approvals beside it."""
    policy = policy_from_tables(divisions, signoff, project_file=project_file)
    return Signoff(policy, load_approvals(policy.approvals_dir))


# ------------------------------------------------------------------------ entry points of the CLI


def approve(old: str | Path, new: str | Path, signoff: Signoff, division: str, by: str, *, catalogue: Any = None,
            expect: str | None = None, note: str = "") -> dict[str, Any]:
    """Diff ``old`` (a published release) to ``new`` (a release or a working taxonomy folder) and record
    ``division``'s approval of its part (:func:`record_approval`). Returns the dict ``codekit approve --json`` prints."""
    from codekit.release import load_side
    from codekit.release.diff import diff_documents
    from codekit.release.read import is_release_dir

    name_a, doc_a = load_side(old, catalogue)
    name_b, doc_b = load_side(new, catalogue)
    d = diff_documents(doc_a, doc_b, a_name=name_a, b_name=name_b)
    known = sorted({c.division for doc in (doc_a, doc_b) for c in doc.codes if c.division})
    path, a, written = record_approval(d, signoff.policy, division, by, expect=expect, note=note,
                                       known_divisions=known, old_is_release=is_release_dir(old))
    status = signoff_status(d, signoff.policy, [*signoff.approvals, *([a] if written else [])])
    return {"written": written, "file": str(path), "approval": a.to_dict(), "to": d.b, "signoff": status.to_dict()}


def owners_of(taxonomy: Any, catalogue: Any, policy: Policy) -> dict[str, Any]:
    """:func:`owners` of a working taxonomy folder over ``catalogue``; file paths relative to the project's folder."""
    from codekit.release.build import working_document

    tax, _, doc = working_document(taxonomy, catalogue)
    files = {c.id: c.path for c in tax if c.path}
    root = Path(policy.source).resolve().parent if policy.source else None
    return owners(doc, policy, files, root=root)
