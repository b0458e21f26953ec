"""``performanceplatform.collector.ga.trending``: which pages rise or fall, week on week.

One Core Reporting query over the last two full weeks before today (``day``, ``month`` and
``year`` added to the dimensions), summed per ``pageTitle`` into ``week1`` (the older week)
and ``week2``, each floored at 500, with ``percent_change`` between them. ``_id`` is the
URL-safe base64 of the page path, so two titles on one path share an id, as they did in the
original.

It must see every row before it writes anything (it compares the two weeks of each page,
and the data set is replaced): the pipeline's ``whole_set``. What it holds is compact: the
rows are summed as their pages come, one small entry per page title. Then the data set is
emptied and every record POSTed in one request, even none (``PUT []`` then ``POST []``), as
the original did; ``--start``/``--end`` and the writing options are not read.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from performanceplatform.pipeline.collector import Unit
from performanceplatform.pipeline.entrypoint import entrypoint
from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import SourceError

from .collect import CoreReports
from .query import CoreQuery, as_list, key_problems

DATE_DIMENSIONS = ("day", "month", "year")
REQUIRED_DIMENSIONS = ("pageTitle", "pagePath")
FLOOR = 500
RETIRED = ("Google shut down Universal Analytics and its Core Reporting API v3 in 2023-2024; "
           "GA4 has no trending collector: query the two weeks with "
           "performanceplatform.collector.ga4 (collector/ga4/MIGRATION.rst)")
QUERY_KEYS = frozenset({"id", "metric", "dimensions", "filters", "segment"})


main = entrypoint(__name__, "performanceplatform.collector.ga.trending:Trending")

class Trending(CoreReports):
    """One unit (the two weeks before today); its summed pages become the records."""

    source = "Google Analytics trending"
    id_advice = "their pages share a path, which the _id is made of (as in the original)"
    unit_noun = "two-week window"
    whole_set = True
    builds_records = True
    write_options = frozenset()

    def read_query(self, query: Any, problems: Problems) -> None:
        self.request = trending_query(query, problems)

    def read_options(self, options: Any, problems: Problems) -> None:
        """The options are not read (nor were they by the original)."""

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        from performanceplatform.utils import clock

        self.start, self.middle, end = week_dates(clock.today())
        self.client = self.connect()
        return [Unit.period(self.start, end)]

    def fetch(self, unit: Unit) -> list[dict[str, dict[str, Any]]]:
        """The unit's pages, summed as they come: one entry per page title."""
        return [sum_weeks(super().fetch(unit), self.request.metrics[0], self.start,
                          self.middle)]

    def build(self, unit: Unit, rows: Iterable[dict[str, dict[str, Any]]]
              ) -> Iterator[dict[str, Any]]:
        for pages in rows:
            yield from week_records(pages)

    def write_all(self, sink: Any, records: list[dict[str, Any]]) -> None:
        sink.replace(records)


def trending_query(query: Any, problems: Problems) -> CoreQuery | None:
    """The trending query: ``metric``, ``dimensions`` (with pageTitle and pagePath), ``id``;
    its problems go into ``problems``."""
    if not isinstance(query, Mapping):
        problems.add("query", "expected an object")
        return None
    before = len(problems.found)
    if not query.get("metric") or not isinstance(query["metric"], str):
        problems.add("query.metric", "Metric required")
    if not isinstance(query.get("id"), (str, int)) or not str(query.get("id")):
        problems.add("query.id", "missing (the GA view id)")
    for key, message in key_problems(query, "dimensions") + key_problems(query, "filters"):
        problems.add(key, message)
    dimensions = [d for d in as_list(query.get("dimensions")) if d not in DATE_DIMENSIONS]
    missing = [name for name in REQUIRED_DIMENSIONS if name not in dimensions]
    if missing:
        problems.add("query.dimensions", f"must include {' and '.join(missing)}")
    if len(problems.found) > before:
        return None
    return CoreQuery(
        ids=str(query["id"]),
        metrics=(query["metric"],),
        dimensions=tuple(as_list(query.get("dimensions")) + list(DATE_DIMENSIONS)),
        filters=tuple(as_list(query.get("filters"))),
        segment=query.get("segment") or None,
    )


def parse_query(query: Mapping[str, Any]) -> CoreQuery:
    """``trending_query``, raising its problems as one ``ConfigError``."""
    problems = Problems()
    request = trending_query(query, problems)
    problems.raise_if_any()
    assert request is not None
    return request


def week_dates(today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(first day of week 1, first day of week 2, last day of week 2)."""
    return (today - dt.timedelta(days=14), today - dt.timedelta(days=7),
            today - dt.timedelta(days=1))


def trending_records(items: Iterable[Mapping[str, Any]], metric: str, start: dt.date,
                     middle: dt.date) -> list[dict[str, Any]]:
    """One record per page title, in the order the original's dict gave them."""
    return list(week_records(sum_weeks(items, metric, start, middle)))


def week_records(pages: dict[str, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The summed pages as records (``percent_change``, ``_id``), in Python 2 dict order."""
    from performanceplatform.records.py2compat import py2_values

    for page in py2_values(pages):
        page["percent_change"] = float(page["week2"] - page["week1"]) / page["week1"] * 100
        page["_id"] = encode_id(page["pagePath"])
        yield page


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
