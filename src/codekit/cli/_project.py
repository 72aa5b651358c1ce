"""The project at the CLI boundary: find ``codekit.toml`` and resolve a command's inputs from it.

Where the project comes from, first found wins: the global ``--project FILE`` option, the
``CODEKIT_PROJECT`` environment variable (both set ``STATE["project"]``), or ``codekit.toml`` in the
working folder or any folder above it. Explicit flags override the project's values; an explicit
catalogue (or ``--sample``) replaces the project's whole set of catalogue inputs (format, columns,
definitions and error log), since those describe the project's own catalogue.

Imports nothing heavy: the library modules are imported inside the functions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from codekit.cli._common import STATE

#: How the commands name their catalogue input, for the hint of the missing-catalogue error.
CATALOGUE_FLAG = "--catalogue FILE"
CATALOGUE_ARGUMENT = "the catalogue file as the first argument"


def find_project(start: Path | None = None) -> Path | None:
    """The project file for this command: ``--project``/``CODEKIT_PROJECT``, else the nearest
    ``codekit.toml`` in ``start`` (default: the working folder) or above."""
    from codekit.project import PROJECT_FILE

    explicit = STATE.get("project")
    if explicit:
        return Path(explicit)
    here = Path(start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        f = d / PROJECT_FILE
        if f.is_file():
            return f
    return None


def current_project():
    """The read :class:`codekit.project.Project`, or None outside a project (errors raise, exit 2)."""
    from codekit.project import read_project

    path = find_project()
    if path is None:
        return None
    return read_project(path)


@dataclass(frozen=True)
class Inputs:
    """A command's resolved inputs: ``catalogue`` and ``errors`` are paths, ``sample:SEED`` or None."""

    catalogue: Any = None
    format: str | None = None
    columns: str | None = None
    definitions: tuple = ()
    errors: Any = None
    project: Any = None


def resolve_inputs(catalogue: Any = None, errors: Any = None, *, format: str | None = None,
                   columns: str | None = None, definitions: Any = None, sample: bool = False,
                   seed: int = 311) -> Inputs:
    """Explicit flags, else the project's inputs (see the module docstring)."""
    from codekit.errors import UsageError

    defs = tuple(definitions or ())
    if sample:
        if catalogue is not None:
            raise UsageError("--sample names the bundled sample city: give it or a catalogue, not both",
                             found=str(catalogue))
        return Inputs(f"sample:{seed}", None, None, (), errors if errors is not None else f"sample:{seed}")
    if catalogue is not None:
        return Inputs(catalogue, format, columns, defs, errors)
    proj = current_project()
    if proj is not None and proj.catalogue is not None:
        return Inputs(proj.catalogue, format or proj.format, columns or proj.columns, defs or proj.definitions,
                      errors if errors is not None else proj.errors, proj)
    return Inputs(None, format, columns, defs, errors, proj)


def no_catalogue(how: str = CATALOGUE_FLAG):
    from codekit.errors import UsageError

    return UsageError(
        "no catalogue given, and no project file (codekit.toml) here or in a folder above",
        hint=f"pass {how}, make a project with `codekit init --catalogue FILE`, "
             "or pass --sample for the bundled sample city",
    )


def load_catalogue_of(inputs: Inputs, *, how: str = CATALOGUE_FLAG):
    """The Catalogue ``inputs`` name (the sample city for ``sample:SEED``)."""
    from codekit.project import is_sample, sample_seed

    spec = inputs.catalogue
    if spec is None:
        raise no_catalogue(how)
    if is_sample(str(spec)):
        from codekit.sample import sample_catalogue

        return sample_catalogue(seed=sample_seed(str(spec)))
    from codekit.io.catalogue import load_catalogue

    kwargs: dict[str, Any] = {"definitions": tuple(Path(d) for d in inputs.definitions)}
    if inputs.columns:
        from codekit.io.rows import RowColumns

        kwargs["columns"] = RowColumns.parse(inputs.columns)
    return load_catalogue(Path(spec), format=inputs.format, **kwargs)


def catalogue_loader(catalogue: Any = None, *, format: str | None = None, columns: str | None = None,
                     definitions: Any = None, sample: bool = False, seed: int = 311,
                     how: str = CATALOGUE_FLAG) -> Callable[[], Any]:
    """A zero-argument function loading the command's catalogue once, when first needed (a diff of
    two releases or the preview of a release needs none, so none is asked for)."""
    inputs = resolve_inputs(catalogue, format=format, columns=columns, definitions=definitions, sample=sample,
                            seed=seed)
    return functools.cache(lambda: load_catalogue_of(inputs, how=how))


def taxonomy_folder(taxonomy: Path | None) -> Path:
    """The taxonomy folder: as given, else the project's ``[taxonomy] folder``, else ``taxonomy``."""
    if taxonomy is not None:
        return taxonomy
    proj = current_project()
    if proj is None:
        return Path("taxonomy")
    if not proj.taxonomy.exists():
        from codekit.errors import InputError

        raise InputError("the project's taxonomy folder does not exist yet", path=proj.taxonomy,
                         hint=f"start it from a proposal with `codekit propose --start`, or fix [taxonomy] folder "
                              f"in {proj.path}")
    return proj.taxonomy


def requests_input(requests: Path | None, columns: str | None) -> tuple[Path | None, str | None]:
    """The request history and its columns: as given, else the project's ``[inputs] requests``."""
    proj = current_project() if requests is None else None
    if proj is not None and proj.requests is not None:
        return Path(proj.requests), columns or proj.requests_columns
    return requests, columns


def release_out(out: Path | None) -> Path:
    """The releases folder: as given, else the project's ``[release] out``, else ``dist``."""
    if out is not None:
        return out
    proj = current_project()
    return proj.out if proj is not None else Path("dist")


# --- division sign-off: the project's [divisions.*] reviewers and [signoff] policy -------------------------

import typer  # noqa: E402  (typer is imported by every command module anyway)

PROJECT_FILE = "codekit.toml"
PROJECT_OPTION = typer.Option(
    None, "--project", help=f"The project file ({PROJECT_FILE}) naming each division's reviewers and the sign-off "
    "policy. Default: the global --project, CODEKIT_PROJECT, or the first codekit.toml here or in a folder above.",
)


def read_signoff_tables(project: Path | None) -> tuple[Path, Any, Any] | None:
    """(file, its ``[divisions]`` table, its ``[signoff]`` table), or None outside a project.

    ``project`` given: that file; otherwise the project this command runs in (:func:`find_project`). The file
    is read and checked whole by :func:`codekit.project.read_project` first (one loader for the project file)."""
    import tomllib

    from codekit.errors import InputError
    from codekit.project import read_project

    path = Path(project) if project is not None else find_project()
    if path is None:
        return None
    if not path.is_file():
        raise InputError("no such project file", path=str(path), hint=f"give the path of {PROJECT_FILE}")
    read_project(path)
    data = tomllib.loads(path.read_bytes().decode("utf-8"))
    return path, data.get("divisions"), data.get("signoff")


def project_signoff(project: Path | None):
    """The project's :class:`~codekit.release.signoff.Signoff`, or None when no project file asks for sign-off
    (none found, or one with neither ``[divisions.*]`` nor ``[signoff]`` tables)."""
    found = read_signoff_tables(project)
    if found is None or (found[1] is None and found[2] is None):
        return None
    from codekit.release.signoff import load_signoff

    path, divisions, signoff = found
    return load_signoff(divisions, signoff, project_file=path)
