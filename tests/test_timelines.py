"""Closing-the-Loop timelines: Kaplan-Meier quantiles (against the reference numbers and lifelines), counts,
censoring at --as-of, SLA and due-date compliance, categories, CLI behaviour on bad input."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codekit.analyse.timelines import build_timelines, km_table, suggest_ctl_level
from codekit.errors import UsageError
from tests.cli_helpers import run_cli

CLOSED = [2, 5, 7, 11, 13, 17, 19, 23, 29, 31]
OPEN = [6, 15, 40]


def _km(durations, events):
    lf = pl.LazyFrame({"duration": [float(d) for d in durations], "event": list(events)})
    return km_table(lf, []).row(0, named=True)


def test_km_reference_quantiles():
    r = _km(CLOSED + OPEN, [True] * len(CLOSED) + [False] * len(OPEN))
    assert (r["p50"], r["p80"], r["p90"]) == (17.0, 29.0, 31.0)
    assert (r["n"], r["n_event"], r["n_censored"]) == (13, 10, 3)


def test_km_never_reaching_the_quantile_is_null():
    r = _km([1, 2, 3, 4], [True, False, False, False])
    assert r["p50"] is None and r["p90"] is None


def test_km_per_group_equals_one_group_at_a_time():
    lf = pl.LazyFrame({"g": ["a"] * 13 + ["b"] * 3, "duration": [float(x) for x in CLOSED + OPEN + [1, 2, 3]],
                       "event": [True] * 10 + [False] * 3 + [True, True, True]})
    rows = {r["g"]: r for r in km_table(lf, ["g"]).iter_rows(named=True)}
    assert (rows["a"]["p50"], rows["a"]["p80"], rows["a"]["p90"]) == (17.0, 29.0, 31.0)
    assert (rows["b"]["p50"], rows["b"]["p90"]) == (2.0, 3.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.booleans()), min_size=1, max_size=60))
def test_km_matches_lifelines(data):
    lifelines = pytest.importorskip("lifelines")
    from lifelines.utils import qth_survival_times

    durations = [d for d, _ in data]
    events = [e for _, e in data]
    ours = _km(durations, events)
    kmf = lifelines.KaplanMeierFitter().fit(durations, events)
    sf = kmf.survival_function_
    for q, name in ((0.5, "p50"), (0.8, "p80"), (0.9, "p90")):
        ref = float(qth_survival_times(1 - q, sf))
        # the boundary S(t) == 1 - q exactly is a float tie: both answers are right there
        s_vals = dict(zip(sf.index.tolist(), sf.iloc[:, 0].tolist()))
        tie = any(abs(s - (1 - q)) < 1e-9 for s in s_vals.values())
        if ref == float("inf"):
            assert ours[name] is None or tie
        elif not tie:
            assert ours[name] == ref, (name, durations, events)


def test_suggested_level():
    assert suggest_ctl_level(100, 0.5, 1.5) == 1
    assert suggest_ctl_level(100, 3, 10) == 2
    assert suggest_ctl_level(100, 3, 45) == 3
    assert suggest_ctl_level(100, 1, 20) == 3  # wide spread
    assert suggest_ctl_level(5, 0.5, 1.5) is None  # too few requests
    assert suggest_ctl_level(100, 1, None, follow_up_days=3) is None  # too short a history to tell
    assert suggest_ctl_level(100, 1, None, follow_up_days=90) == 3


# ---------------------------------------------------------------------------------------- histories

T0 = datetime(2024, 1, 1, 0, 0)


def write_rows(tmp_path: Path, rows: list[tuple]) -> Path:
    p = tmp_path / "rows.csv"
    with open(p, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "code", "created", "closed", "status", "due"])
        for r in rows:
            w.writerow(r)
    return p


COLS = "id=id,code=code,created=created,closed=closed,status=status,due=due"


def reference_rows() -> list[tuple]:
    """Code A: the reference durations (hours); code B: 3 quick ones; plus rows every rule excludes."""
    out = []
    fmt = "%Y-%m-%d %H:%M"
    for i, h in enumerate(CLOSED):
        out.append((f"a{i}", "A", T0.strftime(fmt), (T0 + timedelta(hours=h)).strftime(fmt), "Closed",
                    (T0 + timedelta(hours=12)).strftime(fmt)))
    as_of = T0 + timedelta(hours=40)
    for i, h in enumerate(OPEN):  # created so that they are open for h hours at as_of
        out.append((f"o{i}", "A", (as_of - timedelta(hours=h)).strftime(fmt), "", "Open", ""))
    for i in range(3):
        out.append((f"b{i}", "B", T0.strftime(fmt), (T0 + timedelta(hours=i + 1)).strftime(fmt), "Closed", ""))
    out.append(("x1", "A", "not a date", "", "Open", ""))
    out.append(("x2", "A", T0.strftime(fmt), "", "Cancelled", ""))
    out.append(("x3", "A", T0.strftime(fmt), (T0 - timedelta(hours=1)).strftime(fmt), "Closed", ""))
    out.append(("x4", "A", T0.strftime(fmt), "", "Weird", ""))
    return out


def test_timelines_per_code_with_counts_and_exclusions(tmp_path):
    p = write_rows(tmp_path, reference_rows())
    default = build_timelines(p, columns=COLS)
    assert default["as_of"] == "2024-01-02 10:00:00" and default["as_of_default"] is True  # the latest timestamp
    res = build_timelines(p, columns=COLS, as_of="2024-01-02 16:00")
    assert res["as_of_default"] is False
    a = next(r for r in res["codes"] if r["code"] == "A")
    assert (a["p50"], a["p80"], a["p90"]) == (17.0, 29.0, 31.0)
    assert (a["n_requests"], a["n_closed"], a["n_open"]) == (13, 10, 3)
    assert res["counts"]["excluded"] == {"cancelled": 1, "closed-before-created": 1, "no-created-date": 1,
                                         "unknown-status": 1}
    assert res["quality"]["created_unparsed"] == 1 and res["quality"]["closed_before_created"] == 1
    assert res["quality"]["unknown_statuses"] == {"Weird": 1}
    # due date 12 h after creation: 4 closed by then (2, 5, 7, 11 h), 6 late; the open ones have no due date
    assert a["due"] == {"with_due": 10, "closed_on_time": 4, "closed_late": 6, "open_overdue": 0, "open_not_due": 0,
                        "on_time_share": 0.4}


def test_timelines_as_of_censors_later_closures(tmp_path):
    p = write_rows(tmp_path, reference_rows())
    res = build_timelines(p, columns=COLS, as_of="2024-01-01 10:00")
    a = next(r for r in res["codes"] if r["code"] == "A")
    # at 10 h: closed at 2, 5, 7; every other request of A created by then is still open
    assert a["n_closed"] == 3
    assert res["counts"]["closed_after_as_of"] >= 7
    assert res["counts"]["excluded"]["created-after-as-of"] == 2  # the two open ones created at 25 h and 34 h


def test_timelines_sla_and_category(tmp_path):
    p = write_rows(tmp_path, reference_rows())
    cat = tmp_path / "catalogue.csv"
    cat.write_text("code,name,division,sla_days,ctl_level\nA,Alpha,Roads,1,2\nB,Beta,Roads,0.5,1\n", encoding="utf-8")
    tax = tmp_path / "taxonomy"
    tax.mkdir()
    (tax / "both.yaml").write_text(
        "codekit_taxonomy: 1\nid: both\nlabel: Both things\ngroups: [Streets]\nquestions:\n"
        "  - key: which\n    prompt: Which one?\n    values: [a, b]\nroutes:\n"
        "  - when: {which: a}\n    code: A\n  - when: {which: b}\n    code: B\n", encoding="utf-8")
    res = build_timelines(p, columns=COLS, catalogue=cat, taxonomy=tax, as_of="2024-01-02 16:00")
    a = next(r for r in res["codes"] if r["code"] == "A")
    assert a["sla_days"] == 1.0 and a["ctl_level"] == 2
    # S(24 h) on the reference data: closed by 24 h are 2,5,7,11,13,17,19,23 -> 1 - S(23)
    ref = _km(CLOSED + OPEN, [True] * 10 + [False] * 3)
    assert ref["p80"] == 29.0
    # at risk at 2, 5, 7, 11, 13, 17, 19, 23 h: 13, 12, 10, 9, 8, 6, 5, 4 (censored at 6 and 15 h)
    s24 = (12 / 13) * (11 / 12) * (9 / 10) * (8 / 9) * (7 / 8) * (5 / 6) * (4 / 5) * (3 / 4)
    assert a["sla_compliance"] == pytest.approx(1 - s24, abs=1e-4)
    assert a["drift_days"] == pytest.approx(29 / 24 - 1, abs=0.01)
    (c,) = res["categories"]
    assert c["category"] == "both" and c["n_requests"] == 16 and c["codes"] == ["A", "B"]


def test_timelines_business_days(tmp_path):
    # created Friday 2024-01-05, closed Monday 2024-01-08: 1 business day; 3 calendar days
    p = write_rows(tmp_path, [("1", "A", "2024-01-05 10:00", "2024-01-08 10:00", "Closed", "")])
    res = build_timelines(p, columns=COLS, business_days=True)
    assert res["unit"] == "business_days" and res["codes"][0]["p50"] == 1.0
    assert build_timelines(p, columns=COLS)["codes"][0]["p50"] == 72.0


def test_timelines_csv_and_json_cli(tmp_path):
    p = write_rows(tmp_path, reference_rows())
    out = tmp_path / "t.csv"
    r = run_cli("timelines", p, "--columns", COLS, "--csv", out, "--json", "--as-of", "2024-01-02 16:00")
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["codes"][0]["code"] == "A"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("level,id,name,division,n_requests")
    assert lines[1].startswith("code,A,A,,13,10,3,")
    r2 = run_cli("timelines", p, "--columns", COLS)
    assert r2.exit_code == 0 and "Bad input (counted, not dropped)" in r2.stdout


def test_cli_as_of_before_all_data(tmp_path):
    p = write_rows(tmp_path, reference_rows())
    r = run_cli("timelines", p, "--columns", COLS, "--as-of", "2020-01-01")
    assert r.exit_code == 2
    assert r.stderr == ("Error: --as-of 2020-01-01 00:00:00 is before every request (the first was created "
                        "2024-01-01 00:00:00). Give the time the rows were exported, or leave --as-of out\n")


def test_cli_as_of_not_a_date(tmp_path):
    p = write_rows(tmp_path, reference_rows())
    r = run_cli("timelines", p, "--columns", COLS, "--as-of", "yesterday")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: --as-of is not a date (expected a date or date-time")


def test_cli_no_timestamps(tmp_path):
    p = write_rows(tmp_path, reference_rows())
    r = run_cli("timelines", p, "--columns", "code=code,status=status")
    assert r.exit_code == 2
    assert r.stderr == (f"Error: {p}: the request rows have no creation time. Name it with --columns "
                        "created=<column>\n")


def test_cli_dates_never_parse(tmp_path):
    p = write_rows(tmp_path, [("1", "A", "soon", "", "Open", "")])
    r = run_cli("timelines", p, "--columns", COLS)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {p}: no request has a date that parses")


def test_cli_missing_column(tmp_path):
    p = write_rows(tmp_path, reference_rows())
    r = run_cli("timelines", p, "--columns", "code=code,created=Opened At")
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {p}, line 1: ") and "Opened At" in r.stderr


def test_cli_csv_output_is_not_an_input(tmp_path):
    p = write_rows(tmp_path, reference_rows())
    r = run_cli("timelines", p, "--columns", COLS, "--csv", p)
    assert r.exit_code == 2 and "also an input" in r.stderr
    assert p.read_text(encoding="utf-8").startswith("id,code")


def test_parse_as_of_usage_error():
    from codekit.analyse.timelines import parse_as_of

    with pytest.raises(UsageError):
        parse_as_of("31/31/2024")
    assert parse_as_of("2024-06-30T17:00:00-04:00") == datetime(2024, 6, 30, 21)


# ------------------------------------------------------------------------------------------ real data


def test_real_nyc_rows_match_lifelines_per_code(real_dir):
    lifelines = pytest.importorskip("lifelines")
    from lifelines.utils import qth_survival_times

    from codekit.analyse.timelines import _durations, parse_as_of
    from codekit.io.requests import load_requests

    src = real_dir / "nyc311-pyboot-2022" / "311_Service_Requests_from_2010_to_Present.csv"
    res = build_timelines(src)
    assert res["counts"]["rows"] == 924 and res["counts"]["closed"] == 480
    with load_requests(src) as t:
        df = _durations(t, parse_as_of(res["as_of"]), False).filter(pl.col("excluded").is_null()).collect()
    checked = 0
    for row in res["codes"][:6]:
        sub = df.filter(pl.col("code") == row["code"])
        kmf = lifelines.KaplanMeierFitter().fit(sub["duration"].to_list(), sub["event"].to_list())
        for q, name in ((0.5, "p50"), (0.8, "p80"), (0.9, "p90")):
            ref = float(qth_survival_times(1 - q, kmf.survival_function_))
            assert (row[name] is None) if ref == float("inf") else row[name] == pytest.approx(ref, abs=0.006)
            checked += 1
    assert checked == 18


def test_real_seeclickfix_milestones(real_dir):
    res = build_timelines(real_dir / "dc-seeclickfix-nd1" / "api_json")
    assert res["counts"]["rows"] == 7083
    assert res["codes"][0]["acknowledged"]["n_acknowledged"] > 0
