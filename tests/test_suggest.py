"""`codekit suggest`: ranking, routes, confidence and hand-off, examples, batch mode, CLI errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

GOLDEN = Path(__file__).parent / "golden"
RELEASE = GOLDEN / "v1.0.0"
TAXONOMY = Path(__file__).parent / "data" / "release" / "taxonomy"
CATALOGUE = Path(__file__).parent / "data" / "release" / "catalogue.yaml"

LABELS = (
    "code,name,division,keywords,description\n"
    "R1,Pothole,Roads,pot hole;crater,A hole in the road surface\n"
    "R2,Graffiti removal,Parks,tag;spray paint,Paint or tags on public property\n"
    "R3,Streetlight out,Lighting,lamp;dark,A street light that does not work\n"
    "R4,Missed garbage collection,Waste,trash;bin,Garbage or recycling not picked up\n"
)


@pytest.fixture()
def labels(tmp_path) -> Path:
    p = tmp_path / "labels.csv"
    p.write_text(LABELS)
    return p


def _rank(cands, text, **kw):
    from codekit.suggest.rank import Suggester

    return Suggester(semantic="off", **kw).fit(cands).rank([text], 4)[0]


def test_zero_shot_ranks_the_matching_code_first(labels):
    from codekit.io.catalogue import load_catalogue
    from codekit.suggest import candidates_from_catalogue

    cands = candidates_from_catalogue(load_catalogue(labels))
    for text, want in [("there's a big pothole", "R1"), ("potholes everywhere", "R1"), ("pot hole on my street", "R1"),
                       ("potholle", "R1"), ("someone sprayed paint on the wall", "R2"),
                       ("the lamp is dark all night", "R3"), ("my trash was not picked up", "R4")]:
        top = _rank(cands, text)
        assert top[0]["category"] == want, (text, [s["category"] for s in top])
        assert top[0]["route"]["division"] == {"R1": "Roads", "R2": "Parks", "R3": "Lighting", "R4": "Waste"}[want]
    assert _rank(cands, "pothole")[0]["why"]["label"] == ["pothole"]
    assert _rank(cands, "a crater in the street")[0]["why"]["synonyms"] == ["crater"]


def test_release_categories_route_through_the_answers_the_text_implies():
    from codekit.suggest import candidates_from_document, release_document

    cands = candidates_from_document(release_document(RELEASE))
    top = _rank(cands, "big hole in the laneway behind my house")
    assert top[0]["category"] == "pothole"
    assert top[0]["route"]["code"] == "RD-LANE" and top[0]["implied_by"] == ["laneway"]
    vague = _rank(cands, "pothole")[0]
    assert vague["category"] == "pothole" and vague["route"] is None
    assert {r["code"] for r in vague["routes"]} == {"RD-POTHOLE", "RD-LANE"}
    tree = _rank(cands, "a fallen tree on private property")[0]
    assert tree["category"] == "tree" and tree["route"]["referral"] == "The property owner"


def test_taxonomy_folder_over_a_catalogue_ranks_the_same_categories():
    from codekit.suggest import load_candidates

    cands, kind, _ = load_candidates(taxonomy=TAXONOMY, catalogue=CATALOGUE)
    assert kind == "categories" and sorted(c.id for c in cands) == ["litter", "pothole", "tree"]


def test_low_confidence_hands_off_and_the_threshold_decides(labels):
    r = run_cli("suggest", "hello there", "--catalogue", labels, "--semantic", "off", "--json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["sure"] is False and out["handoff"].startswith("not sure")
    assert all(s["sure"] is False for s in out["suggestions"])
    r = run_cli("suggest", "hello there", "--catalogue", labels, "--semantic", "off", "--threshold", "0", "--json")
    assert json.loads(r.stdout)["sure"] is True
    r = run_cli("suggest", "big pothole in the road", "--catalogue", labels, "--semantic", "off", "--json")
    assert json.loads(r.stdout)["sure"] is True


def test_temperature_softens_overconfident_probabilities():
    import numpy as np

    from codekit.suggest.rank import fit_power

    # right only half the time but always 99 % sure: the fitted power flattens the probabilities
    p = np.array([[0.99, 0.01]] * 50 + [[0.01, 0.99]] * 50)
    y = np.array([0] * 25 + [1] * 25 + [1] * 25 + [0] * 25)
    assert fit_power(p, y) < 0.2
    # right every time: sharpen (power above 1)
    assert fit_power(np.array([[0.7, 0.3]] * 20), np.zeros(20, dtype=int)) > 1.0


def test_examples_teach_what_the_names_do_not_say(tmp_path, labels):
    ex = tmp_path / "train.csv"
    rows = ["text,code"] + [f"the big tree blocking the {w} sign,R2" for w in ("stop", "yield", "street", "bus")] * 15 \
        + [f"{w} is dark at night,R3" for w in ("corner", "park", "alley", "road")] * 15
    ex.write_text("\n".join(rows) + "\n")
    r = run_cli("suggest", "tree hides the stop sign", "--catalogue", labels, "--examples", ex, "--semantic", "off",
                "--json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["examples"] == 120
    top = out["suggestions"][0]
    assert top["category"] == "R2"
    assert top["why"]["examples"][0]["row"] >= 1


def test_examples_by_code_map_to_the_category_that_routes_there(tmp_path):
    from codekit.suggest import candidates_from_document, read_examples, release_document

    cands = candidates_from_document(release_document(RELEASE))
    ex = tmp_path / "ex.csv"
    ex.write_text("text,code\nhole in the lane,RD-LANE\ntrash everywhere,SW-LITTER\n")
    assert read_examples(ex, cands) == (["hole in the lane", "trash everywhere"], ["pothole", "litter"])
    ex.write_text("text,code\nhole in the lane,RD-LANE\nsomething,NOPE\n")
    with pytest.raises(Exception) as e:
        read_examples(ex, cands)
    assert "line 3" in str(e.value) and "'NOPE'" in str(e.value)


def test_empty_text_is_one_error_line(labels):
    r = run_cli("suggest", " \t ", "--catalogue", labels)
    assert r.exit_code == 2
    assert r.stderr.strip() == "Error: the text is empty. Give the words a resident wrote"


def test_unknown_release_is_one_error_line(tmp_path):
    r = run_cli("suggest", "pothole", "--release", tmp_path / "dist" / "9.9.9")
    assert r.exit_code == 2
    assert r.stderr.strip() == (f"Error: {tmp_path / 'dist' / '9.9.9'}: no such release. "
                                "Give a release folder (dist/<version>) or its catalogue.json")


def test_tampered_release_is_refused(tmp_path):
    import shutil

    rel = tmp_path / "1.0.0"
    shutil.copytree(RELEASE, rel)
    (rel / "catalogue.json").write_bytes((rel / "catalogue.json").read_bytes().replace(b"Pothole", b"Potholf", 1))
    r = run_cli("suggest", "pothole", "--release", rel)
    assert r.exit_code == 2 and "checksum mismatch for catalogue.json" in r.stderr


def test_examples_file_missing_columns(tmp_path, labels):
    ex = tmp_path / "ex.csv"
    ex.write_text("text,label\nhole,R1\n")
    r = run_cli("suggest", "hole", "--catalogue", labels, "--examples", ex)
    assert r.exit_code == 2
    assert r.stderr.strip() == (f"Error: {ex}, line 1: the examples file has no code or category column "
                                "(expected columns text and code (or text and category), found text, label)")
    ex.write_text("words,code\nhole,R1\n")
    r = run_cli("suggest", "hole", "--catalogue", labels, "--examples", ex)
    assert r.exit_code == 2 and "the examples file has no text column" in r.stderr


def test_text_and_batch_are_exclusive(tmp_path, labels):
    r = run_cli("suggest", "--catalogue", labels)
    assert r.exit_code == 2 and r.stderr.startswith("Error: give a TEXT or --batch FILE")
    r = run_cli("suggest", "x", "--release", RELEASE, "--taxonomy", TAXONOMY)
    assert r.exit_code == 2 and "not both" in r.stderr


def test_batch_interface_in_input_order_and_deterministic(tmp_path, labels):
    texts = tmp_path / "texts.csv"
    texts.write_text("id,text\nz9,the lamp is dark\na1,big pothole\nm5,=HYPERLINK(\"x\") trash not picked up\n")
    args = ["suggest", "--batch", texts, "--catalogue", labels, "--top", "3", "--semantic", "off", "--json"]
    r = run_cli(*args)
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert [p["id"] for p in out["predictions"]] == ["z9", "a1", "m5"]
    assert [p["top"][0]["code"] for p in out["predictions"]] == ["R3", "R1", "R4"]
    assert all(len(p["top"]) == 3 and set(p["top"][0]) >= {"code", "score"} for p in out["predictions"])
    assert run_cli(*args).stdout == r.stdout
    csv_out = tmp_path / "out.csv"
    r = run_cli("suggest", "--batch", texts, "--catalogue", labels, "--top", "1", "--semantic", "off", "--out", csv_out)
    assert r.exit_code == 0, r.stderr
    lines = csv_out.read_text().splitlines()
    assert lines[0] == "id,rank,category,label,code,division,score,sure"
    assert lines[1].startswith("z9,1,R3,Streetlight out,R3,Lighting,")


def test_batch_empty_text_names_its_line(tmp_path, labels):
    texts = tmp_path / "texts.csv"
    texts.write_text("id,text\na,pothole\nb,\n")
    r = run_cli("suggest", "--batch", texts, "--catalogue", labels, "--semantic", "off")
    assert r.exit_code == 2
    assert r.stderr.strip() == f"Error: {texts}, line 3: the text is empty. Give the words a resident wrote"


def test_control_characters_and_long_texts_are_cleaned():
    from codekit.suggest import MAX_TEXT_CHARS, clean_text

    assert clean_text("pot\x00hole\x1b[31m  road\u200b") == ("pot hole [31m road", False)
    text, cut = clean_text("hole " * 30000)
    assert cut and len(text) == MAX_TEXT_CHARS


@pytest.mark.real
def test_real_nyc_zero_shot_words_beat_plain_tfidf(real_dir):
    """Aggregate numbers only: codekit's word+character zero-shot (no sentence model) against the plain
    TF-IDF cosine to the type names, on NYC PublicStuff texts (types with >= 5 texts)."""
    import sys

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyses"))
    from score_suggest import load_nyc

    from codekit.suggest import candidates_from_names
    from codekit.suggest.rank import Suggester

    rows = load_nyc(real_dir)
    names = sorted({k for _, k in rows})
    assert (len(rows), len(names)) == (858, 19)
    texts = [t for t, _ in rows]
    y = np.array([names.index(k) for _, k in rows])
    p = Suggester(semantic="off").fit(candidates_from_names(names)).predict_proba(texts)
    v = TfidfVectorizer().fit(texts + names)
    base = (v.transform(texts) @ v.transform(names).T).toarray()
    assert (p.argmax(1) == y).mean() > (base.argmax(1) == y).mean() + 0.05


def test_batch_file_without_a_text_column(tmp_path, labels):
    texts = tmp_path / "texts.csv"
    texts.write_text("id,words\na,pothole\n")
    r = run_cli("suggest", "--batch", texts, "--catalogue", labels)
    assert r.exit_code == 2
    assert r.stderr.strip() == (f"Error: {texts}, line 1: the texts file has no text column "
                                "(expected columns id,text, found id, words)")


def test_unknown_semantic_mode(labels):
    r = run_cli("suggest", "pothole", "--catalogue", labels, "--semantic", "maybe")
    assert r.exit_code == 2
    assert r.stderr.strip() == "Error: unknown --semantic mode (expected auto, on or off, found 'maybe')"


def test_cp1252_batch_file_is_read(tmp_path, labels):
    texts = tmp_path / "texts.csv"
    texts.write_bytes("id,text\na,caf\xe9 pothole on the road\n".encode("cp1252"))
    r = run_cli("suggest", "--batch", texts, "--catalogue", labels, "--semantic", "off", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["predictions"][0]["top"][0]["code"] == "R1"


PRIOR = (
    "code,name,division,volume\n"
    "T1,Bike Lane Pothole,Transportation,321\n"
    "T2,Road - Pot hole,Transportation,31815\n"
    "T3,Pothole on Expressway,Transportation,836\n"
    "T4,Graffiti,Standards,5000\n"
)


def test_volume_prior_puts_the_commoner_of_equal_matches_first(tmp_path):
    """Of codes that match a text about equally, the one residents report most ranks first; a volume never
    beats a clear match (graffiti, the second most reported code, never wins "pothole")."""
    from codekit.io.catalogue import load_catalogue
    from codekit.suggest import candidates_from_catalogue

    p = tmp_path / "c.csv"
    p.write_text(PRIOR)
    cands = candidates_from_catalogue(load_catalogue(p))
    assert [c.volume for c in cands] == [321, 31815, 836, 5000]
    top = [s["category"] for s in _rank(cands, "pothole")]
    assert top[0] == "T2" and top[-1] == "T4"
    assert [s["category"] for s in _rank(cands, "pothole", prior_power=0)][0] != "T2"  # what it was without
    assert _rank(cands, "pothole")[0]["why"]["label"] == ["pothole"]  # "pot hole" joined
    assert _rank(cands, "graffiti on my fence")[0]["category"] == "T4"
    no_volumes = [c.__class__(**{**c.__dict__, "volume": None}) for c in cands]
    assert _rank(no_volumes, "pothole") == _rank(cands, "pothole", prior_power=0)


def test_taxonomy_categories_carry_their_codes_volumes():
    from codekit.sample import sample_catalogue
    from codekit.suggest import candidates_from_document, load_candidates, release_document

    vols = {c.code: c.volume for c in sample_catalogue(seed=311).codes}
    cands, _, _ = load_candidates(taxonomy=Path(__file__).parents[1] / "taxonomy", catalogue="sample:311")
    assert len(cands) > 20
    for c in cands:  # its routed codes' volumes (and those of codes merged into them)
        assert c.volume is not None and c.volume >= sum(vols[m] for m in c.codes) > 0
    # a release leaves counts out: its categories carry none
    assert all(c.volume is None for c in candidates_from_document(release_document(RELEASE)))


def test_inside_a_project_suggest_ranks_its_taxonomy_and_never_the_sample_silently(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(TAXONOMY, tmp_path / "taxonomy")
    shutil.copy(CATALOGUE, tmp_path / "catalogue.yaml")
    monkeypatch.chdir(tmp_path)
    r = run_cli("suggest", "pothole", "--taxonomy", "taxonomy", "--semantic", "off")
    assert r.exit_code == 2 and r.stderr.startswith("Error: no catalogue given, and no project file")
    (tmp_path / "codekit.toml").write_text('[inputs]\ncatalogue = "catalogue.yaml"\n')
    r = run_cli("suggest", "pothole", "--semantic", "off", "--json")
    assert r.exit_code == 0, r.stderr
    got = json.loads(r.stdout)
    assert got["ranks"] == "categories" and got["suggestions"][0]["category"] == "pothole"
    assert sorted(s["category"] for s in got["suggestions"]) == ["litter", "pothole", "tree"]
    # with --catalogue alone it ranks that catalogue's codes, project or not
    r = run_cli("suggest", "pothole", "--catalogue", "catalogue.yaml", "--semantic", "off", "--json")
    assert json.loads(r.stdout)["ranks"] == "codes"
