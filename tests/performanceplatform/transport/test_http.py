"""The HTTP layer: redirection to the sandbox, redaction, retries (against the sandbox)."""

from __future__ import annotations

import datetime as dt
import email.utils
import time

import pytest
import requests

from performanceplatform.transport import http
from performanceplatform.utils.errors import SourceError
from tests.helpers import inject, served


def test_resolve_url_sends_builtin_hosts_to_the_sandbox(monkeypatch):
    monkeypatch.setenv(http.ENV_SANDBOX_URL, "http://127.0.0.1:9999")
    assert http.resolve_url("https://api.pingdom.com/api/3.1/checks?x=1") == \
        "http://127.0.0.1:9999/api.pingdom.com/api/3.1/checks?x=1"
    assert http.resolve_url("http://127.0.0.1:5/data/a/b") == "http://127.0.0.1:5/data/a/b"


def test_resolve_url_is_identity_without_a_sandbox(monkeypatch):
    monkeypatch.delenv(http.ENV_SANDBOX_URL, raising=False)
    assert http.resolve_url("https://api.pingdom.com/x") == "https://api.pingdom.com/x"


def test_redact_url_hides_secret_parameters_and_passwords():
    shown = http.redact_url("https://user:pw@host/index.php?module=API&token_auth=abc123&x=1")
    assert "abc123" not in shown and "pw" not in shown
    assert "token_auth=***" in shown and "module=API" in shown


def test_redact_url_masks_secret_parameters_in_any_letter_case_and_keeps_the_rest():
    shown = http.redact_url("https://h/p?next=%2Fa/b&Token_Auth=abc1&API_KEY=k1&Key=k2&x=1+2"
                            "&keyword=kw&token_authx=t")
    assert shown == ("https://h/p?next=%2Fa/b&Token_Auth=***&API_KEY=***&Key=***&x=1+2"
                     "&keyword=kw&token_authx=t")


def test_timeouts_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(http.ENV_TIMEOUT, "3,7")
    assert http.make_session().timeout == (3.0, 7.0)


def test_retry_after_is_honoured(monkeypatch):
    monkeypatch.setenv(http.ENV_BACKOFF_SCALE, "1")
    policy = http.RetryPolicy(base_delay=0.01)
    response = requests.Response()
    response.headers["Retry-After"] = "7"
    assert 7 <= policy.delay(1, response) < 8


def test_backoff_grows_exponentially_and_is_capped(monkeypatch):
    monkeypatch.setenv(http.ENV_BACKOFF_SCALE, "1")
    policy = http.RetryPolicy(base_delay=1, max_delay=5)
    delays = [policy.delay(n) for n in range(1, 6)]
    assert 1 <= delays[0] < 2 and 2 <= delays[1] < 3 and 4 <= delays[2] < 5
    assert all(d < 6 for d in delays)


def test_send_retries_then_succeeds(sandbox):
    inject(sandbox, service="backdrop", status=503, count=2)
    response = http.send(http.make_session(), "GET", f"{sandbox.url}/_status")
    assert response.status_code == 200
    assert [r["status"] for r in served(sandbox, "backdrop")] == [503, 503, 200]


def test_send_gives_up_after_the_attempts_and_returns_the_last_answer(sandbox):
    inject(sandbox, service="backdrop", status=500, count=9)
    policy = http.RetryPolicy(attempts=3)
    response = http.send(http.make_session(), "GET", f"{sandbox.url}/_status", policy=policy)
    assert response.status_code == 500
    assert len(served(sandbox, "backdrop")) == 3


def test_source_json_reports_non_json_bodies(sandbox):
    inject(sandbox, service="backdrop", status=200, body="<html>oops</html>", count=1)
    with pytest.raises(SourceError, match="not JSON"):
        http.source_json(http.make_session(), "GET", f"{sandbox.url}/_status")


def test_source_json_reports_unreachable_hosts_with_the_redacted_url():
    with pytest.raises(SourceError) as failure:
        http.source_json(http.make_session(), "GET", "http://127.0.0.1:9/x?token_auth=s3cret",
                         policy=http.RetryPolicy(attempts=1))
    assert "s3cret" not in str(failure.value) and "could not reach" in str(failure.value)


def test_iter_chunks_is_lazy_and_complete():
    assert list(http.iter_chunks(iter(range(5)), 2)) == [[0, 1], [2, 3], [4]]
    assert list(http.iter_chunks([], 3)) == []


def test_retries_stop_when_the_total_time_is_spent(sandbox):
    inject(sandbox, service="backdrop", status=503, count=9)
    policy = http.RetryPolicy(attempts=9, max_total=0)
    response = http.send(http.make_session(), "GET", f"{sandbox.url}/_status", policy=policy)
    assert response.status_code == 503
    assert len(served(sandbox, "backdrop")) == 1


# -- timeouts ---------------------------------------------------------------------------------

