"""Small helpers shared by the catalogue loaders: slugs, atomic writes, safe XML, CSV sniffing.

Nothing heavy at module level (polars is imported inside the functions that need it).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from codekit.errors import InputError, SchemaError, UsageError
from codekit.io.text import check_file, decode

# --------------------------------------------------------------------------------------------- slugs


def most_common(c) -> Any:
    """The most frequent entry of a Counter (``""`` when empty); ties go to the alphabetically first."""
    if not c:
        return ""
    return min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def slug(text: str) -> str:
    """A readable, stable id part: accents dropped, case folded, runs of other characters -> ``-``.

    ``"Road Pothole / Road Damage"`` -> ``"road-pothole-road-damage"``; ``"Municipal Licensing & Standards"``
    -> ``"municipal-licensing-standards"``. Empty text gives ``"none"``.
    """
    t = unicodedata.normalize("NFKD", text or "")
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = re.sub(r"[^0-9a-z]+", "-", t.casefold()).strip("-")
    return t or "none"


def norm_key(text: str) -> str:
    """The grouping key for a name: whitespace collapsed, stripped, case folded (Toronto's own rule)."""
    return " ".join((text or "").split()).casefold()


def tidy(text: Any) -> str:
    """A display name: whitespace collapsed and stripped."""
    return " ".join(str(text or "").split())


def short_hash(text: str, n: int = 6) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


# ---------------------------------------------------------------------------------------- line finding


def line_of(text: str, pos: int) -> int:
    """1-based line number of character offset ``pos`` in ``text``."""
    return text.count("\n", 0, pos) + 1


def lines_matching(text: str, pattern: str) -> list[int]:
    """1-based line numbers of every match of the regex ``pattern`` in ``text``."""
    return [line_of(text, m.start()) for m in re.finditer(pattern, text)]


# -------------------------------------------------------------------------------------------- reading


def read_head(path: Path, n: int = 65536) -> tuple[bytes, str]:
    """The first ``n`` bytes and their decoded text (a multi-byte character cut at the end is dropped)."""
    with open(path, "rb") as f:
        data = f.read(n)
    if len(data) == n:
        for cut in range(4):  # a UTF-8 sequence cut by the read
            try:
                (data[: len(data) - cut] if cut else data).decode("utf-8")
            except UnicodeDecodeError:
                continue
            data = data[: len(data) - cut] if cut else data
            break
    try:
        text, _ = decode(data, path)
    except InputError:
        text = data.decode("utf-8", errors="replace")
    return data, text


def read_text(path: Path) -> str:
    """Read and decode a whole text file through ``codekit.io.text`` (BOM, cp1252)."""
    p = check_file(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror}", path=p) from None
    text, _ = decode(data, p)
    return text


_CHUNK = 4 << 20


def file_encoding(path: Path) -> str:
    """Which encoding ``codekit.io.text.decode`` would pick for the file, found by streaming it.

    Returns ``utf-8``, ``utf-8-sig``, ``utf-16`` or ``cp1252`` without holding the file in memory.
    """
    with open(path, "rb") as f:
        head = f.read(3)
        if head.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig"
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        f.seek(0)
        dec = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(_CHUNK):
                dec.decode(chunk)
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


@contextlib.contextmanager
def utf8_file(path: Path) -> Iterator[tuple[Path, str]]:
    """Yield (a UTF-8 file polars can scan, the source encoding).

    UTF-8 files (with or without BOM: polars drops it) are scanned in place; cp1252 or UTF-16 files are
    transcoded chunk by chunk to a temporary file, removed afterwards. Memory stays bounded.
    """
    enc = file_encoding(path)
    if enc in ("utf-8", "utf-8-sig"):
        yield path, enc
        return
    fd, tmp = tempfile.mkstemp(prefix="codekit-", suffix=".csv")
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            dec = codecs.getincrementaldecoder("utf-16" if enc == "utf-16" else "cp1252")()
            offset = 0
            while chunk := src.read(_CHUNK):
                try:
                    out.write(dec.decode(chunk).encode("utf-8"))
                except UnicodeDecodeError as e:
                    raise InputError(
                        f"cannot decode the text at byte {offset + e.start}",
                        path=path,
                        expected="UTF-8 (with or without BOM), UTF-16 with BOM, cp1252",
                        hint="save the file as UTF-8",
                    ) from None
                offset += len(chunk)
            out.write(dec.decode(b"", final=True).encode("utf-8"))
        yield Path(tmp), enc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def csv_header(path: Path) -> list[str]:
    """The header row of a CSV file (decoded, BOM dropped, cells stripped)."""
    _, text = read_head(path)
    for row in csv.reader(io.StringIO(text)):
        return [c.strip() for c in row]
    return []


def check_rows(src: Path, n_columns: int, path: Path) -> None:
    """Raise on the first record whose field count differs from the header's (a truncated row).

    ``src`` is the UTF-8 file polars scans (``utf8_file``); ``path`` the user's file, named in the error.
    pyarrow's CSV parser streams the file in C++ (one column kept, batch by batch); only on a bad row is the
    file read again, with the csv module, to turn the record number into its physical line.
    """
    import pyarrow as pa
    import pyarrow.csv as pc

    def scan(threads: bool) -> list[tuple[int | None, int]]:
        bad: list[tuple[int | None, int]] = []

        def on_invalid(row: Any) -> str:
            bad.append((row.number, row.actual_columns))
            return "error"

        try:
            reader = pc.open_csv(
                src,
                read_options=pc.ReadOptions(use_threads=threads, block_size=8 << 20),
                parse_options=pc.ParseOptions(invalid_row_handler=on_invalid, newlines_in_values=True),
                convert_options=pc.ConvertOptions(include_columns=[], include_missing_columns=False),
            )
            for _ in reader:
                pass
        except pa.ArrowInvalid as e:
            if not bad:
                msg = str(e).replace("CSV parse error: ", "").strip()
                raise InputError(
                    f"malformed CSV: {msg}", path=path,
                    hint="check the quotes and the number of fields per row, or re-export the file",
                ) from None
        return bad

    bad = scan(True)  # parallel: fast, but cannot number rows
    if bad and bad[0][0] is None:
        bad = scan(False)
    if not bad:
        return
    record, n = bad[0]
    line = _physical_line(src, record) if record else None
    if n < n_columns:
        raise truncated_row(path, line, n, n_columns)
    raise SchemaError(
        f"row has {n} fields but the header has {n_columns}",
        path=path,
        line=line,
        hint="quote cells that contain commas, or add the missing column names to the header",
    )


def _physical_line(src: Path, record: int) -> int:
    """The 1-based file line where CSV record number ``record`` (header = 1) starts."""
    with open(src, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        last = 0
        i = 0
        for row in reader:
            if row:  # pyarrow skips empty lines; so does this count
                i += 1
                if i == record:
                    return last + 1
            last = reader.line_num
    return last + 1


def truncated_row(path: Path, line: int, n: int, n_columns: int) -> SchemaError:
    return SchemaError(
        f"row has {n} field{'s' if n != 1 else ''} but the header has {n_columns}: the row is truncated",
        path=path,
        line=line,
        hint="re-export or re-download the file; a row cut short usually means the file was cut off",
    )


def missing_columns(path: Path, missing: Iterable[str], found: Iterable[str], what: str = "") -> SchemaError:
    miss = list(missing)
    s = "s" if len(miss) > 1 else ""
    return SchemaError(
        f"missing required column{s} {', '.join(repr(m) for m in miss)}" + (f" for {what}" if what else ""),
        path=path,
        line=1,
        expected=", ".join(miss),
        found="columns " + ", ".join(repr(c) for c in found) if found else "no columns",
        hint="rename the column in the header, or name the columns with --columns",
    )


def duplicate_code(path: Path | str, code: str, first: int | None, second: int | None, unit: str = "line") -> SchemaError:
    where = f" on {unit}s {first} and {second}" if first and second else ""
    return SchemaError(
        f"duplicate code {code!r}{where}",
        path=path,
        line=second if unit == "line" else None,
        hint="give every code its own id, or remove the repeated row",
    )


def empty_name(path: Path | str, code: str, line: int | None) -> SchemaError:
    return SchemaError(
        f"code {code!r} has an empty name",
        path=path,
        line=line,
        hint="give every code a name",
    )


# ------------------------------------------------------------------------------------------- safe XML


@dataclass
class XNode:
    """A parsed XML element with its 1-based source line."""

    tag: str
    line: int
    attrib: dict[str, str] = field(default_factory=dict)
    children: list["XNode"] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def find(self, tag: str) -> "XNode | None":
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def findall(self, tag: str) -> list["XNode"]:
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str) -> str | None:
        c = self.find(tag)
        return None if c is None else c.text.strip()


def parse_xml(text: str, path: Path | str) -> XNode:
    """Parse XML with the stdlib expat, refusing DTDs and entity declarations (no entity expansion bombs,
    no external entities). Errors carry the parser's line and column."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    root: list[XNode] = []
    stack: list[XNode] = []

    def refuse(what: str):
        def handler(*args: Any) -> None:
            raise SchemaError(
                f"the XML declares {what}, which codekit refuses for safety",
                path=path,
                line=parser.CurrentLineNumber,
                hint="remove the DOCTYPE/ENTITY declarations; Open311 documents need none",
            )

        return handler

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = XNode(tag, parser.CurrentLineNumber, dict(attrs))
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    parser.StartDoctypeDeclHandler = refuse("a DOCTYPE")
    parser.EntityDeclHandler = refuse("an entity")
    parser.ExternalEntityRefHandler = refuse("an external entity")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.buffer_text = True
    try:
        parser.Parse(text.lstrip("\ufeff"), True)
    except expat.ExpatError as e:
        raise InputError(
            f"malformed XML at column {e.offset + 1}: {expat.errors.messages[e.code]}",
            path=path,
            line=e.lineno,
            hint="fix the XML (a tag left open or mismatched?) or re-export the file",
        ) from None
    if not root:
        raise InputError("the XML has no root element", path=path, hint="check the file is complete")
    return root[0]


def parse_json(text: str, path: Path | str) -> Any:
    """``json.loads`` with the parser's line and column in the error."""
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            f"malformed JSON at column {e.colno}: {e.msg}",
            path=path,
            line=e.lineno,
            hint="fix the JSON (a missing comma or bracket?) or re-export the file",
        ) from None


