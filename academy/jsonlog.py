"""One JSON object per log line, for log collectors (LOG_FORMAT=json). Standard library only."""

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is worth keeping.
_RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JSONFormatter(logging.Formatter):
    """Formats a record as one line of JSON: time (UTC, ISO 8601), level, logger, message, the exception if any,
    the request's method, path and status for Django's request loggers, and any ``extra=`` fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Python warnings go straight to stderr as text; through the py.warnings logger they become JSON lines too.
        logging.captureWarnings(True)

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            # gunicorn passes the request's atoms as the record's args: keep the useful ones as fields.
            atoms = record.args
            entry.update(
                remote=atoms.get("h"),
                method=atoms.get("m"),
                path=atoms.get("U"),
                status=atoms.get("s"),
                bytes=atoms.get("B"),
                duration_ms=round(int(atoms.get("D") or 0) / 1000, 1),
            )
        for key, value in vars(record).items():
            if key in _RECORD_ATTRIBUTES or key in entry:
                continue
            if key == "request":  # django.request / django.security: the request, never its body or cookies
                entry["method"] = getattr(value, "method", None)
                entry["path"] = getattr(value, "path", None)
                continue
            entry[key] = value
        return json.dumps(entry, ensure_ascii=False, default=str)
