"""Parquet error logs counted from their dictionary encoding (analyse/dictcounts.py) agree with the polars path.

The dictionary path is an optimisation with an exact reference: every public aggregation must be the same with it
and without it (``parquet_tables`` forced to None), on awkward files as well as the sample's.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codekit.analyse import dictcounts, errorstats
from codekit.io.errorlog import scan_error_log
from codekit.model import Catalogue, ServiceCode

COLUMNS = {"submitted_code": "submitted_code", "correct_code": "correct_code", "kind": "kind", "channel": "channel"}


def _everything(path: Path) -> dict:
    log = scan_error_log(path)
    cat = Catalogue(codes=[ServiceCode(code="A", name="A", division="D"), ServiceCode(code="B", name="B", division="D")])
    return {
        "code_kind": errorstats.code_kind_counts(log).rows(),
        "confusion": errorstats.confusion_edges(log).rows(),
        "channel": errorstats.channel_kind_counts(log).rows(),
        "check": errorstats.check_error_log(log),
        "unknown": errorstats.unknown_codes(scan_error_log(path), cat),
    }


def _both(path: Path, monkeypatch) -> tuple[dict, dict]:
    fast = _everything(path)
    with monkeypatch.context() as m:
        m.setattr(dictcounts, "parquet_tables", lambda *a, **k: None)
        reference = _everything(path)
    return fast, reference


def _taken(path: Path) -> bool:
    log = scan_error_log(path)
    return dictcounts.parquet_tables(str(path), log.file_columns(*COLUMNS), ("recoded", "transferred"), 2) is not None


def test_sample_log_agrees(tmp_path, monkeypatch):
    from codekit.sample import write_event_log

    path = write_event_log(tmp_path / "e.parquet", n_events=20_000)
    assert _taken(path)
    fast, reference = _both(path, monkeypatch)
    assert fast == reference
    assert sum(n for *_, n in fast["code_kind"]) > 0 and fast["confusion"]


def _messy_table(n: int = 4_000) -> pa.Table:
    kinds = [" Recoded", "TRANSFERRED ", "recoded", "cancelled", "Abandoned", None, "bogus", ""]
    channels = ["phone", " Web", "EMAIL", None, "", "pigeon", "app"]
    subs = ["A", " B ", "C", None, "", "Ä-straße", "ZZ9", "A"]
    cors = ["B", None, "A", "", " C", "ZZ8", None, "B", "Ä-straße"]
    return pa.table({
        "event_id": pa.array(range(n), pa.int64()),
        "timestamp": pa.array(["2025-01-02T08:00:00"] * n),
        "channel": pa.array([channels[i % 7] for i in range(n)]),
        "kind": pa.array([kinds[(i * 3) % 8] for i in range(n)]),
        "submitted_code": pa.array([subs[(i * 5) % 8] for i in range(n)]),
        "correct_code": pa.array([cors[(i * 7) % 9] for i in range(n)]),
    })


@pytest.mark.parametrize("variant", ["dictionary", "plain", "large", "dictionary-typed", "no-correct-code",
                                     "renamed", "small-groups"])
def test_awkward_files_agree(tmp_path, monkeypatch, variant):
    table = _messy_table()
    kw: dict = {"row_group_size": 700}  # several row groups, each with its own dictionaries
    if variant == "plain":
        kw["use_dictionary"] = False
    elif variant == "large":
        table = table.cast(pa.schema([f if f.type != pa.string() else pa.field(f.name, pa.large_string())
                                      for f in table.schema]))
    elif variant == "dictionary-typed":
        for name in ("kind", "channel"):
            table = table.set_column(table.schema.get_field_index(name), name,
                                     table.column(name).dictionary_encode())
    elif variant == "no-correct-code":
        table = table.drop(["correct_code"])
    elif variant == "renamed":
        table = table.rename_columns(["Event ID", "Timestamp", "Channel", "Kind", "Submitted Code", "correct-code"])
    elif variant == "small-groups":
        kw["row_group_size"] = 3
    path = tmp_path / f"{variant}.parquet"
    pq.write_table(table, path, **kw)
    assert _taken(path)
    fast, reference = _both(path, monkeypatch)
    assert fast == reference


def test_numeric_codes_take_the_polars_path(tmp_path, monkeypatch):
    n = 500
    table = pa.table({
        "timestamp": pa.array(["2025-01-02"] * n), "channel": pa.array(["phone"] * n),
        "kind": pa.array(["recoded", "cancelled"] * (n // 2)),
        "submitted_code": pa.array([i % 7 for i in range(n)], pa.int64()),
        "correct_code": pa.array([(i + 1) % 7 for i in range(n)], pa.int64()),
    })
    path = tmp_path / "numbers.parquet"
    pq.write_table(table, path)
    assert not _taken(path)
    fast, reference = _both(path, monkeypatch)
    assert fast == reference and fast["confusion"]


def test_many_values_fall_back_to_sorting(tmp_path, monkeypatch):
    """A chunk whose combinations do not fit a dense count is counted by sorting; same answers."""
    monkeypatch.setattr(dictcounts, "_DENSE_MAX", 16)
    table = _messy_table(3_000)
    path = tmp_path / "sorted.parquet"
    pq.write_table(table, path, row_group_size=1_000)
    fast = _everything(path)
    monkeypatch.setattr(dictcounts, "parquet_tables", lambda *a, **k: None)
    assert fast == _everything(path)


def test_damaged_file_is_reported_by_the_reference_path(tmp_path):
    from codekit.errors import InputError

    n = 2000
    path = tmp_path / "e.parquet"
    pl.DataFrame({"timestamp": ["2025-01-01"] * n, "channel": ["web"] * n, "kind": ["recoded"] * n,
                  "submitted_code": [f"A{i}" for i in range(n)]}).write_parquet(path, compression="uncompressed")
    data = bytearray(path.read_bytes())
    data[200:1400] = b"A" * 1200  # a page overwritten; the footer still reads
    path.write_bytes(bytes(data))
    log = scan_error_log(path)
    assert not _taken(path)
    with pytest.raises(InputError) as e:
        errorstats.code_kind_counts(log)
    assert "Parquet data is damaged" in str(e.value)


def test_tables_have_the_reference_dtypes(tmp_path):
    from codekit.sample import write_event_log

    path = write_event_log(tmp_path / "e.parquet", n_events=2_000)
    raw = errorstats.raw_tables(scan_error_log(path))
    assert set(raw) == {"code_kind", "pairs", "channel"}
    for df in raw.values():
        assert df.schema["n"] == pl.Int64
        assert all(df.schema[c] == pl.String for c in df.columns if c != "n")
