"""Dates and periods (ga.md §5, acceptance examples #72-#84)."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.utils.datetimeutil import (
    period_range,
    to_date,
    to_datetime,
    to_utc,
)

UTC = dt.timezone.utc
d = dt.date


@pytest.fixture
def frozen(monkeypatch):
    def freeze(day: str) -> None:
        monkeypatch.setenv("PP_COLLECTOR_NOW", f"{day}T12:00:00+00:00")

    return freeze


def test_72_to_date():
    assert to_date(None) is None
    assert to_date(dt.datetime(2012, 12, 12)) == d(2012, 12, 12)
    assert to_date(d(2012, 12, 12)) == d(2012, 12, 12)
    with pytest.raises(ValueError, match="isn't a date or datetime"):
        to_date("")


def test_73_to_datetime():
    aware = dt.datetime(2012, 12, 12, 10, tzinfo=UTC)
    assert to_datetime(aware) == aware
    assert to_datetime(d(2012, 12, 12)) == dt.datetime(2012, 12, 12, tzinfo=UTC)


def test_to_datetime_relabels_rather_than_converts():
    plus_two = dt.timezone(dt.timedelta(hours=2))
    result = to_datetime(dt.datetime(2013, 4, 1, 10, tzinfo=plus_two))
    assert result == dt.datetime(2013, 4, 1, 10, tzinfo=UTC)
    assert to_datetime(dt.datetime(2013, 4, 2)).tzinfo is UTC


def test_to_utc_converts_aware_and_refuses_naive():
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert to_utc(dt.datetime(2013, 4, 1, 10, tzinfo=plus_two)) == dt.datetime(
        2013, 4, 1, 8, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        to_utc(dt.datetime(2013, 4, 1))


def test_74_daily_default_is_yesterday(frozen):
    frozen("2013-04-02")
    assert list(period_range(None, None, "daily")) == [(d(2013, 4, 1), d(2013, 4, 1))]


def test_75_daily():
    assert list(period_range(d(2013, 4, 1), d(2013, 4, 1), "daily")) == [
        (d(2013, 4, 1), d(2013, 4, 1))
    ]
    assert list(period_range(d(2013, 4, 1), d(2013, 4, 3), "daily")) == [
        (d(2013, 4, 1), d(2013, 4, 1)),
        (d(2013, 4, 2), d(2013, 4, 2)),
        (d(2013, 4, 3), d(2013, 4, 3)),
    ]


def test_76_daily_mixed_datetime_and_date():
    assert list(period_range(dt.datetime(2013, 4, 1), d(2013, 4, 2), "daily")) == [
        (d(2013, 4, 1), d(2013, 4, 1)),
        (d(2013, 4, 2), d(2013, 4, 2)),
    ]


def test_77_daily_bad_and_single_day():
    with pytest.raises(ValueError, match=r"Bad dates: !\(start_date=2013-04-08 <= "
                                         r"end_date=2013-04-01\)"):
        period_range(d(2013, 4, 8), d(2013, 4, 1), "daily")  # raised at call time
    assert list(period_range(d(2013, 4, 8), d(2013, 4, 8), "daily")) == [
        (d(2013, 4, 8), d(2013, 4, 8))
    ]


def test_78_weekly():
    assert list(period_range(d(2013, 4, 1), d(2013, 4, 7), "weekly")) == [
        (d(2013, 4, 1), d(2013, 4, 7))
    ]
    assert list(period_range(d(2013, 4, 1), d(2013, 4, 21), "weekly")) == [
        (d(2013, 4, 1), d(2013, 4, 7)),
        (d(2013, 4, 8), d(2013, 4, 14)),
        (d(2013, 4, 15), d(2013, 4, 21)),
    ]


def test_79_weekly_mixed_datetime_and_date():
    assert list(period_range(dt.datetime(2013, 4, 1), d(2013, 4, 7), "weekly")) == [
        (d(2013, 4, 1), d(2013, 4, 7))
    ]


def test_80_weekly_start_moves_back_to_monday():
    assert list(period_range(d(2013, 4, 3), d(2013, 4, 10), "weekly")) == [
        (d(2013, 4, 1), d(2013, 4, 7)),
        (d(2013, 4, 8), d(2013, 4, 14)),
    ]


def test_81_weekly_default_is_last_complete_week(frozen):
    frozen("2013-04-11")
    assert list(period_range(None, None, "weekly")) == [(d(2013, 4, 1), d(2013, 4, 7))]


def test_82_weekly_bad_and_single_day():
    with pytest.raises(ValueError, match="Bad dates"):
        period_range(d(2013, 4, 8), d(2013, 4, 1), "weekly")
    assert list(period_range(d(2013, 4, 8), d(2013, 4, 8), "weekly")) == [
        (d(2013, 4, 8), d(2013, 4, 14))
    ]


def test_83_monthly_default_and_bad_dates(frozen):
    frozen("2013-04-02")
    assert list(period_range(None, None, "monthly")) == [(d(2013, 3, 1), d(2013, 3, 31))]
    with pytest.raises(ValueError, match="Bad dates"):
        period_range(d(2013, 4, 8), d(2013, 3, 1), "monthly")


def test_84_monthly_full_months():
    march = [(d(2013, 3, 1), d(2013, 3, 31))]
    winter = [
        (d(2012, 12, 1), d(2012, 12, 31)),
        (d(2013, 1, 1), d(2013, 1, 31)),
        (d(2013, 2, 1), d(2013, 2, 28)),
    ]
    assert list(period_range(d(2013, 3, 1), d(2013, 3, 31), "monthly")) == march
    assert list(period_range(d(2012, 12, 1), d(2013, 2, 28), "monthly")) == winter
    assert list(period_range(d(2012, 12, 20), d(2013, 2, 28), "monthly")) == winter


def test_last_period_may_run_past_the_end():
    assert list(period_range(d(2013, 4, 1), d(2013, 4, 2), "weekly")) == [
        (d(2013, 4, 1), d(2013, 4, 7))
    ]
    assert list(period_range(d(2013, 1, 31), d(2013, 2, 3), "monthly")) == [
        (d(2013, 1, 1), d(2013, 1, 31)),
        (d(2013, 2, 1), d(2013, 2, 28)),
    ]


def test_bad_frequency():
    with pytest.raises(ValueError, match="Bad value of frequency, should be daily, weekly or "
                                         "monthly"):
        period_range(d(2013, 4, 1), d(2013, 4, 2), "hourly")


def test_only_one_bound_is_a_type_error():
    with pytest.raises(TypeError):
        period_range(d(2013, 4, 1), None, "daily")
    with pytest.raises(TypeError):
        period_range(None, d(2013, 4, 1), "daily")


def test_default_frequency_is_weekly():
    assert list(period_range(d(2013, 4, 3), d(2013, 4, 3))) == [(d(2013, 4, 1), d(2013, 4, 7))]
