"""codekit lint: each finding type on a small taxonomy, its severity, file and line; exit codes; thresholds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "release"


def copy_release_inputs(tmp_path: Path) -> tuple[Path, Path]:
    tax = tmp_path / "taxonomy"
    shutil.copytree(DATA / "taxonomy", tax)
    cat = tmp_path / "catalogue.yaml"
    shutil.copy(DATA / "catalogue.yaml", cat)
    return tax, cat


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def lint_json(*args) -> tuple[int, dict]:
    r = run_cli("lint", *args, "--json")
    assert r.exit_code in (0, 1), r.stderr
    return r.exit_code, json.loads(r.stdout)


def of_type(data: dict, type_: str) -> list[dict]:
    return [f for f in data["findings"] if f["type"] == type_]


def test_the_release_test_taxonomy_is_clean(tmp_path):
    tax, cat = copy_release_inputs(tmp_path)
    code, data = lint_json(tax, "--catalogue", cat)
    assert code == 0 and data["errors"] == 0 and data["ok"] is True




def _write(tax: Path, name: str, text: str) -> Path:
    p = tax / f"{name}.yaml"
    p.write_text(text, encoding="utf-8")
    return p


DRAFT = """codekit_taxonomy: 1
id: tso
label: Tso
groups: ['Draft: mixed']
notes: |-
  Proposed by codekit propose: 2 code(s).
questions:
  - key: which
    prompt: Which of these best describes it?
    values:
      - {key: a, label: Unknown - TSO-CMP04}
      - {key: b, label: Litter / Bin Overflow}
routes:
  - when: {which: a}
    code: SW-LITTER
  - when: {which: b}
    code: SW-DUMP
