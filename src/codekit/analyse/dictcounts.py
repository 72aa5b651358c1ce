"""Counts over a Parquet error log's text columns, taken from their dictionary encoding (no string decoded per row).

Parquet writers store low-cardinality text (codes, kinds, channels) as a small dictionary per column chunk and one
integer index per row. Polars decodes every row's value to a string before grouping; on the 10M-event benchmark log
that is most of the work, and the decoded buffers are most of the memory (benchmarks/README.md). Here pyarrow
reads each row group's columns as dictionary arrays, NumPy counts the combinations of indices (``bincount`` over
the small product of the chunk's dictionaries), and each chunk's dictionary is mapped to ids shared over the file,
so strings are made once per distinct value, at the end. Row groups are read and counted in parallel, each worker
with its own reader.

It is an optimisation with an exact reference, the polars queries in :mod:`codekit.analyse.errorstats`: the
tables are the same (``tests/test_errorlog_dictcounts.py`` compares them). Anything outside what it handles returns ``None``
and the caller takes the polars path, which also words the error for a damaged file: a grouping column that is not
text, more than 2**21 distinct values in a column, a row group whose index combinations do not fit in 63 bits,
any error of pyarrow's.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import polars as pl

#: bits per column in the file-wide key of a combination (three columns at most: 63 bits)
_BITS = 21
_MAX_IDS = 1 << _BITS
#: up to this many combinations in a chunk, counts go through ``bincount`` (an array this long); beyond, a sort
_DENSE_MAX = 1 << 21
#: rows per batch read from a row group (bounds a worker's memory when a file has very large row groups)
_BATCH_ROWS = 1 << 20

#: table -> the grouping columns it counts (as in errorstats.raw_tables)
TABLES = {"code_kind": ("submitted_code", "kind"), "pairs": ("submitted_code", "correct_code", "kind"),
          "channel": ("channel", "kind")}


class _Unsupported(Exception):
    """This file is outside what the dictionary path handles: use the polars path."""


class _Ids:
    """Ids shared over the file for one column's values (None is id 0), filled from each chunk's dictionary."""

    def __init__(self) -> None:
        self.ids: dict[Any, int] = {None: 0}
        self.lock = threading.Lock()

    def of(self, values: list) -> "np.ndarray":
        import numpy as np

        with self.lock:
            ids = self.ids
            out = [ids.setdefault(v, len(ids)) for v in values]
            if len(ids) > _MAX_IDS:
                raise _Unsupported("too many distinct values")
        return np.asarray(out + [0], dtype=np.int64)  # the last slot is where null indices point

    def values(self) -> "np.ndarray":
        import numpy as np

        out = np.empty(len(self.ids), dtype=object)
        for v, i in self.ids.items():
            out[i] = v
        return out


def _is_text(t: Any) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(t):
        t = t.value_type
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def _indices(arr: Any, ids: _Ids) -> tuple["np.ndarray", "np.ndarray | None", "np.ndarray", list]:
    """A chunk of one column: (each row's index into the chunk's dictionary, as it is in memory; which rows are
    not null, or None when none is; chunk index -> file id; the chunk's values)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_dictionary(arr.type):
        arr = pc.dictionary_encode(arr)
    dictionary = arr.dictionary
    if dictionary.null_count:
        raise _Unsupported("a null in a dictionary")
    ind = arr.indices
    width = np.dtype(ind.type.to_pandas_dtype())
    idx = np.frombuffer(ind.buffers()[1], dtype=width, count=ind.offset + len(ind))[ind.offset:]
    valid = None
    if ind.null_count:
        bits = np.frombuffer(ind.buffers()[0], dtype=np.uint8)
        valid = np.unpackbits(bits, count=ind.offset + len(ind), bitorder="little")[ind.offset:].view(bool)
    values = dictionary.to_pylist()
    return idx, valid, ids.of(values), values


def _with_null_slot(idx: "np.ndarray", valid: "np.ndarray | None", size: int) -> "np.ndarray":
    """Indices where a null row points at the slot after the dictionary (``size``)."""
    import numpy as np

    return idx if valid is None else np.where(valid, idx, size)


def _combine(parts: list[tuple["np.ndarray", int]]) -> tuple["np.ndarray", int]:
    """One index per row over the product of the parts' sizes (int32 while it fits)."""
    import numpy as np

    space = 1
    for _, size in parts:
        space *= size
    if space >= 1 << 62:
        raise _Unsupported("too many combinations in a chunk")
    dtype = np.int32 if space < 1 << 31 else np.int64
    flat = None
    for x, size in parts:
        flat = x.astype(dtype, copy=False) if flat is None else flat * size + x
    return flat, space


def _nonzero(counts: "np.ndarray", maps: list["np.ndarray"]) -> tuple["np.ndarray", "np.ndarray"]:
    """The non-zero cells of a dense table of counts (one axis per column) as file-wide keys, with counts."""
    return _keys(counts.ravel(), maps)


def _count(flat: "np.ndarray", space: int, maps: list["np.ndarray"]) -> tuple["np.ndarray", "np.ndarray"]:
    """The distinct combinations in ``flat`` as file-wide keys (``_BITS`` per column), with how many rows each."""
    import numpy as np

    if space <= _DENSE_MAX:
        return _keys(np.bincount(flat, minlength=space), maps)
    combos, counts = np.unique(flat, return_counts=True)
    return _combos_keys(combos, counts, maps)


def _keys(dense: "np.ndarray", maps: list["np.ndarray"]) -> tuple["np.ndarray", "np.ndarray"]:
    import numpy as np

    combos = np.flatnonzero(dense)
    return _combos_keys(combos, dense[combos], maps)


def _combos_keys(combos: "np.ndarray", counts: "np.ndarray", maps: list["np.ndarray"]) -> tuple["np.ndarray", "np.ndarray"]:
    """Combinations (flat indices over the product of the maps' sizes) as file-wide keys, with their counts."""
    import numpy as np

    combos = combos.astype(np.int64, copy=False)
    digits = []
    for m in reversed(maps):
        digits.append(combos % len(m))
        combos = combos // len(m)
    key = np.zeros(len(counts), dtype=np.int64)
    for m, d in zip(maps, reversed(digits)):
        key = (key << _BITS) | m[d]
    return key, counts.astype(np.int64, copy=False)


def _spans(rows: list[int], target: int = _BATCH_ROWS // 4) -> list[list[int]]:
    """Consecutive row groups in spans of about ``target`` rows (a larger row group is a span of its own)."""
    spans: list[list[int]] = []
    cur: list[int] = []
    n = 0
    for i, r in enumerate(rows):
        if cur and n + r > target:
            spans.append(cur)
            cur, n = [], 0
        cur.append(i)
        n += r
    if cur:
        spans.append(cur)
    return spans


def parquet_tables(path: str, columns: dict[str, str | None], confusion_kinds: tuple[str, ...],
                   threads: int) -> dict[str, "pl.DataFrame"] | None:
    """``errorstats.raw_tables`` of a Parquet log from its dictionary encoding, or None (take the polars path).

    ``columns``: canonical grouping column -> its name in the file (None: absent, all null). ``pairs`` holds only
    rows whose kind, trimmed and lower-cased, is one of ``confusion_kinds`` (the only pairs anything reads).
    """
    try:
        return _parquet_tables(path, columns, confusion_kinds, threads)
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception:  # noqa: BLE001 - any failure here means "use the reference path", which reports errors
        return None


def _parquet_tables(path: str, columns: dict[str, str | None], confusion_kinds: tuple[str, ...],
                    threads: int) -> dict[str, "pl.DataFrame"] | None:
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    import polars as pl
    import pyarrow.parquet as pq

    present = {c: n for c, n in columns.items() if n is not None}
    if "submitted_code" not in present or "kind" not in present:
        return None
    names = list(dict.fromkeys(present.values()))
    first = pq.ParquetFile(path, read_dictionary=names, pre_buffer=False)
    schema = first.schema_arrow
    if any(not _is_text(schema.field(n).type) for n in names):
        return None
    groups = first.metadata.num_row_groups
    ids = {c: _Ids() for c in TABLES["pairs"] + ("channel",)}
    readers = threading.local()

    def confusion(values: list) -> "np.ndarray":
        norm = pl.Series(values, dtype=pl.String).str.strip_chars().str.to_lowercase()
        return np.append(norm.is_in(list(confusion_kinds)).to_numpy(), False)

    def batches(reader, span: list[int]):
        if len(span) == 1:  # one row group, read in bounded batches however large it is
            yield from reader.iter_batches(batch_size=_BATCH_ROWS, row_groups=span, columns=names, use_threads=False)
            return
        # small row groups read together, their dictionaries unified, as one batch: a batch per row group of a
        # few thousand rows would spend more on each call than on the counting
        table = reader.read_row_groups(span, columns=names, use_threads=False).unify_dictionaries().combine_chunks()
        yield from table.to_batches()

    def count_group(span: list[int]) -> dict[str, list]:
        reader = getattr(readers, "file", None)
        if reader is None:
            reader = readers.file = pq.ParquetFile(path, read_dictionary=names, pre_buffer=False)
        out: dict[str, list] = {t: [] for t in TABLES}
        for batch in batches(reader, span):
            n = batch.num_rows
            if n == 0:
                continue
            col = {}
            for c in ids:
                if c in present:
                    col[c] = _indices(batch.column(present[c]), ids[c])
                else:  # an absent optional column: every row null
                    col[c] = (np.zeros(n, dtype=np.int8), np.zeros(n, dtype=bool), np.zeros(1, dtype=np.int64), [])
            # maps: chunk index -> file id, with the null slot last (file id 0, None)
            sub, kind, chan, cor = (col[c] for c in ("submitted_code", "kind", "channel", "correct_code"))
            s = _with_null_slot(sub[0], sub[1], len(sub[3]))
            k = _with_null_slot(kind[0], kind[1], len(kind[3]))
            h = _with_null_slot(chan[0], chan[1], len(chan[3]))
            s_map, k_map, h_map = sub[2], kind[2], chan[2]
            # code x kind x channel counted at once (a small space), then summed into the two tables
            flat, space = _combine([(s, len(s_map)), (k, len(k_map)), (h, len(h_map))])
            if space <= _DENSE_MAX:
                cube = np.bincount(flat, minlength=space).reshape(len(s_map), len(k_map), len(h_map))
                out["code_kind"].append(_nonzero(cube.sum(axis=2), [s_map, k_map]))
                out["channel"].append(_nonzero(cube.sum(axis=0).T, [h_map, k_map]))
            else:
                out["code_kind"].append(_count(*_combine([(s, len(s_map)), (k, len(k_map))]), [s_map, k_map]))
                out["channel"].append(_count(*_combine([(h, len(h_map)), (k, len(k_map))]), [h_map, k_map]))
            # pairs: rows with a correct code and a confusion kind; the kind as an index among those kinds only
            is_confusion = confusion(kind[3])
            keep = is_confusion[k]
            if cor[1] is not None:
                keep &= cor[1]
            rows = np.flatnonzero(keep)
            if len(rows):
                compact = (np.cumsum(is_confusion) - 1).astype(np.int32)
                kc_map = k_map[np.flatnonzero(is_confusion)]
                c_map = cor[2][:-1]
                flat, space = _combine([(s[rows], len(s_map)), (cor[0][rows], len(c_map)), (compact[k[rows]], len(kc_map))])
                out["pairs"].append(_count(flat, space, [s_map, c_map, kc_map]))
        return out

    spans = _spans([first.metadata.row_group(i).num_rows for i in range(groups)])
    workers = max(1, min(threads, len(spans)))
    if workers == 1:
        parts = [count_group(sp) for sp in spans]
    else:
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(count_group, spans))
    values = {c: v.values() for c, v in ids.items()}
    tables = {}
    for table, cols in TABLES.items():
        keys = [k for p in parts for k, _ in p[table]]
        counts = [n for p in parts for _, n in p[table]]
        if keys:
            uniq, inverse = np.unique(np.concatenate(keys), return_inverse=True)
            n = np.bincount(inverse, weights=np.concatenate(counts)).astype(np.int64)
        else:
            uniq, n = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        series = []
        mask = _MAX_IDS - 1
        for j, c in enumerate(cols):
            shift = _BITS * (len(cols) - 1 - j)
            series.append(pl.Series(c, values[c][(uniq >> shift) & mask].tolist(), dtype=pl.String))
        # lists, not arrays: polars' NumPy constructor imports numpy.ma (25 ms)
        tables[table] = pl.DataFrame(series + [pl.Series("n", n.tolist(), dtype=pl.Int64)])
    return tables


__all__ = ["parquet_tables", "TABLES"]
