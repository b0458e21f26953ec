"""Work on units in a bounded pool, results handed out strictly in the units' order.

``in_order(units, work, workers, ahead)`` submits at most ``ahead`` units beyond the one
being consumed, so memory holds at most ``ahead + 1`` results whatever the number of units.
A unit whose work raised raises, in its turn, when its result is asked for; the units after
it are cancelled (those already running are told to stop through ``done``; their results
are dropped).

With one worker nothing runs in another thread: each unit is worked on when its result is
asked for, exactly as a plain loop would.
"""

from __future__ import annotations

import contextvars
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

U = TypeVar("U")
R = TypeVar("R")


def in_order(units: Iterable[U], work: Callable[[U], R], workers: int,
             ahead: int | None = None, done: threading.Event | None = None
             ) -> Iterator[tuple[U, R]]:
    """``(unit, work(unit))`` for every unit, in order, ``workers`` at a time. ``done`` is
    set when the results are no longer wanted (the end, a failure, the consumer stopping),
    so that work still running can stop early."""
    if workers <= 1:
        for unit in units:
            yield unit, work(unit)
        return
    ahead = max(ahead or 2 * workers, workers)
    pending: deque[tuple[U, Future[R]]] = deque()
    queue = iter(units)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pp-fetch")

    def submit() -> None:
        for unit in queue:
            context = contextvars.copy_context()  # each worker sees the run's context
            pending.append((unit, pool.submit(context.run, work, unit)))
            return

    try:
        for _ in range(ahead):
            submit()
        while pending:
            unit, future = pending.popleft()
            result = future.result()
            submit()
            yield unit, result
    finally:
        if done is not None:
            done.set()
        pool.shutdown(wait=True, cancel_futures=True)
