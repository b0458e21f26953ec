"""The one place that asks what time it is.

``PP_COLLECTOR_NOW`` (an ISO 8601 instant, e.g. ``2018-08-13T10:00:00+00:00``) freezes the
clock: realtime ids, default date windows and trending weeks then come out as if the run
happened at that instant. The replay tests use it; it is also handy to re-run a missed
cron slot exactly.
"""

from __future__ import annotations

import datetime as dt
import os

from dateutil import parser as date_parser

ENV_NOW = "PP_COLLECTOR_NOW"


def now() -> dt.datetime:
    """The current instant, aware, in UTC."""
    frozen = os.environ.get(ENV_NOW)
    if frozen:
        value = date_parser.isoparse(frozen)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """Today's date on this machine's local calendar (as the original used)."""
    return now().astimezone().date()
