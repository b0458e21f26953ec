"""Secrets are registered once and redacted everywhere text leaves the program.

The CLI registers the Backdrop token, Stagecraft's token and the secret values of the
credentials file; ``redact()`` replaces each with ``***``, in the forms a URL, a form body or
a JSON text gives it too (``quote``, ``quote_plus``, lower-case escapes, JSON escapes: urllib3
logs request lines percent-encoded). It also masks the value of any secret URL parameter
(``SECRET_PARAMS``, in any letter case: ``Token_Auth=...``, ``API_KEY=...``), registered or
not. Every log handler the collector installs carries a ``RedactingFilter``, which cleans the
message and every extra field of a record; error lines go through ``redact()`` too.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_SECRET_LENGTH = 4
SECRET_KEY = re.compile(r"(pass|secret|token|key|auth|credential)", re.IGNORECASE)
SECRET_PARAMS = frozenset(
    {"token_auth", "token", "access_token", "refresh_token", "password", "api_key", "apikey",
     "key", "client_secret", "app_key", "assertion"}
)
_PARAM = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(SECRET_PARAMS, key=len, reverse=True)) +
    r")=(?!\*\*\*)[^&\s\"'<>#]+", re.IGNORECASE)
# What requests leaves unescaped when it re-quotes a URL (requests.utils.requote_uri).
_REQUOTE_SAFE = "!#$%&'()*+,/:;=?@[]~"
_ESCAPE = re.compile(r"%[0-9A-F]{2}")

_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_lock = threading.Lock()


def register_secrets(values: Iterable[Any]) -> None:
    """Remember values that must never be shown, in every encoding they may travel in."""
    global _pattern
    with _lock:
        for value in values:
            if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
                _secrets.update(encoded_forms(value))
        if _secrets:
            ordered = sorted(_secrets, key=len, reverse=True)
            _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def encoded_forms(value: str) -> set[str]:
    """``value`` as it is, percent-encoded as URLs and form bodies carry it (upper- and
    lower-case escapes), and escaped inside a JSON string."""
    forms = {value, quote(value, safe=""), quote(value), quote(value, safe=_REQUOTE_SAFE),
             quote_plus(value), quote_plus(value, safe="/")}
    forms |= {_ESCAPE.sub(lambda m: m.group(0).lower(), form) for form in forms}
    forms |= {json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    return forms


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
    """``text`` with registered secrets and the values of secret URL parameters masked."""
    if not text:
        return text
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    return _PARAM.sub(lambda m: f"{m.group(1)}={MASK}", text)


def redact_value(value: Any) -> Any:
    """``value`` with every text in it redacted, at any depth of dicts, lists and tuples."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(item) for item in value)
    return value


_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message and extra fields so that no secret reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        for key, value in list(record.__dict__.items()):
            if key not in _RECORD_FIELDS:
                setattr(record, key, redact_value(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
