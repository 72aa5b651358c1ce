"""Releases built with request history carry the expected timelines (catalogue.json, status.json, Open311); a
release without history is byte-identical to what it was before; the suggested Closing-the-Loop level sits beside
the curated one, never in its place; bad request input is refused with one error line and nothing written."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from codekit.release.timelines import expected_text
from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "release"
GOLDEN = ROOT / "tests" / "golden" / "v1.0.0"
COLUMNS = "id=id,code=type,name=name,created=opened,closed=closed,status=status"
BASE = datetime(2024, 1, 1)
AS_OF = BASE + timedelta(days=60)
CLOSED = [2, 5, 7, 11, 13, 17, 19, 23, 29, 31]   # days: the reference numbers (p50 17, p80 29, p90 31)
OPEN = [6, 15, 40]                               # days open at the export


def history(path: Path, *, extra: list[list[str]] = ()) -> Path:
    """A small synthetic history over tests/data/release's codes, with censoring."""
    rows: list[list[str]] = []

    def add(code, hours, closed, status=None, name=""):
        rid = f"R{len(rows) + 1}"
        if closed:
            rows.append([rid, code, name, BASE.isoformat(), (BASE + timedelta(hours=hours)).isoformat(), status or "Closed"])
        else:
            rows.append([rid, code, name, (AS_OF - timedelta(hours=hours)).isoformat(), "", status or "Open"])

    for _ in range(2):  # twice the reference sample: 26 requests, 6 still open
        for d in CLOSED:
            add("RD-POTHOLE", d * 24, True)
        for d in OPEN:
            add("RD-POTHOLE", d * 24, False)
    for d in range(1, 9):  # 8 of 20 closed within 8 days, 12 open 45 days: KM never reaches one half
        add("RD-LANE", d * 24, True)
    for _ in range(12):
        add("RD-LANE", 45 * 24, False)
    for h in range(1, 26):  # 25 closed within 1..25 hours
        add("SW-LITTER", h, True)
    for h in (10, 20, 30):  # too few to say anything
        add("SW-DUMP", h, True)
    add("SW-DUMP", 5, True, status="Cancelled")
    add("XX-UNKNOWN", 5, True)
    rows.append(["R-last", "FOR-TREE", "", (AS_OF - timedelta(days=1)).isoformat(), AS_OF.isoformat(), "Closed"])
    rows.extend(extra)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "type", "name", "opened", "closed", "status"])
        w.writerows(rows)
    return path


def release(out: Path, *args) -> tuple:
    r = run_cli("release", DATA / "taxonomy", "--catalogue", DATA / "catalogue.yaml", "--out", out,
                "--source-revision", "tests/data/release", *args)
    return r, out / "1.0.0"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tl")
    req = history(tmp / "requests.csv")
    r, rel = release(tmp / "dist", "--requests", req, "--requests-columns", COLUMNS)
    assert r.exit_code == 0, r.stderr
    return req, rel


def _json(p: Path):
    return json.loads(p.read_text(encoding="utf-8"))


def test_release_carries_exact_timelines(built):
    _, rel = built
    tl = _json(rel / "catalogue.json")["timelines"]
    assert tl["as_of"] == "2024-03-01 00:00:00" and tl["as_of_from"] == "data"
    assert tl["source"] == "requests.csv (rows)" and tl["unit"] == "hours" and tl["min_requests"] == 20
    assert tl["counts"] == {"rows": 77, "timed": 76, "closed": 58, "still_open": 18, "excluded": {"cancelled": 1},
                            "codes_not_in_catalogue": 1}
    pot = tl["codes"]["RD-POTHOLE"]
    assert (pot["requests"], pot["closed"], pot["still_open"]) == (26, 20, 6)
    assert (pot["p50_days"], pot["p80_days"], pot["p90_days"]) == (17.0, 29.0, 31.0)
    assert pot["expected"] == "Most requests like this are done within 29 days."
    assert pot["sla_days"] == 5.0 and pot["suggested_ctl_level"] == 3
    lane = tl["codes"]["RD-LANE"]
    assert (lane["requests"], lane["still_open"], lane["p50_days"], lane["p80_days"]) == (20, 12, None, None)
    assert lane["expected"] == "Many requests like this take longer than 45 days."
    litter = tl["codes"]["SW-LITTER"]
    assert (litter["p50_days"], litter["p80_days"], litter["suggested_ctl_level"]) == (0.54, 0.83, 1)
    assert litter["expected"] == "Most requests like this are done within 20 hours."
    dump = tl["codes"]["SW-DUMP"]
    assert dump["requests"] == 3 and dump["expected"] is None and dump["suggested_ctl_level"] is None
    assert "XX-UNKNOWN" not in tl["codes"] and "SW-OLD" not in tl["codes"]
    # a category's figures come from the requests of every code it routes to
    cat = tl["categories"]["pothole"]
    assert (cat["requests"], cat["closed"], cat["still_open"]) == (46, 28, 18)
    assert cat["sla_days"] == 8.0
    assert tl["categories"]["litter"]["requests"] == 28
    assert tl["categories"]["tree"]["expected"] is None  # one request: nothing said


