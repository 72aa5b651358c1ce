"""The CLI's one error boundary: whatever happens inside a command, the user sees one ``Error: ...`` line.

Exit codes (also in ``codekit --help``, the README and docs/cli.md):

- 0 ok; 1 a check found problems (the command says so itself);
- 2 bad usage (an unknown option, a missing argument, a bad value) or bad input (any ``CodekitError``);
- 3 an internal error: an exception codekit did not expect is a bug, reported as
  ``Error: internal error: <type>: <message> (rerun with --debug and report it)``;
- 130 interrupted (Ctrl-C): ``Error: interrupted``;
- 141 the reader of stdout went away (``codekit formats | head -1``): nothing more is printed, no error line.
  141 is what the shell reports for a C tool killed by SIGPIPE (128 + 13) and what ``git log | head`` gives;
  it is neither 0 (the output was not all delivered) nor 1 (no check found anything). Python ignores SIGPIPE,
  so the closed pipe arrives as ``BrokenPipeError``: stdout is pointed at ``/dev/null`` (as the Python docs'
  note on SIGPIPE recommends) so that the flush at interpreter exit prints no "Exception ignored" message.

``--debug`` prints the traceback before that line; the exit code stays the same.
The command line is parsed and run here (not through typer's standalone mode), so click's and typer's
multi-line usage panels never reach the user.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import signal
import sys
import threading
from typing import Iterator

from typer import _click as click
from typer.exceptions import Abort, Exit

from codekit.errors import CodekitError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 3, 130, 141

#: Longest message shown on the one error line (the rest is cut, with an ellipsis).
MAX_MESSAGE = 600

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffd]")


class Interrupted(BaseException):
    """Ctrl-C, raised by our SIGINT handler (typer would turn a KeyboardInterrupt into a silent exit)."""


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` made safe for one terminal line: newlines, tabs and control characters shown escaped, cut."""
    text = text.replace("\r\n", "\n").replace("\n", " ").replace("\t", " ")
    text = _CONTROL.sub(lambda m: "?" if m.group() == "\ufffd" else f"\\x{ord(m.group()):02x}", text)
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + "..."
    return text


