"""`codekit preview`: the static intake page, its embedded data and its inputs (the browser test clicks it)."""

from __future__ import annotations

import json
import re

import pytest

from tests.cli_helpers import run_cli
from tests.test_report_metrics import small_catalogue, write_small


def _embedded(html_text: str) -> dict:
    m = re.search(r'<script type="application/json" id="preview-data">(.*?)</script>', html_text, re.S)
    assert m, "the data block is there"
    return json.loads(m.group(1))


def test_preview_of_a_taxonomy_folder(tmp_path):
    tax, cat = write_small(tmp_path)
    out = tmp_path / "preview.html"
    r = run_cli("preview", tax, "--catalogue", cat, "--out", out)
    assert r.exit_code == 0, r.stderr
    assert "2 categories (7 routes)" in r.stdout
    text = out.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text and " src=" not in text
    data = _embedded(text)
    assert data["groups"] == ["Streets and sidewalks", "Trees and parks"]
    tree = next(c for c in data["categories"] if c["id"] == "tree-damage")
    assert [q["key"] for q in tree["questions"] if q["routing"]] == ["where", "blocking"]
    assert tree["questions"][1]["ask_when"] == {"where": ["street"]}
    assert data["codes"]["TREE-EMERG"]["division"] == "Urban Forestry"
    for testid in ("search", "groups", "categories", "questions", "result"):
        assert f'data-testid="{testid}"' in text


@pytest.mark.slow  # builds a release (validation with great-expectations): ~7 s
def test_preview_of_a_release_folder_and_its_catalogue_json(tmp_path):
    from codekit.release import build_release

    tax, cat = write_small(tmp_path)
    rel = build_release(tax, cat, tmp_path / "dist", version="1.0.0")
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    assert run_cli("preview", rel.path, "--out", a).exit_code == 0
    assert run_cli("preview", rel.path / "catalogue.json", "--out", b).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    data = _embedded(a.read_text(encoding="utf-8"))
    assert data["version"] == "1.0.0" and data["content_hash"].startswith("sha256:")
    assert len(data["categories"]) == 2


def test_a_name_cannot_close_the_script_tag(tmp_path):
    evil = "</script><script>window.pwned=1</script><!--"
    tax, cat = write_small(tmp_path, small_catalogue(name_of_graffiti=evil))
    out = tmp_path / "preview.html"
    assert run_cli("preview", tax, "--catalogue", cat, "--out", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("</script>") == 2  # the data block and the code block, nothing else
    assert "window.pwned" in text and "<script>window.pwned" not in text
    assert _embedded(text)["codes"]["GRAF-CITY"]["name"] == evil


def test_preview_is_deterministic(tmp_path):
    tax, cat = write_small(tmp_path)
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    run_cli("preview", tax, "--catalogue", cat, "--out", a)
    run_cli("preview", tax, "--catalogue", cat, "--out", b)
    assert a.read_bytes() == b.read_bytes()


def test_empty_release_is_a_clear_error():
    from codekit.errors import UsageError
    from codekit.report.preview import preview_data

    with pytest.raises(UsageError, match="the release has no categories"):
        preview_data({"metadata": {}, "categories": [], "codes": []}, source="x")


def test_bad_inputs_exit_2(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run_cli("preview", empty, "--out", tmp_path / "p.html")
    assert r.exit_code == 2 and r.stderr.startswith("Error: ") and "no category files" in r.stderr
    r = run_cli("preview", tmp_path / "missing", "--out", tmp_path / "p.html")
    assert r.exit_code == 2 and "no such release or taxonomy" in r.stderr
    assert not (tmp_path / "p.html").exists()


def test_embed_json_escapes_markup():
    from codekit.report.preview import embed_json

    text = embed_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}
