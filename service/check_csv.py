"""Check a data file as the service would load it: `python -m service.check_csv PATH`.

Why: operators can validate a replacement before sending SIGHUP, and the gunicorn master
uses it (with `--snapshot-dir`) to have the file checked and its snapshot found or written
in a process of its own (service/ops/data_supervisor.py).
Exit status 0 and the row count when the file is servable (with `--snapshot-dir`, one JSON
line: the snapshot's path, its rows, whether it was already there, notes for the log; with
`--into-fd N` the verified snapshot is also copied into the open file N); 1 and
"file, line N: reason" if not.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from service.data.csv_source import CsvFormatError, load_expenses
from service.data.snapshot_store import provide


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.check_csv", description="Is this data file servable?")
    parser.add_argument("path", type=Path, help="the CSV file (named in every message)")
    parser.add_argument("--snapshot-dir", type=Path, help="find or write the file's snapshot in this directory")
    parser.add_argument(
        "--into-fd", type=int, help="with --snapshot-dir: copy the verified snapshot into this open file"
    )
    args = parser.parse_args(argv)
    try:
        if args.snapshot_dir is None:
            print(f"{args.path}: {len(load_expenses(args.path))} records")
            return 0
        provided = provide(args.path, args.snapshot_dir, into=args.into_fd)
    except CsvFormatError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        print(f"cannot use the snapshot directory {args.snapshot_dir}: {error}", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "snapshot": str(provided.path),
                "records": provided.rows,
                "reused": provided.reused,
                "notes": provided.notes,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
