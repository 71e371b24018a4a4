"""django-rest-framework-json-api (DJA) 8.1 over SQLite: the race's second peer (issue 24, "Speed").

Why here: `bench/compare.py` races our API against what a Django user would build for the same
rows, set up as DJA's documentation says (its ModelSerializer, `included_serializers`,
`select_for_includes`, its DjangoFilterBackend, OrderingFilter and JsonApiPageNumberPagination,
its renderer, parser and exception handler), served by gunicorn with 2 sync workers like ours.
It runs in `.venv-bench` (`bench/requirements-race.txt`), never in the service's venv.

    DRF_PEER_DB=FILE .venv-bench/bin/python -m django migrate --settings bench.drf_peer.settings
    DRF_PEER_DB=FILE .venv-bench/bin/python -m django load_expanses TYPED.csv --settings bench.drf_peer.settings
    DRF_PEER_DB=FILE .venv-bench/bin/gunicorn -w 2 bench.drf_peer.wsgi   # from the repository root

`TYPED.csv` is `bench/sqlite_rows.py`'s output, the rows Datasette gets. `servers.start_drf` and
`compare.py` do all of this.
"""
