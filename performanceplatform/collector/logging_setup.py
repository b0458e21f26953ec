"""Where the collector's log goes (spec core.md §1.8).

Console mode logs to stderr: text lines, or with ``--log-format json``
(``PP_COLLECTOR_LOG_FORMAT=json``) the JSON objects of the ``.json.log`` file, for
containers, which log to stderr and keep no files. File mode writes ``<dir>/<name>.log``
(plain text) and ``<dir>/<name>.json.log`` (one Logstash-shaped JSON object per line: ``@message``,
``@timestamp``, ``@source_host``, ``@tags``, ``@fields``), rotated at 2 GiB with one backup
by ``concurrent-log-handler`` so that many cron jobs can share the files.

The log folder is, in order: the ``--log-dir`` flag, ``PP_COLLECTOR_LOG_DIR``, or
``$XDG_STATE_HOME/pp-collector/log`` (``~/.local/state/pp-collector/log``); it is created
when missing. Every handler redacts registered secrets.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import sys
import traceback
from pathlib import Path
from typing import Any

from concurrent_log_handler import ConcurrentRotatingFileHandler
from pythonjsonlogger.json import JsonFormatter

from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.redact import RedactingFilter, redact, redact_value

ENV_LOG_DIR = "PP_COLLECTOR_LOG_DIR"
ENV_LOGLEVEL = "LOGLEVEL"
ENV_LOG_FORMAT = "PP_COLLECTOR_LOG_FORMAT"
TEXT, JSON = "text", "json"
LOG_FORMATS = (TEXT, JSON)
DEFAULT_LOGFILE_NAME = "production"
MAX_BYTES = 2 * 1024**3
TEXT_FORMAT = "%(asctime)s [%(levelname)s] -> %(message)s"
CONSOLE_FORMAT = "%(levelname)s:%(name)s:%(message)s"

_RECORD_ATTRIBUTES = (
    "name", "levelname", "levelno", "pathname", "filename", "module", "lineno", "funcName",
    "created", "msecs", "relativeCreated", "thread", "threadName", "process", "processName",
)
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message",
                                                                             "asctime"}


def default_log_dir() -> Path:
    env = os.environ.get(ENV_LOG_DIR)
    if env:
        return Path(env)
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(state) / "pp-collector" / "log"


def log_level() -> int:
    """The level named by ``LOGLEVEL`` (default INFO); an unknown name falls back to INFO."""
    name = os.environ.get(ENV_LOGLEVEL, "INFO").upper()
    level = logging.getLevelName(name)
    return level if isinstance(level, int) else logging.INFO


class LogstashFormatter(JsonFormatter):
    """JSON lines in the shape logstash_formatter 0.5 wrote."""

    def __init__(self, tags: list[str], fields: dict[str, Any]):
        super().__init__(json_default=str)
        self.tags = tags
        self.fields = fields

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord,
                   message_dict: dict[str, Any]) -> None:
        fields: dict[str, Any] = redact_value(self.fields)
        for name in _RECORD_ATTRIBUTES:
            fields[name] = getattr(record, name, None)
        fields["args"] = [str(a) for a in record.args] if isinstance(record.args, tuple) else \
            str(record.args)
        for key, value in record.__dict__.items():
            if key not in _STANDARD:
                fields[key] = value
        if record.exc_info:
            text = record.exc_text or "".join(traceback.format_exception(*record.exc_info))
            fields["exception"] = redact(text).splitlines(keepends=True)
        log_data["@message"] = record.getMessage()
        log_data["@timestamp"] = dt.datetime.fromtimestamp(
            record.created, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        log_data["@source_host"] = socket.gethostname()
        log_data["@tags"] = self.tags
        log_data["@fields"] = fields

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        log_data: dict[str, Any] = {}
        self.add_fields(log_data, record, {})
        return self.serialize_log_record(self.process_log_record(log_data))


def _file_handler(path: Path) -> logging.Handler:
    handler = ConcurrentRotatingFileHandler(str(path), mode="a", maxBytes=MAX_BYTES,
                                            backupCount=1, encoding="utf-8")
    handler.addFilter(RedactingFilter())
    return handler


def set_up_logging(app_name: str, level: int, path: str | os.PathLike | None,
                   name: str | None = None, json_fields: dict[str, Any] | None = None) -> None:
    """Log to ``<path>/<name>.log`` and ``<path>/<name>.json.log``."""
    folder = Path(path) if path else default_log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # $PP_COLLECTOR_LOG_DIR on a file, a read-only disk...
        raise ConfigError(f"cannot make the log folder: {exc.strerror or exc}",
                          where=str(folder))
    name = name or DEFAULT_LOGFILE_NAME
    root = logging.getLogger()
    root.setLevel(level)
    text = _file_handler(folder / f"{name}.log")
    text.setFormatter(logging.Formatter(TEXT_FORMAT))
    root.addHandler(text)
    json_handler = _file_handler(folder / f"{name}.json.log")
    json_handler.setFormatter(LogstashFormatter(["collector", app_name], json_fields or {}))
    root.addHandler(json_handler)
    logging.getLogger("backoff").setLevel(logging.ERROR)
    logging.info("%s logging started", app_name)


def set_up_console_logging(level: int | None = None, json_tags: list[str] | None = None,
                           json_fields: dict[str, Any] | None = None) -> None:
    """Log to stderr, as ``logging.basicConfig`` does, with secrets redacted; with
    ``json_tags`` (``--log-format json``), one JSON object a line as in the ``.json.log``
    files, with those ``@tags`` and ``json_fields``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(CONSOLE_FORMAT) if json_tags is None else
                         LogstashFormatter(json_tags, json_fields or {}))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level if level is not None else logging.INFO)


def log_format(flag: str | None) -> str:
    """``--log-format``, else ``PP_COLLECTOR_LOG_FORMAT``, else ``text``."""
    value = flag or os.environ.get(ENV_LOG_FORMAT, "").strip().lower() or TEXT
    if value not in LOG_FORMATS:
        raise ConfigError(f"expected one of {', '.join(LOG_FORMATS)}, got {value!r:.40}",
                          where=ENV_LOG_FORMAT)
    return value


def logging_for_entrypoint(entrypoint: str, json_fields: dict[str, Any],
                           logfile_path: str | os.PathLike | None = None,
                           logfile_name: str | None = None) -> None:
    set_up_logging(entrypoint, log_level(), logfile_path, logfile_name, json_fields)


def extra_fields_from_exception(exc: BaseException) -> dict[str, str]:
    return {"exception_class": type(exc).__name__, "exception_message": redact(str(exc))}


def close_down_logging() -> None:
    """Close and remove every handler of the root logger."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        handler.close()
        root.removeHandler(handler)
