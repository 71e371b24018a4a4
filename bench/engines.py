"""Compare embedded engines (Polars, DuckDB, SQLite) on the query mix the API needs.

Why: docs/decisions/0001-engine.md chooses the engine from these numbers; keeping the
script makes the choice repeatable. Usage (from the repo root, bench deps installed):

    python bench/engines.py --csv /tmp/expanses-1m.csv [--repeat 30]

Every engine gets the same typed columns (text, amount in cents, ISO date, 1-based id)
and answers the same queries; the times are medians of wall-clock milliseconds measured
around the engine calls only (no HTTP, no serialization).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

TEXT = ("departments", "project_name", "member_name")
PAGE = 20


def load_columns(path: Path) -> pl.DataFrame:
    """Read the CSV into typed columns (a quick loader: the benchmark is about queries)."""
    raw = pl.read_csv(path, infer_schema=False)
    return raw.select(
        pl.int_range(1, raw.height + 1, dtype=pl.Int64).alias("id"),
        *(pl.col(name) for name in TEXT),
        (pl.col("amount").str.replace_all(r"[,€]", "").str.replace(r"\.", "")).cast(pl.Int64).alias("cents"),
        pl.col("date").str.to_date("%m/%d/%Y").alias("date"),
    )


def polars_engine(frame: pl.DataFrame) -> dict[str, Callable[[], Any]]:
    enum_frame = frame.with_columns(pl.col(name).cast(pl.Enum(sorted(frame[name].unique().to_list()))) for name in TEXT)
    mars = [v for v in enum_frame.schema["project_name"].categories if "mars" in v.lower()]

    def page(where: pl.Expr, by: list[str], desc: list[bool], offset: int) -> Any:
        filtered = enum_frame.filter(where)
        rows = filtered.lazy().sort(by, descending=desc).slice(offset, PAGE).collect()
        return filtered.height, rows.to_dicts()

    sam = (pl.col("member_name") == "Sam") & (pl.col("cents") >= 140_000)
    return {
        "filter+sort+page+count": lambda: page(sam, ["cents", "id"], [True, False], 0),
        "same, page 500": lambda: page(sam, ["cents", "id"], [True, False], 500 * PAGE),
        "contains+2-key sort+page+count": lambda: page(
            pl.col("project_name").is_in(mars), ["departments", "cents", "id"], [False, True, False], 0
        ),
        "no filter, sort text,-date": lambda: page(
            pl.lit(True), ["member_name", "date", "id"], [False, True, False], 0
        ),
        "single record by id": lambda: enum_frame.row(123_456, named=True),
        "group-by sum with filter": lambda: (
            enum_frame.filter(pl.col("date") >= date(2021, 7, 1))
            .group_by("departments")
            .agg(pl.col("cents").sum(), pl.len())
            .to_dicts()
        ),
    }


SQL_QUERIES = {
    "filter+sort+page+count": ("member_name = 'Sam' AND cents >= 140000", "cents DESC, id", 0),
    "same, page 500": ("member_name = 'Sam' AND cents >= 140000", "cents DESC, id", 500 * PAGE),
    "contains+2-key sort+page+count": ("lower(project_name) LIKE '%mars%'", "departments, cents DESC, id", 0),
    "no filter, sort text,-date": ("1 = 1", "member_name, date DESC, id", 0),
}


def sql_engine(execute: Callable[[str, tuple[Any, ...]], list[Any]]) -> dict[str, Callable[[], Any]]:
    def page(where: str, order: str, offset: int) -> Any:
        count = execute(f"SELECT count(*) FROM t WHERE {where}", ())[0][0]
        rows = execute(f"SELECT * FROM t WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?", (PAGE, offset))
        return count, rows

    queries: dict[str, Callable[[], Any]] = {
        name: (lambda w=w, o=o, off=off: page(w, o, off)) for name, (w, o, off) in SQL_QUERIES.items()
    }
    queries["single record by id"] = lambda: execute("SELECT * FROM t WHERE id = ?", (123_457,))
    queries["group-by sum with filter"] = lambda: execute(
        "SELECT departments, sum(cents), count(*) FROM t WHERE date >= ? GROUP BY departments",
        ("2021-07-01",),
    )
    return queries


def duckdb_engine(frame: pl.DataFrame) -> dict[str, Callable[[], Any]]:
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as folder:
        typed_csv = Path(folder) / "typed.csv"
        frame.write_csv(typed_csv)
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{typed_csv}')")
    return sql_engine(lambda sql, params: con.execute(sql, list(params)).fetchall())


def sqlite_engine(frame: pl.DataFrame) -> dict[str, Callable[[], Any]]:
    con = sqlite3.connect(":memory:")
    con.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, departments TEXT, project_name TEXT,"
        " member_name TEXT, cents INTEGER, date TEXT)"
    )
    rows = frame.with_columns(pl.col("date").cast(pl.String)).select("id", *TEXT, "cents", "date").iter_rows()
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
    for column in (*TEXT, "cents", "date"):
        con.execute(f"CREATE INDEX ix_{column} ON t ({column})")
    con.execute("CREATE INDEX ix_member_cents ON t (member_name, cents)")
    return sql_engine(lambda sql, params: con.execute(sql, params).fetchall())


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
    frame = load_columns(args.csv)
    engines = {"polars": polars_engine, "duckdb": duckdb_engine, "sqlite": sqlite_engine}
    results: dict[str, dict[str, float]] = {}
    for name, build in engines.items():
        start = time.perf_counter()
        queries = build(frame)
        print(f"{name}: built in {time.perf_counter() - start:.2f} s", flush=True)
        results[name] = {q: median_ms(fn, args.repeat) for q, fn in queries.items()}
    print(f"\n{frame.height} rows, median ms over {args.repeat} runs\n")
    print("| query | " + " | ".join(results) + " |")
    print("|---|" + "---|" * len(results))
    for query in results["polars"]:
        cells = " | ".join(f"{results[e][query]:.2f}" for e in results)
        print(f"| {query} | {cells} |")


if __name__ == "__main__":
    main()
