"""Work on units in a bounded pool, results handed out strictly in the units' order.

``in_order(units, work, workers, ahead)`` submits at most ``ahead`` units beyond the one
being consumed, so memory holds at most ``ahead + 1`` results whatever the number of units.
A unit whose work raised raises, in its turn, when its result is asked for; the units after
it are cancelled (those already running are told to stop through ``done``; their results
are dropped, and their end is waited for). A run stopped otherwise (a signal, the consumer
closing the iteration, ``given_up``) does not wait for requests in flight.

With one worker nothing runs in another thread: each unit is worked on when its result is
asked for, exactly as a plain loop would.
"""

from __future__ import annotations

import contextvars
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from typing import TypeVar

U = TypeVar("U")
R = TypeVar("R")

POLL_SECONDS = 0.1  # how often a wait for a unit looks whether the run was given up


def in_order(units: Iterable[U], work: Callable[[U], R], workers: int,
             ahead: int | None = None, done: threading.Event | None = None,
             given_up: threading.Event | None = None
             ) -> Generator[tuple[U, R], None, None]:
    """``(unit, work(unit))`` for every unit, in order, ``workers`` at a time. ``done`` is
    set when the results are no longer wanted (the end, a failure, the consumer stopping),
    so that work still running can stop early. ``given_up``, set by someone else (the
    writer failed, a signal), ends the iteration without waiting for requests in flight."""
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

    settle = False  # whether to wait for the units still running
    try:
        for _ in range(ahead):
            submit()
        while pending:
            unit, future = pending.popleft()
            result = _wait(future, given_up)
            if result is _GIVEN_UP:
                return
            submit()
            yield unit, result  # type: ignore[misc]
        settle = True
    except Exception:  # a unit failed: the others stop at their next row
        settle = True
        raise
    finally:
        if done is not None:
            done.set()
        pool.shutdown(wait=settle, cancel_futures=True)


_GIVEN_UP = object()


def _wait(future: Future[R], given_up: threading.Event | None) -> R | object:
    """The result of ``future``, or ``_GIVEN_UP`` once ``given_up`` is set."""
    while True:
        try:
            return future.result(timeout=POLL_SECONDS)
        except FuturesTimeout:
            if given_up is not None and given_up.is_set():
                return _GIVEN_UP