def _say(text: str) -> None:
    try:
        sys.stderr.write(f"Error: {one_line(text)}\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed or a broken pipe: nothing more to say
        pass


def _debug(argv: list[str]) -> bool:
    from codekit.cli._common import STATE

    return bool(STATE.get("debug")) or "--debug" in argv


def _traceback() -> None:
    import traceback

    traceback.print_exc(file=sys.stderr)


@contextlib.contextmanager
def _sigint_raises() -> Iterator[None]:
    """While a command runs, Ctrl-C raises :class:`Interrupted` (``atomic_path`` and friends still clean up)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):  # noqa: ARG001
        raise Interrupted()

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except (ValueError, OSError):  # pragma: no cover - not the main interpreter
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _is_closed_pipe(e: BaseException) -> bool:
    import errno

    while e is not None:
        if isinstance(e, BrokenPipeError) or (isinstance(e, OSError) and e.errno == errno.EPIPE):
            return True
        e = e.__cause__ or e.__context__
    return False


def _stdout_to_devnull() -> int:
    """The reader of stdout left: point stdout at /dev/null so nothing more (not even the flush at exit) fails."""
    import os

    with contextlib.suppress(Exception):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_PIPE


@contextlib.contextmanager
def _rich_raises_on_broken_pipe() -> Iterator[None]:
    """rich's Console answers a broken pipe with ``SystemExit(1)`` (exit 1 means findings here): make it raise
    the BrokenPipeError instead, so that :func:`run` ends the command as a closed pipe."""
    try:
        from rich.console import Console
    except ImportError:  # pragma: no cover - rich comes with typer
        yield
        return

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError("stdout closed")

    previous = Console.__dict__.get("on_broken_pipe")
    Console.on_broken_pipe = on_broken_pipe
    try:
        yield
    finally:
        if previous is not None:
            Console.on_broken_pipe = previous


def _flush_stdout() -> None:
    with contextlib.suppress(ValueError):  # stdout closed by the command itself
        sys.stdout.flush()


def run(app, argv: list[str]) -> int:
    """Run the typer ``app`` on ``argv``; return the exit code after printing at most one error line."""
    from typer.main import get_command

    command = get_command(app)
    try:
        with _sigint_raises(), _rich_raises_on_broken_pipe():
            try:
                with command.make_context("codekit", list(argv)) as ctx:
                    command.invoke(ctx)
            finally:
                _flush_stdout()  # a closed pipe shows here when the output fitted in the pipe's buffer
        return EXIT_OK
    except Exit as e:  # --help, --version, typer.Exit(n)
        return int(e.exit_code or 0)
    except click.exceptions.NoArgsIsHelpError:
        return EXIT_INPUT  # the help has been printed
    except click.exceptions.ClickException as e:
        if _debug(argv):
            _traceback()
        _say(usage_message(e, command, argv))
        return EXIT_INPUT
    except (Interrupted, KeyboardInterrupt, Abort):
        if _debug(argv):
            _traceback()
        _say("interrupted")
        return EXIT_INTERRUPTED
    except CodekitError as e:
        if _is_closed_pipe(e):
            return _stdout_to_devnull()
        if _debug(argv):
            _traceback()
        _say(error_text(e, command, argv))
        return e.exit_code
    except Exception as e:  # noqa: BLE001 - the boundary: anything else is a bug of ours
        if _is_closed_pipe(e):  # `codekit ... | head`: the reader left; not an error of ours
            return _stdout_to_devnull()
        if _debug(argv):
            _traceback()
        _say(internal_message(e))
        return EXIT_INTERNAL
    except BaseException as e:  # a Rust panic inside polars (pyo3's PanicException) is a BaseException
        if isinstance(e, (SystemExit, GeneratorExit)):
            raise
        if _debug(argv):
            _traceback()
        _say(internal_message(e))
        return EXIT_INTERNAL


_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
_GLOBAL_OPTIONS = {"--help", "--debug", "--version", "--project"}
#: `codekit COMMAND ...` quoted in a hint (in backticks, or up to the end of the clause)
_COMMAND_SPAN = re.compile(r"`codekit [^`]*`|codekit [a-z][a-z-]* [^,;`]*")


def _all_options(root) -> set[str]:
    out: set[str] = set()
    for sub in (getattr(root, "commands", {}) or {}).values():
        out.update(_options_of(sub))
    return out


def error_text(e: CodekitError, root=None, argv: list[str] = ()) -> str:
    """The line of a CodekitError. The library does not know which command called it, so a part of the hint
    naming an option of another command (``--columns`` to ``validate``) is left out: hints name only options
    the command has."""
    sub = _subcommand(root, list(argv)) if root is not None else None
    if not e.hint or sub is None:
        return str(e)
    have = set(_options_of(sub)) | _GLOBAL_OPTIONS
    foreign = _all_options(root) - have

    def fits(clause: str) -> bool:
        # a `codekit OTHER --option` span names another command's option on purpose: not this command's
        clause = _COMMAND_SPAN.sub("", clause)
        return not any(o in foreign for o in _OPTION.findall(clause))

    if fits(e.hint):
        return str(e)
    clauses = [c for c in re.split(r", or |; ", e.hint) if c.strip()]
    kept = [c for c in clauses if fits(c)]
    hint, e.hint = e.hint, (", or ".join(kept) if kept else None)
    try:
        return str(e)
    finally:
        e.hint = hint


def internal_message(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    text = one_line(text, 300)
    if isinstance(e, MemoryError):  # most often an input too large for the machine, not a bug: say so first
        return (f"internal error: out of memory ({type(e).__name__}{': ' + text if text else ''}). The input may be "
                "too large for this machine's memory: try a smaller one; if it is small, rerun with --debug and "
                "report it")
    return f"internal error: {type(e).__name__}: {text} (rerun with --debug and report it)"


# ------------------------------------------------------------------------------------------- usage


def _path(ctx) -> str:
    names = []
    c = ctx
    while c is not None:
        if c.info_name:
            names.append(c.info_name)
        c = c.parent
    return " ".join(reversed(names)) or "codekit"


def _options_of(command) -> list[str]:
    opts: list[str] = []
    for p in getattr(command, "params", []):
        if getattr(p, "param_type_name", "") == "option":
            opts.extend(o for o in [*p.opts, *getattr(p, "secondary_opts", [])] if o.startswith("--"))
    return [*opts, "--help"]


def _param_name(p) -> str:
    if p is None:
        return "a value"
    if getattr(p, "param_type_name", "") == "argument":
        return (p.metavar or p.name or "value").upper()
    longs = [o for o in p.opts if o.startswith("--")]
    return (longs or list(p.opts) or [p.name or "value"])[0]


def _lower_first(s: str) -> str:
    s = s.strip().rstrip(".")
    return s[:1].lower() + s[1:] if s[:2] != s[:2].upper() or len(s) < 2 else s


def _subcommand(root, argv: list[str]):
    """The subcommand named on the command line (the first word that is one), or None."""
    commands = getattr(root, "commands", {}) or {}
    for word in argv:
        if word in commands:
            return commands[word]
        if not word.startswith("-"):
            return None
    return None


def usage_message(e: click.exceptions.ClickException, root=None, argv: list[str] = ()) -> str:
    """The one-line text of a click/typer usage error, naming the command and how to get its help."""
    ctx = getattr(e, "ctx", None)
    if ctx is not None:
        path, command = _path(ctx), ctx.command
    else:  # the parser raises some errors before it made the command's context
        sub = _subcommand(root, list(argv)) if root is not None else None
        path, command = (f"codekit {sub.name}", sub) if sub is not None else ("codekit", root)
    run_help = f"Run {path} --help for its options"
    if isinstance(e, click.exceptions.NoSuchOption):
        name = one_line(e.option_name, 80)
        near = difflib.get_close_matches(e.option_name, _options_of(command), n=1, cutoff=0.75)
        maybe = f" (did you mean {near[0]}?)" if near else ""
        return f"no such option {name} for {path}{maybe}. {run_help}"
    if isinstance(e, click.exceptions.MissingParameter):
        p = e.param
        kind = e.param_type or (p.param_type_name if p is not None else "value")
        if kind == "argument":
            return f"{path} needs the argument {_param_name(p)}. Run {path} --help for its usage"
        return f"{path} needs the option {_param_name(p)}. {run_help}"
    if isinstance(e, click.exceptions.BadParameter):
        p = e.param
        if p is not None:
            name = _param_name(p)
        elif e.param_hint:
            name = e.param_hint if isinstance(e.param_hint, str) else " / ".join(e.param_hint)
        else:
            name = "a parameter"
        return f"invalid value for {name} of {path}: {_lower_first(one_line(e.message, 200))}. {run_help}"
    if isinstance(e, click.exceptions.BadOptionUsage):
        m = re.match(r"Option '(.+)' requires (an argument|\d+ arguments)", e.message)
        if m:
            what = "a value" if m.group(2) == "an argument" else m.group(2).replace("arguments", "values")
            return f"the option {m.group(1)} of {path} needs {what}. {run_help}"
        return f"{_lower_first(one_line(e.message, 200))} ({path}). {run_help}"
    msg = e.format_message() if hasattr(e, "format_message") else str(e)
    m = re.match(r"No such command '(.+?)'\.", msg)
    if m:
        commands = sorted(getattr(command, "commands", {}) or {})
        near = difflib.get_close_matches(m.group(1), commands, n=1, cutoff=0.6)
        maybe = f" (did you mean {near[0]}?)" if near else ""
        return f"no such command {one_line(m.group(1), 80)}{maybe}. Run {path} --help for the commands"
    m = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", msg)
    if m:
        return f"unexpected extra argument {one_line(m.group(1), 120)} for {path}. Run {path} --help for its usage"
    return f"{_lower_first(one_line(msg, 300))} ({path}). {run_help}"
