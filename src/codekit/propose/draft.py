"""Write a proposal as a draft ``taxonomy/`` folder analysts then edit (one YAML per category).

Each file is a valid category in the taxonomy format (docs/taxonomy.md), written with
``codekit.taxonomy.write_category``: the suggested label, one single-choice question "Which of these
best describes it?" with an answer per member code (none for a one-code category), one route per answer
to its code, and in ``notes`` why the codes are together (top shared terms, confusion volume between
them, shared operational fields, divisions). Operational fields are not filled: ``codekit validate``
lists them as the analysts' to-do (``field-dropped``).

The folder is written to a temporary sibling and renamed into place: nothing half-written. An
existing non-empty folder is refused unless ``force``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from codekit.errors import UsageError

#: Public group written for every draft category until analysts sort them into menus.
DRAFT_GROUP_PREFIX = "Draft"


def _choice_label(name: str) -> str:
    from codekit.analyse import text as T

    parts = T.split_segments(name)
    text = " - ".join(parts) if parts else name
    return text[:1].upper() + text[1:]


def _notes(cat, catalogue) -> str:
    r = cat.rationale
    lines = [f"Proposed by codekit propose: {len(cat.members)} code(s)."]
    if r.get("shared_terms"):
        lines.append("Shared terms: " + ", ".join(r["shared_terms"]) + ".")
    if r.get("confusion_within"):
        lines.append(f"Confusion between them in the error log: {r['confusion_within']} re-coded/transferred events.")
    if r.get("shared_fields"):
        lines.append("Shared operational fields: " + ", ".join(r["shared_fields"]) + ".")
    if r.get("divisions"):
        lines.append("Divisions: " + ", ".join(f"{d} ({n})" for d, n in r["divisions"].items()) + ".")
    if r.get("mean_similarity") is not None:
        lines.append(f"Mean combined similarity: {r['mean_similarity']}.")
    if r.get("alike_by"):
        lines.append("Mean similarity by signal: " + ", ".join(f"{k} {v}" for k, v in r["alike_by"].items()) + ".")
    if cat.jargon:
        lines.append("Label check: " + "; ".join(cat.jargon) + ".")
    lines.append("Members: " + "; ".join(f"{c} ({catalogue[c].name})" for c in cat.members) + ".")
    return "\n".join(lines)


def category_for(cat, catalogue):
    """The draft :class:`PublicCategory` of one proposed category."""
    from codekit.taxonomy.model import Choice, PublicCategory, Question, Route

    members = [catalogue[c] for c in cat.members]
    divs = sorted({m.division for m in members if m.division})
    group = f"{DRAFT_GROUP_PREFIX}: {divs[0]}" if len(divs) == 1 else f"{DRAFT_GROUP_PREFIX}: mixed"
    questions = ()
    if len(members) == 1:
        routes = (Route(when=(), code=members[0].code),)
    else:
        keys: list[str] = []
        seen: set[str] = set()
        from codekit.propose.proposal import slug

        for m in members:
            k = slug(m.code, "code")
            base, n = k, 2
            while k in seen:
                k = f"{base}-{n}"
                n += 1
            seen.add(k)
            keys.append(k)
        q = Question(
            key="which", prompt="Which of these best describes it?", datatype="singlevaluelist",
            values=tuple(Choice(key=k, label=_choice_label(m.name)) for k, m in zip(keys, members)),
        )
        questions = (q,)
        routes = tuple(Route(when=(("which", (k,)),), code=m.code) for k, m in zip(keys, members))
    return PublicCategory(
        id=cat.id, label=cat.label, groups=(group,), questions=questions, routes=routes,
        notes=_notes(cat, catalogue),
    )


def write_draft(proposal, out_dir: str | Path, *, force: bool = False) -> list[Path]:
    """Write the draft taxonomy of ``proposal`` into ``out_dir``; returns the files written (sorted)."""
    from codekit.taxonomy.write import write_category

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder", path=out, hint="choose another --out")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise UsageError(
            f"the output folder {out} is not empty", path=out,
            hint="choose an empty or new folder, or pass --force to replace it",
        )
    parent = out.resolve().parent
    if not parent.is_dir():
        raise UsageError(f"the folder {parent} does not exist", path=out, hint="create it first")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    try:
        names = []
        for cat in sorted(proposal.categories, key=lambda c: c.id):
            write_category(category_for(cat, proposal.catalogue), tmp / f"{cat.id}.yaml")
            names.append(f"{cat.id}.yaml")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=parent))
            os.rmdir(old)
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out / n for n in names]
