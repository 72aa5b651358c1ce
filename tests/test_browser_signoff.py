"""A division's diff page (`codekit diff OLD NEW --division D --output html`) in headless Chromium: the
answer-level changes show with their labels, the sign-off table says what is missing and how to approve
exactly this diff, nothing is loaded from the network and no script runs. Skipped without Chromium."""

from __future__ import annotations

import pytest

from tests.cli_helpers import run_cli
from tests.test_browser_report_preview import browser, page  # noqa: F401  (fixtures)
from tests.test_release_build import edit
from tests.test_signoff import PFR, UF, Repo

pytestmark = pytest.mark.slow


def test_division_page_shows_answer_level_changes(page, tmp_path):  # noqa: F811
    repo = Repo(tmp_path)
    assert repo.release().exit_code == 0
    repo.move_tree_code()
    edit(repo.tax / "tree.yaml", "{key: private, label: On private property}", "{key: private, label: On my property}")
    edit(repo.tax / "tree.yaml", "      - {key: large, label: Bigger than an arm}",
         "      - {key: large, label: Bigger than an arm}\n      - {key: huge, label: A <b>whole</b> tree}")
    edit(repo.tax / "tree.yaml", "map: {small: SM, large: LG}", "map: {small: SM, large: LG, huge: LG}")
    r = repo.run("diff", str(repo.dist / "1.0.0"), str(repo.tax), "--catalogue", str(repo.cat), "--division", PFR,
                 "--output", "html")
    assert r.exit_code == 0, r.stderr
    out = tmp_path / "page.html"
    out.write_text(r.stdout, encoding="utf-8")
    page.goto(out.as_uri())
    rows = {page.locator("table").first.locator("tbody tr").nth(i).locator("td").nth(1).inner_text():
            page.locator("table").first.locator("tbody tr").nth(i).inner_text()
            for i in range(page.locator("table").first.locator("tbody tr").count())}
    assert set(rows) == {"answer-added", "answer-relabelled", "division-reassigned", "route-changed"}
    assert 'now offers \'huge\' ("A <b>whole</b> tree")' in rows["answer-added"]  # shown as text, not markup
    assert "On private property" in rows["answer-relabelled"] and "On my property" in rows["answer-relabelled"]
    assert page.locator("td b").count() == 0
    sign = page.locator("tr.signoff-missing")
    assert sign.count() == 1 and PFR in sign.inner_text() and UF not in sign.inner_text()
    assert f'codekit approve --division "{PFR}" --by NAME --expect sha256:' in page.locator("p code").inner_text()
    box = page.locator("table").first.bounding_box()
    assert box is not None and box["width"] <= 1280  # fits the page: no cell of truncated JSON pushes it wider
    page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    assert (tmp_path / "page.png").stat().st_size > 10_000
    assert page.blocked == [] and page.errors == []
    assert run_cli("--version").exit_code == 0