def test_status_and_open311_carry_them(built, schema_dir):
    from codekit.release.open311 import EXPECTED_CODE, check_against_schemas

    _, rel = built
    st = _json(rel / "status.json")
    assert st["categories"]["pothole"]["timeline"] == {
        "as_of": "2024-03-01 00:00:00", "requests": 46, "still_open": 18,
        "p50_days": st["categories"]["pothole"]["timeline"]["p50_days"], "p80_days": None, "p90_days": None,
        "sla_compliance": st["categories"]["pothole"]["timeline"]["sla_compliance"], "suggested_ctl_level": 3,
        "expected": st["categories"]["pothole"]["timeline"]["expected"]}
    assert st["codes"]["RD-POTHOLE"]["timeline"]["p80_days"] == 29.0
    assert "timeline" not in st["codes"]["SW-OLD"]
    d = _json(rel / "open311" / "services" / "litter.json")
    info = d["attributes"][-1]
    assert info["code"] == EXPECTED_CODE and info["variable"] is False and info["required"] is False
    assert info["description"] == "Most requests like this are done within 22 hours."
    assert info["order"] == len(d["attributes"])
    assert all(a["code"] != EXPECTED_CODE for a in _json(rel / "open311" / "services" / "tree.json")["attributes"])
    services = {s["service_code"]: s for s in _json(rel / "open311" / "services.json")}
    assert services["litter"]["metadata"] is True
    assert check_against_schemas(rel, schema_dir) == []


def test_suggested_level_is_beside_the_curated_one(built):
    _, rel = built
    doc = _json(rel / "catalogue.json")
    code = next(c for c in doc["codes"] if c["code"] == "RD-POTHOLE")
    assert code["ctl_level"] == 2  # curated, untouched
    assert doc["timelines"]["codes"]["RD-POTHOLE"]["suggested_ctl_level"] == 3
    st = _json(rel / "status.json")["codes"]["RD-POTHOLE"]
    assert st["ctl_level"] == 2 and st["timeline"]["suggested_ctl_level"] == 3


