"""GA4 rows' dates: ``dateHour`` keeps its hour, an odd date is logged, and ``items_for``
pairs each row's item with its special fields."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from performanceplatform.collector.ga4.records import SOURCE, items_for, special_fields, to_item
from performanceplatform.google import rows as google_rows
from performanceplatform.utils.errors import SourceError


def row_datetime(values):
    """GA4's reading of a row's date: ``dateHour`` counts, an odd date is a warning."""
    return google_rows.row_datetime(values, SOURCE, strict=False, date_hour=True)


def to_number(value, metric):
    return google_rows.to_number(value, metric, SOURCE)

PERIOD = (dt.date(2018, 7, 16), dt.date(2018, 7, 22))


def test_date_hour_keeps_its_hour():
    assert row_datetime({"dateHour": "2018071607"}) == dt.datetime(2018, 7, 16, 7)
    assert row_datetime({"dateHour": "2018071623", "browser": "x"}) == \
        dt.datetime(2018, 7, 16, 23)


def test_no_date_dimension_no_datetime():
    assert row_datetime({"browser": "Chrome"}) is None
    assert row_datetime({}) is None


def test_an_odd_date_is_logged_with_its_text(caplog):
    with caplog.at_level(logging.WARNING):
        assert row_datetime({"dateHour": "(other)"}) is None
    assert caplog.messages == ["ga4: a row's date '(other)' is not a date; its record has no "
                               "datetime"]


def test_a_row_with_an_odd_date_keeps_its_text_and_is_logged_as_ga4s(caplog):
    row = {"dimensionValues": [{"value": "(other)"}], "metricValues": [{"value": "2"}]}
    with caplog.at_level(logging.WARNING):
        item = to_item(row, ["dateHour"], ["sessions"], PERIOD)
    assert item["dimensions"] == {"dateHour": "(other)"}
    assert caplog.messages == ["ga4: a row's date '(other)' is not a date; its record has no "
                               "datetime"]


def test_items_for_pairs_each_row_with_its_special_fields():
    rows = [{"dimensionValues": [{"value": "2018071607"}],
             "metricValues": [{"value": "3"}, {"value": "1.5"}]},
            {"dimensionValues": [{"value": "2018071608"}],
             "metricValues": [{"value": "4"}, {"value": "0"}]}]
    pairs = list(items_for(rows, ["dateHour"], ["sessions", "averageSessionDuration"], PERIOD,
                           "day"))
    assert pairs == [
        ({"metrics": {"sessions": "3", "averageSessionDuration": "1.5"},
          "start_date": PERIOD[0], "end_date": PERIOD[1],
          "dimensions": {"dateHour": "2018071607", "datetime": dt.datetime(2018, 7, 16, 7)}},
         {"sessions": 3, "averageSessionDuration": 1500.0, "timeSpan": "day"}),
        ({"metrics": {"sessions": "4", "averageSessionDuration": "0"},
          "start_date": PERIOD[0], "end_date": PERIOD[1],
          "dimensions": {"dateHour": "2018071608", "datetime": dt.datetime(2018, 7, 16, 8)}},
         {"sessions": 4, "averageSessionDuration": 0, "timeSpan": "day"}),
    ]



def test_whole_metric_text_is_an_int_and_a_bad_one_is_named():
    assert type(to_number("10", "sessions")) is int
    assert type(to_number("1.5", "sessions")) is float
    with pytest.raises(SourceError) as failure:
        special_fields({"metrics": {"sessions": "lots"}}, "day")
    assert str(failure.value) == ("ga4: Unable to use value as int or float: 'lots' "
                                  "(metric sessions is not a number)")


def test_a_row_of_the_wrong_width_is_described():
    row = {"dimensionValues": [{"value": "a"}], "metricValues": []}
    with pytest.raises(SourceError) as failure:
        to_item(row, ["browser", "os"], ["sessions"], PERIOD)
    assert str(failure.value) == ("ga4: a row has 1 dimension and 0 metric values for 2 "
                                  "dimensions and 1 metrics")
