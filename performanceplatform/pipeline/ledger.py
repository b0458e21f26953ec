"""What a run has written, unit by unit, so a failure can say which periods were written.

The sink takes records from :meth:`Ledger.drain` in plan order and POSTs them in chunks of
``chunk_size``: when the records stop coming (a unit failed), every full chunk before has
been POSTed (the POSTs still in flight are waited for) and the records of the unfinished
chunk have not. So the units written are those whose last record is in a POSTed chunk.
When a POST fails with others in flight, the chunks written need not be the first ones:
the sink's error then gives the positions of the records written (``written_ranges``), and
the units written are those all of whose records are among them.
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

    def annotated(self, exc: CollectorError, written: Written) -> CollectorError:
        """``exc`` with its message ending in which units were written (and which were not)."""
        if exc.args:
            exc.args = (f"{exc.args[0]} ({self.summary(written)})", *exc.args[1:])
        return exc

    def sink_failed(self, exc: SinkError) -> SinkError:
        written = exc.written_records if exc.written_ranges is None else exc.written_ranges
        return self.annotated(exc, written)  # type: ignore[return-value]

    def written_units(self, written: Written) -> list[bool]:
        """For each unit, whether all its records were written (``written``: how many of the
        first records, or the ``[start, end)`` positions of those written)."""
        spans = _merged([(0, written)] if isinstance(written, int) else list(written))
        starts = [0, *self.ends][:len(self.ends)]
        done = [any(a <= start and end <= b for a, b in spans)
                for start, end in zip(starts, self.ends, strict=True)]
        return done + [False] * (len(self.units) - len(done))

    def summary(self, written: Written) -> str:
        flags = self.written_units(written)
        total = len(self.units)
        done = flags.index(False) if False in flags else total
        if total == 1:  # nothing to tell apart
            some = written if isinstance(written, int) else sum(b - a for a, b in written)
            return "it was written" if done else "part of it was written" if some else \
                "nothing was written"
        if sum(flags) > done:  # not only the first ones
            return self._scattered(flags)
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

    def _scattered(self, flags: list[bool]) -> str:
        """``3 periods were written: A to B and D; 2 periods were not: C and from E on``."""
        done = sum(flags)
        left = len(flags) - done
        return (f"{_plural(done, self.noun)} {_was(done)} written: "
                f"{self._runs(flags, True)}; {_plural(left, self.noun)} {_was(left)} not: "
                f"{self._runs(flags, False)}")

    def _runs(self, flags: list[bool], wanted: bool) -> str:
        runs: list[list[int]] = []
        for index, flag in enumerate(flags):
            if flag != wanted:
                continue
            if runs and runs[-1][1] == index - 1:
                runs[-1][1] = index
            else:
                runs.append([index, index])
        parts = []
        for first, last in runs:
            if last == len(flags) - 1 and not wanted and first != last:
                parts.append(f"from {self.units[first].label} on")
            elif first == last:
                parts.append(self.units[first].label)
            else:
                parts.append(f"{self.units[first].label} to {self.units[last].label}")
        return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


Written = int | tuple[tuple[int, int], ...] | list[tuple[int, int]]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Touching or overlapping ``[start, end)`` spans as one; ``(0, 0)`` is always there."""
    merged: list[list[int]] = []
    for start, end in sorted([(0, 0), *spans]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]
