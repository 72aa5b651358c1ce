"""The frozen first release of the bundled taxonomy loads, and the working taxonomy diffs against it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted((ROOT / "tests" / "golden").glob("bundled-v*"))


def test_a_bundled_release_is_frozen():
    assert BUNDLED, "tests/golden/bundled-v1.0.0 is missing"


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_release_loads(path):
    from codekit.release import load_release

    r = load_release(path)
    assert f"bundled-v{r.version}" == path.name
    assert len(r.document.categories) >= 60
    assert r.manifest.content_hash == r.document.metadata.content_hash


@pytest.mark.slow
def test_working_taxonomy_diffs_against_the_frozen_release():
    r = run_cli("diff", str(BUNDLED[-1]), str(ROOT / "taxonomy"), "--output", "json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    # every change is named with a kind and a level; nothing about the categories' ids is lost silently
    for change in data["changes"]:
        assert change["kind"] and change["level"] in ("major", "minor", "patch")
