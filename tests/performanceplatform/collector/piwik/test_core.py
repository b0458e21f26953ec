"""Piwik core: parameters and records (spec sources.md §7.3 examples 13–28)."""

import datetime as dt

import pytest

from performanceplatform.collector.piwik.core import request_params, validate
from performanceplatform.collector.piwik.records import core_records, period_start
from performanceplatform.utils.errors import ConfigError, SourceError

QUERY = {"site_id": "7", "api_method": "SomeNamespace.someMethod"}
OPTIONS = {"mappings": {"nb_visits": "sessions", "label": "browser"},
           "idMapping": ["dataType", "_timestamp", "timeSpan", "browser"]}
UTC = dt.timezone.utc


def row(label, visits):
    return {"label": label, "nb_visits": visits, "nb_actions": visits * 2, "max_actions": 9,
            "sum_visit_length": 100, "bounce_count": 3, "nb_visits_converted": 1,
            "sum_daily_nb_uniq_visitors": 4, "sum_daily_nb_users": 0, "logo": "x.png"}


DAILY = {"2015-02-13": [row("Chrome", 5634), row("Safari", 634)]}
WEEKLY = {"From 2015-02-02 to 2015-02-08": [row("Chrome", 5634), row("Safari", 634)],
          "From 2015-02-09 to 2015-02-15": [row("Chrome", 5000), row("Safari", 600)]}
MONTHLY = {"2015-02": [row("Chrome", 5634), row("Safari", 634)]}
GOALS = {"From 2015-05-11 to 2015-05-17": {"nb_conversions": 735, "nb_visits_converted": 735,
                                           "conversion_rate": 18.6, "revenue": 0},
         "From 2015-05-18 to 2015-05-24": {"nb_conversions": 730, "nb_visits_converted": 730,
                                           "conversion_rate": 17.03, "revenue": 0}}


def test_default_parameters():  # 13, and every row (Matomo's default limit is 100)
    assert request_params(QUERY, None, None) == {
        "method": "SomeNamespace.someMethod", "idSite": "7", "format": "json",
        "period": "week", "date": "previous1", "filter_limit": "-1"}


def test_the_querys_own_filter_limit_is_honoured():
    assert request_params(dict(QUERY, filter_limit=500), None, None)["filter_limit"] == "500"
    query = dict(QUERY, filter_limit=500, api_method_arguments={"filter_limit": "20"})
    assert request_params(query, None, None)["filter_limit"] == "20"


@pytest.mark.parametrize("limit", ["all", 0, -2, True, 1.5, None])
def test_a_filter_limit_is_a_number_of_rows_or_minus_one(limit):
    with pytest.raises(ConfigError, match="query.filter_limit"):
        validate({"url": "http://x", "token_auth": "t"}, dict(QUERY, filter_limit=limit), {})


@pytest.mark.parametrize("limit", [-1, "-1", 1, "250"])
def test_good_filter_limits(limit):
    validate({"url": "http://x", "token_auth": "t"}, dict(QUERY, filter_limit=limit), {})


def test_daily_frequency_is_period_day():  # 14
    assert request_params(dict(QUERY, frequency="daily"), None, None)["period"] == "day"


def test_start_and_end_make_a_date_range():  # 15
    params = request_params(QUERY, dt.datetime(2015, 1, 21), dt.datetime(2015, 1, 22))
    assert params["date"] == "2015-01-21,2015-01-22"


def test_only_one_end_falls_back_to_previous1():
    assert request_params(QUERY, dt.datetime(2015, 1, 21), None)["date"] == "previous1"


def test_method_arguments_are_added_last():  # 16
    query = dict(QUERY, api_method_arguments={"idGoal": "1", "format": "xml"})
    params = request_params(query, None, None)
    assert params["idGoal"] == "1" and params["format"] == "xml"


def test_bad_frequency_and_missing_keys_are_one_config_error():
    with pytest.raises(ConfigError) as caught:
        validate({"url": "ftp://x"}, {"frequency": "hourly"}, {"mappings": []})
    message = str(caught.value)
    for key in ("'url'", "token_auth", "query.site_id", "query.api_method", "query.frequency",
                "options.mappings"):
        assert key in message


@pytest.mark.parametrize("label, start", [
    ("2015-02-13", dt.date(2015, 2, 13)),  # 19
    ("From 2015-02-02 to 2015-02-08", dt.date(2015, 2, 2)),  # 20
    ("2015-02-02,2015-02-08", dt.date(2015, 2, 2)),
    ("2015-02", dt.date(2015, 2, 1)),  # 21
])
def test_period_labels(label, start):
    assert period_start(label) == start


def test_a_label_without_a_date_is_a_source_error():
    with pytest.raises(SourceError):
        period_start("last week")


def test_first_records_timestamps():  # 19–21
    for answer, day in ((DAILY, 13), (WEEKLY, 2), (MONTHLY, 1)):
        records = core_records(answer, OPTIONS, "browser-count", "week")
        assert records[0]["_timestamp"] == dt.datetime(2015, 2, day, tzinfo=UTC)


def test_one_record_per_row_per_period():  # 22
    assert len(core_records(WEEKLY, OPTIONS, "browser-count", "week")) == 4


def test_the_first_record_in_full():  # 23, 24, 26 and the spec's §4.2 example
    record = core_records(DAILY, OPTIONS, "browser-count", "week")[0]
    assert record == {
        "_timestamp": dt.datetime(2015, 2, 13, tzinfo=UTC), "dataType": "browser-count",
        "browser": "Chrome", "sessions": 5634, "timeSpan": "week",
        "humanId": "browser-count2015-02-13 00:00:00+00:00weekChrome",
        "_id": "YnJvd3Nlci1jb3VudDIwMTUtMDItMTMgMDA6MDA6MDArMDA6MDB3ZWVrQ2hyb21l"}


def test_dict_periods_come_in_the_originals_order():  # 25
    options = {"mappings": {"nb_visits_converted": "converted", "nb_conversions": "sessions"},
               "idMapping": ["dataType", "_timestamp", "timeSpan"]}
    records = core_records(GOALS, options, "journey-by-goal", "week")
    assert [r["converted"] for r in records] == [730, 735]
    assert records[0]["sessions"] == 730


def test_time_span_follows_the_frequency():  # 27, 28
    assert core_records(DAILY, OPTIONS, "b", "week")[0]["timeSpan"] == "week"
    assert core_records(DAILY, OPTIONS, "b", "day")[0]["timeSpan"] == "day"


def test_default_ids_collide_within_a_period_as_before():
    records = core_records(DAILY, {"mappings": {"label": "browser"}}, "b", "week")
    assert records[0]["_id"] == records[1]["_id"]
    assert records[0]["humanId"] == "b_20150213000000_week"


def test_a_missing_mapped_column_is_a_source_error():
    with pytest.raises(SourceError, match="no column 'nb_conversions'"):
        core_records(DAILY, {"mappings": {"nb_conversions": "x"}}, "b", "week")


def test_an_unkeyed_answer_is_a_source_error():
    with pytest.raises(SourceError, match="keyed by period"):
        core_records([row("Chrome", 1)], OPTIONS, "b", "week")
