"""codekit: service-code taxonomy and intake-simplification toolkit for a city's 311."""

import os as _os
import sys as _sys

__version__ = "0.1.0"

#: polars' allocator (jemalloc, prefixed ``_RJEM_``) keeps freed pages for 10 s by default, so a streaming scan's
#: peak RSS is every morsel it ever held. Purging at once, from jemalloc's background thread, cuts the peak on the
#: 10M-event Parquet error log by a fifth at no measured cost in time (benchmarks/README.md). jemalloc reads this
#: when polars loads, so it only takes effect when codekit is imported first (always so in the CLI); a value the
#: user set is kept.
ALLOCATOR_CONF = "background_thread:true,dirty_decay_ms:0,muzzy_decay_ms:0"
if "polars" not in _sys.modules:
    _os.environ.setdefault("_RJEM_MALLOC_CONF", ALLOCATOR_CONF)
