"""Compare embedded engines (Polars, DuckDB, SQLite) on the query mix the API needs.

Why: docs/decisions/0001-engine.md chooses the engine from these numbers; keeping the
script makes the choice repeatable. Run it with `make bench-engines`, or:

    python bench/engines.py --csv /tmp/expanses-1m.csv [--repeat 30]

The Polars column is the service's own `ExpenseTable` (what we ship). DuckDB and SQLite
get the same typed rows (amount in cents, ISO date, 1-based id) with the natural SQL for
each query: two statements (count, then the page). Times are medians of wall-clock
milliseconds around the engine calls only: no HTTP, no serialization.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.data import snapshot  # noqa: E402
from service.data.csv_source import ExpenseColumns, load_expenses  # noqa: E402
from service.engine.table import ExpenseTable
from service.query.model import Filter, SortKey  # noqa: E402

PAGE = 20
Queries = dict[str, Callable[[], Any]]

SAM_RICH = [Filter("member_name", "eq", "Sam"), Filter("amount", "gte", 140_000)]
MARS = [Filter("project_name", "contains", "mars")]


def polars_queries(columns: ExpenseColumns) -> Queries:
    table = ExpenseTable(snapshot.build(columns))
    return {
        "filter+sort+page+count": lambda: table.find(SAM_RICH, [SortKey("amount", True)], 0, PAGE),
        "same, page 500": lambda: table.find(SAM_RICH, [SortKey("amount", True)], 500 * PAGE, PAGE),
        "contains+2-key sort+page+count": lambda: table.find(
            MARS, [SortKey("departments"), SortKey("amount", True)], 0, PAGE
        ),
        "no filter, sort text,-date": lambda: table.find([], [SortKey("member_name"), SortKey("date", True)], 0, PAGE),
        "single record by id": lambda: table.get(123_457),
        "group-by sum with filter": lambda: (
            table._frame.filter(pl.col("date") >= date(2021, 7, 1))
            .group_by("departments")
            .agg(pl.col("cents").sum(), pl.len())
            .to_dicts()
        ),
    }


SQL_PAGES = {
    "filter+sort+page+count": ("member_name = 'Sam' AND cents >= 140000", "cents DESC, id", 0),
    "same, page 500": ("member_name = 'Sam' AND cents >= 140000", "cents DESC, id", 500 * PAGE),
    "contains+2-key sort+page+count": ("lower(project_name) LIKE '%mars%'", "departments, cents DESC, id", 0),
    "no filter, sort text,-date": ("1 = 1", "member_name, date DESC, id", 0),
}


def sql_queries(execute: Callable[[str, tuple[Any, ...]], list[Any]]) -> Queries:
    def page(where: str, order: str, offset: int) -> Any:
        count = execute(f"SELECT count(*) FROM t WHERE {where}", ())[0][0]
        return count, execute(f"SELECT * FROM t WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?", (PAGE, offset))

    queries: Queries = {name: (lambda w=w, o=o, off=off: page(w, o, off)) for name, (w, o, off) in SQL_PAGES.items()}
    queries["single record by id"] = lambda: execute("SELECT * FROM t WHERE id = ?", (123_457,))
    queries["group-by sum with filter"] = lambda: execute(
        "SELECT departments, sum(cents), count(*) FROM t WHERE date >= ? GROUP BY departments", ("2021-07-01",)
    )
    return queries


def typed_rows(columns: ExpenseColumns) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": range(1, len(columns) + 1),
            "departments": columns["departments"],
            "project_name": columns["project_name"],
            "member_name": columns["member_name"],
            "cents": columns["amount"],
            "date": columns["date"].dt.to_string("%Y-%m-%d"),
        }
    )


def duckdb_queries(columns: ExpenseColumns) -> Queries:
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as folder:
        typed_csv = Path(folder) / "typed.csv"
        typed_rows(columns).write_csv(typed_csv)
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{typed_csv}', types={{'date': 'DATE'}})")
    return sql_queries(lambda sql, params: con.execute(sql, list(params)).fetchall())


def sqlite_queries(columns: ExpenseColumns) -> Queries:
    con = sqlite3.connect(":memory:")
    con.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, departments TEXT, project_name TEXT,"
        " member_name TEXT, cents INTEGER, date TEXT)"
    )
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", typed_rows(columns).iter_rows())
    for column in ("departments", "project_name", "member_name", "cents", "date"):
        con.execute(f"CREATE INDEX ix_{column} ON t ({column})")
    con.execute("CREATE INDEX ix_member_cents ON t (member_name, cents)")
    return sql_queries(lambda sql, params: con.execute(sql, params).fetchall())


def median_ms(query: Callable[[], Any], repeat: int) -> float:
    query()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        query()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    start = time.perf_counter()
    columns = load_expenses(args.csv)
    print(f"CSV loaded and checked by the service's loader in {time.perf_counter() - start:.2f} s", flush=True)
    engines = {"polars": polars_queries, "duckdb": duckdb_queries, "sqlite": sqlite_queries}
    results: dict[str, dict[str, float]] = {}
    built: dict[str, float] = {}
    for name, build in engines.items():
        start = time.perf_counter()
        queries = build(columns)
        built[name] = time.perf_counter() - start
        results[name] = {query: median_ms(run, args.repeat) for query, run in queries.items()}
    print(f"\n{len(columns):,} rows, median ms over {args.repeat} runs\n")
    print("| query | " + " | ".join(results) + " |")
    print("|---|" + "---:|" * len(results))
    print("| build from loaded columns (s) | " + " | ".join(f"{built[e]:.2f}" for e in results) + " |")
    for query in results["polars"]:
        print(f"| {query} | " + " | ".join(f"{results[e][query]:.2f}" for e in results) + " |")


if __name__ == "__main__":
    main()
