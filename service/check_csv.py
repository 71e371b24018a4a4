"""Check a data file as the service would load it: `python -m service.check_csv PATH`.

Why: operators can validate a replacement before sending SIGHUP, and the gunicorn master
uses it (with `--snapshot-fd`, its private copy of PATH) to decide whether a reload may switch
to the new data (see gunicorn_config.py).
Exit status 0 and the row count when the file is servable; 1 and "file, line N: reason" if not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.csv_source import CsvFormatError, load_expenses


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.check_csv", description="Is this data file servable?")
    parser.add_argument("path", type=Path, help="the CSV file (named in every message)")
    parser.add_argument("--snapshot-fd", type=int, help="read the bytes from this open descriptor instead")
    args = parser.parse_args(argv)
    try:
        columns = load_expenses(args.path, args.snapshot_fd)
    except CsvFormatError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{args.path}: {len(columns)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
