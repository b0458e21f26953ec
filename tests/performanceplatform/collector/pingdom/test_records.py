"""Pingdom hours as records (spec sources.md §7.1 examples 1–2, §7.2 example 11)."""

import datetime as dt

import pytest

from performanceplatform.collector.pingdom.records import hour_start, to_record, to_records
from performanceplatform.utils.errors import SourceError

HOUR = {"avgresponse": 721, "downtime": 523, "unmonitored": 12, "uptime": 3599,
        "starttime": 1371333600}  # 2013-06-15 22:00 UTC


def test_an_hour_becomes_a_record():  # 1
    assert to_record(HOUR, "testCheck") == {
        "_id": "testCheck.2013-06-15T22:00:00+00:00",
        "_timestamp": "2013-06-15T22:00:00+00:00",
        "check": "testCheck",
        "avgresponse": 721, "downtime": 523, "unmonitored": 12, "uptime": 3599,
    }


def test_spaces_in_the_check_name_become_underscores_in_the_id_only():  # 2
    record = to_record(HOUR, "name with whitespace")
    assert record["_id"] == "name_with_whitespace.2013-06-15T22:00:00+00:00"
    assert record["check"] == "name with whitespace"


def test_only_spaces_are_replaced():
    assert to_record(HOUR, "a\tb-c.d")["_id"] == "a\tb-c.d.2013-06-15T22:00:00+00:00"


def test_start_times_are_utc():  # 11
    assert hour_start(1356998400) == dt.datetime(2013, 1, 1, tzinfo=dt.timezone.utc)
    assert hour_start(1356998500) == dt.datetime(2013, 1, 1, 0, 1, 40, tzinfo=dt.timezone.utc)


def test_a_malformed_hour_is_a_source_error():
    with pytest.raises(SourceError, match="hour 2 .* malformed"):
        list(to_records([HOUR, {"starttime": 1}], "x"))
