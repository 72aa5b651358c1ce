"""The project file (``codekit.toml``): a city's inputs named once, read at the CLI boundary.

A project names its catalogue (with its format, row columns and Open311 definitions), its error log,
the working taxonomy folder, the lint thresholds and where releases go. Paths are stored relative to
the project file. This module only reads a project file it is given (:func:`read_project`) and writes
a new one (:func:`init_project`); finding the project for a command (``--project``, ``CODEKIT_PROJECT``,
or the working folder and its parents) is the CLI's job: the library never looks for it.

``sample:SEED`` (e.g. ``sample:311``) is a pseudo-path naming the bundled sample city, as catalogue or
as error log (its generated log); the repository's own ``codekit.toml`` uses it. See docs/project.md.

Layering: after ``validate/`` (it checks ``[lint]`` against the lint's finding types and builds its
options); only the CLI imports it.

Read with the standard library's ``tomllib``; written from a small template (values quoted as TOML
basic strings with :func:`json.dumps`, which TOML accepts), so no TOML writer is needed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codekit.errors import InputError, SchemaError, UsageError

PROJECT_FILE = "codekit.toml"
SAMPLE_PREFIX = "sample:"
DEFAULT_TAXONOMY = "taxonomy"
DEFAULT_OUT = "dist"
DEFAULT_MAX_ANSWERS = 7

#: Sections read and checked by their own readers: [divisions."NAME"] reviewers and the [signoff] policy
#: (codekit.release.signoff).
FREE_SECTIONS = ("divisions", "signoff")

#: section -> key -> (type, description). Unknown sections and keys are refused with their line.
SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], str]]] = {
    "inputs": {
        "catalogue": (str, "the catalogue file (any format in `codekit formats`), or sample:SEED"),
        "format": (str, "its format, when detection is not enough"),
        "columns": (str, "for request rows: a preset (nyc, sf) or role=Column,..."),
        "definitions": (list, "Open311 service definition files whose attributes join the codes"),
        "errors": (str, "the intake error log (CSV or Parquet), or sample:SEED"),
        "requests": (str, "the request history releases carry timelines from (docs/timelines.md)"),
        "requests_columns": (str, "its columns: a preset (nyc, sf, toronto) or role=Column,..."),
    },
    "taxonomy": {"folder": (str, f"the working taxonomy folder (default {DEFAULT_TAXONOMY!r})")},
    "propose": {"max_answers": (int, f"answers per question in proposed drafts (default {DEFAULT_MAX_ANSWERS})"),
                "max_share": (float, "largest share of the list one proposed category may hold (default 0.2)"),
                "semantic_floor": (float, "sentence-model similarity below which shared words count for nothing "
                                          "(default 0.2)"),
                "merge_duplicates": (bool, "draft codes whose names read the same as one answer, the others merged "
                                           "into it (default true)")},
    "lint": {
        "max_answers": (int, "more answers than this in one question: a warning (default: [propose] max_answers)"),
        "max_answers_error": (int, "more answers than this: an error (default 15)"),
        "max_codes": (int, "more codes in one category than this: a warning (default 40)"),
        "max_codes_error": (int, "more codes than this: an error (default 100)"),
        "allow_words": (list, "words never flagged as jargon (e.g. an acronym residents use)"),
        "ignore": (list, "lint finding types left out"),
    },
    "release": {"out": (str, f"the releases folder (default {DEFAULT_OUT!r})")},
}


@dataclass(frozen=True)
class Project:
    """A read project file: every path resolved against the project file's folder."""

    path: Path
    catalogue: str | None = None            # a path (resolved) or sample:SEED
    format: str | None = None
    columns: str | None = None
    definitions: tuple[Path, ...] = ()
    errors: str | None = None                # a path (resolved) or sample:SEED
    taxonomy: Path = Path(DEFAULT_TAXONOMY)
    max_answers: int = DEFAULT_MAX_ANSWERS
    max_share: float | None = None           # None: propose's default
    semantic_floor: float | None = None      # None: propose's default
    merge_duplicates: bool = True
    lint: dict[str, Any] = field(default_factory=dict)
    out: Path = Path(DEFAULT_OUT)
    requests: str | None = None              # a path (resolved): the request history
    requests_columns: str | None = None

    @property
    def root(self) -> Path:
        return self.path.parent

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path), "catalogue": self.catalogue, "format": self.format, "columns": self.columns,
            "definitions": [str(p) for p in self.definitions], "errors": self.errors,
            "taxonomy": str(self.taxonomy), "max_answers": self.max_answers, "lint": dict(self.lint),
            "out": str(self.out), "requests": self.requests, "requests_columns": self.requests_columns,
        }


