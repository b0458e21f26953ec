"""Rows → items → special fields, trending sums and content-table departments."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.collector.ga.contrib.content.table import (
    and_filters,
    department_runs,
    filterset_problems,
    get_department,
)
from performanceplatform.collector.ga.query import CoreQuery, parse_core_query
from performanceplatform.collector.ga.realtime import realtime_params, visitors
from performanceplatform.collector.ga.records import items_from_page, special_fields
from performanceplatform.collector.ga.trending import (
    encode_id,
    parse_query,
    sum_weeks,
    trending_records,
    week_dates,
)
from performanceplatform.records.plugins import DepartmentTable
from performanceplatform.utils.errors import ConfigError, SourceError


@pytest.mark.parametrize("text, number", [
    ("14", 14), ("2313.13", 2313.13), ("400.0", 400.0), (" 12", 12), ("1e3", 1000.0),
    (400.0, 400),
])
def test_metrics_are_numbers_as_gapy_read_them(text, number):
    value = special_fields({"metrics": {"visits": text}}, "day")["visits"]
    assert value == number and type(value) is type(number)


@pytest.mark.parametrize("text", ["abc", "1_000", ""])
def test_a_metric_python_2_could_not_read_is_named(text):
    with pytest.raises(SourceError) as failure:
        special_fields({"metrics": {"visits": text}}, "day")
    assert str(failure.value) == ("Google Analytics: Unable to use value as int or float: "
                                  f"{text!r} (metric visits is not a number)")


def test_special_fields_convert_average_session_duration_to_milliseconds():
    fields = special_fields({"metrics": {"visits": "12345", "avgSessionDuration": "400.0",
                                         "ga:avgSessionDuration": "2"}}, "week")
    assert fields == {"visits": 12345, "avgSessionDuration": 400000.0,
                      "ga:avgSessionDuration": 2, "timeSpan": "week"}
    zero = special_fields({"metrics": {"avgSessionDuration": "0"}}, "day")
    assert zero["avgSessionDuration"] == 0


def test_items_carry_gapy_datetime_after_the_dimensions():
    request = CoreQuery(ids="1", metrics=("sessions",), dimensions=("date", "hour", "browser"),
                        start=dt.date(2013, 4, 1), end=dt.date(2013, 4, 7))
    page = {"query": {"start-date": "2013-04-01", "end-date": "2013-04-07"},
            "rows": [["20130402", "13", "Chrome", "10"]]}
    [item] = items_from_page(page, request)
    assert list(item["dimensions"]) == ["date", "hour", "browser", "datetime"]
    assert item["dimensions"]["datetime"] == dt.datetime(2013, 4, 2, 13)
    assert item["metrics"] == {"sessions": "10"}
    assert item["start_date"] == dt.date(2013, 4, 1)


def test_a_row_of_the_wrong_width_is_a_source_error():
    request = CoreQuery(ids="1", metrics=("sessions",), start=dt.date(2013, 4, 1),
                        end=dt.date(2013, 4, 1))
    with pytest.raises(SourceError, match="2 cells, expected 1"):
        list(items_from_page({"rows": [["x", "1"]]}, request))


def _trending_item(title, path, day, views):
    return {"dimensions": {"pageTitle": title, "pagePath": path, "day": day[8:],
                           "month": day[5:7], "year": day[:4]},
            "metrics": {"pageviews": views}}


def test_trending_sums_weeks_floors_them_and_keeps_the_shortest_path():
    start, middle, _ = week_dates(dt.date(2014, 2, 12))
    assert (start, middle) == (dt.date(2014, 1, 29), dt.date(2014, 2, 5))
    items = [
        _trending_item("foo", "/foo/page1", "2014-01-29", "1000"),
        _trending_item("foo", "/foo/page1", "2014-01-31", "100"),
        _trending_item("foo", "/foo/page1", "2014-02-05", "120"),
        _trending_item("foo", "/foo", "2014-01-30", "200"),
        _trending_item("foo", "/foo", "2014-02-06", "500"),
        _trending_item("foo", "/foo/page2", "2014-01-30", "89"),
        _trending_item("foo", "/foo/page2", "2014-02-07", "98"),
        _trending_item("bar", "/bar", "2014-02-04", "520"),
        _trending_item("bar", "/bar", "2014-02-11", "1209"),
        _trending_item("baz", "/baz", "2014-01-30", "07"),
        {"dimensions": {"pageTitle": "baz", "pagePath": "/baz", "day": "(other)",
                        "month": "(other)", "year": "(other)"}, "metrics": {"pageviews": "9"}},
    ]
    pages = sum_weeks(items, "pageviews", start, middle)
    assert pages["foo"] == {"pageTitle": "foo", "pagePath": "/foo", "week1": 1389, "week2": 718,
                            "_timestamp": dt.datetime(2014, 1, 29, tzinfo=dt.timezone.utc)}
    assert (pages["bar"]["week1"], pages["bar"]["week2"]) == (520, 1209)
    assert (pages["baz"]["week1"], pages["baz"]["week2"]) == (500, 500)
    records = {r["pageTitle"]: r for r in trending_records(items, "pageviews", start, middle)}
    assert records["foo"]["percent_change"] == -48.30813534917206
    assert records["bar"]["percent_change"] == 132.5
    assert records["baz"]["percent_change"] == 0.0
    assert {r["_id"] for r in records.values()} == {"L2Zvbw==", "L2Jhcg==", "L2Jheg=="}


def test_trending_query_needs_a_metric_and_title_and_path_dimensions():
    assert encode_id("/performance") == "L3BlcmZvcm1hbmNl"
    request = parse_query({"id": "53872948", "metric": "pageviews",
                           "dimensions": ["pageTitle", "pagePath"]})
    assert request.dimensions == ("pageTitle", "pagePath", "day", "month", "year")
    with pytest.raises(ConfigError) as caught:
        parse_query({"id": "1", "metric": "", "dimensions": ["pageTitle"]})
    assert "Metric required" in str(caught.value) and "pagePath" in str(caught.value)


def test_content_table_filters_and_departments():
    table = DepartmentTable(entries={"<D1>": "attorney-generals-office"})
    assert and_filters(["a==1", "dimension9=~^<D1>", "ga:b"]) == "a==1;ga:dimension9=~^<D1>;ga:ga:b"
    assert get_department(["customVarValue9=~^<D1>"], table) == "attorney-generals-office"
    assert get_department(["Organisation=~^<D1>", "y"], table) == "attorney-generals-office"
    assert get_department(["x=~^Some Dept"], table) == "Some Dept"
    with pytest.raises(ValueError):
        get_department(["customVarValue9=<D1>"], table)


def test_content_table_runs_one_query_per_filterset_with_its_department():
    query = {"id": "1", "metrics": ["pageviews"], "filters": ["pagePath=~^/a"]}
    runs = department_runs(parse_core_query(query)[0], query,
                           {"filtersets": [["x=~^Some Dept"], ["y=~^Other", "ga:z"]],
                            "additionalFields": {"keep": 1}})
    assert [q.filters for q, _ in runs] == [("pagePath=~^/a;ga:x=~^Some Dept",),
                                            ("pagePath=~^/a;ga:y=~^Other;ga:ga:z",)]
    assert [o["additionalFields"] for _, o in runs] == [{"keep": 1, "department": "Some Dept"},
                                                        {"keep": 1, "department": "Other"}]


@pytest.mark.parametrize("options, key", [
    ({}, "options.filtersets"),
    ({"filtersets": [["customVarValue9=<D1>"], []]}, "options.filtersets"),
])
def test_content_table_refuses_bad_filtersets(options, key):
    problems = filterset_problems({"id": "1", "metrics": ["m"]}, options)
    assert problems and {found for found, _ in problems} == {key}


def test_realtime_parameters_and_count():
    assert realtime_params({"ids": "ga:1", "metrics": "rt:activeUsers", "max_results": 5}) == {
        "ids": "ga:1", "metrics": "rt:activeUsers", "max-results": "5", "alt": "json"}
    with pytest.raises(ConfigError, match="query.bogus"):
        realtime_params({"ids": "ga:1", "metrics": "m", "bogus": 1})
    assert visitors({"rows": [["20459"]]}) == 20459
    assert visitors({}) == 0


def test_a_half_given_or_reversed_range_is_a_config_error():
    from performanceplatform.pipeline.periods import period_units

    with pytest.raises(ConfigError, match="--start/--end"):
        period_units(dt.datetime(2018, 8, 1), None, "weekly")
    with pytest.raises(ConfigError, match="Bad dates"):
        period_units(dt.datetime(2018, 8, 3), dt.datetime(2018, 8, 1), "daily")
    assert [(u.start, u.end) for u in period_units(dt.datetime(2018, 8, 3),
                                                   dt.datetime(2018, 8, 7), "weekly")] == [
        (dt.date(2018, 7, 30), dt.date(2018, 8, 5)), (dt.date(2018, 8, 6), dt.date(2018, 8, 12))]