def test_the_default_timeout_without_an_environment(monkeypatch):
    monkeypatch.delenv(http.ENV_TIMEOUT, raising=False)
    assert http.timeout_from_env() == http.DEFAULT_TIMEOUT == (10.0, 120.0)
    assert http.make_session().timeout == (10.0, 120.0)


def test_the_session_applies_its_timeout_to_a_request_that_gives_none(sandbox):
    inject(sandbox, service="backdrop", status=None, delay=1.5, count=2)
    session = http.CollectorSession(timeout=(2.0, 0.3))
    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        session.get(f"{sandbox.url}/_status")
    assert time.monotonic() - started < 1.4
    assert session.get(f"{sandbox.url}/_status", timeout=5).status_code == 200  # given: kept


def test_a_backdrop_that_hangs_past_the_timeout_fails_the_run(sandbox, run_cli):
    from tests.performanceplatform.collector.test_main import QUERY, assert_one_line_failure

    inject(sandbox, service="backdrop", status=503, delay=3, count=5)  # 503: nothing stored late
    started = time.monotonic()
    result = run_cli(QUERY, {}, env={http.ENV_TIMEOUT: "2,0.3"})
    assert_one_line_failure(result, "POST", "/data/g/t", "could not connect (ReadTimeout)")
    assert time.monotonic() - started < 12


# -- retries ----------------------------------------------------------------------------------

def answer_with(retry_after: str) -> requests.Response:
    response = requests.Response()
    response.headers["Retry-After"] = retry_after
    return response


def test_retry_after_as_an_http_date(monkeypatch):
    monkeypatch.setenv(http.ENV_BACKOFF_SCALE, "1")
    policy = http.RetryPolicy(base_delay=0.01)
    soon = email.utils.format_datetime(
        dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30), usegmt=True)
    assert 28 <= policy.delay(1, answer_with(soon)) <= 31
    past = email.utils.format_datetime(dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc),
                                       usegmt=True)
    assert policy.delay(1, answer_with(past)) < 0.03  # the normal backoff
    assert policy.delay(1, answer_with("next tuesday")) < 0.03


def test_retry_after_is_capped_by_the_total_time(monkeypatch):
    monkeypatch.setenv(http.ENV_BACKOFF_SCALE, "1")
    policy = http.RetryPolicy(base_delay=0.01, max_total=20)
    assert 20 <= policy.delay(1, answer_with("3600")) < 20.1


@pytest.mark.parametrize("retry,served_count", [(True, 2), (False, 1)])
def test_retry_connection_errors_is_honoured(sandbox, retry, served_count):
    inject(sandbox, service="backdrop", reset=True, status=None, count=1)
    policy = http.RetryPolicy(retry_connection_errors=retry)
    if retry:
        assert http.send(http.make_session(), "GET", f"{sandbox.url}/_status",
                         policy=policy).status_code == 200
    else:
        with pytest.raises(requests.ConnectionError):
            http.send(http.make_session(), "GET", f"{sandbox.url}/_status", policy=policy)
    assert len(served(sandbox, "backdrop")) == served_count


def test_4xx_is_not_retried_by_default(sandbox):
    inject(sandbox, service="backdrop", status=404, count=3)
    response = http.send(http.make_session(), "GET", f"{sandbox.url}/_status")
    assert response.status_code == 404 and len(served(sandbox, "backdrop")) == 1


# -- an empty 200 answer ----------------------------------------------------------------------

def test_an_empty_200_from_a_source_is_a_source_error(sandbox):
    inject(sandbox, service="backdrop", status=200, body="")
    with pytest.raises(SourceError, match="HTTP 200 with a body that is not JSON"):
        http.source_json(http.make_session(), "GET", f"{sandbox.url}/_status")


def test_offline_refuses_every_request_before_it_is_sent(sandbox):
    """``pp-collector validate`` runs collectors inside ``offline()``: no request leaves,
    whatever catches ``Exception`` on the way; outside it, requests go as before."""
    session = http.make_session({"Authorization": "Bearer secret-token-123"})
    with http.offline():
        with pytest.raises(http.NetworkRefused) as refused:
            try:
                http.send(session, "GET", f"{sandbox.url}/data/a/b?token_auth=s3cret")
            except Exception:  # noqa: BLE001 - what a client might do
                pytest.fail("NetworkRefused must not be an Exception")
        # validate's note names it: "its first request, GET <url>, was not sent"
        assert str(refused.value) == f"GET {sandbox.url}/data/a/b?token_auth=***"
    assert served(sandbox) == []
    assert session.get(f"{sandbox.url}/data/a/b", timeout=10).status_code == 200
    assert len(served(sandbox)) == 1


def test_the_session_keeps_requests_positional_arguments(sandbox):
    """``CollectorSession.request`` has ``requests.Session.request``'s signature: ``params``
    given by position still reaches the server."""
    response = http.make_session().request("GET", f"{sandbox.url}/_status", {"a": "1"})
    assert response.status_code == 200 and response.url == f"{sandbox.url}/_status?a=1"
