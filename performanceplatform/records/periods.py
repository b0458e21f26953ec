"""Dates and periods as the collectors see them.

``period_range`` cuts a back-fill into the daily, weekly (Monday–Sunday) or monthly
periods a source is asked about, one request per period. Without bounds it picks the last
complete period before "today", and "today" comes from :mod:`performanceplatform.utils.clock`
(so ``PP_COLLECTOR_NOW`` freezes it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from dateutil.relativedelta import relativedelta

from performanceplatform.utils import clock

UTC = dt.timezone.utc

_FREQUENCY_ERROR = "Bad value of frequency, should be daily, weekly or monthly"
# The one frequency table: ``query.frequency`` → the records' ``timeSpan`` (GA v3, GA4, Piwik)
TIME_SPANS = {"daily": "day", "weekly": "week", "monthly": "month"}
DEFAULT_FREQUENCY = "weekly"


def to_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    """Midnight UTC of a date; a datetime keeps its wall time and is *labelled* UTC.

    An aware non-UTC datetime is not converted, only relabelled (as the original did).
    """
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)


def to_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    """The date of a date or datetime; None stays None; anything else is a ValueError."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise ValueError(f"{value!r} ({type(value)}) isn't a date or datetime")


def to_utc(value: dt.datetime) -> dt.datetime:
    """Convert an aware datetime to UTC; a naive one is a ValueError (not "local time")."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("astimezone() cannot be applied to a naive datetime")
    return value.astimezone(UTC)


def period_range(
    start: dt.date | dt.datetime | None,
    end: dt.date | dt.datetime | None,
    frequency: str = "weekly",
) -> Iterator[tuple[dt.date, dt.date]]:
    """Inclusive ``(first_day, last_day)`` periods covering ``start``..``end``.

    Bad dates or frequency raise ValueError at call time, not when iterating. The last
    period may run past ``end`` (to the Sunday, or the end of the month).
    """
    start_date, end_date = to_date(start), to_date(end)
    if (start_date is None) != (end_date is None):
        raise TypeError(
            "period_range needs both start and end dates, or neither "
            f"(got start={start_date}, end={end_date})"
        )
    if start_date is not None and start_date > end_date:
        raise ValueError(f"Bad dates: !(start_date={start_date} <= end_date={end_date})")
    if frequency not in _STEPPERS:
        raise ValueError(_FREQUENCY_ERROR)
    default, align, step = _STEPPERS[frequency]
    if start_date is None:
        start_date = end_date = default(clock.today())
    return _periods(align(start_date), end_date, step)


def _periods(first: dt.date, end: dt.date, step) -> Iterator[tuple[dt.date, dt.date]]:
    period_start = first
    while period_start <= end:
        next_start = step(period_start)
        yield period_start, next_start - dt.timedelta(days=1)
        period_start = next_start


def _same(day: dt.date) -> dt.date:
    return day


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


_STEPPERS = {
    "daily": (
        lambda today: today - dt.timedelta(days=1),
        _same,
        lambda day: day + dt.timedelta(days=1),
    ),
    "weekly": (
        lambda today: today - dt.timedelta(days=7),
        _monday,
        lambda day: day + dt.timedelta(days=7),
    ),
    "monthly": (
        lambda today: today - relativedelta(months=1),
        _first_of_month,
        lambda day: day + relativedelta(months=1),
    ),
}
