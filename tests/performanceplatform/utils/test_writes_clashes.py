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


def test_records_holding_lists_are_compared_whatever_the_order_of_their_fields():
    run = writes.Writes()
    run.watch([{"_id": "a", "tags": ["x"], "n": 1}, {"n": 1, "tags": ["x"], "_id": "a"},
               {"_id": "b", "tags": ["x"], "n": 1}, {"n": 2, "tags": ["x"], "_id": "b"}])
    assert run.clashing_ids == ["b"]


def test_records_holding_lists_and_dates_are_compared_as_text():
    day = dt.datetime(2018, 8, 1, tzinfo=dt.timezone.utc)
    run = writes.Writes()
    run.watch([{"_id": "a", "tags": [], "at": day}, {"_id": "a", "tags": [], "at": day},
               {"_id": "b", "tags": [], "at": day},
               {"_id": "b", "tags": [], "at": day + dt.timedelta(days=1)}])
    assert run.clashing_ids == ["b"]


def test_a_date_and_its_text_are_different_values():
    """Backdrop gets a datetime in ISO form (``2018-08-01T00:00:00``), not as ``str()``."""
    day = dt.datetime(2018, 8, 1)
    run = writes.Writes()
    run.watch([{"_id": "a", "_timestamp": day}, {"_id": "a", "_timestamp": str(day)}])
    assert run.clashing_ids == ["a"]


def test_a_dry_run_counts_every_record_it_would_have_sent(sandbox):
    from performanceplatform.client import DataSet
    from tests.helpers import SANDBOX_TOKEN, stored

    with writes.recording() as run:
        assert run.would_write == 0
        DataSet(f"{sandbox.url}/data/w/t", SANDBOX_TOKEN, dry_run=True).post(
            [{"_id": str(n), "_timestamp": "2018-08-01T00:00:00+00:00"} for n in range(5)],
            chunk_size=2)
    assert (run.would_write, run.records, run.chunks) == (5, 0, 0)
    assert stored(sandbox, "w", "t") == []


def test_a_recording_inside_another_is_a_run_of_its_own_unless_it_reuses_it():
    with writes.recording() as outer:
        with writes.recording() as inner:
            assert writes.current() is inner is not outer
        with writes.recording(reuse_current=True) as reused:
            assert reused is outer
        assert writes.current() is outer
