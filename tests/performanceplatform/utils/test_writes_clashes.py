"""Records sharing an ``_id``: which count as the same record, and the words of a stopped
run's summary (see also test_writes.py)."""

from __future__ import annotations

import datetime as dt

from performanceplatform.utils import writes


def test_the_same_fields_in_another_order_are_the_same_record():
    run = writes.Writes()
    run.watch([{"_id": "a", "x": 1, "y": 2}, {"y": 2, "x": 1, "_id": "a"}])
    assert run.clashing_ids == []


def test_values_json_cannot_write_are_compared_as_text():
    day = dt.datetime(2018, 8, 1, tzinfo=dt.timezone.utc)
    run = writes.Writes()
    run.watch([{"_id": "a", "at": day}, {"_id": "a", "at": day},
               {"_id": "b", "at": day}, {"_id": "b", "at": day + dt.timedelta(days=1)}])
    assert run.clashing_ids == ["b"]


def test_one_record_watched_alone_is_seen():
    run = writes.Writes()
    assert run.watch({"_id": "a", "n": 1}) == {"_id": "a", "n": 1}
    run.watch({"_id": "a", "n": 2})
    assert run.clashing_ids == ["a"]


def test_the_summary_counts_in_the_plural():
    run = writes.Writes()
    run.wrote(2)
    run.wrote(1)
    assert run.summary() == ("3 records in 2 chunks were written (a re-run overwrites them by "
                             "_id); the rest were not written")
