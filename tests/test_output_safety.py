"""Outputs are checked before anything is written: nothing inside a published release, never over an input,
nothing half-written when the second of two outputs is bad; JSON never holds NaN/Infinity; XML stays
well-formed whatever the names hold; release versions and build times are real."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "release"
TAXONOMY = DATA / "taxonomy"
CATALOGUE = DATA / "catalogue.yaml"

LOG = """timestamp,channel,kind,submitted_code,correct_code
2025-01-01T10:00:00,phone,recoded,RD-POTHOLE,RD-LANE
2025-01-02T10:00:00,web,transferred,RD-LANE,RD-POTHOLE
2025-01-03T10:00:00,web,duplicate,SW-LITTER,
"""


def error_line(r) -> str:
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("Error: "), r.stderr
    return lines[0]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    r = run_cli("release", str(TAXONOMY), "--catalogue", str(CATALOGUE), "--out", str(out))
    assert r.exit_code == 0, r.stderr
    return out


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_routes_refuses_to_write_into_a_published_release(dist):
    before = snapshot(dist)
    r = run_cli("routes", str(TAXONOMY), "--catalogue", str(CATALOGUE), "--out", str(dist / "1.0.0" / "routing.csv"))
    assert r.exit_code == 2
    assert "inside the published release" in error_line(r)
    assert snapshot(dist) == before


def test_preview_refuses_to_write_into_the_release_it_reads(dist):
    before = snapshot(dist)
    for name in ("catalogue.json", "x.html"):
        r = run_cli("preview", str(dist / "1.0.0"), "--out", str(dist / "1.0.0" / name))
        assert r.exit_code == 2, (name, r.stderr)
        assert "inside the published release" in error_line(r) or "is also an input" in error_line(r)
    assert snapshot(dist) == before


def test_convert_refuses_to_write_over_its_own_input(tmp_path):
    src = tmp_path / "same.yaml"
    shutil.copy(CATALOGUE, src)
    before = src.read_bytes()
    r = run_cli("convert", str(src), str(src), "--to", "csv")
    assert r.exit_code == 2
    assert "also an input" in error_line(r)
    assert src.read_bytes() == before


def test_report_with_a_markdown_path_in_a_missing_folder_leaves_the_html_untouched(tmp_path):
    html = tmp_path / "report.html"
    html.write_text("the old report", encoding="utf-8")
    r = run_cli("report", str(TAXONOMY), "--catalogue", str(CATALOGUE), "--no-validate", "--out", str(html),
                "--markdown", str(tmp_path / "missing" / "report.md"))
    assert r.exit_code == 2
    assert "does not exist" in error_line(r)
    assert html.read_text(encoding="utf-8") == "the old report"
    assert not (tmp_path / "missing").exists()


def test_confusion_with_a_json_path_in_a_missing_folder_leaves_the_graphml_untouched(tmp_path):
    log = tmp_path / "errors.csv"
    log.write_text(LOG, encoding="utf-8")
    gml = tmp_path / "graph.graphml"
    gml.write_text("the old graph", encoding="utf-8")
    r = run_cli("confusion", str(CATALOGUE), "--errors", str(log), "--graphml", str(gml),
                "--graph-json", str(tmp_path / "missing" / "graph.json"))
    assert r.exit_code == 2
    assert "does not exist" in error_line(r)
    assert gml.read_text(encoding="utf-8") == "the old graph"


def test_confusion_graph_json_and_graphml_cannot_be_the_input(tmp_path):
    log = tmp_path / "errors.csv"
    log.write_text(LOG, encoding="utf-8")
    r = run_cli("confusion", str(CATALOGUE), "--errors", str(log), "--graph-json", str(log))
    assert r.exit_code == 2
    assert "also an input" in error_line(r)
    assert log.read_text(encoding="utf-8") == LOG


# ------------------------------------------------------------------------------- values JSON and XML cannot hold

def _catalogue_with(tmp_path: Path, old: str, new: str) -> Path:
    text = CATALOGUE.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "catalogue.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def test_json_text_refuses_nan_and_infinity_naming_where():
    from codekit.errors import SchemaError
    from codekit.io.serial import json_text

    assert json_text({"b": 1.5, "a": [1, "x"]}) == '{"a": [1, "x"], "b": 1.5}'
    with pytest.raises(SchemaError) as e:
        json_text({"codes": [{"code": "A"}, {"code": "B", "sla_days": float("inf")}]}, what="the release")
    assert "codes[1].sla_days is inf, which JSON cannot hold" in str(e.value)
    with pytest.raises(SchemaError):
        json_text([float("nan")])


def test_an_infinite_sla_is_never_released_as_infinity(tmp_path):
    cat = _catalogue_with(tmp_path, "sla_days: 5\n", "sla_days: .inf\n")
    out = tmp_path / "dist"
    r = run_cli("release", str(TAXONOMY), "--catalogue", str(cat), "--out", str(out))
    assert r.exit_code == 2, r.stdout + r.stderr
    assert "Infinity" not in r.stdout
    assert not list(out.rglob("*.json")) if out.exists() else True


def test_xml_text_removes_what_xml_1_0_cannot_hold():
    from codekit.io.serial import xml_text

    assert xml_text("Pot\x01hole\x0b \ufffe<ok>\t\n") == "Pothole <ok>\t\n"
    assert xml_text(12) == "12"


def test_control_characters_in_names_keep_open311_xml_well_formed():
    from codekit.release.open311 import definition_xml, services_xml, xml_to_structure

    services = [{"service_code": "pothole", "service_name": "Pot\x01hole\x1f", "description": "a\x00b",
                 "metadata": True, "type": "realtime", "keywords": "road\x08", "group": "Roads"}]
    data = services_xml(services)
    ET.fromstring(data)  # well-formed
    back = xml_to_structure(data)
    assert back[0]["service_name"] == "Pothole" and back[0]["description"] == "ab"
    d = {"service_code": "pothole", "attributes": [{"variable": True, "code": "x", "datatype": "singlevaluelist",
                                                   "required": True, "datatype_description": "", "order": 1,
                                                   "description": "Hazard\x02?", "values": [{"key": "Y", "name": "Y\x03es"}]}]}
    ET.fromstring(definition_xml(d))


def test_control_characters_in_names_keep_graphml_well_formed(tmp_path):
    from codekit.analyse.confusion import write_graphml, write_json

    import networkx as nx

    G = nx.DiGraph(schema="codekit/confusion-graph")
    G.add_node("A\x01", name="Pot\x02hole", n_errors=3)
    G.add_node("B", name="Lane\x1b", n_errors=1)
    G.add_edge("A\x01", "B", weight=2)
    p = write_graphml(G, tmp_path / "g.graphml")
    root = ET.parse(p).getroot()
    assert "\x02" not in p.read_text(encoding="utf-8")
    assert root.tag.endswith("graphml")
    G.nodes["B"]["error_rate"] = float("nan")
    from codekit.errors import SchemaError

    with pytest.raises(SchemaError):
        write_json(G, tmp_path / "g.json")
    assert not (tmp_path / "g.json").exists()


# ------------------------------------------------------------------------------- versions and build times

@pytest.mark.parametrize("when", ["2026-02-30T10:00:00Z", "2026-13-01", "2026-11-22T25:00:00Z",
                                  "2026-11-22T20:61:00Z", "2026-11-22T20:00:00+25:00"])
def test_an_impossible_built_at_is_refused(tmp_path, when):
    out = tmp_path / "dist"
    r = run_cli("release", str(TAXONOMY), "--catalogue", str(CATALOGUE), "--out", str(out), "--built-at", when)
    assert r.exit_code == 2
    assert "--built-at" in error_line(r)
    assert not out.exists() or not any(out.iterdir())


def test_a_real_built_at_is_accepted(tmp_path):
    r = run_cli("release", str(TAXONOMY), "--catalogue", str(CATALOGUE), "--out", str(tmp_path),
                "--built-at", "2024-02-29T23:59:59+05:30")
    assert r.exit_code == 0, r.stderr


def test_a_version_older_than_the_latest_published_is_refused(dist):
    before = snapshot(dist)
    r = run_cli("release", str(TAXONOMY), "--catalogue", str(CATALOGUE), "--out", str(dist), "--version", "0.9.0")
    assert r.exit_code == 2
    assert error_line(r).startswith("Error: ") and "older than the latest published release 1.0.0" in r.stderr
    assert snapshot(dist) == before


def test_status_json_names_a_committed_schema_it_validates_against(dist):
    import jsonschema

    from codekit.release.model import STATUS_SCHEMA_ID

    status = json.loads((dist / "1.0.0" / "status.json").read_text(encoding="utf-8"))
    assert status["metadata"]["schema_id"] == STATUS_SCHEMA_ID
    schema = json.loads((ROOT / "schemas" / "release-status.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == STATUS_SCHEMA_ID
    jsonschema.Draft202012Validator(schema).validate(status)
    status["codes"][next(iter(status["codes"]))]["ctl_level"] = "two"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(status)


# ------------------------------------------------------------------------------- one mechanism per job

def test_make_strategy_refuses_parameters_the_strategy_does_not_take():
    from codekit.errors import UsageError
    from codekit.propose.strategies import make_strategy

    with pytest.raises(UsageError) as e:
        make_strategy("community", n_categories=3, linkage="ward")
    assert "does not take linkage" in str(e.value)
    with pytest.raises(UsageError):
        make_strategy("agglomerative", resolution=1.0)
    assert make_strategy("agglomerative", n_categories=3).n_categories == 3


def test_one_distance_threshold_default():
    import numpy as np

    from codekit.propose.constraints import DEFAULT_THRESHOLD
    from codekit.propose.proposal import DEFAULT_THRESHOLD as in_proposal
    from codekit.propose.strategies import AgglomerativeStrategy

    assert in_proposal is DEFAULT_THRESHOLD
    # the strategy's own default is that constant: same labels with and without it spelled out
    rng = np.random.default_rng(0)
    x = rng.random((12, 12))
    d = (x + x.T) / 2
    np.fill_diagonal(d, 0)
    a = AgglomerativeStrategy(linkage="average").fit(d).labels_
    b = AgglomerativeStrategy(linkage="average", distance_threshold=DEFAULT_THRESHOLD).fit(d).labels_
    assert list(a) == list(b)
