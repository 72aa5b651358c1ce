"""A fresh draft in the real preview page (headless Chromium): search finds "pothole", and a question tree's
follow-up question appears only after its answer (issue 12)."""

from __future__ import annotations

from codekit.model import Catalogue, ServiceCode
from tests.cli_helpers import run_cli
from tests.test_browser_report_preview import _tid, browser, page  # noqa: F401 (fixtures)


def test_a_fresh_draft_is_searchable_and_asks_dependent_questions(page, tmp_path):  # noqa: F811
    from codekit.io.catalogue import write_catalogue

    rows = [("P1", "Road - Pot hole"), ("P2", "Road Pothole / Road Damage"), ("P3", "Pothole on Expressway")]
    rows += [(f"B{i:02d}", f"{p} - {s} - Not Picked Up") for i, (p, s) in enumerate(
        (p, s) for p in ("Res", "Multi-Res", "Non-Res") for s in ("Garbage", "Recycle", "Organic", "Yard Waste"))]
    cat = Catalogue([ServiceCode(code=c, name=n, division="Works") for c, n in rows])
    path = write_catalogue(cat, tmp_path / "catalogue.csv")
    r = run_cli("propose", path, "--categories", "2", "--weight", "semantic=0", "--max-share", "none",
                "--out", tmp_path / "draft")  # one category of 12 bins: no size cap
    assert r.exit_code == 0, r.stderr
    r = run_cli("preview", tmp_path / "draft", "--catalogue", path, "--out", tmp_path / "preview.html")
    assert r.exit_code == 0, r.stderr

    from codekit.taxonomy import load_taxonomy

    tax = load_taxonomy(tmp_path / "draft")
    pothole = next(c for c in tax if "P1" in c.codes())
    bins = next(c for c in tax if "B00" in c.codes())
    page.goto((tmp_path / "preview.html").as_uri())
    for query in ("pothole", "pot hole", "potholes"):
        page.locator(_tid("search")).fill(query)
        assert page.locator(_tid(f"category-{pothole.id}")).is_visible(), query
    page.locator(_tid("search")).fill("")
    dep = next(q for q in bins.questions if q.ask_when)
    page.locator(f'{_tid("group")}[data-group="{bins.groups[0]}"]').click()
    page.locator(_tid(f"category-{bins.id}")).click()
    assert page.locator(_tid(f"question-{dep.key}")).count() == 0
    (parent, allowed), = dep.ask_when
    page.locator(_tid(f"answer-{parent}-{allowed[0]}")).check()
    assert page.locator(_tid(f"question-{dep.key}")).is_visible()
    assert page.blocked == [] and page.errors == []
