"""Who is told how a run advances: an observer of the units planned and done.

The ledger (``pipeline.ledger``) reports to the current observer: ``planned`` once the units
are known, ``unit_done`` each time the records of one unit have all been handed to the sink
(in plan order). By default nobody listens; the CLI installs a terminal progress bar
(``collector.progress_bar``) around a run with :func:`observing` when stderr is a terminal,
so the Celery task, Stagecraft's in-process runs and library callers get none.

The observer is a context variable, read when the ledger is made (in the run's thread).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol


class Observer(Protocol):
    def planned(self, units: Sequence[Any], noun: str) -> None:
        """The run will fetch ``units`` (each a ``noun``: "period")."""

    def unit_done(self, unit: Any) -> None:
        """Every record of ``unit`` has been handed to the sink."""


class _Nobody:
    def planned(self, units: Sequence[Any], noun: str) -> None:
        pass

    def unit_done(self, unit: Any) -> None:
        pass


NOBODY: Observer = _Nobody()

_current: contextvars.ContextVar[Observer] = contextvars.ContextVar(
    "pp_collector_progress", default=NOBODY)


@contextmanager
def observing(observer: Observer) -> Iterator[Observer]:
    """Runs inside the block report to ``observer``."""
    token = _current.set(observer)
    try:
        yield observer
    finally:
        _current.reset(token)


def current() -> Observer:
    return _current.get()
