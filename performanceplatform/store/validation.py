"""Backdrop's record validation rules (spec core.md §3.3), as a pure function.

``validate_records(records)`` returns ``(prepared, errors)``: the records with their
timestamps parsed to aware UTC datetimes, and the list of error messages. A batch with any
error must not be stored at all.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dateutil import parser as date_parser

KEY_PATTERN = re.compile(r"^[a-z_][a-z0-9_]+$")
INTERNAL_KEYS = ("_timestamp", "_start_at", "_end_at", "_id")
TIME_KEYS = ("_timestamp", "_start_at", "_end_at")
DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
MAX_INT = 2**63
# the shape collectors write (``2018-01-01T00:00:00+00:00``): parsed by the standard library,
# which gives the same datetime as dateutil for it, much faster; anything else, dateutil
PLAIN_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}:\d{2}$")


class InvalidRecord(Exception):
    """A record that is not a JSON object: Backdrop answers 500 for it."""


def validate_records(records: list[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    errors: list[str] = []
    prepared: list[dict[str, Any]] = []
    for record in records:
        if not isinstance(record, dict):
            raise InvalidRecord(f"record is not an object: {record!r}")
        errors.extend(_schema_errors(record))
    for record in records:
        parsed, time_error = _parse_times(record)
        if time_error:
            errors.append(time_error)
        record_error = _record_error(parsed)
        if record_error:
            errors.append(record_error)
        prepared.append(parsed)
    return prepared, errors


def _schema_errors(record: dict[str, Any]) -> list[str]:
    if "_timestamp" not in record:
        return ["'_timestamp' is a required property"]
    value = record["_timestamp"]
    if not isinstance(value, str):
        return [f"{value!r} is not of type 'string'"]
    if not DATE_TIME.match(value):
        return [f"{value!r} is not a 'date-time'"]
    return []


def _parse_times(record: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    parsed = dict(record)
    error = None
    for key in TIME_KEYS:
        if key not in record or not isinstance(record[key], str):
            continue
        try:
            value = _parse_time(record[key])
        except (ValueError, OverflowError) as exc:
            if "out of range" in str(exc) or "must be in" in str(exc):
                error = f"{record[key]} in the {key} field is not a valid date"
            else:
                error = f"the {key} must be a date in the format yyyy-MM-ddT00:00:00Z"
            continue
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        parsed[key] = value.astimezone(dt.timezone.utc)
    return parsed, error


def _parse_time(text: str) -> dt.datetime:
    if PLAIN_TIME.match(text):
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass  # out of range: dateutil's message
    return date_parser.parse(text)


def _record_error(record: dict[str, Any]) -> str | None:
    for key, value in record.items():
        if not isinstance(key, str) or not KEY_PATTERN.match(key.lower()):
            return f"{key} is not a valid key"
        if key.startswith("_") and key not in INTERNAL_KEYS:
            return f"{key} is not a recognised internal field"
        if not _valid_value(value):
            return f"{key} has an invalid value"
        if key in TIME_KEYS and not isinstance(value, dt.datetime):
            return f"{key} is not a valid datetime object"
        if key == "_id" and not _valid_id(value):
            return f'_id "{value}" is not a valid id'
    return None


def _valid_value(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return -MAX_INT <= value < MAX_INT
    return isinstance(value, (float, str, dt.datetime))


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) and value != "" and not re.search(r"\s", value)
