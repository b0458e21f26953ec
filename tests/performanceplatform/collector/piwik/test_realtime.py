"""Piwik realtime (spec sources.md §7.4 examples 30–34)."""

import datetime as dt

import pytest

from performanceplatform.collector.piwik import realtime
from performanceplatform.collector.piwik.records import realtime_record
from performanceplatform.utils.errors import ConfigError, SourceError

FIXTURE = [{"visits": "53", "actions": "90", "visitors": "53", "visitsConverted": "0"}]
CREDENTIALS = {"token_auth": "foo-token", "url": "http://bar.com"}
QUERY = {"site_id": "7", "api_method": "SomeNamespace.someMethod"}


def test_visitors_become_an_int():  # 32
    now = dt.datetime(2015, 2, 16, 12, 0, 1, 999, tzinfo=dt.timezone.utc)
    assert realtime_record(FIXTURE, now) == {  # 33
        "_timestamp": "2015-02-16T12:00:01+00:00", "_id": "2015-02-16T12:00:01+00:00",
        "unique_visitors": 53, "for_url": ""}


def test_an_unexpected_answer_is_a_source_error():
    with pytest.raises(SourceError):
        realtime_record([], dt.datetime.now(dt.timezone.utc))


def test_backfilling_is_refused_before_any_request():  # 34
    with pytest.raises(ConfigError, match="Cannot backfill realtime collectors"):
        realtime.main(CREDENTIALS, {"data-type": "realtime"}, QUERY, {},
                      dt.datetime(2015, 1, 21), dt.datetime(2015, 1, 22))


@pytest.mark.parametrize("minutes", ["x", 0, -1, True])
def test_bad_minutes_are_a_config_error(minutes):  # 31's key, checked
    with pytest.raises(ConfigError, match="query.minutes"):
        realtime.validate(CREDENTIALS, dict(QUERY, minutes=minutes), {})


@pytest.mark.parametrize("minutes", [30, "1"])
def test_good_minutes(minutes):
    realtime.validate(CREDENTIALS, dict(QUERY, minutes=minutes), {})
