"""How many records this run has written: read by whoever reports a run's outcome.

The count lives in a context variable, so two runs in two threads (or a long-lived worker
running one collector after another) each see their own. ``counting()`` starts a fresh count
for the code inside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class WriteTally:
    records: int = 0
    requests: int = 0


_current: ContextVar[WriteTally | None] = ContextVar("pp_collector_write_tally", default=None)


def add_written(records: int) -> None:
    """Called by the sink once a write of ``records`` records was accepted."""
    tally = _current.get()
    if tally is not None:
        tally.records += records
        tally.requests += 1


@contextmanager
def counting() -> Iterator[WriteTally]:
    """A fresh tally for the writes made inside the ``with`` block."""
    tally = WriteTally()
    token = _current.set(tally)
    try:
        yield tally
    finally:
        _current.reset(token)
