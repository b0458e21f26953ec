"""The runner itself, with a made-up collector writing to the sandbox's Backdrop over HTTP.

What it must prove: concurrency changes nothing written (records, ``_id``s, chunks, the
POSTs: the same bodies, started in plan order, at most ``posts_in_flight`` at once, see
``in_flight.py``), however long each unit takes; the look-ahead is bounded; a failed unit
stops the run and says which periods were written; the cap and the settings are obeyed.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from typing import Any

import pytest

from performanceplatform.client.in_flight import numbers
from performanceplatform.pipeline import runner, settings
from performanceplatform.pipeline.collector import Collector, Unit
from performanceplatform.utils.errors import ConfigError, SinkError, SourceError
from tests.helpers import SANDBOX_TOKEN, inject, served, stored
from tests.performanceplatform.pipeline.in_flight import assert_sent_in_flight, by_id

FIRST_DAY = dt.date(2024, 1, 1)


class Days(Collector):
    """One unit per day; each unit's rows take a random time (seeded) to come."""

    source = "days"

    def __init__(self, days: int = 12, rows: int = 7, latency: float = 0.02,
                 fail_on: int | None = None, limit: int | None = None):
        super().__init__("days")
        self.days, self.rows, self.latency, self.fail_on = days, rows, latency, fail_on
        self.concurrency_limit = limit  # type: ignore[misc]
        self.random = random.Random(9)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.fetched: list[int] = []
        self.closed = False

    def plan(self, query, options, start_at, end_at) -> list[Unit]:
        days = [FIRST_DAY + dt.timedelta(days=n) for n in range(self.days)]
        return [Unit.period(day, day, extra=n) for n, day in enumerate(days)]

    def fetch(self, unit: Unit) -> list[dict[str, Any]]:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.fetched.append(unit.extra)
            delay = self.random.uniform(0, self.latency)
        try:
            time.sleep(delay)
            if unit.extra == self.fail_on:
                raise SourceError(f"days: the source failed for {unit.label}")
            return [{"day": unit.start, "n": n} for n in range(self.rows)]
        finally:
            with self.lock:
                self.in_flight -= 1

    def build(self, unit: Unit, rows):
        for row in rows:
            yield ({"start_date": row["day"], "dimensions": {"row": str(row["n"])}},
                   {"visits": row["n"] * 3, "timeSpan": "day"})

    def close(self) -> None:
        self.closed = True


def data_set(sandbox, name: str = "t") -> dict[str, Any]:
    return {"url": f"{sandbox.url}/data/g/{name}", "token": SANDBOX_TOKEN, "dry_run": False,
            "data-group": "g", "data-type": name}


def run(sandbox, collector: Days, concurrency: int, name: str = "t", **options: Any) -> None:
    with settings.run_settings(concurrency=concurrency):
        runner.run(collector, {}, data_set(sandbox, name), {}, options, None, None)


def records(sandbox, name: str = "t") -> list[dict[str, Any]]:
    """What the data set holds, in write order, without Backdrop's own ``_updated_at``."""
    return [{k: v for k, v in r.items() if k != "_updated_at"} for r in stored(sandbox, "g", name)]


def writes(sandbox) -> list[tuple]:
    """What Backdrop was asked, in the order it answered: method, path, body, gzip."""
    return [(r["method"], r["path"], r["body_bytes"], r["body_digest"], r["gzip"])
            for r in served(sandbox, "backdrop")]


@pytest.mark.parametrize("concurrency", [2, 4, 8])
def test_records_and_requests_are_those_of_a_sequential_run(sandbox, concurrency):
    run(sandbox, Days(), 1, name="one", **{"chunk-size": 5})
    sequential = records(sandbox, "one")
    requests_one = [(m, p.replace("/one", "/X"), *rest) for m, p, *rest in writes(sandbox)]
    sandbox.reset()
    collector = Days()
    run(sandbox, collector, concurrency, name="many", **{"chunk-size": 5})
    assert collector.most_in_flight > 1  # really concurrent, and still:
    assert by_id(records(sandbox, "many")) == by_id(sequential)
    assert_sent_in_flight(requests_one, [(m, p.replace("/many", "/X"), *rest)
                                         for m, p, *rest in writes(sandbox)],
                          min(concurrency, settings.MAX_POSTS_IN_FLIGHT))
    assert [r["humanId"] for r in sequential[:2]] == ["days_20240101000000_day_0",
                                                      "days_20240101000000_day_1"]


def test_order_holds_when_later_units_come_back_first(sandbox):
    collector = Days(days=30, rows=3, latency=0.05)
    run(sandbox, collector, 6, **{"chunk-size": 3})  # a chunk per day
    days = [r["_timestamp"][:10] for r in stored(sandbox, "g", "t")]
    assert len(days) == 90 and days[::3] == days[1::3] == days[2::3]  # a chunk is a day
    written = [(dt.date.fromisoformat(day) - FIRST_DAY).days for day in days[::3]]
    assert_sent_in_flight(list(range(30)), written, settings.MAX_POSTS_IN_FLIGHT)
    assert collector.closed


