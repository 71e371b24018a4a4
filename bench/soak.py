"""Soak and fault test: mixed traffic against gunicorn as `make run` starts it, loopback only.

Why: a read-only service can still leak, hang or drop requests; this drives it for a bounded
time and reports what it served, what failed, latency, and each worker's memory at start and
end. Optional faults: SIGKILL one worker mid-load (the master must replace it), replace the
data file with its first half and SIGHUP the master mid-load (no request may fail; the new
rows must be served), and SIGTERM at the end while requests are in flight (those the workers
hold must complete; connections still queued in the listen backlog are reset, and counted).
Usage:

    python bench/soak.py [--csv FILE] [--seconds 60] [--concurrency 32] [--kill-worker-at 20]
                         [--reload-at 40] [--json OUT]

Exit status 1 when an unexpected status is seen, a worker's RSS grew by 10% or more (workers
alive at both ends of the run), or the reloaded data is not what is served. Every wait has a
deadline (`SoakError` naming what did not happen): gunicorn listening, its workers up, a killed
or reloaded worker replaced, the client threads done, the master gone after SIGTERM.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests/helpers/ports.py: one free_port for tests and benchmarks
from tests.helpers.ports import free_port  # noqa: E402

#: (path, expected status) — the traffic mix: lists, filters, sorts, single records, aggregates, bad input.
MIX = [
    ("/expanses", 200),
    ("/expanses?filter[member_name]=Sam&filter[amount][gte]=1400&sort=-amount", 200),
    ("/expanses?sort=departments,-date&page[number]=3&page[size]=50", 200),
    ("/expanses?filter[project_name][contains]=mars&fields[expanses]=amount,date", 200),
    ("/expanses/{id}", 200),
    ("/aggregates?group_by=departments", 200),
    ("/aggregates?group_by=date_month,member_name&filter[date][gte]=2021-07-01&sort=-total", 200),
    ("/expanses?filter[amount][gte]=abc", 400),
    ("/expanses?sort=nope", 400),
    ("/expanses/0", 404),
]


#: Deadlines, in seconds, for what the soak waits on.
START_SECONDS = 60  # gunicorn listening and all its workers up
SETTLE_SECONDS = 60  # a killed or reloaded worker replaced (graceful_timeout is 30 s)
CLIENT_GRACE_SECONDS = 30  # client threads done after their end time (a request's own timeout is 10 s)
EXIT_SECONDS = 60  # the master gone after SIGTERM


class SoakError(RuntimeError):
    """Something the soak waited for did not happen before its deadline."""


def wait_until(condition: Callable[[], bool], seconds: float, failure: Callable[[], str]) -> None:
    """Poll `condition` until it holds; after `seconds`, raise SoakError with `failure()` (called then)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SoakError(f"{failure()} (waited {seconds:g} s)")
        time.sleep(0.1)


def join_all(threads: list[threading.Thread], seconds: float, what: str) -> None:
    """Join `threads` within `seconds` in all; raise SoakError naming `what` if any is still running."""
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    running = sum(thread.is_alive() for thread in threads)
    if running:
        raise SoakError(f"{running} of {len(threads)} {what} still running (waited {seconds:g} s)")


@dataclass
class Tally:
    served: int = 0
    unexpected: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return sorted(int(pid) for pid in out.split())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def drive(port: int, records: int, until: float, tally: Tally, seed: int, stop: threading.Event | None = None) -> None:
    """Send the mix until `until` (or until `stop` is set), one request at a time."""
    rng = random.Random(seed)
    while time.monotonic() < until and not (stop and stop.is_set()):
        path, expected = rng.choice(MIX)
        path = path.replace("{id}", str(rng.randint(1, max(1, records))))
        start = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path, headers={"Accept": "application/vnd.api+json"})
            response = connection.getresponse()
            response.read()
            connection.close()
        except (OSError, http.client.HTTPException):  # a killed worker may cut an answer short, too
            with tally.lock:
                tally.failed += 1
            continue
        elapsed = (time.perf_counter() - start) * 1000
        with tally.lock:
            tally.served += 1
            tally.latencies_ms.append(elapsed)
            if response.status != expected:
                key = f"{path} -> {response.status}"
                tally.unexpected[key] = tally.unexpected.get(key, 0) + 1


def run(
    csv: Path, seconds: float, concurrency: int, kill_at: float | None, workers: int, reload_at: float | None = None
) -> dict[str, object]:
    if reload_at is not None:  # serve a copy, so that the replacement leaves the original alone
        copy = REPO / "test-output" / "soak-data.csv"
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(csv.read_bytes())
        csv = copy
    port = free_port()
    env = {**os.environ, "EXPANSES_CSV": str(csv), "HOST": "127.0.0.1", "PORT": str(port), "WORKERS": str(workers)}
    env["LOG_LEVEL"] = "warning"
    log = (REPO / "test-output").joinpath("soak-gunicorn.log")
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:service.gunicorn_config", "--access-logfile", "/dev/null"],
            cwd=REPO,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            return _measure(server, port, csv, seconds, concurrency, kill_at, workers, reload_at, log)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()


