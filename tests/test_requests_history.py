"""Request histories: the canonical request table per source, and error events derived from it (rules + counts).

Every fixture is synthetic and written by the test (no real residents' texts)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from codekit.analyse.history import RULES, events_lazy, rule_counts
from codekit.errors import SchemaError, UsageError
from codekit.io.requests import REQUEST_COLUMNS, load_requests
from tests.cli_helpers import run_cli

TORONTO_HEADER = ("Creation Date,Status,First 3 Chars of Postal Code,Intersection Street 1,Intersection Street 2,"
                  "Ward,Service Request Type,Division,Section")


def write_toronto(tmp_path: Path) -> Path:
    rows = [
        "2024-01-02 08:15:31.0000000,Completed,M5V,,,Ward 1,Road - Pot hole,Transportation Services,Road Operations",
        "2024-01-03 09:00:00.0000000,Cancelled,M5V,,,Ward 1,Road - Pot hole,Transportation Services,Road Operations",
        "2024-01-04 10:00:00.0000000,Cancelled,M4C,,,Ward 2,ROAD - POT HOLE ,Transportation Services,Road Operations",
        "2024-01-05 11:00:00.0000000,In Progress,M4C,,,Ward 2,General Pruning,Parks,Forestry & Recreation",
        "2024-01-06 12:00:00.0000000,New,M4C,,,Ward 2,General Pruning,Environment,Climate & Forestry",
        "2024-01-07 13:00:00.0000000,Unknown,M4C,,,Ward 2,General Pruning,Parks,Forestry & Recreation",
    ]
    p = tmp_path / "SR2024.csv"
    p.write_text(TORONTO_HEADER + "\n" + "\n".join(rows) + "\n", encoding="cp1252")
    return p


NYC_HEADER = ["Unique Key", "Created Date", "Closed Date", "Agency", "Complaint Type", "Descriptor", "Status",
              "Due Date", "Resolution Description", "Open Data Channel Type", "Incident Zip"]


def write_nyc(tmp_path: Path) -> Path:
    import csv

    rows = [
        ["1", "05/01/2022 12:00:03 AM", "05/01/2022 01:00:03 AM", "NYPD", "Noise - Residential", "Loud Music/Party",
         "Closed", "", "The Police Department responded to the complaint and took action to fix the condition.",
         "ONLINE", "10001"],
        ["2", "05/01/2022 12:10:00 AM", "05/01/2022 12:40:00 AM", "NYPD", "Noise - Residential", "Loud Music/Party",
         "Closed", "", "This complaint does not fall under the Police Department's jurisdiction.", "PHONE", "10001"],
        ["3", "05/01/2022 12:20:00 AM", "", "NYPD", "Encampment", "N/A", "In Progress", "", "", "MOBILE", "10002"],
        ["4", "05/01/2022 12:30:00 AM", "05/03/2022 12:30:00 AM", "DHS", "Encampment", "N/A", "Closed",
         "05/02/2022 12:30:00 AM", "The Department of Homeless Services found this is a duplicate of a previous "
         "service request.", "MOBILE", "10002"],
        ["5", "05/01/2022 12:40:00 AM", "05/01/2022 02:40:00 AM", "DOT", "Street Condition", "Pothole", "Closed",
         "05/05/2022 12:00:00 AM", "The condition is on private property and is not the City's responsibility.",
         "UNKNOWN", "10003"],
        ["6", "not a date", "", "DOT", "Street Condition", "Pothole", "Pending", "", "", "PHONE", "10003"],
    ]
    p = tmp_path / "nyc.csv"
    with open(p, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(NYC_HEADER)
        w.writerows(rows)
    return p


def write_open311(tmp_path: Path) -> Path:
    reqs = [
        {"service_request_id": "101", "status": "closed", "status_notes": "Completed - The request has been concluded.",
         "service_name": "Road - Pot hole", "service_code": "CSROWR-12", "agency_responsible": "311 Toronto",
         "requested_datetime": "2018-10-01T10:00:00-04:00", "updated_datetime": "2018-10-03T10:00:00-04:00",
         "expected_datetime": "2018-10-02T10:00:00-04:00"},
        {"service_request_id": "102", "status": "closed",
         "status_notes": "Cancelled - The request may be a duplicate, work is previously scheduled or no work is required.",
         "service_name": "Road - Pot hole", "service_code": "CSROWR-12", "agency_responsible": "311 Toronto",
         "requested_datetime": "2018-11-05T10:00:00-05:00", "updated_datetime": "2018-11-05T12:00:00-05:00",
         "expected_datetime": None},
        {"service_request_id": "103", "status": "open", "status_notes": "In progress - The request has been scheduled.",
         "service_name": "Graffiti", "service_code": 30102, "agency_responsible": "311 Toronto",
         "requested_datetime": "2018-10-10T10:00:00-04:00", "updated_datetime": None,
         "expected_datetime": "2018-10-20T10:00:00-04:00"},
    ]
    p = tmp_path / "requests.json"
    p.write_text(json.dumps({"service_requests": reqs}), encoding="utf-8")
    return p


def write_seeclickfix(tmp_path: Path) -> Path:
    d = tmp_path / "scf"
    d.mkdir()
    def issue(i, summary, status, created, ack=None, closed=None):
        return {"id": i, "summary": summary, "status": status, "description": "synthetic", "created_at": created,
                "acknowledged_at": ack, "closed_at": closed, "reopened_at": None, "reporter": {"name": "x"}}
    page1 = {"metadata": {}, "issues": [
        issue(1, "Sidewalk Repair", "Closed", "2016-01-01T10:00:00-05:00", "2016-01-01T11:00:00-05:00",
              "2016-01-03T10:00:00-05:00"),
        issue(2, "Sidewalk Repair", "Acknowledged", "2016-01-02T10:00:00-05:00", "2016-01-02T10:30:00-05:00"),
    ]}
    page2 = {"metadata": {}, "issues": [
        issue(2, "Sidewalk Repair", "Acknowledged", "2016-01-02T10:00:00-05:00", "2016-01-02T10:30:00-05:00"),
        issue(3, "Graffiti Removal", "Open", "2016-01-04T10:00:00-05:00"),
    ]}
    (d / "data1.json").write_text(json.dumps(page1), encoding="utf-8")
    (d / "data10.json").write_text(json.dumps(page2), encoding="utf-8")  # natural order: data1 before data10
    return d


# ------------------------------------------------------------------------------------------- the table


def test_every_source_gives_the_canonical_columns(tmp_path):
    for path, fmt in ((write_toronto(tmp_path), "toronto"), (write_nyc(tmp_path), "nyc"),
                      (write_open311(tmp_path), "open311"), (write_seeclickfix(tmp_path), "seeclickfix")):
        with load_requests(path) as t:
            df = t.collect()
            assert t.format == fmt
            assert df.columns == list(REQUEST_COLUMNS)
            assert df["created"].dtype == pl.Datetime("us") and df["closed"].dtype == pl.Datetime("us")
            assert set(df["state"].unique()) <= {"open", "closed", "cancelled", "unknown"}


def test_toronto_codes_and_cancellations_match_the_toronto_loader(tmp_path):
    from codekit.io.toronto import load_requests as load_catalogue_rows
    from codekit.io.toronto import toronto_cancellations

    p = write_toronto(tmp_path)
    with load_requests(p) as t:
        df = t.collect()
        events = events_lazy(t).collect()
    cat_codes = {c.code for c in load_catalogue_rows(p).codes}
    assert set(df["code"]) == cat_codes
    assert df["state"].to_list() == ["closed", "cancelled", "cancelled", "open", "open", "unknown"]
    assert df["channel"].unique().to_list() == ["phone"]
    assert df["closed"].null_count() == 6  # the yearly files carry no close date
    ref = toronto_cancellations(p)
    assert events.to_dicts() == ref.to_dicts()


def test_nyc_rows_codes_dates_channels(tmp_path):
    from codekit.io.rows import load_rows

    p = write_nyc(tmp_path)
    with load_requests(p) as t:
        df = t.collect()
        q = t.quality()
    assert set(df["code"]) == {c.code for c in load_rows(p, "nyc").codes}
    assert df["code"].to_list()[2:4] == ["encampment:n-a~nypd", "encampment:n-a~dhs"]
    assert df["source_id"].to_list() == ["1", "2", "3", "4", "5", "6"]
    assert df["created"][0] == datetime(2022, 5, 1, 0, 0, 3)
    assert df["closed"][0] == datetime(2022, 5, 1, 1, 0, 3)
    assert df["due"][3] == datetime(2022, 5, 2, 0, 30)
    assert df["channel"].to_list() == ["web", "phone", "app", "app", "unknown", "phone"]
    assert df["state"].to_list() == ["closed", "closed", "open", "closed", "closed", "open"]
    assert q["created_unparsed"] == 1 and q["rows"] == 6


def test_open311_offsets_become_utc_and_closed_is_updated(tmp_path):
    with load_requests(write_open311(tmp_path)) as t:
        df = t.collect()
    assert df["created"].to_list()[:2] == [datetime(2018, 10, 1, 14), datetime(2018, 11, 5, 15)]
    assert df["closed"].to_list() == [datetime(2018, 10, 3, 14), datetime(2018, 11, 5, 17), None]
    assert df["code"].to_list() == ["CSROWR-12", "CSROWR-12", "30102"]
    assert df["due"][0] == datetime(2018, 10, 2, 14)


def test_open311_xml(tmp_path):
    p = tmp_path / "requests.xml"
    p.write_text("<service_requests><request><service_request_id>1</service_request_id><status>closed</status>"
                 "<service_code>S0301</service_code><service_name>Pothole</service_name>"
                 "<requested_datetime>2012-01-01T10:00:00Z</requested_datetime>"
                 "<updated_datetime>2012-01-02T10:00:00Z</updated_datetime></request></service_requests>",
                 encoding="utf-8")
    with load_requests(p) as t:
        r = t.collect().row(0, named=True)
    assert (r["code"], r["state"], r["closed"]) == ("S0301", "closed", datetime(2012, 1, 2, 10))


def test_seeclickfix_pages_natural_order_and_repeats(tmp_path):
    with load_requests(write_seeclickfix(tmp_path)) as t:
        df = t.collect()
        assert t.warnings == [f"{tmp_path / 'scf'}: 1 issue(s) repeated on a later page, kept once"]
    assert df["source_id"].to_list() == ["1", "2", "3"]
    assert df["code"].to_list() == ["sidewalk-repair", "sidewalk-repair", "graffiti-removal"]
    assert df["acknowledged"][0] == datetime(2016, 1, 1, 16)
    assert df["state"].to_list() == ["closed", "open", "open"]


def test_columns_spec_with_a_recorded_recode(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text("id,type,final,opened,done,state\n"
                 "a,Pothole,Pothole,2024-01-01 10:00,2024-01-02 10:00,Closed\n"
                 "b,Pothole,Sinkhole,2024-01-01 11:00,2024-01-05 10:00,Closed\n"
                 "c,Sinkhole,,2024-01-02 11:00,,Open\n", encoding="utf-8")
    cols = "id=id,code=type,correct=final,created=opened,closed=done,status=state"
    with load_requests(p, columns=cols) as t:
        ev = events_lazy(t).collect()
        counts = rule_counts(t)
    assert ev.select("event_id", "kind", "submitted_code", "correct_code").rows() == [(2, "recoded", "Pothole", "Sinkhole")]
    assert counts["matched"]["recoded"] == 1 and counts["unmatched"] == 2


def test_missing_columns_is_a_schema_error(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text("type,opened\nPothole,2024-01-01\n", encoding="utf-8")
    with pytest.raises(SchemaError) as e:
        load_requests(p, columns="code=type,created=opened,closed=Closed At")
    assert "Closed At" in str(e.value)
    with pytest.raises(UsageError):
        load_requests(p, columns="colour=type")


# ------------------------------------------------------------------------------------------------ rules


def test_rules_on_nyc_rows_with_counts(tmp_path):
    with load_requests(write_nyc(tmp_path)) as t:
        ev = events_lazy(t).collect()
        counts = rule_counts(t)
    assert ev.select("event_id", "kind", "submitted_code").rows() == [
        (2, "transferred", "noise-residential:loud-music-party"),
        (4, "duplicate", "encampment:n-a~dhs"),
        (5, "not_city_asset", "street-condition:pothole"),
    ]
    assert ev["correct_code"].null_count() == 3
    assert ev["channel"].to_list() == ["phone", "app", "unknown"]
    assert counts["matched"] == {"recoded": 0, "status-cancelled": 0, "notes-cancelled": 0, "resolution-duplicate": 1,
                                 "resolution-not-city": 1, "resolution-referred": 1}
    assert counts["unmatched"] == 3 and counts["unmatched_with_text"] == 1
    assert counts["top_unmatched_texts"] == []  # fewer than 5 of a text: not shown


def test_open311_cancelled_notes(tmp_path):
    with load_requests(write_open311(tmp_path)) as t:
        ev = events_lazy(t).collect()
        counts = rule_counts(t)
    assert ev.select("event_id", "kind", "submitted_code").rows() == [(2, "cancelled", "CSROWR-12")]
    assert counts["matched"]["notes-cancelled"] == 1


def test_rule_ids_are_stable():
    assert [r.id for r in RULES] == ["recoded", "status-cancelled", "notes-cancelled", "resolution-duplicate",
                                     "resolution-not-city", "resolution-referred"]


def test_internal_referral_is_not_an_error(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text("code,created,resolution\nSC,2024-01-01,The Department of Transportation referred this complaint "
                 "to the appropriate Maintenance Unit for repair.\n", encoding="utf-8")
    with load_requests(p, columns="code=code,created=created,resolution=resolution") as t:
        assert events_lazy(t).collect().height == 0


# -------------------------------------------------------------------------------------------------- CLI


def test_convert_log_from_requests_then_profile(tmp_path):
    src = write_nyc(tmp_path)
    out = tmp_path / "errors.parquet"
    r = run_cli("convert-log", src, out, "--from-requests", "--json")
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["n_events"] == 3 and res["by_kind"] == {"duplicate": 1, "not_city_asset": 1, "transferred": 1}
    assert res["rules"]["matched"]["resolution-referred"] == 1
    assert res["quality"]["created_unparsed"] == 1
    assert pl.read_parquet(out).columns == ["event_id", "timestamp", "channel", "kind", "submitted_code", "correct_code"]
    prof = run_cli("profile", src, "--errors", out, "--json")
    assert prof.exit_code == 0, prof.stderr
    p = json.loads(prof.stdout)
    assert p["error_log"]["n_events"] == 3
    assert not p["error_log"]["unknown_codes"] or p["error_log"]["unknown_codes"]["n_events"] == 0


def test_convert_log_from_requests_toronto_text(tmp_path):
    src = write_toronto(tmp_path)
    r = run_cli("convert-log", src, tmp_path / "e.parquet", "--from-requests")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0] == f"{tmp_path / 'e.parquet'}: 2 error events from 6 requests (toronto); cancelled 2"


def test_convert_log_columns_without_from_requests(tmp_path):
    r = run_cli("convert-log", write_nyc(tmp_path), tmp_path / "e.parquet", "--columns", "nyc")
    assert r.exit_code == 2
    assert r.stderr == "Error: --columns needs --from-requests. Add --from-requests, or leave --columns out\n"


def test_convert_log_from_requests_missing_column(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text("type,opened\nPothole,2024-01-01\n", encoding="utf-8")
    r = run_cli("convert-log", p, tmp_path / "e.parquet", "--from-requests", "--columns", "code=type,created=Opened")
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {p}, line 1: ")
    assert "Opened" in r.stderr
    assert not (tmp_path / "e.parquet").exists()


def test_convert_log_from_requests_empty_file(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_text("", encoding="utf-8")
    r = run_cli("convert-log", p, tmp_path / "e.parquet", "--from-requests")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: ") and "empty" in r.stderr


def test_convert_log_from_requests_unknown_layout(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    r = run_cli("convert-log", p, tmp_path / "e.parquet", "--from-requests")
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {p}: cannot tell which columns of the request rows hold what. Name them with --columns")


def test_aggregated_table_is_not_request_rows(tmp_path):
    p = tmp_path / "taxonomy.csv"
    p.write_text("code,division_code,division,section_code,section,request_type,count,share\n"
                 "T311-R0001,T311-D03,Parks,T311-S010,Forestry,General Pruning,75726,0.034\n", encoding="utf-8")
    r = run_cli("timelines", p)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {p}: this is an aggregated request-type table (a count per type), not "
                               "request rows. Give the rows themselves")


# ------------------------------------------------------------------------------------------- real data


def test_real_nyc_rows_derive_referrals(real_dir, tmp_path):
    src = real_dir / "nyc311-pyboot-2022" / "311_Service_Requests_from_2010_to_Present.csv"
    r = run_cli("convert-log", src, tmp_path / "e.parquet", "--from-requests", "--json")
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["n_requests"] == 924
    assert res["by_kind"] == {"transferred": 4}  # "does not fall under the Police Department's jurisdiction"


def test_real_toronto_open311_cancellations(real_dir, tmp_path):
    src = real_dir / "toronto-open311-krofchick" / "service_requests.json"
    with load_requests(src) as t:
        counts = rule_counts(t)
    assert counts["requests"] == 1000 and counts["matched"]["notes-cancelled"] == 10


def test_quality_counts_each_bad_input_rule(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text("code,created,closed,status\n"
                 "A,2024-01-01T10:00:00-05:00,2024-01-02T10:00:00-05:00,Closed\n"
                 "A,2024-01-01T10:00:00,,Open\n"                      # no offset where others have one
                 "A,2024-01-03T10:00:00Z,2024-01-02T10:00:00Z,Closed\n"  # closed before created
                 "A,,,Open\n"                                          # no creation date
                 "A,2024-01-04T10:00:00Z,yesterday,Closed\n"           # close date that does not parse
                 "A,2024-01-05T10:00:00Z,,Parked\n", encoding="utf-8")  # unknown status
    with load_requests(p, columns="code=code,created=created,closed=closed,status=status") as t:
        q = t.quality()
        t.materialise()
        assert t.quality() == q  # the same counts read back from the materialised table
    assert {k: q[k] for k in ("rows", "created_missing", "created_unparsed", "closed_unparsed", "closed_before_created",
                              "status_unknown", "closed_without_date", "mixed_time_zones")} == {
        "rows": 6, "created_missing": 1, "created_unparsed": 0, "closed_unparsed": 1, "closed_before_created": 1,
        "status_unknown": 1, "closed_without_date": 1, "mixed_time_zones": 1}
    assert q["unknown_statuses"] == {"Parked": 1}


def test_convert_log_from_requests_with_no_event_writes_nothing(tmp_path):
    """Rows no rule matches would give an empty log every later command refuses: refused here, nothing written."""
    p = tmp_path / "rows.csv"
    p.write_text("type,opened,status\nPothole,2024-01-01,Closed\nGraffiti,2024-01-02,Open\n", encoding="utf-8")
    out = tmp_path / "e.parquet"
    r = run_cli("convert-log", p, out, "--from-requests", "--columns", "code=type,created=opened,status=status")
    assert r.exit_code == 2, r.stderr
    assert r.stderr.startswith(f"Error: {p}: no error event can be derived from the 2 requests: no rule matched "
                               "(0 with a resolution text); nothing written."), r.stderr
    assert not out.exists() and not list(tmp_path.glob(".*tmp*"))
