"""Open311 GeoReport v2 loaders on the real files in ../shared and on small inline documents."""

from __future__ import annotations

import pytest

from codekit.errors import SchemaError
from codekit.io.catalogue import detect_format, load_catalogue
from codekit.io.open311 import load_definition
from tests.cli_helpers import run_cli


def test_dc_service_list(real_dir):
    cat = load_catalogue(real_dir / "dc311-open311-nodeopen311" / "dc-services.xml")
    assert cat.format == "open311-xml"
    assert len(cat) == 86
    assert len({c.group for c in cat}) == 38
    s = cat["CSRREPIS"]
    assert s.name == "311 Online Reported Issues"
    assert s.group == "311 - Call Center"
    assert s.keywords == ("311", "Online", "Reported", "Issues")
    assert "<br>" in cat["S0003"].description  # &lt;br&gt; decoded once, kept as the city's text


def test_dc_definition_merged(real_dir):
    d = real_dir / "dc311-open311-nodeopen311"
    cat = load_catalogue(d / "dc-services.xml", definitions=[d / "dc-services-S0301.xml"])
    fields = cat["S0301"].fields
    assert len(fields) == 6
    assert [f.key for f in fields] == ["WHISPOLO", "WHMAISAL", "ISITHAZA", "WATHPRDA", "NOTE001", "DSITR001"]
    w = cat["S0301"].field("WHISPOLO")
    assert w.required and w.datatype == "singlevaluelist" and w.prompt == "Where is the pothole located?"
    assert w.value_keys() == ("ALLEY002", "STREE001")
    assert [v.name for v in w.values] == ["Alley", "Street"]
    assert cat["S0301"].field("WATHPRDA").description == "Boolean Type Yes/No"
    info = [f.key for f in fields if not f.variable]
    assert info == ["NOTE001", "DSITR001"]
    assert cat["S0301"].field("DSITR001").datatype == "text"
    # other codes untouched
    assert cat["S0003"].fields == ()


def test_dc_definition_alone(real_dir):
    path = real_dir / "dc311-open311-nodeopen311" / "dc-services-S0301.xml"
    cat = load_catalogue(path)
    assert cat.code_ids == ["S0301"]
    assert cat["S0301"].name == "S0301"
    assert len(cat["S0301"].fields) == 6
    assert len(cat.warnings) == 1 and "--definitions" in cat.warnings[0]
    code, fields = load_definition(path)
    assert code == "S0301" and len(fields) == 6


def test_toronto_service_list_numeric_code(real_dir):
    cat = load_catalogue(real_dir / "toronto-open311-krofchick" / "ServiceList.json")
    assert len(cat) == 6
    assert "30102" in cat  # a JSON number in the file
    assert cat["30102"].keywords == ("graffiti", "private property", "building")
    assert sorted({c.group for c in cat}) == ["Graffiti", "Pothole"]


def test_toronto_requests(real_dir):
    cat = load_catalogue(real_dir / "toronto-open311-krofchick" / "service_requests.json")
    assert cat.format == "open311-json"
    assert cat["CSROWR-12"].volume == 784
    assert cat["CSROWR-12"].name == "Road - Pot hole"
    assert cat["30102"].volume == 93
    assert cat.total_volume() == 1000
    assert dict(cat["CSROWR-12"].status_counts).keys() <= {"open", "closed"}
    assert cat["CSROWR-12"].division == "311 Toronto"


def test_bloomington(real_dir):
    cat = load_catalogue(real_dir / "open311status-fixtures" / "bloomington_services.json")
    assert len(cat) == 46
    groups = {c.group for c in cat}
    assert len(groups) == 7
    assert sum(1 for c in cat if c.group == "Streets, Parking & Traffic") == 14
    req = load_catalogue(real_dir / "open311status-fixtures" / "bloomington_requests.json")
    assert req.total_volume() == 21
    assert set(req.code_ids) <= set(cat.code_ids)
    assert req["4e090d24992b941e78000027"].division == "Police Department"
    assert {c.division for c in req} == {
        "Street Department", "HAND", "Sanitation Department", "Police Department",
        "Engineering Department", "Information Services",
    }


def test_giessen_empty_keywords(real_dir):
    cat = load_catalogue(real_dir / "open311status-fixtures" / "services_giessen.xml")
    assert len(cat) == 8
    assert cat["015"].name == "Abwasser und Wasser"
    assert cat["015"].keywords == () and cat["015"].description == ""
    assert cat["012"].name == "Verkehrsschild beschädigt"


@pytest.mark.parametrize("name", ["services", "services_en", "services_sv"])
@pytest.mark.parametrize("ext", ["json", "xml"])
def test_helsinki_every_language(real_dir, name, ext):
    path = real_dir / "helsinki-open311" / f"{name}.{ext}"
    assert detect_format(path) == f"open311-{ext}"
    cat = load_catalogue(path)
    assert len(cat) == 15
    assert {"171", "172", "176", "198", "246", "2805", "2809"} <= set(cat.code_ids)
    assert "\r" not in "".join(c.description + c.name for c in cat)


