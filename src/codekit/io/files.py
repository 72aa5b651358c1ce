"""The one way codekit writes files: atomic, with one permission policy, never over what it must not touch.

- :func:`write_bytes_atomic` / :func:`write_text_atomic` / :func:`atomic_path`: a temporary sibling renamed into
  place, so a reader sees the old file or the new one, never half of either.
- :func:`write_folder_atomic`: a whole folder built beside its target and renamed into place; with
  ``replace=True`` (``--force``) into an existing folder, only the files codekit wrote there are replaced or
  removed (they are listed in its :data:`OWNER_MARK`); anything else the user put there stays.
- :func:`check_outputs`: every output of a command checked *before* any is written: not a folder, not inside a
  published release, not one of the command's inputs, its folder exists or can be made. A command with two
  outputs calls it once with both, so a bad second output leaves the first untouched.

Permissions: files ``0666`` and folders ``0777``, less the process umask, as any ordinary program writes
them (mkstemp and mkdtemp would make them private). Published releases are made read-only on top of that.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Iterator

from codekit.errors import UsageError

#: The file a published release folder carries; nothing may be written into such a folder afterwards.
RELEASE_MARK = "manifest.json"
#: The file codekit leaves in a folder it wrote whole (a draft taxonomy, a sample city), so that
#: ``--force`` replaces only folders codekit owns.
OWNER_MARK = ".codekit-output"
#: Prefix of every temporary file or folder codekit makes beside an output (left only by a killed process).
TMP_PREFIX = ".tmp-codekit-"


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    return 0o666 & ~umask()


def dir_mode() -> int:
    return 0o777 & ~umask()


# ------------------------------------------------------------------------------------------- guards


def release_of(path: Path) -> Path | None:
    """The published release folder ``path`` lies in (or is), if any: a folder holding a release manifest."""
    p = Path(os.path.abspath(path))
    for d in [p, *p.parents]:
        m = d / RELEASE_MARK
        try:
            if m.is_file() and _is_release_manifest(m):
                return d
        except OSError:
            continue
    return None


def _is_release_manifest(m: Path) -> bool:
    try:
        with open(m, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return b'"content_hash"' in head or b'"catalogue_version"' in head


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: str | Path, *, inputs: Iterable[str | Path] = (), what: str = "output",
                 make_parents: bool = True) -> Path:
    """Refuse an output path that cannot or must not be written (see the module docstring)."""
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"the {what} is a folder", path=str(target), hint="name a file to write")
    rel = release_of(target.parent)
    if rel is not None:
        raise UsageError(f"the {what} lies inside the published release {rel}, which is never changed",
                         path=str(target), hint="write it somewhere outside the release folder")
    for i in inputs:
        if i is not None and (_same_file(target, Path(i)) or os.path.abspath(target) == os.path.abspath(i)):
            raise UsageError(f"the {what} is also an input of this command; it would be overwritten",
                             path=str(target), hint="write to another file")
    parent = target.parent
    existing = parent
    while not existing.exists():
        if existing.is_symlink() or existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise UsageError(f"cannot write the {what}: {existing} is a file, not a folder", path=str(target),
                         hint="choose another output path")
    if not parent.exists() and not make_parents:
        raise UsageError(f"the folder of the {what} does not exist", path=str(parent), hint="create it first")
    if existing.is_dir() and not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write the {what}: the folder {existing} is not writable", path=str(target),
                         hint="choose a folder you can write to")
    if target.exists() and not os.access(target, os.W_OK) and not os.access(parent, os.W_OK):
        raise UsageError(f"cannot replace the {what}: it is read-only", path=str(target))
    return target


def check_outputs(outputs: Iterable[str | Path | None], *, inputs: Iterable[str | Path | None] = (),
                  make_parents: bool = True) -> list[Path]:
    """:func:`check_output` for every output before any is written; two outputs may not be the same file."""
    ins = [i for i in inputs if i is not None]
    outs = [Path(o) for o in outputs if o is not None]
    seen: dict[str, Path] = {}
    for o in outs:
        key = os.path.abspath(o)
        if key in seen:
            raise UsageError("two outputs of this command are the same file", path=str(o),
                             hint="give each output its own path")
        seen[key] = o
        check_output(o, inputs=ins, make_parents=make_parents)
    return outs


def check_output_folder(path: str | Path, *, inputs: Iterable[str | Path | None] = (), what: str = "output folder") -> Path:
    """Refuse an output folder inside a release, that is a file, or that holds one of the inputs."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise UsageError(f"the {what} is a file, not a folder", path=str(target), hint="name a folder")
    rel = release_of(target)
    if rel is not None:
        raise UsageError(f"the {what} lies inside the published release {rel}, which is never changed",
                         path=str(target), hint="write it somewhere outside the release folder")
    tabs = os.path.abspath(target)
    for i in inputs:
        if i is None:
            continue
        ia = os.path.abspath(i)
        if ia == tabs or ia.startswith(tabs + os.sep):
            raise UsageError(f"the {what} holds an input of this command ({i}); it would be overwritten",
                             path=str(target), hint="write to another folder")
    existing = target
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise UsageError(f"cannot write the {what}: {existing} is a file, not a folder", path=str(target))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write the {what}: {existing} is not writable", path=str(target),
                         hint="choose a folder you can write to")
    return target


