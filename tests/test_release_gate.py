"""The publishing gate: lint errors refuse a release; --pre-release builds a marked draft instead."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "release"


def inputs(tmp_path: Path, *, draft: bool) -> tuple[Path, Path]:
    tax = tmp_path / "taxonomy"
    shutil.copytree(DATA / "taxonomy", tax)
    cat = tmp_path / "catalogue.yaml"
    shutil.copy(DATA / "catalogue.yaml", cat)
    if draft:
        p = tax / "pothole.yaml"
        p.write_text(p.read_text().replace("label: Pothole", "label: Complaint"), encoding="utf-8")
    return tax, cat


def release(tax, cat, out, *extra):
    return run_cli("release", tax, "--catalogue", cat, "--out", out, *extra)


def test_lint_errors_refuse_the_release_and_nothing_is_written(tmp_path):
    tax, cat = inputs(tmp_path, draft=True)
    r = release(tax, cat, tmp_path / "dist")
    assert r.exit_code == 1
    assert r.stderr == (f"Error: {tax}: the taxonomy is not ready to publish: 1 error(s) (label-generic 1) and "
                        "0 warning(s); nothing was released. Run `codekit lint` and fix the errors, or pass "
                        "--pre-release for a draft (X.Y.Z-draft.N)\n")
    assert "label 'Complaint' is one generic word" in r.stdout
    assert not (tmp_path / "dist").exists()
    r = run_cli("release", tax, "--catalogue", cat, "--out", tmp_path / "dist", "--json")
    data = json.loads(r.stdout)
    assert r.exit_code == 1 and data["released"] is False and data["lint"]["counts"] == {"label-generic": 1}


def test_a_pre_release_is_a_numbered_draft_and_says_so(tmp_path):
    tax, cat = inputs(tmp_path, draft=True)
    out = tmp_path / "dist"
    r = release(tax, cat, out, "--pre-release", "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["version"] == "1.0.0-draft.1" and data["prerelease"] is True
    assert data["readiness"]["errors"] == 1
    assert release(tax, cat, out, "--draft").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["1.0.0-draft.1", "1.0.0-draft.2"]
    doc = json.loads((out / "1.0.0-draft.2" / "catalogue.json").read_text())
    assert doc["metadata"]["status"] == "draft" and doc["metadata"]["catalogue_version"] == "1.0.0-draft.2"
    from codekit.release import load_release

    assert load_release(out / "1.0.0-draft.2").document.metadata.status == "draft"
    # the preview of a draft carries the banner; the working taxonomy's does not
    assert run_cli("preview", out / "1.0.0-draft.2", "--out", tmp_path / "p.html").exit_code == 0
    html = (tmp_path / "p.html").read_text()
    assert 'data-testid="draft-banner"' in html and "Draft \u2014 not for publication" in html

    # fixed: the final release is 1.0.0 (drafts are never a baseline) and carries no status key
    p = tax / "pothole.yaml"
    p.write_text(p.read_text().replace("label: Complaint", "label: Pothole"), encoding="utf-8")
    r = release(tax, cat, out, "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["version"] == "1.0.0"
    final = json.loads((out / "1.0.0" / "catalogue.json").read_text())
    assert "status" not in final["metadata"]
    assert load_release(out / "1.0.0").document.metadata.status == "final"
    assert run_cli("preview", out / "1.0.0", "--out", tmp_path / "f.html").exit_code == 0
    assert 'data-testid="draft-banner"' not in (tmp_path / "f.html").read_text()
    # the next draft is of the next version
    p.write_text(p.read_text().replace("label: Pothole", "label: Complaint"), encoding="utf-8")
    r = release(tax, cat, out, "--pre-release", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["version"] == "1.0.1-draft.1"


def test_an_explicit_draft_version(tmp_path):
    tax, cat = inputs(tmp_path, draft=True)
    r = release(tax, cat, tmp_path / "dist", "--pre-release", "--version", "2.0.0-draft.7", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["version"] == "2.0.0-draft.7"
    r = release(tax, cat, tmp_path / "dist", "--version", "2.0.0-draft.8")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: the version is not a semantic version (expected X.Y.Z, e.g. 1.2.0, "
                               "found '2.0.0-draft.8')")


def test_the_report_shows_readiness(tmp_path):
    from codekit.io.catalogue import load_catalogue
    from codekit.report.html import build_report, render_html, render_markdown

    tax, cat = inputs(tmp_path, draft=True)
    data = build_report(tax, load_catalogue(cat), None, run_validation=False)
    assert data["readiness"] == {"ok": False, "errors": 1, "warnings": 0, "counts": {"label-generic": 1}}
    html = render_html(data)
    assert 'data-testid="readiness-status">Readiness: 1 lint error, 0 warnings</span>' in html
    assert "- readiness: 1 lint error, 0 warnings" in render_markdown(data)
