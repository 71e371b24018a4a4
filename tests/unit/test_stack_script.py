"""`make stack-up` takes EXPANSES_CSV as `make run` does, and refuses what it cannot mount before starting anything."""

from __future__ import annotations

import os
import subprocess

from tests.helpers.live_server import REPO


def stack_up(csv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPANSES_CSV": csv, "COMPOSE_PROJECT_NAME": "expanses-refusal-test"}
    return subprocess.run(["docker/stack.sh", "up"], cwd=REPO, env=env, capture_output=True, text=True, timeout=30)


def test_a_csv_that_is_not_on_this_machine_is_refused_up_front_with_the_fix() -> None:
    refused = stack_up("/nowhere/expanses.csv")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "stack-up: EXPANSES_CSV=/nowhere/expanses.csv is not a file on this machine; "
        "name your CSV as for make run: EXPANSES_CSV=path/to/file.csv make stack-up"
    )
    assert refused.stdout == ""  # nothing was started: no engine, no compose