def is_sample(spec: Any) -> bool:
    return isinstance(spec, str) and spec.startswith(SAMPLE_PREFIX)


def sample_seed(spec: str, *, path: Any = None, line: int | None = None) -> int:
    """The seed of a ``sample:SEED`` pseudo-path."""
    text = spec[len(SAMPLE_PREFIX):]
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise UsageError("a sample pseudo-path names a seed", path=path, line=line, expected="sample:311",
                         found=repr(spec))
    return int(text)


def _key_line(lines: list[str], section: str, key: str | None) -> int | None:
    """The line of ``[section]`` (key None) or of ``key = ...`` inside it (1-based), or None."""
    current = None
    header = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\s*(#.*)?$")
    for i, text in enumerate(lines, 1):
        m = header.match(text)
        if m:
            current = m.group(1).strip("\"' ")
            if key is None and current == section:
                return i
            continue
        if current == section and key is not None and re.match(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", text):
            return i
    return None


def read_project(path: str | Path, *, check_files: bool = True) -> Project:
    """Read and check ``path`` (a ``codekit.toml``). Syntax errors, unknown sections or keys, values of
    the wrong type and (with ``check_files``) input files that do not exist raise with file and line."""
    import tomllib

    p = Path(path)
    if p.is_dir():
        raise InputError("this is a folder, not a project file", path=p,
                         hint=f"give the path of its codekit.toml ({p / 'codekit.toml'})")
    if p.exists() and not p.is_file():  # a device, FIFO or socket: never opened (a FIFO would block)
        raise InputError("not a regular file", path=p, hint="give the path of a codekit.toml file")
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError("no such project file", path=p, hint="run `codekit init` to make one") from None
    except OSError as e:
        raise InputError(f"cannot read the project file: {e.strerror or e}", path=p) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the project file is not UTF-8 text", path=p, hint="save it as UTF-8") from None
    lines = text.splitlines()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        what = re.sub(r"\s*\(at line \d+, column \d+\)|\s*\(at end of document\)", "", msg)
        line = int(m.group(1)) if m else (len(lines) or None)
        raise SchemaError(f"TOML syntax error: {what[:1].lower() + what[1:]}", path=p, line=line,
                          hint="fix the line (TOML: key = \"value\" under a [section])") from None

    for section, body in data.items():
        if section in FREE_SECTIONS:  # checked by their own readers (codekit.release.signoff)
            continue
        if section not in SCHEMA:
            raise SchemaError(f"unknown section [{section}]", path=p, line=_key_line(lines, section, None),
                              expected=", ".join(f"[{s}]" for s in (*SCHEMA, *FREE_SECTIONS)), found=f"[{section}]")
        if not isinstance(body, dict):
            raise SchemaError(f"{section} must be a [{section}] section", path=p, line=_key_line(lines, section, None)
                              or _first_line(lines, section))
        for key, value in body.items():
            spec = SCHEMA[section].get(key)
            line = _key_line(lines, section, key)
            if spec is None:
                raise SchemaError(f"unknown key {key!r} in [{section}]", path=p, line=line,
                                  expected=", ".join(SCHEMA[section]), found=repr(key))
            typ = spec[0]
            ok = isinstance(value, (int, float) if typ is float else typ) and not (
                typ in (int, float) and isinstance(value, bool))
            if ok and typ is list:
                ok = all(isinstance(v, str) for v in value)
            if typ is list and isinstance(value, str) and key in ("definitions", "allow_words", "ignore"):
                body[key] = [value]
                ok = True
            if not ok:
                want = {str: "a string", int: "an integer", float: "a number", list: "a list of strings",
                        bool: "true or false"}[typ]
                raise SchemaError(f"[{section}] {key} must be {want}", path=p, line=line, found=repr(value))
            if typ is int and value < 1:
                raise SchemaError(f"[{section}] {key} must be at least 1", path=p, line=line, found=repr(value))
            if typ is float and not 0 < value <= 1:
                raise SchemaError(f"[{section}] {key} must be a share above 0 and at most 1", path=p, line=line,
                                  found=repr(value), hint="e.g. 0.2" if key == "semantic_floor"
                                  else "e.g. 0.1 for 10% of the list")

    root = p.parent
    inputs = data.get("inputs", {})

    def resolve(key: str, value: str | None, *, must_exist: bool) -> str | None:
        if value is None:
            return None
        if value.strip() == "":
            raise SchemaError(f"[inputs] {key} is empty", path=p, line=_key_line(lines, "inputs", key),
                              hint=f"name a file, or delete the {key} line")
        if is_sample(value):
            sample_seed(value, path=p, line=_key_line(lines, "inputs", key))
            return value
        full = root / value
        if must_exist and check_files and not full.exists():
            raise InputError(f"the {key} named here does not exist: {full}", path=p,
                             line=_key_line(lines, "inputs", key),
                             hint=f"fix [inputs] {key} (paths are relative to the project file)")
        return str(full)

    lint = dict(data.get("lint", {}))
    if "ignore" in lint:
        from codekit.validate.lint import LINT_TYPES

        for t in lint["ignore"]:
            if t not in LINT_TYPES:
                raise SchemaError(f"unknown lint finding type {t!r} in [lint] ignore", path=p,
                                  line=_key_line(lines, "lint", "ignore"), expected=", ".join(LINT_TYPES))
    definitions = tuple(Path(resolve("definitions", d, must_exist=True)) for d in inputs.get("definitions", []))
    return Project(
        path=p,
        catalogue=resolve("catalogue", inputs.get("catalogue"), must_exist=True),
        format=inputs.get("format"),
        columns=inputs.get("columns"),
        definitions=definitions,
        errors=resolve("errors", inputs.get("errors"), must_exist=True),
        taxonomy=root / data.get("taxonomy", {}).get("folder", DEFAULT_TAXONOMY),
        max_answers=data.get("propose", {}).get("max_answers", DEFAULT_MAX_ANSWERS),
        max_share=data.get("propose", {}).get("max_share"),
        semantic_floor=data.get("propose", {}).get("semantic_floor"),
        merge_duplicates=data.get("propose", {}).get("merge_duplicates", True),
        lint=lint,
        out=root / data.get("release", {}).get("out", DEFAULT_OUT),
        requests=resolve("requests", inputs.get("requests"), must_exist=True),
        requests_columns=inputs.get("requests_columns"),
    )


def _first_line(lines: list[str], key: str) -> int | None:
    for i, text in enumerate(lines, 1):
        if re.match(rf"^\s*{re.escape(key)}\s*=", text):
            return i
    return None


def lint_options(project: Project | None):
    """The project's :class:`codekit.validate.lint.LintOptions` (defaults without a project)."""
    from codekit.validate.lint import LintOptions, options_from

    if project is None:
        return LintOptions()
    return options_from(project.lint, max_answers=project.max_answers)


# ------------------------------------------------------------------------------------------- init

def _rel(target: str | Path, root: Path) -> str:
    """``target`` relative to ``root`` (POSIX separators), or absolute when it is not below it."""
    import os

    t = Path(target)
    if is_sample(str(target)):
        return str(target)
    a = Path(os.path.abspath(t))
    base = Path(os.path.abspath(root))
    try:
        if os.path.commonpath([a, base]) == a.anchor:  # nothing in common but the root: absolute reads better
            return a.as_posix()
        return Path(os.path.relpath(a, base)).as_posix()
    except ValueError:  # another drive
        return a.as_posix()


def _q(v: str) -> str:
    return json.dumps(v, ensure_ascii=False)


def render_project(*, catalogue: str, format: str | None = None, columns: str | None = None,
                   definitions: list[str] | None = None, errors: str | None = None,
                   taxonomy: str = DEFAULT_TAXONOMY, out: str = DEFAULT_OUT) -> str:
    """The text of a new project file (values already relative to it)."""
    from codekit.validate.lint import LintOptions

    d = LintOptions()
    lines = [
        "# codekit project: the inputs named once; every codekit command run in this folder (or below) reads it.",
        "# Paths are relative to this file. Flags given on the command line override these values.",
        "# Reference: docs/project.md.",
        "",
        "[inputs]",
        f"catalogue = {_q(catalogue)}",
    ]
    if format:
        lines.append(f"format = {_q(format)}")
    if columns:
        lines.append(f"columns = {_q(columns)}")
    if definitions:
        lines.append("definitions = [" + ", ".join(_q(x) for x in definitions) + "]")
    if errors:
        lines.append(f"errors = {_q(errors)}")
    lines += [
        "",
        "[taxonomy]",
        f"folder = {_q(taxonomy)}",
        "",
        "[propose]",
        f"max_answers = {DEFAULT_MAX_ANSWERS}",
        "",
        "[lint]",
        "# thresholds of `codekit lint` (docs/lint.md); max_answers defaults to [propose] max_answers",
        f"max_answers_error = {d.max_answers_error}",
        f"max_codes = {d.max_codes}",
        f"max_codes_error = {d.max_codes_error}",
        "",
        "[release]",
        f"out = {_q(out)}",
        "",
    ]
    return "\n".join(lines)


def init_project(folder: str | Path = ".", *, catalogue: str | Path, format: str | None = None,
                 columns: str | None = None, definitions: list[str | Path] | None = None,
                 errors: str | Path | None = None, taxonomy: str | Path | None = None) -> dict[str, Any]:
    """Write ``folder/codekit.toml`` naming these inputs (paths as given: relative to the working folder,
    stored relative to the project file). Refuses an existing project file; loads the catalogue (and
    checks the error log exists) before writing anything. Returns what was written."""
    from codekit.io.files import check_output, write_text_atomic

    root = Path(folder)
    target = root / PROJECT_FILE
    if target.exists():
        raise UsageError("a project file is already there; it is never overwritten", path=target,
                         hint="edit it, or delete it first to start again")
    if root.exists() and not root.is_dir():
        raise UsageError("the project folder is a file", path=root, hint="name a folder")
    cat_spec = str(catalogue)
    n_codes = None
    if is_sample(cat_spec):
        from codekit.sample import sample_catalogue

        n_codes = len(sample_catalogue(seed=sample_seed(cat_spec)))
    else:
        from codekit.io.catalogue import load_catalogue

        kwargs: dict[str, Any] = {"definitions": tuple(Path(d) for d in definitions or ())}
        if columns:
            from codekit.io.rows import RowColumns

            kwargs["columns"] = RowColumns.parse(columns)
        n_codes = len(load_catalogue(Path(cat_spec), format=format, **kwargs))
    if errors is not None and not is_sample(str(errors)) and not Path(errors).is_file():
        raise InputError("no such error log", path=errors, hint="name an existing CSV or Parquet log, or leave --errors out")
    if errors is not None and is_sample(str(errors)):
        sample_seed(str(errors))
    check_output(target, inputs=[cat_spec, errors, *(definitions or ())], what="project file")
    tax = _rel(taxonomy, root) if taxonomy is not None else DEFAULT_TAXONOMY
    text = render_project(
        catalogue=_rel(cat_spec, root), format=format, columns=columns,
        definitions=[_rel(d, root) for d in definitions or ()],
        errors=_rel(errors, root) if errors is not None else None, taxonomy=tax,
    )
    write_text_atomic(target, text)
    return {"written": str(target), "catalogue": _rel(cat_spec, root), "codes": n_codes, "taxonomy": tax,
            "errors": _rel(errors, root) if errors is not None else None}


__all__ = ["Project", "PROJECT_FILE", "read_project", "init_project", "render_project", "lint_options",
           "is_sample", "sample_seed", "SAMPLE_PREFIX"]


def record_catalogue(path: str | Path, catalogue: str | Path, *, format: str | None = None) -> str:
    """The text of project file ``path`` with ``[inputs] catalogue`` (and ``format``) naming ``catalogue``:
    the inventory the taxonomy now follows (``codekit sync --apply``). Only those lines change; a missing
    line is added under ``[inputs]``."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    lines = text.splitlines(True)
    rel = _rel(catalogue, p.parent)

    def set_key(lines: list[str], key: str, value: str | None) -> list[str]:
        at = _key_line([ln.rstrip("\n") for ln in lines], "inputs", key)
        if value is None:
            return [ln for i, ln in enumerate(lines, 1) if i != at]
        new = f'{key} = "{_toml_escape(value)}"\n'
        if at is not None:
            lines[at - 1] = new
            return lines
        head = _key_line([ln.rstrip("\n") for ln in lines], "inputs", None)
        if head is None:
            return lines + (["\n"] if lines and lines[-1].strip() else []) + ["[inputs]\n", new]
        return lines[:head] + [new] + lines[head:]

    lines = set_key(lines, "catalogue", rel)
    lines = set_key(lines, "format", format)
    return "".join(lines)


def _toml_escape(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"')
