"""Suggested labels and jargon flags on small hand-built categories whose right label is known."""

from __future__ import annotations

from codekit.propose.labels import jargon_flags, suggest_label, word_jargon

MISSED = [
    "Res / Garbage / Not Picked Up",
    "Garbage Not Collected",
    "Residential Garbage Not Picked Up",
    "Multi-Res / Recycling / Not Picked Up",
]


def test_problem_phrase_keeps_negation_and_gets_its_object():
    label = suggest_label(MISSED)
    assert label == "Garbage not picked up"
    low = label.lower()
    assert "garbage" in low and "not picked up" in low


def test_condition_goes_before_the_thing():
    names = [
        "Res / Garbage Bin / Lid Broken",
        "Multi-Residential Garbage Bin Lid Damaged",
        "Recycling Bin Wheels Damaged",
        "Non-Res / Green Bin / Body Damaged",
        "Organics Bin Lid Broken",
    ]
    assert suggest_label(names) == "Damaged bin"
    names = ["Replace Missing Garbage Bin", "Multi-Res / Recycling Bin / Missing", "Stolen Bin - Missing"]
    assert suggest_label(names) == "Missing bin"


def test_multi_word_phrase_preferred_over_single_word():
    names = ["Dead Animal on Sidewalk", "Dead Animal - Private Property", "Dead Animal in Park", "Dead Raccoon"]
    assert suggest_label(names) == "Dead animal"


def test_internal_abbreviation_is_never_chosen_and_is_flagged():
    names = ["MRAB - Elevator Out of Service", "MRAB - Laundry Room Not Working", "MRAB - No Heat",
             "Apartment Building - No Heat"]
    label = suggest_label(names)
    assert "mrab" not in label.lower()
    assert label == "No heat"
    assert jargon_flags("MRAB elevators") == ["acronym 'MRAB'"]
    assert jargon_flags("mrab elevators") == ["abbreviation 'mrab'"]


def test_jargon_words_and_initials():
    divisions = ["Transportation Services", "Solid Waste Management Services", "Toronto Water", "Urban Forestry",
                 "Municipal Licensing & Standards"]
    sections = ["Contact Centre"]
    for tok, initials_of in (("ts", "Transportation Services"), ("sw", "Solid Waste Management Services"),
                             ("tw", "Toronto Water"), ("uf", "Urban Forestry"),
                             ("mls", "Municipal Licensing & Standards"), ("cc", "Contact Centre")):
        flags = jargon_flags(f"Enquiry {tok}", divisions=divisions, sections=sections)
        assert len(flags) == 1 and flags[0].startswith("initials of the") and initials_of in flags[0], flags
    # without the organisation chart the same tokens still read as abbreviations
    for tok in ("mrab", "cc", "tw", "ts", "uf", "sw", "mls", "inq", "fel", "frst", "csrobkl"):
        assert word_jargon(tok), tok
    assert word_jargon("unmapped") == "internal term 'unmapped'"
    assert word_jargon("ops3") == "code-like token 'ops3'"
    for plain in ("bin", "lid", "tree", "snow", "heat", "not", "up", "pothole", "hogweed", "info"):
        assert word_jargon(plain) is None, plain
    assert jargon_flags("Damaged bin") == []
    assert jargon_flags("Garbage not picked up") == []


def test_jargon_left_out_of_labels():
    names = ["GEN INQ TS-04 Road Enquiry", "Road Operations - Enquiry", "GEN INQ TS-08 Road Enquiry"]
    label = suggest_label(names)
    assert not any(word_jargon(w) for w in label.split())
    assert label == "Road enquiry"
    # acronyms written in capitals inside mixed-case names are left out too
    assert "fel" not in suggest_label(["FEL Garbage Cart / Not Picked Up", "FEL Recycling Cart / Not Picked Up"]).lower()


def test_fallbacks():
    # nothing plain in the names: no guess, a label that says so, and a flag for analysts
    from codekit.propose.labels import NO_PLAIN_LABEL, label_shape_flags

    names = ["UNMAPPED - TSO-OPS3", "UNMAPPED - MLS-BLDG", "UNMAPPED - CC-DUP"]
    label = suggest_label(names)
    assert label == NO_PLAIN_LABEL
    assert label_shape_flags(label) == ["no plain words in the members' names: name it by hand"]
    # no shared phrase: the most representative name, cleaned of jargon and separators
    assert suggest_label(["Pothole - Road", "Graffiti / Bridge (TS)"]) in ("Pothole road", "Graffiti bridge")
    assert suggest_label(["Res / Nite Garbage / Not Picked Up"]) == "Residential night garbage not picked up"


def test_deterministic_and_order_free_of_input_order():
    a = suggest_label(MISSED)
    assert all(suggest_label(MISSED) == a for _ in range(3))
    assert suggest_label(list(reversed(MISSED))) == a


def test_a_label_is_never_a_function_word():
    """Helsinki's city sectors share only "and": the label is a content word of a member, not "And"."""
    from codekit.propose.labels import suggest_label

    label = suggest_label(["Culture and leisure", "Social services and health care", "General and other feedback"])
    assert label.lower() not in {"and", "or", "other", "the"}
    assert any(label.lower() in n.lower() for n in ("Culture and leisure", "Social services and health care",
                                                      "General and other feedback"))


def test_a_time_of_day_is_not_the_thing_a_label_names():
    """Toronto's night-collection codes had made a category "Night not picked up"."""
    from codekit.propose.labels import suggest_label

    names = ["Night - Garbage - Not Picked Up", "Nite / Recycle / Not Picked Up", "Night - Organics - Not Picked Up",
             "Res / Garbage / Not Picked Up", "Nite / Garbage / Not Picked Up"]
    assert suggest_label(names) == "Garbage not picked up"
