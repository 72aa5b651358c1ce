"""Shared fixtures. Tests that read ../shared/data/real skip with a reason when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CODEKIT_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "data" / "real"


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """``../shared/data/real``; skips the test when it is not beside the project (a user's fresh clone)."""
    if not REAL.is_dir():
        pytest.skip(f"real city data not present at {REAL} (it lives beside the project, in ../shared)")
    return REAL


@pytest.fixture(scope="session")
def schema_dir() -> Path:
    d = SHARED / "data" / "open311-schema"
    if not d.is_dir():
        pytest.skip(f"Open311 schemas not present at {d}")
    return d


@pytest.fixture(autouse=True)
def _no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(autouse=True, scope="session")
def _own_cache_dir(tmp_path_factory):
    """Tests never write to the user's ~/.cache: the sentence-embedding cache goes to a session folder."""
    old = os.environ.get("CODEKIT_CACHE_DIR")
    os.environ["CODEKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("codekit-cache"))
    yield
    if old is None:
        os.environ.pop("CODEKIT_CACHE_DIR", None)
    else:
        os.environ["CODEKIT_CACHE_DIR"] = old
