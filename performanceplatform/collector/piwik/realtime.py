"""Piwik/Matomo visitors right now (``performanceplatform.collector.piwik.realtime``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from performanceplatform.pipeline.collector import Checks, Collector
from performanceplatform.pipeline.entrypoint import entrypoint
from performanceplatform.pipeline.realtime import RealtimeCollector

DEFAULT_MINUTES = 2
QUERY_KEYS = frozenset({"site_id", "api_method", "minutes"})


def validate(credentials: Any, query: Any, options: Any) -> None:
    """Every problem of the credentials, query and options, as one ``ConfigError``."""
    from performanceplatform.pipeline.runner import check

    check(Realtime(None), credentials, query, options)


class Realtime(RealtimeCollector):
    """``Live.getCounters`` now; one record (in a list, chunked as the original's Pusher)."""

    source = "piwik realtime"
    one_object = False
    write_options = Collector.write_options

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        from performanceplatform.collector.piwik.client import check_credentials

        check_credentials(credentials, problems.credentials)
        found = problems.query
        query = query if isinstance(query, dict) else {}
        found.text(query, "site_id", "query.site_id")
        found.text(query, "api_method", "query.api_method")
        minutes = query.get("minutes", DEFAULT_MINUTES)
        if isinstance(minutes, bool) or not str(minutes).isdigit() or int(minutes) < 1:
            found.add("query.minutes", f"expected a whole number of minutes, got {minutes!r:.20}")
        found.chunk_size(options if isinstance(options, dict) else {})
        self.credentials = credentials
        self.params = {"method": query.get("api_method"), "idSite": query.get("site_id"),
                       "format": "json", "lastMinutes": minutes}

    def connect(self) -> None:
        from performanceplatform.collector.piwik.client import PiwikClient

        self.client = PiwikClient(self.credentials)

    def request(self) -> Any:
        return self.client.call(self.params)

    def record(self, answer: Any, now: Any) -> dict[str, Any]:
        from performanceplatform.collector.piwik.records import realtime_record

        return realtime_record(answer, now)


main = entrypoint(__name__, "performanceplatform.collector.piwik.realtime:Realtime")
