"""How many HTTP requests one run sent, how many of them were retries, and for how long.

The CLI opens a ``RequestCounts`` for each run (``with run_counts.counting() as counts:``);
the one HTTP layer (``transport.http``) reports into the current one: every request that goes
out (``CollectorSession.request``: source APIs, Google's token endpoint, Stagecraft,
Backdrop; a dry run sends nothing to Backdrop) and every retry ``send()`` decides on. The run's
summary line says ``(K requests, R retries)`` from it.

The current counts are a context variable: the pipeline's worker threads run in a copy of
the run's context, so they count into the same object (hence the lock); runs in other
threads (Stagecraft's in-process runs, Celery tasks) keep their own. Requests sent outside a
run (a library caller) are not counted.
"""

from __future__ import annotations

import contextvars
import threading
import time
from contextlib import AbstractContextManager

from performanceplatform.utils.run_scope import scoped

_current: contextvars.ContextVar[RequestCounts | None] = contextvars.ContextVar(
    "pp_collector_request_counts", default=None)


class RequestCounts:
    """The requests and retries of one run, and when it started."""

    def __init__(self) -> None:
        self.requests = 0
        self.retries = 0
        self.started = time.monotonic()
        self._lock = threading.Lock()

    def request(self) -> None:
        with self._lock:
            self.requests += 1

    def retry(self) -> None:
        with self._lock:
            self.retries += 1

    @property
    def seconds(self) -> float:
        """Seconds since the run started."""
        return time.monotonic() - self.started


def counting(reuse_current: bool = False) -> AbstractContextManager[RequestCounts]:
    """Make a new ``RequestCounts`` the current run's for the duration of the block; with
    ``reuse_current``, one an enclosing caller opened is used instead."""
    return scoped(_current, RequestCounts, reuse_current)


def current() -> RequestCounts | None:
    return _current.get()


def note_request() -> None:
    """One HTTP request went out (called by the HTTP layer)."""
    counts = _current.get()
    if counts is not None:
        counts.request()


def note_retry() -> None:
    """A failed attempt is about to be retried (called by ``transport.http.send``)."""
    counts = _current.get()
    if counts is not None:
        counts.retry()
