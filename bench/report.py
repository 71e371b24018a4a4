"""Turn `compare.py`'s results into the tables of docs/performance.md and a bar chart beside it.

Why generated: the numbers in the docs must be the ones a run produced; `make bench`
rewrites the part of docs/performance.md between the bench markers and the PNG.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from queries import ALL_RACES

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LABELS = {race.name: race.label for race in ALL_RACES}
#: The servers of the race, in the order of the tables' columns, and how the tables name them.
SERVERS = {"expanses": "expanses", "datasette": "Datasette", "drf": "DJA"}
PEERS = ("datasette", "drf")


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


def summary(size: dict[str, Any], race: str, regime: str, server: str) -> dict[str, float] | None:
    """Mean req/s over the runs, the worst p99 and the mean p50 (ms) of one server on one query; None if not raced."""
    runs = [m for m in size["measures"] if (m["race"], m["regime"], m["server"]) == (race, regime, server)]
    if not runs:
        return None
    return {
        "failures": sum(m["failures"] for m in runs),
        "requests": sum(m["requests"] for m in runs),
        "per_second": statistics.fmean(m["per_second"] for m in runs),
        "p50_ms": statistics.fmean(m["p50_ms"] for m in runs),
        "p99_ms": max(m["p99_ms"] for m in runs),
        "runs": len(runs),
    }


#: Issue 14's targets, for fresh parameters with nothing answered from memory: the least ratio
#: to Datasette for each query, at small files (under 1,000 rows) and at large ones.
RATIO_TARGETS = {
    "small": {"list": 3.0, "filter_sort": 3.0, "single": 3.0, "aggregate": 3.0, "columns": 3.0},
    "large": {"list": 3.0, "filter_sort": 4.0, "single": 3.0, "aggregate": 40.0, "columns": 3.0},
}
#: Issue 24's goal against DJA, fresh parameters: at least this ratio on every query DJA asks, at every size.
DRF_TARGET = 5.0
#: At small files, queries that must run the engine reach at least this share of the single record's req/s.
SHARE_OF_SINGLE = {"filter_sort": 0.5, "aggregate": 0.5}


#: How the chart names each regime.
REGIME_TITLES = {"distinct": "fresh parameters, nothing from memory", "repeated": "one query repeated, from memory"}


def _scale(rows: int) -> str:
    return "small" if rows < 1000 else "large"


def _per_second(size: dict[str, Any], race: str, regime: str, server: str) -> float | None:
    measured = summary(size, race, regime, server)
    return None if measured is None else measured["per_second"]


def verdicts(size: dict[str, Any], race: str) -> list[tuple[str, bool]]:
    """Each target of this query at this size in the distinct regime: (what it asks and what was seen, met).

    A target whose servers did not both run (our API before it answers a query, a peer that cannot
    ask it) is not judged.
    """
    ours = _per_second(size, race, "distinct", "expanses")
    if ours is None:
        return []
    checks = []
    datasette = _per_second(size, race, "distinct", "datasette")
    target = RATIO_TARGETS[_scale(size["rows"])].get(race)
    if datasette is not None and target is not None:
        checks.append((f"≥{target:g}x Datasette", ours / datasette >= target))
    drf = _per_second(size, race, "distinct", "drf")
    if drf is not None:
        checks.append((f"≥{DRF_TARGET:g}x DJA", ours / drf >= DRF_TARGET))
    single = _per_second(size, "single", "distinct", "expanses")
    if _scale(size["rows"]) == "small" and race in SHARE_OF_SINGLE and single:
        share = ours / single
        checks.append((f"{share:.0%} of single, ≥{SHARE_OF_SINGLE[race]:.0%}", share >= SHARE_OF_SINGLE[race]))
    return checks


def _verdict_text(checks: list[tuple[str, bool]]) -> str:
    return "; ".join(f"{what} {'met' if met else '**missed**'}" for what, met in checks) or "—"


def _row(size: dict[str, Any], race: str, regime: str, targets: bool) -> str:
    measured = {server: summary(size, race, regime, server) for server in SERVERS}
    ours = measured["expanses"]
    cells = [LABELS[race]]
    cells += ["—" if m is None else f"{m['per_second']:,.0f}" for m in measured.values()]
    for peer in PEERS:
        theirs = measured[peer]
        cells.append("—" if ours is None or theirs is None else f"{ours['per_second'] / theirs['per_second']:.1f}x")
    if targets:
        cells.append(_verdict_text(verdicts(size, race)))
    for key in ("p50_ms", "p99_ms"):
        cells.append(" / ".join("—" if m is None else f"{m[key]:.1f}" for m in measured.values()))
    cells.append(" / ".join("—" if m is None else f"{m['failures']:,} of {m['requests']:,}" for m in measured.values()))
    return "| " + " | ".join(cells) + " |"


def _raced(size: dict[str, Any], regime: str) -> list[str]:
    """The queries run in this regime at this size, in the order of the race."""
    return [race for race in LABELS if any(summary(size, race, regime, server) for server in SERVERS)]


def _table(size: dict[str, Any], regime: str, targets: bool) -> list[str]:
    who = " / ".join(SERVERS.values())
    head = "| query | " + " | ".join(f"{name} req/s" for name in SERVERS.values()) + " | vs Datasette | vs DJA |"
    head += (" targets |" if targets else "") + f" p50 ms ({who}) | p99 ms ({who}) | errors of requests ({who}) |"
    rule = "|---|---:|---:|---:|---:|---:|" + ("---|" if targets else "") + "---:|---:|---:|"
    return [head, rule, *(_row(size, race, regime, targets) for race in _raced(size, regime)), ""]


def _ours(size: dict[str, Any]) -> dict[str, float]:
    """Start-up and memory of our server as shipped (the repeated regime's), else of the one that ran."""
    return next(size[key] for key in ("expanses repeated", "expanses distinct", "expanses") if key in size)


def _lines(results: dict[str, Any], chart_name: str) -> list[str]:
    machine, load = results["machine"], results["load"]
    sizes = results["sizes"]
    regimes = {m["regime"] for size in sizes for m in size["measures"]}
    lines = [
        "## The race against Datasette and DJA (`make bench`)",
        "",
        f"Made by `make bench` on {machine['date']}: {machine['cores']} cores ({machine['cpu']}), "
        f"Python {machine['python']}; wrk `-t{load['threads']} -c{load['connections']} -d{load['seconds']}s` "
        f"on loopback, {results['runs']} run{'s' if results['runs'] != 1 else ''} per cell, the servers "
        "in turns; req/s is the mean of "
        "the runs, p50 their mean, p99 the worst run. wrk runs on the same 2 cores as the servers. "
        "DJA is django-rest-framework-json-api 8.1 over SQLite (`bench/drf_peer/`). A dash (—) marks a "
        "query a server cannot ask. "
        "Errors are socket errors and non-2xx answers; Datasette's are answers past its default 1 s SQL "
        "time limit, which wrk counts as requests, so its req/s there overstates what it served.",
        "",
    ]
    if "distinct" in regimes:
        checks = [check for size in sizes for race in LABELS for check in verdicts(size, race)]
        lines += [
            "### Fresh parameters, every answer computed: the issues' targets",
            "",
            "Every request draws new values (an amount threshold, a member, an id, a page) and our server "
            "runs with `RESPONSE_CACHE_MB=0`, so no answer comes from a worker's memory, not even where the "
            "answers are few (149 single records). Targets: issue 14's ratios to Datasette and issue 24's "
            f"{DRF_TARGET:g}x DJA. "
            f"**{sum(met for _, met in checks)} of {len(checks)} targets met.**",
            "",
        ]
        for size in sizes:
            lines += [f"#### {size['rows']:,} rows", "", *_table(size, "distinct", targets=True)]
    if "repeated" in regimes:
        lines += [
            "### The issue's query repeated: answered from each worker's memory (the service as shipped)",
            "",
            "The peers have no memory of answers: they compute each one again.",
            "",
        ]
        for size in sizes:
            lines += [f"#### {size['rows']:,} rows", "", *_table(size, "repeated", targets=False)]
    lines += ["### Start-up and memory", "", "| rows | server | start-up (CSV to first answer) | RSS after the run |"]
    lines += ["|---:|---|---:|---:|"]
    for size in sizes:
        ours, theirs = _ours(size), size["datasette"]
        lines += [
            f"| {size['rows']:,} | expanses | {ours['startup_s']:.1f} s | largest worker "
            f"{ours['rss_largest_mb']:.0f} MB, all processes {ours['rss_total_mb']:.0f} MB |",
            f"| {size['rows']:,} | Datasette | {size['sqlite_build_s'] + theirs['startup_s']:.1f} s "
            f"(SQLite copy {size['sqlite_build_s']:.1f} s + serve {theirs['startup_s']:.1f} s) | "
            f"{theirs['rss_total_mb']:.0f} MB |",
        ]
        if "drf" in size:
            drf = size["drf"]
            lines.append(
                f"| {size['rows']:,} | DJA | {size['drf_build_s'] + drf['startup_s']:.1f} s "
                f"(SQLite copy by `migrate` and the ORM {size['drf_build_s']:.1f} s + serve {drf['startup_s']:.1f} s) "
                f"| largest worker {drf['rss_largest_mb']:.0f} MB, all processes {drf['rss_total_mb']:.0f} MB |"
            )
    lines.append("")
    ceiling_runs = results.get("ceiling", {}).get("per_second", [])
    if ceiling_runs:
        ceiling = statistics.fmean(ceiling_runs)
        shares = [
            f"{size['rows']:,} rows {single / ceiling:.0%}"
            for size in sizes
            if (single := _per_second(size, "single", "distinct", "expanses")) is not None
        ]
        lines += [
            f"Bare-Flask ceiling (precomputed 2 KB JSON, 2 sync workers, measured before and after the "
            f"race: {', '.join(f'{run:,.0f}' for run in ceiling_runs)} req/s): mean {ceiling:,.0f} req/s; "
            f"the computed single record as a share of it: {', '.join(shares)}.",
            "",
        ]
    lines += [f"![req/s, expanses vs Datasette vs DJA]({chart_name})", ""]
    return lines


#: The chart's bar colour for each server.
COLOURS = {"expanses": "#2b6cb0", "datasette": "#a0aec0", "drf": "#38a169"}


def _chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = results["sizes"]
    regimes = sorted({m["regime"] for size in sizes for m in size["measures"]})
    figure, axes = plt.subplots(len(sizes), len(regimes), figsize=(7 * len(regimes), 4 * len(sizes)), squeeze=False)
    width = 0.8 / len(SERVERS)
    for row, size in enumerate(sizes):
        for column, regime in enumerate(regimes):
            axis = axes[row][column]
            names = _raced(size, regime)
            positions = range(len(names))
            for index, (server, title) in enumerate(SERVERS.items()):
                heights = [_per_second(size, race, regime, server) or float("nan") for race in names]
                offsets = [p + (index - (len(SERVERS) - 1) / 2) * width for p in positions]
                axis.bar(offsets, heights, width=width, label=title, color=COLOURS[server])
            axis.set_yscale("log")
            axis.set_xticks(list(positions), [LABELS[name] for name in names], rotation=20, ha="right", fontsize=8)
            axis.set_title(f"{size['rows']:,} rows, {REGIME_TITLES.get(regime, regime)}")
            axis.set_ylabel("requests per second (log)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="upper center", ncol=len(SERVERS))
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    figure.savefig(path, dpi=100)
    plt.close(figure)


if __name__ == "__main__":
    import json
    import sys

    repo = Path(__file__).resolve().parents[1]
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else repo / "test-output" / "bench.json"
    write(json.loads(source.read_text()), repo / "docs" / "performance.md", repo / "docs" / "performance-bench.png")
