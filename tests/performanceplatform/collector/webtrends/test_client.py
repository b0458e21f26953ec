"""Webtrends periods and requests (spec sources.md §7.5, #37–#42 and #50–#55)."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.collector.webtrends.client import (
    WebtrendsClient,
    day_period,
    keymetrics_periods,
    report_periods,
    to_datetime,
)
from performanceplatform.utils.errors import SourceError
from tests.helpers import served


@pytest.mark.parametrize("text,period", [("2014-08-03", "2014m08d03"),
                                         ("2014-12-19", "2014m12d19")])
def test_day_period(text, period):  # 40, 53
    assert day_period(text) == period


def test_datetimes_pass_through_and_dates_are_accepted():  # 41, 54
    when = dt.datetime(2014, 8, 3, 10, 30)
    assert to_datetime(when) is when
    assert to_datetime("2014-08-03") == dt.datetime(2014, 8, 3)
    assert to_datetime(dt.date(2014, 8, 3)) == dt.datetime(2014, 8, 3)


def test_keymetrics_periods():  # 42
    assert keymetrics_periods("2014-08-03", "2014-08-05") == [("2014m08d03", "2014m08d05")]
    assert keymetrics_periods(None, None) == [("current_hour-1", "current_hour-1")]
    assert keymetrics_periods("2014-08-03", None) == [("current_hour-1", "current_hour-1")]


def test_report_periods_one_day_each():  # 55
    assert report_periods("2014-08-03", "2014-08-05") == [
        ("2014m08d03", "2014m08d03"), ("2014m08d04", "2014m08d04"), ("2014m08d05", "2014m08d05")]
    assert report_periods(None, None) == [("current_day-1", "current_day-1")]
    assert report_periods("2014-08-05", "2014-08-03") == []


def test_report_periods_keep_the_first_day_whatever_the_time_of_day():
    start, end = dt.datetime(2014, 8, 3, 18), dt.datetime(2014, 8, 4, 6)
    assert report_periods(start, end) == [("2014m08d03", "2014m08d03"),
                                          ("2014m08d04", "2014m08d04")]


def test_fetch_sends_basic_auth_and_the_periods(sandbox):  # 37, 50
    url = f"{sandbox.url}/ws.webtrends.com/v3/Reporting/profiles/p1/reports/whoop"
    client = WebtrendsClient("abc", "def")
    blobs = list(client.fetch(url, report_periods("2014-08-03", "2014-08-05")))
    assert [u for u, _ in blobs] == [url] * 3
    requests = served(sandbox, "webtrends")
    assert [dict(r["query"]) for r in requests] == [
        {"start_period": f"2014m08d0{d}", "end_period": f"2014m08d0{d}", "format": "json"}
        for d in (3, 4, 5)]
    assert {r["authorization"] for r in requests} == {"Basic"}


def test_an_error_answer_is_a_source_error(sandbox):  # 39, 52
    url = f"{sandbox.url}/ws.webtrends.com/v3/Reporting/profiles/p1/reports/whoop"
    client = WebtrendsClient("abc", "def")
    with pytest.raises(SourceError, match="HTTP 400"):
        list(client.fetch(url, [("not-a-period", "not-a-period")]))
