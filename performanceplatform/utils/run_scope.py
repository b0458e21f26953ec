"""One object per run, in a context variable: what ``writes.recording`` and
``run_counts.counting`` share."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def scoped(var: contextvars.ContextVar[T | None], make: Callable[[], T],
           reuse_current: bool = False) -> Iterator[T]:
    """Make ``make()`` the value of ``var`` for the duration of the block; with
    ``reuse_current``, the value an enclosing caller set is used instead."""
    enclosing = var.get()
    if reuse_current and enclosing is not None:
        yield enclosing
        return
    value = make()
    token = var.set(value)
    try:
        yield value
    finally:
        var.reset(token)
