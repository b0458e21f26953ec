"""The hours a Pingdom run asks for (the original's ``parse_time_range``).

- start and end given: kept;
- start only: until now;
- end only: from 2005-01-01 00:00;
- neither: the 24 hours before now;

then both are truncated to the hour. Times are naive UTC: a value that carries an offset is
converted to UTC first, and "now" is the UTC clock (the original used the host's local time,
which shifted the window on a host not set to UTC).
"""

from __future__ import annotations

import calendar
import datetime as dt

from performanceplatform.utils import clock

EARLIEST = dt.datetime(2005, 1, 1)
DEFAULT_SPAN = dt.timedelta(hours=24)


def naive_utc(value: dt.date | dt.datetime) -> dt.datetime:
    """A naive UTC datetime: dates become midnight, aware values are converted."""
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.replace(tzinfo=None)


def truncate_to_hour(value: dt.datetime) -> dt.datetime:
    return value.replace(minute=0, second=0, microsecond=0)


def parse_time_range(
    start: dt.date | dt.datetime | None,
    end: dt.date | dt.datetime | None,
    now: dt.datetime | None = None,
) -> tuple[dt.datetime, dt.datetime]:
    """``(start, end)`` as naive UTC datetimes on whole hours."""
    current = naive_utc(now or clock.now())
    if start is None and end is None:
        first, last = current - DEFAULT_SPAN, current
    else:
        first = naive_utc(start) if start is not None else EARLIEST
        last = naive_utc(end) if end is not None else current
    return truncate_to_hour(first), truncate_to_hour(last)


def unix_seconds(value: dt.datetime) -> int:
    """Seconds since the epoch of a naive UTC datetime."""
    return calendar.timegm(value.timetuple())
