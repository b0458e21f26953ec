"""``performanceplatform.collector.ga.realtime``: active visitors right now.

One GET of the v3 Real Time Reporting API with the query's keys as its parameters, and one
record, POSTed as a JSON object::

    {"_timestamp": "2018-11-09T14:05:35+00:00", "_id": <same text>,
     "unique_visitors": 2446, "for_url": <query.filters or "">}

Realtime collectors cannot back-fill: ``--start``/``--end`` are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from performanceplatform.pipeline.collector import Checks, Collector, Unit
from performanceplatform.utils.errors import ConfigError, SourceError

PARAMETERS = {"ids": "ids", "metrics": "metrics", "dimensions": "dimensions",
              "filters": "filters", "sort": "sort", "max_results": "max-results"}
REQUIRED = ("ids", "metrics")
RETIRED = ("Google shut down Universal Analytics and its Real Time Reporting API v3 in "
           "2023-2024; move the query to performanceplatform.collector.ga4.realtime "
           "(collector/ga4/MIGRATION.rst)")
QUERY_KEYS = frozenset(PARAMETERS)


def main(credentials: dict[str, Any], data_set_config: dict[str, Any], query: dict[str, Any],
         options: dict[str, Any], start_at: Any, end_at: Any) -> None:
    from performanceplatform.pipeline.runner import run

    run(Realtime(data_set_config["data-type"]), credentials, data_set_config, query, options,
        start_at, end_at)


class Realtime(Collector):
    """One unit: the Real Time Reporting request, now; one record, POSTed as an object."""

    source = "Google Analytics realtime"
    unit_noun = "request"
    builds_records = True
    one_object = True
    write_options = frozenset()

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        self.params = realtime_params(query)
        self.query, self.credentials = query, credentials

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        if start_at or end_at:
            raise ConfigError("Cannot backfill realtime collectors", key="--start/--end")
        from .client import CoreReportingClient

        self.client = CoreReportingClient.from_credentials(self.credentials)
        return [Unit("now")]

    def fetch(self, unit: Unit) -> list[dict[str, Any]]:
        return [self.client.realtime(self.params)]

    def build(self, unit: Unit, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [realtime_record(answer, self.query) for answer in rows]


def realtime_params(query: Mapping[str, Any]) -> dict[str, str]:
    """The query's keys as API parameters, passed as they are (no ``ga:`` added)."""
    problems = [f"key 'query.{key}': not a realtime parameter (known: {', '.join(PARAMETERS)})"
                for key in query if key not in PARAMETERS]
    problems += [f"key 'query.{key}': missing" for key in REQUIRED if not query.get(key)]
    if problems:
        raise ConfigError("; ".join(problems))
    params = {PARAMETERS[key]: _text(value) for key, value in query.items()
              if value is not None}
    params["alt"] = "json"
    return params


def _text(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def realtime_record(response: Mapping[str, Any], query: Mapping[str, Any]) -> dict[str, Any]:
    from performanceplatform.utils import clock

    timestamp = clock.now().replace(microsecond=0).isoformat()
    return {
        "_timestamp": timestamp,
        "_id": timestamp,
        "unique_visitors": visitors(response),
        "for_url": query.get("filters", ""),
    }


def visitors(response: Mapping[str, Any]) -> int:
    """The first cell of the first row, or 0 when there are no rows."""
    rows = response.get("rows")
    if not rows:
        return 0
    try:
        return int(rows[0][0])
    except (TypeError, ValueError, IndexError):
        raise SourceError(f"Google Analytics realtime: first cell is not a count: {rows[0]!r:.60}")
