"""New data without downtime: replace the CSV, send SIGHUP under load, and nothing fails."""

from __future__ import annotations

import shutil
import signal
import threading
import urllib.request
from pathlib import Path

from tests.conftest import HEADER, SAMPLE_CSV
from tests.helpers.live_server import serving


def test_sighup_switches_to_a_good_file_and_keeps_serving_through_a_broken_one(tmp_path: Path) -> None:
    data = tmp_path / "expanses.csv"
    shutil.copyfile(SAMPLE_CSV, data)
    statuses: list[int] = []
    failures: list[str] = []
    stop = threading.Event()

    def load(base: str) -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(base + "/expanses?sort=-amount&page[size]=5", timeout=30) as response:
                    statuses.append(response.status)
            except OSError as error:
                failures.append(repr(error))

    with serving(data, workers=2) as server:
        base = server.base
        assert server.records() == 300
        clients = [threading.Thread(target=load, args=(base,)) for _ in range(4)]
        for client in clients:
            client.start()
        try:
            server.wait_for(lambda: len(statuses) >= 20, "answers to the load")

            lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
            data.write_text("".join(lines[:101]), encoding="utf-8")
            old_workers = server.worker_pids()
            server.process.send_signal(signal.SIGHUP)
            server.wait_for(lambda: not server.worker_pids() & old_workers, "replacement of every worker")
            assert server.records() == 100
            answered = len(statuses)
            server.wait_for(lambda: len(statuses) >= answered + 20, "answers from the new workers")

            data.write_text(HEADER + "IT,Gaama,bad,1/2/2021,Sam\n", encoding="utf-8")
            old_workers = server.worker_pids()
            server.process.send_signal(signal.SIGHUP)
            server.wait_for(lambda: "data file not reloaded" in server.output(), "the refusal of the broken file")
            server.wait_for(lambda: not server.worker_pids() & old_workers, "replacement of every worker")
            assert server.records() == 100  # the new workers serve the previous data
            answered = len(statuses)
            server.wait_for(lambda: len(statuses) >= answered + 20, "answers after the refused reload")
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=30)
    assert failures == []
    assert statuses and set(statuses) == {200}
    assert f"data file not reloaded, still serving the previous one: {data}, line 2: amount 'bad'" in server.output()
