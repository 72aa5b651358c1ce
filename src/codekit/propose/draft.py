"""Write a proposal as a draft ``taxonomy/`` folder analysts then edit (one YAML per category).

Each file is a valid category in the taxonomy format (docs/taxonomy.md), written with
``codekit.taxonomy.write_category``: the suggested label, its synonyms, single-choice questions with
plain-language answers (none for a one-code category; dependent questions of at most ``max_answers``
answers for a large one, see :mod:`codekit.propose.tree`), one route per code naming every answer on its
path, and in ``notes`` why the codes are together (top shared terms, confusion volume between
them, shared operational fields, divisions). Operational fields are not filled: ``codekit validate``
lists them as the analysts' to-do (``field-dropped``).

The folder is written to a temporary sibling and renamed into place: nothing half-written. An
existing non-empty folder is refused unless ``force``.
"""

from __future__ import annotations

from pathlib import Path


#: Public group written for every draft category until analysts sort them into menus.
DRAFT_GROUP_PREFIX = "Draft"


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
    dups = (getattr(cat, "tree", None) or {}).get("near_duplicates") or []
    if dups:
        lines.append("Near-duplicate codes (their answers read the same; merge or tell apart): "
                     + "; ".join(", ".join(d) for d in dups) + ".")
    merged = getattr(cat, "merged", None) or []
    if merged:
        lines.append("Near-duplicate codes drafted as one answer (`merged:` below; to offer one on its own again, "
                     "delete its entry and give it a route): "
                     + "; ".join(f"{c} into {i}" for c, i, _ in merged) + ".")
    unplain = (getattr(cat, "tree", None) or {}).get("unplain") or []
    if unplain:
        lines.append(f"Answers kept as the internal name (no plain word in it; write them by hand): {len(unplain)} "
                     "code(s): " + ", ".join(unplain) + ".")
    if cat.jargon:
        lines.append("Label check: " + "; ".join(cat.jargon) + ".")
    lines.append("Members: " + "; ".join(f"{c} ({catalogue[c].name})" for c in cat.members) + ".")
    return "\n".join(lines)


def category_for(cat, catalogue, *, max_answers: int = 7):
    """The draft :class:`PublicCategory` of one proposed category: its question tree (drafted by
    :func:`codekit.propose.tree.build_tree` when the proposal did not carry one), its synonyms."""
    from codekit.taxonomy.model import Choice, Merge, PublicCategory, Question, Route

    members = [catalogue[c] for c in cat.members]
    divs = sorted({m.division for m in members if m.division})
    group = f"{DRAFT_GROUP_PREFIX}: {divs[0]}" if len(divs) == 1 else f"{DRAFT_GROUP_PREFIX}: mixed"
    tree = getattr(cat, "tree", None)
    if not tree:
        from codekit.propose.tree import build_tree

        tree = build_tree([m.code for m in members], [m.name for m in members], max_answers=max_answers)
    questions = tuple(
        Question(
            key=q["key"], prompt=q["prompt"], datatype="singlevaluelist",
            values=tuple(Choice(key=v["key"], label=v["label"]) for v in q["values"]),
            ask_when=tuple((k, (v,)) for k, v in sorted(q["ask_when"].items())),
        )
        for q in tree["questions"]
    )
    routes = tuple(
        Route(when=tuple((k, (v,)) for k, v in r["when"].items()), code=r["code"]) for r in tree["routes"]
    )
    return PublicCategory(
        id=cat.id, label=cat.label, groups=(group,), questions=questions, routes=routes,
        synonyms=tuple(getattr(cat, "synonyms", ()) or ()), notes=_notes(cat, catalogue),
        merged=tuple(Merge(c, i, r) for c, i, r in (getattr(cat, "merged", None) or ())),
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
