"""Chunked writes with several POSTs in flight (``client.in_flight``), against the sandbox's
Backdrop: the same chunks as one POST after another, the upserts of an ``_id`` in order,
and failures that say exactly what was written."""

from __future__ import annotations

import logging
import time

import pytest

from performanceplatform.client import DataSet
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
