"""Loading, writing and the schema of taxonomy/ files: bad input gives one clear error with file and line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from codekit.errors import InputError, SchemaError
from codekit.taxonomy import dump_category, load_taxonomy, write_category
from codekit.taxonomy.load import load_category
from codekit.taxonomy.schema import category_schema, schema_text
from tests.cli_helpers import run_cli
from tests.test_validate_mutations import GRAFFITI, TREE, line_of, write_fixture

ROOT = Path(__file__).resolve().parents[1]


def _tax(tmp_path: Path, **files: str) -> Path:
    d = tmp_path / "taxonomy"
    d.mkdir(exist_ok=True)
    for name, text in files.items():
        (d / f"{name}.yaml").write_text(text, encoding="utf-8")
    return d


def _error(tmp_path: Path, **files: str) -> str:
    """The one error line `codekit validate` prints (exit 2)."""
    tax = _tax(tmp_path, **files)
    _, cat = tax, tmp_path / "catalogue.yaml"
    if not cat.exists():
        from codekit.io.catalogue import write_catalogue
        from tests.test_validate_mutations import small_catalogue

        write_catalogue(small_catalogue(), cat)
    res = run_cli("validate", str(tax), "--catalogue", str(cat))
    assert res.exit_code == 2, res.stdout + res.stderr
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), res.stderr
    return lines[0]


def test_round_trip_and_deterministic_bytes(tmp_path):
    tax, _ = write_fixture(tmp_path)
    t = load_taxonomy(tax)
    assert [c.id for c in t] == ["graffiti", "tree-damage"]
    out = tmp_path / "out"
    out.mkdir()
    for c in t:
        write_category(c, out / f"{c.id}.yaml")
    t2 = load_taxonomy(out)
    assert t2.categories == t.categories
    for c in t2:
        assert (out / f"{c.id}.yaml").read_text(encoding="utf-8") == dump_category(c)
        assert dump_category(c) == dump_category(load_category(out / f"{c.id}.yaml"))


def test_yes_no_stay_text(tmp_path):
    tax, _ = write_fixture(tmp_path)
    g = load_taxonomy(tax).get("graffiti")
    assert g.question("hateful").value_keys() == ("yes", "no")
    assert g.question("on").key == "on"  # `on` is not a boolean key either


def test_schema_file_is_generated_from_the_model():
    committed = (ROOT / "schemas" / "taxonomy-category.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "schemas/taxonomy-category.schema.json drifted from codekit.taxonomy.model: regenerate it with "
        "`python -m codekit.taxonomy.schema > schemas/taxonomy-category.schema.json`"
    )
    schema = category_schema()
    assert set(schema["properties"]) >= {"id", "label", "groups", "questions", "routes", "merged"}


def test_fixture_and_docs_example_match_the_schema(tmp_path):
    from jsonschema import Draft202012Validator

    from codekit.taxonomy.load import parse_yaml

    v = Draft202012Validator(category_schema())
    docs = (ROOT / "docs" / "taxonomy.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", docs, re.S).group(1)
    for text in (TREE, GRAFFITI, example):
        doc = json.loads(json.dumps(parse_yaml(text, "x.yaml")))
        assert not list(v.iter_errors(doc))
    d = _tax(tmp_path, example=example)
    assert load_taxonomy(d).get("tree-damage").label == "Damaged or fallen tree"


def test_yaml_syntax_error(tmp_path):
    broken = TREE.replace("    prompt: Where is the tree?", "    prompt: Where: is the tree?")
    err = _error(tmp_path, tree=broken)
    path = tmp_path / "taxonomy" / "tree.yaml"
    assert err == (f"Error: {path}, line {line_of(broken, 'Where:')}: YAML syntax error: mapping values are not "
                   "allowed in this context. Check indentation, colons and quotes on that line")


def test_alias_bomb_is_refused(tmp_path):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(ord("b"), ord("j")):
        prev = chr(i - 1)
        bomb += f"{chr(i)}: &{chr(i)} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    err = _error(tmp_path, bomb=bomb)
    path = tmp_path / "taxonomy" / "bomb.yaml"
    assert err == (f"Error: {path}, line 2: a YAML alias (repeating the node anchored on line 1) is not allowed. "
                   "Aliases and merge keys are refused (this also refuses alias bombs): write the "
                   "text out in full")


def test_alias_is_refused(tmp_path):
    text = TREE.replace("label: Damaged or fallen tree", "label: &x Damaged or fallen tree").replace(
        "description: A tree or branch that is damaged, dead or has fallen.", "description: *x")
    err = _error(tmp_path, tree=text)
    assert ", line 4: a YAML alias (repeating the node anchored on line 3) is not allowed" in err


def test_merge_key_is_refused(tmp_path):
    text = TREE.replace("groups:\n  - Trees and parks\n", "groups:\n  - Trees and parks\nx: &m {a: 1}\ny:\n  <<: *m\n")
    err = _error(tmp_path, tree=text)
    assert "is not allowed" in err and "alias" in err


def test_unknown_key_names_file_and_line(tmp_path):
    text = TREE.replace("  - key: size\n    prompt:", "  - key: size\n    promt:")
    err = _error(tmp_path, tree=text)
    path = tmp_path / "taxonomy" / "tree.yaml"
    assert err == (f"Error: {path}, line {line_of(text, 'promt')}: unknown key 'promt' in questions[2]. Allowed keys: key, prompt, "
                   "datatype, values, required, ask_when")


def test_control_character_in_a_label_is_refused_with_its_line(tmp_path):
    text = TREE.replace("label: Damaged or fallen tree", 'label: "Damaged\\x01 tree"')
    err = _error(tmp_path, tree=text)
    path = tmp_path / "taxonomy" / "tree.yaml"
    assert err == (f"Error: {path}, line {line_of(text, 'Damaged')}: label holds a control character (\\x01). Remove "
                   "the character: residents read this text, and XML cannot hold it")
    nested = TREE.replace("prompt: Where is the tree?", 'prompt: "Where\\x1b[31m is the tree?"')
    assert "questions[0].prompt holds a control character (\\x1b)" in _error(tmp_path, tree=nested)


def test_duplicate_key(tmp_path):
    text = TREE.replace("label: Damaged or fallen tree\n", "label: Damaged or fallen tree\nlabel: Again\n")
    err = _error(tmp_path, tree=text)
    assert err.endswith(", line 4: duplicate key 'label' (first on line 3). Remove the repeated key")


def test_question_without_values(tmp_path):
    text = TREE.replace("    values:\n      - {key: small, label: Smaller than an arm}\n"
                        "      - {key: large, label: Bigger than an arm}\n", "")
    err = _error(tmp_path, tree=text)
    path = tmp_path / "taxonomy" / "tree.yaml"
    assert err == (f"Error: {path}, line {line_of(text, 'key: size')}: question 'size' is a singlevaluelist without allowed values. "
                   "List the answers under `values`, or make it a string/text question")


def test_two_files_claim_one_id(tmp_path):
    err = _error(tmp_path, a=TREE, b=TREE)
    a, b = tmp_path / "taxonomy" / "a.yaml", tmp_path / "taxonomy" / "b.yaml"
    assert err == (f"Error: {b}, line 2: category id 'tree-damage' is claimed by two files (also {a}, line 2). "
                   "Ids are unique: give one of them another id")


def test_condition_with_impossible_answer(tmp_path):
    text = TREE.replace("{where: street, blocking: 'yes'}", "{where: street, blocking: maybe}")
    err = _error(tmp_path, tree=text)
    assert err.endswith(f", line {line_of(text, 'maybe')}: route condition uses the answer 'maybe' that question 'blocking' cannot give "
                        "(expected yes, no, found 'maybe')")


def test_condition_on_unknown_question(tmp_path):
    text = TREE.replace("  - when: {where: park}", "  - when: {wher: park}")
    err = _error(tmp_path, tree=text)
    assert err.endswith("route condition names an unknown question 'wher'. Define the question under `questions` "
                        "or fix the key")


def test_dependency_on_later_question(tmp_path):
    text = TREE.replace("    ask_when: {where: street}\n", "    ask_when: {size: small}\n")
    err = _error(tmp_path, tree=text)
    assert err.endswith("question 'blocking' depends on a later question 'size'. Ask_when may only name questions "
                        "asked before this one")


def test_route_with_neither_code_nor_referral(tmp_path):
    text = GRAFFITI.replace("    code: GRAF-CITY\n", "")
    err = _error(tmp_path, g=text)
    assert "routes[1]: a route names a `code`, a `referral`, or both" in err


def test_unknown_version(tmp_path):
    err = _error(tmp_path, tree=TREE.replace("codekit_taxonomy: 1", "codekit_taxonomy: 7"))
    assert err.endswith("line 1: unknown taxonomy format version (expected 1, found 7). This codekit reads format 1; "
                        "upgrade codekit or convert the file")


def test_missing_and_empty_folder(tmp_path):
    with pytest.raises(InputError, match="no such taxonomy folder"):
        load_taxonomy(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="has no category files"):
        load_taxonomy(tmp_path / "empty")


def test_not_a_mapping(tmp_path):
    d = _tax(tmp_path, x="- just\n- a list\n")
    with pytest.raises(SchemaError, match="a category file must be a YAML mapping"):
        load_taxonomy(d)


def test_underscore_files_are_skipped(tmp_path):
    d = _tax(tmp_path, tree=TREE, _draft="not: [valid")
    assert [c.id for c in load_taxonomy(d)] == ["tree-damage"]
