"""Google error answers: which reason is read, the one line each failure becomes (with its
advice), and the rate-limit waits."""

from __future__ import annotations

import json

import pytest
import requests

from performanceplatform.google.retry import (
    GoogleRetryPolicy,
    error_body,
    error_reason,
    google_error,
)
from performanceplatform.utils.errors import SourceError

URL = "https://analytics.example/v3/data?key=s3cr3t"
SHOWN = "https://analytics.example/v3/data?key=***"


def failure_of(response: requests.Response, *args, **kwargs) -> SourceError:
    """The error ``google_error`` makes of a failed answer."""
    error = google_error(response, *args, **kwargs)
    assert isinstance(error, SourceError)
    return error


def answer(status: int, body, reason: str = "Forbidden") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = reason
    response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return response


def google(code: int, reason: str | None = None, message: str | None = "Denied",
           key: str = "errors") -> requests.Response:
    error: dict = {"code": code}
    if message is not None:
        error["message"] = message
    if reason:
        error[key] = [{"domain": "x", "reason": reason}]
    return answer(code, {"error": error})


@pytest.mark.parametrize("body, expected", [
    (b"", {}), (b"not json", {}), (b"[1]", {}), (b'{"error": "text"}', {}),
    (b'{"error": {"code": 1}}', {"code": 1}),
])
def test_error_body(body, expected):
    assert error_body(answer(400, body)) == expected


@pytest.mark.parametrize("error, reason", [
    ({"errors": [{"reason": "quotaExceeded"}]}, "quotaExceeded"),
    ({"errors": ["x", {"reason": 5}, {"reason": "second"}]}, "second"),
    ({"errors": "text", "details": [{"reason": "FROM_DETAILS"}]}, "FROM_DETAILS"),
    ({"details": [], "status": "RESOURCE_EXHAUSTED"}, "RESOURCE_EXHAUSTED"),
    ({"status": 429}, None),
    ({}, None),
])
def test_error_reason(error, reason):
    assert error_reason(answer(400, {"error": error})) == reason


@pytest.mark.parametrize("response, tail", [
    (google(401), ": Denied - the credentials were refused; renew the stored token or key"),
    (google(403, "userRateLimitExceeded"), ", reason userRateLimitExceeded: Denied - still "
                                           "rate limited after retrying; run again later"),
    (google(403, "insufficientPermissions"), ", reason insufficientPermissions: Denied - the "
     "account may lack access to this view, or a daily quota is spent"),
    (google(429, "RESOURCE_EXHAUSTED", key="details"),
     ", reason RESOURCE_EXHAUSTED: Denied - the quota is spent; run again later"),
    (google(400, message=None), ""),
    (google(500, message=5), ""),
    (answer(502, b"<html>\n  Bad   gateway</html>"), ": <html> Bad gateway</html>"),
    (answer(503, b"", reason="Service Unavailable"), ": Service Unavailable"),
])
def test_each_failure_is_one_line_with_advice(response, tail):
    error = failure_of(response, "GA", URL, method="POST")
    status = response.status_code
    assert str(error) == f"GA: POST {SHOWN} failed with HTTP {status}{tail}"
    assert (error.url, error.status) == (SHOWN, status)


def test_the_help_url_ends_the_line_and_get_is_the_default_method():
    error = failure_of(google(400), "GA", URL, help_url="https://help")
    assert str(error) == f"GA: GET {SHOWN} failed with HTTP 400: Denied (see https://help)"


def test_a_2xx_answer_is_no_error():
    assert google_error(answer(200, {"error": {"code": 1}}), "GA", URL) is None


def test_google_error_is_the_error_not_raised():
    assert google_error(answer(200, {"rows": []}), "GA4", URL) is None
    error = google_error(google(400), "GA", URL, help_url="https://help")
    assert str(error) == f"GA: GET {SHOWN} failed with HTTP 400: Denied (see https://help)"
    assert (error.url, error.status) == (SHOWN, 400)


def test_rate_limit_waits_double_from_ten_seconds(monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_BACKOFF_SCALE", "1")
    policy = GoogleRetryPolicy()
    limited = google(403, "rateLimitExceeded")
    assert [policy.delay(n, limited) for n in (1, 2, 3, 4)] == [10.0, 20.0, 40.0, 80.0]
    monkeypatch.setenv("PP_COLLECTOR_BACKOFF_SCALE", "0.5")
    assert policy.delay(2, limited) == 10.0
    assert policy.delay(1, google(503)) < 1.0 * 0.5 + 0.5 + 1e-9
    assert policy.delay(1) <= 1.0


def test_other_retries_honour_retry_after(monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_BACKOFF_SCALE", "1")
    busy = google(503)
    busy.headers["Retry-After"] = "30"
    assert 30 <= GoogleRetryPolicy().delay(1, busy) < 31


def test_a_long_non_json_body_is_cut_at_200_characters():
    error = failure_of(answer(502, b"y" * 300), "GA", URL)
    assert str(error) == f"GA: GET {SHOWN} failed with HTTP 502: " + "y" * 200