# -------------------------------------------------------------------------------------- atomic writes


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | Path, *, make_parents: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place when the block succeeds.

    Nothing half-written is ever left at ``path``: on any error the temporary file is removed. The file gets
    the usual permissions (0666 less the umask), not mkstemp's 0600. With ``make_parents=False`` a missing
    output folder is an error instead of being created.
    """
    target = Path(path)
    if target.is_dir():
        raise UsageError("the output is a directory", path=target, hint="name a file to write")
    if not make_parents and not target.parent.is_dir():
        raise UsageError("the output folder does not exist", path=str(target.parent), hint="create it first")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot create the output folder: {e.strerror}", path=target.parent) from None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def write_bytes_atomic(path: str | Path, data: bytes, *, make_parents: bool = True) -> Path:
    """Write ``data`` to a temporary sibling of ``path`` and rename it into place."""
    with atomic_path(path, make_parents=make_parents) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text_atomic(path: str | Path, text: str, *, make_parents: bool = True) -> Path:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, atomically (see :func:`write_bytes_atomic`)."""
    return write_bytes_atomic(path, text.encode("utf-8"), make_parents=make_parents)


# ------------------------------------------------------------------------------------ small CSV files


def read_csv_records(
    text: str, path: Path | str, required: Iterable[str] = ()
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Parse CSV text with the stdlib csv module: (header, [(1-based start line, {column: cell})]).

    For small files (catalogues, the Toronto taxonomy) where exact line numbers matter. Raises on a
    missing required column, a truncated row (fewer fields than the header) or a row with extra fields.
    """
    p = Path(path)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        header = [c.strip() for c in next(reader)]
    except StopIteration:
        raise InputError("the file is empty", path=p, hint="a CSV needs a header row (at least code,name)") from None
    except csv.Error as e:
        raise InputError(f"malformed CSV: {e}", path=p, line=1) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise missing_columns(p, missing, header)
    n = len(header)
    out: list[tuple[int, dict[str, str]]] = []
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise InputError(
                f"malformed CSV: {e}", path=p, line=start, hint="check the quotes on this line"
            ) from None
        last_line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) < n:
            raise truncated_row(p, start, len(row), n)
        if len(row) > n:
            if any(c.strip() for c in row[n:]):
                raise SchemaError(
                    f"row has {len(row)} fields but the header has {n}",
                    path=p,
                    line=start,
                    hint="quote cells that contain commas, or add the missing column names to the header",
                )
            row = row[:n]
        out.append((start, dict(zip(header, row))))
    return header, out
