"""``performanceplatform.collector.ga.trending``: which pages rise or fall, week on week.

One Core Reporting query over the last two full weeks before today (``day``, ``month`` and
``year`` added to the dimensions), summed per ``pageTitle`` into ``week1`` (the older week)
and ``week2``, each floored at 500, with ``percent_change`` between them. The data set is
emptied, then all records are POSTed at once. ``_id`` is the URL-safe base64 of the page
path, so two titles on one path share an id, as they did in the original.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from performanceplatform.utils.errors import ConfigError, SourceError

from .query import CoreQuery, as_list, list_problems, raise_problems

DATE_DIMENSIONS = ("day", "month", "year")
REQUIRED_DIMENSIONS = ("pageTitle", "pagePath")
FLOOR = 500
RETIRED = ("Google shut down Universal Analytics and its Core Reporting API v3 in 2023-2024; "
           "GA4 has no trending collector: query the two weeks with "
           "performanceplatform.collector.ga4 (collector/ga4/MIGRATION.rst)")
QUERY_KEYS = frozenset({"id", "metric", "dimensions", "filters", "segment"})


def main(credentials: dict[str, Any], data_set_config: dict[str, Any], query: dict[str, Any],
         options: dict[str, Any], start_at: Any, end_at: Any) -> None:
    from performanceplatform.sinks import data_set_for
    from performanceplatform.utils import clock

    from .client import CoreReportingClient
    from .records import items_from_page

    request = parse_query(query)
    start, middle, end = week_dates(clock.today())
    client = CoreReportingClient.from_credentials(credentials)
    period = request.for_period(start, end)
    items = [item for page in client.pages(period) for item in items_from_page(page, period)]
    records = trending_records(items, request.metrics[0], start, middle)
    data_set = data_set_for(data_set_config)
    data_set.empty_data_set()
    data_set.post(records)


def parse_query(query: Mapping[str, Any]) -> CoreQuery:
    """The trending query: ``metric``, ``dimensions`` (with pageTitle and pagePath), ``id``."""
    problems = []
    if not isinstance(query, Mapping):
        raise ConfigError("key 'query': expected an object")
    if not query.get("metric") or not isinstance(query["metric"], str):
        problems.append("key 'query.metric': Metric required")
    if not isinstance(query.get("id"), (str, int)) or not str(query.get("id")):
        problems.append("key 'query.id': missing (the GA view id)")
    problems += list_problems(query, "dimensions") + list_problems(query, "filters")
    dimensions = [d for d in as_list(query.get("dimensions")) if d not in DATE_DIMENSIONS]
    missing = [name for name in REQUIRED_DIMENSIONS if name not in dimensions]
    if missing:
        problems.append(f"key 'query.dimensions': must include {' and '.join(missing)}")
    raise_problems(problems)
    return CoreQuery(
        ids=str(query["id"]),
        metrics=(query["metric"],),
        dimensions=tuple(as_list(query.get("dimensions")) + list(DATE_DIMENSIONS)),
        filters=tuple(as_list(query.get("filters"))),
        segment=query.get("segment") or None,
    )


def week_dates(today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(first day of week 1, first day of week 2, last day of week 2)."""
    return (today - dt.timedelta(days=14), today - dt.timedelta(days=7),
            today - dt.timedelta(days=1))


def trending_records(items: Iterable[Mapping[str, Any]], metric: str, start: dt.date,
                     middle: dt.date) -> list[dict[str, Any]]:
    """One record per page title, in the order the original's dict gave them."""
    from performanceplatform.records.py2compat import py2_values

    pages = sum_weeks(items, metric, start, middle)
    records = []
    for page in py2_values(pages):
        page["percent_change"] = float(page["week2"] - page["week1"]) / page["week1"] * 100
        page["_id"] = encode_id(page["pagePath"])
        records.append(page)
    return records


def sum_weeks(items: Iterable[Mapping[str, Any]], metric: str, start: dt.date,
              middle: dt.date) -> dict[str, dict[str, Any]]:
    """``week1``/``week2`` totals per ``pageTitle``, floored at 500; the shortest path wins."""
    from performanceplatform.records.periods import to_datetime

    pages: dict[str, dict[str, Any]] = {}
    for item in items:
        dimensions = item["dimensions"]
        page = pages.setdefault(dimensions["pageTitle"], {
            **{k: v for k, v in dimensions.items() if k not in DATE_DIMENSIONS},
            "week1": 0, "week2": 0, "_timestamp": to_datetime(start)})
        if "(other)" in (dimensions["day"], dimensions["month"], dimensions["year"]):
            continue
        day = _row_date(dimensions)
        if dimensions["pagePath"] in page["pagePath"]:
            page["pagePath"] = dimensions["pagePath"]
        page["week2" if day >= middle else "week1"] += _count(item["metrics"][metric])
    for page in pages.values():
        page["week1"] = max(page["week1"], FLOOR)
        page["week2"] = max(page["week2"], FLOOR)
    return pages


def _row_date(dimensions: Mapping[str, str]) -> dt.date:
    try:
        return dt.date(int(dimensions["year"]), int(dimensions["month"]), int(dimensions["day"]))
    except ValueError:
        raise SourceError("Google Analytics: row has no valid day/month/year: "
                          f"{dimensions['day']!r}/{dimensions['month']!r}/{dimensions['year']!r}")


def _count(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SourceError(f"Google Analytics: trending count is not a whole number: {value!r}")


def encode_id(path: str) -> str:
    """URL-safe base64 of the UTF-8 path: ``/performance`` → ``L3BlcmZvcm1hbmNl``."""
    return base64.urlsafe_b64encode(path.encode("utf-8")).decode("ascii")
