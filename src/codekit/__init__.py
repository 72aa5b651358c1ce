"""codekit: service-code taxonomy and intake-simplification toolkit for a city's 311."""

import os as _os
import sys as _sys

__version__ = "0.1.0"

#: polars' allocator (jemalloc, read from ``_RJEM_MALLOC_CONF``; polars' own default, which it writes there when it
#: loads and to which it appends a value set before, keeps freed pages 0.5-1.5 s), so a streaming scan's peak RSS
#: holds most morsels it decoded. Purging them at once, from jemalloc's background thread, cuts the
#: peak on the 10M-event Parquet error log from about 400 MB to about 250 MB (benchmarks/README.md: it costs some
#: time there). polars hands this to jemalloc when it loads, so it takes effect only when codekit is imported before
#: polars (always so in the CLI); a value the user set is kept.
ALLOCATOR_CONF = "background_thread:true,dirty_decay_ms:0,muzzy_decay_ms:0"
if "polars" not in _sys.modules:
    _os.environ.setdefault("_RJEM_MALLOC_CONF", ALLOCATOR_CONF)

#: pyarrow's allocator for the Parquet error-log counts (``analyse/dictcounts.py``): the system allocator returns
#: freed buffers where pyarrow's default (mimalloc) keeps them, 244 MB against 312 MB peak on the 10M-event
#: benchmark log in about the same time (benchmarks/README.md). Read by pyarrow when it loads; a value set is kept.
ARROW_POOL = "system"
if "pyarrow" not in _sys.modules:
    _os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", ARROW_POOL)
