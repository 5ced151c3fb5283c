"""Log lines as JSON (one object per line) or as text, both with the request id.

Chosen with ``OMSLAG_LOG_FORMAT=json|text`` (settings.LOGGING, and gunicorn_conf for the
access log, so the web server's lines and the application's look alike). A small formatter of
our own rather than a dependency: it is the standard library's ``logging.Formatter`` with
``json.dumps``.
"""

import json
import logging
from datetime import UTC, datetime

from .requestid import request_id_current

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is logged too.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record: the current request's, or '-' outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = record_request_id(record)
        return True


def record_request_id(record: logging.LogRecord) -> str:
    """The id of the request being answered; Django logs 4xx/5xx responses ("Not Found: …")
    after the middleware has finished, so then the id comes from the request it passes."""
    if record.name == "gunicorn.access" and isinstance(record.args, dict):
        # gunicorn logs a request after it ended: the id is the one the response carries.
        return record.args.get("{x-request-id}o") or "-"
    return (
        request_id_current() or getattr(getattr(record, "request", None), "request_id", None) or "-"
    )


def _access_fields(atoms: dict) -> dict:
    """gunicorn's access-log atoms (glogging.Logger.atoms) as named fields."""
    size = atoms.get("B")
    return {
        "message": f"{atoms.get('m')} {atoms.get('U')} {atoms.get('s')}",
        "remote": atoms.get("h"),
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "query": atoms.get("q") or "",
        "status": int(atoms["s"]) if str(atoms.get("s", "")).isdigit() else atoms.get("s"),
        "bytes": size if isinstance(size, int) else None,
        "duration_ms": round(atoms.get("D", 0) / 1000, 3),
        "user_agent": atoms.get("a"),
        # The id the application chose, read from the response (the request has ended).
        "request_id": atoms.get("{x-request-id}o") or "-",
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    the ``extra=`` fields, and the traceback as ``exception`` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(_access_fields(record.args))
        else:
            entry["message"] = record.getMessage()
            entry["request_id"] = getattr(record, "request_id", None) or record_request_id(record)
            for key, value in record.__dict__.items():
                if key not in _STANDARD and not key.startswith("_"):
                    entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(log_format: str, level: str) -> dict:
    """The ``LOGGING`` dictionary for ``OMSLAG_LOG_FORMAT`` and ``OMSLAG_LOG_LEVEL``; used by
    the settings and by gunicorn_conf (which adds its own loggers)."""
    if log_format not in {"json", "text"}:
        raise ValueError(f"OMSLAG_LOG_FORMAT must be json or text, not {log_format!r}")
    formatter = (
        {"()": "omslag.common.logs.JsonFormatter"}
        if log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "omslag.common.logs.RequestIdFilter"}},
        "formatters": {"omslag": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "omslag",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level.upper()},
        "loggers": {"axes": {"level": "WARNING"}},
    }
