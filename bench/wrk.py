"""Drive one server with wrk and read back what it measured.

Why Lua: wrk's script draws a fresh set of parameters for every request (the distinct
regime) and prints its summary as one JSON line, so nothing is parsed from wrk's prose.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass

from queries import MEMBERS

_SCRIPT = """
local template = %(template)s
local rows = %(rows)d
local fixed = %(fixed)s
local members = {%(members)s}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function init(args)
  math.randomseed(%(seed)d * 1000 + thread_id)
end

local function draw()
  if fixed then return fixed end
  local size = math.random(5, 50)
  return {
    x = string.format("%%.2f", math.random(0, 999999) / 100),
    m = members[math.random(#members)],
    id = tostring(math.random(1, rows)),
    size = tostring(size),
    number = tostring(math.random(1, math.ceil(rows / size))),
    after = tostring(math.random(0, rows - 1)),
  }
end

function request()
  local path = template:gsub("{(%%w+)}", draw())
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Load:
    """wrk's settings: the same for every server in a run."""

    threads: int = 2
    connections: int = 16
    seconds: int = 10


@dataclass(frozen=True)
class Measure:
    """What one wrk run saw."""

    requests: int
    seconds: float
    failures: int
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def lua_script(template: str, rows: int, fixed: dict[str, str] | None, seed: int) -> str:
    """The wrk script for one path template; `fixed` values make every request the same."""
    fixed_lua = "nil" if fixed is None else "{" + ", ".join(f"{k} = {_lua(v)}" for k, v in fixed.items()) + "}"
    return _SCRIPT % {
        "template": _lua(template),
        "rows": rows,
        "fixed": fixed_lua,
        "members": ", ".join(_lua(name) for name in MEMBERS),
        "seed": seed,
    }


def run(base_url: str, script_path: str, load: Load) -> Measure:
    """Run wrk against `base_url` with the script; failures count socket errors and non-2xx/3xx answers."""
    command = [
        "wrk",
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{load.seconds}s",
        "--timeout",
        "10s",
        "-s",
        script_path,
        base_url,
    ]
    # wrk stops itself after `load.seconds` (each request at most 10 s); a wrk that does not is killed, and
    # subprocess.TimeoutExpired names the command and the deadline.
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=load.seconds + 60).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    failures = sum(raw[key] for key in ("connect", "read", "write", "status", "timeout"))
    return Measure(raw["requests"], raw["duration_us"] / 1e6, failures, raw["p50_us"] / 1000, raw["p99_us"] / 1000)


def _lua(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for our ASCII text
