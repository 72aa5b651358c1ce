"""`codekit sample` and `codekit convert-log`: exit codes, refusing to overwrite, JSON output."""

from __future__ import annotations

import json

import polars as pl

from tests.cli_helpers import run_cli


def test_sample_writes_catalogue_and_log(tmp_path):
    out = tmp_path / "city"
    r = run_cli("sample", "--out", out, "--events", "2000", "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["n_codes"] >= 650 and data["n_divisions"] == 7 and data["n_events"] == 2000
    assert sorted(p.name for p in out.iterdir()) == [".codekit-output", "catalogue.yaml", "errors.parquet"]
    assert pl.read_parquet(out / "errors.parquet").height == 2000
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folder left behind


def test_sample_text_output_and_csv(tmp_path):
    out = tmp_path / "city"
    r = run_cli("sample", "--out", out, "--events", "500", "--log-format", "csv", "--seed", "5")
    assert r.exit_code == 0, r.stderr
    assert "Sample city (seed 5) written to" in r.stdout and "500 error events" in r.stdout
    assert (out / "errors.csv").read_text().startswith("event_id,timestamp,channel,kind,submitted_code,correct_code\n")


def test_sample_refuses_non_empty_folder(tmp_path):
    out = tmp_path / "city"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    r = run_cli("sample", "--out", out, "--events", "100")
    assert r.exit_code == 2
    assert r.stderr == (f"Error: {out}: the output folder is not empty. "
                        "Choose another folder, or pass --force to replace the files codekit wrote in it\n")
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]
    r = run_cli("sample", "--out", out, "--events", "100", "--force")
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == [".codekit-output", "catalogue.yaml", "errors.parquet", "mine.txt"]
    assert (out / "mine.txt").read_text() == "keep me"


def test_sample_output_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = run_cli("sample", "--out", f, "--events", "10")
    assert r.exit_code == 2
    assert r.stderr == f"Error: {f}: the output folder is a file, not a folder. Name a folder\n"


def test_sample_bad_log_format(tmp_path):
    r = run_cli("sample", "--out", tmp_path / "x", "--log-format", "xlsx")
    assert r.exit_code == 2
    assert r.stderr == ("Error: unknown error-log format (expected parquet or csv, found 'xlsx'). "
                        "Use parquet (fast, small) or csv\n")
    assert not (tmp_path / "x").exists()


def test_sample_same_seed_same_bytes(tmp_path):
    for name in ("a", "b"):
        assert run_cli("sample", "--out", tmp_path / name, "--events", "1500").exit_code == 0
    for f in ("catalogue.yaml", "errors.parquet"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def test_convert_log(tmp_path):
    assert run_cli("sample", "--out", tmp_path / "c", "--events", "800", "--log-format", "csv").exit_code == 0
    dst = tmp_path / "errors.parquet"
    r = run_cli("convert-log", tmp_path / "c" / "errors.csv", dst, "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["n_events"] == 800
    assert pl.read_parquet(dst).height == 800
    r = run_cli("convert-log", tmp_path / "c" / "errors.csv", dst)
    assert r.exit_code == 2
    assert r.stderr == f"Error: {dst}: the output exists. Pass --force to replace it, or name another file\n"
    r = run_cli("convert-log", tmp_path / "c" / "errors.csv", dst, "--force")
    assert r.exit_code == 0 and "800 events" in r.stdout


def test_convert_log_bad_input(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("when,where\n1,2\n")
    r = run_cli("convert-log", bad, tmp_path / "o.parquet")
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {bad}, line 1: the error log lacks the required columns timestamp, channel, "
                               "kind, submitted_code (expected")
    r = run_cli("convert-log", tmp_path / "nope.csv", tmp_path / "o.parquet")
    assert r.exit_code == 2
    assert r.stderr == (f"Error: {tmp_path / 'nope.csv'}: no such file. "
                        "Check the path, or run `codekit sample` to make sample files\n")
    r = run_cli("convert-log", bad, tmp_path / "o.csv")
    assert r.exit_code == 2
    assert "the converted log must be a Parquet file" in r.stderr
    assert not (tmp_path / "o.parquet").exists()


def test_an_impossible_event_count_is_a_usage_error_not_a_crash(tmp_path):
    r = run_cli("sample", "--out", tmp_path / "s", "--events", "99999999999999")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: invalid value for --events of codekit sample: input should be less than or "
                               "equal to 100000000")
    assert not (tmp_path / "s").exists()