# ------------------------------------------------------------------------------------------- files


def _make_parent(parent: Path) -> None:
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot create the output folder: {e.strerror}", path=str(parent)) from None


@contextlib.contextmanager
def atomic_path(path: str | Path, *, make_parents: bool = True, inputs: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place when the block succeeds.

    Nothing half-written is ever left at ``path``: on any error (or Ctrl-C) the temporary file is removed.
    """
    target = check_output(path, inputs=inputs, make_parents=make_parents)
    _make_parent(target.parent)
    remove_stale_temporaries(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{_tmp_prefix()}{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise UsageError(f"cannot write the output: {e.strerror}", path=str(target)) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, file_mode())
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def write_bytes_atomic(path: str | Path, data: bytes, *, make_parents: bool = True,
                       inputs: Iterable[str | Path] = ()) -> Path:
    """Write ``data`` to a temporary sibling of ``path`` and rename it into place."""
    with atomic_path(path, make_parents=make_parents, inputs=inputs) as tmp:
        try:
            tmp.write_bytes(data)
        except OSError as e:
            raise UsageError(f"cannot write the output: {e.strerror}", path=str(path)) from None
    return Path(path)


def write_text_atomic(path: str | Path, text: str, *, make_parents: bool = True,
                      inputs: Iterable[str | Path] = ()) -> Path:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, atomically (see :func:`write_bytes_atomic`)."""
    return write_bytes_atomic(path, text.encode("utf-8"), make_parents=make_parents, inputs=inputs)


def write_many_atomic(files: dict[str | Path, bytes], *, inputs: Iterable[str | Path | None] = ()) -> list[Path]:
    """Write several outputs of one command: all are checked first, then each is written atomically."""
    check_outputs(list(files), inputs=inputs)
    return [write_bytes_atomic(p, data) for p, data in files.items()]


# ----------------------------------------------------------------------------------------- folders


def owned_files(folder: Path) -> list[str]:
    """The files codekit wrote into ``folder`` last time (listed in its :data:`OWNER_MARK`)."""
    try:
        text = (folder / OWNER_MARK).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in text.splitlines()[1:] if line and not line.startswith("#")]


def _mark(names: Iterable[str], owner: str) -> bytes:
    body = "".join(f"{n}\n" for n in sorted(names))
    return f"# written by {owner}; `--force` replaces these files and leaves any others alone\n{body}".encode()


def check_new_folder(out: str | Path, *, replace: bool = False, inputs: Iterable[str | Path | None] = ()) -> Path:
    """Check before any work that :func:`write_folder_atomic` could write ``out`` (a command calls it early)."""
    target = check_output_folder(out, inputs=inputs)
    if target.is_dir() and any(target.iterdir()) and not replace:
        raise UsageError("the output folder is not empty", path=str(target),
                         hint="choose another folder, or pass --force to replace the files codekit wrote in it")
    return target


