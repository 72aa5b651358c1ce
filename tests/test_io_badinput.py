"""Bad input: each case gives exit code 2 and one exact `Error: ...` line naming file, line and what to do.

Encodings (cp1252, UTF-8 with BOM) are not errors: they must load.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codekit.errors import CodekitError, InputError, SchemaError
from codekit.io.catalogue import load_catalogue
from tests.cli_helpers import run_cli

KNOWN = "csv, parquet, yaml, open311-json, open311-xml, toronto-requests, toronto-taxonomy, rows"


def _err(tmp_path: Path, src: Path, *extra: str) -> str:
    r = run_cli("convert", src, tmp_path / "out.csv", *extra)
    assert r.exit_code == 2, r
    assert r.stdout == ""
    assert not (tmp_path / "out.csv").exists()  # nothing half-written
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    return r.stderr.rstrip("\n")


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return p


def test_missing_file(tmp_path):
    p = tmp_path / "nope.csv"
    assert _err(tmp_path, p) == (
        f"Error: {p}: no such file. Check the path, or run `codekit sample` to make sample files"
    )


def test_directory_instead_of_file(tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    assert _err(tmp_path, d) == f"Error: {d}: is a directory, not a file. Name a file inside it"


def test_unknown_format_name(tmp_path):
    p = _write(tmp_path, "c.csv", "code,name\nA,Alpha\n")
    assert _err(tmp_path, p, "--format", "bogus") == (
        f"Error: unknown format 'bogus' (expected one of {KNOWN}, found 'bogus'). "
        "Name the format with --format (see `codekit formats`)"
    )


def test_undetectable_format(tmp_path):
    p = _write(tmp_path, "notes.txt", "hello world\n")
    assert _err(tmp_path, p) == (
        f"Error: {p}: cannot tell the format of the file (expected one of {KNOWN}, "
        "found text that is not CSV, JSON, XML or YAML). Name the format with --format (see `codekit formats`)"
    )


def test_unknown_output_suffix(tmp_path):
    p = _write(tmp_path, "c.csv", "code,name\nA,Alpha\n")
    r = run_cli("convert", p, tmp_path / "out.txt")
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {tmp_path / 'out.txt'}: cannot tell the output format from the file name "
        "(expected a name ending in .csv, .parquet, .pq, .yaml, .yml, found '.txt'). "
        "End the output name with .csv, .parquet or .yaml\n"
    )


def test_cp1252_loads(tmp_path):
    p = _write(tmp_path, "c.csv", "code,name,division\nA,Caf\xe9 sign \x96 damaged,Parks\n".encode("latin-1"))
    cat = load_catalogue(p)
    assert cat["A"].name == "Café sign – damaged"
    r = run_cli("convert", p, tmp_path / "out.yaml")
    assert r.exit_code == 0
    assert "Café sign – damaged" in (tmp_path / "out.yaml").read_text(encoding="utf-8")


def test_utf8_bom_loads(tmp_path):
    p = _write(tmp_path, "c.csv", b"\xef\xbb\xbfcode,name\r\nA,\xc3\x89rable\r\n")
    cat = load_catalogue(p)
    assert cat.code_ids == ["A"] and cat["A"].name == "Érable"
    x = _write(tmp_path, "s.xml", b"\xef\xbb\xbf<services><service><service_code>1</service_code>"
               b"<service_name>\xc3\x89rable</service_name></service></services>")
    assert load_catalogue(x)["1"].name == "Érable"
    j = _write(tmp_path, "s.json", b'\xef\xbb\xbf[{"service_code": "1", "service_name": "A"}]')
    assert load_catalogue(j).code_ids == ["1"]


def test_missing_required_column(tmp_path):
    p = _write(tmp_path, "c.csv", "code,title\nA,Alpha\n")
    assert _err(tmp_path, p) == (
        f"Error: {p}, line 1: missing required column 'name' (expected name, found columns 'code', 'title'). "
        "Rename the column in the header, or name the columns with --columns"
    )


def test_missing_required_column_toronto(tmp_path):
    p = _write(tmp_path, "t.csv", "Creation Date,Status,Service Request Type,Division,Ward\n2024-01-01,New,X,Y,Z\n")
    assert _err(tmp_path, p, "--format", "toronto-requests") == (
        f"Error: {p}, line 1: missing required column 'Section' for a Toronto 311 request file "
        "(expected Section, found columns 'Creation Date', 'Status', 'Service Request Type', 'Division', 'Ward'). "
        "Rename the column in the header, or name the columns with --columns"
    )


def test_duplicate_codes(tmp_path):
    p = _write(tmp_path, "c.csv", "code,name\nA,Alpha\nB,Beta\nA,Again\n")
    assert _err(tmp_path, p) == (
        f"Error: {p}, line 4: duplicate code 'A' on lines 2 and 4. Give every code its own id, or remove the repeated row"
    )


def test_duplicate_codes_yaml(tmp_path):
    p = _write(tmp_path, "c.yaml", "codekit_catalogue: 1\ncodes:\n- code: A\n  name: Alpha\n- code: A\n  name: Again\n")
    assert _err(tmp_path, p) == (
        f"Error: {p}, line 5: duplicate code 'A' on lines 3 and 5. Give every code its own id, or remove the repeated row"
    )


def test_duplicate_codes_open311(tmp_path):
    p = _write(tmp_path, "s.json", '[{"service_code": "1", "service_name": "A"},\n{"service_code": "1", "service_name": "B"}]')
    assert _err(tmp_path, p) == (
        f"Error: {p}, line 2: duplicate code '1' on lines 1 and 2. Give every code its own id, or remove the repeated row"
    )


def test_empty_name(tmp_path):
    p = _write(tmp_path, "c.csv", "code,name\nA,Alpha\nB,  \n")
    assert _err(tmp_path, p) == f"Error: {p}, line 3: code 'B' has an empty name. Give every code a name"


def test_empty_name_open311_xml(tmp_path):
    p = _write(tmp_path, "s.xml", "<services>\n<service><service_code>1</service_code><service_name>A</service_name></service>\n"
               "<service><service_code>2</service_code><service_name> </service_name></service>\n</services>\n")
    assert _err(tmp_path, p) == f"Error: {p}, line 3: code '2' has an empty name. Give every code a name"


def test_malformed_xml(tmp_path):
    p = _write(tmp_path, "s.xml", "<services>\n  <service><service_code>1</service_code>\n  </servce>\n</services>\n")
    assert _err(tmp_path, p) == (
        f"Error: {p}, line 3: malformed XML at column 5: mismatched tag. "
        "Fix the XML (a tag left open or mismatched?) or re-export the file"
    )


def test_malformed_json(tmp_path):
    p = _write(tmp_path, "s.json", '[\n {"service_code": "1", "service_name": "A"}\n {"service_code": "2"}\n]\n')
    assert _err(tmp_path, p) == (
        f"Error: {p}, line 3: malformed JSON at column 2: Expecting ',' delimiter. "
        "Fix the JSON (a missing comma or bracket?) or re-export the file"
    )


def test_malformed_yaml(tmp_path):
    p = _write(tmp_path, "c.yaml", "codekit_catalogue: 1\ncodes:\n  - code: A\n   name: x\n")
    import yaml

    problem = (  # libyaml (the usual wheel) and pure-Python PyYAML word it differently
        "did not find expected '-' indicator" if yaml.__with_libyaml__
        else "expected <block end>, but found '<block mapping start>'"
    )
    assert _err(tmp_path, p) == (
        f"Error: {p}, line 4: YAML syntax error: {problem}. Check indentation, colons and quotes on that line"
    )


def test_truncated_csv_row(tmp_path):
    p = _write(tmp_path, "c.csv", "code,name,division\nA,Alpha,Roads\nB,Be")
    assert _err(tmp_path, p) == (
        f"Error: {p}, line 3: row has 2 fields but the header has 3: the row is truncated. "
        "Re-export or re-download the file; a row cut short usually means the file was cut off"
    )


def test_truncated_toronto_row(tmp_path):
    sample = (Path(__file__).parent / "data" / "toronto_requests_2024_sample.csv").read_bytes()
    p = _write(tmp_path, "t.csv", sample + b"2024-01-11 08:00:00.0000000,New,M6J,Queen St W")
    assert _err(tmp_path, p) == (
        f"Error: {p}, line 20: row has 4 fields but the header has 9: the row is truncated. "
        "Re-export or re-download the file; a row cut short usually means the file was cut off"
    )


def test_unsupported_yaml_version(tmp_path):
    p = _write(tmp_path, "c.yaml", "codekit_catalogue: 7\ncodes: []\n")
    assert _err(tmp_path, p) == (
        f"Error: {p}, line 1: unsupported codekit_catalogue version (expected 1, found 7). "
        "Write the catalogue with this codekit version, or upgrade codekit"
    )


def test_errors_are_codekit_errors(tmp_path):
    with pytest.raises(InputError) as e:
        load_catalogue(tmp_path / "missing.csv")
    assert isinstance(e.value, CodekitError) and e.value.path == str(tmp_path / "missing.csv")
    p = _write(tmp_path, "c.csv", "code,name\nA,Alpha\nA,Beta\n")
    with pytest.raises(SchemaError) as e2:
        load_catalogue(p)
    assert e2.value.line == 3


def test_failed_write_leaves_old_output(tmp_path):
    good = _write(tmp_path, "c.csv", "code,name\nA,Alpha\n")
    out = tmp_path / "out.csv"
    assert run_cli("convert", good, out).exit_code == 0
    before = out.read_bytes()
    bad = _write(tmp_path, "d.csv", "code,name\nA,Alpha\nA,Beta\n")
    assert run_cli("convert", bad, out).exit_code == 2
    assert out.read_bytes() == before


def test_duplicate_codes_parquet_name_rows(tmp_path):
    import polars as pl

    p = tmp_path / "c.parquet"
    pl.DataFrame({"code": ["A", "B", "A"], "name": ["x", "y", "z"]}).write_parquet(p)
    assert _err(tmp_path, p) == (
        f"Error: {p}: duplicate code 'A' on rows 1 and 3. Give every code its own id, or remove the repeated row"
    )


def test_empty_name_parquet_names_row(tmp_path):
    import polars as pl

    p = tmp_path / "c.parquet"
    pl.DataFrame({"code": ["A", "B"], "name": ["x", None]}).write_parquet(p)
    assert _err(tmp_path, p) == f"Error: {p}: code 'B' has an empty name (row 2). Give every code a name"


def test_broken_parquet(tmp_path):
    p = _write(tmp_path, "c.parquet", b"PAR1 not really")
    msg = _err(tmp_path, p)
    assert msg.startswith(f"Error: {p}: cannot read the Parquet file: ")
    assert msg.endswith(". Re-export the file; it may be truncated or not Parquet")


def test_columns_with_another_format(tmp_path):
    p = _write(tmp_path, "c.csv", "code,name\nA,Alpha\n")
    assert _err(tmp_path, p, "--format", "csv", "--columns", "nyc") == (
        f"Error: {p}: columns are named for request rows, but the format is csv. "
        "Leave out --columns, or use --format rows"
    )


def test_rows_missing_named_column(tmp_path):
    p = _write(tmp_path, "r.csv", "Type,Dept\nPothole,Roads\n")
    assert _err(tmp_path, p, "--columns", "name=Type,division=Agency") == (
        f"Error: {p}, line 1: missing required column 'Agency' for these request rows "
        "(expected Agency, found columns 'Type', 'Dept'). Rename the column in the header, or name the columns with --columns"
    )


def test_definition_that_is_not_one(tmp_path, real_dir):
    lst = real_dir / "dc311-open311-nodeopen311" / "dc-services.xml"
    assert _err(tmp_path, lst, "--definitions", lst) == (
        f"Error: {lst}, line 2: not an Open311 service definition (expected root element <service_definition>, "
        "found <services>). Pass service definitions (GET services/{code}) with --definitions"
    )


def test_truncated_row_inside_a_file_with_multiline_cells(tmp_path):
    p = _write(
        tmp_path, "r.csv",
        'Complaint Type,Descriptor,Agency,Status,Created Date\n'
        'Noise,"Loud\nMusic",NYPD,Open,05/01/2022 12:00:03 AM\n'
        'Noise,Party,NYPD\n'
        'Noise,Party,NYPD,Open,05/01/2022 12:00:04 AM\n',
    )
    assert _err(tmp_path, p, "--columns", "nyc") == (
        f"Error: {p}, line 4: row has 3 fields but the header has 5: the row is truncated. "
        "Re-export or re-download the file; a row cut short usually means the file was cut off"
    )


def test_row_with_extra_fields(tmp_path):
    sample = (Path(__file__).parent / "data" / "toronto_requests_2024_sample.csv").read_bytes().split(b"\r\n")
    sample.insert(3, sample[3] + b",extra")
    p = _write(tmp_path, "t.csv", b"\r\n".join(sample))
    assert _err(tmp_path, p) == (
        f"Error: {p}, line 4: row has 10 fields but the header has 9. "
        "Quote cells that contain commas, or add the missing column names to the header"
    )


def test_unclosed_quote_at_end_is_an_error(tmp_path):
    p = tmp_path / "cut.csv"
    p.write_text('code,name\nA,x\nB,"y\n', encoding="utf-8")
    r = run_cli("convert", str(p), str(tmp_path / "out.yaml"))
    assert r.exit_code == 2
    assert r.stderr.strip() == f"Error: {p}, line 3: malformed CSV: unexpected end of data. Check the quotes on this line"
    assert not (tmp_path / "out.yaml").exists()
