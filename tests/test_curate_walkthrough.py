"""docs/curate.md, run as written: Toronto's real list from `codekit init` to a release that passes lint, with
no YAML edited by hand. Every `codekit` line of the walkthrough's shell blocks is run in order; lines marked
`# exit 1` must exit 1, all others 0. Skips without ../shared."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "curate.md"


def walkthrough_commands() -> list[tuple[list[str], int]]:
    text = DOC.read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            cmd, _, comment = line.partition("#")
            cmd = cmd.strip()
            if not cmd.startswith("codekit "):
                continue
            expect = 1 if "exit 1" in comment else 0
            out.append((shlex.split(cmd)[1:], expect))
    return out


def test_the_walkthrough_counts_its_commands():
    n = len(walkthrough_commands())
    assert f"**{n} commands, 0 hand-edited YAML lines.**" in DOC.read_text(encoding="utf-8")


@pytest.mark.real
@pytest.mark.slow
def test_walkthrough_on_torontos_real_list(real_dir, tmp_path, monkeypatch):
    src = real_dir / "toronto-311-taxonomy-nshipyard" / "taxonomy.csv"
    if not src.is_file():
        pytest.skip(f"{src} not present")
    project = tmp_path / "toronto"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.delenv("CODEKIT_PROJECT", raising=False)
    for args, expect in walkthrough_commands():
        args = [str(src) if a.endswith("toronto-311-taxonomy-nshipyard/taxonomy.csv") else a for a in args]
        r = run_cli(*args)
        assert r.exit_code == expect, (args, r.stdout[-2000:], r.stderr)
    assert (project / "dist" / "1.0.0" / "catalogue.json").is_file()
    r = run_cli("lint", "--json")
    import json

    data = json.loads(r.stdout)
    assert r.exit_code == 0 and not [f for f in data["findings"] if f["severity"] == "error"]
    # no YAML was written by hand: every category file is codekit's, and the draft's groups are all gone
    assert not any("Draft:" in p.read_text() for p in (project / "taxonomy").glob("*.yaml"))
