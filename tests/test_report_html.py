"""`codekit report`: one self-contained, offline, deterministic HTML file plus a Markdown summary."""

from __future__ import annotations

import re

import pytest

from codekit.model import ServiceCode
from tests.cli_helpers import run_cli
from tests.test_report_metrics import small_catalogue, write_small

EVENTS = """\
timestamp,channel,kind,submitted_code,correct_code
2025-01-02T10:00:00,web,recoded,TREE-STREET,TREE-EMERG
2025-01-02T11:00:00,web,recoded,TREE-STREET,TREE-EMERG
2025-01-03T09:00:00,phone,transferred,PARK-TREE,TREE-STREET
2025-01-03T09:30:00,phone,transferred,GRAF-CITY,TREE-STREET
2025-01-04T08:00:00,app,cancelled,GRAF-CITY,
2025-01-05T08:00:00,web,duplicate,TREE-EMERG,
"""


@pytest.fixture()
def inputs(tmp_path):
    tax, cat = write_small(tmp_path)
    log = tmp_path / "errors.csv"
    log.write_text(EVENTS, encoding="utf-8")
    return tmp_path, tax, cat, log


def _report(tmp, tax, cat, log=None, *extra):
    out = tmp / "report.html"
    md = tmp / "report.md"
    args = ["report", tax, "--catalogue", cat, "--out", out, "--markdown", md, *extra]
    if log is not None:
        args += ["--errors", log]
    return run_cli(*args), out, md


@pytest.mark.slow  # runs the validation (great-expectations) too: ~6 s with imports
def test_report_writes_html_and_markdown(inputs):
    tmp, tax, cat, log = inputs
    r, out, md = _report(tmp, tax, cat, log)
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for section in ("summary", "divisions", "categories", "merges", "errors", "confusion", "steps", "questions",
                    "validation"):
        assert f'id="{section}"' in text
    # charts inline: codes per division, category sizes, hotspots, confusion network, steps
    for chart in ("chart-divisions", "chart-category-sizes", "chart-hotspots", "chart-confusion", "chart-steps"):
        assert f'data-testid="{chart}"><svg' in text
    assert "@media print" in text
    summary = md.read_text(encoding="utf-8")
    assert summary.startswith("# Service-code consolidation report")
    assert "4 active codes -> 2 public categories" in summary
    assert "| tree-damage | Damaged or fallen tree | 3 |" in summary
    assert 'data-testid="validation-status">validation passed' in text


def test_report_is_offline_and_has_no_script(inputs):
    tmp, tax, cat, log = inputs
    r, out, _ = _report(tmp, tax, cat, log, "--no-validate")
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "no external resource"
    assert "@import" not in text and "@font-face" not in text
    assert not re.search(r"url\((?!#)", text), "only in-document url(#id) references"
    # the SVG namespace URIs are identifiers, not fetched: they are the only URLs allowed
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls


def test_report_is_byte_identical_for_the_same_input(inputs):
    tmp, tax, cat, log = inputs
    r1, out, md = _report(tmp, tax, cat, log, "--no-validate")
    first, first_md = out.read_bytes(), md.read_bytes()
    r2, out, md = _report(tmp, tax, cat, log, "--no-validate")
    assert r1.exit_code == r2.exit_code == 0
    assert out.read_bytes() == first and md.read_bytes() == first_md


def test_names_with_html_are_shown_as_text(tmp_path):
    evil = "<script>alert('x')</script> & <b>bold</b>"
    tax, cat = write_small(tmp_path, small_catalogue(name_of_graffiti=evil))
    log = tmp_path / "errors.csv"
    log.write_text(EVENTS, encoding="utf-8")
    r, out, md = _report(tmp_path, tax, cat, log, "--no-validate")
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text and "<b>bold" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text
    assert "<script" not in md.read_text(encoding="utf-8")


def test_empty_catalogue_is_a_clear_error(tmp_path):
    tax, _ = write_small(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("code,name\n", encoding="utf-8")
    out = tmp_path / "report.html"
    r = run_cli("report", tax, "--catalogue", empty, "--out", out)
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert "the catalogue has no codes" in r.stderr
    assert not out.exists()


def test_missing_taxonomy_is_exit_2(tmp_path):
    _, cat = write_small(tmp_path)
    r = run_cli("report", tmp_path / "nope", "--catalogue", cat, "--out", tmp_path / "r.html")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: ") and "no such taxonomy folder" in r.stderr


def test_without_error_log_the_error_sections_say_so(inputs):
    tmp, tax, cat, _ = inputs
    r, out, _ = _report(tmp, tax, cat, None, "--no-validate")
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert "No error log given" in text and "Validation was not run" in text


def test_json_output(inputs):
    import json

    tmp, tax, cat, log = inputs
    r, out, md = _report(tmp, tax, cat, log, "--json", "--no-validate")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["written"] == {"html": str(out), "markdown": str(md)}
    assert d["headline"]["categories"] == 2 and d["headline"]["active_codes"] == 4


@pytest.mark.slow
def test_a_10000_code_catalogue_gives_a_small_report():
    """Tables and charts are capped at --top rows: the file stays small, whatever the catalogue size."""
    from codekit.model import AllowedValue, Catalogue, OperationalField
    from codekit.report.html import build_report, render_html
    from codekit.taxonomy.model import Choice, PublicCategory, Question, Route, Taxonomy

    codes = []
    for i in range(10_000):
        f = (OperationalField(key=f"f{i % 40}", prompt=f"Question {i % 40}?", datatype="singlevaluelist",
                              values=(AllowedValue("a", "A"), AllowedValue(f"b{i % 7}", "B"))),)
        codes.append(ServiceCode(f"C{i:05d}", f"Code {i}", division=f"Division {i % 25}", section=f"S{(i // 25) % 8}",
                                 volume=(i * 7919) % 5000, fields=f))
    cat = Catalogue(codes, source="big")
    cats = []
    for k in range(1000):
        mem = codes[k * 10:(k + 1) * 10]
        q = Question(key="which", prompt="Which?", values=tuple(Choice(m.code.lower(), m.name) for m in mem))
        cats.append(PublicCategory(
            id=f"cat-{k}", label=f"Category {k}", groups=(f"Group {k % 12}",), questions=(q,),
            routes=tuple(Route(when=(("which", (m.code.lower(),)),), code=m.code) for m in mem)))
    data = build_report(Taxonomy(cats, source="big"), cat, None, top=20, run_validation=False)
    text = render_html(data)
    assert len(text) < 1_000_000
    assert text.count("<tr>") < 400
    assert data["headline"]["categories"] == 1000
