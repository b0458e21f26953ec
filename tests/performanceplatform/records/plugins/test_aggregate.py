"""AggregateKey (ga.md §8, examples #36-#38)."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.utils.plugins import (
    AggregateKey,
    aggregate_count,
    aggregate_rate,
    run_plugins,
)
from performanceplatform.utils.plugins.aggregate import group_fields, make_aggregate

UTC = dt.timezone.utc


def test_36_make_aggregate_count():
    docs = [{"a": 2, "b": 2, "c": 2, "visits": 201}, {"a": 2, "b": 2, "c": 2, "visits": 103}]
    assert make_aggregate(docs, [aggregate_count("visits")]) == {
        "a": 2, "b": 2, "c": 2, "visits": 304,
    }


TWO = [
    {"a": 2, "b": 2, "c": 2, "visits": 100, "rate": 0.25},
    {"a": 2, "b": 2, "c": 2, "visits": 100, "rate": 0.75},
]


def test_37_make_aggregate_count_and_rate():
    result = make_aggregate(TWO, [aggregate_count("visits"), aggregate_rate("rate", "visits")])
    assert result["visits"] == 200
    assert result["rate"] == 0.5


def test_38_aggregate_key():
    plugin = AggregateKey(aggregate_count("visits"), aggregate_rate("rate", "visits"))
    assert plugin([dict(doc) for doc in TWO]) == [
        {"a": 2, "b": 2, "c": 2, "visits": 200, "rate": 0.5}
    ]


def test_groups_sorted_by_values_in_python_2_set_order_of_fields():
    # golden edge--ga-plugins-aggregate: groups come out browser first, then week
    fields = group_fields(
        dict.fromkeys(["_timestamp", "dataType", "browser", "sessions", "bounceRate",
                       "timeSpan"]),
        ["sessions", "bounceRate"],
    )
    assert fields == ["dataType", "browser", "_timestamp", "timeSpan"]

    def doc(week, browser, sessions):
        return {"_timestamp": dt.datetime(2018, 7, week, tzinfo=UTC), "dataType": "aggregate",
                "browser": browser, "sessions": sessions, "bounceRate": 50.0,
                "timeSpan": "week"}

    docs = [doc(16, "Firefox", 1), doc(23, "Chrome", 2), doc(16, "Chrome", 3),
            doc(16, "Chrome", 4)]
    result = AggregateKey(aggregate_count("sessions"))(docs)
    assert [(d["browser"], d["_timestamp"].day, d["sessions"]) for d in result] == [
        ("Chrome", 16, 7), ("Chrome", 23, 2), ("Firefox", 16, 1),
    ]


def test_rate_is_true_division():
    docs = [{"k": 1, "n": 1, "r": 1}, {"k": 1, "n": 2, "r": 2}]
    plugin = AggregateKey(aggregate_count("n"), aggregate_rate("r", "n"))
    assert plugin(docs)[0]["r"] == 5 / 3  # (1*1 + 2*2) / 3


def test_rate_with_zero_count():
    with pytest.raises(ZeroDivisionError):
        AggregateKey(aggregate_rate("r", "n"))([{"k": 1, "n": 0, "r": 1}])


def test_ids_left_in_stop_records_merging():
    docs = [{"k": 1, "v": 1, "_id": "x"}, {"k": 1, "v": 2, "_id": "y"}]
    assert len(AggregateKey(aggregate_count("v"))(docs)) == 2


def test_empty_run_gives_no_records():
    assert AggregateKey(aggregate_count("v"))([]) == []


def test_record_missing_a_group_field():
    with pytest.raises(KeyError, match="'k'"):
        AggregateKey(aggregate_count("v"))([{"k": 1, "v": 1}, {"v": 2}])


def test_mixed_value_types_sort_like_python_2():
    docs = [{"k": "a", "v": 1}, {"k": None, "v": 1}, {"k": 3, "v": 1}]
    assert [d["k"] for d in AggregateKey(aggregate_count("v"))(docs)] == [None, 3, "a"]


def test_aggregate_key_checks_its_arguments():
    with pytest.raises(Exception, match="aggregate_count"):
        AggregateKey("visits")


# Eight group fields: the field order is the Python 2 set order after the set grows past its
# first table (checked with CPython 2.7.18), and the groups, so their ranks, follow it.
JOURNEY_FIELDS = ["_timestamp", "dataType", "timeSpan", "eventCategory", "medium", "department",
                  "eventLabel", "eventAction", "sessions", "bounceRate"]


def journey(medium, action, category, department, sessions):
    values = {"_timestamp": "2018-07-16", "dataType": "journey", "timeSpan": "week",
              "eventCategory": category, "medium": medium, "department": department,
              "eventLabel": "x", "eventAction": action, "sessions": sessions, "bounceRate": 50.0}
    return {field: values[field] for field in JOURNEY_FIELDS}


def test_group_field_order_with_eight_fields():
    assert group_fields(journey("m", "a", "c", "d", 1), ["sessions", "bounceRate"]) == [
        "medium", "timeSpan", "dataType", "eventAction", "eventCategory", "eventLabel",
        "_timestamp", "department"]


def test_ranks_of_groups_with_eight_fields():
    docs = [journey("organic", "start", "b", "dft", 10),
            journey("email", "start", "a", "hmrc", 20),
            journey("organic", "finish", "a", "dft", 30),
            journey("email", "finish", "b", "dvla", 40),
            journey("organic", "start", "b", "dft", 5)]
    result = run_plugins(["AggregateKey(aggregate_count('sessions'))", "ComputeRank('rank')",
                          "ComputeIdFrom('medium', 'eventAction', 'rank')"], docs)
    assert [(d["humanId"], d["eventCategory"], d["department"], d["sessions"]) for d in result] == [
        ("email_finish_1", "b", "dvla", 40), ("email_start_2", "a", "hmrc", 20),
        ("organic_finish_3", "a", "dft", 30), ("organic_start_4", "b", "dft", 15)]
