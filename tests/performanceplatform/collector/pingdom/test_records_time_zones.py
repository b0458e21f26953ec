"""Pingdom hours given as aware datetimes in another zone, and what a malformed hour says."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.collector.pingdom.records import hour_start, to_records
from performanceplatform.utils.errors import SourceError
from tests.local_zone import local_zone


def test_an_aware_start_in_another_zone_is_turned_into_utc():
    plus_two = dt.timezone(dt.timedelta(hours=2))
    with local_zone():
        start = hour_start(dt.datetime(2013, 1, 1, 2, tzinfo=plus_two))
    assert start.isoformat() == "2013-01-01T00:00:00+00:00"


def test_a_malformed_hour_names_the_error_class():
    with pytest.raises(SourceError) as failure:
        list(to_records([{"starttime": 0}, {"starttime": "soon"}], "my check"))
    assert str(failure.value) == ("pingdom: hour 2 of summary.performance for check 'my check' "
                                  "is malformed (ValueError: invalid literal for int() with "
                                  "base 10: 'soon')")
