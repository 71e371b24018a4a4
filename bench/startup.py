"""Start-up time and memory of one worker: `create_app` on a CSV, in a fresh process per run.

Why: the performance issue sets limits per worker at 1,000,000 rows (start-up under 5 s,
RSS under 400 MB); a worker's start-up is exactly `create_app`, so this times that and reads
the process's resident memory after it (VmRSS) and at its peak while loading (ru_maxrss).

    .venv/bin/python bench/startup.py --csv /tmp/expanses-bench/expanses-1000000.csv [--runs 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_ONE_RUN = """
import json, resource, sys, time
from pathlib import Path
from service.app import create_app
from service.config import Settings
began = time.monotonic()
app = create_app(Settings(csv_path=Path(sys.argv[1])))
seconds = time.monotonic() - began
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS:"))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "rss_mb": rss / 1024, "peak_mb": peak / 1024}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    for run in range(1, args.runs + 1):
        output = subprocess.run(
            [sys.executable, "-c", _ONE_RUN, str(args.csv)], cwd=REPO, check=True, capture_output=True, text=True
        ).stdout
        figures = json.loads(output.strip().splitlines()[-1])
        print(
            f"run {run}: create_app {figures['seconds']:.2f} s, RSS after start {figures['rss_mb']:.0f} MB, "
            f"peak while loading {figures['peak_mb']:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
