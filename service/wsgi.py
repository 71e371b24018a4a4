"""The WSGI entry point for gunicorn: `service.wsgi:app`.

Why a clean exit: a bad CSV (or setting) must stop start-up with one readable line (file,
line, reason) rather than a traceback; exit code 3 tells gunicorn the worker cannot boot.
"""

from __future__ import annotations

import logging

from service.app import create_app
from service.config import SettingsError
from service.data.csv_source import CsvFormatError
from service.data.snapshot import SnapshotError

try:
    app = create_app()
except CsvFormatError as error:
    logging.getLogger("service").critical("cannot serve the data file: %s", error)
    raise SystemExit(3) from None
except SnapshotError as error:  # the master's sealed copy is verified before any worker sees it: a bug
    logging.getLogger("service").critical("cannot map the data snapshot: %s", error)
    raise SystemExit(3) from None
except SettingsError as error:
    logging.getLogger("service").critical("cannot start: %s", error)
    raise SystemExit(3) from None
