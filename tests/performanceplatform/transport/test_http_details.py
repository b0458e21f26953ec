"""The HTTP layer in detail: what each request carries, URL redaction, the retry policy's
waits and log lines, and how ``source_json`` names a failure."""

from __future__ import annotations

import pytest
import requests

from performanceplatform.transport import http
from performanceplatform.utils.errors import SourceError
from tests.helpers import inject

# -- what a single request carries ------------------------------------------------------------

def test_every_request_has_the_default_timeout_and_user_agent(monkeypatch):
    monkeypatch.delenv(http.ENV_TIMEOUT, raising=False)
    seen = {}

    def fake_send(self, request, **kwargs):
        seen.update(kwargs, agent=request.headers["User-Agent"], url=request.url)
        raise requests.ConnectionError("stop here")

    monkeypatch.setattr(requests.Session, "send", fake_send)
    session = http.make_session({"X-Extra": "1"})
    assert session.timeout == http.DEFAULT_TIMEOUT == (10.0, 120.0)
    with pytest.raises(requests.ConnectionError):
        session.get("http://127.0.0.1:9/x")
    assert seen["timeout"] == (10.0, 120.0)
    assert seen["agent"] == http.USER_AGENT
    assert http.USER_AGENT.startswith("pp-collector/")
    assert session.headers["X-Extra"] == "1"
    with pytest.raises(requests.ConnectionError):
        session.get("http://127.0.0.1:9/x", timeout=3)
    assert seen["timeout"] == 3


def test_a_request_through_the_session_goes_to_the_sandbox(sandbox, monkeypatch):
    monkeypatch.setenv(http.ENV_SANDBOX_URL, sandbox.url + "/")
    response = http.make_session().get("https://127.0.0.1/_status")
    assert response.url == f"{sandbox.url}/127.0.0.1/_status"


@pytest.mark.parametrize("raw, expected", [("3,7", (3.0, 7.0)), ("5", (5.0, 5.0)),
                                           ("1.5,2,9", (1.5, 9.0)), ("", (10.0, 120.0))])
def test_timeout_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv(http.ENV_TIMEOUT, raw)
    assert http.timeout_from_env() == expected


def test_backoff_scale(monkeypatch):
    monkeypatch.delenv(http.ENV_BACKOFF_SCALE, raising=False)
    assert http.backoff_scale() == 1.0
    monkeypatch.setenv(http.ENV_BACKOFF_SCALE, "0.5")
    assert http.backoff_scale() == 0.5


@pytest.mark.parametrize("url", ["https://x", "http://host/p", "ftp://host/p"])
def test_resolve_url_leaves_other_urls_alone(monkeypatch, url):
    monkeypatch.setenv(http.ENV_SANDBOX_URL, "http://127.0.0.1:9999")
    expected = "http://127.0.0.1:9999/x" if url == "https://x" else url
    assert http.resolve_url(url) == expected
    assert http.resolve_url("https:///no-host") == "https:///no-host"


def test_resolve_url_keeps_the_sandbox_path_query_and_fragment(monkeypatch):
    monkeypatch.setenv(http.ENV_SANDBOX_URL, "http://127.0.0.1:9999/base/")
    assert http.resolve_url("https://h.example:8443/a/b?q=1#f") == \
        "http://127.0.0.1:9999/base/h.example:8443/a/b?q=1#f"
    monkeypatch.setenv(http.ENV_SANDBOX_URL, "http://127.0.0.1:9999/sandbox-X//")
    assert http.resolve_url("https://h/a") == "http://127.0.0.1:9999/sandbox-X/h/a"  # only "/"


# -- redaction ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(http.SECRET_PARAMS) + ["Token_Auth", "API_KEY"])
def test_redact_url_masks_each_secret_parameter_in_any_case(name):
    shown = http.redact_url(f"https://h/p?{name}=s3cr3t&a=b%20c&empty=")
    assert shown == f"https://h/p?{name}=***&a=b%20c&empty="


