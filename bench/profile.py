"""Where a request's time goes: py-spy samples one worker while wrk drives one race query.

Why: the performance issue asks to profile before optimizing; this makes the profile a
command. It starts the service as shipped (optionally with RESPONSE_CACHE_MB=0, so the
distinct regime renders every answer), runs the race's wrk script for that query, samples
one gunicorn worker with py-spy, and prints the functions with the largest inclusive and
self share of the samples.

    .venv-bench/bin/python bench/profile.py --race aggregate [--rows 149] [--seconds 8] [--no-memory]
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import threading
from pathlib import Path

import servers
import wrk
from compare import BENCH_BIN, WORKDIR, generated_csv
from queries import RACES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--race", choices=[race.name for race in RACES], required=True)
    parser.add_argument("--rows", type=int, default=149)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--no-memory", action="store_true", help="RESPONSE_CACHE_MB=0")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    race = next(race for race in RACES if race.name == args.race)
    script = WORKDIR / f"profile-{args.rows}-{race.name}.lua"
    script.write_text(wrk.lua_script(race.ours, args.rows, None, seed=args.rows))
    env = {"RESPONSE_CACHE_MB": "0"} if args.no_memory else {}
    server = servers.start_ours(generated_csv(args.rows, WORKDIR), env)
    stacks = WORKDIR / "profile.txt"
    try:
        worker = int(Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()[0])
        load = threading.Thread(
            target=wrk.run, args=(server.base_url, str(script), wrk.Load(seconds=args.seconds + 3)), daemon=True
        )
        load.start()
        sample = [str(BENCH_BIN / "py-spy"), "record", "--pid", str(worker), "--duration", str(args.seconds)]
        sample += ["--rate", "500", "--format", "raw", "--nonblocking", "-o", str(stacks)]
        # py-spy stops after --duration and wrk after its seconds: both get a minute more, then fail.
        subprocess.run(sample, check=True, capture_output=True, timeout=args.seconds + 60)
        load.join(timeout=60)
        if load.is_alive():
            raise RuntimeError(f"wrk still running 60 s after py-spy's {args.seconds} s of samples")
    finally:
        server.stop()
    print(_summary(stacks.read_text(), args.top))
    return 0


def _summary(collapsed: str, top: int) -> str:
    """Inclusive and self shares per function from py-spy's collapsed stacks ("a;b;c count")."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        samples = int(count)
        total += samples
        frames = [_name(frame) for frame in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
    lines = [f"{total} samples", "", "inclusive:"]
    lines += [f"{count / total:6.1%}  {frame}" for frame, count in inclusive.most_common(top)]
    lines += ["", "self:"]
    lines += [f"{count / total:6.1%}  {frame}" for frame, count in own.most_common(top // 2)]
    return "\n".join(lines)


def _name(frame: str) -> str:
    """'function (path/to/file.py:12)' -> 'function (file.py)'."""
    function, _, where = frame.partition(" (")
    return f"{function} ({where.rsplit('/', 1)[-1].split(':')[0]})" if where else function


if __name__ == "__main__":
    sys.exit(main())
