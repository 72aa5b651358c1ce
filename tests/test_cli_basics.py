"""The CLI's front door: version, help, fast start, and the one-line error contract."""

import json
import subprocess
import sys

from codekit import __version__
from tests.cli_helpers import run_cli

HEAVY = ("pandas", "polars", "sklearn", "great_expectations", "networkx", "pyarrow")


def test_version():
    r = run_cli("--version")
    assert r.exit_code == 0
    assert r.stdout.strip() == f"codekit {__version__}"


def test_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "codekit", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"codekit {__version__}"


def test_help_imports_nothing_heavy():
    code = (
        "import sys\n"
        "from codekit.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY=", out.stdout[-500:]


def test_every_command_help_imports_nothing_heavy():
    import typer

    from codekit.cli import app

    names = sorted(typer.main.get_command(app).commands)
    code = (
        "import sys\n"
        "from codekit.cli import main\n"
        f"for name in {names!r}:\n"
        "    try:\n        main([name, '--help'])\n    except SystemExit:\n        pass\n"
        f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY=", out.stdout[-500:]


def test_missing_catalogue_is_one_error_line(tmp_path):
    r = run_cli("profile", str(tmp_path / "nope.csv"))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "nope.csv" in lines[0]
    assert "Traceback" not in r.stderr


def test_debug_shows_the_traceback(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "codekit", "--debug", "profile", str(tmp_path / "nope.csv")],
        capture_output=True, text=True,
    )
    assert out.returncode != 0
    assert "Traceback" in out.stderr


def test_profile_json_on_a_minimal_csv(tmp_path):
    p = tmp_path / "cat.csv"
    p.write_text("code,name\nA1,Road - Pot hole\nA2,Road Pothole / Road Damage\nB1,Graffiti on a City bridge\n")
    r = run_cli("profile", str(p), "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["catalogue"]["n_codes"] == 3
    assert data["catalogue"]["total_volume"] is None