def test_redact_url_keeps_the_host_and_drops_only_the_user_part():
    assert http.redact_url("https://u:p@w@host:8/p#frag") == "https://***@host:8/p#frag"
    assert http.redact_url("https://host/p?x=a:b,c") == "https://host/p?x=a:b,c"
    assert http.redact_url("https://host/p") == "https://host/p"


# -- retries --------------------------------------------------------------------------------------

def response_with(headers: dict[str, str], status: int = 503) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers)
    return response


def test_retry_after_as_an_http_date(monkeypatch):
    monkeypatch.setenv(http.ENV_BACKOFF_SCALE, "1")
    monkeypatch.setattr(http.time, "time", lambda: 1_000_000_000.0)  # 2001-09-09T01:46:40Z
    policy = http.RetryPolicy(base_delay=0.01)
    when = "Sun, 09 Sep 2001 01:47:10 GMT"  # 30 s later
    assert 30 <= policy.delay(1, response_with({"Retry-After": when})) < 30.02
    past = "Sun, 09 Sep 2001 01:00:00 GMT"
    assert policy.delay(1, response_with({"Retry-After": past})) < 0.03


@pytest.mark.parametrize("value", ["soon", "", "-5"])
def test_an_unusable_retry_after_falls_back_to_the_backoff(monkeypatch, value):
    monkeypatch.setenv(http.ENV_BACKOFF_SCALE, "1")
    policy = http.RetryPolicy(base_delay=2)
    assert 2 <= policy.delay(1, response_with({"Retry-After": value})) < 3


def test_retry_after_is_capped_by_the_total_time(monkeypatch):
    monkeypatch.setenv(http.ENV_BACKOFF_SCALE, "1")
    policy = http.RetryPolicy(base_delay=0.01, max_total=20)
    assert policy.delay(1, response_with({"Retry-After": "3600"})) == pytest.approx(20, abs=0.02)


def test_the_backoff_scale_multiplies_the_wait(monkeypatch):
    monkeypatch.setenv(http.ENV_BACKOFF_SCALE, "0.5")
    policy = http.RetryPolicy(base_delay=4, max_delay=60)
    assert 2 <= policy.delay(1) <= 2.5
    assert 4 <= policy.delay(2) <= 4.5
    assert http.RetryPolicy(base_delay=0.2).delay(1) <= 0.2  # jitter below the base delay


def test_the_default_policy():
    policy = http.RetryPolicy()
    assert (policy.attempts, policy.base_delay, policy.max_delay, policy.max_total) == \
        (5, 1.0, 60.0, 300.0)
    assert policy.statuses == {429, 500, 502, 503, 504}
    assert policy.retry_connection_errors is True
    assert [policy.should_retry(response_with({}, s)) for s in (429, 500, 501, 404, 200)] == \
        [True, True, False, False, False]
    custom = http.RetryPolicy(retry_on=lambda r: r.status_code == 403)
    assert custom.should_retry(response_with({}, 403)) and not custom.should_retry(
        response_with({}, 503))


def test_connection_errors_are_retried_unless_the_policy_says_not(caplog):
    session = http.make_session()
    calls = []
    original = session.request

    def counting(method, url, **kwargs):
        calls.append(url)
        return original(method, url, **kwargs)

    session.request = counting  # type: ignore[method-assign]
    with pytest.raises(requests.ConnectionError):
        http.send(session, "GET", "http://127.0.0.1:9/x",
                  policy=http.RetryPolicy(attempts=3, base_delay=0))
    assert len(calls) == 3
    assert "GET http://127.0.0.1:9/x failed with ConnectionError (attempt 1 of 3); retrying " \
           "in 0.0 s" in [r.getMessage() for r in caplog.records if r.name == http.log.name]
    calls.clear()
    with pytest.raises(requests.ConnectionError):
        http.send(session, "GET", "http://127.0.0.1:9/x",
                  policy=http.RetryPolicy(attempts=3, retry_connection_errors=False))
    assert len(calls) == 1


