"""One Pingdom hour becomes one Backdrop record (spec sources.md §3.4).

``_id`` is the check name with each space replaced by ``_``, a dot, and the hour's start as
``2013-06-15T22:00:00+00:00``; ``_timestamp`` is that same text. The four metrics are copied
as Pingdom sent them and ``check`` keeps the name as written.

Pingdom API 3.1 warns that "all attributes of a method response are not always present. A
client application should never assume that a certain attribute is present": a metric an
hour lacks is left out of its record (the id does not depend on it), and an hour without a
``starttime`` cannot be dated, so it is not written. ``Gaps`` counts both, for one log line
per run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from performanceplatform.utils.errors import SourceError

METRICS = ("avgresponse", "uptime", "downtime", "unmonitored")
START = "starttime"


@dataclass
class Gaps:
    """How many hours lacked which field, over a run."""

    hours: int = 0
    incomplete: int = 0
    missing: Counter = field(default_factory=Counter)

    def note(self, hour: Mapping[str, Any]) -> None:
        self.hours += 1
        lacking = [name for name in (START, *METRICS) if name not in hour]
        self.incomplete += bool(lacking)
        self.missing.update(lacking)

    def summary(self) -> str | None:
        """One line saying which fields were missing how often, or ``None`` if none was."""
        if not self.missing:
            return None
        counts = ", ".join(f"{name} {self.missing[name]}"
                           for name in (START, *METRICS) if self.missing[name])
        skipped = (f"; the {self.missing[START]} without starttime could not be dated and "
                   "were not written" if self.missing[START] else "")
        return (f"pingdom: {self.incomplete} of {self.hours} hours lacked fields (hours "
                f"lacking each: {counts}); their records were written without those "
                f"fields{skipped}")


def hour_start(starttime: Any) -> dt.datetime:
    """The aware UTC start of an hour from Pingdom's Unix seconds (or an aware datetime)."""
    if isinstance(starttime, dt.datetime):
        return starttime.astimezone(dt.timezone.utc)
    return dt.datetime.fromtimestamp(int(starttime), dt.timezone.utc)


def record_id(check_name: str, timestamp: str) -> str:
    return f"{check_name.replace(' ', '_')}.{timestamp}"


def to_record(hour: Mapping[str, Any], check_name: str) -> dict[str, Any]:
    """The record of one hour of ``summary.performance``, with the metrics it has."""
    timestamp = hour_start(hour[START]).isoformat()
    record: dict[str, Any] = {
        "_timestamp": timestamp,
        "_id": record_id(check_name, timestamp),
        "check": check_name,
    }
    for metric in METRICS:
        if metric in hour:
            record[metric] = hour[metric]
    return record


def to_records(hours: Iterable[Any], check_name: str,
               gaps: Gaps | None = None) -> Iterator[dict[str, Any]]:
    """Every dated hour's record, in Pingdom's order; an hour that is not an object or whose
    ``starttime`` is not a time is a ``SourceError``."""
    gaps = gaps if gaps is not None else Gaps()
    for number, hour in enumerate(hours, start=1):
        if isinstance(hour, Mapping):
            gaps.note(hour)
            if START not in hour:
                continue
        try:
            yield to_record(hour, check_name)
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise SourceError(
                f"pingdom: hour {number} of summary.performance for check '{check_name}' "
                f"is malformed ({type(exc).__name__}: {exc})"
            )
