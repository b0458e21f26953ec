"""GA v3 record pieces: a ``date``-only row, metrics-less items, the periods of a run and the
log line of each period."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from performanceplatform.collector.ga.collect import CoreReports
from performanceplatform.collector.ga.query import CoreQuery
from performanceplatform.collector.ga.records import items_from_page, special_fields
from performanceplatform.pipeline.collector import Unit
from performanceplatform.pipeline.periods import period_units
from performanceplatform.utils.errors import ConfigError, SourceError


def test_a_date_dimension_without_hour_gives_midnight():
    request = CoreQuery(ids="ga:1", metrics=("ga:visits",), dimensions=("date",),
                        start=dt.date(2018, 7, 16), end=dt.date(2018, 7, 22))
    [item] = items_from_page({"rows": [["20180716", "5"]]}, request)
    assert item["dimensions"] == {"date": "20180716", "datetime": dt.datetime(2018, 7, 16)}
    assert item["metrics"] == {"ga:visits": "5"}


def test_an_item_without_metrics_has_only_its_time_span():
    assert special_fields({}, "day") == {"timeSpan": "day"}


def periods_for(start_at, end_at, frequency):
    return [(unit.start, unit.end) for unit in period_units(start_at, end_at, frequency)]


def test_periods_follow_the_frequency():
    start, end = dt.datetime(2018, 8, 1), dt.datetime(2018, 8, 2)
    assert periods_for(start, end, "daily") == [(dt.date(2018, 8, 1), dt.date(2018, 8, 1)),
                                                (dt.date(2018, 8, 2), dt.date(2018, 8, 2))]


def test_half_given_dates_are_a_config_error_naming_the_flags():
    with pytest.raises(ConfigError) as failure:
        periods_for(dt.datetime(2018, 8, 1), None, "daily")
    assert failure.value.where == "--start/--end"
    assert failure.value.exit_code == 2
    assert str(failure.value).startswith("--start/--end: period_range needs both")


class Pages:
    def __init__(self):
        self.asked = []

    def pages(self, request):
        self.asked.append((request.start, request.end))
        return [{"rows": [["7"]]}]


def test_each_period_is_logged_and_queried_in_order(caplog):
    reports = CoreReports("visits")
    reports.client = client = Pages()
    reports.request = CoreQuery(ids="ga:1", metrics=("ga:visits",))
    units = [Unit.period(dt.date(2018, 8, 1), dt.date(2018, 8, 7)),
             Unit.period(dt.date(2018, 8, 8), dt.date(2018, 8, 14))]
    with caplog.at_level(logging.INFO):
        items = [item for unit in units for item in reports.fetch(unit)]
    assert client.asked == [(dt.date(2018, 8, 1), dt.date(2018, 8, 7)),
                            (dt.date(2018, 8, 8), dt.date(2018, 8, 14))]
    assert [i["start_date"] for i in items] == [dt.date(2018, 8, 1), dt.date(2018, 8, 8)]
    assert "Querying GA for data in the period: 2018-08-01 - 2018-08-07" in caplog.messages
    assert "Querying GA for data in the period: 2018-08-08 - 2018-08-14" in caplog.messages


REQUEST = CoreQuery(ids="ga:1", metrics=("ga:visits",), dimensions=("date",),
                    start=dt.date(2018, 7, 16), end=dt.date(2018, 7, 22))


def test_the_period_the_answer_echoes_wins_over_the_request():
    page = {"query": {"start-date": "2018-08-01", "end-date": "2018-08-07"},
            "rows": [["20180801", "5"]]}
    [item] = items_from_page(page, REQUEST)
    assert (item["start_date"], item["end_date"]) == (dt.date(2018, 8, 1), dt.date(2018, 8, 7))
    [item] = items_from_page({"query": "odd", "rows": [["20180801", "5"]]}, REQUEST)
    assert (item["start_date"], item["end_date"]) == (dt.date(2018, 7, 16), dt.date(2018, 7, 22))


def test_an_echoed_period_that_is_not_a_date_is_named():
    page = {"query": {"start-date": "yesterday", "end-date": "2018-08-07"}, "rows": []}
    with pytest.raises(SourceError) as failure:
        list(items_from_page(page, REQUEST))
    assert str(failure.value) == ("Google Analytics: answer names a period that is not a date: "
                                  "'yesterday' - '2018-08-07'")


def test_a_row_date_that_is_not_a_date_is_named():
    with pytest.raises(SourceError) as failure:
        list(items_from_page({"rows": [["2018-08-01", "5"]]}, REQUEST))
    assert str(failure.value) == ("Google Analytics: row has a date that is not %Y%m%d: "
                                  "'2018-08-01'")
