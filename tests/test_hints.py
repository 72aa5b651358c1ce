"""No message hints at an option the command lacks: every `--option` in a message, hint or help text a
command can show is one of that command's options (or a global one).

Strings in a command's own function are checked against that command. Strings anywhere else (CLI helpers,
library modules) are checked against every command that imports the module, directly or through other
codekit modules (an over-approximation: a message a command cannot reach must still not name a missing
option, or be listed in NOT_REACHED with the reason).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "codekit"
OPTION = re.compile(r"(?<![\w;{:-])(?<!var\()--[a-z][a-z0-9-]+")
#: `codekit COMMAND ...` spans: their options are checked against COMMAND.
SPAN = re.compile(r"`codekit ([a-z][a-z-]*)([^`]*)`")
#: Not codekit options (pip's), never hinted as ours.
FOREIGN = {"--no-deps"}
#: (module, option) -> why no command that imports the module can show it with a missing option.
NOT_REACHED: dict[tuple[str, str], str] = {
    ("codekit.analyse.timelines", "--as-of"): "raised for the as_of argument, which only timelines, release and "
    "report pass (each has --as-of)",
    **{("codekit.release.timelines", o): "as_request_options renames the options in errors raised reading a request "
       "history, which only release and report read (both have --requests-columns and --requests-format)"
       for o in ("--columns", "--format", "--requests-columns", "--requests-format")},
    ("codekit.release.build", "--built-at"): "raised for the built_at argument only codekit release passes",
    ("codekit.release.build", "--pre-release"): "LintRefused, raised by build_release only (codekit release)",
    ("codekit.io.files", "--force"): "raised only for replace=False folders, by commands that have --force",
    ("codekit.propose.signals", "--weight"): "raised parsing --weight, or without a weight for propose's signals",
    ("codekit.propose.semantic", "--weight"): "raised by propose's semantic signal; report proposes with defaults",
    ("codekit.propose.constraints", "--max-size"): "raised for must_link with max_size, propose options only",
    ("codekit.propose.metrics", "--against"): "raised for the against argument only codekit propose passes",
    ("codekit.propose.proposal", "--against"): "a note for the against argument only codekit propose passes",
    ("codekit.propose.proposal", "--threshold"): "a warning for the threshold argument only codekit propose passes",
    ("codekit.propose.proposal", "--errors"): "every command that proposes has --errors",
    ("codekit.cli._common", "--errors"): "in load_inputs, which only commands with --errors call",
    ("codekit.cli._project", "--catalogue"): "the missing-catalogue hint names --catalogue only when the command "
                                              "passes how=CATALOGUE_FLAG, i.e. has the option",
    ("codekit.project", "--errors"): "in init_project, which only codekit init (it has --errors) calls",
    ("codekit.io.text", "--format"): "the Parquet-named-otherwise hint, raised reading a catalogue (commands with --format)",
    ("codekit.sample", "--seed"): "raised for the seed argument only codekit sample and --sample commands pass",
    ("codekit.io.errorlog", "--force"): "in convert_error_log, which only codekit convert-log (it has --force) calls",
    ("codekit.sample", "--force"): "in write_sample/write_next_inventory, which only codekit sample (--force) calls",
    ("codekit.release.render", "--division"): "the approve command line a division's diff page prints, in codekit diff's output",
    ("codekit.release.render", "--expect"): "the approve command line a division's diff page prints, in codekit diff's output",
    ("codekit.release.render", "--by"): "the approve command line a division's diff page prints, in codekit diff's output",
    ("codekit.release.signoff", "--by"): "raised for the by argument only codekit approve passes",
    ("codekit.release.signoff", "--division"): "raised for the division argument only codekit approve and diff pass",
    ("codekit.suggest", "--top"): "raised for the top argument only codekit suggest passes (serve fixes it)",
    ("codekit.suggest.candidates", "--release"): "raised choosing the candidates of codekit suggest's own options",
    ("codekit.suggest.candidates", "--taxonomy"): "raised choosing the candidates of codekit suggest's own options",
    ("codekit.suggest.candidates", "--catalogue"): "raised choosing the candidates of codekit suggest's own options",
}
#: (command, module): the command imports the module but shows none of its messages.
NOT_SHOWN: dict[tuple[str, str], str] = {
    **{("formats", m): "lists the format names; reads no catalogue" for m in (
        "codekit.io.catalogue", "codekit.io.open311", "codekit.io.rows", "codekit.io.problems")},
    **{("sample", m): "writes the sample city; reads no catalogue" for m in (
        "codekit.io.catalogue", "codekit.io.open311", "codekit.io.rows", "codekit.io.problems")},
    **{("serve", m): "serves verified releases only; reads no catalogue" for m in (
        "codekit.io.catalogue", "codekit.io.open311", "codekit.io.rows", "codekit.io.problems")},
    **{(c, "codekit.io.open311"): "reads request rows (Open311 GET requests), never a service list or definition"
       for c in ("timelines", "convert-log")},
    ("serve", "codekit.io.requests"): "serves verified releases; never reads request rows",
    ("serve", "codekit.analyse.timelines"): "serves verified releases; never times request rows",
    ("sync", "codekit.cli._project"): "uses current_project and taxonomy_folder only, never resolve_inputs",
}


#: Commands named in hints that another branch adds (checked once merged: then they are in the app).
PENDING: dict[str, str] = {}


def spans(s: str, cmds: dict) -> tuple[str, list[str]]:
    """``s`` without its `codekit COMMAND ...` spans, and the problems of those spans."""
    problems = []
    for name, rest in SPAN.findall(s):
        if name in GROUPS or (name in PENDING and name not in cmds):
            continue  # a command group: its subcommands declare their own options
        if name not in cmds:
            problems.append(f"names an unknown command `codekit {name}`")
            continue
        for o in set(OPTION.findall(rest)) - FOREIGN - cmds[name][2]:
            problems.append(f"`codekit {name}` has no {o}")
    return SPAN.sub("", s), problems


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


GROUPS: set[str] = set()
MODULES = {module_name(p): p for p in SRC.rglob("*.py")}
TREES = {m: ast.parse(p.read_text(encoding="utf-8")) for m, p in MODULES.items()}


def _is_typer_param(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("Option", "Argument"))


def strings(node: ast.AST) -> list[str]:
    """String constants under ``node``, leaving out docstrings and typer parameter declarations (their help
    texts are shown by the command that declares them: checked separately by typer itself)."""
    out: list[str] = []

    def walk(n: ast.AST) -> None:
        if _is_typer_param(n):
            return
        body = getattr(n, "body", None)
        skip = None
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(
                getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):
            skip = body[0]
        for child in ast.iter_child_nodes(n):
            if child is skip:
                continue
            if isinstance(child, ast.Constant) and isinstance(child.value, str):
                out.append(child.value)
            else:
                walk(child)

    walk(node)
    return out


def imports(node: ast.AST, here: str) -> set[str]:
    found = set()
    for n in ast.walk(node):
        if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("codekit"):
            found.add(n.module)
            for a in n.names:
                if f"{n.module}.{a.name}" in MODULES:
                    found.add(f"{n.module}.{a.name}")
        elif isinstance(n, ast.Import):
            found.update(a.name for a in n.names if a.name.startswith("codekit"))
    return {m for m in found if m in MODULES and m != here}


def closure(start: set[str]) -> set[str]:
    seen, todo = set(), list(start)
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        todo.extend(imports(TREES[m], m) - seen)
    return seen


def commands() -> dict[str, tuple[str, ast.FunctionDef, set[str]]]:
    """command name -> (module, function, its options)."""
    import typer.main

    from codekit.cli import app

    import click

    cli = typer.main.get_command(app)
    glob = {o for p in cli.params for o in p.opts}
    GROUPS.update(name for name, cmd in cli.commands.items()
                  if isinstance(cmd, click.Group) or hasattr(cmd, "commands"))  # typer vendors its own click
    opts = {name: {o for p in cmd.params for o in p.opts} | glob | {"--help"} for name, cmd in cli.commands.items()
            if name not in GROUPS}
    out = {}
    for m, tree in TREES.items():
        if not m.startswith("codekit.cli.cmd_"):
            continue
        for fn in tree.body:
            if not isinstance(fn, ast.FunctionDef):
                continue
            for d in fn.decorator_list:
                if (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "command"
                        and isinstance(d.func.value, ast.Name) and d.func.value.id == "app"):
                    name = d.args[0].value if d.args else fn.name.replace("_", "-")
                    out[name] = (m, fn, opts[name])
    assert set(out) == set(opts), set(opts) ^ set(out)
    return out


def test_no_message_hints_at_an_option_the_command_lacks():
    cmds = commands()
    problems = []
    reached: dict[str, set[str]] = {}
    for name, (m, fn, opts) in sorted(cmds.items()):
        for s in strings(fn):
            s, bad = spans(s, cmds)
            problems += [f"codekit {name}: {b}" for b in bad]
            for o in set(OPTION.findall(s)) - FOREIGN - opts:
                problems.append(f"codekit {name} says {o!r} ({m}.{fn.name}): {s[:80]!r}")
        for mod in closure(imports(fn, m)):
            reached.setdefault(mod, set()).add(name)
    command_fns = {(m, fn.name) for m, fn, _ in cmds.values()}
    for mod, names in sorted(reached.items()):
        tree = TREES[mod]
        texts = []
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and (mod, node.name) in command_fns:
                continue
            texts += strings(node) if not (isinstance(node, ast.Expr) and isinstance(
                getattr(node, "value", None), ast.Constant)) else []
        for s in texts:
            s, bad = spans(s, cmds)
            problems += [f"{mod}: {b}" for b in bad]
            for o in set(OPTION.findall(s)) - FOREIGN:
                if (mod, o) in NOT_REACHED:
                    continue
                lacking = sorted(n for n in names if o not in cmds[n][2] and (n, mod) not in NOT_SHOWN)
                if lacking:
                    problems.append(f"{mod} says {o!r}, reachable from {', '.join(lacking)}: {s[:80]!r}")
    assert not problems, "\n".join(problems)


def test_the_walk_finds_hints():
    """The walk sees the strings it must check (a walk that finds nothing cannot fail)."""
    mentioned = {o for tree in TREES.values() for s in strings(tree) for o in OPTION.findall(s)}
    assert {"--format", "--columns", "--definitions", "--catalogue", "--sample", "--errors"} <= mentioned
    assert NOT_REACHED.keys() <= {(m, o) for m, t in TREES.items() for s in strings(t) for o in OPTION.findall(s)}


def test_help_texts_name_only_the_commands_own_options():
    import click
    import typer.main

    from codekit.cli import app

    cmds = commands()
    cli = typer.main.get_command(app)
    problems = []
    for name, cmd in cli.commands.items():
        if isinstance(cmd, click.Group) or name in GROUPS:
            continue
        texts = [cmd.help or ""] + [getattr(p, "help", None) or "" for p in cmd.params]
        for s in texts:
            s, bad = spans(s, cmds)
            problems += [f"codekit {name} help: {b}" for b in bad]
            for o in set(OPTION.findall(s)) - FOREIGN - cmds[name][2]:
                problems.append(f"codekit {name} help says {o!r}: {s[:80]!r}")
    assert not problems, "\n".join(problems)
