"""The time window of a Pingdom run (spec sources.md §7.1 examples 3–8)."""

import datetime as dt

from performanceplatform.collector.pingdom.window import (
    MAX_LOOK_BACK,
    naive_utc,
    parse_time_range,
    pieces,
    run_window,
    truncate_to_hour,
    unix_seconds,
)


def test_truncating_keeps_a_whole_hour():  # 3
    assert truncate_to_hour(dt.datetime(2013, 6, 15, 22)) == dt.datetime(2013, 6, 15, 22)


def test_truncating_drops_minutes_seconds_and_microseconds():  # 3
    value = dt.datetime(2013, 6, 15, 22, 1, 2, 3)
    assert truncate_to_hour(value) == dt.datetime(2013, 6, 15, 22)


def test_start_only_runs_until_now():  # 4
    now = dt.datetime(2014, 2, 15, 11, tzinfo=dt.timezone.utc)
    start = dt.datetime(2013, 6, 15, 13)
    assert parse_time_range(start, None, now) == (start, dt.datetime(2014, 2, 15, 11))


def test_end_only_starts_in_2005():  # 5
    end = dt.datetime(2013, 6, 15, 13)
    assert parse_time_range(None, end) == (dt.datetime(2005, 1, 1), end)


def test_start_and_end_are_kept():  # 6
    start, end = dt.datetime(2013, 6, 10, 10), dt.datetime(2013, 6, 15, 13)
    assert parse_time_range(start, end) == (start, end)


def test_neither_is_the_last_24_hours():  # 7
    now = dt.datetime(2013, 12, 27, 13, tzinfo=dt.timezone.utc)
    assert parse_time_range(None, None, now) == (
        dt.datetime(2013, 12, 26, 13), dt.datetime(2013, 12, 27, 13))


def test_both_ends_are_truncated_to_the_hour():  # 8
    start, end = dt.datetime(2013, 6, 27, 10, 15, 34), dt.datetime(2013, 6, 30, 13, 45, 30)
    assert parse_time_range(start, end) == (
        dt.datetime(2013, 6, 27, 10), dt.datetime(2013, 6, 30, 13))


def test_now_comes_from_the_frozen_clock(monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_NOW", "2018-08-13T09:30:00Z")
    assert parse_time_range(None, None) == (
        dt.datetime(2018, 8, 12, 9), dt.datetime(2018, 8, 13, 9))


def test_an_offset_is_converted_to_utc_and_dates_are_midnight():
    aware = dt.datetime(2018, 8, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert naive_utc(aware) == dt.datetime(2018, 8, 1, 10, 30)
    assert naive_utc(dt.date(2013, 1, 1)) == dt.datetime(2013, 1, 1)


def test_unix_seconds_are_utc_whatever_the_host_zone():
    assert unix_seconds(dt.datetime(2012, 12, 31, 18)) == 1356976800


def test_a_window_that_fits_is_one_piece_as_given():
    start, end = dt.datetime(2018, 8, 10), dt.datetime(2018, 9, 10)  # exactly 31 days
    assert pieces(start, end) == [(start, end)]
    assert pieces(end, start) == [(end, start)]  # same-day runs whose end is before the start


def test_a_longer_window_is_cut_into_consecutive_pieces_of_31_days():
    start, end = dt.datetime(2018, 1, 1), dt.datetime(2018, 3, 15)
    assert pieces(start, end) == [
        (start, dt.datetime(2018, 2, 1)),
        (dt.datetime(2018, 2, 1), dt.datetime(2018, 3, 4)),
        (dt.datetime(2018, 3, 4), end)]


def test_an_end_only_run_starts_at_the_creation_hour():
    end = dt.datetime(2018, 8, 10, 5)
    assert run_window(None, end, created=1380086400 + 1200) == (
        dt.datetime(2013, 9, 25, 5), end)


def test_an_end_only_run_without_a_usable_created_looks_back_366_days():
    end = dt.datetime(2018, 8, 10, 5)
    for created in (None, "1380086400", True, -5, 10 ** 20):
        assert run_window(None, end, created=created) == (end - MAX_LOOK_BACK, end)


def test_a_check_created_after_the_end_asks_for_nothing():
    end = dt.datetime(2018, 8, 10, 5)
    assert run_window(None, end, created=unix_seconds(dt.datetime(2019, 1, 1))) == (end, end)


def test_created_does_not_move_other_windows():
    start, end = dt.datetime(2013, 6, 10, 10), dt.datetime(2013, 6, 15, 13)
    assert run_window(start, end, created=1380086400) == (start, end)
    assert run_window(start, None, created=1380086400,
                      now=dt.datetime(2014, 1, 1, tzinfo=dt.timezone.utc)) == (
        start, dt.datetime(2014, 1, 1))
