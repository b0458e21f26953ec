"""Pingdom hours as records (spec sources.md §7.1 examples 1–2, §7.2 example 11)."""

import datetime as dt

import pytest

from performanceplatform.collector.pingdom.records import (
    Gaps,
    hour_start,
    to_record,
    to_records,
)
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


@pytest.mark.parametrize("bad", [{"starttime": "soon"}, ["not", "an", "object"], None])
def test_a_malformed_hour_is_a_source_error(bad):
    with pytest.raises(SourceError, match="hour 2 .* malformed"):
        list(to_records([HOUR, bad], "x"))


def test_an_hour_lacking_metrics_keeps_its_id_and_the_metrics_it_has():
    gaps = Gaps()
    hours = [HOUR, {"starttime": 1371337200, "avgresponse": 400},
             {"avgresponse": 1}, {"starttime": 1371340800, "uptime": 3600, "downtime": 0}]
    records = list(to_records(hours, "testCheck", gaps))
    assert [r["_id"] for r in records] == [
        "testCheck.2013-06-15T22:00:00+00:00", "testCheck.2013-06-15T23:00:00+00:00",
        "testCheck.2013-06-16T00:00:00+00:00"]
    assert records[1] == {"_timestamp": "2013-06-15T23:00:00+00:00",
                          "_id": "testCheck.2013-06-15T23:00:00+00:00", "check": "testCheck",
                          "avgresponse": 400}
    assert records[2]["uptime"] == 3600 and "unmonitored" not in records[2]
    assert gaps.summary() == (
        "pingdom: 3 of 4 hours lacked fields (hours lacking each: starttime 1, avgresponse 1, "
        "uptime 2, downtime 2, unmonitored 3); their records were written without those "
        "fields; the 1 without starttime could not be dated and were not written")


def test_no_gaps_no_summary():
    gaps = Gaps()
    list(to_records([HOUR], "x", gaps))
    assert gaps.summary() is None


def test_hours_that_all_have_a_start_time_end_the_summary_at_the_fields():
    gaps = Gaps()
    list(to_records([HOUR, {"starttime": 1371337200, "avgresponse": 400}], "x", gaps))
    assert gaps.summary() == (
        "pingdom: 1 of 2 hours lacked fields (hours lacking each: uptime 1, downtime 1, "
        "unmonitored 1); their records were written without those fields")
