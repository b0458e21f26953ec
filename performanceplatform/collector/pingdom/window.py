"""The hours a Pingdom run asks for (the original's ``parse_time_range``).

- start and end given: kept;
- start only: until now;
- end only: from 2005-01-01 00:00;
- neither: the 24 hours before now;

then both are truncated to the hour. Times are naive UTC: a value that carries an offset is
converted to UTC first, and "now" is the UTC clock (the original used the host's local time,
which shifted the window on a host not set to UTC).

``run_window`` is what a run asks for: the same, except that an end-only run starts at the
hour the check was created (``created`` in ``GET checks``) instead of 2005, or, when Pingdom
does not say, ``MAX_LOOK_BACK`` (366 days) before the end. ``pieces`` cuts a window into
requests of at most ``MAX_SPAN`` (31 days): Pingdom documents no maximum for
``summary.performance``, but 31 days is its limit on other time filters (``/results``) and a
2005-to-now window was 169,452 hours in one call.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from performanceplatform.utils import clock

EARLIEST = dt.datetime(2005, 1, 1)
DEFAULT_SPAN = dt.timedelta(hours=24)
MAX_SPAN = dt.timedelta(days=31)
MAX_LOOK_BACK = dt.timedelta(days=366)


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


def open_start(end: dt.datetime, created: Any) -> dt.datetime:
    """Where an end-only run starts: the hour of the check's creation (Unix seconds), or
    ``MAX_LOOK_BACK`` before ``end`` when ``created`` is not a usable time."""
    if isinstance(created, (int, float)) and not isinstance(created, bool) and created > 0:
        try:
            first = dt.datetime.fromtimestamp(created, dt.timezone.utc).replace(tzinfo=None)
            return min(truncate_to_hour(first), end)
        except (OverflowError, OSError, ValueError):
            pass
    return end - MAX_LOOK_BACK


def run_window(
    start: dt.date | dt.datetime | None,
    end: dt.date | dt.datetime | None,
    created: Any = None,
    now: dt.datetime | None = None,
) -> tuple[dt.datetime, dt.datetime]:
    """The hours a run asks for: ``parse_time_range``, but an end-only run starts at the
    check's creation (see ``open_start``) rather than in 2005."""
    first, last = parse_time_range(start, end, now)
    if start is None and end is not None:
        first = open_start(last, created)
    return first, last


def pieces(start: dt.datetime, end: dt.datetime,
           span: dt.timedelta = MAX_SPAN) -> list[tuple[dt.datetime, dt.datetime]]:
    """``[start, end)`` as consecutive pieces of at most ``span``, in order; a window that
    fits (or is empty) is one piece, exactly as given."""
    if end - start <= span:
        return [(start, end)]
    parts = []
    while start < end:
        parts.append((start, min(start + span, end)))
        start = parts[-1][1]
    return parts
