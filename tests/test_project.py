"""The project file: codekit init, inputs read by every command, explicit flags override, errors with lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "release"


@pytest.fixture
def city(tmp_path, monkeypatch) -> Path:
    """A folder outside any project holding a catalogue and a taxonomy; the working folder."""
    shutil.copy(DATA / "catalogue.yaml", tmp_path / "catalogue.yaml")
    shutil.copytree(DATA / "taxonomy", tmp_path / "taxonomy")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CODEKIT_PROJECT", raising=False)
    return tmp_path


# ------------------------------------------------------------------------------------------- init

def test_init_writes_a_project_with_relative_paths(city):
    (city / "data").mkdir()
    shutil.move(city / "catalogue.yaml", city / "data" / "catalogue.yaml")
    r = run_cli("init", "proj", "--catalogue", "data/catalogue.yaml", "--taxonomy", "proj/tax", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["codes"] == 6
    text = (city / "proj" / "codekit.toml").read_text(encoding="utf-8")
    assert 'catalogue = "../data/catalogue.yaml"' in text and 'folder = "tax"' in text
    import tomllib

    data = tomllib.loads(text)
    assert data["propose"]["max_answers"] == 7 and data["release"]["out"] == "dist"
    from codekit.project import read_project

    p = read_project(city / "proj" / "codekit.toml")
    assert Path(p.catalogue).resolve() == (city / "data" / "catalogue.yaml").resolve()
    assert p.taxonomy == city / "proj" / "tax"


def test_init_never_overwrites_a_project_file(city):
    assert run_cli("init", "--catalogue", "catalogue.yaml").exit_code == 0
    before = (city / "codekit.toml").read_bytes()
    r = run_cli("init", "--catalogue", "catalogue.yaml", "--format", "codekit-yaml")
    assert r.exit_code == 2
    assert r.stderr == ("Error: codekit.toml: a project file is already there; it is never overwritten. "
                        "Edit it, or delete it first to start again\n")
    assert (city / "codekit.toml").read_bytes() == before


def test_init_loads_the_catalogue_before_writing(city):
    (city / "broken.csv").write_text("nothing,useful\n1,2\n", encoding="utf-8")
    r = run_cli("init", "--catalogue", "broken.csv")
    assert r.exit_code == 2 and r.stderr.startswith("Error: broken.csv")
    assert not (city / "codekit.toml").exists()
    r = run_cli("init", "--catalogue", "missing.csv")
    assert r.exit_code == 2 and not (city / "codekit.toml").exists()


# ------------------------------------------------------------------------------------------- resolution

def test_outside_a_project_no_command_uses_the_sample(city):
    expected = ("Error: no catalogue given, and no project file (codekit.toml) here or in a folder above. "
                "Pass {how}, make a project with `codekit init --catalogue FILE`, or pass --sample for the "
                "bundled sample city\n")
    for args, how in ((("validate",), "--catalogue FILE"), (("release",), "--catalogue FILE"),
                      (("routes", "--out", "r.csv"), "--catalogue FILE"), (("report",), "--catalogue FILE"),
                      (("preview", "taxonomy"), "--catalogue FILE"), (("diff", "taxonomy", "taxonomy"), "--catalogue FILE"),
                      (("suggest", "pothole", "--taxonomy", "taxonomy"), "--catalogue FILE"),
                      (("profile",), "the catalogue file as the first argument"),
                      (("propose",), "the catalogue file as the first argument")):
        r = run_cli(*args)
        assert r.exit_code == 2, (args, r.stdout, r.stderr)
        assert r.stderr == expected.format(how=how), args
    assert sorted(p.name for p in city.iterdir()) == ["catalogue.yaml", "taxonomy"]


def test_the_sample_only_when_asked(city):
    r = run_cli("lint", str(ROOT / "taxonomy"), "--sample", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""
    r = run_cli("lint", "taxonomy", "--sample", "--catalogue", "catalogue.yaml")
    assert r.exit_code == 2
    assert r.stderr == ("Error: --sample names the bundled sample city: give it or a catalogue, not both "
                        "(found catalogue.yaml)\n")


def test_inside_a_project_commands_need_no_catalogue(city):
    assert run_cli("init", "--catalogue", "catalogue.yaml").exit_code == 0
    (city / "sub").mkdir()
    import os

    os.chdir(city / "sub")  # found from a folder below too
    r = run_cli("validate", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["catalogue"].endswith("catalogue.yaml")
    r = run_cli("release", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["version"] == "1.0.0"
    assert (city / "dist" / "1.0.0" / "catalogue.json").is_file()  # the project's [release] out
    r = run_cli("routes", "--out", str(city / "routes.csv"))
    assert r.exit_code == 0, r.stderr
    r = run_cli("preview", str(city / "taxonomy"), "--out", str(city / "p.html"))
    assert r.exit_code == 0, r.stderr
    r = run_cli("diff", str(city / "dist" / "1.0.0"), str(city / "taxonomy"), "--output", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["changes"] == []
    # releases need no catalogue: outside the project, diff and preview of releases still work
    os.chdir(city.parent)
    (city / "codekit.toml").unlink()
    r = run_cli("diff", str(city / "dist" / "1.0.0"), str(city / "dist" / "1.0.0"), "--output", "json")
    assert r.exit_code == 0, r.stderr
    assert run_cli("preview", str(city / "dist" / "1.0.0"), "--out", str(city / "q.html")).exit_code == 0


def test_explicit_flags_override_the_project(city):
    (city / "codekit.toml").write_text('[inputs]\ncatalogue = "catalogue.yaml"\nformat = "open311-json"\n',
                                       encoding="utf-8")
    r = run_cli("validate", "--json")
    assert r.exit_code == 2  # the project's format is used ...
    r = run_cli("validate", "--format", "codekit-yaml", "--json")
    assert r.exit_code == 0, r.stderr  # ... and a flag overrides it
    other = city / "other.yaml"
    shutil.copy(city / "catalogue.yaml", other)
    r = run_cli("validate", "--catalogue", str(other), "--json")
    assert r.exit_code == 0, r.stderr  # an explicit catalogue brings its own (detected) format
    assert json.loads(r.stdout)["catalogue"] == str(other)


def test_project_option_and_environment(city, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    proj = elsewhere / "codekit.toml"
    proj.write_text(f'[inputs]\ncatalogue = "{(city / "catalogue.yaml").as_posix()}"\n'
                    f'[taxonomy]\nfolder = "{(city / "taxonomy").as_posix()}"\n', encoding="utf-8")
    monkeypatch.chdir(elsewhere.parent)
    assert run_cli("validate").exit_code == 2
    assert run_cli("--project", proj, "validate").exit_code == 0
    monkeypatch.setenv("CODEKIT_PROJECT", str(proj))
    assert run_cli("validate").exit_code == 0


# ------------------------------------------------------------------------------------------- bad project files

def test_a_project_option_naming_a_folder_or_a_special_file(tmp_path, monkeypatch):
    import os

    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "fifo")  # opening a FIFO would block: it is refused unopened
    for name, what in (("fifo", "not a regular file. Give the path of a codekit.toml file"),
                       ("/dev/null", "not a regular file. Give the path of a codekit.toml file"),
                       (".", "this is a folder, not a project file. Give the path of its codekit.toml (codekit.toml)")):
        r = run_cli("--project", name, "lint")
        assert (r.exit_code, r.stderr) == (2, f"Error: {name}: {what}\n")


@pytest.mark.parametrize("text, line, message", [
    ('[inputs]\ncatalogue = "catalogue.yaml\n', 2, "TOML syntax error: "),
    ('[inputs]\ncatalogue = "catalogue.yaml"\ncatalog = "x"\n', 3, "unknown key 'catalog' in [inputs] "
     "(expected catalogue, format, columns, definitions, errors, requests, requests_columns, found 'catalog')"),
    ('[inputs]\ncatalogue = "catalogue.yaml"\n\n[lints]\nmax_codes = 3\n', 4, "unknown section [lints]"),
    ('[inputs]\ncatalogue = "nope.csv"\n', 2, "the catalogue named here does not exist: "),
    ('[inputs]\ncatalogue = "catalogue.yaml"\nerrors = "gone.parquet"\n', 3, "the errors named here does not exist"),
    ('[inputs]\ncatalogue = "catalogue.yaml"\n[lint]\nmax_codes = "many"\n', 4,
     "[lint] max_codes must be an integer (found 'many')"),
    ('[inputs]\ncatalogue = "sample:abc"\n', 2, "a sample pseudo-path names a seed"),
])
def test_bad_project_files_name_file_and_line(city, text, line, message):
    (city / "codekit.toml").write_text(text, encoding="utf-8")
    r = run_cli("validate")
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {city / 'codekit.toml'}, line {line}: {message}"), r.stderr
    assert r.stderr.count("\n") == 1


def test_every_catalogue_command_takes_format_columns_definitions_and_sample():
    import typer.main

    from codekit.cli import app

    cli = typer.main.get_command(app)
    readers = []
    for name, cmd in cli.commands.items():
        params = {p.name for p in cmd.params}
        # timelines: its --format/--columns describe the request rows; --catalogue is an optional side table
        # suggest: --catalogue is one of three things it can rank (a release, a taxonomy, a catalogue)
        if "catalogue" in params and name not in ("init", "timelines", "suggest"):
            readers.append(name)
            assert {"format", "columns", "definitions", "sample"} <= params, (name, params)
    assert {"validate", "routes", "release", "diff", "report", "preview", "profile", "propose", "confusion",
            "lint"} <= set(readers)


# ------------------------------------------------------------------------------------------- propose --start

def test_propose_starts_the_taxonomy_then_writes_drafts_beside_it(city):
    shutil.rmtree(city / "taxonomy")
    assert run_cli("init", "--catalogue", "catalogue.yaml").exit_code == 0
    args = ("propose", "--start", "--weight", "semantic=0", "--json")
    r = run_cli(*args)
    assert r.exit_code == 0, r.stderr
    w = json.loads(r.stdout)["written"]
    assert w["started"] is True and Path(w["folder"]) == city / "taxonomy"
    files = sorted((city / "taxonomy").glob("*.yaml"))
    assert files
    (files[0]).write_text(files[0].read_text() + "# curated by hand\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (city / "taxonomy").iterdir()}
    for n in (2, 3):
        r = run_cli(*args)
        assert r.exit_code == 0, r.stderr
        w = json.loads(r.stdout)["written"]
        assert w["started"] is False and Path(w["folder"]) == city / "drafts" / f"draft-{n}"
        assert set(w["changes"]["counts"]) == {"categories_added", "categories_removed", "codes_moved", "codes_new",
                                               "codes_not_proposed"}
    assert {p.name: p.read_bytes() for p in (city / "taxonomy").iterdir()} == before
    # --out naming the project's taxonomy folder is the same: never overwritten
    r = run_cli("propose", "--out", "taxonomy", "--weight", "semantic=0", "--force")
    assert r.exit_code == 0, r.stderr
    assert "left as it is; this proposal is a new draft" in r.stdout
    assert (city / "drafts" / "draft-4").is_dir()
    assert {p.name: p.read_bytes() for p in (city / "taxonomy").iterdir()} == before


def test_propose_start_needs_a_project(city):
    r = run_cli("propose", "catalogue.yaml", "--start")
    assert r.exit_code == 2
    assert r.stderr == ("Error: --start writes a project's taxonomy, and there is no project file (codekit.toml) "
                        "here. Make one with `codekit init --catalogue FILE`, or write a draft with --out FOLDER\n")


def test_changes_against_a_curated_taxonomy():
    from types import SimpleNamespace

    from codekit.propose.start import changes_against

    def cat(id_, codes):
        return SimpleNamespace(id=id_, codes=lambda: list(codes), merged=())

    taxonomy = [cat("roads", ["A", "B", "C"]), cat("bins", ["D"]), cat("gone", ["E"])]
    proposal = SimpleNamespace(categories=[SimpleNamespace(id="p1", members=["A", "B", "D"]),
                                           SimpleNamespace(id="p2", members=["C"]),
                                           SimpleNamespace(id="p3", members=["F"])])
    ch = changes_against(proposal, taxonomy)
    assert ch["categories_added"] == ["p2", "p3"] and ch["categories_removed"] == ["bins", "gone"]
    assert ch["codes_moved"] == [
        {"code": "C", "from": "roads", "to": "p2", "new_category": True},
        {"code": "D", "from": "bins", "to": "roads", "new_category": False},
    ]
    assert ch["codes_new"] == ["F"] and ch["codes_not_proposed"] == ["E"]


def test_a_project_without_its_taxonomy_says_how_to_start_it(city):
    shutil.rmtree(city / "taxonomy")
    assert run_cli("init", "--catalogue", "catalogue.yaml").exit_code == 0
    for cmd in ("lint", "validate", "release"):
        r = run_cli(cmd)
        assert r.exit_code == 2
        assert r.stderr == (f"Error: {city / 'taxonomy'}: the project's taxonomy folder does not exist yet. Start it "
                            f"from a proposal with `codekit propose --start`, or fix [taxonomy] folder in "
                            f"{city / 'codekit.toml'}\n")


def test_init_stores_far_away_paths_absolute(city, tmp_path_factory):
    from codekit.project import _rel

    assert _rel("/opt/data/x.csv", city) == "/opt/data/x.csv"
    assert _rel(city / "data" / "x.csv", city) == "data/x.csv"
    assert _rel(city.parent / "x.csv", city) == "../x.csv"
    assert _rel("sample:311", city) == "sample:311"