def test_a_retried_status_is_logged_with_the_redacted_url_or_the_description(sandbox, caplog):
    def ours() -> list[str]:  # urllib3's own DEBUG lines are not ours to check here
        return [r.getMessage() for r in caplog.records if r.name == http.log.name]

    inject(sandbox, service="backdrop", status=503, count=2)
    http.send(http.make_session(), "GET", f"{sandbox.url}/_status?token=s3cr3t")
    assert ours() == [
        f"GET {sandbox.url}/_status?token=*** failed with HTTP 503 (attempt {n} of 5); "
        "retrying in 0.0 s" for n in (1, 2)]
    caplog.clear()
    inject(sandbox, service="backdrop", status=503, count=1)
    http.send(http.make_session(), "GET", f"{sandbox.url}/_status", describe="the status")
    assert ours() == ["the status failed with HTTP 503 (attempt 1 of 5); retrying in 0.0 s"]


def test_source_json_names_the_status_and_a_snippet_of_the_body(sandbox):
    inject(sandbox, service="backdrop", status=404, body="no\n  such   thing" + "x" * 300,
           count=1)
    url = f"{sandbox.url}/_status"
    with pytest.raises(SourceError) as failure:
        http.source_json(http.make_session(), "GET", url, source="Pingdom")
    message = str(failure.value)
    assert message.startswith(f"Pingdom: GET {url} answered HTTP 404: no such thing")
    assert len(message) < len(f"Pingdom: GET {url} answered HTTP 404: ") + 200
    assert (failure.value.status, failure.value.url) == (404, url)


