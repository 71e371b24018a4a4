"""Load for the tests of faults under load: client threads sending GETs until stopped, every outcome counted."""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Load:
    """Client threads sending GETs to `address` until `finish`, counting every outcome.

    An outcome is the answer's status ("200"), or the name of the exception that took its place
    (a refused or reset connection, an answer cut short). `target(client, request)` is the path
    and query of a client's request (numbered from 0). With `keep_alive` each client keeps one
    connection (opened again after a failure); without it every request has one of its own.
    """

    address: tuple[str, int]
    target: Callable[[int, int], str]
    keep_alive: bool = False
    timeout: float = 10
    outcomes: Counter[str] = field(default_factory=Counter)
    #: The first 20 outcomes other than a 200, each with its target.
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, clients: int) -> None:
        self.threads.extend(threading.Thread(target=self.client, args=(n,), daemon=True) for n in range(clients))
        for thread in self.threads[-clients:]:
            thread.start()

    def finish(self, timeout: float = 40) -> None:
        """Stop the clients and wait for each (a request under way ends within its timeout)."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=timeout)

    def client(self, number: int) -> None:
        connection = http.client.HTTPConnection(*self.address, timeout=self.timeout)
        request = 0
        while not self.stop.is_set():
            target = self.target(number, request)
            request += 1
            try:
                connection.request("GET", target)
                response = connection.getresponse()
                response.read()
                outcome = str(response.status)
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
                connection.close()
            if not self.keep_alive:
                connection.close()  # the next request opens a new one
            with self.lock:
                self.outcomes[outcome] += 1
                if outcome != "200" and len(self.failures) < 20:
                    self.failures.append(f"{target}: {outcome}")
        connection.close()

    def served(self) -> int:
        """How many answers came back (whatever their status)."""
        with self.lock:
            return sum(count for outcome, count in self.outcomes.items() if outcome.isdigit())

    @property
    def failed(self) -> int:
        """How many requests got no answer or one other than a 200."""
        with self.lock:
            return sum(count for outcome, count in self.outcomes.items() if outcome != "200")

    def wait_for(self, count: int, seconds: float) -> None:
        """Return once `count` answers have come back; fail after `seconds`."""
        deadline = time.monotonic() + seconds
        while self.served() < count:
            assert time.monotonic() < deadline, f"only {self.served()} answers within {seconds:g} s"
            time.sleep(0.02)
