"""Comment, ComputeIdFrom, ComputeRank, RemoveKey (ga.md §8, examples #39, #46, #47)."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.utils.data_parser import value_id
from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.plugins import Comment, ComputeIdFrom, ComputeRank, RemoveKey

UTC = dt.timezone.utc


def test_comment_passes_records_through():
    docs = [{"a": 1}]
    assert Comment("anything", 1)(docs) == [{"a": 1}]


def test_39_compute_id_from():
    docs = ComputeIdFrom("a", "b")([{"a": 1, "b": 2, "c": 3}])
    assert docs == [{"a": 1, "b": 2, "c": 3, "humanId": "1_2", "_id": "MV8y"}]
    assert value_id("1_2")[0] == "MV8y"


def test_compute_id_from_production_example():
    doc = {"_timestamp": dt.datetime(2014, 10, 13, tzinfo=UTC), "timeSpan": "week",
           "dataType": "top-count", "department": "attorney-generals-office", "rank": 1}
    ComputeIdFrom("_timestamp", "timeSpan", "dataType", "department", "rank")([doc])
    assert doc["humanId"] == "20141013000000_week_top-count_attorney-generals-office_1"


def test_compute_id_from_converts_aware_datetimes_to_utc():
    plus_one = dt.timezone(dt.timedelta(hours=1))
    doc = {"t": dt.datetime(2014, 10, 13, 1, tzinfo=plus_one)}
    assert ComputeIdFrom("t")([doc])[0]["humanId"] == "20141013000000"


def test_compute_id_from_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        ComputeIdFrom("t")([{"t": dt.datetime(2014, 10, 13)}])


def test_compute_id_from_python_2_text():
    doc = {"f": 0.1 + 0.2, "n": None, "u": "Café"}
    assert ComputeIdFrom("f", "n", "u")([doc])[0]["humanId"] == "0.3_None_Café"


def test_compute_id_from_missing_field():
    with pytest.raises(KeyError) as raised:
        ComputeIdFrom("a", "missing")([{"a": 1}])
    assert isinstance(raised.value, ConfigError)
    assert str(raised.value) == "options.plugins: ComputeIdFrom: a record has no field 'missing'"


def test_46_compute_rank():
    assert ComputeRank("rank")([{}, {}]) == [{"rank": 1}, {"rank": 2}]


def test_47_remove_key():
    assert RemoveKey("b")([{"a": None, "b": None}]) == [{"a": None}]


def test_remove_key_missing_is_a_key_error():
    with pytest.raises(KeyError, match="'zz'"):
        RemoveKey("zz")([{"a": 1}])
