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

from performanceplatform.utils.errors import ConfigError, SourceError

PARAMETERS = {"ids": "ids", "metrics": "metrics", "dimensions": "dimensions",
              "filters": "filters", "sort": "sort", "max_results": "max-results"}
REQUIRED = ("ids", "metrics")
QUERY_KEYS = frozenset(PARAMETERS)


def main(credentials: dict[str, Any], data_set_config: dict[str, Any], query: dict[str, Any],
         options: dict[str, Any], start_at: Any, end_at: Any) -> None:
    if start_at or end_at:
        raise ConfigError("Cannot backfill realtime collectors", key="--start/--end")
    from performanceplatform.client import DataSet

    from .client import CoreReportingClient

    params = realtime_params(query)
    data_set = DataSet.from_config(data_set_config)
    client = CoreReportingClient.from_credentials(credentials)
    data_set.post(realtime_record(client.realtime(params), query))


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
