"""A chunked write with several POSTs in flight (``DataSet.post(..., in_flight=N)``).

What Backdrop ends up holding is what a write of one POST after another leaves:

- the chunks are those of a sequential write: the same records, in the same order, with the
  same boundaries, so the same request bodies;
- POSTs are started in chunk order, at most ``limit`` at once, over the session's keep-alive
  connections (one per POST in flight). Backdrop may receive and finish them in another
  order, but never a chunk before one ``limit`` places earlier has been answered;
- a chunk holding an ``_id`` of a chunk still in flight waits for it, so the upserts of every
  ``_id`` reach Backdrop in the sequential order and the last one wins, as before;
- once a POST fails no further chunk is started; the POSTs in flight are waited for, and the
  error names the chunk that failed and the chunks that were written (``SinkError``'s
  ``written_ranges`` say which records, for the pipeline's account of the periods);
- when the records' source fails, the POSTs in flight are waited for: the chunks written are
  then exactly the ones before, as in a sequential write, and the error says so.

The accepted POSTs report into the run's ``utils.writes`` record from the POSTing threads
(each runs in a copy of the caller's context). A caller that may be waiting for records
when a POST fails (the pipeline waits for its fetching threads) learns of it at once through
:func:`when_a_post_fails`.
"""

from __future__ import annotations

import bisect
import contextvars
import logging
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from performanceplatform.client.chunks import ChunkProgress, counted
from performanceplatform.utils.errors import SinkError

log = logging.getLogger(__name__)

STOP_WAIT_SECONDS = 10.0  # how long a run stopped by a signal waits for its POSTs in flight

_on_failure: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar(
    "pp_collector_post_failed", default=None)


@contextmanager
def when_a_post_fails(callback: Callable[[], None]) -> Iterator[None]:
    """Within the block, ``callback()`` is called (in the POSTing thread) as soon as a POST
    in flight fails; the write itself then stops at its next chunk."""
    token = _on_failure.set(callback)
    try:
        yield
    finally:
        _on_failure.reset(token)


@dataclass
class _Chunk:
    number: int  # 1-based, in write order
    first: int   # position of its first record in the write
    size: int
    ids: frozenset[Any]
    future: Future = field(repr=False)

    @property
    def span(self) -> tuple[int, int]:
        return self.first, self.first + self.size


def post_in_flight(client: Any, path: str, chunks: Iterator[list[Any]], limit: int,
                   progress: Any) -> None:
    """POST ``chunks`` (from ``iter_chunks``) with at most ``limit`` in flight. ``progress``
    is the client's ``ChunkProgress``, which words a failure of the records' source."""
    pool = ThreadPoolExecutor(max_workers=limit, thread_name_prefix="pp-post")
    writer = _Writer(client, path, pool, limit)
    source = _settling(chunks, writer, progress)
    try:
        while not writer.failed:
            chunk = progress.next_chunk(source)
            if chunk is None:
                break
            writer.start(chunk)
        writer.settle_all()
        writer.raise_failure()
    finally:  # after a signal (or a bug) POSTs may be in flight: give them a moment to end
        writer.abandon()
        pool.shutdown(wait=False)


def _settling(chunks: Iterator[list[Any]], writer: _Writer, progress: Any
              ) -> Iterator[list[Any]]:
    """``chunks``; when the source fails, the POSTs in flight are awaited first, so that
    ``progress`` counts what they wrote (or their failure is the error)."""
    try:
        yield from chunks
    except Exception:
        writer.settle_all()
        writer.raise_failure()
        progress.records, progress.chunks = writer.written.records, writer.written.chunks
        raise


