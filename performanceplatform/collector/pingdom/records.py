"""One Pingdom hour becomes one Backdrop record (spec sources.md §3.4).

``_id`` is the check name with each space replaced by ``_``, a dot, and the hour's start as
``2013-06-15T22:00:00+00:00``; ``_timestamp`` is that same text. The four metrics are copied
as Pingdom sent them and ``check`` keeps the name as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from performanceplatform.utils.errors import SourceError

METRICS = ("avgresponse", "uptime", "downtime", "unmonitored")


def hour_start(starttime: Any) -> dt.datetime:
    """The aware UTC start of an hour from Pingdom's Unix seconds (or an aware datetime)."""
    if isinstance(starttime, dt.datetime):
        return starttime.astimezone(dt.timezone.utc)
    return dt.datetime.fromtimestamp(int(starttime), dt.timezone.utc)


def record_id(check_name: str, timestamp: str) -> str:
    return f"{check_name.replace(' ', '_')}.{timestamp}"


def to_record(hour: Mapping[str, Any], check_name: str) -> dict[str, Any]:
    """The record of one hour of ``summary.performance``."""
    timestamp = hour_start(hour["starttime"]).isoformat()
    record: dict[str, Any] = {
        "_timestamp": timestamp,
        "_id": record_id(check_name, timestamp),
        "check": check_name,
    }
    for metric in METRICS:
        record[metric] = hour[metric]
    return record


def to_records(hours: Iterable[Mapping[str, Any]], check_name: str) -> Iterator[dict[str, Any]]:
    """Every hour's record, in Pingdom's order; a malformed hour is a ``SourceError``."""
    for number, hour in enumerate(hours, start=1):
        try:
            yield to_record(hour, check_name)
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise SourceError(
                f"pingdom: hour {number} of summary.performance for check '{check_name}' "
                f"is malformed ({type(exc).__name__}: {exc})"
            )
