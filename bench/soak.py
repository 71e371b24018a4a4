"""Soak and fault test: mixed traffic against gunicorn as `make run` starts it, loopback only.

Why: a read-only service can still leak, hang or drop requests; this drives it for a bounded
time and reports what it served, what failed, latency, and each worker's memory at start and
end. Optional faults: SIGKILL one worker mid-load (the master must replace it), replace the
data file with its first half and SIGHUP the master mid-load (no request may fail; the new
rows must be served), and SIGTERM at the end while requests are in flight (they must complete).
Usage:

    python bench/soak.py [--csv FILE] [--seconds 60] [--concurrency 32] [--kill-worker-at 20]
                         [--reload-at 40] [--json OUT]

Exit status 1 when an unexpected status is seen, a worker's RSS grew by 10% or more (workers
alive at both ends of the run), or the reloaded data is not what is served.
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
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

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


@dataclass
class Tally:
    served: int = 0
    unexpected: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return sorted(int(pid) for pid in out.split())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def drive(port: int, records: int, until: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
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
            return _measure(server, port, csv, seconds, concurrency, kill_at, workers, reload_at)
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
) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)
    while len(worker_pids(server.pid)) < workers:
        time.sleep(0.1)
    with csv.open(encoding="utf-8") as handle:
        records = max(0, sum(1 for _ in handle) - 1)
    if reload_at is not None:
        records //= 2  # ids that exist before and after the reload to the first half
    warm = Tally()
    drive(port, records, time.monotonic() + 1.0, warm, seed=0)  # warm every worker up first
    start_rss = {pid: rss_mb(pid) for pid in worker_pids(server.pid)}
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=drive, args=(port, records, until, tally, n)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    killed = None
    reloaded_records = None
    faults = sorted((at, name) for at, name in ((kill_at, "kill"), (reload_at, "reload")) if at is not None)
    for at, name in faults:
        time.sleep(max(0.0, started + at - time.monotonic()))
        if name == "kill":
            killed = worker_pids(server.pid)[0]
            os.kill(killed, signal.SIGKILL)
        else:
            lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
            csv.write_text("".join(lines[: 1 + (len(lines) - 1) // 2]), encoding="utf-8")
            os.kill(server.pid, signal.SIGHUP)
            reloaded_records = (len(lines) - 1) // 2
    for thread in threads:
        thread.join()
    served_after_reload = _served_records(port) if reloaded_records is not None else None
    end_rss = {pid: rss_mb(pid) for pid in worker_pids(server.pid)}
    # SIGTERM with requests in flight: they must all complete.
    drain = Tally()
    drainers = [
        threading.Thread(target=drive, args=(port, records, time.monotonic() + 0.3, drain, 100 + n)) for n in range(4)
    ]
    for thread in drainers:
        thread.start()
    time.sleep(0.15)
    server.send_signal(signal.SIGTERM)
    for thread in drainers:
        thread.join()
    exit_code = server.wait(timeout=60)
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
        "sigterm_in_flight_served": drain.served,
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
