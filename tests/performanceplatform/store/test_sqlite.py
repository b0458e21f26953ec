"""The record store: Backdrop's period keys and upserts by ``_id``."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.store import SQLiteStore
from performanceplatform.store.sqlite import period_starts

UTC = dt.timezone.utc
QUARTER_OF_MONTH = {1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 4, 7: 7, 8: 7, 9: 7, 10: 10, 11: 10, 12: 10}


@pytest.mark.parametrize("month", range(1, 13))
def test_quarter_start_for_every_month(month):
    starts = period_starts(dt.datetime(2015, month, 17, 13, 45, 12, 5, tzinfo=UTC))
    assert starts["_quarter_start_at"] == dt.datetime(2015, QUARTER_OF_MONTH[month], 1,
                                                      tzinfo=UTC)
    assert starts["_month_start_at"] == dt.datetime(2015, month, 1, tzinfo=UTC)
    assert starts["_year_start_at"] == dt.datetime(2015, 1, 1, tzinfo=UTC)


def test_hour_day_and_week_starts():
    starts = period_starts(dt.datetime(2015, 3, 1, 13, 45, 12, tzinfo=UTC))  # a Sunday
    assert starts["_hour_start_at"] == dt.datetime(2015, 3, 1, 13, tzinfo=UTC)
    assert starts["_day_start_at"] == dt.datetime(2015, 3, 1, tzinfo=UTC)
    assert starts["_week_start_at"] == dt.datetime(2015, 2, 23, tzinfo=UTC)  # the Monday


def test_a_saved_record_carries_its_period_keys_and_is_upserted_by_id():
    store = SQLiteStore()
    when = dt.datetime(2015, 11, 5, 6, tzinfo=UTC)
    store.save("g_t", [{"_id": "a", "_timestamp": when, "n": 1}])
    store.save("g_t", [{"_id": "a", "_timestamp": when, "n": 2}])
    [record] = store.query("g_t")
    assert record["n"] == 2 and record["_quarter_start_at"] == "2015-10-01T00:00:00+00:00"
    assert store.count("g_t") == 1
