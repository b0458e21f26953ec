"""What the runner tells an observer (the CLI's progress bar): the units planned, then each unit
done in plan order, whatever the concurrency; nothing past a failed unit; and nobody is told
anything when no observer is installed."""

from __future__ import annotations

from typing import Any

import pytest

from performanceplatform.pipeline import progress
from performanceplatform.utils import writes
from performanceplatform.utils.errors import SourceError
from tests.helpers import stored
from tests.performanceplatform.pipeline.test_runner import Days, run


class Recorder:
    def __init__(self) -> None:
        self.events: list[Any] = []

    def planned(self, units, noun) -> None:
        self.events.append(("planned", [u.label for u in units], noun))

    def unit_done(self, unit) -> None:
        run = writes.current()
        self.events.append((unit.label, run.records if run else None))


@pytest.mark.parametrize("concurrency", [1, 4])
def test_planned_then_each_unit_in_order(sandbox, concurrency):
    recorder, collector = Recorder(), Days(days=5, rows=3)
    with progress.observing(recorder), writes.recording() as record:
        run(sandbox, collector, concurrency, **{"chunk-size": 3})
    labels = [f"2024-01-0{n} - 2024-01-0{n}" for n in range(1, 6)]
    assert recorder.events[0] == ("planned", labels, "period")
    done = recorder.events[1:]
    assert [label for label, _ in done] == labels
    written = [count for _, count in done]
    if concurrency == 1:
        # a unit is done once the sink has taken its last record: a chunk it completed is
        # written by then (chunks of 3: one unit each)
        assert written == [3, 6, 9, 12, 15]
    else:  # the sink has taken it, but up to 4 POSTs may still be in flight
        assert written == sorted(written)
        assert all(count <= 3 * n for n, count in enumerate(written, 1))
    assert record.records == 15
    assert len(stored(sandbox, "g", "t")) == 15


def test_a_failed_unit_is_never_done(sandbox):
    recorder = Recorder()
    with progress.observing(recorder), pytest.raises(SourceError):
        run(sandbox, Days(days=5, fail_on=2), 4)
    assert [event[0] for event in recorder.events[1:]] == ["2024-01-01 - 2024-01-01",
                                                           "2024-01-02 - 2024-01-02"]


def test_without_an_observer_nobody_is_told(sandbox):
    assert progress.current() is progress.NOBODY
    run(sandbox, Days(days=2), 2)
    assert len(stored(sandbox, "g", "t")) == 14
