"""Error logs: lazy reading of CSV and Parquet, the canonical schema, bad input, and the aggregations."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from codekit.analyse.errorstats import (
    channel_kind_counts,
    check_error_log,
    code_kind_counts,
    confusion_edges,
    unknown_codes,
)
from codekit.errors import FormatError, InputError, SchemaError
from codekit.io.errorlog import ErrorLog, convert_error_log, scan_error_log
from codekit.model import ERROR_LOG_COLUMNS, Catalogue, ServiceCode

HEADER = "event_id,timestamp,channel,kind,submitted_code,correct_code"
# A tiny log whose answers are known (counted by hand below).
ROWS = [
    "1,2025-01-02T08:00:00,phone,recoded,A,B",
    "2,2025-01-02 09:30:00,phone,recoded,A,B",
    "3,2025-01-03T10:00:00Z,web,recoded,A,C",
    "4,2025-01-03,phone,transferred,B,C",
    "5,2025-01-04T11:00:00.250,app,cancelled,A,",
    "6,2025-01-04T12:00:00+01:00,web,abandoned,B,",
    "7,2025-01-05T13:00:00,web,abandoned,B,",
    "8,2025-01-05T14:00:00,email,duplicate,C,",
    "9,2025-01-06T15:00:00,counter,not_city_asset,ZZ9,",
    "10,not a date,app,validation_failed,A,",
]


def write(tmp_path: Path, text: str, name: str = "log.csv", bom: bool = False) -> Path:
    p = tmp_path / name
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return p


@pytest.fixture
def csv_log(tmp_path) -> Path:
    return write(tmp_path, "\n".join([HEADER, *ROWS]) + "\n")


@pytest.fixture
def parquet_log(tmp_path, csv_log) -> Path:
    out = tmp_path / "log.parquet"
    convert_error_log(csv_log, out)
    return out


def as_set(df: pl.DataFrame) -> set[tuple]:
    return set(df.iter_rows())


def test_scan_is_lazy_and_canonical(csv_log, parquet_log):
    for path in (csv_log, parquet_log):
        log = scan_error_log(path)
        assert isinstance(log.lazy, pl.LazyFrame)
        assert log.source == str(path)
        schema = log.lazy.collect_schema()
        assert list(schema.names()) == list(ERROR_LOG_COLUMNS)
        assert schema["timestamp"] == pl.Datetime("us") and schema["event_id"] == pl.Int64
        df = log.collect()
        assert df.height == 10
        ts = df["timestamp"].to_list()
        assert ts[0].isoformat() == "2025-01-02T08:00:00"
        assert ts[1].isoformat() == "2025-01-02T09:30:00"
        assert ts[2].isoformat() == "2025-01-03T10:00:00"  # trailing Z dropped
        assert ts[3].isoformat() == "2025-01-03T00:00:00"  # a bare date is midnight
        assert ts[4].isoformat() == "2025-01-04T11:00:00.250000"
        assert ts[9] is None  # unparseable -> empty, not a crash


def test_bom_and_loose_header_names(tmp_path):
    header = "Event ID,Timestamp,Channel,Kind,Submitted Code,Correct-Code,notes"
    p = write(tmp_path, header + "\n" + "\n".join(r + ",x" for r in ROWS) + "\n", bom=True)
    log = scan_error_log(p)
    assert list(log.lazy.collect_schema().names()) == list(ERROR_LOG_COLUMNS)
    assert int(code_kind_counts(log)["n"].sum()) == 10


def test_aggregations_on_known_log(csv_log, parquet_log):
    for path in (csv_log, parquet_log):
        log = scan_error_log(path)
        assert as_set(code_kind_counts(log)) == {
            ("A", "recoded", 3), ("A", "cancelled", 1), ("A", "validation_failed", 1),
            ("B", "transferred", 1), ("B", "abandoned", 2), ("C", "duplicate", 1), ("ZZ9", "not_city_asset", 1),
        }
        edges = confusion_edges(log)
        assert edges.columns == ["submitted_code", "correct_code", "kind", "n"]
        assert edges.rows() == [("A", "B", "recoded", 2), ("A", "C", "recoded", 1), ("B", "C", "transferred", 1)]
        assert as_set(channel_kind_counts(log)) == {
            ("phone", "recoded", 2), ("web", "recoded", 1), ("phone", "transferred", 1), ("app", "cancelled", 1),
            ("web", "abandoned", 2), ("email", "duplicate", 1), ("counter", "not_city_asset", 1),
            ("app", "validation_failed", 1),
        }


def test_code_kind_columns_sorted(csv_log):
    df = code_kind_counts(scan_error_log(csv_log))
    assert df.columns == ["code", "kind", "n"]
    assert df.select("code", "kind").rows() == sorted(df.select("code", "kind").rows())


def test_unknown_codes_counted_not_raised(csv_log):
    cat = Catalogue([ServiceCode("A", "Alpha"), ServiceCode("B", "Beta")])
    assert unknown_codes(scan_error_log(csv_log), cat) == {"n_events": 4, "n_codes": 2, "examples": ["C", "ZZ9"]}


def test_unknown_kind_and_channel_are_warnings(tmp_path):
    rows = ROWS[:3] + ["11,2025-02-01T00:00:00,fax,recoded,A,B", "12,2025-02-01T00:00:00,web,misfiled,A,B",
                       "13,2025-02-01T00:00:00, Phone ,Recoded , A ,B", "14,2025-02-01T00:00:00,web,recoded,A,A"]
    log = scan_error_log(write(tmp_path, "\n".join([HEADER, *rows]) + "\n"))
    check = check_error_log(log)
    assert check["n_rows"] == 7 and check["n_usable"] == 6
    assert check["unknown_kinds"] == {"misfiled": 1}
    assert check["unknown_channels"] == {"fax": 1}
    assert check["self_confusions"] == 1
    assert len(check["warnings"]) == 3 and log.warnings == check["warnings"]
    edges = confusion_edges(log)
    assert edges.rows()[0] == ("A", "B", "recoded", 4)  # trimmed and lower-cased; A->A is no edge
    assert ("unknown", "recoded", 1) in as_set(channel_kind_counts(log))
    assert "misfiled" not in code_kind_counts(log)["kind"].to_list()


def test_missing_required_column(tmp_path):
    p = write(tmp_path, "event_id,timestamp,channel,code\n1,2025-01-01,web,A\n")
    with pytest.raises(SchemaError) as e:
        scan_error_log(p)
    assert str(e.value) == (
        f"{p}, line 1: the error log lacks the required columns kind, submitted_code "
        "(expected timestamp, channel, kind, submitted_code, found event_id, timestamp, channel, code). "
        "Rename the columns to the canonical schema (docs/formats.md, 'Error logs')"
    )


def test_missing_column_in_parquet(tmp_path):
    p = tmp_path / "bad.parquet"
    pl.DataFrame({"timestamp": ["2025-01-01"], "kind": ["recoded"], "submitted_code": ["A"]}).write_parquet(p)
    with pytest.raises(SchemaError, match=r"bad\.parquet: the error log lacks the required column channel "):
        scan_error_log(p)


def test_optional_columns_may_be_absent(tmp_path):
    p = write(tmp_path, "timestamp,channel,kind,submitted_code\n2025-01-01,web,abandoned,A\n")
    df = scan_error_log(p).collect()
    assert df["event_id"].to_list() == [None] and df["correct_code"].to_list() == [None]


def test_empty_logs(tmp_path):
    with pytest.raises(InputError, match="the error log is empty"):
        scan_error_log(write(tmp_path, ""))
    with pytest.raises(InputError, match=r"has no events \(a header line only\)"):
        scan_error_log(write(tmp_path, HEADER + "\n", name="h.csv"))
    empty_pq = tmp_path / "e.parquet"
    pl.DataFrame(schema={c: pl.String for c in ERROR_LOG_COLUMNS}).write_parquet(empty_pq)
    with pytest.raises(InputError, match="the error log has no events"):
        scan_error_log(empty_pq)
    # rows, but none usable: clear error when first aggregated
    log = scan_error_log(write(tmp_path, HEADER + "\n1,2025-01-01,web,bogus,A,\n2,2025-01-01,web,recoded,,\n",
                               name="u.csv"))
    with pytest.raises(InputError, match=r"no usable events \(2 rows, none with a known kind"):
        code_kind_counts(log)


def test_bad_paths_and_formats(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        scan_error_log(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="is a directory"):
        scan_error_log(tmp_path)
    odd = tmp_path / "log.dat"
    odd.write_text("x")
    with pytest.raises(FormatError, match="cannot tell the error log's format"):
        scan_error_log(odd)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        scan_error_log(broken)


def test_from_frame_and_dataframe_input(csv_log):
    df = scan_error_log(csv_log).collect()
    log = ErrorLog.from_frame(df, source="mem")
    assert log.source == "mem" and log.n_events() == 10
    assert code_kind_counts(df).equals(code_kind_counts(log))  # a bare DataFrame works too
    with pytest.raises(SchemaError, match="lacks the required column kind"):
        ErrorLog.from_frame(df.drop("kind"))


def test_one_pass_is_cached(csv_log):
    log = scan_error_log(csv_log)
    code_kind_counts(log)
    cached = log._cube
    confusion_edges(log)
    channel_kind_counts(log)
    assert log._cube is cached


def test_convert_error_log(csv_log, tmp_path):
    out = tmp_path / "sub" / "log.parquet"
    res = convert_error_log(csv_log, out)
    assert res["n_events"] == 10 and out.exists()
    assert pl.read_parquet(out).columns == list(ERROR_LOG_COLUMNS)
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_sample_log_round_trip(tmp_path):
    from codekit.sample import generate_sample, write_event_log

    n = 3_000
    csv = write_event_log(tmp_path / "e.csv", n_events=n)
    pq = write_event_log(tmp_path / "e.parquet", n_events=n)
    mem = ErrorLog.from_frame(generate_sample(n_events=n).events)
    a, b, c = (scan_error_log(csv), scan_error_log(pq), mem)
    assert code_kind_counts(a).equals(code_kind_counts(b)) and code_kind_counts(b).equals(code_kind_counts(c))
    assert confusion_edges(a).equals(confusion_edges(c))
    assert scan_error_log(csv).collect().equals(mem.collect())


@pytest.mark.parametrize("sep, name", [(";", "log.csv"), ("\t", "log.tsv"), ("\t", "log.csv")])
def test_semicolon_and_tab_separated_logs(tmp_path, csv_log, sep, name):
    """European spreadsheet exports separate with semicolons; .tsv with tabs: the same counts as the comma log."""
    text = "\n".join([HEADER, *ROWS]).replace(",", sep) + "\n"
    other = write(tmp_path, text, name=name)
    a, b = scan_error_log(csv_log), scan_error_log(other)
    assert as_set(code_kind_counts(a)) == as_set(code_kind_counts(b))
    assert as_set(confusion_edges(a)) == as_set(confusion_edges(b))
    assert as_set(channel_kind_counts(a)) == as_set(channel_kind_counts(b))
