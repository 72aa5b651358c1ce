"""Frozen golden releases load; tampered, incomplete or unknown-schema copies are refused."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
FROZEN = sorted(p for p in GOLDEN.iterdir() if p.is_dir() and p.name.startswith("v"))
DATA = ROOT / "tests" / "data" / "release"


def test_there_is_a_frozen_release():
    assert [p.name for p in FROZEN][:1] == ["v1.0.0"]


@pytest.mark.parametrize("path", FROZEN, ids=[p.name for p in FROZEN])
def test_every_frozen_release_loads(path):
    from codekit.release import load_release

    r = load_release(path)
    assert f"v{r.version}" == path.name
    assert r.document.categories and r.document.routing
    assert r.manifest.content_hash == r.document.metadata.content_hash


def test_frozen_release_still_matches_its_sources():
    """The golden was built from tests/data/release: nothing the release says has changed since."""
    r = run_cli("diff", str(FROZEN[0]), str(DATA / "taxonomy"), "--catalogue", str(DATA / "catalogue.yaml"),
                "--output", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["changes"] == []


@pytest.fixture
def copy(tmp_path) -> Path:
    dest = tmp_path / "1.0.0"
    shutil.copytree(FROZEN[0], dest)
    return dest


def test_tampered_release_is_refused(copy):
    p = copy / "routing.csv"
    p.write_bytes(p.read_bytes().replace(b"SW-DUMP", b"SW-DUMQ", 1))
    r = run_cli("diff", str(copy), str(FROZEN[0]))
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {p}: checksum mismatch for routing.csv (expected ")
    assert r.stderr.rstrip().endswith("The release is damaged or was edited: restore it from the published artifact")


def test_extra_or_missing_file_is_refused(copy):
    from codekit.release import load_release
    from codekit.release.read import CorruptRelease

    (copy / "notes.txt").write_text("hello")
    with pytest.raises(CorruptRelease, match="notes.txt is not in the manifest"):
        load_release(copy)
    (copy / "notes.txt").unlink()
    (copy / "skos.ttl").unlink()
    with pytest.raises(CorruptRelease, match="skos.ttl is listed in the manifest but missing"):
        load_release(copy)


def _rewrite_catalogue(copy: Path, change) -> Path:
    """Edit catalogue.json and fix the manifest so only the schema check can catch it."""
    p = copy / "catalogue.json"
    doc = json.loads(p.read_text())
    change(doc)
    data = (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()
    p.write_bytes(data)
    man = json.loads((copy / "manifest.json").read_text())
    man["files"]["catalogue.json"] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    (copy / "manifest.json").write_text(json.dumps(man, indent=2, sort_keys=True) + "\n")
    return p


def test_unknown_schema_version_is_refused_naming_expected_found_and_file(copy):
    p = _rewrite_catalogue(copy, lambda d: d["metadata"].update(schema_version=99))
    r = run_cli("diff", str(copy), str(FROZEN[0]))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {p}: unknown catalogue release schema version (expected 1, found 99). Upgrade codekit to read it\n"
    )


def test_older_schema_version_is_upgraded_when_an_upgrader_exists(copy, monkeypatch):
    from codekit.release import read

    def v0_to_v1(doc):
        doc = dict(doc)
        doc["metadata"] = {**doc["metadata"], "schema_version": 1}
        doc["codes"] = [{**{k: v for k, v in c.items() if k != "tags"}, "keywords": c["tags"]} for c in doc["codes"]]
        return doc

    def to_v0(d):
        d["metadata"]["schema_version"] = 0
        for c in d["codes"]:
            c["tags"] = c.pop("keywords")

    _rewrite_catalogue(copy, to_v0)
    with pytest.raises(Exception, match=r"expected 1, found 0"):
        read.load_release(copy)
    monkeypatch.setitem(read.UPGRADERS, 0, v0_to_v1)
    r = read.load_release(copy)
    assert r.upgraded_from == 0
    assert r.document.code("RD-LANE").keywords == ["pothole", "laneway"]


def test_content_hash_mismatch_is_refused(copy):
    p = _rewrite_catalogue(copy, lambda d: d["categories"][0].update(label="Edited by hand"))
    from codekit.release import load_release
    from codekit.release.read import CorruptRelease

    with pytest.raises(CorruptRelease, match="content hash does not match"):
        load_release(copy)
    assert p.exists()


def test_folder_without_manifest_is_not_a_release(tmp_path):
    (tmp_path / "catalogue.json").write_text("{}")
    r = run_cli("diff", str(tmp_path), str(FROZEN[0]))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {tmp_path}: not a codekit release: no manifest.json. "
        "Give a folder built by `codekit release` (dist/<version>)\n"
    )


def test_building_on_a_corrupted_previous_release_is_refused(tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(FROZEN[0], dist / "1.0.0")
    (dist / "1.0.0" / "status.json").write_text("{}\n")
    r = run_cli("release", str(DATA / "taxonomy"), "--catalogue", str(DATA / "catalogue.yaml"), "--out", str(dist),
                "--version", "1.0.1")
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {dist / '1.0.0' / 'status.json'}: checksum mismatch for status.json")
    assert sorted(p.name for p in dist.iterdir()) == ["1.0.0"]
