"""Question trees, plain-language answers, synonyms, the unicode tokenizer and the one slug (issue 12)."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from codekit.model import Catalogue, ServiceCode
from codekit.propose.draft import category_for
from codekit.propose.tree import build_tree
from codekit.taxonomy.routing import answer_combinations, matching_routes

PROPERTY = ["Res", "Multi-Res", "Non-Res", "Park"]
STREAM = ["Garbage", "Recycle", "Organic", "Yard Waste", "XMAS Tree"]
NEED = ["Not Picked Up", "Additional Bin", "Exchange Bin", "Missing Bin", "Damaged Bin"]


def _draft(codes, names, **kw):
    tree = build_tree(codes, names, **kw)
    cat = SimpleNamespace(id="c", label="Bins", members=list(codes), tree=tree, synonyms=[], jargon=[],
                          rationale={})
    catalogue = Catalogue([ServiceCode(code=c, name=n) for c, n in zip(codes, names)])
    return tree, category_for(cat, catalogue)


def _check_reachable_once(tree, pc, codes, limit):
    """Every answer combination reaches exactly one route, every code exactly one route, no question
    over the limit, every ask_when names an earlier question."""
    seen_q: set[str] = set()
    for q in pc.questions:
        assert 2 <= len(q.values) <= limit or len(codes) == 1
        assert len({v.key for v in q.values}) == len(q.values)
        for dep, _ in q.ask_when:
            assert dep in seen_q
        seen_q.add(q.key)
    combos = answer_combinations(pc)
    reached = []
    for answers in combos:
        hits = matching_routes(pc, answers)
        assert len(hits) == 1, (answers, hits)
        reached.append(pc.routes[hits[0]].code)
    assert sorted(reached) == sorted(codes)  # each code by exactly one path
    assert sorted(r.code for r in pc.routes) == sorted(codes)
    assert tree["max_answers"] <= limit


@settings(max_examples=60, deadline=None)
@given(
    picks=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4), st.integers(0, 4), st.integers(0, 3)),
                   min_size=1, max_size=90, unique=True),
    limit=st.integers(2, 9),
    sep=st.sampled_from([" - ", " / ", "_", " "]),
)
def test_every_code_is_reachable_by_exactly_one_path(picks, limit, sep):
    sizes = ["Small", "Medium", "Large", "Extra Large"]
    names = [sep.join([PROPERTY[a], STREAM[b], NEED[c], sizes[d]]) for a, b, c, d in picks]
    codes = [f"C{i:03d}" for i in range(len(names))]
    tree, pc = _draft(codes, names, max_answers=limit)
    _check_reachable_once(tree, pc, codes, limit)


@settings(max_examples=30, deadline=None)
@given(names=st.lists(st.text(min_size=1, max_size=12).filter(str.strip), min_size=1, max_size=40),
       limit=st.integers(2, 8))
def test_any_names_even_identical_or_jargon_still_route_once(names, limit):
    codes = [f"X{i}" for i in range(len(names))]
    tree, pc = _draft(codes, names, max_answers=limit)
    _check_reachable_once(tree, pc, codes, limit)


def test_toronto_like_bins_split_on_the_structure_inside_the_names():
    names = [f"{p} - {s} - {n}" for p in PROPERTY for s in STREAM for n in NEED]
    codes = [f"B{i:03d}" for i in range(len(names))]
    tree, pc = _draft(codes, names, max_answers=7)
    assert tree["split_by"] == ["names"]
    first = [v.label for v in pc.questions[0].values]
    assert len(first) <= 7 and "Something else" not in first
    # the answers are plain language: no "Res", "Multi-Res", "XMAS"
    labels = [v.label for q in pc.questions for v in q.values]
    assert not any(w in lab.split() for lab in labels for w in ("Res", "Multi-Res", "XMAS", "Non-Res"))
    assert any("apartment or condo building" in lab.lower() for lab in labels)
    assert tree["depth"] >= 2


def test_a_small_category_asks_one_question_and_one_code_none():
    tree, pc = _draft(["A", "B"], ["Road - Pot hole", "Road - Cleaning"])
    assert [q.key for q in pc.questions] == ["which"]
    assert sorted(v.label for v in pc.questions[0].values) == ["Cleaning", "Pot hole"]  # "Road" said by all
    tree, pc = _draft(["A"], ["Road - Pot hole"])
    assert pc.questions == () and [r.code for r in pc.routes] == ["A"]


def test_near_duplicate_answers_are_numbered_and_named_in_the_notes():
    tree, pc = _draft(["A", "B", "C"], ["Garbage - Park - Bin Damaged", "Park Garbage Bin Damaged", "Park Bin Missing"])
    labels = [v.label for v in pc.questions[0].values]
    assert len(set(labels)) == 3 and any(lab.endswith("(2)") for lab in labels)
    assert tree["near_duplicates"] == [["A", "B"]]


def test_plain_names_drop_prefixes_and_codes_and_expand_abbreviations():
    from codekit.propose.plain import internal_prefixes, plain_name

    names = ["SW_Multi-Res - Organic Bin - Additional", "SW_Res - Garbage", "Unknown - TSO-CMP04",
             "Unknown - TSO-VZ12", "Res - Nite Organic - Bin Inquiry", "ROW Encroachment"]
    pre = internal_prefixes(names)
    assert pre == frozenset({"sw", "tso"})
    assert plain_name(names[0], prefixes=pre) == "Apartment or condo building, additional organic bin"
    assert plain_name(names[2], prefixes=pre) is None  # nothing plain left: the caller flags it
    assert plain_name(names[4], prefixes=pre) == "House, night organic, bin inquiry"
    assert plain_name(names[5]) == "Road allowance encroachment"
    assert plain_name("A row of trees") == "Row of trees"  # "ROW" only in capitals
    assert plain_name("Residential - Garbage Bin - Additional Large", drop={"residential", "garbage"}) \
        == "Bin, additional large"


def test_labels_name_the_thing_and_possessives_are_no_abbreviation():
    from codekit.propose.labels import jargon_flags, label_shape_flags, suggest_label

    assert jargon_flags("Chief administrator's office inquiry") == []
    assert jargon_flags("Chief administrator\u2019s office inquiry") == []
    assert suggest_label(["Bicycle Stand repair", "Taxicab Stand"]) == "Bicycle stand or taxicab stand"
    assert label_shape_flags("Complaint") == ["generic label 'Complaint': say what it is about"]
    assert label_shape_flags("Services") and label_shape_flags("Stand") and label_shape_flags("Tso")
    assert label_shape_flags("Garbage not picked up") == []
    assert suggest_label(["Unknown - TSO-CMP04", "Unknown - TSO-VZ12"], avoid=frozenset({"tso"})) \
        == "Requests without a plain name"


def test_synonyms_carry_spelling_variants_and_resident_words():
    from codekit.propose.synonyms import draft_synonyms

    syn = draft_synonyms(["Road - Pot hole", "Road Pothole / Road Damage", "Pothole on Expressway"],
                         label="Road damage")
    for want in ("pothole", "pot hole", "potholes", "hole in the road"):
        assert want in syn, (want, syn)
    assert "road damage" not in syn  # the label itself
    assert len(syn) <= 20 and len(set(syn)) == len(syn)


def test_the_preview_search_finds_pothole_on_a_fresh_draft(tmp_path):
    from codekit.propose.draft import write_draft
    from codekit.propose.metrics import draft_quality
    from codekit.propose.proposal import propose
    from codekit.taxonomy import load_taxonomy

    rows = [("a", "Road - Pot hole"), ("b", "Road Pothole / Road Damage"), ("c", "Pothole on Expressway"),
            ("d", "Noise complaint - Music"), ("e", "Noise complaint - Construction"), ("f", "Graffiti on bridge")]
    cat = Catalogue([ServiceCode(code=c, name=n, division="D") for c, n in rows])
    p = propose(cat, n_categories=3, weights=None)
    write_draft(p, tmp_path / "draft")
    q = draft_quality(load_taxonomy(tmp_path / "draft"), cat)
    for query in ("pothole", "pot hole", "potholes"):
        assert q["search"][query]["finds_it"], (query, q["search"])
    assert q["questions"]["over_limit"] == 0
    assert q["answers"]["internal_tokens"] == 0


def test_propose_writes_what_the_metrics_say(tmp_path):
    names = [f"{p} - {s} - {n}" for p in PROPERTY for s in STREAM for n in NEED]
    cat = Catalogue([ServiceCode(code=f"B{i:03d}", name=n, division="Waste") for i, n in enumerate(names)])
    from codekit.propose.proposal import propose

    p = propose(cat, n_categories=1, max_answers=5, max_share=None)  # one category: no size cap
    rq = p.metrics["routing_questions"]
    tree = p.categories[0].tree
    assert rq["most_answers"] == tree["max_answers"] <= 5 and rq["max_answers"] == 5
    assert rq["total"] == len(tree["questions"]) and rq["max"] == tree["depth"]
    assert p.params["max_answers"] == 5


def test_the_tokenizer_keeps_letters_of_every_script():
    from codekit.analyse.text import words

    assert words("Pyörätie") == ["pyörätie"]
    assert words("Straßenschäden") == ["strassenschäden"]  # casefold: ß -> ss, one token
    assert words("Déneigement des trottoirs") == ["déneigement", "des", "trottoirs"]
    assert words("Ｆｕｌｌ ﬁre") == ["full", "fire"]  # NFKC: full-width letters and ligatures
    assert words("Улица Ямы") == ["улица", "ямы"]
    assert words("Chief administrator's office") == ["chief", "administrator", "office"]


def test_one_slug_everywhere():
    import codekit.propose.proposal as P
    from codekit.io.strings import slug
    from codekit.propose.proposal import category_id

    assert not hasattr(P, "slug")
    assert slug("Déneigement") == "deneigement" == category_id("Déneigement")
    assert category_id("Trottoirs - déneigement") == "trottoirs-deneigement"
    assert category_id("!!!") == "category"
    tree = build_tree(["A", "B"], ["Trottoirs - déneigement", "Trottoirs - Pyörätie"])
    assert sorted(v["key"] for v in tree["questions"][0]["values"]) == ["deneigement", "pyoratie"]


def test_duplicate_labels_are_told_apart():
    from codekit.propose.labels import tell_labels_apart

    out = tell_labels_apart(
        {1: "Information", 2: "Information", 3: "Road"},
        {1: ["Tree Planting: Information", "Tree Maintenance - General Enquiry"],
         2: ["Bin Management: Information", "Info Request || Collections"], 3: ["Road"]},
    )
    assert out == {1: "Information (tree)", 2: "Information (bin)", 3: "Road"}
    same = tell_labels_apart({1: "Noise", 2: "Noise"}, {1: ["Noise"], 2: ["Noise"]})
    assert same == {1: "Noise", 2: "Noise (2)"}


def test_names_with_no_plain_word_are_kept_and_named_not_invented():
    tree, pc = _draft(["A", "B", "C"], ["Unknown - TSO-CMP04", "Unknown - TSO-VZ12", "Road - Pot hole"],
                      prefixes=frozenset({"tso"}))
    assert tree["unplain"] == ["A", "B"]
    labels = sorted(v.label for v in pc.questions[0].values)
    assert labels == ["Road, pot hole", "Unknown - TSO-CMP04", "Unknown - TSO-VZ12"]
    assert "write them by hand): 2 code(s): A, B." in pc.notes
