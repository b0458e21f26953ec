"""``-s``/``-e``: an end on a day before the start's is a command-line error (exit 2); a start
and an end on one day, whatever their hours, collect that day, as the original did. Days are
compared in UTC; a date without an offset is UTC."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.parser import parse

from performanceplatform.collector.arguments import check_dates
from performanceplatform.utils.errors import ExitCode, UsageError
from tests.helpers import served, stored
from tests.performanceplatform.collector.test_main import (
    QUERY,
    assert_one_line_failure,
    posts,
)
from tests.performanceplatform.google import keys


@pytest.mark.parametrize("start,end", [
    ("2018-08-01T13:45:00", "2018-08-01T02:00:00"),  # same day, earlier hour
    ("2018-08-01", "2018-08-01"),
    ("2018-08-01T23:00:00+02:00", "2018-08-01"),  # 21:00 UTC on the 1st, and the 1st
    ("2018-07-31T23:30:00-01:00", "2018-08-01T00:10:00"),  # both 1 August in UTC
    ("2018-08-01", "2018-08-05"),
])
def test_accepted(start, end):
    check_dates(parse(start), parse(end))


@pytest.mark.parametrize("start,end,shown", [
    ("2018-08-05", "2018-08-01", "-e/--end 2018-08-01 is a day before -s/--start 2018-08-05"),
    ("2018-08-02T01:00:00+05:00", "2018-08-01T12:00:00+00:00", None),  # 08-01 20:00 UTC: fine
    ("2018-08-02T10:00:00+05:00", "2018-08-01T02:00:00", "-e/--end 2018-08-01 is a day before "
                                                          "-s/--start 2018-08-02"),
    ("2018-08-02", "2018-08-01T23:00:00-02:00", None),  # 08-02 01:00 UTC: the same day
    ("2018-08-02", "2018-08-01T23:00:00+02:00", "2018-08-01 is a day before"),
    ("2018-08-01", "2018-08-01T01:00:00+02:00", "-e/--end 2018-07-31 is a day before"),
])
def test_refused_only_when_the_utc_day_of_the_end_is_earlier(start, end, shown):
    if shown is None:
        check_dates(parse(start), parse(end))
        return
    with pytest.raises(UsageError) as error:
        check_dates(parse(start), parse(end))
    assert shown in str(error.value)
    assert error.value.exit_code == ExitCode.USAGE


def test_one_date_or_none_is_left_to_the_collector():
    check_dates(None, dt.datetime(2018, 8, 1))
    check_dates(dt.datetime(2018, 8, 1), None)
    check_dates(None, None)


def test_an_offset_start_and_a_naive_earlier_end_exit_2_before_anything_runs(sandbox, run_cli):
    result = run_cli(QUERY, {}, "-s", "2018-08-05T10:00:00+01:00", "-e", "2018-08-01")
    assert_one_line_failure(result, "command line:", "-e/--end 2018-08-01 is a day before "
                                                     "-s/--start 2018-08-05", code=2)
    assert posts(sandbox) == []


def test_piwik_collects_the_day_of_a_same_day_pair(sandbox, run_cli):
    from tests.performanceplatform.collector.piwik.test_e2e import credentials, query

    result = run_cli(query(), credentials(sandbox), "-s", "2018-08-01T13:45:00",
                     "-e", "2018-08-01T02:00:00")
    assert result.code == 0, result.output
    records = stored(sandbox, "site", "browsers")
    assert records and {r["_timestamp"] for r in records} == {"2018-08-01T00:00:00+00:00"}
    assert {r["timeSpan"] for r in records} == {"day"}


def test_ga4_collects_the_day_of_a_same_day_pair(sandbox, run_cli, service_settings, tmp_path):
    service_settings("ga4")
    service_settings("google_oauth")
    folder = tmp_path / "google"
    folder.mkdir()
    query = {"entrypoint": "performanceplatform.collector.ga4",
             "data-set": {"data-group": "g4", "data-type": "visits"},
             "query": {"property": "123456", "metrics": ["sessions"], "dimensions": ["date"],
                       "frequency": "daily"}, "options": {}}
    result = run_cli(query, keys.write_storage_credentials(folder), "-s", "2018-08-01T13:45:00",
                     "-e", "2018-08-01T02:00:00")
    assert result.code == 0, result.output
    records = stored(sandbox, "g4", "visits")
    assert [(r["_timestamp"], r["date"], r["timeSpan"]) for r in records] == \
        [("2018-08-01T00:00:00+00:00", "20180801", "day")]
    assert len(served(sandbox, "ga4")) == 1  # one period: that day
