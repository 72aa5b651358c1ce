"""`codekit diff` on the sample city with the bundled taxonomy: a category split and a code moved to
another division are reported exactly, and per division."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample():
    from codekit.errors import CodekitError
    from codekit.release.build import working_document

    if not any((ROOT / "taxonomy").glob("*.yaml")):
        pytest.skip("no bundled taxonomy in taxonomy/")
    try:
        return working_document(ROOT / "taxonomy", None)
    except CodekitError as e:  # the bundled taxonomy is being edited
        pytest.skip(f"the bundled taxonomy does not load: {e}")


def _split_candidate(tax):
    """A category with 3+ codes and a code reached by one route whose conditions other routes also use."""
    for c in tax:
        if len(c.codes()) < 3:
            continue
        for r in c.routes:
            if not r.code or sum(1 for o in c.routes if o.code == r.code) != 1:
                continue
            others = {k for o in c.routes if o is not r for k, _ in o.when}
            if {k for k, _ in r.when} <= others and all(m.into != r.code for m in getattr(c, "merged", ())):
                return c, r
    pytest.skip("no category of the bundled taxonomy can be split this way")


def test_split_and_division_move_on_the_sample(sample):
    from codekit.release.diff import diff_documents
    from codekit.release.document import build_document
    from codekit.taxonomy.model import Taxonomy

    tax, cat, before = sample
    parent, route = _split_candidate(tax)
    moved_code = route.code
    child = replace(parent, id=f"{parent.id}-split", label=f"{parent.label} (split)", routes=(replace(route, when=()),),
                    merged=())
    rest = replace(parent, routes=tuple(r for r in parent.routes if r is not route))
    new_tax = Taxonomy([c for c in tax if c.id != parent.id] + [rest, child], source="edited")

    other = next(c for c in tax if c.id != parent.id and c.codes() and cat.get(c.codes()[0]) is not None)
    code = cat[other.codes()[0]]
    target_division = next(d for d in cat.divisions() if d and d != code.division)
    new_cat = cat.replace_codes(replace(sc, division=target_division) if sc.code == code.code else sc for sc in cat)

    after = build_document(new_tax, new_cat)
    d = diff_documents(before, after)
    kinds = {(c.kind, c.category, c.code) for c in d.changes}
    assert kinds == {
        ("category-added", child.id, None),
        ("code-moved", None, moved_code),
        ("route-removed", parent.id, None),  # the answers that led to the moved code now reach no route
        ("division-reassigned", None, code.code),
    }
    assert d.level == "major"
    split_division = cat[moved_code].division
    only_move = d.for_division(target_division)
    assert {c.kind for c in only_move.changes} == {"division-reassigned"} | (
        {"category-added", "code-moved", "route-removed"} if split_division == target_division else set())
    if split_division not in (code.division, target_division):
        assert {c.kind for c in d.for_division(split_division).changes} == {"category-added", "code-moved", "route-removed"}
