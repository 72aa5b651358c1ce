"""codekit asks polars' jemalloc to return freed pages at once (benchmarks/README.md, error-log memory), unless the
user configured it, and only when it can still take effect (polars not yet loaded)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _conf_after(code: str, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    r = subprocess.run([sys.executable, "-c", code + "; import os; print(os.environ.get('_RJEM_MALLOC_CONF', ''))"],
                       capture_output=True, text=True, env={**base, "PYTHONPATH": str(ROOT / "src"), **env}, check=True)
    return r.stdout.strip()


def test_importing_codekit_first_sets_the_allocator():
    import codekit

    assert _conf_after("import codekit") == codekit.ALLOCATOR_CONF
    assert "dirty_decay_ms:0" in codekit.ALLOCATOR_CONF


def test_a_users_setting_is_kept():
    assert _conf_after("import codekit", _RJEM_MALLOC_CONF="narenas:1") == "narenas:1"


def test_nothing_is_set_when_polars_is_already_loaded():
    import codekit

    # polars writes its own default into the variable when it loads (and appends a value set before it)
    assert codekit.ALLOCATOR_CONF not in _conf_after("import polars, codekit")
    assert _conf_after("import codekit, polars").endswith("," + codekit.ALLOCATOR_CONF)
