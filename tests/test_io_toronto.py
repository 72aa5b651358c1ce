"""Toronto yearly request CSVs (a cp1252 fixture) and the aggregated taxonomy.csv (real data)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from codekit.io.catalogue import detect_format, load_catalogue
from codekit.io.toronto import code_for, toronto_cancellations
from codekit.model import ERROR_LOG_COLUMNS

SAMPLE = Path(__file__).parent / "data" / "toronto_requests_2024_sample.csv"
POTHOLE = "transportation-services:road-operations:road-pot-hole"


def test_fixture_is_cp1252():
    data = SAMPLE.read_bytes()
    assert b"\xe9" in data and b"\x92" in data  # é and ’ in cp1252


def test_yearly_codes_volumes_statuses():
    assert detect_format(SAMPLE) == "toronto-requests"
    cat = load_catalogue(SAMPLE)
    assert cat.format == "toronto-requests"
    assert len(cat) == 11
    assert cat.total_volume() == 18
    pot = cat[POTHOLE]
    # "ROAD - POT HOLE", "Road - Pot hole " and "Transportation  Services" are the same code
    assert pot.volume == 4
    assert pot.name == "Road - Pot hole"
    assert pot.division == "Transportation Services" and pot.section == "Road Operations"
    assert dict(pot.status_counts) == {"Cancelled": 1, "Completed": 2, "In Progress": 1}
    # renamed types stay apart; same type in two divisions stays apart
    assert "transportation-services:road-operations:road-pothole-road-damage" in cat
    assert "parks:forestry-recreation:general-pruning" in cat
    assert "environment:climate-forestry:general-pruning" in cat
    assert len(cat.divisions()) == 7
    assert cat.code_ids == sorted(cat.code_ids)


def test_code_rule():
    assert code_for("Municipal Licensing & Standards", "Toronto Animal Services", "Injured - Wildlife") == (
        "municipal-licensing-standards:toronto-animal-services:injured-wildlife"
    )
    assert code_for("Transportation  Services", "Road Operations", "ROAD - POT HOLE") == POTHOLE


def test_cancellations_in_error_log_schema():
    df = toronto_cancellations(SAMPLE)
    assert df.columns == list(ERROR_LOG_COLUMNS)
    assert df.height == 4
    assert df["kind"].unique().to_list() == ["cancelled"]
    assert df["channel"].unique().to_list() == ["phone"]
    assert df["event_id"].to_list() == [2, 8, 11, 16]
    assert df["timestamp"].dtype == pl.Datetime("us")
    assert df["correct_code"].null_count() == 4
    cat = load_catalogue(SAMPLE)
    assert set(df["submitted_code"]) <= set(cat.code_ids)
    assert df.row(0, named=True)["submitted_code"] == POTHOLE


def test_utf8_bom_and_lf_give_the_same_catalogue(tmp_path):
    text = SAMPLE.read_bytes().decode("cp1252")
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.replace("\r\n", "\n").encode("utf-8"))
    assert load_catalogue(bom).to_records() == load_catalogue(SAMPLE).to_records()


def test_taxonomy(real_dir):
    path = real_dir / "toronto-311-taxonomy-nshipyard" / "taxonomy.csv"
    assert detect_format(path) == "toronto-taxonomy"
    cat = load_catalogue(path)
    assert len(cat) == 965
    assert len(cat.divisions()) == 9
    assert cat.total_volume() == 2_225_151
    first = cat["T311-R0001"]
    assert (first.name, first.division, first.section, first.volume) == (
        "Injured - Wildlife", "Municipal Licensing & Standards", "Toronto Animal Services", 75726)
    assert dict(first.extra)["division_code"] == "T311-D03"
    assert cat["T311-R0111"].name == "Water Service Line - Low Pressure|| Low Flow - Ongoing"
    per_div = {}
    for c in cat:
        per_div[c.division] = per_div.get(c.division, 0) + c.volume
    assert per_div["Solid Waste Management Services"] == 711_653
    assert per_div["Transportation Services"] == 574_495


def test_blank_lines_and_padded_header(tmp_path):
    text = SAMPLE.read_bytes().decode("cp1252")
    lines = text.split("\r\n")
    lines[0] = lines[0].replace("Division", " Division ")
    p = tmp_path / "t.csv"
    p.write_text("\r\n".join(lines[:5] + [""] + lines[5:]), encoding="utf-8")
    cat = load_catalogue(p)
    assert cat.total_volume() == 18 and cat.warnings == []


def test_big_generated_year_is_streamed(tmp_path):
    # 20,000 rows built from the fixture: the polars path, not a per-row Python loop, does the counting
    text = SAMPLE.read_bytes().decode("cp1252").split("\r\n")
    header, rows = text[0], [r for r in text[1:] if r]
    p = tmp_path / "year.csv"
    p.write_bytes(("\r\n".join([header] + rows * 1000 + [""])).encode("cp1252"))
    cat = load_catalogue(p)
    assert cat.total_volume() == 18_000
    assert cat[POTHOLE].volume == 4_000
    assert toronto_cancellations(p).height == 4_000