def _measure(
    server: subprocess.Popen[bytes],
    port: int,
    csv: Path,
    seconds: float,
    concurrency: int,
    kill_at: float | None,
    workers: int,
    reload_at: float | None,
    log: Path,
) -> dict[str, object]:
    def listening() -> bool:
        if server.poll() is not None:
            raise SoakError(f"gunicorn exited with code {server.returncode} before listening; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    wait_until(listening, START_SECONDS, lambda: f"gunicorn not listening on port {port}; see {log}")
    wait_until(
        lambda: len(worker_pids(server.pid)) >= workers,
        START_SECONDS,
        lambda: f"gunicorn has workers {worker_pids(server.pid)}, not {workers}; see {log}",
    )
    with csv.open(encoding="utf-8") as handle:
        records = max(0, sum(1 for _ in handle) - 1)
    if reload_at is not None:
        records //= 2  # ids that exist before and after the reload to the first half
    warm = Tally()  # warm every worker up with as many clients as the run: each has served every kind of query
    warmers = [
        threading.Thread(target=drive, args=(port, records, time.monotonic() + 2.0, warm, n), daemon=True)
        for n in range(concurrency)
    ]
    for thread in warmers:
        thread.start()
    for thread in warmers:
        thread.join()
    start_rss = {pid: rss_mb(pid) for pid in worker_pids(server.pid)}
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=drive, args=(port, records, until, tally, n), daemon=True) for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    killed = None
    reloaded_records = None
    gone: set[int] = set()  # workers that must have been replaced by the end: the killed one, those before a reload
    faults = sorted((at, name) for at, name in ((kill_at, "kill"), (reload_at, "reload")) if at is not None)
    for at, name in faults:
        time.sleep(max(0.0, started + at - time.monotonic()))  # the fault's scheduled time, not a condition
        if name == "kill":
            killed = worker_pids(server.pid)[0]
            os.kill(killed, signal.SIGKILL)
            gone.add(killed)
        else:
            gone.update(worker_pids(server.pid))
            lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
            csv.write_text("".join(lines[: 1 + (len(lines) - 1) // 2]), encoding="utf-8")
            os.kill(server.pid, signal.SIGHUP)
            reloaded_records = (len(lines) - 1) // 2
    join_all(threads, max(0.0, until - time.monotonic()) + CLIENT_GRACE_SECONDS, "client threads")

    def settled() -> bool:  # as many workers as asked for, none of those killed or reloaded
        pids = worker_pids(server.pid)
        return len(pids) == workers and not gone.intersection(pids)

    wait_until(
        settled,
        SETTLE_SECONDS,
        lambda: f"gunicorn has workers {worker_pids(server.pid)}: not {workers} new ones besides {sorted(gone)}",
    )
    served_after_reload = _served_records(port) if reloaded_records is not None else None
    end_rss = {pid: rss_mb(pid) for pid in worker_pids(server.pid)}
    # SIGTERM once 4 more clients are being answered: the requests in flight then must complete.
    drain = Tally()
    stop = threading.Event()
    drainers = [
        threading.Thread(
            target=drive, args=(port, records, time.monotonic() + START_SECONDS, drain, 100 + n, stop), daemon=True
        )
        for n in range(4)
    ]
    for thread in drainers:
        thread.start()
    try:
        wait_until(
            lambda: drain.served >= len(drainers),
            START_SECONDS,
            lambda: f"the SIGTERM clients got {drain.served} answers, not {len(drainers)}",
        )
        with drain.lock:
            served_before, failed_before = drain.served, drain.failed
        server.send_signal(signal.SIGTERM)
    finally:
        stop.set()  # each client finishes the request it has in flight, then stops
    join_all(drainers, CLIENT_GRACE_SECONDS, "SIGTERM clients")
    try:
        exit_code = server.wait(timeout=EXIT_SECONDS)
    except subprocess.TimeoutExpired:
        raise SoakError(f"gunicorn still running {EXIT_SECONDS} s after SIGTERM; see {log}") from None
    latencies = sorted(tally.latencies_ms) or [0.0]
    growth = {pid: (end_rss[pid] - mb) / mb for pid, mb in start_rss.items() if pid in end_rss and mb}
    return {
        "seconds": seconds,
        "concurrency": concurrency,
        "records": records,
        "served": tally.served,
        "requests_per_second": round(tally.served / seconds, 1),
        "unexpected_statuses": tally.unexpected,
        "failed_connections": tally.failed,
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1 if len(latencies) > 1 else 0], 2),
        "rss_start_mb": {str(pid): round(mb, 1) for pid, mb in start_rss.items()},
        "rss_end_mb": {str(pid): round(mb, 1) for pid, mb in end_rss.items()},
        "rss_growth_max": round(max(growth.values(), default=0.0), 3),
        "killed_worker": killed,
        "records_expected_after_reload": reloaded_records,
        "records_served_after_reload": served_after_reload,
        "workers_after_kill": len(end_rss),
        "sigterm_in_flight_served": drain.served - served_before,
        "sigterm_in_flight_failed": drain.failed - failed_before,
        "sigterm_in_flight_unexpected": drain.unexpected,
        "exit_code_after_sigterm": exit_code,
    }


def _served_records(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/health")
    records = int(json.loads(connection.getresponse().read())["meta"]["records"])
    connection.close()
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=REPO / "data" / "expanses.csv")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-worker-at", type=float, default=None)
    parser.add_argument("--reload-at", type=float, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    result = run(args.csv, args.seconds, args.concurrency, args.kill_worker_at, args.workers, args.reload_at)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    healthy = (
        not result["unexpected_statuses"]
        and float(str(result["rss_growth_max"])) < 0.10
        and result["records_served_after_reload"] == result["records_expected_after_reload"]
    )
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
