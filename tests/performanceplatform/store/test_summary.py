"""The store's summary: counts, last write, and charts whose cost does not grow with a data set."""

from __future__ import annotations

import datetime as dt

from performanceplatform.store import SQLiteStore
from performanceplatform.store.summary import MAX_FIELDS, summarise, summarise_data_set

UTC = dt.timezone.utc
START = dt.datetime(2015, 1, 1, tzinfo=UTC)


def hourly(count: int, per_hour: int = 1, start: int = 0) -> list[dict]:
    return [{"_id": f"r{i}", "_timestamp": START + dt.timedelta(hours=i // per_hour),
             "visitors": i % 7, "page": f"/p/{i % per_hour}"}
            for i in range(start, start + count)]


def test_each_data_set_with_its_count_last_write_and_range():
    store = SQLiteStore()
    store.save("b_t", hourly(3))
    store.save("a_t", hourly(2))
    store.save("a_t", [{"_id": "r0", "_timestamp": START, "visitors": 10}])  # an upsert
    [first, second] = summarise(store)
    assert (first.name, first.records, second.name, second.records) == ("a_t", 2, "b_t", 3)
    assert first.last_record["_id"] == "r0" and first.last_record["visitors"] == 10
    assert first.last_write == first.last_record["_updated_at"]
    assert (first.first_timestamp, first.last_timestamp) == (
        "2015-01-01T00:00:00+00:00", "2015-01-01T01:00:00+00:00")


def test_a_point_per_timestamp_sums_the_records_that_share_it():
    store = SQLiteStore()
    store.save("g_t", hourly(6, per_hour=3))  # visitors 0,1,2 at 00:00 and 3,4,5 at 01:00
    [summary] = summarise(store)
    assert summary.series == {"visitors": [("2015-01-01T00:00:00+00:00", 3),
                                           ("2015-01-01T01:00:00+00:00", 12)]}
    assert summary.every_timestamp


def test_only_numeric_fields_with_backdrop_keys_are_charted():
    store = SQLiteStore()
    store.save("g_t", [{"_id": "a", "_timestamp": START, "n": 1.5, "flag": True, "s": "7",
                        "<script>x</script>": 3, "_internal": 4}])
    [summary] = summarise(store)
    assert list(summary.series) == ["n"]


def test_fields_beyond_the_limit_are_named_not_charted():
    store = SQLiteStore()
    store.save("g_t", [{"_id": "a", "_timestamp": START,
                        **{f"f{i:02}": i for i in range(MAX_FIELDS + 2)}}])
    [summary] = summarise(store)
    assert len(summary.series) == MAX_FIELDS
    assert summary.fields_not_charted == [f"f{MAX_FIELDS}", f"f{MAX_FIELDS + 1}"]


def test_many_timestamps_are_sampled_evenly_from_the_first_to_the_last():
    store = SQLiteStore()
    store.save("g_t", hourly(1000))
    summary = summarise_data_set(store, "g_t", 1000, max_points=50)
    times = [stamp for stamp, _ in summary.series["visitors"]]
    assert 40 <= len(times) <= 51 and times == sorted(set(times))
    assert (times[0], times[-1]) == (summary.first_timestamp, summary.last_timestamp)
    assert not summary.every_timestamp


def test_timestamps_a_second_apart_with_fractions_still_advance():
    store = SQLiteStore()
    store.save("g_t", [{"_id": f"r{i}", "_timestamp": START + dt.timedelta(seconds=i / 2),
                        "n": 1} for i in range(40)])
    summary = summarise_data_set(store, "g_t", 40, max_points=100)
    times = [stamp for stamp, _ in summary.series["n"]]
    assert times == sorted(set(times)) and len(times) >= 20


def steps_to_summarise(store: SQLiteStore, name: str, count: int) -> int:
    """SQLite virtual-machine steps (in thousands) that one data set's summary costs."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    store._db.set_progress_handler(tick, 1000)
    try:
        summarise_data_set(store, name, count)
    finally:
        store._db.set_progress_handler(None, 1000)
    return steps[0]


def test_the_chart_cost_does_not_grow_with_the_data_set():
    store = SQLiteStore()
    store.save("small_t", hourly(2_000))
    store.save("large_t", hourly(40_000))
    small = steps_to_summarise(store, "small_t", 2_000)
    large = steps_to_summarise(store, "large_t", 40_000)
    assert large < 2 * small + 20, (small, large)


def test_a_data_set_split_by_a_dimension_reads_within_the_row_budget():
    store = SQLiteStore()
    store.save("g_t", hourly(10_000, per_hour=100))  # 100 timestamps of 100 records
    summary = summarise_data_set(store, "g_t", 10_000, row_budget=1_000)
    points = summary.series["visitors"]
    assert 5 <= len(points) <= 11 and points[-1][0] == summary.last_timestamp
    assert points[0][1] == sum(i % 7 for i in range(100))


def test_the_cost_of_a_split_data_set_does_not_grow_with_it_either():
    store = SQLiteStore()
    store.save("small_t", hourly(5_000, per_hour=50))
    store.save("large_t", hourly(50_000, per_hour=50))
    small = steps_to_summarise(store, "small_t", 5_000)
    large = steps_to_summarise(store, "large_t", 50_000)
    assert large < 2 * small + 20, (small, large)
