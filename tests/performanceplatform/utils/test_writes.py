"""What a run wrote: counts for a stopped run's line, and records sharing an ``_id``."""

from __future__ import annotations

import logging

from performanceplatform.client import DataSet
from performanceplatform.utils import writes
from tests.helpers import SANDBOX_TOKEN, stored

STAMP = "2018-08-01T00:00:00+00:00"


def record(_id, **fields):
    return {"_id": _id, "_timestamp": STAMP, **fields}


def test_outside_a_run_nothing_is_recorded():
    assert writes.current() is None
    with writes.recording() as run:
        assert writes.current() is run
    assert writes.current() is None


def test_identical_records_are_not_counted(caplog):
    run = writes.Writes()
    run.watch([record("a", n=1), record("a", n=1), record("b", n=1)])
    run.warn_about_duplicates()
    assert run.clashing_ids == [] and caplog.records == []


def test_records_differing_under_one_id_are_counted_once_each(caplog):
    run = writes.Writes()
    run.watch([record(f"id{i}", n=0) for i in range(8)])
    stream = run.watch(iter([record(f"id{i}", n=1) for i in range(8)] + [record("id0", n=2)]))
    assert len(list(stream)) == 9  # streamed through, lazily
    run.watch(record("single", n=1))
    with caplog.at_level(logging.WARNING):
        run.warn_about_duplicates()
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("8 _ids were given to records that differ")
    assert line.endswith("id0, id1, id2, id3, id4, ...; check options.idMapping")


def test_one_clash_is_worded_in_the_singular(caplog):
    run = writes.Writes()
    run.watch([record("x", n=1), record("x", n=2), {"no": "id"}, "not a record"])
    with caplog.at_level(logging.WARNING):
        run.warn_about_duplicates()
    assert caplog.records[0].getMessage().startswith("1 _id was given to records that differ")


def test_tracking_is_bounded(monkeypatch):
    monkeypatch.setattr(writes, "MAX_TRACKED_IDS", 2)
    run = writes.Writes()
    run.watch([record("a", n=1), record("b", n=1), record("c", n=1), record("c", n=2),
               record("a", n=2)])
    assert run.clashing_ids == ["a"]  # "c" came after the bound


def test_text_is_passed_through_untouched():
    assert writes.Writes().watch("[]") == "[]"


def test_summary_words_what_was_written():
    run = writes.Writes()
    assert run.summary() == "no records were written"
    run.emptied_data_set()
    assert run.summary() == "the data set was emptied; no records were written"
    run.wrote(1)
    assert run.summary().endswith("1 record in 1 chunk were written (a re-run overwrites "
                                  "them by _id); the rest were not written")


def test_the_data_set_reports_what_backdrop_accepted(sandbox):
    data_set = DataSet(f"{sandbox.url}/data/w/t", SANDBOX_TOKEN)
    with writes.recording() as run:
        data_set.empty_data_set()
        data_set.post(iter([record("a", count=1), record("b", count=1),
                            record("c", count=1)]), chunk_size=2)
        data_set.post(record("d", count=1))
    assert (run.records, run.chunks, run.emptied) == (4, 3, True)
    assert len(stored(sandbox, "w", "t")) == 4


def test_a_dry_run_writes_nothing(sandbox):
    with writes.recording() as run:
        DataSet(f"{sandbox.url}/data/w/t", SANDBOX_TOKEN, dry_run=True).post([record("a")])
    assert (run.records, run.chunks) == (0, 0)


def test_a_records_fields_are_compared_whatever_their_order_but_with_their_types():
    run = writes.Writes()
    run.watch([{"_id": "a", "n": 1, "m": "x"}, {"m": "x", "n": 1, "_id": "a"},
               {"_id": "b", "n": 1}, {"_id": "b", "n": 1.0},
               {"_id": "c", "n": [1]}, {"_id": "c", "n": [1]}, {"_id": "d", "n": [1]},
               {"_id": "d", "n": [2]}])
    assert run.clashing_ids == ["b", "d"]


def test_up_to_five_clashing_ids_are_all_shown_without_dots(caplog):
    run = writes.Writes()
    for n in (1, 2):
        run.watch([record(f"id{i}", n=n) for i in range(5)])
    with caplog.at_level(logging.WARNING):
        run.warn_about_duplicates()
    assert [r.getMessage() for r in caplog.records] == [
        "5 _ids were given to records that differ (Backdrop keeps only the last record of "
        "each): id0, id1, id2, id3, id4; check options.idMapping"]
