"""The report and the preview come from jinja2 templates (package files, autoescaped); the report shows the
readiness lint beside the validation status and never a green "validation passed" beside lint errors."""

from __future__ import annotations

import copy
from importlib import resources

import pytest

from codekit.io.catalogue import load_catalogue
from tests.test_output_safety import CATALOGUE, TAXONOMY


@pytest.fixture(scope="module")
def data():
    from codekit.report.html import build_report

    d = build_report(TAXONOMY, load_catalogue(CATALOGUE), None, top=5)
    assert d["validation"]["ok"]
    return d


def _render(data, readiness=None):
    from codekit.report.html import render_html

    d = copy.deepcopy(data)
    if readiness is not None:
        d["readiness"] = readiness
    return render_html(d)


def test_templates_styles_and_script_are_package_files():
    root = resources.files("codekit") / "templates"
    for name in ("report.html.j2", "report.css", "preview.html.j2", "preview.css", "preview.js"):
        assert (root / name).is_file(), name


def test_without_readiness_the_report_says_nothing_of_it(data):
    data = copy.deepcopy(data)
    data.pop("readiness", None)  # build_report lints too; a report built without it names no readiness
    text = _render(data)
    assert "Readiness" not in text
    assert '<span class="badge ok" data-testid="validation-status">validation passed</span>' in text


def test_lint_errors_stand_beside_the_validation_status_and_turn_off_its_green(data):
    text = _render(data, {"ok": False, "errors": 2, "warnings": 1, "counts": {"label-jargon": 2, "synonym-missing": 1}})
    assert ('<span class="badge na" data-testid="validation-status">validation passed</span> '
            '<span class="badge bad" data-testid="readiness-status">Readiness: 2 lint errors, 1 warning</span>') in text
    assert '<span class="badge ok" data-testid="validation-status">' not in text
    assert "label-jargon: 2, synonym-missing: 1" in text


def test_a_clean_readiness_keeps_the_green(data):
    text = _render(data, {"ok": True, "errors": 0, "warnings": 0, "counts": {}})
    assert '<span class="badge ok" data-testid="validation-status">validation passed</span>' in text
    assert "Readiness: 0 lint errors, 0 warnings" in text


def test_every_value_is_escaped_by_the_template(data):
    d = copy.deepcopy(data)
    d["title"] = "<script>x</script> & 'q' \"d\""
    d["readiness"] = {"ok": False, "errors": 1, "warnings": 0, "counts": {"<b>type</b>": 1}}
    from codekit.report.html import render_html

    text = render_html(d)
    assert "<script>x" not in text and "<b>type" not in text
    assert "&lt;script&gt;x&lt;/script&gt; &amp; &#x27;q&#x27; &quot;d&quot;" in text
    assert "&lt;b&gt;type&lt;/b&gt;: 1" in text


def test_a_missing_value_in_the_data_is_an_error_not_a_blank(data):
    from jinja2 import UndefinedError

    from codekit.report.html import render_html

    d = copy.deepcopy(data)
    del d["headline"]["groups"]
    with pytest.raises(UndefinedError):
        render_html(d)


def test_the_markdown_summary_names_the_readiness_too(data):
    from codekit.report.html import render_markdown

    d = copy.deepcopy(data)
    d.pop("readiness", None)  # build_report lints too; a report built without it names no readiness
    assert "readiness" not in render_markdown(d)
    d["readiness"] = {"ok": False, "errors": 1, "warnings": 3, "counts": {}}
    assert "- validation: passed\n- readiness: 1 lint error, 3 warnings\n" in render_markdown(d)
