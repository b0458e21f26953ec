"""What a run has written, unit by unit, so a failure can say which periods were written.

The sink takes records from :meth:`Ledger.drain` in plan order and POSTs them in chunks of
``chunk_size``: when the records stop coming (a unit failed), every full chunk before has
been POSTed and the records of the unfinished chunk have not. So the units written are
those whose last record is in a POSTed chunk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from performanceplatform.pipeline import progress
from performanceplatform.pipeline.collector import Unit
from performanceplatform.utils.errors import CollectorError, SinkError

Event = tuple[Unit, Iterable[dict[str, Any]]]


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _was(number: int) -> str:
    return "was" if number == 1 else "were"


class Ledger:
    """The records handed to the sink, and where each unit's records end."""

    def __init__(self, units: Sequence[Unit], noun: str, chunk_size: int | None,
                 observer: progress.Observer | None = None):
        self.units = list(units)
        self.noun = noun
        self.chunk_size = chunk_size  # None: nothing is written before the last record
        self.handed = 0
        self.ends: list[int] = []  # records handed when each finished unit ended
        self.observer = observer or progress.current()  # a progress bar, on a terminal
        self.observer.planned(self.units, noun)

    def drain(self, events: Iterator[Event]) -> Iterator[dict[str, Any]]:
        """The records of each unit in turn; a failed unit raises, annotated."""
        while True:
            try:
                event = next(events)
            except StopIteration:
                return
            except CollectorError as exc:
                raise self.annotated(exc, self.written_before_failure())
            unit, records = event
            try:
                for record in records:
                    self.handed += 1
                    yield record
            except CollectorError as exc:
                raise self.annotated(exc, self.written_before_failure())
            self.ends.append(self.handed)
            self.observer.unit_done(unit)

    def written_before_failure(self) -> int:
        if not self.chunk_size:
            return 0
        return self.handed - self.handed % self.chunk_size

    def annotated(self, exc: CollectorError, written: int) -> CollectorError:
        """``exc`` with its message ending in which units were written (and which were not)."""
        if exc.args:
            exc.args = (f"{exc.args[0]} ({self.summary(written)})", *exc.args[1:])
        return exc

    def sink_failed(self, exc: SinkError) -> SinkError:
        return self.annotated(exc, exc.written_records)  # type: ignore[return-value]

    def summary(self, written: int) -> str:
        done = sum(1 for end in self.ends if end <= written)
        total = len(self.units)
        if total == 1:  # nothing to tell apart
            return "it was written" if done else "nothing was written"
        failed = self.units[done].label if done < total else None
        if done == 0:
            head = f"no {self.noun} was written"
        elif done == 1:
            head = f"1 {self.noun} was written: {self.units[0].label}"
        else:
            head = (f"{_plural(done, self.noun)} were written: {self.units[0].label} to "
                    f"{self.units[done - 1].label}")
        if failed is None:
            return head
        left = total - done
        return f"{head}; {_plural(left, self.noun)} from {failed} on {_was(left)} not"
