"""GA4 pieces on their own: the paginator, rows to items, the query keys."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.collector.ga4.client import OffsetPaginator
from performanceplatform.collector.ga4.query import parse_report_query
from performanceplatform.collector.ga4.realtime import visitors
from performanceplatform.collector.ga4.records import special_fields, to_item
from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import SourceError

PERIOD = (dt.date(2018, 7, 16), dt.date(2018, 7, 22))


def row(dims: list[str], mets: list[str]) -> dict:
    return {"dimensionValues": [{"value": v} for v in dims],
            "metricValues": [{"value": v} for v in mets]}


def test_paginator_stops_at_row_count():
    pager = OffsetPaginator(page_size=5)
    assert pager.advance(5, 12) and pager.offset == 5
    assert pager.advance(5, 12) and pager.next_limit() == 5
    assert not pager.advance(2, 12)


def test_paginator_max_rows_shrinks_the_last_page():
    pager = OffsetPaginator(page_size=5, max_rows=7)
    assert pager.advance(5, 100)
    assert pager.next_limit() == 2
    assert not pager.advance(2, 100)


def test_paginator_loop_guard():
    pager = OffsetPaginator(page_size=5)
    with pytest.raises(SourceError, match="loop detected"):
        pager.advance(0, 12)


def test_item_is_shaped_like_v3():
    item = to_item(row(["20180716", "Chrome"], ["10", "400.5"]), ["date", "browser"],
                   ["sessions", "averageSessionDuration"], PERIOD)
    assert list(item["dimensions"]) == ["date", "browser", "datetime"]
    assert item["dimensions"]["datetime"] == dt.datetime(2018, 7, 16)
    assert item["start_date"] == PERIOD[0]
    fields = special_fields(item, "week")
    assert fields == {"sessions": 10, "averageSessionDuration": 400500.0, "timeSpan": "week"}


def test_date_and_hour_and_odd_dates():
    item = to_item(row(["20180716", "07"], ["1"]), ["date", "hour"], ["sessions"], PERIOD)
    assert item["dimensions"]["datetime"] == dt.datetime(2018, 7, 16, 7)
    other = to_item(row(["(other)"], ["1"]), ["date"], ["sessions"], PERIOD)
    assert "datetime" not in other["dimensions"]
    bare = to_item(row([], ["1"]), [], ["sessions"], PERIOD)
    assert "dimensions" not in bare


def test_bad_rows_are_source_errors():
    with pytest.raises(SourceError):
        to_item(row(["x"], []), ["browser"], ["sessions"], PERIOD)
    item = to_item(row([], ["abc"]), [], ["sessions"], PERIOD)
    with pytest.raises(SourceError, match="not a number"):
        special_fields(item, "day")


def test_query_shorthands():
    problems = Problems("q")
    report = parse_report_query({"property": "properties/42", "metrics": "sessions",
                                 "dimensions": "browser", "orderBys": ["-sessions", "browser"],
                                 "frequency": "monthly", "maxResults": 5}, {}, problems)
    assert problems.found == []
    assert report.property_id == "42" and report.time_span == "month"
    assert report.order_bys == [{"metric": {"metricName": "sessions"}, "desc": True},
                                {"dimension": {"dimensionName": "browser"}, "desc": False}]
    body = report.body(*PERIOD)
    assert body["dateRanges"] == [{"startDate": "2018-07-16", "endDate": "2018-07-22"}]
    assert body["metrics"] == [{"name": "sessions"}] and "limit" not in body


def test_query_problems_are_all_found():
    problems = Problems("q")
    parse_report_query({"id": "ga:1", "metrics": ["rt:activeUsers"], "limit": 0,
                        "keepEmptyRows": "yes"}, {"chunk-size": -1, "colour": 1}, problems)
    keys = [key for key, _message in problems.found]
    assert keys == ["query.id", "options.colour", "options.chunk-size", "query.metrics",
                    "query.property", "query.limit", "query.keepEmptyRows"]


def test_visitors_is_the_total_not_a_sum():
    assert visitors({}) == 0
    rows = [row(["a"], ["2", "9"]), row(["b"], ["3", "9"])]
    assert visitors({"rows": rows, "totals": [row(["RESERVED_TOTAL"], ["4", "9"])]}) == 4
    with pytest.raises(SourceError, match="no totals"):
        visitors({"rows": rows})
    two = {"dimensionHeaders": [{"name": "city"}, {"name": "dateRange"}], "rows": rows,
           "totals": [row(["RESERVED_TOTAL", "late"], ["1"]),
                      row(["RESERVED_TOTAL", "date_range_0"], ["7"])]}
    assert visitors(two, [{"startMinutesAgo": 29}, {"name": "late"}]) == 7


def test_at_most_9_dimensions_and_10_metrics():
    problems = Problems("q")
    parse_report_query({"property": "1", "metrics": [f"m{i}" for i in range(11)],
                        "dimensions": [f"d{i}" for i in range(10)]}, {}, problems)
    found = dict(problems.found)
    assert "at most 10 metrics" in found["query.metrics"]
    assert "at most 9 dimensions" in found["query.dimensions"]
    fine = Problems("q")
    parse_report_query({"property": "1", "metrics": [f"m{i}" for i in range(10)],
                        "dimensions": [f"d{i}" for i in range(9)]}, {}, fine)
    assert fine.found == []
