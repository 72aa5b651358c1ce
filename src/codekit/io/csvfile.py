"""Reading CSV files: encodings streamed to UTF-8 for polars, headers, row-shape checks with physical lines,
and small files parsed with the stdlib csv module where exact line numbers matter."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

from codekit.errors import InputError, SchemaError
from codekit.io.problems import missing_columns, truncated_row
from codekit.io.text import decode


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
        if len(data) < n:  # the whole file was read: its decoding error is real, say it
            raise
        text = data.decode("utf-8", errors="replace")
    return data, text


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


#: Cell separators codekit recognises: the comma, the semicolon (spreadsheets in locales whose decimal mark
#: is a comma write it: much of Europe) and the tab (.tsv, copied from a spreadsheet).
DELIMITERS = (",", ";", "\t")


def sniff_delimiter(text: str, path: Path | str | None = None) -> str:
    """The separator of CSV ``text`` (its first line, quoted parts left out): a ``.tsv`` file is tab-separated;
    otherwise the one of :data:`DELIMITERS` the header line holds most often (a comma on a tie or none)."""
    if path is not None and Path(path).suffix.lower() == ".tsv":
        return "\t"
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    unquoted = "".join(part for i, part in enumerate(first.split('"')) if i % 2 == 0)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def delimiter_of(path: Path) -> str:
    """The separator of a CSV file (see :func:`sniff_delimiter`)."""
    return sniff_delimiter(read_head(path)[1], path)


def csv_header(path: Path) -> list[str]:
    """The header row of a CSV file (decoded, BOM dropped, cells stripped; any of :data:`DELIMITERS`)."""
    _, text = read_head(path)
    try:
        for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=sniff_delimiter(text, path)):
            return [c.strip() for c in row]
    except csv.Error as e:
        raise SchemaError(f"the header is not valid CSV: {e}", path=path, line=1,
                          hint="check the quotes on the first line, or re-export the file") from None
    return []


def check_rows(src: Path, n_columns: int, path: Path) -> None:
    """Raise on the first record whose field count differs from the header's (a truncated row).

    ``src`` is the UTF-8 file polars scans (``utf8_file``); ``path`` the user's file, named in the error.
    pyarrow's CSV parser streams the file in C++ (one column kept, batch by batch); only on a bad row is the
    file read again, with the csv module, to turn the record number into its physical line.
    """
    import pyarrow as pa
    import pyarrow.csv as pc

    delimiter = delimiter_of(path)

    def scan(threads: bool) -> list[tuple[int | None, int]]:
        bad: list[tuple[int | None, int]] = []

        def on_invalid(row: Any) -> str:
            bad.append((row.number, row.actual_columns))
            return "error"

        try:
            reader = pc.open_csv(
                src,
                read_options=pc.ReadOptions(use_threads=threads, block_size=8 << 20),
                parse_options=pc.ParseOptions(invalid_row_handler=on_invalid, newlines_in_values=True,
                                              delimiter=delimiter),
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
    line = _physical_line(src, record, delimiter) if record else None
    if n < n_columns:
        raise truncated_row(path, line, n, n_columns)
    raise SchemaError(
        f"row has {n} fields but the header has {n_columns}",
        path=path,
        line=line,
        hint="quote cells that contain commas, or add the missing column names to the header",
    )


def _physical_line(src: Path, record: int, delimiter: str = ",") -> int:
    """The 1-based file line where CSV record number ``record`` (header = 1) starts."""
    last = 0
    with open(src, encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        i = 0
        try:
            for row in reader:
                if row:  # pyarrow skips empty lines; so does this count
                    i += 1
                    if i == record:
                        return last + 1
                last = reader.line_num
        except csv.Error:
            return last + 1
    return last + 1


def read_csv_records(
    text: str, path: Path | str, required: Iterable[str] = ()
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Parse CSV text with the stdlib csv module: (header, [(1-based start line, {column: cell})]).

    For small files (catalogues, the Toronto taxonomy) where exact line numbers matter. Raises on a
    missing required column, a truncated row (fewer fields than the header) or a row with extra fields.
    """
    p = Path(path)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True,
                        delimiter=sniff_delimiter(text, p))
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
