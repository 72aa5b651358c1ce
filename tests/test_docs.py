"""Docs that cannot drift: the CLI reference is generated from the commands."""

from pathlib import Path

from codekit.cli._docs import render_cli_reference

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current():
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render_cli_reference(), (
        "docs/cli.md is out of date: run `python -m codekit.cli._docs > docs/cli.md`"
    )


def test_every_command_is_documented():
    import typer

    from codekit.cli import app

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in typer.main.get_command(app).commands:
        assert f"## `codekit {name}`" in text, name


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and "make demo" in ci
