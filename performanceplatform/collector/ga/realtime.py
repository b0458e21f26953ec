"""``performanceplatform.collector.ga.realtime``: active visitors right now.

One GET of the v3 Real Time Reporting API with the query's keys as its parameters, and one
record, POSTed as a JSON object::

    {"_timestamp": "2018-11-09T14:05:35+00:00", "_id": <same text>,
     "unique_visitors": 2446, "for_url": <query.filters or "">}

Realtime collectors cannot back-fill: ``--start``/``--end`` are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from performanceplatform.pipeline.collector import Checks
from performanceplatform.pipeline.entrypoint import entrypoint
from performanceplatform.pipeline.realtime import RealtimeCollector, visitors_record
from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import SourceError

PARAMETERS = {"ids": "ids", "metrics": "metrics", "dimensions": "dimensions",
              "filters": "filters", "sort": "sort", "max_results": "max-results"}
REQUIRED = ("ids", "metrics")
RETIRED = ("Google shut down Universal Analytics and its Real Time Reporting API v3 in "
           "2023-2024; move the query to performanceplatform.collector.ga4.realtime "
           "(collector/ga4/MIGRATION.rst)")
QUERY_KEYS = frozenset(PARAMETERS)
REFUSED_UNKNOWN_KEYS = ("query",)  # each is sent as an API parameter: a typo is an error


main = entrypoint(__name__, "performanceplatform.collector.ga.realtime:Realtime")

class Realtime(RealtimeCollector):
    """The Real Time Reporting request, now; one record, POSTed as an object."""

    source = "Google Analytics realtime"

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        self.params = realtime_params(query, problems.query)
        self.query, self.credentials = query, credentials

    def connect(self) -> None:
        from .client import CoreReportingClient

        self.client = CoreReportingClient.from_credentials(self.credentials)

    def request(self) -> dict[str, Any]:
        return self.client.realtime(self.params)

    def record(self, answer: Mapping[str, Any], now: Any) -> dict[str, Any]:
        return visitors_record(visitors(answer), self.query.get("filters", ""), now)


def realtime_params(query: Any, problems: Problems | None = None) -> dict[str, str]:
    """The query's keys as API parameters, passed as they are (no ``ga:`` added); problems
    go into ``problems`` (else they are raised)."""
    from performanceplatform.utils.checks import unknown_keys

    found = problems if problems is not None else Problems()
    if not isinstance(query, Mapping):
        found.add("query", "expected an object")
        query = {}
    unknown_keys(found, query, QUERY_KEYS)
    for key in REQUIRED:
        if not query.get(key):
            found.add(f"query.{key}", "missing")
    if problems is None:
        found.raise_if_any()
    params = {PARAMETERS[key]: _text(value) for key, value in query.items()
              if value is not None and key in PARAMETERS}
    params["alt"] = "json"
    return params


def _text(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def realtime_record(response: Mapping[str, Any], query: Mapping[str, Any]) -> dict[str, Any]:
    from performanceplatform.utils import clock

    return visitors_record(visitors(response), query.get("filters", ""), clock.now())


def visitors(response: Mapping[str, Any]) -> int:
    """The first cell of the first row, or 0 when there are no rows."""
    rows = response.get("rows")
    if not rows:
        return 0
    try:
        return int(rows[0][0])
    except (TypeError, ValueError, IndexError):
        raise SourceError(f"Google Analytics realtime: first cell is not a count: {rows[0]!r:.60}")
