"""New data without downtime: replace the CSV, send SIGHUP under load, and nothing fails."""

from __future__ import annotations

import shutil
import signal
import threading
import urllib.request
from pathlib import Path

import requests

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


def test_a_reload_that_removes_a_label_makes_it_a_404_and_refuses_its_cursors(tmp_path: Path) -> None:
    """After new data without Sam: /members/Sam is a 404, and a cursor of Sam's records a 400 naming it."""
    data = tmp_path / "expanses.csv"
    shutil.copyfile(SAMPLE_CSV, data)
    profiled = {
        "Accept": 'application/vnd.api+json; profile="https://jsonapi.org/profiles/ethanresnick/cursor-pagination/"'
    }
    with serving(data, workers=1) as server:
        first = requests.get(
            f"{server.base}/members/Sam/expanses?sort=-amount&page[size]=3", headers=profiled, timeout=10
        )
        assert first.status_code == 200
        following = first.json()["links"]["next"]
        assert requests.get(following, timeout=10).status_code == 200

        lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.rstrip().endswith(",Sam")]
        data.write_text("".join(kept), encoding="utf-8")
        old_workers = server.worker_pids()
        server.process.send_signal(signal.SIGHUP)
        server.wait_for(lambda: not server.worker_pids() & old_workers, "replacement of every worker")
        server.wait_for(lambda: server.records() == len(kept) - 1, "the new data")

        assert requests.get(f"{server.base}/members/Sam", timeout=10).status_code == 404
        assert requests.get(f"{server.base}/members/Sam/expanses", timeout=10).status_code == 404
        assert requests.get(f"{server.base}/expanses/1/member", timeout=10).json()["data"]["id"] != "Sam"
        refused = requests.get(following, timeout=10)
        assert refused.status_code == 400
        [item] = refused.json()["errors"]
        assert item["source"] == {"parameter": "page[after]"} and "no longer holds" in item["detail"]
        assert [m["id"] for m in requests.get(f"{server.base}/members", timeout=10).json()["data"]] == [
            "Ann",
            "George",
            "Jennifer",
            "Matt",
        ]
