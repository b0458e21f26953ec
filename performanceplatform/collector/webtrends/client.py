"""Talking to the Webtrends Data Extraction (DX) API: Basic auth, periods, one GET per period.

Webtrends names days as ``2014m08d03`` and relative periods as ``current_hour-1`` or
``current_day-1``. Key metrics ask for the whole range in one request; reports ask for one
day per request, oldest first (as the original did).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from performanceplatform.transport.http import make_session, redact_url, source_json
from performanceplatform.utils.errors import SourceError

log = logging.getLogger(__name__)

SOURCE = "webtrends"
LAST_HOUR = "current_hour-1"
YESTERDAY = "current_day-1"

Period = tuple[str, str]


def to_datetime(value: str | dt.date | dt.datetime) -> dt.datetime:
    """A ``YYYY-MM-DD`` string, a date or a datetime as a datetime (datetimes unchanged)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return dt.datetime.strptime(value, "%Y-%m-%d")


def day_period(value: str | dt.date | dt.datetime) -> str:
    """Webtrends' name of a day: ``2014-08-03`` → ``2014m08d03``."""
    return to_datetime(value).strftime("%Ym%md%d")


def _both_or_neither(start_at: Any, end_at: Any, default: str) -> bool:
    if (start_at is None) != (end_at is None):
        log.warning("Webtrends needs both a start and an end date; only one was given, so "
                    "the default period %s is collected", default)
    return start_at is not None and end_at is not None


def keymetrics_periods(start_at: Any, end_at: Any) -> list[Period]:
    """One period for the whole range, or the last complete hour without dates."""
    if not _both_or_neither(start_at, end_at, LAST_HOUR):
        return [(LAST_HOUR, LAST_HOUR)]
    return [(day_period(start_at), day_period(end_at))]


def report_periods(start_at: Any, end_at: Any) -> list[Period]:
    """One single-day period per day from start to end inclusive, or yesterday."""
    if not _both_or_neither(start_at, end_at, YESTERDAY):
        return [(YESTERDAY, YESTERDAY)]
    first, last = to_datetime(start_at).date(), to_datetime(end_at).date()
    days = (last - first).days + 1
    periods = [day_period(first + dt.timedelta(days=n)) for n in range(max(days, 0))]
    return [(day, day) for day in periods]


class WebtrendsClient:
    """GETs one report URL per period with HTTP Basic auth and returns each ``data`` blob."""

    def __init__(self, user: str, password: str, session=None):
        self.session = session or make_session()
        self.session.auth = (user, password)

    def fetch(self, url: str, periods: list[Period], extra: dict[str, str] | None = None
              ) -> Iterator[tuple[str, Any]]:
        """``(url, data)`` for each period, in order."""
        for period in periods:
            yield url, self.fetch_period(url, period, extra)

    def fetch_period(self, url: str, period: Period, extra: dict[str, str] | None = None) -> Any:
        """The ``data`` blob of one period."""
        start, end = period
        params = {"start_period": start, "end_period": end, "format": "json"}
        params.update(extra or {})
        log.info("Fetching Webtrends %s for %s..%s", redact_url(url), start, end)
        body = source_json(self.session, "GET", url, source=SOURCE, params=params)
        if not isinstance(body, dict) or "data" not in body:
            raise SourceError(f"{SOURCE}: GET {redact_url(url)} ({start}..{end}) answered "
                              "JSON without a 'data' member", url=redact_url(url))
        return body["data"]
