"""Where the engine changes strategy with the number of rows: every size threshold, in one place.

Why one module: each value was chosen by a measurement in docs/performance.md ("Engine
thresholds" lists the figures and the command behind each); the tests move them
(`tests/conftest.py`, `both_engines`) to run every strategy on small files.
"""

from __future__ import annotations

#: Below this many candidate rows a plain sort beats planning a lazy top-k.
EAGER_SORT_ROWS = 10_000
#: Plans reading at most this many rows run on Polars' in-memory engine, larger ones on the streaming one.
IN_MEMORY_ROWS = 10_000
#: Tables of at most this many rows answer `/aggregates` in plain Python (decision 0008).
PLAIN_AGGREGATE_ROWS = 1_000
#: A page ending within the first 1/TOP_K_SHARE of the candidates is a top-k; deeper, a whole sort.
TOP_K_SHARE = 100
#: A keyset page first looks among the rows sharing the cursor's first (text) value when the rows per
#: value average at least this many pages (decision 0006).
TIE_GROUP_PAGES = 50
#: Tables of more rows than this find a first page through the sort's first key's index (decision 0010)...
INDEX_ROWS = 10_000
#: ...reading at most this many rows of it before taking the usual way (few rows pass, or a value holds many).
INDEX_WALK = 65_536
