"""The expected timelines in a real browser (headless Chromium, network blocked): the preview of a release built
with request history tells a resident what to expect, per category and per code; one built without says nothing;
the report's SLA-against-actual chart is drawn."""

from __future__ import annotations

import pytest

from tests.cli_helpers import run_cli
from tests.test_browser_report_preview import _tid, browser, page  # noqa: F401  (fixtures)
from tests.test_release_timelines import COLUMNS, DATA, history, release

pytestmark = pytest.mark.slow


def _preview(tmp_path, *args):
    r, rel = release(tmp_path / "dist", *args)
    assert r.exit_code == 0, r.stderr
    out = tmp_path / "preview.html"
    r = run_cli("preview", rel, "--out", out)
    assert r.exit_code == 0, r.stderr
    return out


def _open_pothole(page, out):
    page.goto(out.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    page.fill(_tid("search"), "pothole")
    page.click(_tid("category-pothole"))


def test_preview_tells_a_resident_what_to_expect(page, tmp_path):
    req = history(tmp_path / "requests.csv")
    out = _preview(tmp_path, "--requests", req, "--requests-columns", COLUMNS)
    _open_pothole(page, out)
    cat = page.locator(_tid("category-expected"))
    # the category: RD-POTHOLE and RD-LANE together never reach four in five closed, but half are closed
    assert cat.inner_text().splitlines()[0].startswith("About half of requests like this are done within ")
    assert "Based on 46 requests up to 2024-03-01 (18 still open then)." in cat.inner_text()
    page.click(_tid("answer-where-road"))
    page.click(_tid("answer-hazard-yes"))
    assert page.locator(_tid("result-code")).inner_text() == "RD-POTHOLE"
    assert page.locator(_tid("result-expected")).inner_text().splitlines()[0] == \
        "Most requests like this are done within 29 days."
    page.click(_tid("answer-where-lane"))
    assert page.locator(_tid("result-code")).inner_text() == "RD-LANE"
    assert page.locator(_tid("result-expected")).inner_text().splitlines()[0] == \
        "Many requests like this take longer than 45 days."
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    assert page.blocked == [] and page.errors == []


def test_preview_without_history_says_nothing(page, tmp_path):
    out = _preview(tmp_path)
    _open_pothole(page, out)
    page.click(_tid("answer-where-road"))
    page.click(_tid("answer-hazard-yes"))
    assert page.locator(_tid("result-code")).inner_text() == "RD-POTHOLE"
    assert page.locator(_tid("category-expected")).count() == 0
    assert page.locator(_tid("result-expected")).count() == 0
    assert page.errors == []


def test_report_draws_sla_against_actual(page, tmp_path):
    req = history(tmp_path / "requests.csv")
    out = tmp_path / "report.html"
    r = run_cli("report", DATA / "taxonomy", "--catalogue", DATA / "catalogue.yaml", "--requests", req,
                "--requests-columns", COLUMNS, "--out", out, "--no-validate")
    assert r.exit_code == 0, r.stderr
    page.goto(out.as_uri())
    fig = page.locator(_tid("chart-timelines"))
    fig.scroll_into_view_if_needed()
    box = fig.locator("svg").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert "stated SLA" in fig.inner_text()
    rows = page.locator(_tid("timelines-divisions") + " tbody tr")
    assert rows.count() == 4  # three divisions and the code no catalogue names: "(no division)"
    assert rows.nth(0).inner_text().split("\t")[:3] == ["Transportation Services", "2", "46"]
    assert page.locator(_tid("timelines-ctl-hints")).inner_text().count("RD-POTHOLE") == 1
    fig.screenshot(path=str(tmp_path / "timelines.png"))
    assert (tmp_path / "timelines.png").stat().st_size > 5_000
    assert page.blocked == [] and page.errors == []
