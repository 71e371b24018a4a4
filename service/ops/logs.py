"""Log lines as JSON objects, one per line: nothing a client sends can forge a line or a field.

Why: paths, query strings, user agents and hosts come from clients; inside JSON strings
they are escaped (a newline is `\\n`, a NUL `\\u0000`), and log tools read fields, not text.
Gunicorn's lines and the app's share `json_formatter` (`logging_config`, gunicorn's
`logconfig_dict`); the access log gets its fields from `AccessLogger`, gunicorn's `logger_class`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import g, has_request_context
from gunicorn.glogging import Logger
from pythonjsonlogger.orjson import OrjsonFormatter

_FIELDS = "%(asctime)s %(process)d %(levelname)s %(name)s %(message)s"
_RENAMED = {"asctime": "time", "process": "pid", "levelname": "level", "name": "logger"}


def logging_config(level: str) -> dict[str, Any]:
    """Every line one JSON object: gunicorn's and the app's lines on stderr, one line per request on stdout."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "service.ops.logs.json_formatter"}},
        "filters": {
            "request_id": {"()": "service.ops.logs.request_id_filter"},
            "stalled_reader": {"()": "service.ops.logs.stalled_reader_filter"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
                "filters": ["request_id", "stalled_reader"],
            },
            "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "root": {"level": "WARNING", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
            "service": {"level": level, "handlers": ["stderr"], "propagate": False},
        },
    }


def request_id_filter() -> Callable[[logging.LogRecord], bool]:
    """A handler filter: a line written while a request is answered carries that request's id."""

    def with_request_id(record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
        return True

    return with_request_id


def stalled_reader_filter() -> Callable[[logging.LogRecord], bool]:
    """A handler filter: a client that stopped reading an answer is a warning in one line, not a traceback.

    gunicorn logs any socket error but a reset as an error with its traceback; a timed-out write is
    what the export's send timeout makes of a reader that stalled (service/web/exports.py).
    """

    def one_line(record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], TimeoutError) and record.name == "gunicorn.error":
            record.msg, record.args, record.exc_info, record.exc_text = (
                "A client read nothing of its answer for the send timeout; the answer was cut, the worker freed.",
                None,
                None,
                None,
            )
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True

    return one_line


def json_formatter() -> OrjsonFormatter:
    """The one formatter of every log line: time, pid, level, logger, message, then any extra fields."""
    return OrjsonFormatter(_FIELDS, rename_fields=_RENAMED)


class AccessLogger(Logger):  # type: ignore[misc]
    """Gunicorn's logger with one structured line per request instead of a formatted text line."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        """The request's fields read straight from the exchange: gunicorn's `atoms()` would build every
        header and environ entry and format a timestamp to take eight of them (half of the 45 us a line cost).
        """
        if not self.access_log_enabled:
            return
        status = resp.status
        fields = {
            "remote": environ.get("REMOTE_ADDR", "-"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING"),
            "status": int(status.split(None, 1)[0] if isinstance(status, str) else status),
            "bytes": getattr(resp, "sent", None),
            "referer": environ.get("HTTP_REFERER", "-"),
            "user_agent": environ.get("HTTP_USER_AGENT", "-"),
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "request_id": _response_header(resp, "x-request-id"),  # the id the app chose and returned
        }
        self.access_log.info("request", extra=fields)


def _response_header(resp: Any, name: str) -> str | None:
    return next((value for key, value in resp.headers if key.lower() == name), None)
