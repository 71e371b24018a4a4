"""Turn `compare.py`'s results into the tables of docs/performance.md and a bar chart beside it.

Why generated: the numbers in the docs must be the ones a run produced; `make bench`
rewrites the part of docs/performance.md between the bench markers and the PNG.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from queries import RACES

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LABELS = {race.name: race.label for race in RACES}


def write(results: dict[str, Any], markdown: Path, chart: Path) -> None:
    """Replace the bench section of `markdown` and draw `chart`."""
    section = "\n".join([BEGIN, *_lines(results, chart.name), END])
    text = markdown.read_text(encoding="utf-8")
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    markdown.write_text(text, encoding="utf-8")
    _chart(results, chart)


def summary(size: dict[str, Any], race: str, regime: str, server: str) -> dict[str, float]:
    """Mean req/s over the runs, the worst p99 and the mean p50 (ms) of one server on one query."""
    runs = [m for m in size["measures"] if (m["race"], m["regime"], m["server"]) == (race, regime, server)]
    return {
        "failures": sum(m["failures"] for m in runs),
        "requests": sum(m["requests"] for m in runs),
        "per_second": statistics.fmean(m["per_second"] for m in runs),
        "p50_ms": statistics.fmean(m["p50_ms"] for m in runs),
        "p99_ms": max(m["p99_ms"] for m in runs),
        "runs": len(runs),
    }


def _target(rows: int, race: str, regime: str) -> float | None:
    """The issue's ratio target for this cell (None where it sets none)."""
    if rows < 1000:
        return 4.0
    if regime == "distinct":
        return 20.0 if race == "aggregate" else 2.0
    return None


def _lines(results: dict[str, Any], chart_name: str) -> list[str]:
    machine, load = results["machine"], results["load"]
    lines = [
        "## The race against Datasette (`make bench`)",
        "",
        f"Made by `make bench` on {machine['date']}: {machine['cores']} cores ({machine['cpu']}), "
        f"Python {machine['python']}; wrk `-t{load['threads']} -c{load['connections']} -d{load['seconds']}s` "
        f"on loopback, {results['runs']} runs per cell, the two servers alternating; req/s is the mean of "
        "the runs, p50 their mean, p99 the worst run. wrk runs on the same 2 cores as the servers. "
        "Errors are socket errors and non-2xx answers; Datasette's are answers past its default 1 s SQL "
        "time limit, which wrk counts as requests, so its req/s there overstates what it served.",
        "",
    ]
    ceiling_runs = results.get("ceiling", {}).get("per_second", [])
    ceiling = statistics.fmean(ceiling_runs) if ceiling_runs else None
    for size in results["sizes"]:
        rows = size["rows"]
        lines += [
            f"### {rows:,} rows",
            "",
            "| query | regime | expanses req/s | Datasette req/s | ratio | target | "
            "p50 ms (ours / theirs) | p99 ms (ours / theirs) | errors (ours / theirs) |",
            "|---|---|---:|---:|---:|---|---:|---:|---:|",
        ]
        regimes = sorted({m["regime"] for m in size["measures"]})
        for race in LABELS:
            for regime in regimes:
                ours = summary(size, race, regime, "expanses")
                theirs = summary(size, race, regime, "datasette")
                ratio = ours["per_second"] / theirs["per_second"]
                target = _target(rows, race, regime)
                verdict = "—" if target is None else f"≥{target:g}x {'met' if ratio >= target else '**missed**'}"
                if target and rows >= 1000 and ours["p99_ms"] > theirs["p99_ms"]:
                    verdict += ", **p99 worse**"
                lines.append(
                    f"| {LABELS[race]} | {regime} | {ours['per_second']:,.0f} | {theirs['per_second']:,.0f} | "
                    f"{ratio:.1f}x | {verdict} | {ours['p50_ms']:.1f} / {theirs['p50_ms']:.1f} | "
                    f"{ours['p99_ms']:.1f} / {theirs['p99_ms']:.1f} | "
                    f"{ours['failures']:,} / {theirs['failures']:,} of {theirs['requests']:,} |"
                )
        ours_mem, theirs_mem = size["expanses"], size["datasette"]
        lines += [
            "",
            "| server | start-up (CSV to first answer) | RSS after the run |",
            "|---|---:|---:|",
            f"| expanses | {ours_mem['startup_s']:.1f} s | largest worker {ours_mem['rss_largest_mb']:.0f} MB, "
            f"all processes {ours_mem['rss_total_mb']:.0f} MB |",
            f"| Datasette | {size['sqlite_build_s'] + theirs_mem['startup_s']:.1f} s "
            f"(SQLite copy {size['sqlite_build_s']:.1f} s + serve {theirs_mem['startup_s']:.1f} s) | "
            f"{theirs_mem['rss_total_mb']:.0f} MB |",
            "",
        ]
        if ceiling and rows < 1000:
            single = [summary(size, "single", regime, "expanses")["per_second"] for regime in regimes]
            shares = ", ".join(f"{regime} {value / ceiling:.0%}" for regime, value in zip(regimes, single, strict=True))
            lines += [
                f"Bare-Flask ceiling (precomputed 2 KB JSON, 2 sync workers, measured before and after the "
                f"race: {', '.join(f'{run:,.0f}' for run in ceiling_runs)} req/s): mean {ceiling:,.0f} req/s; "
                f"single record as a share of it: {shares} (target ≥50%).",
                "",
            ]
    lines += [f"![req/s, expanses vs Datasette]({chart_name})", ""]
    return lines


def _chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = results["sizes"]
    regimes = sorted({m["regime"] for size in sizes for m in size["measures"]})
    figure, axes = plt.subplots(len(sizes), len(regimes), figsize=(6 * len(regimes), 4 * len(sizes)), squeeze=False)
    names = list(LABELS)
    for row, size in enumerate(sizes):
        for column, regime in enumerate(regimes):
            axis = axes[row][column]
            ours = [summary(size, race, regime, "expanses")["per_second"] for race in names]
            theirs = [summary(size, race, regime, "datasette")["per_second"] for race in names]
            positions = range(len(names))
            axis.bar([p - 0.2 for p in positions], ours, width=0.4, label="expanses", color="#2b6cb0")
            axis.bar([p + 0.2 for p in positions], theirs, width=0.4, label="Datasette", color="#a0aec0")
            axis.set_yscale("log")
            axis.set_xticks(list(positions), [LABELS[name] for name in names], rotation=20, ha="right", fontsize=8)
            axis.set_title(f"{size['rows']:,} rows, {regime} queries")
            axis.set_ylabel("requests per second (log)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="upper center", ncol=2)
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    figure.savefig(path, dpi=100)
    plt.close(figure)


if __name__ == "__main__":
    import json
    import sys

    repo = Path(__file__).resolve().parents[1]
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else repo / "test-output" / "bench.json"
    write(json.loads(source.read_text()), repo / "docs" / "performance.md", repo / "docs" / "performance-bench.png")