@pytest.fixture
def empty_200():
    """A server on loopback that answers every GET with 200 and an empty body."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Empty(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Empty)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/empty"
    server.shutdown()
    server.server_close()


def test_source_json_returns_the_body_and_rejects_an_empty_200(sandbox, empty_200):
    assert isinstance(http.source_json(http.make_session(), "GET", f"{sandbox.url}/_status"),
                      dict)
    url = empty_200
    with pytest.raises(SourceError) as failure:
        http.source_json(http.make_session(), "GET", url, source="GA")
    assert str(failure.value) == f"GA: GET {url} answered HTTP 200 with a body that is not JSON"
    assert (failure.value.status, failure.value.url) == (200, url)


def test_source_json_names_the_connection_error():
    with pytest.raises(SourceError) as failure:
        http.source_json(http.make_session(), "GET", "http://127.0.0.1:9/x", source="Piwik",
                         policy=http.RetryPolicy(attempts=1))
    assert str(failure.value) == "Piwik: could not reach http://127.0.0.1:9/x: ConnectionError"
    assert failure.value.url == "http://127.0.0.1:9/x"


def test_iter_chunks_of_exactly_the_size():
    assert list(http.iter_chunks(range(4), 2)) == [[0, 1], [2, 3]]
    assert list(http.iter_chunks(range(3), 1)) == [[0], [1], [2]]


def test_source_json_follows_the_given_policy_and_names_the_source(sandbox):
    inject(sandbox, service="backdrop", status=503, count=1)
    url = f"{sandbox.url}/_status"
    with pytest.raises(SourceError) as failure:
        http.source_json(http.make_session(), "GET", url, policy=http.RetryPolicy(attempts=1))
    assert str(failure.value).startswith(f"source: GET {url} answered HTTP 503: ")


def test_a_retry_after_of_zero_does_not_wait(monkeypatch):
    monkeypatch.setenv(http.ENV_BACKOFF_SCALE, "1")
    assert http.RetryPolicy(base_delay=0.01).delay(1, response_with({"Retry-After": "0"})) < 0.1


def test_the_body_snippet_is_cut_at_200_characters(sandbox):
    inject(sandbox, service="backdrop", status=404, body="z" * 300, count=1)
    url = f"{sandbox.url}/_status"
    with pytest.raises(SourceError) as failure:
        http.source_json(http.make_session(), "GET", url)
    assert str(failure.value) == f"source: GET {url} answered HTTP 404: " + "z" * 200


def test_redact_url_masks_a_secret_whose_value_holds_equals_signs():
    """base64 tokens end in "=": the name is what comes before the first one."""
    assert http.redact_url("https://h/p?token=ab==&x=1") == "https://h/p?token=***&x=1"


def test_a_sources_error_hook_sees_every_answer_and_its_json(sandbox, empty_200):
    """The one response-to-error hook: given each final answer and its JSON body (NOT_JSON
    when there is none), its error is raised, naming the URL as the source shows it."""
    seen = []

    def refuse(request, response, body):
        seen.append((request.named, response.status_code, body))
        return request.error(f"{request.method} {request.shown} refused", response.status_code)

    with pytest.raises(SourceError) as failure:
        http.source_json(http.make_session(), "GET", f"{sandbox.url}/_status", source="S",
                         error=refuse, shown="the status page")
    assert str(failure.value) == "S: GET the status page refused"
    assert (failure.value.url, failure.value.status) == ("the status page", 200)
    assert seen[0][:2] == ("S: GET the status page", 200) and isinstance(seen[0][2], dict)
    response, body = http.source_response(http.make_session(), "GET", empty_200,
                                          error=lambda *answer: seen.append(answer[2]),
                                          json_body=True)
    assert body is http.NOT_JSON and seen[-1] is http.NOT_JSON and response.status_code == 200


def test_source_response_leaves_the_body_undecoded_unless_asked(sandbox):
    """A download (G-Cloud's CSV) is never decoded as JSON: its hook and its caller get
    NOT_JSON, even for an answer that is JSON."""
    seen = []
    response, body = http.source_response(http.make_session(), "GET", f"{sandbox.url}/_status",
                                          error=lambda *answer: seen.append(answer[2]))
    assert response.json() and body is http.NOT_JSON and seen == [http.NOT_JSON]


def test_source_response_names_an_unnamed_source_source(sandbox):
    inject(sandbox, service="backdrop", status=404, body="gone", count=1)
    url = f"{sandbox.url}/_status"
    with pytest.raises(SourceError) as failure:
        http.source_response(http.make_session(), "GET", url)
    assert str(failure.value) == f"source: GET {url} answered HTTP 404: gone"


def test_no_attempt_starts_once_the_total_time_is_spent(monkeypatch):
    """``max_total`` is a budget: at exactly that many seconds after the first attempt, no
    further one is made (the clock here moves 5 s per failed attempt)."""
    answers = []

    class Busy:
        def request(self, method, url, **kwargs):
            answers.append(response_with({}, 503))
            return answers[-1]

    class Clock:
        now = 0.0

        def monotonic(self):
            return self.now

        def sleep(self, seconds):
            self.now += 5

    monkeypatch.setattr(http, "time", Clock())
    policy = http.RetryPolicy(attempts=9, base_delay=0, max_total=10)
    assert http.send(Busy(), "GET", "https://h/x", policy=policy) is answers[-1]
    assert len(answers) == 3  # at 0, 5 and 10 s


def test_send_waits_as_long_as_the_answers_retry_after_says(monkeypatch, caplog):
    monkeypatch.setenv(http.ENV_BACKOFF_SCALE, "1")
    answers = [response_with({"Retry-After": "7"}, 429), response_with({}, 200)]
    slept = []

    class RateLimited:
        def request(self, method, url, **kwargs):
            return answers.pop(0)

    monkeypatch.setattr(http.time, "sleep", slept.append)
    policy = http.RetryPolicy(base_delay=0)
    assert http.send(RateLimited(), "GET", "https://h/x", policy=policy).status_code == 200
    assert slept == [7.0]
    assert "GET https://h/x failed with HTTP 429 (attempt 1 of 5); retrying in 7.0 s" in \
        [r.getMessage() for r in caplog.records if r.name == http.log.name]
