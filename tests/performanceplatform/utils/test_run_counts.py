"""The run's request and retry counts, as the HTTP layer reports them over real HTTP."""

from __future__ import annotations

import contextvars
import threading

from performanceplatform.transport.http import RetryPolicy, make_session, send
from performanceplatform.utils import run_counts
from tests.helpers import inject, served


def test_every_attempt_is_a_request_and_every_repeat_a_retry(sandbox):
    inject(sandbox, service="backdrop", status=503, count=2)
    with run_counts.counting() as counts:
        answer = send(make_session(), "GET", f"{sandbox.url}/data/g/t", RetryPolicy())
    assert answer.status_code == 200
    assert (counts.requests, counts.retries) == (3, 2) == (len(served(sandbox)), 2)


def test_a_last_failed_attempt_is_not_a_retry(sandbox):
    inject(sandbox, service="backdrop", status=503, count=5)
    with run_counts.counting() as counts:
        answer = send(make_session(), "GET", f"{sandbox.url}/data/g/t", RetryPolicy(attempts=2))
    assert answer.status_code == 503
    assert (counts.requests, counts.retries) == (2, 1)


def test_threads_in_a_copy_of_the_run_s_context_count_into_it(sandbox):
    session = make_session()

    def get() -> None:
        for _ in range(10):
            session.get(f"{sandbox.url}/data/g/t")

    with run_counts.counting() as counts:
        workers = [threading.Thread(target=contextvars.copy_context().run, args=(get,))
                   for _ in range(4)]
        outsider = threading.Thread(target=get)  # not the run's: a context of its own
        for thread in [*workers, outsider]:
            thread.start()
        for thread in [*workers, outsider]:
            thread.join()
    assert counts.requests == 40
    assert len(served(sandbox)) == 50


def test_outside_a_run_nothing_is_counted_and_runs_nest_only_when_asked(sandbox):
    make_session().get(f"{sandbox.url}/data/g/t")  # no run: no error, no count
    with run_counts.counting() as outer:
        with run_counts.counting(reuse_current=True) as same:
            make_session().get(f"{sandbox.url}/data/g/t")
        with run_counts.counting() as inner:
            make_session().get(f"{sandbox.url}/data/g/t")
    assert same is outer and outer.requests == 1 and inner.requests == 1
    assert run_counts.current() is None
