"""A FIFO, socket or device inside a folder codekit walks (a taxonomy, a release being verified, an approvals
folder) is refused with one line naming it, exit 2, without ever opening it (a FIFO would block the read)."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.test_badinput_cli import _session_release, assert_one_error_line

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = ROOT / "taxonomy"


def _tax(tmp: Path) -> Path:
    d = tmp / "tax"
    d.mkdir()
    for f in sorted(TAXONOMY.glob("*.yaml"))[:3]:
        shutil.copy(f, d / f.name)
    return d


def _socket(path: Path) -> None:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    s.close()  # the socket file stays


@pytest.mark.parametrize("name", ["zz.yaml", "notes.txt", "sub/deeper.yaml", "_retired.yaml"])
@pytest.mark.parametrize("command", ["validate", "lint", "release"])
def test_a_fifo_in_the_taxonomy_folder_is_refused(name, command, tmp_path, monkeypatch):
    tax = _tax(tmp_path)
    (tax / name).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(tax / name)
    monkeypatch.chdir(tmp_path)
    argv = [command, str(tax), "--catalogue", "sample:311"] + (["--out", str(tmp_path / "dist")] if command == "release" else [])
    r = run_cli(*argv)
    assert_one_error_line(
        r, f"Error: {tax / name}: is a FIFO (named pipe) inside the taxonomy folder, not a regular file. Remove it "
           "from the taxonomy folder or move it elsewhere; codekit reads only regular files", 2, exact=True)
    assert not (tmp_path / "dist").exists()


def test_a_socket_in_the_taxonomy_folder_is_refused(tmp_path):
    tax = _tax(tmp_path)
    _socket(tax / "s.yaml")
    r = run_cli("validate", str(tax), "--catalogue", "sample:311")
    assert_one_error_line(r, f"Error: {tax / 's.yaml'}: is a socket inside the taxonomy folder", 2)


def test_a_link_to_a_fifo_is_a_fifo_and_hidden_folders_are_left_alone(tmp_path):
    tax = _tax(tmp_path)
    (tax / ".git").mkdir()
    _socket(tax / ".git" / "fsmonitor.ipc")  # git's own sockets in a taxonomy that is a repository
    r = run_cli("validate", str(tax), "--catalogue", "sample:311", "--json")
    assert r.exit_code in (0, 1) and "Error" not in r.stderr, r.stderr
    os.mkfifo(tmp_path / "pipe")
    (tax / "linked.yaml").symlink_to(tmp_path / "pipe")
    r = run_cli("validate", str(tax), "--catalogue", "sample:311")
    assert_one_error_line(r, f"Error: {tax / 'linked.yaml'}: is a FIFO (named pipe) inside the taxonomy folder", 2)


@pytest.mark.parametrize("command", ["diff", "preview"])
def test_a_fifo_inside_a_release_is_refused_when_it_is_verified(command, tmp_path):
    rel = tmp_path / "dist" / "1.0.0"
    shutil.copytree(_session_release(), rel)
    os.mkfifo(rel / "extra.json")
    argv = ["diff", str(rel), str(rel)] if command == "diff" else ["preview", str(rel), "--out", str(tmp_path / "p.html")]
    r = run_cli(*argv)
    assert_one_error_line(r, f"Error: {rel / 'extra.json'}: is a FIFO (named pipe) inside the release folder, not a "
                             "regular file. The release is damaged", 2)
    assert not (tmp_path / "p.html").exists()


def test_refuse_special_files_never_opens_them(tmp_path):
    from codekit.errors import InputError
    from codekit.io.text import refuse_special_files

    (tmp_path / "ok.yaml").write_text("a: 1\n")
    refuse_special_files(tmp_path)  # regular files only: nothing to say
    os.mkfifo(tmp_path / "f")  # no writer: an open() would block for ever
    with pytest.raises(InputError) as e:
        refuse_special_files(tmp_path, what="taxonomy folder")
    assert e.value.path == str(tmp_path / "f")
