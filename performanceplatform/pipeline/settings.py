"""How many units a run fetches at once: the flag, the option, the environment, the default.

``--concurrency N`` (the CLI sets it with :func:`run_settings`) wins over the query file's
``options.concurrency``, which wins over ``$PP_COLLECTOR_CONCURRENCY``, which wins over
``DEFAULT_CONCURRENCY``. Each collector then caps the figure at its API's documented limit.
The flag (and the query file's name, for error lines) travel in context variables, so runs
in other threads keep their own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import ConfigError

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 64
MAX_POSTS_IN_FLIGHT = 4  # Backdrop writes at once, whatever the concurrency
ENV = "PP_COLLECTOR_CONCURRENCY"

QUERY_FILE = "query config"

_flag: ContextVar[int | None] = ContextVar("pp_collector_concurrency", default=None)
_query_file: ContextVar[str] = ContextVar("pp_collector_query_file", default=QUERY_FILE)


@contextmanager
def run_settings(concurrency: int | None = None, query_file: str | None = None
                 ) -> Iterator[None]:
    """The command line's ``--concurrency`` and the query file's name (for error lines) for
    the runs inside the ``with`` block."""
    tokens = (_flag.set(concurrency), _query_file.set(query_file or QUERY_FILE))
    try:
        yield
    finally:
        _flag.reset(tokens[0])
        _query_file.reset(tokens[1])


def query_file() -> str:
    """The query file of this run (or Stagecraft collector), as error lines name it."""
    return _query_file.get()


def is_concurrency(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and \
        1 <= value <= MAX_CONCURRENCY


def check_concurrency(problems: Problems, options: Any) -> None:
    """Record a bad ``options.concurrency`` in ``problems``."""
    if isinstance(options, Mapping) and "concurrency" in options and \
            not is_concurrency(options["concurrency"]):
        value = options["concurrency"]
        problems.add("options.concurrency",
                     f"expected a whole number from 1 to {MAX_CONCURRENCY}, got {value!r:.40}")


def from_environment() -> int | None:
    text = os.environ.get(ENV)
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not is_concurrency(value):
        raise ConfigError(f"expected a whole number from 1 to {MAX_CONCURRENCY}, got {text!r:.40}",
                          where=ENV)
    return value


def concurrency(options: Mapping[str, Any] | None, limit: int | None, source: str) -> int:
    """The number of units to fetch at once for this run."""
    wanted = _flag.get() or (options or {}).get("concurrency") or from_environment() \
        or DEFAULT_CONCURRENCY
    if limit is not None and wanted > limit:
        log.info("concurrency %d capped at %d, the documented limit of %s", wanted, limit,
                 source)
        return limit
    return wanted


def posts_in_flight(options: Mapping[str, Any] | None) -> int:
    """How many POSTs a run has in flight: its concurrency (before the source's cap, which is
    the source API's, not Backdrop's), at most ``MAX_POSTS_IN_FLIGHT``."""
    return min(concurrency(options, None, ""), MAX_POSTS_IN_FLIGHT)