def test_the_pool_never_runs_more_than_the_collectors_cap(sandbox):
    collector = Days(days=16, limit=2)
    run(sandbox, collector, 8)
    assert collector.most_in_flight == 2
    assert len(stored(sandbox, "g", "t")) == 16 * 7


def test_look_ahead_is_bounded_while_the_sink_is_slow(sandbox):
    collector = Days(days=40, rows=100, latency=0.0)
    inject(sandbox, service="backdrop", delay=0.05, count=1000, status=None)
    seen: list[int] = []

    original = collector.fetch

    def watched(unit: Unit):
        # units fetched beyond those whose records reached Backdrop
        written_units = len(stored(sandbox, "g", "t")) // 100
        seen.append(unit.extra - written_units)
        return original(unit)

    collector.fetch = watched  # type: ignore[method-assign]
    run(sandbox, collector, 4, **{"chunk-size": 100})
    # pool look-ahead (2 x 4) + the unit being built + the units in the POSTs in flight
    assert max(seen) <= 2 * 4 + 1 + settings.MAX_POSTS_IN_FLIGHT
    assert len(stored(sandbox, "g", "t")) == 4000


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_failed_unit_stops_the_run_and_says_which_periods_were_written(sandbox, concurrency):
    collector = Days(days=20, rows=5, fail_on=7)
    with pytest.raises(SourceError) as failure:
        run(sandbox, collector, concurrency, **{"chunk-size": 5})
    message = str(failure.value)
    assert message.startswith("days: the source failed for 2024-01-08 - 2024-01-08")
    assert "7 periods were written: 2024-01-01 - 2024-01-01 to 2024-01-07 - 2024-01-07; " \
           "13 periods from 2024-01-08 - 2024-01-08 on were not" in message
    assert len(stored(sandbox, "g", "t")) == 35
    assert max(collector.fetched) <= 7 + 2 * concurrency  # nothing far beyond was asked
    assert collector.closed


def test_a_failure_inside_an_unfinished_chunk_counts_only_posted_chunks(sandbox):
    with pytest.raises(SourceError) as failure:
        run(sandbox, Days(days=6, rows=5, fail_on=3), 4, **{"chunk-size": 4})
    # 15 records were built; 3 chunks of 4 (12 records, two whole days) reached Backdrop
    assert "2 periods were written: 2024-01-01 - 2024-01-01 to 2024-01-02 - 2024-01-02; " \
           "4 periods from 2024-01-03 - 2024-01-03 on were not" in str(failure.value)
    assert len(stored(sandbox, "g", "t")) == 12


def test_a_failed_post_stops_fetching_and_says_which_periods_were_written(sandbox):
    inject(sandbox, service="backdrop", status=400, count=1, path="/data/g/t")
    collector = Days(days=50, rows=5)
    with pytest.raises(SinkError) as failure:
        run(sandbox, collector, 4, **{"chunk-size": 5})
    # whichever of the POSTs in flight came first was refused; the others were written
    assert said_written(str(failure.value), written_days(sandbox), 50)
    assert len(collector.fetched) < 50  # fetching stopped
    # the producer and the pool end (requests in flight are not waited for by the run)
    for _ in range(50):
        if not [t for t in threading.enumerate() if t.name.startswith(("pp-fetch", "pp-build"))]:
            break
        time.sleep(0.05)
    else:
        pytest.fail("pipeline threads still running")


def test_empty_data_set_fetches_everything_before_emptying(sandbox):
    run(sandbox, Days(days=5, rows=2), 1, name="one", **{"empty-data-set": True})
    one = writes(sandbox)
    sandbox.reset()
    run(sandbox, Days(days=5, rows=2), 4, name="one", **{"empty-data-set": True})
    assert writes(sandbox) == one
    assert [m for m, *_ in one] == ["PUT", "POST"]


def test_a_failure_before_emptying_leaves_the_data_set_alone(sandbox):
    with pytest.raises(SourceError) as failure:
        run(sandbox, Days(days=5, fail_on=4), 4, **{"empty-data-set": True})
    assert "no period was written" in str(failure.value)
    assert served(sandbox, "backdrop") == []


def test_a_bad_concurrency_option_is_a_config_error_before_any_request(sandbox):
    collector = Days()
    with pytest.raises(ConfigError) as failure:
        runner.run(collector, {}, data_set(sandbox), {}, {"concurrency": 0}, None, None)
    assert "key 'options.concurrency': expected a whole number from 1 to 64, got 0" \
        in str(failure.value)
    assert collector.fetched == [] and served(sandbox) == []


def test_settings_order_flag_then_option_then_environment(monkeypatch):
    monkeypatch.setenv(settings.ENV, "3")
    assert settings.concurrency({}, None, "x") == 3
    assert settings.concurrency({"concurrency": 2}, None, "x") == 2
    with settings.run_settings(concurrency=5):
        assert settings.concurrency({"concurrency": 2}, None, "x") == 5
        assert settings.concurrency({"concurrency": 2}, 4, "x") == 4
    monkeypatch.setenv(settings.ENV, "many")
    with pytest.raises(ConfigError, match="PP_COLLECTOR_CONCURRENCY: expected a whole"):
        settings.concurrency({}, None, "x")
    monkeypatch.delenv(settings.ENV)
    assert settings.concurrency(None, None, "x") == settings.DEFAULT_CONCURRENCY