def test_release_with_requests_is_deterministic(built, tmp_path):
    req, rel = built
    r, again = release(tmp_path / "dist", "--requests", req, "--requests-columns", COLUMNS)
    assert r.exit_code == 0, r.stderr
    files = sorted(p.relative_to(rel).as_posix() for p in rel.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    for f in files:
        assert (rel / f).read_bytes() == (again / f).read_bytes(), f


def test_release_without_requests_is_unchanged(tmp_path):
    """No history: the files the golden release has are byte for byte what they were (no timelines key, no
    informational attribute, no timeline in status.json)."""
    r, rel = release(tmp_path / "dist")
    assert r.exit_code == 0, r.stderr
    for name in ("catalogue.json", "routing.csv", "routing.parquet", "skos.ttl", "CHANGELOG.md",
                 "open311/services.json", "open311/services.xml", "open311/services/pothole.json",
                 "open311/services/litter.xml"):
        assert (rel / name).read_bytes() == (GOLDEN / name).read_bytes(), name
    assert b"timeline" not in (rel / "status.json").read_bytes()


def test_as_of_given_and_new_history_is_a_patch(built, tmp_path):
    req, _ = built
    out = tmp_path / "dist"
    r, rel = release(out, "--requests", req, "--requests-columns", COLUMNS)
    assert r.exit_code == 0, r.stderr
    r = run_cli("release", DATA / "taxonomy", "--catalogue", DATA / "catalogue.yaml", "--out", out,
                "--requests", req, "--requests-columns", COLUMNS, "--as-of", "2024-02-15", "--json")
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["version"] == "1.0.1" and res["level"] == "patch" and res["changes"] == {"timelines-updated": 1}
    tl = _json(out / "1.0.1" / "catalogue.json")["timelines"]
    assert tl["as_of"] == "2024-02-15 00:00:00" and tl["as_of_from"] == "given"
    # the requests created after the export (open 6 days at the latest timestamp) are left out; those opened
    # 15 and 40 days before it are open at the export
    assert tl["codes"]["RD-POTHOLE"]["still_open"] == 4 and tl["codes"]["RD-POTHOLE"]["requests"] == 24


def test_requests_join_the_catalogue_by_name(tmp_path):
    """A code the catalogue lacks joins by its name, case and spaces folded (Toronto's Open311 codes vs the
    published list's); the counts say how many joined how."""
    from codekit.analyse.timelines import build_timelines
    from codekit.io.catalogue import load_catalogue

    extra = [[f"N{i}", "CSR-99", "tree  -  damaged (STREET)", BASE.isoformat(),
              (BASE + timedelta(days=i)).isoformat(), "Closed"] for i in range(1, 4)]
    req = history(tmp_path / "requests.csv", extra=extra)
    res = build_timelines(req, columns=COLUMNS, catalogue=load_catalogue(DATA / "catalogue.yaml"))
    j = res["join"]
    assert (j["by_code"], j["by_name"], j["unmatched"], j["requests"]) == (76, 3, 1, 80)
    assert j["recoded"] == [{"code": "CSR-99", "name": "tree - damaged (STREET)", "catalogue_code": "FOR-TREE"}]
    assert j["unmatched_codes"] == [{"code": "XX-UNKNOWN", "requests": 1}]
    tree = next(r for r in res["codes"] if r["code"] == "FOR-TREE")
    assert tree["n_requests"] == 4 and tree["name"] == "Tree - Damaged (Street)"
    assert "CSR-99" not in {r["code"] for r in res["codes"]}


@pytest.mark.parametrize("content, message", [
    ("", "the file is empty"),
    ("id,type,name,opened,closed,status\nR1,RD-POTHOLE,,not a date,,Open\n", "no request has a date that parses"),
])
def test_bad_request_input_is_one_error_and_nothing_written(tmp_path, content, message):
    req = tmp_path / "requests.csv"
    req.write_text(content, encoding="utf-8")
    out = tmp_path / "dist"
    r, rel = release(out, "--requests", req, "--requests-columns", COLUMNS)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {req}") and message in lines[0], r.stderr
    assert not rel.exists() and (not out.exists() or not any(out.iterdir()))


def test_missing_requests_file_and_bad_as_of(tmp_path):
    out = tmp_path / "dist"
    r, rel = release(out, "--requests", tmp_path / "nope.csv")
    assert r.exit_code == 2 and r.stderr.startswith("Error: ") and "nope.csv" in r.stderr
    req = history(tmp_path / "requests.csv")
    r, rel = release(out, "--requests", req, "--requests-columns", COLUMNS, "--as-of", "soon")
    assert r.exit_code == 2
    assert r.stderr.strip() == ("Error: --as-of is not a date (expected a date or date-time like 2024-06-30 or "
                                "2024-06-30T17:00, found 'soon'). Write the export time in ISO 8601")
    assert not rel.exists()


def test_project_file_names_the_request_history(tmp_path, monkeypatch):
    req = history(tmp_path / "requests.csv")
    (tmp_path / "codekit.toml").write_text(
        f'[inputs]\ncatalogue = "{DATA / "catalogue.yaml"}"\nrequests = "requests.csv"\n'
        f'requests_columns = "{COLUMNS}"\n\n[taxonomy]\nfolder = "{DATA / "taxonomy"}"\n\n[release]\nout = "dist"\n',
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = run_cli("release")
    assert r.exit_code == 0, r.stderr
    assert _json(tmp_path / "dist" / "1.0.0" / "catalogue.json")["timelines"]["codes"]["RD-POTHOLE"]["p80_days"] == 29.0


@pytest.mark.parametrize("args, text", [
    ((19, 1.0, 2.0, 3.0), None),
    ((20, 1.0, 3.2, 40.0), "Most requests like this are done within 4 days."),
    ((20, 0.5, 1.0, 3.0), "Most requests like this are done within a day."),
    ((20, 0.01, 0.03, 1.0), "Most requests like this are done within an hour."),
    ((20, 4.2, None, 30.0), "About half of requests like this are done within 5 days; many take longer."),
    ((20, None, None, 12.7), "Many requests like this take longer than 12 days."),
    ((20, None, None, 0.08), None),
])
def test_expected_text(args, text):
    n, p50, p80, follow = args
    assert expected_text(n, p50, p80, follow, min_requests=20) == text


def test_report_charts_sla_against_actual(built, tmp_path):
    req, _ = built
    md = tmp_path / "report.md"
    r = run_cli("report", DATA / "taxonomy", "--catalogue", DATA / "catalogue.yaml", "--requests", req,
                "--requests-columns", COLUMNS, "--out", tmp_path / "report.html", "--markdown", md, "--no-validate")
    assert r.exit_code == 0, r.stderr
    text = md.read_text(encoding="utf-8")
    assert "## Timelines: SLA against actual, per division" in text
    assert "| Transportation Services | 2 | 46 | 39% | 19.0 | &gt; seen | &gt; seen | 5.0 | 26% | n/a |" in text
    assert "| RD-POTHOLE | Road - Pot hole | Transportation Services | 26 | 17.0 | 31.0 | 2 | 3 |" in text
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'data-testid="chart-timelines"' in html and 'data-testid="timelines-divisions"' in html


def test_request_errors_name_the_release_options(tmp_path):
    """An error reading the history names the option release has (--requests-columns), not timelines' --columns."""
    req = tmp_path / "requests.json"
    req.write_text('[{"service_request_id": "1", "service_code": "RD-POTHOLE", "status": "open", '
                   '"requested_datetime": "2024-01-01T00:00:00Z"}]', encoding="utf-8")
    r, rel = release(tmp_path / "dist", "--requests", req, "--requests-columns", COLUMNS)
    assert r.exit_code == 2
    assert "--requests-columns" in r.stderr and "--columns " not in r.stderr.replace("--requests-columns", ""), r.stderr
    assert not rel.exists()
