"""Request rows of other cities, by naming the columns (NYC real data, SF-style CSV)."""

from __future__ import annotations

import pytest

from codekit.errors import UsageError
from codekit.io.catalogue import detect_format, load_catalogue
from codekit.io.rows import RowColumns, load_rows


def test_nyc_preset(real_dir):
    path = real_dir / "nyc311-pyboot-2022" / "311_Service_Requests_from_2010_to_Present.csv"
    assert detect_format(path) == "rows"
    cat = load_catalogue(path, "rows", columns="nyc")
    assert cat.total_volume() == 924
    # 62 (type, descriptor) pairs; Encampment under NYPD and DHS is kept apart -> 63 codes
    assert len(cat) == 63
    assert len({c.code.split("~")[0] for c in cat}) == 62
    enc = {c.code: c for c in cat if c.code.startswith("encampment:")}
    assert sorted(enc) == ["encampment:n-a~dhs", "encampment:n-a~nypd"]
    assert enc["encampment:n-a~nypd"].division == "NYPD" and enc["encampment:n-a~nypd"].volume == 6
    assert enc["encampment:n-a~dhs"].division == "DHS" and enc["encampment:n-a~dhs"].volume == 1
    assert enc["encampment:n-a~dhs"].name == "Encampment"
    loud = cat["noise-residential:loud-music-party"]
    assert loud.name == "Noise - Residential: Loud Music/Party"
    assert sorted(cat.divisions()) == ["DHS", "DOHMH", "DOT", "DPR", "DSNY", "EDC", "NYPD", "TLC"]
    totals = {}
    for c in cat:
        for s, n in c.status_counts:
            totals[s] = totals.get(s, 0) + n
    assert totals == {"Closed": 480, "In Progress": 440, "Open": 4}
    # detected without naming the columns too
    assert load_catalogue(path).to_records() == cat.to_records()


def test_sf_preset_csv(tmp_path):
    p = tmp_path / "sf.csv"
    p.write_text(
        "service_request_id,service_code,service_name,status,requested_datetime\n"
        "1,24,Sidewalk_Cleaning,Open,2010-11-15 01:00:36\n"
        "2,24,Sidewalk_Cleaning,Closed,2010-11-15 02:00:36\n"
        "3,49,Graffiti,Open,2010-11-15 03:00:36\n"
        "4,null,null,null,:27.7\n"
    )
    cat = load_rows(p, RowColumns.preset("sf"))
    assert cat.code_ids == ["24", "49"]
    assert cat["24"].volume == 2 and dict(cat["24"].status_counts) == {"Closed": 1, "Open": 1}
    assert cat["24"].division == ""  # agency_responsible is optional in the preset
    assert any("1 row(s)" in w for w in cat.warnings)


def test_columns_spec_and_cp1252(tmp_path):
    p = tmp_path / "city.csv"
    p.write_bytes("Type,Sub,Dept\nPothole,Rue André,Roads\nPothole,Rue André,Roads\nTree,,Parks\n".encode("cp1252"))
    cat = load_catalogue(p, columns="name=Type+Sub,division=Dept")
    assert cat.code_ids == ["pothole:rue-andre", "tree:none"]
    assert cat["pothole:rue-andre"].name == "Pothole: Rue André"
    assert cat["pothole:rue-andre"].volume == 2
    assert cat["tree:none"].name == "Tree"


def test_unknown_preset():
    with pytest.raises(UsageError, match="unknown column preset 'la'"):
        RowColumns.preset("la")
