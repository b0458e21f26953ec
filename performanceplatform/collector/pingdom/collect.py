"""The four steps of a Pingdom run (``pipeline.collector``): check the config, the 31-day
pieces of the window, the hours of a piece, hours → records."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from performanceplatform.collector.pingdom.client import check_credentials
from performanceplatform.pipeline.collector import Checks, Collector, Unit

log = logging.getLogger(__name__)


class Hours(Collector):
    """One unit per piece of at most 31 days of the run's hours (``window.pieces``).

    Its records are built here (``_id`` = check name and hour), not by the record builder,
    and only ``chunk-size`` applies to writing them, as in the original."""

    source = "pingdom"
    unit_noun = "piece"
    builds_records = True
    write_options = frozenset({"chunk-size"})

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        check_credentials(credentials, problems.credentials)
        problems.query.text(query if isinstance(query, dict) else {}, "name", "query.name")
        problems.query.chunk_size(options if isinstance(options, dict) else {})
        self.credentials = credentials

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        """The pieces of the window; an end-only window starts at the check's creation, so
        this asks Pingdom for the check (one ``GET checks``) first."""
        from performanceplatform.collector.pingdom.client import API_2_0, PingdomClient
        from performanceplatform.collector.pingdom.records import Gaps
        from performanceplatform.collector.pingdom.window import pieces, run_window

        self.client = PingdomClient.from_credentials(self.credentials)
        if self.client.api is API_2_0:
            from performanceplatform.collector.pingdom.constants import RETIRED_CREDENTIALS
            from performanceplatform.utils.retired import warn_retired

            warn_retired("pingdom credentials with user/password/app_key (API 2.0)",
                         RETIRED_CREDENTIALS)
        self.name = query["name"]
        found = self.client.find_check(self.name)
        self.check_id = found["id"]
        start, end = run_window(start_at, end_at, found.get("created"))
        log.info("pingdom API %s: check %r from %s to %s", self.client.api.version, self.name,
                 start, end)
        if end <= start:  # e.g. -s …T13:45 -e …T02:00: a day both allow, but no whole hour
            log.warning("pingdom: nothing to collect for check %r: the window ends at %s, "
                        "not after its start at %s (times on the hour, UTC)", self.name,
                        end, start)
            return []
        self.gaps = Gaps()
        return [Unit.period(first, last) for first, last in pieces(start, end)]

    def fetch(self, unit: Unit) -> list[dict[str, Any]]:
        from performanceplatform.collector.pingdom.window import unix_seconds

        start, end = unit.start, unit.end
        assert isinstance(start, dt.datetime) and isinstance(end, dt.datetime)  # plan's pieces
        return self.client.hours(self.check_id, unix_seconds(start), unix_seconds(end))

    def build(self, unit: Unit, rows: Iterable[Any]):
        from performanceplatform.collector.pingdom.records import to_records

        return to_records(rows, self.name, self.gaps)

    def close(self) -> None:
        note = self.gaps.summary() if hasattr(self, "gaps") else None
        if note:
            log.warning("%s", note)
