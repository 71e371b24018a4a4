"""Every log line is one JSON object, whatever a client puts in its request."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from tests.conftest import SAMPLE_CSV
from tests.helpers.live_server import serving

FORGED_LINE = "2026-11-27 00:00:00,000 [1] [CRITICAL] service: FORGED"
HOSTILE_PATHS = [
    "/expanses/1%0A" + FORGED_LINE.replace(" ", "%20"),
    "/expanses/1%00%0D%0Aafter-a-nul",
    "/expanses?filter[member_name]=Sam%0A" + FORGED_LINE.replace(" ", "%20"),
    "/expanses?filter[nope%0A" + FORGED_LINE.replace(" ", "%20") + "]=1",
]


def test_client_controlled_text_cannot_forge_a_log_line() -> None:
    with serving(SAMPLE_CSV) as server:
        for path in HOSTILE_PATHS:
            request = urllib.request.Request(server.base + path, headers={"User-Agent": "agent\u00e9 [CRITICAL]"})
            try:
                urllib.request.urlopen(request, timeout=10).close()
            except urllib.error.HTTPError as refused:
                refused.close()
    lines = [line for line in server.output().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # fails on any line that is not one JSON document
    assert all(isinstance(entry, dict) and {"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    assert all(entry["level"] != "CRITICAL" for entry in entries)
    requests = [entry for entry in entries if entry["logger"] == "gunicorn.access" and entry["path"] != "/health"]
    assert len(requests) == len(HOSTILE_PATHS)
    assert any(FORGED_LINE in entry["path"] and "\n" in entry["path"] for entry in requests)
    assert any("\x00" in entry["path"] for entry in requests)
    assert {entry["status"] for entry in requests} == {200, 400, 404}
    assert all(entry["user_agent"] == "agent\u00e9 [CRITICAL]" for entry in requests)
