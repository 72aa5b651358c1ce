"""The confusion graph: edges, rates, cross-division confusion, deterministic GraphML/JSON, the CLI."""

from __future__ import annotations

import json

import pytest

from codekit.analyse.confusion import confusion_graph, graph_to_json, summarise, write_graphml, write_json
from codekit.errors import InputError
from codekit.io.errorlog import ErrorLog
from tests.cli_helpers import run_cli
from tests.test_propose_data import small_catalogue, small_log, write_small


@pytest.fixture
def graph():
    return confusion_graph(ErrorLog.from_frame(small_log(), source="small log"), small_catalogue())


def test_edges_and_weights(graph):
    assert graph["RD-1"]["RD-2"] == {"weight": 40, "recoded": 40, "transferred": 0, "cross_division": False}
    assert graph["GR-2"]["GR-1"]["transferred"] == 20 and graph["GR-2"]["GR-1"]["cross_division"] is True
    assert graph["RD-3"]["GR-1"]["weight"] == 10
    assert not graph.has_edge("RD-2", "RD-1")
    assert graph.graph["n_events_confusion"] == 100 and graph.graph["n_events"] == 150


def test_node_rates(graph):
    rd1 = graph.nodes["RD-1"]
    assert rd1["n_recoded"] == 40 and rd1["n_cancelled"] == 30 and rd1["n_errors"] == 70
    assert rd1["rate_cancelled"] == 0.03 and rd1["error_rate"] == 0.07
    assert graph.nodes["GR-3"]["n_duplicate"] == 20


def test_summary(graph):
    s = summarise(graph, top=2)
    assert [(p["code_a"], p["code_b"], p["n"]) for p in s["top_confusions"]] == [("RD-1", "RD-2", 40),
                                                                                 ("GR-1", "GR-2", 20)]
    # cross-division: GR-2 (Licensing) -> GR-1, GR-3 (Solid Waste) -> GR-1; RD-3 -> GR-1 is same division
    assert s["cross_division_events"] == 30 and s["cross_division_share"] == 0.3
    assert s["top_error_rates"][0]["code"] == "RD-1"


def test_exports_are_deterministic(graph, tmp_path):
    a, b = tmp_path / "a.graphml", tmp_path / "b.graphml"
    write_graphml(graph, a)
    g2 = confusion_graph(ErrorLog.from_frame(small_log().reverse(), source="small log"), small_catalogue())
    write_graphml(g2, b)
    assert a.read_bytes() == b.read_bytes()
    import networkx as nx

    back = nx.read_graphml(a)
    assert back["RD-1"]["RD-2"]["weight"] == 40
    write_json(graph, tmp_path / "a.json")
    write_json(g2, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    data = json.loads((tmp_path / "a.json").read_text())
    assert data["schema"] == "codekit/confusion-graph" and len(data["edges"]) == 5
    assert graph_to_json(graph)["nodes"][0]["id"] == "GR-1"


def test_no_usable_events():
    import polars as pl

    empty = small_log().filter(pl.lit(False))
    with pytest.raises(InputError, match="no usable events"):
        confusion_graph(ErrorLog.from_frame(empty), small_catalogue())


def test_cli_exports(tmp_path):
    cat, log = write_small(tmp_path)
    gml, gj = tmp_path / "g.graphml", tmp_path / "g.json"
    r = run_cli("confusion", cat, "--errors", log, "--graphml", gml, "--graph-json", gj, "--json", "--top", "1")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["n_confusion_events"] == 100 and len(data["top_confusions"]) == 1
    assert data["written"] == {"graphml": str(gml), "json": str(gj)}
    assert gml.exists() and gj.exists()


def test_cli_needs_a_log_with_a_catalogue(tmp_path):
    cat, _ = write_small(tmp_path)
    r = run_cli("confusion", cat)
    assert r.exit_code == 2
    assert r.stderr == ("Error: codekit confusion needs an error log. Pass --errors LOG (or name errors in the "
                        "project's [inputs]; --sample has its own)\n")
