"""`codekit ... | head`: when the reader of stdout goes away the command stops quietly with exit 141 (as a Unix
tool killed by SIGPIPE), no traceback, no "Exception ignored" at exit, and never 1 (that means findings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1"}


def _closed_reader(*argv: str, cwd: Path) -> tuple[int, bytes]:
    """Run codekit with stdout a pipe whose reading end is closed before codekit writes a byte."""
    p = subprocess.Popen([sys.executable, "-m", "codekit", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=ENV, cwd=cwd)
    p.stdout.close()
    err = p.stderr.read()
    p.wait(timeout=120)
    return p.returncode, err


@pytest.mark.parametrize("argv", [
    ("formats",),  # a rich table
    ("profile", "--sample", "--json"),  # sys.stdout.write of a JSON document
    ("--help",),  # typer's own help page
])
def test_a_closed_stdout_ends_the_command_quietly_with_141(argv, tmp_path):
    code, err = _closed_reader(*argv, cwd=tmp_path)
    assert (code, err) == (141, b"")


def test_head_reading_one_line_of_a_long_table(tmp_path):
    """The reader leaves after the first line while rich is still printing a table of 3,000 divisions (a JSON
    document is one write, which a roomy pipe may swallow whole: the closed-reader cases above cover it)."""
    cat = tmp_path / "c.csv"
    cat.write_text("code,name,division\n" + "".join(f"C{i:05d},Name {i},Division {i}\n" for i in range(3000)),
                   encoding="utf-8")
    p = subprocess.Popen([sys.executable, "-m", "codekit", "profile", str(cat)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=tmp_path)
    first = p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read()
    p.wait(timeout=120)
    assert first.startswith(str(cat).encode())  # it printed, and the reader left after one line
    assert (p.returncode, err) == (141, b"")
