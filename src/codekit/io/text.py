"""Reading text the way cities publish it: UTF-8, UTF-8 with a BOM, UTF-16, or cp1252.

Every loader goes through here, so an encoding quirk is fixed once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from codekit.errors import InputError

_ENCODINGS_TRIED = "UTF-8 (with or without BOM), UTF-16 with BOM, cp1252"


def special_kind(mode: int) -> str | None:
    """What a file of ``st_mode`` is when it is neither a regular file nor a folder ("a FIFO (named pipe)",
    "a device", "a socket", ...), else None."""
    import stat

    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")


def refuse_special_files(root: str | Path, paths: Iterable[Path] | None = None, *, what: str = "folder",
                         skip_hidden: bool = True) -> None:
    """Raise :class:`InputError` for the first FIFO, socket or device among ``paths`` (default: everything under
    ``root``), instead of skipping it without a word. Only ``stat`` is called (never ``open``), so a FIFO cannot
    block. Names under a part starting with ``.`` (``.git`` holds sockets) are left alone when ``skip_hidden``."""
    root = Path(root)
    for p in sorted(root.rglob("*") if paths is None else paths):
        try:
            rel = p.relative_to(root).parts
        except ValueError:
            rel = (p.name,)
        if skip_hidden and any(part.startswith(".") for part in rel):
            continue
        try:
            mode = p.stat().st_mode  # follows a symbolic link: a link to a FIFO is a FIFO here
        except OSError:
            continue  # a broken link: the caller decides (a release lists it; a taxonomy skips it)
        kind = special_kind(mode)
        if kind is not None:
            raise InputError(f"is {kind} inside the {what}, not a regular file", path=p,
                             hint=f"remove it from the {what} or move it elsewhere; codekit reads only regular files")


def check_file(path: str | Path) -> Path:
    """Return ``path`` as a Path after checking it is a readable regular file (not a FIFO or a device)."""
    import stat

    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError("no such file", path=p, hint="check the path, or run `codekit sample` to make sample files") from None
    except NotADirectoryError:
        raise InputError("no such file (a part of the path is a file, not a folder)", path=p,
                         hint="check the path") from None
    except (OSError, ValueError) as e:
        raise InputError(f"cannot open the file: {getattr(e, 'strerror', None) or e}", path=p,
                         hint="check the path") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a directory, not a file", path=p, hint="name a file inside it")
    if not stat.S_ISREG(st.st_mode):
        kind = special_kind(st.st_mode) or "not a regular file"
        raise InputError(f"is {kind}, not a regular file", path=p,
                         hint="save the data to a file first and name that file")
    if not os.access(p, os.R_OK):
        raise InputError("cannot read the file: permission denied", path=p, hint="check the file's permissions")
    return p


#: Magic numbers of binary files people name .csv or .yaml by mistake: what they are.
_MAGIC = (
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook?)", "export the sheet as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Office file", "export the sheet as CSV"),
    (b"PAR1", "a Parquet file", "name it .parquet or pass --format parquet"),
    (b"\x1f\x8b", "gzip-compressed data", "decompress it first"),
    (b"%PDF", "a PDF document", "export the data as CSV"),
    (b"SQLite format 3", "an SQLite database", "export the table as CSV"),
)
_BINARY_BYTES = bytes([*range(0, 9), 11, 14, *range(15, 32), 127])


def binary_kind(data: bytes) -> tuple[str, str] | None:
    """(what it is, what to do) when ``data`` (the start of a file) is binary rather than text, else None.

    Text in UTF-16 is not binary. A few stray control bytes in text are not binary either (the loaders refuse
    them with their line); many are.
    """
    for magic, what, todo in _MAGIC:
        if data.startswith(magic):
            return what, todo
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    head = data[:8192]
    if not head:
        return None
    n_ctrl = sum(head.count(bytes([b])) for b in _BINARY_BYTES)
    if head.count(b"\x00") >= 4 or n_ctrl >= max(4, len(head) * 0.08):
        return "binary data, not text", "check it is the file you meant"
    return None


def decode(data: bytes, path: str | Path | None = None) -> tuple[str, str]:
    """Decode ``data``; return (text, encoding). Newlines are left as they are."""
    binary = binary_kind(data)
    if binary is not None:
        raise InputError(f"the file holds {binary[0]}", path=path, expected="a text file",
                         hint=binary[1])
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise InputError(
                f"the file starts with a UTF-8 byte-order mark, but byte {e.start + 3} is not UTF-8",
                path=path, expected="UTF-8 text after the mark", hint="save the file as UTF-8",
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            what = "an odd number of bytes" if len(data) % 2 else f"a broken character at byte {e.start}"
            raise InputError(
                f"the file starts with a UTF-16 byte-order mark, but it has {what}", path=path,
                expected="whole UTF-16 text", hint="save the file again (as UTF-8 preferably)",
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as e:  # cp1252 leaves 5 bytes undefined
        raise InputError(
            f"cannot decode the text at byte {e.start}",
            path=path,
            expected=_ENCODINGS_TRIED,
            hint="save the file as UTF-8",
        ) from None


def read_text(path: str | Path) -> tuple[str, str]:
    """Read a text file; return (text, encoding)."""
    p = check_file(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror}", path=p) from None
    return decode(data, p)


def read_str(path: str | Path) -> str:
    """Read and decode a whole text file (BOM, UTF-16, cp1252); the text only."""
    return read_text(path)[0]
