"""Chunked writes with several POSTs in flight (``client.in_flight``), against the sandbox's
Backdrop: the same chunks as one POST after another, the upserts of an ``_id`` in order,
and failures that say exactly what was written."""

from __future__ import annotations

import itertools
import logging
import threading
import time

import pytest

from performanceplatform.client import DataSet, in_flight
from performanceplatform.client.in_flight import numbers
from performanceplatform.utils import writes
from performanceplatform.utils.errors import SinkError, SourceError
from tests.helpers import SANDBOX_TOKEN, inject, served, stored
from tests.performanceplatform.pipeline.in_flight import assert_sent_in_flight, by_id

RECORD = {"_timestamp": "2012-12-12T00:00:00+00:00"}


def data_set(sandbox, name: str = "type", **kwargs) -> DataSet:
    return DataSet.from_group_and_type(f"{sandbox.url}/data", "group", name,
                                       token=SANDBOX_TOKEN, **kwargs)


def records(n: int, **fields) -> list[dict]:
    return [dict(RECORD, _id=f"id{i}", count=i, **fields) for i in range(n)]


def held(sandbox, name: str) -> dict[str, str]:
    return by_id([{k: v for k, v in r.items() if k != "_updated_at"}
                  for r in stored(sandbox, "group", name)])


def bodies(sandbox) -> list[tuple]:
    return [(r["method"], r["body_digest"]) for r in served(sandbox, "backdrop")]


def test_the_same_chunks_as_one_post_after_another(sandbox):
    data_set(sandbox, "one").post(iter(records(25)), chunk_size=3)
    sequential = bodies(sandbox)
    sandbox.reset()
    inject(sandbox, service="backdrop", status=None, delay=0.2, count=1)  # one is slow
    with writes.recording() as run:
        data_set(sandbox, "four").post(iter(records(25)), chunk_size=3, in_flight=4)
    assert_sent_in_flight(sequential, bodies(sandbox), 4)
    assert bodies(sandbox) != sequential  # the slow one was overtaken
    assert held(sandbox, "four") == held(sandbox, "one")
    assert (run.records, run.chunks) == (25, 9)  # every POST reported from its thread


def test_posts_in_flight_use_one_keep_alive_connection_each(sandbox):
    inject(sandbox, service="backdrop", status=None, delay=0.05, count=20)
    client = data_set(sandbox)
    client.post(records(40), chunk_size=2, in_flight=3)
    pools = client.session.adapters["http://"].poolmanager.pools
    [pool] = list(pools._container.values())  # urllib3's own table (no public view)
    assert 1 < pool.num_connections <= 3  # 20 POSTs over at most 3 connections
    assert len(served(sandbox, "backdrop")) == 20


def test_a_source_failing_waits_for_the_posts_in_flight_and_says_what_they_wrote(sandbox):
    inject(sandbox, service="backdrop", status=None, delay=0.5, count=3)

    def source():
        yield from records(6)
        raise SourceError("the source broke")

    started = time.perf_counter()
    with pytest.raises(SourceError) as failure:
        data_set(sandbox).post(source(), chunk_size=2, in_flight=4)
    assert time.perf_counter() - started >= 0.5  # the three slow POSTs were waited for
    assert str(failure.value) == ("the source broke (6 records in 3 chunks were written "
                                  "before the failure; the rest were not)")
    assert len(stored(sandbox, "group", "type")) == 6