class _Writer:
    def __init__(self, client: Any, path: str, pool: ThreadPoolExecutor, limit: int):
        self.client = client
        self.path = path
        self.pool = pool
        self.limit = limit
        self.flying: list[_Chunk] = []
        self.written = _Written()
        self.failed: list[tuple[_Chunk, BaseException]] = []
        self.started = 0
        self.position = 0

    def start(self, records: list[Any]) -> None:
        ids = frozenset(r["_id"] for r in records if isinstance(r, Mapping) and "_id" in r)
        self._collect([chunk for chunk in self.flying if chunk.future.done()])
        self.settle(lambda: len(self.flying) < self.limit and
                    not any(ids & chunk.ids for chunk in self.flying))
        if self.failed:
            return
        self.started += 1
        log.info("Sending chunk %d", self.started)
        context = contextvars.copy_context()  # the run's writes record, in each thread
        future = self.pool.submit(context.run, self.client._request, "POST", self.path,
                                  data=records)
        notify = _on_failure.get()
        if notify is not None:
            future.add_done_callback(lambda done: notify() if done.exception() else None)
        self.flying.append(_Chunk(self.started, self.position, len(records), ids, future))
        self.position += len(records)

    def settle(self, ready: Callable[[], bool]) -> None:
        """Collect answered POSTs until ``ready()`` (or no POST is in flight); after a
        failure, until none is."""
        while self.flying and not (ready() and not self.failed):
            finished, _ = wait([chunk.future for chunk in self.flying],
                               return_when=FIRST_COMPLETED)
            self._collect([chunk for chunk in self.flying if chunk.future in finished])

    def _collect(self, answered: list[_Chunk]) -> None:
        for chunk in answered:
            self.flying.remove(chunk)
            error = chunk.future.exception()
            if error is None:
                self.written.add(chunk)
            else:
                self.failed.append((chunk, error))

    def settle_all(self) -> None:
        self.settle(lambda: not self.flying)

    def raise_failure(self) -> None:
        if not self.failed:
            return
        self.failed.sort(key=lambda failure: failure[0].number)
        chunk, error = self.failed[0]
        if not isinstance(error, SinkError):
            raise error
        written = self.written
        raise SinkError(f"{error} ({self._failure_note()})", url=error.url,
                        status=error.status, written_records=written.records,
                        written_chunks=written.chunks,
                        written_ranges=tuple((a, b) for *_, a, b in written.runs)
                        ) from error

    def _failure_note(self) -> str:
        """``chunk 2 (1 record) not written; chunks 1 and 3 with 3 records were written;
        later chunks were not sent`` (in a sequential write's words when it is one)."""
        failed = [chunk for chunk, _ in self.failed]
        first, written = failed[0], self.written
        runs = [(a, b) for a, b, *_ in written.runs]
        # every chunk started was answered: one failed, and the written ones all came before it
        if len(failed) == 1 and runs in ([], [(1, first.number - 1)]):
            sequential = ChunkProgress()
            sequential.records, sequential.chunks = written.records, written.chunks
            return sequential.failed(first.size)
        size = sum(c.size for c in failed)
        head = (f"{'chunk' if len(failed) == 1 else 'chunks'} "
                f"{numbers([c.number for c in failed])} ({counted(size, 'record')}) not written")
        if not written.chunks:
            return f"{head}; nothing was written; later chunks were not sent"
        verb = "was" if written.chunks == 1 else "were"
        return (f"{head}; {'chunk' if written.chunks == 1 else 'chunks'} {_runs_text(runs)} "
                f"with {counted(written.records, 'record')} {verb} written; later chunks were "
                "not sent")

    def abandon(self) -> None:
        """Wait a little for the POSTs in flight; say so if some are still going."""
        if not self.flying:
            return
        _, going = wait([chunk.future for chunk in self.flying], timeout=STOP_WAIT_SECONDS)
        if going:
            log.warning("%d POST%s still in flight when the run stopped: %s may yet be "
                        "written", len(going), "" if len(going) == 1 else "s",
                        "it" if len(going) == 1 else "they")


class _Written:
    """The chunks Backdrop accepted, as the sorted runs of consecutive chunks ``[first number,
    last number, first record, end record]``: one run, plus one per gap left by a chunk still
    in flight or failed, so a few numbers however long the write."""

    def __init__(self) -> None:
        self.runs: list[list[int]] = []
        self.chunks = 0
        self.records = 0

    def add(self, chunk: _Chunk) -> None:
        self.chunks += 1
        self.records += chunk.size
        start, end = chunk.span
        at = bisect.bisect(self.runs, [chunk.number])
        before = self.runs[at - 1] if at else None
        after = self.runs[at] if at < len(self.runs) else None
        if after is not None and after[0] == chunk.number + 1:
            after[0], after[2] = chunk.number, start
            if before is not None and before[1] == chunk.number - 1:
                before[1], before[3] = after[1], after[3]
                del self.runs[at]
        elif before is not None and before[1] == chunk.number - 1:
            before[1], before[3] = chunk.number, end
        else:
            self.runs.insert(at, [chunk.number, chunk.number, start, end])


def numbers(values: list[int]) -> str:
    """``1 to 4 and 6``: sorted whole numbers as runs."""
    runs: list[tuple[int, int]] = []
    for value in values:
        if runs and value == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return _runs_text(runs)


def _runs_text(runs: list[tuple[int, int]]) -> str:
    parts = [str(a) if a == b else f"{a} to {b}" for a, b in runs]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
