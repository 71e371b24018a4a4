"""Which ways of reading an Arrow IPC file leave its pages shared, and which copy them into the process.

Why: decision 0007 stores the snapshot as plain numbers because Polars copies what it reads
from IPC files itself, and copies dictionary (Enum) columns it takes from a pyarrow mapping.
Each reader runs in a fresh process, touches every column, and reports how much its private
dirty memory grew (pages copied into the process) and its private clean memory (pages of the
file mapped, shareable), from /proc/self/smaps_rollup.

    .venv/bin/python bench/snapshot_sharing.py --csv /tmp/expanses-bench/expanses-1000000.csv
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_READ = """
import json, sys
import polars as pl, pyarrow as pa

def memory():
    fields = {}
    for line in open("/proc/self/smaps_rollup"):
        name, value = line.split()[:2]
        fields[name] = int(value) if value.isdigit() else 0
    return fields["Private_Dirty:"] / 1024, fields["Private_Clean:"] / 1024

pl.DataFrame({"warm": [1]}).sum()
pa.array([1])
reader, path = sys.argv[1], sys.argv[2]
dirty, clean = memory()
if reader == "polars":
    frame = pl.read_ipc(path)
else:
    frame = pl.DataFrame(pl.from_arrow(pa.ipc.open_file(pa.memory_map(path)).read_all(), rechunk=False))
frame.select(pl.all().to_physical().max())  # touch every column
after_dirty, after_clean = memory()
print(json.dumps({"copied_mb": after_dirty - dirty, "mapped_mb": after_clean - clean}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    import polars as pl

    from service.data.csv_source import load_expenses
    from service.data.snapshot import CODED, build

    built = build(load_expenses(args.csv))
    frame = pl.DataFrame(pl.from_arrow(built.table))
    with_enums = frame.with_columns(
        pl.Series(name, built.labels[name], dtype=pl.Enum(built.labels[name])).gather(frame[name]) for name in CODED
    )
    with tempfile.TemporaryDirectory() as scratch:
        files = {"codes (the snapshot)": Path(scratch) / "codes.arrow", "Enums": Path(scratch) / "enums.arrow"}
        frame.write_ipc(files["codes (the snapshot)"], compression="uncompressed")
        with_enums.write_ipc(files["Enums"], compression="uncompressed")
        print(f"{len(frame):,} rows, {files['codes (the snapshot)'].stat().st_size / 1e6:.0f} MB file")
        for reader in ("polars", "pyarrow"):
            for layout, path in files.items():
                result = subprocess.run(
                    [sys.executable, "-c", _READ, reader, str(path)], capture_output=True, text=True, check=True
                )
                copied, mapped = json.loads(result.stdout).values()
                print(f"{reader:8} {layout:20} copied {copied:6.0f} MB, mapped {mapped:6.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
