"""Piwik realtime: the record is stamped in UTC whatever the clock's zone, and a wrong answer
is quoted (shortened) in the error."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.collector.piwik.records import realtime_record
from performanceplatform.utils.errors import SourceError
from tests.local_zone import local_zone


def test_a_clock_in_another_zone_stamps_utc():
    now = dt.datetime(2015, 2, 16, 14, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with local_zone():
        record = realtime_record([{"visitors": "3"}], now)
    assert record["_timestamp"] == record["_id"] == "2015-02-16T12:00:01+00:00"


def test_an_unexpected_answer_is_quoted_up_to_120_characters():
    answer = {"result": "error", "message": "x" * 200}
    with pytest.raises(SourceError) as failure:
        realtime_record(answer, dt.datetime.now(dt.timezone.utc))
    assert str(failure.value) == ("piwik: expected Live.getCounters' answer, a list holding "
                                  "{'visitors': ...}, got " + str(answer)[:120])
