"""The project file (``codekit.toml``) as the sign-off commands read it: only its ``[divisions.*]`` and
``[signoff]`` tables. A stand-in for the project loader: swap :func:`read_project` for it at merge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

PROJECT_FILE = "codekit.toml"
PROJECT_OPTION = typer.Option(
    None, "--project", help=f"The project file ({PROJECT_FILE}) naming each division's reviewers and the sign-off "
    "policy. Default: the first codekit.toml in the current folder or a folder above it.",
)


def read_project(project: Optional[Path]) -> Optional[tuple[Path, Any, Any]]:
    """(file, its ``[divisions]`` table, its ``[signoff]`` table) of the project file, or None when there is none.

    ``project`` given: that file (it must exist). Otherwise the first ``codekit.toml`` in the current folder or
    a folder above it. Only these two tables are read. (A stand-in: swap it for the project loader at merge.)"""
    import tomllib

    from codekit.errors import InputError

    if project is None:
        here = Path.cwd()
        project = next((d / PROJECT_FILE for d in (here, *here.parents) if (d / PROJECT_FILE).is_file()), None)
        if project is None:
            return None
    elif not project.is_file():
        raise InputError("no such project file", path=str(project), hint=f"give the path of {PROJECT_FILE}")
    try:
        data = tomllib.loads(project.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("the project file is not UTF-8 text", path=str(project)) from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"not valid TOML: {e}", path=str(project), hint="fix the project file") from None
    return project, data.get("divisions"), data.get("signoff")


def project_signoff(project: Optional[Path]):
    """The project's :class:`~codekit.release.signoff.Signoff`, or None when no project file asks for sign-off
    (none found, or one with neither ``[divisions.*]`` nor ``[signoff]`` tables)."""
    found = read_project(project)
    if found is None or (found[1] is None and found[2] is None):
        return None
    from codekit.release.signoff import load_signoff

    path, divisions, signoff = found
    return load_signoff(divisions, signoff, project_file=path)
