"""``clock.now()``: frozen by ``PP_COLLECTOR_NOW`` (a naive instant is UTC), else the real
time; always aware and in UTC, whatever the machine's zone."""

from __future__ import annotations

import datetime as dt

from performanceplatform.utils import clock
from tests.local_zone import local_zone

UTC = dt.timezone.utc


def test_a_frozen_instant_is_given_in_utc(monkeypatch):
    monkeypatch.setenv(clock.ENV_NOW, "2018-08-13T12:00:00+02:00")
    with local_zone():
        frozen = clock.now()
    assert frozen == dt.datetime(2018, 8, 13, 10, tzinfo=UTC) and frozen.utcoffset() == \
        dt.timedelta(0)


def test_a_frozen_instant_without_an_offset_is_utc(monkeypatch):
    monkeypatch.setenv(clock.ENV_NOW, "2018-08-13T10:00:00")
    with local_zone():
        frozen = clock.now()
    assert frozen == dt.datetime(2018, 8, 13, 10, tzinfo=UTC)
    assert frozen.utcoffset() == dt.timedelta(0)


def test_the_real_time_is_utc(monkeypatch):
    monkeypatch.delenv(clock.ENV_NOW, raising=False)
    with local_zone():
        current = clock.now()
    assert current.utcoffset() == dt.timedelta(0)
    assert abs(current - dt.datetime.now(UTC)) < dt.timedelta(minutes=1)
