"""Check a data file as the service would load it: `python -m service.check_csv PATH`.

Why: operators can validate a replacement before sending SIGHUP, and the gunicorn master
uses it to decide whether a reload may switch to the new file (see gunicorn_config.py).
Exit status 0 and the row count when the file is servable; 1 and "file, line N: reason" if not.
"""

from __future__ import annotations

import sys
from pathlib import Path

from service.csv_source import CsvFormatError, load_expenses


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m service.check_csv PATH", file=sys.stderr)
        return 2
    try:
        columns = load_expenses(Path(argv[0]))
    except CsvFormatError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{argv[0]}: {len(columns)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
