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

from pathlib import Path


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


def write_draft(proposal, out_dir: str | Path, *, force: bool = False, inputs=()) -> list[Path]:
    """Write the draft taxonomy of ``proposal`` into ``out_dir``; returns the files written (sorted).

    Through the one folder writer: a new folder appears whole; ``force`` replaces the draft files codekit
    wrote there before and leaves files it did not write alone."""
    from codekit.io.files import write_folder_atomic
    from codekit.taxonomy.write import dump_category

    files = {f"{cat.id}.yaml": dump_category(category_for(cat, proposal.catalogue)).encode("utf-8")
             for cat in sorted(proposal.categories, key=lambda c: c.id)}
    out = write_folder_atomic(out_dir, files, replace=force, owner="codekit propose", inputs=inputs)
    return [out / n for n in sorted(files)]
