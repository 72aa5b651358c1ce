"""The report and the intake preview in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright for Python, with no browser download (``executable_path``) and the network blocked.

- the report opens offline, its charts are drawn (SVG with a non-zero size), a screenshot is taken, a
  name with ``<script>`` shows as text and runs nothing;
- the preview is clicked through for 24 routes sampled (seeded) from the routing table of the bundled
  sample taxonomy, and each lands on the code (or referral) the routing table says; search finds a
  category by a synonym; a dependent question appears only once its condition holds.

Skipped, with the reason, only when no Chromium is installed (`.ci/install-browser.sh` installs it) or
Playwright is missing.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.test_report_html import EVENTS
from tests.test_report_metrics import small_catalogue, write_small

pytestmark = pytest.mark.slow  # a real browser: ~25 s for the file

ROOT = Path(__file__).resolve().parents[1]
N_ROUTES = 24
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        path = name if Path(name).is_file() else shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    exe = _chromium()
    if exe is None:
        pytest.skip("no Chromium found: run .ci/install-browser.sh (apt-get install chromium chromium-driver)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser):
    """A page with the network blocked: any request that is not file:// or data: fails and is recorded."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.blocked = []
    pg.errors = []

    def guard(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            pg.blocked.append(url)
            route.abort()

    pg.route("**/*", guard)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


def _tid(testid: str) -> str:
    return f"[data-testid={json.dumps(testid)}]"


# --------------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------------


def _report(tmp_path, catalogue=None) -> Path:
    tax, cat = write_small(tmp_path, catalogue)
    log = tmp_path / "errors.csv"
    log.write_text(EVENTS, encoding="utf-8")
    out = tmp_path / "report.html"
    r = run_cli("report", tax, "--catalogue", cat, "--errors", log, "--out", out, "--no-validate")
    assert r.exit_code == 0, r.stderr
    return out


def test_report_charts_render_offline(page, tmp_path):
    out = _report(tmp_path)
    page.goto(out.as_uri())
    charts = page.locator("figure svg")
    assert charts.count() >= 5
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, (i, box)
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.locator(_tid("headline")).is_visible()
    assert page.blocked == [] and page.errors == []
    page.emulate_media(media="print")
    assert not page.locator("nav.toc").is_visible()  # the print stylesheet hides the navigation


def test_report_shows_script_names_as_text(page, tmp_path):
    evil = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2>"
    out = _report(tmp_path, small_catalogue(name_of_graffiti=evil))
    page.goto(out.as_uri())
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.get_by_text(evil, exact=False).first.is_visible()
    assert page.blocked == []


# --------------------------------------------------------------------------------------------------
# The preview
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_preview(tmp_path_factory):
    """The preview of the bundled sample taxonomy (taxonomy/ over the sample city) and its routing table."""
    from codekit.sample import sample_catalogue
    from codekit.taxonomy import load_taxonomy
    from codekit.taxonomy.routing import routing_rows

    tax_dir = ROOT / "taxonomy"
    if not any(tax_dir.glob("*.yaml")):
        pytest.skip("the bundled sample taxonomy (taxonomy/*.yaml) is not there")
    out = tmp_path_factory.mktemp("preview") / "preview.html"
    r = run_cli("preview", tax_dir, "--out", out)
    assert r.exit_code == 0, r.stderr
    tax = load_taxonomy(tax_dir)
    rows = [r for r in routing_rows(tax, sample_catalogue()) if r["n_matches"] == 1]
    return out, tax, rows


def _sample_rows(rows: list[dict], n: int = N_ROUTES) -> list[dict]:
    """Seeded sample: referrals and routes through a not-asked dependent question first, then the rest."""
    rows = sorted(rows, key=lambda r: (r["category"], r["answers"]))
    rng = random.Random(311)
    special = [r for r in rows if r["target"] == "referral" or "=-" in r["answers"]]
    picked = rng.sample(special, min(len(special), n // 3))
    rest = [r for r in rows if r not in picked]
    picked += rng.sample(rest, n - len(picked))
    return sorted(picked, key=lambda r: (r["category"], r["answers"]))


def _answers(text: str) -> list[tuple[str, str]]:
    out = []
    for part in text.split("; "):
        if part:
            k, _, v = part.partition("=")
            out.append((k, v))
    return out


def test_preview_routes_match_the_routing_table(page, sample_preview, tmp_path):
    out, tax, rows = sample_preview
    sample = _sample_rows(rows)
    assert len(sample) >= 20
    page.goto(out.as_uri())
    assert page.get_attribute("body", "data-ready") == "1"
    checked = 0
    for row in sample:
        cat = tax.get(row["category"])
        page.locator(f'{_tid("group")}[data-group={json.dumps(cat.groups[0])}]').click()
        page.locator(_tid(f"category-{cat.id}")).click()
        for q, a in _answers(row["answers"]):
            if a == "-":  # not asked on this route: the question must not be shown
                assert page.locator(_tid(f"question-{q}")).count() == 0, (row["answers"], q)
                continue
            page.locator(_tid(f"answer-{q}-{a}")).check()
        result = page.locator(_tid("result"))
        where = f'{row["category"]} [{row["answers"]}]'
        if row["target"] == "code":
            assert result.get_attribute("data-state") == "code", where
            assert result.get_attribute("data-code") == row["code"], where
            assert page.locator(_tid("result-code")).inner_text() == row["code"], where
            if row["division"]:
                assert row["division"] in page.locator(_tid("result-division")).inner_text(), where
        else:
            assert result.get_attribute("data-state") == "referral", where
            assert result.get_attribute("data-referral") == row["referral_to"], where
        checked += 1
    assert checked == len(sample) >= 20
    page.screenshot(path=str(tmp_path / "preview.png"))
    assert page.blocked == [] and page.errors == []


def test_preview_search_and_dependent_questions(page, sample_preview):
    out, tax, _ = sample_preview
    page.goto(out.as_uri())
    # search by a synonym
    cat = next(c for c in tax if c.synonyms)
    page.locator(_tid("search")).fill(cat.synonyms[0])
    button = page.locator(_tid(f"category-{cat.id}"))
    assert button.is_visible()
    # a dependent question appears only when its condition holds
    dep_cat, dep_q = next((c, q) for c in tax for q in c.questions if q.ask_when)
    page.locator(_tid("search")).fill("")
    page.locator(f'{_tid("group")}[data-group={json.dumps(dep_cat.groups[0])}]').click()
    page.locator(_tid(f"category-{dep_cat.id}")).click()
    assert page.locator(_tid(f"question-{dep_q.key}")).count() == 0
    for parent, allowed in dep_q.ask_when:
        page.locator(_tid(f"answer-{parent}-{allowed[0]}")).check()
    assert page.locator(_tid(f"question-{dep_q.key}")).is_visible()
    assert page.locator(_tid("result")).get_attribute("data-state") in ("incomplete", "code", "referral")
    assert page.blocked == [] and page.errors == []


def test_preview_search_ranks_with_the_release_index(page, sample_preview):
    """Issue 14: "pothole", "potholes", "pot hole" and "big hole in the road" find the sample city's pothole
    category in the real page, ranked the way codekit.release.search ranks them in Python."""
    import json as _json

    from codekit.release.search import rank

    out, tax, _ = sample_preview
    page.goto(out.as_uri())
    text = out.read_text(encoding="utf-8")
    data = _json.loads(text.split('id="preview-data">', 1)[1].split("</script>", 1)[0])
    labels = {c["id"]: c["label"] for c in data["categories"]}
    for query in ("pothole", "potholes", "pot hole", "big hole in the road"):
        page.locator(_tid("search")).fill(query)
        assert page.locator(_tid("category-pothole")).is_visible(), query
        shown = page.locator('#categories button').evaluate_all("bs => bs.map(b => b.dataset.category)")
        assert shown == [cid for cid, _ in rank(data["search"], query, labels)], query
    assert page.blocked == [] and page.errors == []