def test_a_refused_chunk_with_later_ones_in_flight(sandbox):
    bad = records(12)
    bad[0]["bad-key"] = 1  # chunk 1 is refused, after 0.5 s
    inject(sandbox, service="backdrop", status=None, delay=0.5, count=1)
    with pytest.raises(SinkError) as failure:
        data_set(sandbox).post(bad, chunk_size=2, in_flight=3)
    held = sorted(int(r["_id"][2:]) for r in stored(sandbox, "group", "type"))
    written = sorted({i // 2 + 1 for i in held})
    assert 1 not in written and 2 in written  # in flight with chunk 1
    assert failure.value.written_records == len(held) == 2 * len(written)
    ranges = failure.value.written_ranges  # the positions of the records written, merged
    assert [i for start, end in ranges for i in range(start, end)] == held
    assert all(end < start for (_, end), (start, _) in zip(ranges[:-1], ranges[1:], strict=True))
    assert str(failure.value).endswith(
        f"(chunk 1 (2 records) not written; chunks {numbers(written)} with {len(held)} "
        "records were written; later chunks were not sent)")


def test_a_dry_run_shows_its_posts_one_after_another(sandbox, caplog):
    with caplog.at_level(logging.INFO):
        data_set(sandbox, dry_run=True).post(records(4), chunk_size=2, in_flight=4)
    sent = [m for m in caplog.messages if m.startswith(("Sending chunk", "HTTP POST"))]
    assert [m.split(" to ")[0] for m in sent] == ["Sending chunk 1", "HTTP POST",
                                                  "Sending chunk 2", "HTTP POST"]
    assert served(sandbox, "backdrop") == []


def test_numbers_are_worded_as_runs():
    assert numbers([1]) == "1"
    assert numbers([1, 2, 3, 5]) == "1 to 3 and 5"
    assert numbers([1, 3, 4, 6]) == "1, 3 to 4 and 6"


def refused(n: int, *bad: int) -> list[dict]:
    """``records(n)`` where the records at positions ``bad`` are refused by Backdrop."""
    rows = records(n)
    for position in bad:
        rows[position]["bad-key"] = 1
    return rows


def failed_write(sandbox, rows, **kwargs) -> SinkError:
    with pytest.raises(SinkError) as failure:
        data_set(sandbox).post(rows, **kwargs)
    return failure.value


def test_a_write_whose_only_chunk_fails_reads_as_a_sequential_one(sandbox):
    error = failed_write(sandbox, refused(2, 0), chunk_size=2, in_flight=2)
    assert str(error).endswith("(chunk 1 (2 records) not written; nothing was written before "
                               "it; later chunks were not sent)")
    assert (error.url, error.status) == (f"{sandbox.url}/data/group/type", 400)
    assert (error.written_records, error.written_chunks, error.written_ranges) == (0, 0, ())


def test_the_last_chunk_failing_after_the_earlier_ones_reads_as_a_sequential_write(sandbox):
    inject(sandbox, service="backdrop", status=None, delay=0.3, count=3)  # all in flight
    error = failed_write(sandbox, refused(6, 4), chunk_size=2, in_flight=3)
    assert str(error).endswith("(chunk 3 (2 records) not written; 2 earlier chunks with 4 "
                               "records were written; later chunks were not sent)")
    assert (error.written_records, error.written_chunks, error.written_ranges) == \
        (4, 2, ((0, 4),))
    assert sorted(held(sandbox, "type")) == ["id0", "id1", "id2", "id3"]


def test_one_chunk_written_after_the_failed_one_is_named(sandbox):
    inject(sandbox, service="backdrop", status=None, delay=0.5, count=2)  # both in flight
    error = failed_write(sandbox, refused(4, 0), chunk_size=2, in_flight=2)
    assert str(error).endswith("(chunk 1 (2 records) not written; chunk 2 with 2 records was "
                               "written; later chunks were not sent)")
    assert (error.url, error.status) == (f"{sandbox.url}/data/group/type", 400)
    assert (error.written_records, error.written_chunks, error.written_ranges) == \
        (2, 1, ((2, 4),))


def test_several_failed_chunks_are_named_in_write_order(sandbox):
    # both in flight; the first to arrive (chunk 1, as a rule) is answered last
    inject(sandbox, service="backdrop", status=None, delay=0.6, count=1)
    inject(sandbox, service="backdrop", status=None, delay=0.1, count=1)
    error = failed_write(sandbox, refused(5, 0, 2), chunk_size=2, in_flight=2)
    assert str(error).endswith("(chunks 1 to 2 (4 records) not written; nothing was written; "
                               "later chunks were not sent)")
    assert str(error).startswith(f"POST {sandbox.url}/data/group/type answered HTTP 400: ")
    assert (error.written_records, error.written_chunks) == (0, 0)
    assert stored(sandbox, "group", "type") == []  # chunk 3 was never sent


class Counting(DataSet):
    """The sandbox's data set, counting the POSTs that are in flight at once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lock = threading.Lock()
        self.now = self.most = 0
        self.threads: set[str] = set()

    def _request(self, method, path, data=None, params=None):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.threads.add(threading.current_thread().name)
        try:
            return super()._request(method, path, data=data, params=params)
        finally:
            with self.lock:
                self.now -= 1


# 33: above the default pool size of any machine (min(32, cores + 4)), so the pool must be
# made for the limit
@pytest.mark.parametrize("limit", [2, 8, 33])
def test_as_many_posts_in_flight_as_asked_and_no_more(sandbox, caplog, limit):
    chunks = 2 * limit + 1
    inject(sandbox, service="backdrop", status=None, delay=0.3, count=chunks)
    client = Counting(f"{sandbox.url}/data/group/type", SANDBOX_TOKEN)
    with caplog.at_level(logging.INFO, logger="performanceplatform.client"):
        client.post(records(chunks), chunk_size=1, in_flight=limit)
    assert client.most == limit
    assert all(name.startswith("pp-post") for name in client.threads)  # as a stack dump shows
    assert [m for m in caplog.messages if m.startswith("Sending")] == \
        [f"Sending chunk {n}" for n in range(1, chunks + 1)]
    assert len(stored(sandbox, "group", "type")) == chunks


def test_records_without_an_id_are_posted_in_flight(sandbox):
    rows = [dict(RECORD, count=i) for i in range(6)]
    data_set(sandbox).post(rows, chunk_size=2, in_flight=3)
    assert sorted(r["count"] for r in stored(sandbox, "group", "type")) == list(range(6))


def interrupted_source(n: int):
    """``n`` records, then Ctrl-C (a signal arrives while the chunks are in flight)."""
    yield from records(n)
    raise KeyboardInterrupt


def test_a_stopped_write_waits_for_its_posts_in_flight(sandbox, caplog):
    inject(sandbox, service="backdrop", status=None, delay=0.3, count=2)
    with pytest.raises(KeyboardInterrupt):
        data_set(sandbox).post(interrupted_source(4), chunk_size=2, in_flight=3)
    assert len(stored(sandbox, "group", "type")) == 4  # both POSTs ended before the exit
    assert not [m for m in caplog.messages if "still in flight" in m]


@pytest.mark.parametrize("posts, line", [
    (1, "1 POST still in flight when the run stopped: it may yet be written"),
    (2, "2 POSTs still in flight when the run stopped: they may yet be written"),
])
def test_a_stopped_write_waits_a_moment_then_says_what_is_still_in_flight(
        sandbox, caplog, monkeypatch, posts, line):
    monkeypatch.setattr(in_flight, "STOP_WAIT_SECONDS", 0.2)
    inject(sandbox, service="backdrop", status=None, delay=3, count=posts)
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        data_set(sandbox).post(interrupted_source(2 * posts), chunk_size=2, in_flight=3)
    assert time.perf_counter() - started < 2.5  # the run stops; the POSTs are left going
    assert [(r.levelno, r.getMessage()) for r in caplog.records if "in flight" in
            r.getMessage()] == [(logging.WARNING, line)]


def test_the_written_chunks_are_kept_as_merged_runs_whatever_the_answer_order():
    sizes = [3, 1, 4, 1, 5, 9]  # chunk n holds the records [starts[n - 1], starts[n])
    starts = [sum(sizes[:i]) for i in range(len(sizes) + 1)]
    for order in itertools.permutations(range(1, len(sizes) + 1)):
        written = in_flight._Written()
        for step, number in enumerate(order, 1):
            written.add(in_flight._Chunk(number, starts[number - 1], sizes[number - 1],
                                         frozenset(), None))
            done = sorted(order[:step])
            runs = [[a, b] for a, b in _consecutive(done)]
            assert written.runs == [[a, b, starts[a - 1], starts[b]] for a, b in runs], order
            assert (written.chunks, written.records) == (step, sum(sizes[n - 1] for n in done))


def _consecutive(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and runs[-1][1] + 1 == n:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs
