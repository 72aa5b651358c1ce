"""Signals, labels and metrics on a small hand-built catalogue whose right answer is known."""

from __future__ import annotations

import pytest

from codekit.errors import UsageError
from codekit.propose.labels import jargon_flags, suggest_label
from codekit.propose.metrics import routing_questions, score_against
from codekit.propose.proposal import propose
from codekit.propose.signals import Weights, build_signals
from codekit.analyse.text import split_segments, words
from tests.test_propose_data import small_catalogue, small_log


def test_proposal_finds_the_two_families_with_the_log():
    cat = small_catalogue()
    p = propose(cat, small_log(), n_categories=2, against="extra.family")
    assign = p.assignment
    assert assign["RD-1"] == assign["RD-2"] == assign["RD-3"]
    assert assign["GR-1"] == assign["GR-2"] == assign["GR-3"]
    assert assign["RD-1"] != assign["GR-1"]
    m = p.metrics
    assert m["n_codes"] == 6 and m["n_categories"] == 2
    assert m["reduction_ratio"] == pytest.approx(1 - 2 / 6, abs=1e-6)
    assert m["codes_per_category"] == 3
    # 90 of the 100 re-coded/transferred events stay inside a family
    assert (m["confusion_total"], m["confusion_within"], m["confusion_within_share"]) == (100, 90, 0.9)
    assert m["routing_questions"]["total"] == 2 and m["routing_questions"]["max"] == 1
    assert m["routing_questions"]["categories_spanning_divisions"] == 1  # graffiti spans three divisions
    assert p.against["ari"] == 1.0 and p.against["ami"] == 1.0 and p.against["v_measure"] == 1.0


def test_proposal_works_with_names_only():
    cat = small_catalogue()
    p = propose(cat, n_categories=2, weights=Weights(fields=0, division=0))
    assert p.assignment["RD-1"] == p.assignment["RD-2"] == p.assignment["RD-3"]
    assert "confusion" not in p.signals["active"]


def test_rationale_names_shared_terms_confusion_and_fields():
    p = propose(small_catalogue(), small_log(), n_categories=2)
    pothole = next(c for c in p.categories if "RD-1" in c.members)
    assert "pothole" in pothole.rationale["shared_terms"]
    assert pothole.rationale["confusion_within"] == 60
    assert pothole.rationale["shared_fields"] == ["size"]
    assert "pothole" in pothole.label.lower()


def test_against_section_switches_the_section_signal_off():
    p = propose(small_catalogue(), n_categories=2, weights=Weights(section=0.5), against="section")
    assert "section" not in p.signals["active"]
    assert any("section switched off" in w for w in p.warnings)


def test_hierarchy_and_words():
    assert split_segments("Residential: Bin: Repair or Replace Lid") == ["Residential", "Bin", "Repair or Replace Lid"]
    assert split_segments("Water Service Line - Low Pressure|| Low Flow") == [
        "Water Service Line", "Low Pressure", "Low Flow"]
    assert split_segments("Road Pothole / Road Damage") == ["Road Pothole", "Road Damage"]
    assert words("Res / Nite Garbage") == ["residential", "night", "garbage"]
    assert words("Non-Res Bin") == ["nonresidential", "bin"]


def test_pot_hole_meets_pothole_in_the_text_signal():
    from codekit.model import Catalogue, ServiceCode

    cat = Catalogue([ServiceCode("a", "Road - Pot hole"), ServiceCode("b", "Road Pothole / Road Damage"),
                     ServiceCode("c", "Noise complaint")])
    sig = build_signals(cat)
    assert sig.pair(0, 1)["text"] > 0.3 > 3 * sig.pair(0, 2)["text"]
    assert sig.pair(0, 1)["hierarchy"] > 0  # both heads have "road"


def test_hierarchy_signal_groups_siblings():
    from codekit.model import Catalogue, ServiceCode

    cat = Catalogue([ServiceCode("a", "Residential: Bin: Repair Lid"), ServiceCode("b", "Residential: Bin: Wheel"),
                     ServiceCode("c", "Road - Cleaning"), ServiceCode("d", "Road - Pot hole")])
    sig = build_signals(cat)
    h = sig.pair
    assert h(0, 1)["hierarchy"] > 0.9 and h(2, 3)["hierarchy"] > 0.9 and h(0, 2)["hierarchy"] == 0.0


def test_labels_and_jargon():
    assert suggest_label(["Road - Pot hole", "Road Pothole / Road Damage", "Pothole on Expressway"]) == "Road pothole"
    assert suggest_label(["Road - Pot hole", "Pothole on Expressway"]) == "Pothole"
    assert suggest_label(["Res / Nite Garbage / Not Picked Up"]) == "Residential night garbage not picked up"
    flags = jargon_flags("FEL bins for Solid Waste Management Services", divisions=["Solid Waste Management Services"])
    assert "names the division 'Solid Waste Management Services'" in flags
    assert "acronym 'FEL'" in flags
    assert jargon_flags("CSROWR-12 pothole", codes=["CSROWR-12"]) == ["acronym 'CSROWR'", "service code 'CSROWR-12'"]
    assert jargon_flags("Damaged or fallen tree") == []


def test_routing_questions():
    assert [routing_questions(n) for n in (1, 2, 7, 8, 49, 50)] == [0, 1, 1, 2, 2, 3]


def test_score_against_known_answers():
    s = score_against(["a", "a", "b", "b"], [0, 0, 1, 1])
    assert (s["ari"], s["ami"], s["v_measure"]) == (1.0, 1.0, 1.0)
    s = score_against(["a", "a", "b", "", "b"], [1, 1, 1, 5, 1])
    assert s["ari"] == 0.0 and s["n_unlabelled"] == 1 and s["n_scored"] == 4
    assert list(s)[:3] == ["ari", "ami", "v_measure"]  # adjusted scores first


def test_weights_parse():
    w = Weights.parse(["text=0.5", "division=0,fields=2"])
    assert (w.text, w.division, w.fields) == (0.5, 0.0, 2.0)
    with pytest.raises(UsageError, match="cannot read weight 'colour=1'"):
        Weights.parse(["colour=1"])
    with pytest.raises(UsageError, match="weight 'text' is not a number"):
        Weights.parse(["text=lots"])
    with pytest.raises(UsageError, match="must be a number >= 0"):
        Weights(text=-1)


def test_all_signals_off_is_an_error():
    with pytest.raises(UsageError, match="every similarity signal is switched off"):
        build_signals(small_catalogue(), weights=Weights(**{k: 0.0 for k in Weights().to_dict()}))


def test_deterministic_proposal():
    a = propose(small_catalogue(), small_log(), n_categories=3, seed=5).to_dict()
    b = propose(small_catalogue(), small_log(), n_categories=3, seed=5).to_dict()
    assert a == b


def test_semantic_signal_from_given_embeddings():
    import numpy as np

    cat = small_catalogue()
    emb = np.array([[1, 0], [1, 0.1], [1, 0.05], [0, 1], [0.1, 1], [0.05, 1]], dtype=float)
    sig = build_signals(cat, weights=Weights(semantic=1.0), embeddings=emb)
    assert "semantic" in sig.active and sig.pair(0, 1)["semantic"] > 0.99 and sig.pair(0, 3)["semantic"] < 0.01


def test_retired_codes_are_left_out():
    from dataclasses import replace
    from codekit.propose.constraints import Constraints

    cat = small_catalogue()
    cat = cat.replace_codes([replace(c, status="retired") if c.code == "GR-3" else c for c in cat.codes])
    p = propose(cat, small_log(), n_categories=2)
    assert "GR-3" not in p.assignment and len(p.assignment) == 5
    assert "1 retired code(s) left out of the proposal" in p.warnings
    with pytest.raises(UsageError, match="the constraints name retired codes: 'GR-3'"):
        propose(cat, constraints=Constraints(must_link=(("GR-3", "GR-1"),)))


def test_one_code_is_nothing_to_group():
    from codekit.model import Catalogue, ServiceCode

    with pytest.raises(UsageError, match="nothing to group: the catalogue has 1 active code"):
        propose(Catalogue([ServiceCode("a", "Pothole")]))


def test_code_prefixes_are_jargon_and_kept_out_of_labels():
    from codekit.propose.labels import code_prefixes

    prefixes = code_prefixes(["PK-0101", "SW-0102", "CSROWR-12", "30102"])
    assert prefixes == frozenset({"pk", "sw", "csrowr"})
    assert suggest_label(["PK Park Info Enquiry", "PK Park Info Question"], avoid=prefixes) == "Park information"
    assert jargon_flags("pk info", prefixes=prefixes) == ["code prefix 'pk'"]
    # one shared word is no label: the two things, in two to five words (was "Collection")
    assert suggest_label(["Collection schedule", "Collections calendar"]) == "Collection schedule or collections calendar"


def test_description_phrasing_counts_when_most_codes_share_it():
    """Descriptions keep their function words and common phrasing (IDF weighs them; no fixed stop list and
    no cut of words in more than half the descriptions): "Report if ... is broken" services, the larger
    kind on this list, still meet each other more than they meet the "Give feedback on ..." channels."""
    from codekit.model import Catalogue, ServiceCode

    report = ["bench", "swing", "fence", "lamp", "sign", "gate", "tap"]
    feedback = ["schools", "museums", "hospitals", "libraries", "housing"]
    rows = [(f"R-{i}", w.title(), f"Report if the {w} is broken.") for i, w in enumerate(report)]
    rows += [(f"F-{i}", w.title(), f"Give feedback on {w}.") for i, w in enumerate(feedback)]
    cat = Catalogue([ServiceCode(code=c, name=n, description=d) for c, n, d in rows], source="t", format="test")
    sig = build_signals(cat)
    assert bool(sig.available["description"].all())
    r0, r1, f0 = 0, 1, len(report)
    assert sig.pair(r0, r1)["description"] > 0.2
    assert sig.pair(r0, r1)["description"] > 2 * sig.pair(r0, f0)["description"]
