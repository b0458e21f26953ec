"""The runner: one run of a pipeline collector, from its configs to its last POST.

    check ─► plan ─► fetch (``concurrency`` workers, plan order) ─► build ─► sink

Units are fetched by the pool while the calling thread builds the records of each unit in
plan order, record by record, and chunks them as they come (memory: the pool's look-ahead of
fetched rows, one chunk, the POSTs in flight). The chunks are POSTed
``settings.posts_in_flight`` at a time (``client.in_flight``: started in plan order, the
same chunks and bodies as a run with one worker; a chunk sharing an ``_id`` with one in
flight waits for it). With one worker, one POST after another, exactly as before. The
POSTing threads run in copies of the run's context, so what the sink reports (the CLI's
write counts) reaches the run.

Runs that must see every record first (``empty-data-set``, plugins, collectors that say
``whole_set``) still fetch concurrently, then write once everything is built.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Generator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from performanceplatform.pipeline import settings
from performanceplatform.pipeline.collector import Checks, Collector, Unit
from performanceplatform.pipeline.ledger import Event, Ledger, _plural
from performanceplatform.pipeline.ordered import in_order
from performanceplatform.utils import writes
from performanceplatform.utils.checks import Problems, raise_all, where_of
from performanceplatform.utils.errors import SinkError

log = logging.getLogger(__name__)



def check(collector: Collector, credentials: Any, query: Any, options: Any) -> None:
    """Every problem of the configs at once, as one ``ConfigError`` naming each file."""
    checks = find_problems(collector, credentials, query, options)
    raise_all(checks.credentials, checks.query)


def find_problems(collector: Collector, credentials: Any, query: Any, options: Any) -> Checks:
    """Every problem of the configs, by file (the collector's checks and the core's)."""
    checks = Checks(query=Problems(settings.query_file()),
                    credentials=Problems(where_of(credentials, "credentials")))
    collector.check(query, options, credentials, checks)
    if isinstance(options, Mapping):
        settings.check_concurrency(checks.query, options)
        found = {key for key, _ in checks.query.found}
        honoured = collector.write_options  # the writing options, unless already checked
        if "chunk-size" in honoured and "options.chunk-size" not in found:
            checks.query.chunk_size(options)
        if "empty-data-set" in honoured and "options.empty-data-set" not in found:
            checks.query.boolean(options, "empty-data-set", "options.empty-data-set")
    return checks


@dataclass
class Planned:
    """What a run inside ``planning()`` found: the problems, else the units it would fetch."""

    collector: Collector
    checks: Checks
    units: list[Unit] | None = None


_planning: contextvars.ContextVar[list[Planned] | None] = contextvars.ContextVar(
    "pp_collector_planning", default=None)


@contextmanager
def planning() -> Iterator[list[Planned]]:
    """Inside, ``run`` only checks and plans, appends a ``Planned`` to the list this gives,
    and returns: nothing is fetched, no sink is opened (``pp-collector validate``)."""
    found: list[Planned] = []
    token = _planning.set(found)
    try:
        yield found
    finally:
        _planning.reset(token)


def run(collector: Collector, credentials: Any, data_set_config: dict[str, Any], query: Any,
        options: Any, start_at: Any, end_at: Any) -> None:
    """Check, plan, fetch, build and write one run of ``collector``."""
    options = options if options is not None else {}
    planned = _planning.get()
    if planned is not None:
        _plan_only(planned, collector, credentials, query, options, start_at, end_at)
        return
    check(collector, credentials, query, options)
    recorded = writes.current()
    if recorded is not None:
        recorded.id_advice = collector.id_advice
    workers = settings.concurrency(options, collector.concurrency_limit, collector.source)
    try:
        units = collector.plan(query, options, start_at, end_at)
        log.info("%s: %s to fetch, %d at a time", collector.source,
                 _plural(len(units), collector.unit_noun), min(workers, max(len(units), 1)))
        sink = data_set_sink(data_set_config, collector.sink_options(options),
                             settings.posts_in_flight(options))
        builder = _builder(options, collector)
        whole = sink.must_see_all or builder.must_see_all or collector.whole_set
        ledger = Ledger(units, collector.unit_noun, None if whole else sink.chunk_size)
        try:
            if whole:
                collector.write_all(sink, builder.finish(list(builder.checked(ledger.drain(
                    _events(collector, units, workers, builder))))))
            else:
                _write_streaming(collector, units, workers, builder, sink, ledger)
        except SinkError as exc:
            raise ledger.sink_failed(exc)
    finally:
        collector.close()


def _plan_only(planned: list[Planned], collector: Collector, credentials: Any, query: Any,
               options: Any, start_at: Any, end_at: Any) -> None:
    """Check; plan if the configs are good (a plan that fails raises, as in a run)."""
    found = Planned(collector, find_problems(collector, credentials, query, options))
    planned.append(found)
    if not (found.checks.query.found or found.checks.credentials.found):
        try:
            found.units = collector.plan(query, options, start_at, end_at)
        finally:
            collector.close()


def data_set_sink(data_set_config: dict[str, Any], options: Mapping[str, Any],
                  in_flight: int = 1):
    from performanceplatform.pipeline.sink import Sink

    return Sink(data_set_config, options, in_flight)


def _builder(options: Mapping[str, Any], collector: Collector):
    from performanceplatform.pipeline.records import FinishedRecords, RecordBuilder

    if collector.builds_records:
        return FinishedRecords()
    return RecordBuilder(options, collector.data_type)


def _events(collector: Collector, units: list[Unit], workers: int, builder: Any,
            given_up: threading.Event | None = None) -> Generator[Event, None, None]:
    """``(unit, its records)`` in plan order: rows fetched ``workers`` units at a time, built
    in plan order in this thread."""
    done = threading.Event()

    def work(unit: Unit) -> Iterable[Any]:
        rows = collector.fetch(unit)
        if workers == 1:
            return rows  # consumed as it comes, as a plain loop would
        kept = []
        for row in rows:  # stop paging once another unit has failed
            if done.is_set():
                raise _Abandoned(unit.label)
            kept.append(row)
        return kept

    results = in_order(units, work, workers, done=done, given_up=given_up)
    try:
        for unit, rows in results:
            yield unit, builder.records(collector.build(unit, rows))
    finally:
        results.close()  # the pool ends now, not when the generator is collected


class _Abandoned(Exception):
    """A unit whose fetch stopped because the run no longer wants it (never reported)."""


def _write_streaming(collector: Collector, units: list[Unit], workers: int, builder: Any,
                     sink: Any, ledger: Ledger) -> None:
    """Build each unit's records in this thread as its rows come (fetched ``workers`` at a
    time by the pool) and write them chunk by chunk, the POSTs in flight in threads of their
    own. A POST that fails ends the wait for units at once."""
    from performanceplatform.client.in_flight import when_a_post_fails

    given_up = threading.Event()
    events = _events(collector, units, workers, builder, given_up)
    try:
        with when_a_post_fails(given_up.set):
            sink.write(builder.checked(ledger.drain(events)))
    finally:
        events.close()  # a failed write leaves it suspended: the pool stops now
