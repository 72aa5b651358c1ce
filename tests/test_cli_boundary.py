"""The CLI's error boundary and its output: internal errors exit 3 in one line, Ctrl-C is one line (130),
stale temporaries of a killed run are removed, and data or paths holding rich markup print as they are."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
CAT = "code,name,division,section\nA1,Pothole,Transportation,Roads\nA2,Graffiti,Parks,Forestry\n"


def _cat(tmp_path: Path, text: str = CAT, name: str = "c.csv") -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------------------------ internal errors


def test_an_unexpected_exception_is_one_line_exit_3(tmp_path, monkeypatch):
    import codekit.analyse.profile as prof

    def boom(*a, **k):
        raise RuntimeError("the profile broke\nsecond line")

    monkeypatch.setattr(prof, "profile", boom)
    r = run_cli("profile", _cat(tmp_path))
    assert r.exit_code == 3
    assert r.stderr == "Error: internal error: RuntimeError: the profile broke (rerun with --debug and report it)\n"
    assert r.stdout == ""


def test_internal_error_with_debug_shows_the_traceback_and_still_exits_3(tmp_path, monkeypatch):
    import codekit.analyse.profile as prof

    monkeypatch.setattr(prof, "profile", lambda *a, **k: {}["missing"])
    r = run_cli("--debug", "profile", _cat(tmp_path))
    assert r.exit_code == 3
    assert "Traceback (most recent call last)" in r.stderr
    assert r.stderr.splitlines()[-1] == (
        "Error: internal error: KeyError: 'missing' (rerun with --debug and report it)"
    )


def test_an_internal_error_is_never_exit_1(tmp_path, monkeypatch):
    import codekit.io.catalogue as catmod

    monkeypatch.setattr(catmod, "load_catalogue", lambda *a, **k: (_ for _ in ()).throw(ZeroDivisionError("x")))
    r = run_cli("profile", _cat(tmp_path))
    assert r.exit_code == 3 and r.stderr.startswith("Error: internal error: ZeroDivisionError: x")


def test_out_of_memory_says_so_and_exits_3(tmp_path, monkeypatch):
    import codekit.analyse.profile as prof

    def boom(*a, **k):
        raise MemoryError("Unable to allocate 2.52 TiB for an array")

    monkeypatch.setattr(prof, "profile", boom)
    r = run_cli("profile", _cat(tmp_path))
    assert (r.exit_code, r.stderr) == (3, "Error: internal error: out of memory (MemoryError: Unable to allocate 2.52 "
                                          "TiB for an array). The input may be too large for this machine's memory: "
                                          "try a smaller one; if it is small, rerun with --debug and report it\n")


def test_a_panic_below_python_is_exit_3_not_a_traceback(tmp_path, monkeypatch):
    import codekit.analyse.profile as prof

    class PanicLike(BaseException):  # pyo3's PanicException derives from BaseException
        pass

    def panic(*a, **k):
        raise PanicLike("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(prof, "profile", panic)
    r = run_cli("profile", _cat(tmp_path))
    assert r.exit_code == 3
    assert r.stderr == ("Error: internal error: PanicLike: called `Option::unwrap()` on a `None` value "
                        "(rerun with --debug and report it)\n")


def test_keyboard_interrupt_is_one_line_exit_130(tmp_path, monkeypatch):
    import codekit.analyse.profile as prof

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(prof, "profile", interrupted)
    r = run_cli("profile", _cat(tmp_path))
    assert (r.exit_code, r.stderr, r.stdout) == (130, "Error: interrupted\n", "")


def test_sigint_during_a_write_is_one_line_and_leaves_nothing_behind(tmp_path):
    out = tmp_path / "city"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "codekit", "sample", "--out", str(out), "--events", "20000000", "--log-format", "csv"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )
    try:
        for _ in range(1200):  # wait (at most a minute) until it is writing into its temporary folder
            if any(p.name.startswith(".tmp-codekit-") for p in tmp_path.iterdir()) or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the sample finished before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert stderr == "Error: interrupted\n"
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_stale_temporaries_of_a_dead_writer_are_removed_on_the_next_write(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    src = _cat(tmp_path / "in")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    stale_file = out_dir / f".tmp-codekit-{pid}-o.csv.abc123.tmp"
    stale_file.write_text("half a file")
    stale_dir = out_dir / f".tmp-codekit-{pid}-draft-xyz"
    stale_dir.mkdir()
    (stale_dir / "a.yaml").write_text("x")
    live = out_dir / f".tmp-codekit-{os.getpid()}-other.csv.def.tmp"  # a writer still running: left alone
    live.write_text("being written")
    mine = out_dir / "notes.txt"
    mine.write_text("the user's")
    r = run_cli("convert", src, out_dir / "o.csv")
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(["o.csv", live.name, "notes.txt"])


def test_remove_stale_temporaries_keeps_fresh_ones_without_a_process_id(tmp_path):
    from codekit.io.files import remove_stale_temporaries

    fresh = tmp_path / ".tmp-codekit-o.csv.abc.tmp"  # an older codekit's name: no process id
    fresh.write_text("x")
    old = tmp_path / ".tmp-codekit-p.csv.abc.tmp"
    old.write_text("x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert remove_stale_temporaries(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == [fresh.name]


# ------------------------------------------------------------------------------ usage errors, hints


def test_no_arguments_prints_the_help():
    r = run_cli()
    assert r.exit_code == 2
    assert "Usage" in r.stdout and "profile" in r.stdout


def test_help_and_version_exit_0():
    assert run_cli("--version").exit_code == 0
    r = run_cli("profile", "--help")
    assert r.exit_code == 0 and "--top" in r.stdout and r.stderr == ""


def test_a_hint_never_names_an_option_the_command_lacks(tmp_path):
    log = tmp_path / "e.dat"
    log.write_text("timestamp,channel,kind,submitted_code\n2025-01-01,web,recoded,A1\n")
    r = run_cli("profile", _cat(tmp_path), "--errors", log)
    assert r.exit_code == 2
    assert "--log-format" not in r.stderr
    # every command that reads a catalogue now has --columns, so the hint keeps it
    bad = _cat(tmp_path, "code,title\nA1,x\n", "bad.csv")
    r = run_cli("validate", ROOT / "taxonomy", "--catalogue", bad)
    assert r.stderr == (f"Error: {bad}, line 1: missing required column 'name' (expected name, found columns 'code', "
                        "'title'). Rename the column in the header, or name the columns with --columns\n")
    r = run_cli("profile", bad)
    assert r.stderr.endswith("Rename the column in the header, or name the columns with --columns\n")


def test_exit_codes_are_documented():
    r = run_cli("--help")
    assert "3 internal error" in r.stdout and "130 interrupted" in r.stdout
    assert "`3` an internal error" in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "3 an internal error" in (ROOT / "README.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------------------- strictness


def test_yaml_catalogue_code_no_stays_the_string_no(tmp_path):
    import json

    p = _cat(tmp_path, "codekit_catalogue: 1\ncodes:\n  - {code: NO, name: Norway, division: yes}\n", "c.yaml")
    r = run_cli("convert", p, tmp_path / "o.csv")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "o.csv").read_text().splitlines()[1].startswith("NO,Norway,yes,")
    r = run_cli("profile", p, "--json")
    assert json.loads(r.stdout)["catalogue"]["n_codes"] == 1


def test_whole_numbers_written_as_floats_still_load(tmp_path):
    from codekit.io.catalogue import load_catalogue

    p = _cat(tmp_path, "code,name,volume,ctl_level,sla_days\nA1,Alpha,12.0,2.0,2.5\n")
    c = load_catalogue(p)["A1"]
    assert (c.volume, c.ctl_level, c.sla_days) == (12, 2, 2.5)


def test_an_error_log_with_a_byte_that_is_not_utf8_still_profiles(tmp_path):
    import json

    log = tmp_path / "e.csv"
    log.write_bytes(b"timestamp,channel,kind,submitted_code,correct_code\n"
                    b"2025-01-01,web,recoded,A1,A2\n2025-01-01,web,recoded,A\xff\xfe,A2\n")
    r = run_cli("profile", _cat(tmp_path), "--errors", log, "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["error_log"]["n_events"] == 2


def test_read_only_output_folder_is_one_line(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **k: False if Path(p) == ro else real_access(p, mode, **k))
    for argv, line in [
        (("convert", _cat(tmp_path), ro / "o.csv"),
         f"Error: {ro / 'o.csv'}: cannot write the output: the folder {ro} is not writable. Choose a folder you can write to"),
        (("sample", "--out", ro / "s", "--events", "10"),
         f"Error: {ro / 's'}: cannot write the output folder: {ro} is not writable. Choose a folder you can write to"),
        (("routes", ROOT / "taxonomy", "--out", ro / "r.csv"),
         f"Error: {ro / 'r.csv'}: cannot write the routing table: the folder {ro} is not writable. Choose a folder you can write to"),
    ]:
        r = run_cli(*argv)
        assert (r.exit_code, r.stderr) == (2, line + "\n"), r.stderr
    assert list(ro.iterdir()) == []


# ------------------------------------------------------------------------------------------ rich markup


RICH = ("code,name,division,section\nA[/b]1,Urban [/red] Forestry,Parks [bold],Trees [where=park]\n"
        "A2,Tree [b]pruning,Parks [bold],Trees [where=park]\n")


def test_profile_prints_markup_in_data_and_paths_as_text(tmp_path):
    folder = tmp_path / "q[" / "red]"
    p = _cat(folder, RICH, "c.csv")
    r = run_cli("profile", p)
    assert r.exit_code == 0, r.stderr
    assert str(p) in r.stdout
    assert "Parks [bold]" in r.stdout and "Trees [where=park]" in r.stdout


def test_confusion_prints_names_with_markup(tmp_path):
    p = _cat(tmp_path, RICH)
    log = tmp_path / "e.csv"
    log.write_text("timestamp,channel,kind,submitted_code,correct_code\n"
                   + "2025-01-01,web,recoded,A[/b]1,A2\n" * 3)
    r = run_cli("confusion", p, "--errors", log)
    assert r.exit_code == 0, r.stderr
    assert "Urban [/red] Forestry" in r.stdout and "Tree [b]pruning" in r.stdout


def test_validate_prints_bracketed_facts_and_odd_folder_names(tmp_path, monkeypatch):
    tax = tmp_path / "[/bold]x"
    shutil.copytree(ROOT / "taxonomy", tax)
    f = tax / "bin-placement.yaml"
    text = f.read_text(encoding="utf-8")
    start = text.index("  - when: {what: bins-stored-sidewalk}")
    end = text.index("  - when: {what: garbage, what_garbage: left-on-road}")
    f.write_text(text[:start] + text[end:], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = run_cli("validate", "[/bold]x", "--sample")
    assert r.exit_code == 1, r.stderr
    assert "Traceback" not in r.stderr
    flat = " ".join(r.stdout.split())
    assert r.stdout.startswith("[/bold]x against ")
    assert "[/bold]x/bin-placement.yaml:52" in flat
    assert "e.g. [what=bins-stored-sidewalk; what_garbage=-;" in flat


def test_plain_table_keeps_brackets():
    from rich.console import Console

    from codekit.cli._common import table

    t = table(title="[/red] title")
    t.add_column("[b]col")
    t.add_row("Urban [/red] Forestry")
    c = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    c.print(t)
    text = c.export_text()
    assert "Urban [/red] Forestry" in text and "[/red] title" in text and "[b]col" in text


@pytest.mark.parametrize("text", ["[/red]", "a [b] c", "[bold]x[/]", "\\[x]"])
def test_esc_round_trips_through_rich(text):
    from rich.console import Console

    from codekit.cli._common import esc

    c = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    c.print(f"[bold]{esc(text)}[/bold]")
    assert c.export_text().rstrip("\n") == text
