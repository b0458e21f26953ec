"""What every realtime collector shares: one request, now, and its one record.

A realtime collector declares ``check`` (as any collector), ``connect()`` (its client, made
once the query is known good), ``request()`` (the one source request) and ``record(answer,
now)`` (the one record); this base refuses ``--start``/``--end`` before any request, plans
the one unit, stamps the record with the run's clock and writes it::

    class Realtime(RealtimeCollector):
        source = "GA4 realtime"

        def check(self, query, options, credentials, problems): ...
        def connect(self): ...
        def request(self): ...            # the answer
        def record(self, answer, now): ...  # e.g. visitors_record(count, for_url, now)

The collectors of the original POSTed their one record as a JSON object, not in a list
(``one_object``); Piwik's went through its ``Pusher`` (a list of one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from performanceplatform.pipeline.collector import Collector, Record, Unit
from performanceplatform.utils.errors import ConfigError

NO_BACKFILL = "Cannot backfill realtime collectors (drop -s/--start and -e/--end)"


class RealtimeCollector(Collector):
    """One unit, ``now``: one request, one record."""

    unit_noun = "request"
    builds_records = True
    whole_set = True  # one record: written once it is built
    write_options: ClassVar[frozenset[str]] = frozenset()
    # each record is POSTed on its own as a JSON object, not in a list
    one_object: ClassVar[bool] = True

    def connect(self) -> None:
        """Make the client ``request`` uses (the query and credentials were checked)."""

    def request(self) -> Any:
        """The source's answer, now (called in a worker thread)."""
        raise NotImplementedError

    def record(self, answer: Any, now: dt.datetime) -> Record:
        """The one record of ``answer``, stamped ``now`` (aware, UTC)."""
        raise NotImplementedError

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        if start_at or end_at:
            raise ConfigError(NO_BACKFILL, where="--start/--end")
        self.connect()
        return [Unit("now")]

    def fetch(self, unit: Unit) -> list[Any]:
        return [self.request()]

    def build(self, unit: Unit, rows: Iterable[Any]) -> list[Record]:
        from performanceplatform.utils import clock

        now = clock.now()
        return [self.record(answer, now) for answer in rows]

    def write_all(self, sink: Any, records: list[Record]) -> None:
        if not self.one_object:
            return super().write_all(sink, records)
        for record in records:
            sink.write_object(record)


def stamp(now: dt.datetime) -> str:
    """``now`` to the second, in UTC: the ``_timestamp`` and ``_id`` of a realtime record."""
    return now.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()


def visitors_record(count: int, for_url: Any, now: dt.datetime) -> Record:
    """``{"_timestamp", "_id", "unique_visitors", "for_url"}``, as the original's realtime
    collectors wrote it."""
    moment = stamp(now)
    return {"_timestamp": moment, "_id": moment, "unique_visitors": count,
            "for_url": for_url}
