"""The GA4 query keys: checked all at once, then turned into Data API request bodies."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from performanceplatform.google.rows import DEFAULT_FREQUENCY, FREQUENCIES
from performanceplatform.records.options import RECORD_OPTION_KEYS, check_record_options
from performanceplatform.utils.checks import Problems

DEFAULT_PAGE_SIZE = 10000
MAX_PAGE_SIZE = 250000
PROPERTY = re.compile(r"^(?:properties/)?(\d+)$")
# "Requests are allowed up to 9 dimensions" / "up to 10 metrics" (Dimension, Metric reference)
MOST = {"dimensions": 9, "metrics": 10}
# v3 keys that mean something else (or nothing) in GA4, and what to use instead.
V3_KEYS = {
    "id": "use 'property' (the GA4 property id)",
    "ids": "use 'property' (the GA4 property id)",
    "filters": "use 'dimensionFilter' / 'metricFilter' (see MIGRATION.rst)",
    "sort": "use 'orderBys'",
    "segment": "segments do not exist in the GA4 Data API; use a dimensionFilter",
}
REPORT_KEYS = frozenset({
    "property", "metrics", "dimensions", "dimensionFilter", "metricFilter", "orderBys",
    "limit", "maxResults", "frequency", "keepEmptyRows", "returnPropertyQuota",
})
OPTION_KEYS = RECORD_OPTION_KEYS


@dataclass
class ReportQuery:
    """A checked ``ga4`` query."""

    property_id: str
    metrics: list[str]
    dimensions: list[str] = field(default_factory=list)
    dimension_filter: dict[str, Any] | None = None
    metric_filter: dict[str, Any] | None = None
    order_bys: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = DEFAULT_PAGE_SIZE
    max_results: int | None = None
    frequency: str = DEFAULT_FREQUENCY
    keep_empty_rows: bool = False
    return_quota: bool = True

    @property
    def time_span(self) -> str:
        return FREQUENCIES[self.frequency]

    def body(self, start: dt.date, end: dt.date) -> dict[str, Any]:
        """The ``runReport`` body for one period (without ``limit``/``offset``)."""
        body: dict[str, Any] = {
            "dateRanges": [{"startDate": start.isoformat(), "endDate": end.isoformat()}],
            "dimensions": [{"name": name} for name in self.dimensions],
            "metrics": [{"name": name} for name in self.metrics],
        }
        if self.dimension_filter:
            body["dimensionFilter"] = self.dimension_filter
        if self.metric_filter:
            body["metricFilter"] = self.metric_filter
        if self.order_bys:
            body["orderBys"] = self.order_bys
        if self.keep_empty_rows:
            body["keepEmptyRows"] = True
        if self.return_quota:
            body["returnPropertyQuota"] = True
        return body


def names(problems: Problems, query: Mapping[str, Any], key: str, required: bool) -> list[str]:
    """A list of GA4 field names from a string or a list; ``ga:``/``rt:`` names refused."""
    value = query.get(key)
    if value is None:
        if required:
            problems.add(f"query.{key}", "missing")
        return []
    found = [value] if isinstance(value, str) else value
    if not isinstance(found, list) or not all(isinstance(n, str) and n for n in found):
        problems.add(f"query.{key}", "expected a name or a list of names")
        return []
    prefixed = [n for n in found if n.startswith(("ga:", "rt:", "-"))]
    if prefixed:
        problems.add(f"query.{key}", f"{prefixed[0]!r} is a v3 name; GA4 names have no "
                                     "prefix (see MIGRATION.rst)")
    if required and not found:
        problems.add(f"query.{key}", "at least one is needed")
    if key in MOST and len(found) > MOST[key]:
        problems.add(f"query.{key}", f"the Data API takes at most {MOST[key]} {key} in a "
                                     f"request, not {len(found)}")
    return found


def property_id(problems: Problems, query: Mapping[str, Any]) -> str:
    raw = query.get("property")
    match = PROPERTY.match(str(raw)) if isinstance(raw, (str, int)) else None
    if not match or isinstance(raw, bool):
        problems.add("query.property", "missing" if raw is None else
                     f"expected a GA4 property id such as '123456789', got {raw!r:.40}")
        return ""
    return match.group(1)


def optional_object(problems: Problems, query: Mapping[str, Any], key: str
                    ) -> dict[str, Any] | None:
    value = query.get(key)
    if value is not None and not isinstance(value, dict):
        problems.add(f"query.{key}", "expected a JSON object (a GA4 FilterExpression)")
        return None
    return value


def order_bys(problems: Problems, query: Mapping[str, Any], metrics: list[str]
              ) -> list[dict[str, Any]]:
    """``orderBys``: GA4 OrderBy objects, or v3-style names (``"-sessions"`` = descending)."""
    value = query.get("orderBys") or []
    if not isinstance(value, list):
        problems.add("query.orderBys", "expected a list")
        return []
    found = []
    for entry in value:
        if isinstance(entry, dict):
            found.append(entry)
        elif isinstance(entry, str) and entry.lstrip("-"):
            name = entry.lstrip("-")
            kind = ("metric", "metricName") if name in metrics else ("dimension",
                                                                      "dimensionName")
            found.append({kind[0]: {kind[1]: name}, "desc": entry.startswith("-")})
        else:
            problems.add("query.orderBys", f"expected OrderBy objects or names, got {entry!r:.40}")
    return found


def flag(problems: Problems, query: Mapping[str, Any], key: str, default: bool = False) -> bool:
    value = query.get(key, default)
    if not isinstance(value, bool):
        problems.add(f"query.{key}", f"expected true or false, got {value!r:.40}")
        return default
    return value


def whole_number(problems: Problems, query: Mapping[str, Any], key: str, low: int,
                 high: int | None = None) -> int | None:
    value = query.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (
            high is not None and value > high):
        upper = f" and at most {high}" if high is not None else ""
        problems.add(f"query.{key}", f"expected a whole number of at least {low}{upper}, "
                                     f"got {value!r:.40}")
        return None
    return value


def unknown_keys(problems: Problems, query: Mapping[str, Any], known: frozenset[str]) -> None:
    """Unknown query keys, with what to use instead of a v3 key (``utils.checks``)."""
    from performanceplatform.utils.checks import unknown_keys as refuse_unknown

    refuse_unknown(problems, query, known, "query", hints=V3_KEYS)


def parse_report_query(query: Any, options: Any, problems: Problems) -> ReportQuery:
    """A ``ReportQuery``; problems are recorded in ``problems`` (the caller raises them)."""
    query = query if isinstance(query, Mapping) else {}
    unknown_keys(problems, query, REPORT_KEYS)
    check_record_options(problems, options, known=OPTION_KEYS)
    metrics = names(problems, query, "metrics", required=True)
    frequency = query.get("frequency", DEFAULT_FREQUENCY)
    if frequency not in FREQUENCIES:
        problems.add("query.frequency", "Bad value of frequency, should be daily, weekly or "
                                        "monthly")
        frequency = DEFAULT_FREQUENCY
    return ReportQuery(
        property_id=property_id(problems, query),
        metrics=metrics,
        dimensions=names(problems, query, "dimensions", required=False),
        dimension_filter=optional_object(problems, query, "dimensionFilter"),
        metric_filter=optional_object(problems, query, "metricFilter"),
        order_bys=order_bys(problems, query, metrics),
        page_size=whole_number(problems, query, "limit", 1, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE,
        max_results=whole_number(problems, query, "maxResults", 0) or None,
        frequency=frequency,
        keep_empty_rows=flag(problems, query, "keepEmptyRows"),
        return_quota=flag(problems, query, "returnPropertyQuota", default=True),
    )
