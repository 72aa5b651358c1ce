"""The routing engine, the routing table and its CSV/Parquet export (`codekit routes`)."""

from __future__ import annotations

import csv
import json

import polars as pl

from codekit.io.catalogue import load_catalogue
from codekit.taxonomy import load_taxonomy
from codekit.taxonomy.routing import (
    answer_combinations, matching_routes, neutralise, routing_table, write_routing_table,
)
from tests.cli_helpers import run_cli
from tests.test_validate_mutations import GRAFFITI, write_fixture


def test_dependent_questions_are_asked_only_when_they_matter(tmp_path):
    tax, _ = write_fixture(tmp_path)
    tree = load_taxonomy(tax).get("tree-damage")
    combos = answer_combinations(tree)
    # where: street x blocking (2) + park x trunk (2) + private
    assert combos == [
        {"where": "street", "blocking": "yes"}, {"where": "street", "blocking": "no"},
        {"where": "park", "blocking": None}, {"where": "private", "blocking": None},
    ]
    assert [matching_routes(tree, a) for a in combos] == [[0], [1], [2], [3]]


def test_routing_table(tmp_path):
    tax, cat = write_fixture(tmp_path)
    df = routing_table(load_taxonomy(tax), load_catalogue(cat))
    assert df.height == 4 + 4  # graffiti: hateful yes | no x 3 assets
    row = df.filter(pl.col("code") == "TREE-EMERG").row(0, named=True)
    assert row["division"] == "Urban Forestry" and row["section"] == "Street Trees"
    assert row["sla_days"] == 1.0 and row["ctl_level"] == 2 and row["n_matches"] == 1
    assert json.loads(row["field_map"]) == {
        "branch_size": "from:size (mapped)", "comments": "from:details", "location_type": "derived:street",
        "tree_count": "dropped:Crews count the trees on site.",
    }
    refs = df.filter(pl.col("target") == "referral")
    assert sorted(refs["referral_to"].to_list()) == ["Police", "The asset's owner", "The asset's owner",
                                                     "The property owner"]


def test_csv_neutralises_formulas_and_parquet_round_trips(tmp_path):
    evil = GRAFFITI.replace("label: Graffiti", "label: '=HYPERLINK(\"http://x\")'").replace(
        "to: Police", "to: '+Police'")
    tax, cat = write_fixture(tmp_path, graffiti=evil)
    out_csv, out_pq = tmp_path / "routes.csv", tmp_path / "routes.parquet"
    res = run_cli("routes", str(tax), "--catalogue", str(cat), "--out", str(out_csv))
    assert res.exit_code == 0, res.stderr
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    g = [r for r in rows if r["category"] == "graffiti"]
    assert {r["category_label"] for r in g} == {"'=HYPERLINK(\"http://x\")"}
    assert "'+Police" in {r["referral_to"] for r in g}
    assert neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("-1") == "'-1" and neutralise("ok") == "ok"
    res = run_cli("routes", str(tax), "--catalogue", str(cat), "--out", str(out_pq), "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["rows"] == 8
    df = pl.read_parquet(out_pq)
    assert df.height == 8 and "=HYPERLINK" in df["category_label"].to_list()[0]  # raw in Parquet
    again = tmp_path / "again.parquet"
    write_routing_table(routing_table(load_taxonomy(tax), load_catalogue(cat)), again)
    assert again.read_bytes() == out_pq.read_bytes()


def test_routes_refuses_unknown_format(tmp_path):
    tax, cat = write_fixture(tmp_path)
    res = run_cli("routes", str(tax), "--catalogue", str(cat), "--out", str(tmp_path / "x.xlsx"))
    assert res.exit_code == 2
    assert res.stderr.strip() == (f"Error: {tmp_path / 'x.xlsx'}: unknown output format for the routing table "
                                  "(expected a .csv or .parquet file, found '.xlsx')")
    assert not (tmp_path / "x.xlsx").exists()
