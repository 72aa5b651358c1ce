"""The CLI reference in docs/cli.md, generated from the commands themselves so it cannot drift.

Regenerate with ``python -m codekit.cli._docs > docs/cli.md``; a test fails when they differ.
"""

from __future__ import annotations

try:  # typer 0.29+ vendors click
    from typer import _click as click
except ImportError:  # pragma: no cover - older typer
    import click


def _param_row(p: click.Parameter) -> str:
    if p.param_type_name == "argument":
        name = f"`{(p.metavar or p.name or '').upper()}`"
        kind = "argument"
    else:
        names = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
        name = names
        kind = "flag" if getattr(p, "is_flag", False) else "option"
    help_text = " ".join((getattr(p, "help", None) or "").split())
    default = p.default
    if callable(default) or default in (None, False, (), []) or kind == "flag":
        dflt = ""
    else:
        dflt = f"`{default}`"
    help_text = help_text.replace("|", "\\|")
    return f"| {name} | {kind} | {help_text} | {dflt} |"


def render_cli_reference() -> str:
    import typer

    from codekit.cli import app

    group = typer.main.get_command(app)
    lines = [
        "# codekit command reference",
        "",
        "Generated from the commands by `python -m codekit.cli._docs > docs/cli.md`; `tests/test_docs.py` fails when",
        "this page and the commands disagree.",
        "",
        "Global options (before the command): `--version`, `--debug` (full tracebacks on errors).",
        "",
        "Exit codes: `0` ok; `1` a check found problems (validation findings, a breaking diff under `--fail-on`);",
        "`2` bad usage or bad input (one `Error: ...` line on stderr naming the file, line and what to do; an",
        "unknown option, a missing argument or a bad value is one line too, naming the command);",
        "`3` an internal error, a bug (`Error: internal error: <type>: <message> (rerun with --debug and report it)`);",
        "`130` interrupted (`Error: interrupted`; a half-written temporary file is removed then, or on the next run);",
        "`141` the reader of stdout went away (`codekit formats | head -1`): the command stops quietly, as a Unix",
        "tool killed by SIGPIPE does (git gives 141 too).",
        "",
    ]
    ctx = click.Context(group, info_name="codekit")
    todo = [(name, group.get_command(ctx, name), ctx) for name in sorted(group.list_commands(ctx))]
    while todo:
        name, cmd, parent = todo.pop(0)
        if cmd is None or cmd.hidden:
            continue
        sub = click.Context(cmd, info_name=name.split()[-1], parent=parent)
        if hasattr(cmd, "list_commands"):  # a command with subcommands (codekit edit ...): each documented after it
            todo[:0] = [(f"{name} {n}", cmd.get_command(sub, n), sub) for n in sorted(cmd.list_commands(sub))]
        usage = " ".join(cmd.collect_usage_pieces(sub))
        lines += [f"## `codekit {name}`", "", "```", f"codekit {name} {usage}".rstrip(), "```", ""]
        doc = (cmd.help or "").strip()
        if doc:
            lines += [" ".join(part.split()) for part in doc.split("\n\n")]
            lines.append("")
        params = [p for p in cmd.params if p.name != "help"]
        if params:
            lines += ["| name | kind | meaning | default |", "|---|---|---|---|"]
            lines += [_param_row(p) for p in params]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.write(render_cli_reference())