def write_folder_atomic(out: str | Path, files: dict[str, bytes] | None = None, *,
                        build: Callable[[Path], Iterable[str]] | None = None, replace: bool = False,
                        owner: str = "codekit", read_only: bool = False,
                        inputs: Iterable[str | Path | None] = ()) -> Path:
    """Write a whole output folder: ``files`` (relative path -> bytes), or what ``build(tmp)`` writes into a
    temporary folder (it returns the relative names), so big outputs can stream.

    A new (or empty) ``out`` is built beside its target and renamed into place in one step. An existing,
    non-empty ``out`` is an error unless ``replace`` (``--force``): then each new file replaces its namesake
    atomically, the files codekit wrote there last time and no longer writes are removed, and files codekit
    never wrote are left alone. Except for a read-only release, the folder lists what codekit wrote in
    :data:`OWNER_MARK`.
    """
    target = check_new_folder(out, replace=replace, inputs=inputs)
    nonempty = target.is_dir() and any(target.iterdir())
    parent = target.parent if str(target.parent) else Path(".")
    _make_parent(parent)
    remove_stale_temporaries(parent)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f"{_tmp_prefix()}{target.name}-", dir=parent))
    except OSError as e:
        raise UsageError(f"cannot write the output folder: {e.strerror}", path=str(target)) from None
    try:
        if build is not None:
            names = sorted(set(build(tmp)))
        else:
            names = sorted(files or {})
            for rel in names:
                p = _safe_join(tmp, rel)
                p.parent.mkdir(parents=True, exist_ok=True)
                with open(p, "wb") as fh:
                    fh.write((files or {})[rel])
        if not read_only:
            (tmp / OWNER_MARK).write_bytes(_mark(names, owner))
        fmode, dmode = file_mode(), dir_mode()
        if read_only:
            fmode &= 0o444
        for p in sorted(tmp.rglob("*"), reverse=True):
            os.chmod(p, dmode if p.is_dir() else fmode)
        os.chmod(tmp, dmode)
        if not nonempty:
            if target.is_dir():
                os.rmdir(target)
            os.rename(tmp, target)
            return target
        stale = set(owned_files(target)) - set(names)
        for rel in [*names, *([] if read_only else [OWNER_MARK])]:
            dst = _safe_join(target, rel)
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(_safe_join(tmp, rel), dst)
        for rel in sorted(stale):
            with contextlib.suppress(OSError, UsageError):
                _safe_join(target, rel).unlink()
    finally:
        if tmp.exists():
            _rmtree(tmp)
    return target


def _rmtree(p: Path) -> None:
    def onerror(func, path, exc):  # read-only folders inside: make them writable and retry
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            func(path)

    shutil.rmtree(p, onerror=onerror)


def _safe_join(root: Path, rel: str) -> Path:
    p = (root / rel).resolve()
    if not str(p).startswith(str(root.resolve()) + os.sep):
        raise UsageError(f"refusing to write outside the output folder: {rel!r}", path=str(root))
    return p


def _tmp_prefix() -> str:
    """Temporaries carry the writer's process id, so a later run can tell a dead writer's leftovers."""
    return f"{TMP_PREFIX}{os.getpid()}-"


_TMP_PID = re.compile(re.escape(TMP_PREFIX) + r"(\d+)-")
#: A temporary without a process id in its name is stale after this many seconds.
STALE_SECONDS = 3600


def _writer_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's live process
    return True


def remove_stale_temporaries(folder: str | Path) -> int:
    """Remove the temporary files and folders an interrupted or killed codekit left in ``folder``.

    Only leftovers of writers that are gone: a temporary whose process is still running (a parallel
    release, say) is left alone. Called by every writer before it writes into a folder; returns how many
    it removed.
    """
    import time

    n = 0
    d = Path(folder) if str(folder) else Path(".")
    try:
        if not d.is_dir():
            return 0
        entries = list(d.glob(f"{TMP_PREFIX}*"))
    except OSError:
        return 0
    now = time.time()
    for p in entries:
        m = _TMP_PID.match(p.name)
        try:
            if m is not None:
                if _writer_alive(int(m.group(1))):
                    continue
            elif now - p.lstat().st_mtime < STALE_SECONDS:
                continue
            _rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
            n += 1
        except OSError:
            continue
    return n