"""


def test_a_raw_draft_category_is_named_finding_by_finding(tmp_path):
    tax, cat = copy_release_inputs(tmp_path)
    (tax / "litter.yaml").unlink()
    path = _write(tax, "tso", DRAFT)
    code, data = lint_json(tax, "--catalogue", cat)
    assert code == 1
    where = {(f["type"], f["line"], f["severity"]) for f in data["findings"] if f["file"] == str(path)}
    assert ("label-generic", 3, "error") in where          # one short word
    assert ("group-draft", 4, "error") in where
    assert ("note-draft", 5, "warning") in where
    assert ("answer-internal-name", 11, "error") in where  # 'Unknown - TSO-CMP04'
    assert ("synonyms-missing", 3, "warning") in where
    assert not [f for f in data["findings"] if f["line"] == 12 and f["type"] == "answer-internal-name"]
    msg = [f["message"] for f in of_type(data, "answer-internal-name")]
    assert msg == ["answer 'a' of question 'which': 'Unknown - TSO-CMP04' (internal separator '-'; acronym 'TSO'; "
                   "code-like token 'CMP04')"]


def test_jargon_the_catalogue_writes_in_capitals(tmp_path, monkeypatch):
    tax, cat = copy_release_inputs(tmp_path)
    edit(tax / "litter.yaml", "label: Litter or dumped items", "label: Row litter")
    _, with_cat = lint_json(tax, "--catalogue", cat)
    assert [f["message"] for f in of_type(with_cat, "label-jargon")] == [
        "label 'Row litter': abbreviation 'Row' (the catalogue writes it in capitals only)"]
    # without a catalogue (outside any project), 'Row' is a plain word
    monkeypatch.chdir(tmp_path)
    _, no_cat = lint_json(tax)
    assert of_type(no_cat, "label-jargon") == []


def test_labels_naming_codes_or_divisions(tmp_path):
    tax, cat = copy_release_inputs(tmp_path)
    edit(tax / "litter.yaml", "label: Litter or dumped items", "label: SW-LITTER for Solid Waste Management Services")
    _, data = lint_json(tax, "--catalogue", cat)
    (f,) = of_type(data, "label-jargon")
    assert "acronym 'SW'" in f["message"] and "names the division 'Solid Waste Management Services'" in f["message"]
    assert f["line"] == 3 and f["severity"] == "error" and f["hint"]


def test_duplicate_labels_of_categories_and_answers(tmp_path):
    tax, cat = copy_release_inputs(tmp_path)
    edit(tax / "tree.yaml", "label: ", "label: Litter or dumped items\nx: ")
    text = (tax / "tree.yaml").read_text()
    text = text.replace("\nx: ", "\n#").replace("label: Litter or dumped items\n#", "label: Litter or dumped items\n#", 1)
    (tax / "tree.yaml").write_text(text)
    edit(tax / "litter.yaml", "{key: dumping, label: Dumped items}", "{key: dumping, label: litter or a full bin}")
    code, data = lint_json(tax, "--catalogue", cat)
    assert code == 1
    msgs = sorted(f["message"] for f in of_type(data, "label-duplicate"))
    assert msgs[0].startswith("label 'Litter or dumped items' is also the label of 'litter'")
    assert msgs[1] == ("question 'what' of 'litter': answers 'litter' and 'dumping' read the same "
                       "('litter or a full bin')")


def test_thresholds_come_from_the_project_file(tmp_path, monkeypatch):
    tax, cat = copy_release_inputs(tmp_path)
    # litter's 'item' question has 3 answers: a warning above 2, an error above 2 with max_answers_error 2
    (tmp_path / "codekit.toml").write_text(
        '[inputs]\ncatalogue = "catalogue.yaml"\n[lint]\nmax_answers = 2\nmax_answers_error = 2\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, data = lint_json()
    assert code == 1 and data["options"]["max_answers"] == 2
    (f,) = of_type(data, "question-too-many-answers")
    assert f["severity"] == "error" and f["message"] == "question 'item' of 'litter' offers 3 answers (more than 2)"
    (tmp_path / "codekit.toml").write_text(
        '[inputs]\ncatalogue = "catalogue.yaml"\n[propose]\nmax_answers = 2\n', encoding="utf-8")
    code, data = lint_json()
    assert code == 0 and [f["severity"] for f in of_type(data, "question-too-many-answers")] == ["warning"]


def test_to_review_category_and_oversized(tmp_path):
    tax, _ = copy_release_inputs(tmp_path)
    edit(tax / "litter.yaml", "groups: [Garbage and recycling]", "groups: [To review]")
    (tmp_path / "codekit.toml").write_text(
        '[inputs]\ncatalogue = "catalogue.yaml"\n[lint]\nmax_codes = 1\nmax_codes_error = 5\n', encoding="utf-8")
    r = run_cli("--project", tmp_path / "codekit.toml", "lint", tax, "--json")
    data = json.loads(r.stdout)
    assert r.exit_code == 1
    assert sorted(f["code"] for f in of_type(data, "code-to-review")) == ["SW-DUMP", "SW-LITTER"]
    assert {f["severity"] for f in of_type(data, "category-oversized")} == {"warning"}


def test_human_output_and_exit_codes(tmp_path):
    tax, cat = copy_release_inputs(tmp_path)
    r = run_cli("lint", tax, "--catalogue", cat)
    assert r.exit_code == 0
    assert r.stdout == f"{tax}: 3 categories; catalogue {cat}\nReady to publish: 0 error(s) and 0 warning(s)\n"
    _write(tax, "tso", DRAFT.replace("SW-LITTER", "RD-POTHOLE").replace("SW-DUMP", "RD-LANE"))
    r = run_cli("lint", tax, "--catalogue", cat)
    assert r.exit_code == 1
    assert "Not ready to publish: " in r.stdout and "group-draft" in r.stdout


def test_the_bundled_taxonomy_passes_lint():
    r = run_cli("lint", ROOT / "taxonomy", "--sample", "--json")
    data = json.loads(r.stdout)
    assert r.exit_code == 0, data["counts"]
    assert data["errors"] == 0


def test_unknown_lint_type_in_the_project_is_refused(tmp_path):
    p = tmp_path / "codekit.toml"
    p.write_text('[lint]\nignore = ["label-jargon", "no-such-type"]\n', encoding="utf-8")
    r = run_cli("--project", p, "lint", DATA / "taxonomy")
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {p}, line 2: unknown lint finding type 'no-such-type' in [lint] ignore")


@pytest.mark.real
@pytest.mark.slow
def test_the_raw_toronto_draft_fails_lint_and_release(real_dir, tmp_path):
    src = real_dir / "toronto-311-taxonomy-nshipyard" / "taxonomy.csv"
    r = run_cli("propose", src, "--out", tmp_path / "draft")
    assert r.exit_code == 0, r.stderr
    code, data = lint_json(tmp_path / "draft", "--catalogue", src)
    assert code == 1
    c = data["counts"]
    for t in ("group-draft", "label-generic", "answer-internal-name", "category-oversized", "note-draft",
              "synonyms-missing"):
        assert c.get(t), (t, c)
    labels = {f["message"] for f in of_type(data, "label-generic")}
    # the proposal now names most things itself; what it cannot is still flagged, never passed
    assert "label 'Inspection' is one generic word" in labels
    r = run_cli("release", tmp_path / "draft", "--catalogue", src, "--out", tmp_path / "dist")
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {tmp_path / 'draft'}: the taxonomy is not ready to publish: ")
    assert "group-draft" in r.stderr and not (tmp_path / "dist").exists()


def test_jargon_rules_in_isolation():
    from codekit.model import Catalogue, ServiceCode
    from codekit.validate.lint import _vocab, internal_name, jargon

    cat = Catalogue([ServiceCode("INSECTS", "Insects"), ServiceCode("TSO-CMP04", "Unknown - TSO-CMP04"),
                     ServiceCode("RD-0101", "Road - Pot hole OUT", division="Transportation Services"),
                     ServiceCode("RD-0102", "Light out")])
    v = _vocab(cat, ["TTC"])
    assert jargon("Insects", v) == []                     # a code that is a plain word
    assert jargon("Light out", v) == []                   # OUT is also written in lower case: a plain word
    assert jargon("Tso pickup", v) == ["abbreviation 'Tso' (the catalogue writes it in capitals only)"]
    assert jargon("Call about tso-cmp04", v) == ["service code 'tso-cmp04'"]
    assert jargon("Rd 0101 damage", v) == ["code prefix 'Rd'"]
    assert jargon("Bldg permit", v) == ["abbreviation 'Bldg'"]
    assert jargon("TTC stop and TV", v) == []             # allowed word; plain capitals
    assert jargon("Ask Transportation Services", v) == ["names the division 'Transportation Services'"]
    assert internal_name("Res - Garbage", v) == ["internal separator '-'"]
    assert internal_name("SW_BIN", v)[0] == "internal separator '_'"
    assert internal_name("Garbage bin", v) == []
