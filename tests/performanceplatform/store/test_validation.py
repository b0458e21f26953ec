"""Backdrop's validation rules as a pure function (spec core.md §3.3, §5.11.10)."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.store import SQLiteStore, validate_records
from performanceplatform.store.validation import InvalidRecord

TS = "2014-01-01T00:00:00+00:00"


@pytest.mark.parametrize("key", ["name", "NAME", "name54", "name_of_thing",
                                 "Field1"])
def test_valid_keys(key):
    assert validate_records([{"_timestamp": TS, key: 1}])[1] == []


@pytest.mark.parametrize("key", ["son.of.thing", "name-of-thing", "son;of;thing", "son:of:thing",
                                 "1field", "", "    ", "\t", "a"])
def test_invalid_keys(key):
    assert validate_records([{"_timestamp": TS, key: 1}])[1] == [f"{key} is not a valid key"]


@pytest.mark.parametrize("value", ["", "a b", "a\tb", 7, None])
def test_invalid_ids(value):
    assert validate_records([{"_timestamp": TS, "_id": value}])[1]


@pytest.mark.parametrize("value", [[1, 2, 3], {"a": 1}, 2**63])
def test_invalid_values(value):
    assert validate_records([{"_timestamp": TS, "v1": value}])[1] == ["v1 has an invalid value"]


@pytest.mark.parametrize("stamp", ["2014-01-01T00:00:00+00:00", "2014-01-01T00:00:00-00:00",
                                   "2014-01-01T00:00:00Z", "2014-01-01T00:00:00+0000"])
def test_accepted_timestamps(stamp):
    assert validate_records([{"_timestamp": stamp}])[1] == []


@pytest.mark.parametrize("stamp", ["14-11-01T11:55:11Z", "2014-JAN-01T11:55:11Z",
                                   "2014-1-1T11:55:11"])
def test_refused_timestamps(stamp):
    assert validate_records([{"_timestamp": stamp}])[1]


def test_timestamps_are_converted_to_utc():
    [record], _ = validate_records([{"_timestamp": "2014-01-02T06:04:05+03:30"}])
    assert record["_timestamp"] == dt.datetime(2014, 1, 2, 2, 34, 5, tzinfo=dt.timezone.utc)


def test_non_objects_are_a_server_error():
    with pytest.raises(InvalidRecord):
        validate_records([1])


def test_store_upserts_and_keeps_write_order(tmp_path):
    store = SQLiteStore(str(tmp_path / "records.db"))
    prepared, _ = validate_records([{"_id": "a", "_timestamp": TS, "n1": 1},
                                    {"_id": "b", "_timestamp": TS, "n1": 2}])
    store.save("ds", prepared)
    prepared, _ = validate_records([{"_id": "a", "_timestamp": TS, "n1": 3}])
    store.save("ds", prepared)
    assert [(r["_id"], r["n1"]) for r in store.query("ds")] == [("b", 2), ("a", 3)]
    reopened = SQLiteStore(str(tmp_path / "records.db"))
    assert reopened.count("ds") == 2
    reopened.empty("ds")
    assert reopened.count("ds") == 0


@pytest.mark.parametrize("text", [
    "2018-01-01T00:00:00+00:00", "2018-01-01T23:59:59.123456+01:30",
    "2018-07-01T12:00:00.5-05:00",
    "2018-02-30T00:00:00+00:00", "2018-13-01T00:00:00+00:00", "2018-01-01T24:00:00+00:00",
    "2018-01-01T00:00:60+00:00", "2018-01-01T00:00:00Z", "2018-01-01T00:00+00:00",
])
def test_the_quick_parse_of_plain_timestamps_is_dateutils(text):
    """Plain ISO 8601 text is parsed by the standard library (much faster): the same
    datetime, or the same error, as dateutil's."""
    from dateutil import parser

    from performanceplatform.store import validation

    try:
        expected: object = parser.parse(text)
    except ValueError as exc:
        expected = str(exc)
    try:
        got: object = validation._parse_time(text)
    except ValueError as exc:
        got = str(exc)
    assert got == expected
