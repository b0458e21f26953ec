"""Secrets are registered once and redacted everywhere text leaves the program.

The CLI registers the Backdrop token, Stagecraft's token and the secret values of the
credentials file; ``redact()`` replaces each with ``***``. Every log handler the collector
installs carries a ``RedactingFilter``, and error lines go through ``redact()`` too.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"
MIN_SECRET_LENGTH = 4
SECRET_KEY = re.compile(r"(pass|secret|token|key|auth|credential)", re.IGNORECASE)

_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_lock = threading.Lock()


def register_secrets(values: Iterable[Any]) -> None:
    """Remember values that must never be shown."""
    global _pattern
    with _lock:
        for value in values:
            if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
                _secrets.add(value)
        if _secrets:
            ordered = sorted(_secrets, key=len, reverse=True)
            _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def secret_values(config: Mapping[str, Any]) -> list[str]:
    """The string values of a config whose key names a secret, at any depth."""
    found: list[str] = []
    for key, value in config.items():
        if isinstance(value, Mapping):
            found += secret_values(value)
        elif isinstance(value, str) and _names_a_secret(str(key)) and not _looks_like_path(value):
            found.append(value)
    return found


def _names_a_secret(key: str) -> bool:
    """``password``, ``app_key``, ``token_auth``...; not ``keymetrics_url`` or ``STORAGE_PATH``."""
    lowered = key.lower()
    if lowered.endswith(("url", "uri", "root", "path", "_file")):
        return False
    return bool(SECRET_KEY.search(key))


def _looks_like_path(value: str) -> bool:
    return value.startswith(("/", "./", "~")) or value.endswith((".json", ".p12", ".pem", ".db"))


def forget_secrets() -> None:
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None


def redact(text: str) -> str:
    pattern = _pattern
    if pattern is None or not text:
        return text
    return pattern.sub(MASK, text)


_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message so that no registered secret reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _pattern is None:
            return True
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        for key, value in list(record.__dict__.items()):
            if key not in _RECORD_FIELDS and isinstance(value, str):
                setattr(record, key, redact(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
