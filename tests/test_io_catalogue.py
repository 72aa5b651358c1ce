"""codekit's own catalogue: CSV (smallest: code,name), Parquet, YAML; round trips; detection; CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codekit.errors import SchemaError
from codekit.io.catalogue import FORMATS, detect_format, load_catalogue, write_catalogue
from codekit.model import AllowedValue, Catalogue, OperationalField, ServiceCode
from tests.cli_helpers import run_cli


def _catalogue() -> Catalogue:
    f = OperationalField(
        "WHERE", "Where is it?", "singlevaluelist", True, (AllowedValue("S", "Street"), AllowedValue("P", "Park")), 1
    )
    return Catalogue(
        [
            ServiceCode("TS-001", "Road - Pot hole", "Transportation Services", "Road Operations", "A hole",
                        ("pothole", "road"), "Roads", 120, 5.0, 2, ("Received", "Completed"), "active", (f,),
                        (("Cancelled", 3), ("Completed", 117)), (("family", "pothole"),)),
            ServiceCode("UF-002", "Tree – fallen, é", "Urban Forestry", volume=0, status="retired"),
            ServiceCode("X", "Minimal"),
        ],
        source="city.yaml",
    )


def test_smallest_csv(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("code,name\nA,Alpha\nB,Beta\n")
    assert detect_format(p) == "csv"
    cat = load_catalogue(p)
    assert cat.code_ids == ["A", "B"] and cat["B"].name == "Beta"
    assert cat["A"].status == "active" and cat["A"].volume is None


@pytest.mark.parametrize("name, text", [
    ("c.csv", 'code;name;volume\nA;"Alpha; the first";3\nB;Beta;4\n'),  # a European spreadsheet's CSV
    ("c.tsv", "code\tname\tvolume\nA\tAlpha; the first\t3\nB\tBeta\t4\n"),
    ("c.csv", "code\tname\tvolume\nA\tAlpha; the first\t3\nB\tBeta\t4\n"),  # pasted from a spreadsheet
])
def test_semicolon_and_tab_separated_catalogues(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="cp1252")
    assert detect_format(p) == "csv"
    cat = load_catalogue(p)
    assert [(c.code, c.name, c.volume) for c in cat.codes] == [("A", "Alpha; the first", 3), ("B", "Beta", 4)]


def test_semicolon_rows_and_their_line_numbers(tmp_path):
    src = tmp_path / "rows.csv"
    src.write_text("Type;Dept\nPothole;Roads\nPothole;Roads\nGraffiti\n")
    r = run_cli("convert", src, tmp_path / "o.csv", "--columns", "name=Type,division=Dept")
    assert r.exit_code == 2 and r.stderr.startswith(f"Error: {src}, line 4: row has 1 field but the header has 2")
    src.write_text("Type;Dept\nPothole;Roads\nPothole;Roads\n")
    r = run_cli("convert", src, tmp_path / "o.csv", "--columns", "name=Type,division=Dept")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "o.csv").read_text().splitlines()[1].startswith("pothole,Pothole,Roads,,,,,2,")


@pytest.mark.parametrize("ext", ["csv", "parquet", "yaml"])
def test_round_trip_and_deterministic_bytes(tmp_path, ext):
    cat = _catalogue()
    a, b = tmp_path / f"a.{ext}", tmp_path / f"b.{ext}"
    write_catalogue(cat, a)
    back = load_catalogue(a)
    assert back.format == ext
    assert back.to_records() == cat.to_records()
    write_catalogue(back.replace_codes(back.codes), b)
    if ext != "yaml":  # the YAML name comes from the source file's stem
        assert a.read_bytes() == b.read_bytes()
    write_catalogue(cat, b)
    assert a.read_bytes() == b.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_yaml_layout(tmp_path):
    p = tmp_path / "c.yaml"
    write_catalogue(_catalogue(), p)
    text = p.read_text(encoding="utf-8")
    assert text.startswith("codekit_catalogue: 1\nname: city\ncodes:\n- code: TS-001\n")
    assert "&" not in text and "*" not in text
    minimal = text.split("- code: X\n")[1]
    assert minimal == "  name: Minimal\n"


def test_parquet_bytes_stable_across_processes(tmp_path):
    code = (
        "import sys; from tests.test_io_catalogue import _catalogue; "
        "from codekit.io.catalogue import write_catalogue; write_catalogue(_catalogue(), sys.argv[1])"
    )
    root = Path(__file__).resolve().parents[1]
    for name in ("1.parquet", "2.parquet"):
        subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], check=True, cwd=root)
    assert (tmp_path / "1.parquet").read_bytes() == (tmp_path / "2.parquet").read_bytes()


def test_fields_sidecar(tmp_path):
    (tmp_path / "c.csv").write_text("code,name,keywords,milestones\nP,Pothole,road; hole,Received | Done\n")
    (tmp_path / "c.fields.csv").write_text(
        "code,key,prompt,datatype,required,order,values\n"
        "P,WHERE,Where?,singlevaluelist,true,1,S=Street;A=Alley\n"
        "P,NOTE,Anything else?,text,false,2,\n"
    )
    cat = load_catalogue(tmp_path / "c.csv")
    p = cat["P"]
    assert p.keywords == ("road", "hole") and p.milestones == ("Received", "Done")
    assert [f.key for f in p.fields] == ["WHERE", "NOTE"]
    assert p.field("WHERE").required and p.field("WHERE").value_keys() == ("S", "A")


def test_unknown_columns_go_to_extra(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("code,name,owner\nA,Alpha,Jane\n")
    assert dict(load_catalogue(p)["A"].extra) == {"owner": "Jane"}


def test_yaml_version_refused(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("codekit_catalogue: 2\nname: x\ncodes: []\n")
    with pytest.raises(SchemaError) as e:
        load_catalogue(p)
    assert (e.value.expected, e.value.found, e.value.path) == ("1", "2", str(p))


def test_yaml_alias_refused(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("codekit_catalogue: 1\ncodes:\n- &a {code: A, name: Alpha}\n- *a\n")
    r = run_cli("convert", p, tmp_path / "o.csv")
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {p}, line 4: a YAML alias (repeating the node anchored on line 3) is not allowed. "
        "Aliases and merge keys are refused (this also refuses alias bombs): write the text out in full\n"
    )


def test_formats_command():
    r = run_cli("formats", "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout) == FORMATS
    r = run_cli("formats")
    assert r.exit_code == 0 and "toronto-taxonomy" in r.stdout


def test_convert_command(tmp_path, real_dir):
    d = real_dir / "dc311-open311-nodeopen311"
    out = tmp_path / "dc.yaml"
    r = run_cli("convert", d / "dc-services.xml", out, "--definitions", d / "dc-services-S0301.xml", "--json")
    assert r.exit_code == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["codes"] == 86 and summary["fields"] == 6 and summary["format"] == "open311-xml"
    back = load_catalogue(out)
    assert back["S0301"].field("WHISPOLO").value_keys() == ("ALLEY002", "STREE001")
    r = run_cli("convert", real_dir / "toronto-311-taxonomy-nshipyard" / "taxonomy.csv", tmp_path / "t.parquet")
    assert r.exit_code == 0 and "Wrote 965 codes in 9 division(s)" in r.stdout
    assert load_catalogue(tmp_path / "t.parquet").total_volume() == 2_225_151


def test_convert_rows_with_columns(tmp_path):
    src = tmp_path / "rows.csv"
    src.write_text("Type,Dept\nPothole,Roads\nPothole,Roads\n")
    r = run_cli("convert", src, tmp_path / "o.csv", "--columns", "name=Type,division=Dept")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "o.csv").read_text().splitlines()[1].startswith("pothole,Pothole,Roads,,,,,2,")


def test_cli_help_does_not_import_heavy_modules():
    code = "import sys, codekit.cli.cmd_catalogue; print(sorted(m for m in ('polars','pandas','yaml','sklearn') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_csv_defuses_formulas_and_round_trips(tmp_path):
    cat = Catalogue([
        ServiceCode("A", "=HYPERLINK(1)", "+Div", description="-dash", keywords=("@k",)),
        ServiceCode("B", "'=already quoted", description="plain 'quote"),
    ])
    p = tmp_path / "c.csv"
    write_catalogue(cat, p)
    text = p.read_text()
    assert "\nA,'=HYPERLINK" in text and ",'+Div," in text and ",'-dash," in text and "''=already" in text
    assert load_catalogue(p).to_records() == cat.to_records()
