"""`codekit release`: reproducible, self-describing, never overwritten, never from a failing taxonomy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "release"
TAXONOMY = DATA / "taxonomy"
CATALOGUE = DATA / "catalogue.yaml"


def release(out: Path, *extra: str, taxonomy: Path = TAXONOMY, catalogue: Path = CATALOGUE):
    return run_cli("release", str(taxonomy), "--catalogue", str(catalogue), "--out", str(out), *extra)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def copy_inputs(dest: Path) -> tuple[Path, Path]:
    """A private, editable copy of the test taxonomy and catalogue."""
    shutil.copytree(TAXONOMY, dest / "taxonomy")
    shutil.copy(CATALOGUE, dest / "catalogue.yaml")
    return dest / "taxonomy", dest / "catalogue.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    r = release(out, "--source-revision", "abc123")
    assert r.exit_code == 0, r.stderr
    return out / "1.0.0"


def test_first_release_is_1_0_0_with_every_file(built):
    names = set(tree_bytes(built))
    assert names == {
        "CHANGELOG.md", "catalogue.json", "manifest.json", "routing.csv", "routing.parquet", "search.json", "skos.ttl",
        "status.json", "open311/services.json", "open311/services.xml",
        *(f"open311/services/{c}.{x}" for c in ("litter", "pothole", "tree") for x in ("json", "xml")),
    }
    assert not [p for p in built.parent.iterdir() if p.name.startswith(".")], "temp folder left behind"


def test_two_builds_are_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert release(a).exit_code == 0
    assert release(b).exit_code == 0
    ta, tb = tree_bytes(a / "1.0.0"), tree_bytes(b / "1.0.0")
    assert ta.keys() == tb.keys()
    assert [k for k in ta if ta[k] != tb[k]] == []


def test_catalogue_json_describes_itself(built):
    from codekit import __version__
    from codekit.release.document import content_hash
    from codekit.release.model import SCHEMA_ID, SCHEMA_VERSION

    doc = json.loads((built / "catalogue.json").read_text(encoding="utf-8"))
    meta = doc["metadata"]
    assert meta["schema_id"] == SCHEMA_ID and meta["schema_version"] == SCHEMA_VERSION
    assert meta["codekit_version"] == __version__
    assert meta["catalogue_version"] == "1.0.0"
    assert meta["source_revision"] == "abc123"
    assert meta["built_at"] is None  # no timestamps unless passed in
    assert meta["content_hash"] == content_hash({k: v for k, v in doc.items() if k != "metadata"})
    assert [c["id"] for c in doc["categories"]] == ["litter", "pothole", "tree"]


def test_built_at_only_when_given(tmp_path):
    assert release(tmp_path, "--built-at", "2026-11-22T20:00:00Z").exit_code == 0
    meta = json.loads((tmp_path / "1.0.0" / "catalogue.json").read_text())["metadata"]
    assert meta["built_at"] == "2026-11-22T20:00:00Z"
    r = release(tmp_path / "x", "--built-at", "yesterday")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: --built-at is not an ISO 8601 time")


def test_catalogue_json_validates_against_committed_schema(built):
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "catalogue-release.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads((built / "catalogue.json").read_text()))
    mschema = json.loads((ROOT / "schemas" / "release-manifest.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(mschema).validate(json.loads((built / "manifest.json").read_text()))


def test_committed_schemas_match_the_model():
    from codekit.release.model import SCHEMA_FILES, schema_bytes

    for name in SCHEMA_FILES:
        assert (ROOT / name).read_bytes() == schema_bytes(name), (
            f"{name} is out of date: run `python -m codekit.release.model` from the repository root"
        )


def test_manifest_lists_every_file_with_its_sha256(built):
    import hashlib

    man = json.loads((built / "manifest.json").read_text())
    files = {k: v for k, v in tree_bytes(built).items() if k != "manifest.json"}
    assert set(man["files"]) == set(files)
    for k, data in files.items():
        assert man["files"][k] == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def test_status_gives_ctl_sla_and_milestones(built):
    status = json.loads((built / "status.json").read_text())
    assert status["codes"]["FOR-TREE"] == {
        "name": "Tree - Damaged (Street)", "division": "Urban Forestry", "status": "active", "ctl_level": 2,
        "sla_days": 10.0, "milestones": ["Received", "Assessed", "Scheduled", "Completed"],
    }
    assert status["codes"]["SW-OLD"]["status"] == "retired"
    litter = status["categories"]["litter"]
    assert litter["codes"] == ["SW-DUMP", "SW-LITTER"]
    assert litter["sla_days"] == {"min": 3.0, "max": 5.0}
    assert status["categories"]["tree"]["milestones"] == ["Received", "Assessed", "Scheduled", "Completed"]


def test_routing_table_csv_and_parquet(built):
    import polars as pl

    csv_df = pl.read_csv(built / "routing.csv", infer_schema=False)
    pq = pl.read_parquet(built / "routing.parquet")
    assert csv_df.height == pq.height == 6
    assert csv_df.columns == pq.columns
    assert "__index_level_0__" not in pq.columns
    assert pq.filter(pl.col("answers") == "where=private")["referral_to"].to_list() == ["The property owner"]
    import pyarrow.parquet as papq

    assert b"pandas" not in (papq.read_schema(built / "routing.parquet").metadata or {})


def test_parquet_writes_are_identical():
    from codekit.release.build import working_document
    from codekit.release.tables import routing_parquet

    _, _, doc = working_document(TAXONOMY, CATALOGUE)
    assert routing_parquet(doc.routing) == routing_parquet(doc.routing)


def test_formula_cells_are_neutralised_in_csv(tmp_path):
    tax, cat = copy_inputs(tmp_path)
    edit(cat, "name: Road - Pot hole", "name: '=HYPERLINK(\"http://evil\",\"x\")'")
    edit(tax / "pothole.yaml", "label: Pothole", "label: '@SUM(A1:A9)'")
    # a formula for a label is also a lint error (label-jargon): only a draft is built, and it is neutralised too
    assert release(tmp_path / "dist", "--pre-release", taxonomy=tax, catalogue=cat).exit_code == 0
    text = (tmp_path / "dist" / "1.0.0-draft.1" / "routing.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(A1:A9)" in text
    import csv

    for row in csv.reader(text.splitlines()[1:]):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


def test_open311_validates_against_the_open311_schemas(built, schema_dir, tmp_path):
    from codekit.release.open311 import check_against_schemas

    assert check_against_schemas(built, schema_dir) == []
    services = json.loads((built / "open311" / "services.json").read_text())
    assert [s["service_code"] for s in services] == ["litter", "pothole", "tree"]
    litter = json.loads((built / "open311" / "services" / "litter.json").read_text())
    assert [a["code"] for a in litter["attributes"]] == ["what", "item"]
    assert litter["attributes"][1]["datatype_description"].startswith("Asked only when")
    pothole = next(s for s in services if s["service_code"] == "pothole")
    assert pothole["keywords"] == "hole in the road, road damage" and pothole["group"] == "Roads and sidewalks"
    # the check can fail: a service with a bad type and a definition with a non-boolean flag
    bad = tmp_path / "bad"
    shutil.copytree(built, bad)
    services[0]["type"] = "sometimes"
    (bad / "open311" / "services.json").write_text(json.dumps(services))
    d = json.loads((bad / "open311" / "services" / "tree.json").read_text())
    d["attributes"][0]["required"] = "yes"
    (bad / "open311" / "services" / "tree.json").write_text(json.dumps(d))
    problems = check_against_schemas(bad, schema_dir)
    assert "open311/services.json item 0: type: 'sometimes' is not one of ['realtime', 'batch', 'blackbox'] (schema service.json)" in problems
    assert "open311/services/tree.json: attributes/0/required: 'yes' is not of type 'boolean' (schema service-definition.json)" in problems
    assert "open311/services.xml: does not say what services.json says" in problems


def test_open311_xml_says_what_the_json_says(built):
    from codekit.release.open311 import xml_to_structure

    o = built / "open311"
    assert xml_to_structure((o / "services.xml").read_bytes()) == json.loads((o / "services.json").read_text())
    for p in sorted((o / "services").glob("*.xml")):
        assert xml_to_structure(p.read_bytes()) == json.loads(p.with_suffix(".json").read_text()), p.name


def test_open311_output_reads_back_with_codekits_own_loader(built):
    from codekit.io.catalogue import load_catalogue

    cat = load_catalogue(built / "open311" / "services.xml")
    assert cat.code_ids == ["litter", "pothole", "tree"]
    assert cat["pothole"].name == "Pothole"


def test_skos_export(built):
    from rdflib import BNode, Graph, URIRef
    from rdflib.namespace import RDF, SKOS

    text = (built / "skos.ttl").read_bytes()
    g = Graph().parse(data=text, format="turtle")
    schemes = set(g.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) == 2
    assert not any(isinstance(t, BNode) for triple in g for t in triple)
    base = "https://codekit.example/311/"
    code, cat = URIRef(base + "code/SW-DUMP"), URIRef(base + "category/litter")
    assert (code, SKOS.broadMatch, cat) in g
    assert {str(x) for x in g.objects(cat, SKOS.altLabel)} == {"garbage", "trash"}
    assert (code, SKOS.inScheme, URIRef(base + "scheme/service-codes")) in g
    assert (cat, SKOS.inScheme, URIRef(base + "scheme/public-categories")) in g
    from codekit.release.build import working_document
    from codekit.release.skos import skos_turtle

    _, _, doc = working_document(TAXONOMY, CATALOGUE)
    assert skos_turtle(doc) == skos_turtle(doc)


def test_published_version_is_never_overwritten(tmp_path):
    assert release(tmp_path).exit_code == 0
    before = tree_bytes(tmp_path / "1.0.0")
    r = release(tmp_path, "--version", "1.0.0")
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {tmp_path / '1.0.0'}: version 1.0.0 is already published; a release is never overwritten. "
        "Give another --version, or leave it out to compute one\n"
    )
    assert tree_bytes(tmp_path / "1.0.0") == before


def test_nothing_changed_is_not_released_again(tmp_path):
    assert release(tmp_path).exit_code == 0
    r = release(tmp_path)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {tmp_path / '1.0.0'}: nothing changed since 1.0.0; nothing to release")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.0.0"]


def test_failing_validation_is_never_released(tmp_path):
    tax, cat = copy_inputs(tmp_path)
    edit(tax / "pothole.yaml", "code: RD-LANE", "code: RD-NOPE")
    out = tmp_path / "dist"
    r = release(out, taxonomy=tax, catalogue=cat)
    assert r.exit_code == 1
    assert "route-unknown-code" in r.stdout
    assert r.stderr.splitlines()[-1] == (
        f"Error: {tax}: the taxonomy has 2 validation finding(s); nothing was released. "
        "Run `codekit validate` and fix them first"
    )
    assert not out.exists()
    r = run_cli("release", str(tax), "--catalogue", str(cat), "--out", str(out), "--json")
    assert r.exit_code == 1
    assert json.loads(r.stdout)["released"] is False
    assert not out.exists()


@pytest.mark.parametrize("version", ["../escape", "1.0", "v1.0.0", "1.0.0/../../x", "/tmp/x"])
def test_version_that_is_not_semver_or_escapes_is_refused(tmp_path, version):
    r = release(tmp_path / "dist", "--version", version)
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: the version is not a semantic version (expected X.Y.Z, e.g. 1.2.0, found {version!r}). "
        "Versions name folders inside the output folder: no paths, no prefixes\n"
    )
    assert not (tmp_path / "dist").exists()


def test_output_paths_cannot_escape_the_output_folder(tmp_path):
    from codekit.errors import UsageError
    from codekit.release.build import safe_join

    assert safe_join(tmp_path, "open311/services/x.json") == tmp_path / "open311/services/x.json"
    for bad in ("../x", "a/../../x", "/etc/passwd", "a//b", "..\\x"):
        with pytest.raises(UsageError, match="escapes the output folder"):
            safe_join(tmp_path, bad)
    (tmp_path / "inside").mkdir()
    (tmp_path / "inside" / "link").symlink_to(tmp_path.parent)
    with pytest.raises(UsageError, match="escapes the output folder"):
        safe_join(tmp_path / "inside", "link/x")


def test_output_folder_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "dist"
    f.write_text("x")
    r = release(f)
    assert r.exit_code == 2
    assert r.stderr == f"Error: {f}: the output folder is a file. Give a folder, e.g. dist\n"


def test_json_summary(tmp_path):
    r = run_cli("release", str(TAXONOMY), "--catalogue", str(CATALOGUE), "--out", str(tmp_path), "--json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["released"] is True and d["version"] == "1.0.0" and d["previous"] is None
    assert "manifest.json" in d["files"]
