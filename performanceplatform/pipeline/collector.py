"""What a collector declares: four steps and a few attributes (see ``collector/README.rst``).

A subclass holds the state of one run (the checked query, the API client)::

    class Reports(Collector):
        source = "GA4"
        concurrency_limit = CONCURRENT_REQUESTS_PER_PROPERTY

        def check(self, query, options, credentials, problems): ...   # every problem
        def plan(self, query, options, start_at, end_at): ...         # [Unit, ...]
        def fetch(self, unit): ...                                    # the unit's rows
        def build(self, unit, rows): ...                              # (item, fields) pairs

``fetch`` runs in a worker thread (several at once): it must only use what ``check`` and
``plan`` set up, and a client whose session is safe to share (a ``requests`` session is; a
``GoogleSession`` refreshes its token once for all workers). ``build`` runs in plan order,
in one thread, so it may keep counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from performanceplatform.utils.checks import Problems

Pair = tuple[dict[str, Any], Mapping[str, Any]]
Record = dict[str, Any]


@dataclass(frozen=True)
class Unit:
    """One unit of work: usually a period. ``label`` names it in logs and errors."""

    label: str
    start: dt.date | dt.datetime | None = None
    end: dt.date | dt.datetime | None = None
    extra: Any = field(default=None, compare=False)

    @classmethod
    def period(cls, start: dt.date | dt.datetime, end: dt.date | dt.datetime,
               extra: Any = None) -> Unit:
        return cls(f"{start} - {end}", start, end, extra)


@dataclass
class Checks:
    """Where a collector records config problems: one ``Problems`` per file.

    The core names the files (the query file, the credentials file), so a collector only
    names keys (``query.metrics``, ``options.mappings``, ``client_secrets``).
    """

    query: Problems
    credentials: Problems


class Collector:
    """The base of every pipeline collector. Override the four steps; set the attributes."""

    source: ClassVar[str] = "the source"  # in log lines and errors
    unit_noun: ClassVar[str] = "period"    # "365 periods"
    concurrency_limit: ClassVar[int | None] = None  # the API's documented cap, if any
    # must see every record before writing (may be set in ``check``, from the options)
    whole_set: bool = False
    # ``build`` gives finished records rather than ``(item, fields)`` pairs (no record
    # builder, no record options): sources whose records never went through it (Pingdom)
    builds_records: ClassVar[bool] = False
    # the write options the sink honours for this collector (others are left alone)
    write_options: ClassVar[frozenset[str]] = frozenset({"chunk-size", "empty-data-set"})
    # what the warning about records that share an ``_id`` but differ advises
    id_advice: ClassVar[str] = "check options.idMapping"

    def __init__(self, data_type: str | None):
        self.data_type = data_type

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        """Record every problem of the configs in ``problems``; make no request."""

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        """The units of work, in the order their records are written."""
        raise NotImplementedError

    def fetch(self, unit: Unit) -> Iterable[Any]:
        """The source rows of one unit (called in a worker thread)."""
        raise NotImplementedError

    def build(self, unit: Unit, rows: Iterable[Any]) -> Iterable[Pair] | Iterable[Record]:
        """``(item, special fields)`` for each row, and the core builds the record (or, with
        ``builds_records``, the finished records). Called in plan order, in one thread."""
        raise NotImplementedError

    def write_all(self, sink: Any, records: list[Record]) -> None:
        """Write a whole set (``whole_set``, ``empty-data-set``, plugins): chunk by chunk
        through the sink, unless the source wrote its records otherwise (realtime: one JSON
        object; trending: empty, then one POST)."""
        sink.write(iter(records))

    def sink_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """The writing options for the sink: those of ``options`` the source honours."""
        return {key: value for key, value in options.items() if key in self.write_options}

    def close(self) -> None:
        """Called once the run has ended, however it ended (e.g. to log a quota summary)."""
