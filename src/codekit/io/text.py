"""Reading text the way cities publish it: UTF-8, UTF-8 with a BOM, UTF-16, or cp1252.

Every loader goes through here, so an encoding quirk is fixed once.
"""

from __future__ import annotations

from pathlib import Path

from codekit.errors import InputError

_ENCODINGS_TRIED = "UTF-8 (with or without BOM), UTF-16 with BOM, cp1252"


def check_file(path: str | Path) -> Path:
    """Return ``path`` as a Path after checking it is a readable regular file."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path=p, hint="check the path, or run `codekit sample` to make sample files")
    if p.is_dir():
        raise InputError("is a directory, not a file", path=p, hint="name a file inside it")
    return p


def decode(data: bytes, path: str | Path | None = None) -> tuple[str, str]:
    """Decode ``data``; return (text, encoding). Newlines are left as they are."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
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
