"""What every store keeps of a record, and how reads filter it: shared by SQLite and PostgreSQL.

A stored record is the written one plus Backdrop's period keys (``_day_start_at``, ...) and
``_updated_at``; a record without ``_id`` gets a random one, as Backdrop gives it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from typing import Any

PERIOD_KEYS = ("_hour_start_at", "_day_start_at", "_week_start_at", "_month_start_at",
               "_quarter_start_at", "_year_start_at")


def data_set_name(data_group: str, data_type: str) -> str:
    """Backdrop's name of a data set: ``govuk``, ``visits-x`` → ``govuk_visits_x``."""
    return f"{data_group}_{data_type}".replace("-", "_")


def period_starts(timestamp: dt.datetime) -> dict[str, dt.datetime]:
    """Backdrop's period keys for a UTC timestamp (weeks start on Monday)."""
    hour = timestamp.replace(minute=0, second=0, microsecond=0)
    day = hour.replace(hour=0)
    month = day.replace(day=1)
    return {
        "_hour_start_at": hour,
        "_day_start_at": day,
        "_week_start_at": day - dt.timedelta(days=day.weekday()),
        "_month_start_at": month,
        "_quarter_start_at": month.replace(month=(month.month - 1) // 3 * 3 + 1),
        "_year_start_at": month.replace(month=1),
    }


def stored_form(record: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """The record as a store keeps it (timestamps already datetimes, see ``validation``)."""
    stored = dict(record)
    if isinstance(stored.get("_timestamp"), dt.datetime):
        stored.update(period_starts(stored["_timestamp"]))
    stored["_updated_at"] = now
    stored.setdefault("_id", str(uuid.uuid4()))
    return stored


def timestamp_of(stored: dict[str, Any]) -> dt.datetime | None:
    value = stored.get("_timestamp")
    return value if isinstance(value, dt.datetime) else None


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def to_json(stored: Any) -> str:
    return json.dumps(stored, default=_encode)


def refine(records: list[dict[str, Any]], filters: Iterable[tuple[str, Any]] = (),
           sort_by: tuple[str, bool] | None = None,
           limit: int | None = None) -> list[dict[str, Any]]:
    """Backdrop's read options on records already selected by time: exact field values,
    one sort key (missing values last), a limit."""
    for key, value in filters:
        records = [r for r in records if r.get(key) == value]
    if sort_by is not None:
        key, descending = sort_by
        records.sort(key=lambda r: (r.get(key) is None, r.get(key)), reverse=descending)
    return records[:limit] if limit is not None else records