class SlowAfterFirst(Days):
    """The first day comes at once; every later day takes ``slow`` seconds."""

    slow = 3.0

    def fetch(self, unit: Unit):
        if unit.extra:
            time.sleep(self.slow)
        return super().fetch(unit)


def test_a_run_that_stops_does_not_wait_for_requests_in_flight(sandbox):
    inject(sandbox, service="backdrop", status=400, count=1, path="/data/g/t")
    started = time.perf_counter()
    with pytest.raises(SinkError):
        run(sandbox, SlowAfterFirst(days=8, rows=5, latency=0.0), 4, **{"chunk-size": 5})
    assert time.perf_counter() - started < SlowAfterFirst.slow - 1


def written_days(sandbox) -> list[int]:
    return sorted({(dt.date.fromisoformat(r["_timestamp"][:10]) - FIRST_DAY).days
                   for r in stored(sandbox, "g", "t")})


def label(day: int) -> str:
    text = str(FIRST_DAY + dt.timedelta(days=day))
    return f"{text} - {text}"


def said_written(message: str, days: list[int], total: int) -> bool:
    """Whether ``message`` says exactly that ``days`` (whole days) were written."""
    def runs(wanted: list[int]) -> str:
        parts, index = [], 0
        while index < len(wanted):
            last = index
            while last + 1 < len(wanted) and wanted[last + 1] == wanted[last] + 1:
                last += 1
            first_day, last_day = wanted[index], wanted[last]
            if last_day == total - 1 and wanted is not days and first_day != last_day:
                parts.append(f"from {label(first_day)} on")
            elif first_day == last_day:
                parts.append(label(first_day))
            else:
                parts.append(f"{label(first_day)} to {label(last_day)}")
            index = last + 1
        return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"

    def periods(count: int) -> str:
        return f"{count} period was" if count == 1 else f"{count} periods were"

    missing = [day for day in range(total) if day not in days]
    if days == list(range(len(days))):  # the first ones, in a sequential run's words
        if not days:
            return f"no period was written; {total} periods from {label(0)} on were not" \
                in message
        first = f"1 period was written: {label(0)}" if len(days) == 1 else \
            f"{len(days)} periods were written: {label(0)} to {label(days[-1])}"
        count, verb = periods(len(missing)).rsplit(" ", 1)
        return f"{first}; {count} from {label(len(days))} on {verb} not" in message
    return (f"{periods(len(days))} written: {runs(days)}; {periods(len(missing))} not: "
            f"{runs(missing)})") in message


def test_a_refused_chunk_with_later_ones_in_flight_says_exactly_what_was_written(sandbox):
    # the first POST to arrive (one of the first four chunks) is refused after 0.5 s, while
    # the chunks after it go through
    inject(sandbox, service="backdrop", status=400, delay=0.5, count=1)
    with pytest.raises(SinkError) as failure:
        run(sandbox, Days(days=12, rows=5, latency=0.0), 4, **{"chunk-size": 5})
    message = str(failure.value)
    days = written_days(sandbox)
    missing = [day for day in range(12) if day not in days]
    assert len(missing) == 1 and missing[0] < 4 and days[-1] > missing[0]
    refused = missing[0] + 1
    written = [day + 1 for day in days]
    assert (f"(chunk {refused} (5 records) not written; chunks "
            f"{numbers(written)} with {5 * len(days)} records were written; later chunks were "
            "not sent)") in message
    assert said_written(message, days, 12)


def test_a_chunk_sharing_an_id_with_one_in_flight_waits_for_it(sandbox):
    """Every record has the same ``_id``: the POSTs may not overlap, or the slow first one
    would land last and Backdrop would keep the first record instead of the last."""
    inject(sandbox, service="backdrop", status=None, delay=0.5, count=1)
    run(sandbox, Days(days=6, rows=1, latency=0.0), 4,
        **{"chunk-size": 1, "idMapping": ["dataType"]})
    held = stored(sandbox, "g", "t")
    assert [r["_timestamp"][:10] for r in held] == ["2024-01-06"]


class SameIds(Days):
    """Every day's rows get the same ``_id``s (an ``idMapping`` on ``row`` alone)."""

    id_advice = "rows of every day share their row number"


@pytest.mark.parametrize("collector, advice", [
    (Days(days=2), "check options.idMapping"),
    (SameIds(days=2), "rows of every day share their row number"),
])
def test_the_duplicate_id_warning_gives_the_collector_s_advice(sandbox, caplog, collector,
                                                               advice):
    from performanceplatform.utils import writes as run_writes

    with run_writes.recording() as recorded:
        run(sandbox, collector, 1, idMapping="row")
    with caplog.at_level("WARNING"):
        recorded.warn_about_duplicates()
    [message] = [r.getMessage() for r in caplog.records if "_ids were given" in r.getMessage()]
    assert message.endswith(f"; {advice}")