def test_helsinki_names(real_dir):
    fi = load_catalogue(real_dir / "helsinki-open311" / "services.json")
    en = load_catalogue(real_dir / "helsinki-open311" / "services_en.xml")
    assert fi["176"].name == "Töhryjen poisto"
    assert en["172"].name == "Vandalism" and en["172"].keywords == ("bench", "parks", "trashbins")
    assert fi.code_ids == [c for c in fi.code_ids]  # file order kept
    assert set(fi.code_ids) == set(en.code_ids)


def test_sf_requests_duplicate_keys_and_null_row(real_dir):
    cat = load_catalogue(real_dir / "sf311-open311dashboard" / "ServiceRequests_Complete.json")
    assert cat.total_volume() == 1000  # the all-"null" row is skipped
    assert len(cat) == 79
    assert cat["24"].name == "Sidewalk_Cleaning" and cat["24"].volume == 377
    assert any("1 request row" in w for w in cat.warnings)


def test_chicago_and_yutongluo_requests(real_dir):
    chi = load_catalogue(real_dir / "open311status-fixtures" / "service_requests.json")
    assert chi["4ffa9cad6018277d4000007b"].division == "Division of Electrical Operations CDOT"
    yl = load_catalogue(real_dir / "toronto-open311-yutongluo" / "m_all_open.json")
    assert yl.code_ids == ["CSROWR-12"] and yl["CSROWR-12"].volume == 1000


def test_json_definition_and_request_list_shapes(tmp_path):
    d = tmp_path / "def.json"
    d.write_text(
        '{"service_code": "P1", "attributes": [{"variable": true, "code": "WHERE", "datatype": "singlevaluelist",'
        ' "required": true, "order": 2, "description": "Where?", "values": [{"key": "S", "name": "Street"}]},'
        ' {"variable": false, "code": "INFO", "datatype": "text", "order": 1, "description": "Read me"}]}'
    )
    s = tmp_path / "s.json"
    s.write_text('[{"service_code": "P1", "service_name": "Pothole", "keywords": "road, hole", "group": "Roads"}]')
    cat = load_catalogue(s, definitions=[d])
    assert [f.key for f in cat["P1"].fields] == ["INFO", "WHERE"]
    assert cat["P1"].field("WHERE").values[0].name == "Street"
    r = tmp_path / "r.json"
    r.write_text('{"service_requests": [{"service_code": "P1", "service_name": "Pothole", "status": "open"},'
                 '{"service_code": "P1", "service_name": "Pothole", "status": "closed"}]}')
    rc = load_catalogue(r)
    assert rc["P1"].volume == 2 and dict(rc["P1"].status_counts) == {"closed": 1, "open": 1}


def test_definition_for_unknown_code(tmp_path, real_dir):
    s = tmp_path / "s.json"
    s.write_text('[{"service_code": "P1", "service_name": "Pothole"}]')
    with pytest.raises(SchemaError, match="S0301"):
        load_catalogue(s, definitions=[real_dir / "dc311-open311-nodeopen311" / "dc-services-S0301.xml"])


def test_xml_entities_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE services [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        "<services><service><service_code>1</service_code><service_name>&b;</service_name></service></services>\n"
    )
    with pytest.raises(SchemaError, match="DOCTYPE"):
        load_catalogue(bomb)


def test_xml_requests(tmp_path):
    p = tmp_path / "r.xml"
    p.write_text(
        "<?xml version='1.0' encoding='utf-8'?>\n<service_requests>\n"
        "<request><service_request_id>1</service_request_id><status>open</status><service_code>A</service_code>"
        "<service_name>Pothole</service_name><agency_responsible>Roads</agency_responsible></request>\n"
        "<request><service_request_id>2</service_request_id><status>closed</status><service_code>A</service_code>"
        "<service_name>Pothole</service_name><agency_responsible>Roads</agency_responsible></request>\n"
        "</service_requests>\n"
    )
    cat = load_catalogue(p)
    assert cat.format == "open311-xml"
    assert cat["A"].volume == 2 and cat["A"].division == "Roads"
    assert dict(cat["A"].status_counts) == {"closed": 1, "open": 1}


def test_a_duplicate_code_on_one_line_says_so(tmp_path):
    p = tmp_path / "services.json"
    p.write_text('[{"service_code":"1","service_name":"Pothole"},{"service_code":"1","service_name":"Pothole again"}]')
    r = run_cli("profile", p)
    assert (r.exit_code, r.stderr) == (2, f"Error: {p}, line 1: duplicate code '1' (twice on line 1). Give every code "
                                          "its own id, or remove the repeated row\n")
