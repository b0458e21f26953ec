"""What one run has written to its data set, as the sink reports it.

The CLI opens a ``Writes`` for each run (``with writes.recording() as run:``); the Backdrop
data set (``client.DataSet``) reports into the current one as it posts. The run then knows:

- how many records and chunks were written (confirmed by Backdrop), and whether the data set
  was emptied, so that a run stopped half-way (SIGTERM, Ctrl-C) can say what was and was not
  written;
- which records shared an ``_id`` while differing in some other field: Backdrop keeps only
  the last of them, so the run logs one warning with their number and the first few ids.
  Records identical in everything are harmless and not counted. At most
  ``MAX_TRACKED_IDS`` ids are remembered (as hashes: about 100 bytes each, 10 MB in all), so
  memory stays flat on the longest back-fill; past that the check covers the first ones
  only (a misconfigured ``idMapping`` shows within the first records).

The current run is a context variable: runs in other threads (Stagecraft's workers) keep
their own. A sink used outside a run (a library caller) records nothing.
"""

from __future__ import annotations

import contextvars
import json
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any

from performanceplatform.utils.run_scope import scoped

log = logging.getLogger(__name__)

MAX_TRACKED_IDS = 100_000
SHOWN_IDS = 5

_current: contextvars.ContextVar[Writes | None] = contextvars.ContextVar("pp_collector_writes",
                                                                        default=None)


class Writes:
    """The writes of one run: counts, and records that share an ``_id`` but differ."""

    def __init__(self) -> None:
        self.records = 0
        self.chunks = 0
        self.would_write = 0  # records a dry run would have written
        self.id_advice = "check options.idMapping"  # the duplicate warning's advice
        self.emptied = False
        self._lock = threading.Lock()  # several POSTs may be in flight
        self._digests: dict[int, int] = {}  # hash of the _id -> hash of the record
        self._clashing: dict[str, None] = {}  # ordered set of the ids that clash

    # -- what the sink reports ---------------------------------------------------------
    def watch(self, records: Any) -> Any:
        """``records`` as they are, each seen on its way to the sink (lazily for iterators)."""
        if isinstance(records, Mapping):
            self._see(records)
            return records
        if isinstance(records, (list, tuple)):
            for record in records:
                self._see(record)
            return records
        if isinstance(records, (str, bytes, bytearray)) or not hasattr(records, "__iter__"):
            return records  # not records: the sink says so
        return self._watching(records)

    def _watching(self, records: Iterable[Any]) -> Iterator[Any]:
        for record in records:
            self._see(record)
            yield record

    def wrote(self, count: int) -> None:
        """One POST of ``count`` records was accepted."""
        with self._lock:
            self.records += count
            self.chunks += 1

    def would_have_written(self, count: int) -> None:
        """A dry run's POST of ``count`` records (not sent)."""
        self.would_write += count

    def emptied_data_set(self) -> None:
        self.emptied = True

    # -- duplicates --------------------------------------------------------------------
    def _see(self, record: Any) -> None:
        if not isinstance(record, Mapping) or "_id" not in record:
            return
        key = str(record["_id"])
        digest = _digest(record)
        known = self._digests.get(hash(key))
        if known is None:
            if len(self._digests) < MAX_TRACKED_IDS:
                self._digests[hash(key)] = digest
        elif known != digest:
            self._clashing[key] = None

    @property
    def clashing_ids(self) -> list[str]:
        return list(self._clashing)

    def warn_about_duplicates(self) -> None:
        """One WARNING if records sharing an ``_id`` but differing were sent."""
        ids = self.clashing_ids
        if not ids:
            return
        shown = ", ".join(ids[:SHOWN_IDS]) + (", ..." if len(ids) > SHOWN_IDS else "")
        count = "1 _id was" if len(ids) == 1 else f"{len(ids)} _ids were"
        log.warning("%s given to records that differ (Backdrop keeps only the last record of "
                    "each): %s; %s", count, shown, self.id_advice)

    # -- for a run stopped half-way ----------------------------------------------------
    def summary(self) -> str:
        """What was and was not written, in words."""
        emptied = "the data set was emptied; " if self.emptied else ""
        if not self.chunks:
            return f"{emptied}no records were written"
        return (f"{emptied}{_plural(self.records, 'record')} in "
                f"{_plural(self.chunks, 'chunk')} were written (a re-run overwrites them by "
                "_id); the rest were not written")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _digest(record: Mapping[str, Any]) -> int:
    """A hash of the record's fields whatever their order (a value's type counts: 1 is not
    1.0); records holding lists or other unhashable values are hashed as JSON."""
    try:
        return hash(tuple(sorted((key, type(value), value) for key, value in record.items())))
    except TypeError:
        return hash(json.dumps(record, sort_keys=True, default=str))


def recording(reuse_current: bool = False) -> AbstractContextManager[Writes]:
    """Make a new ``Writes`` the current run's for the duration of the block.

    With ``reuse_current``, a ``Writes`` that an enclosing caller opened (a Celery task that
    reports the count) is used instead of a new one."""
    return scoped(_current, Writes, reuse_current)


def current() -> Writes | None:
    """The current run's ``Writes``, or None outside a run."""
    return _current.get()
