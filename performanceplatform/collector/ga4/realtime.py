"""GA4 realtime: active users now, as one record shaped like ``ga.realtime``'s (see
README.rst)::

    {"_timestamp": "2018-11-09T14:05:35+00:00", "_id": <the same>, "unique_visitors": 2446,
     "for_url": "<the query's for_url, or ''>"}

``unique_visitors`` is the report's total of the first metric (``metricAggregations: TOTAL``),
never a sum over rows: a user active on two screens is in two rows, and rows past ``limit``
are not sent. With two ``minuteRanges`` the total of the first range is used (each range has
its own total row, valued by the ``dateRange`` dimension).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from performanceplatform.pipeline.collector import Checks
from performanceplatform.pipeline.entrypoint import entrypoint
from performanceplatform.pipeline.realtime import RealtimeCollector, visitors_record
from performanceplatform.utils.errors import SourceError

log = logging.getLogger(__name__)

DEFAULT_METRIC = "activeUsers"
DATE_RANGE = "dateRange"
REALTIME_KEYS = frozenset({
    "property", "metrics", "dimensions", "dimensionFilter", "metricFilter", "minuteRanges",
    "limit", "for_url", "returnPropertyQuota",
})
QUERY_KEYS = REALTIME_KEYS
REFUSED_UNKNOWN_KEYS = ("query",)  # its check refuses them (did you mean ...?)


def realtime_body(query: Mapping[str, Any], problems) -> dict[str, Any]:  # noqa: ANN001
    """The ``runRealtimeReport`` body; problems are recorded in ``problems``."""
    from performanceplatform.collector.ga4 import query as keys

    keys.unknown_keys(problems, query, REALTIME_KEYS)
    metrics = keys.names(problems, {"metrics": DEFAULT_METRIC, **query}, "metrics", True)
    body: dict[str, Any] = {
        "dimensions": [{"name": n} for n in keys.names(problems, query, "dimensions", False)],
        "metrics": [{"name": n} for n in metrics],
    }
    for key in ("dimensionFilter", "metricFilter"):
        value = keys.optional_object(problems, query, key)
        if value:
            body[key] = value
    ranges = query.get("minuteRanges")
    if ranges is not None:
        if isinstance(ranges, list) and all(isinstance(r, dict) for r in ranges):
            body["minuteRanges"] = ranges
        else:
            problems.add("query.minuteRanges", "expected a list of MinuteRange objects")
    limit = keys.whole_number(problems, query, "limit", 1, keys.MAX_PAGE_SIZE)
    if limit:
        body["limit"] = limit
    body["metricAggregations"] = ["TOTAL"]
    if keys.flag(problems, query, "returnPropertyQuota", default=True):
        body["returnPropertyQuota"] = True
    if not isinstance(query.get("for_url", ""), str):
        problems.add("query.for_url", "expected a string (the label written as for_url)")
    return body


def visitors(answer: Mapping[str, Any], ranges: list[dict[str, Any]] | None = None) -> int:
    """The total of the first metric (for the first minute range); 0 when nobody is active."""
    totals = answer.get("totals")
    if not totals:
        if answer.get("rows"):
            raise SourceError("ga4 realtime: the answer has rows but no totals, although "
                              "metricAggregations TOTAL was asked for")
        return 0
    row = _first_range_total(answer, totals, ranges or [])
    values = row.get("metricValues") if isinstance(row, dict) else None
    try:
        return int(float(values[0]["value"]))
    except (TypeError, ValueError, KeyError, IndexError):
        raise SourceError(f"ga4 realtime: the total is not a number: {row!r:.80}")


def _first_range_total(answer: Mapping[str, Any], totals: list[Any],
                       ranges: list[dict[str, Any]]) -> Any:
    """The total row of the first minute range (named, or ``date_range_0``)."""
    names = [h.get("name") for h in answer.get("dimensionHeaders") or [] if isinstance(h, dict)]
    if len(ranges) < 2 or DATE_RANGE not in names:
        return totals[0]
    wanted = ranges[0].get("name") or "date_range_0"
    index = names.index(DATE_RANGE)
    for row in totals:
        values = (row.get("dimensionValues") or []) if isinstance(row, dict) else []
        if len(values) > index and values[index].get("value") == wanted:
            return row
    raise SourceError(f"ga4 realtime: no total for the minute range {wanted!r}")


main = entrypoint(__name__, "performanceplatform.collector.ga4.realtime:Realtime")

class Realtime(RealtimeCollector):
    """``runRealtimeReport`` now; one record, POSTed as an object."""

    source = "GA4 realtime"

    api: Any = None

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        from performanceplatform.collector.ga4.collect import SCOPES
        from performanceplatform.collector.ga4.query import property_id
        from performanceplatform.google.credentials import check_credentials

        self.credentials = credentials
        self.google_credentials = check_credentials(credentials, problems.credentials, SCOPES)
        self.query = query if isinstance(query, Mapping) else {}
        self.body = realtime_body(self.query, problems.query)
        self.property = property_id(problems.query, self.query)

    def connect(self) -> None:
        from performanceplatform.collector.ga4.client import DEFAULT_API_ROOT, DataApi
        from performanceplatform.google.credentials import GoogleSession, api_root

        self.api = DataApi(GoogleSession(self.google_credentials),
                           api_root(self.credentials, DEFAULT_API_ROOT), self.property)

    def request(self) -> dict[str, Any]:
        return self.api.realtime(self.body)

    def record(self, answer: Mapping[str, Any], now: Any) -> dict[str, Any]:
        count = visitors(answer, self.body.get("minuteRanges"))
        log.info("ga4 realtime: %d active users", count)
        return visitors_record(count, self.query.get("for_url", ""), now)

    def close(self) -> None:
        if self.api is not None:
            self.api.quota.log_summary(self.property)
