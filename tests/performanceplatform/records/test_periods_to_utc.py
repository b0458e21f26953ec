"""``to_utc``: aware datetimes convert, naive ones (or a zone without an offset) refuse."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.utils.datetimeutil import to_utc


class NoOffset(dt.tzinfo):
    """A zone that does not know its offset: a datetime in it counts as naive."""

    def utcoffset(self, when):
        return None


def test_an_aware_datetime_becomes_utc():
    plus_two = dt.timezone(dt.timedelta(hours=2))
    converted = to_utc(dt.datetime(2018, 8, 1, 12, tzinfo=plus_two))
    assert converted == dt.datetime(2018, 8, 1, 10, tzinfo=dt.timezone.utc)
    assert converted.tzinfo is dt.timezone.utc


@pytest.mark.parametrize("value", [dt.datetime(2018, 8, 1),
                                   dt.datetime(2018, 8, 1, tzinfo=NoOffset())])
def test_a_naive_datetime_is_refused(value):
    with pytest.raises(ValueError, match=r"^astimezone\(\) cannot be applied to a naive "
                                         r"datetime$"):
        to_utc(value)


def test_to_date_names_what_it_was_given():
    from performanceplatform.utils.datetimeutil import to_date

    with pytest.raises(ValueError) as failure:
        to_date("2018-08-01")
    assert str(failure.value) == "'2018-08-01' (<class 'str'>) isn't a date or datetime"
