"""The sample city: size, structure, quirks, determinism, and an error log that follows the structure."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from codekit.model import CHANNELS, CONFUSION_KINDS, ERROR_KINDS, ERROR_LOG_COLUMNS
from codekit.sample import generate_sample, iter_event_chunks, sample_catalogue

DIVISIONS = {
    "Transportation Services", "Solid Waste Management Services", "Municipal Licensing & Standards",
    "Toronto Water", "Urban Forestry", "Parks, Forestry & Recreation", "311 Toronto",
}


@pytest.fixture(scope="module")
def cat():
    return sample_catalogue()


@pytest.fixture(scope="module")
def city():
    return generate_sample(seed=311, n_events=60_000)


def extra(code) -> dict:
    return dict(code.extra)


def test_size_and_divisions(cat):
    assert len(cat) >= 650
    assert set(cat.divisions()) == DIVISIONS
    assert len({c.code for c in cat}) == len(cat)
    sections = {(c.division, c.section) for c in cat}
    assert ("Municipal Licensing & Standards", "Animal Services") in sections
    for d in DIVISIONS:  # every division has real sections
        assert len({s for dd, s in sections if dd == d}) >= 3, d


def test_every_code_has_family_variant_and_operational_data(cat):
    for c in cat:
        e = extra(c)
        assert e["family"] and e["variant"], c.code
        assert c.ctl_level in (1, 2, 3) and c.milestones and c.sla_days and c.sla_days > 0
        assert c.status in ("active", "retired")
        assert c.fields, c.code
    families = {extra(c)["family"] for c in cat}
    assert len(families) >= 60


def test_field_types_and_picklists(cat):
    datatypes = Counter(f.datatype for c in cat for f in c.fields)
    assert {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"} <= set(datatypes)
    for c in cat:
        for f in c.fields:
            assert bool(f.values) == f.is_list, (c.code, f.key)
    # the same question under different keys/wordings across divisions (feeds the question bank)
    hazard_keys = {f.key for c in cat for f in c.fields if f.prompt.lower().startswith(("is this an immediate", "hazard", "is anyone in danger"))}
    assert len(hazard_keys) >= 2


def test_quirks(cat):
    by_fam = defaultdict(list)
    for c in cat:
        by_fam[extra(c)["family"]].append(c)
    # one problem owned by different divisions depending on the asset
    tree = {extra(c)["variant"]: c.division for c in by_fam["tree-damage"]}
    assert tree["street"] == "Urban Forestry" and tree["park"] == "Parks, Forestry & Recreation"
    graffiti = {extra(c)["variant"]: c.division for c in by_fam["graffiti"]}
    assert graffiti["bridge"] == "Transportation Services"
    assert graffiti["utility-pole"] == "311 Toronto"  # not a City asset: a referral
    assert graffiti["private"] == "Municipal Licensing & Standards"
    assert graffiti["park-building"] == "Parks, Forestry & Recreation"
    assert sum(len({c.division for c in v}) > 1 for v in by_fam.values()) >= 20
    # renamed codes living side by side with their successor
    retired = [c for c in cat if c.status == "retired" and "replaced_by" in extra(c)]
    assert len(retired) >= 10
    for c in retired:
        succ = cat[extra(c)["replaced_by"]]
        assert succ.active and extra(succ)["family"] == extra(c)["family"]
        assert c.code in extra(succ)["replaces"]
    assert any(c.volume for c in retired)  # some still get a trickle
    # near-duplicates, hierarchies, jargon
    near = [c for c in cat if "near_duplicate_of" in extra(c)]
    assert len(near) >= 30 and all(c.active for c in near)
    names = [c.name for c in cat]
    assert sum("||" in n for n in names) >= 10 and sum(":" in n for n in names) >= 10


def test_zipf_volumes(cat):
    vols = sorted((c.volume or 0 for c in cat), reverse=True)
    total = sum(vols)
    assert vols[0] > 50 * vols[len(vols) // 2]  # a heavy head
    assert sum(vols[:len(vols) // 10]) > 0.6 * total  # top 10% carry most requests
    assert sum(1 for c in cat if c.active and not c.volume) >= 5  # some active codes nobody uses


def test_catalogue_deterministic_per_seed(cat):
    again = sample_catalogue(311)
    assert again.to_records() == cat.to_records()
    other = sample_catalogue(312)
    assert other.code_ids == cat.code_ids  # the structure is the city's, the numbers are the seed's
    assert [c.volume for c in other] != [c.volume for c in cat]


def test_events_schema_and_values(city):
    ev = city.events
    assert ev.columns == list(ERROR_LOG_COLUMNS)
    assert ev.height == 60_000
    assert set(ev["kind"].unique()) == set(ERROR_KINDS)
    assert set(ev["channel"].unique()) <= set(CHANNELS)
    assert ev["event_id"].to_list() == list(range(1, 60_001))
    assert ev["timestamp"].is_sorted()
    assert ev["timestamp"].min().year == 2025 and ev["timestamp"].max().year == 2025
    codes = set(city.catalogue.code_ids)
    assert set(ev["submitted_code"].unique()) <= codes
    conf = ev.filter(ev["correct_code"].is_not_null())
    assert set(conf["kind"].unique()) == set(CONFUSION_KINDS)
    assert set(conf["correct_code"].unique()) <= {c.code for c in city.catalogue.active()}
    assert (conf["correct_code"] != conf["submitted_code"]).all()
    non_conf = ev.filter(~ev["kind"].is_in(list(CONFUSION_KINDS)))
    assert non_conf["correct_code"].null_count() == non_conf.height


def test_channel_mixes(city):
    ev = city.events
    mix = Counter(zip(ev["kind"].to_list(), ev["channel"].to_list()))
    ab = sum(n for (k, _), n in mix.items() if k == "abandoned")
    assert (mix[("abandoned", "web")] + mix[("abandoned", "app")]) / ab > 0.9
    tr = sum(n for (k, _), n in mix.items() if k == "transferred")
    assert mix[("transferred", "phone")] / tr > 0.5


def test_confusions_follow_structure(city):
    fam = {c.code: extra(c)["family"] for c in city.catalogue}
    div = {c.code: c.division for c in city.catalogue}
    conf = city.events.filter(city.events["correct_code"].is_not_null())
    pairs = list(zip(conf["submitted_code"].to_list(), conf["correct_code"].to_list(), conf["kind"].to_list()))
    same = sum(fam[a] == fam[b] for a, b, _ in pairs) / len(pairs)
    assert same > 0.7
    transfers = [(a, b) for a, b, k in pairs if k == "transferred"]
    assert sum(div[a] != div[b] for a, b in transfers) / len(transfers) > 0.4
    recodes = [(a, b) for a, b, k in pairs if k == "recoded"]
    assert sum(fam[a] == fam[b] for a, b in recodes) / len(recodes) > 0.75
    assert any(fam[a] != fam[b] for a, b in recodes)  # some cross-family confusion exists


def test_jargon_names_err_more(city):
    """Codes with opaque names are re-coded more often per request than plainly named ones."""
    from codekit.sample import _name_jargon

    ev = city.events
    by_code = Counter(ev.filter(ev["kind"] == "recoded")["submitted_code"].to_list())
    plain = [c for c in city.catalogue if c.active and (c.volume or 0) > 2000 and _name_jargon(c.name) == 0]
    jargon = [c for c in city.catalogue if c.active and (c.volume or 0) > 2000 and _name_jargon(c.name) >= 0.2]
    rate = lambda cs: sum(by_code[c.code] for c in cs) / sum(c.volume for c in cs)  # noqa: E731
    assert jargon and plain and rate(jargon) > rate(plain)


def test_events_deterministic_per_seed():
    a = generate_sample(seed=7, n_events=5_000).events
    b = generate_sample(seed=7, n_events=5_000).events
    c = generate_sample(seed=8, n_events=5_000).events
    assert a.equals(b)
    assert not a.equals(c)


def test_chunks_and_zero_events():
    chunks = list(iter_event_chunks(311, 0))
    assert len(chunks) == 1 and chunks[0].height == 0 and chunks[0].columns == list(ERROR_LOG_COLUMNS)
    assert generate_sample(n_events=0).events.height == 0


def test_sample_catalogue_loads_back(tmp_path):
    from codekit.io.catalogue import load_catalogue
    from codekit.sample import write_sample

    paths = write_sample(tmp_path / "city", n_events=2_000)
    assert sorted(p.name for p in (tmp_path / "city").iterdir()) == [".codekit-output", "catalogue.yaml", "errors.parquet"]
    loaded = load_catalogue(paths["catalogue"])
    assert loaded.to_records() == sample_catalogue().to_records()
    # byte-identical files for the same seed
    again = write_sample(tmp_path / "again", n_events=2_000)
    for key in ("catalogue", "errors"):
        assert paths[key].read_bytes() == again[key].read_bytes(), key


def test_sample_vocabulary_is_our_own(real_dir):
    """The sample city is written in the style of a real city, not copied from one: no name equals a real Toronto type."""
    import csv

    from codekit.sample import sample_catalogue

    path = real_dir / "toronto-311-taxonomy-nshipyard" / "taxonomy.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        real = {row["request_type"].strip().lower() for row in csv.DictReader(fh)}
    same = sorted(c.name for c in sample_catalogue() if c.name.strip().lower() in real)
    assert same == []
