"""Google's retry table: which answers are retried, how long we wait, what the error says."""

from __future__ import annotations

import json

import pytest
import requests

from performanceplatform.google.retry import (
    GoogleRetryPolicy,
    error_reason,
    google_error,
)
from performanceplatform.utils.errors import SourceError


def answer(status: int, reason: str | None = None, body: str | None = None,
           headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    if body is None and reason is not None:
        body = json.dumps({"error": {"errors": [{"domain": "usageLimits", "reason": reason,
                                                 "message": "Explained"}],
                                     "code": status, "message": "Explained"}})
    response._content = (body or "").encode()
    response.headers.update(headers or {})
    return response


@pytest.mark.parametrize("status, reason, retried", [
    (403, "userRateLimitExceeded", True),
    (403, "quotaExceeded", True),
    (403, "rateLimitExceeded", True),
    (403, "insufficientPermissions", False),
    (403, "dailyLimitExceeded", False),
    (403, "usageLimits.userRateLimitExceededUnreg", False),
    (400, "invalidParameter", False),
    (401, "authError", False),
    (404, None, False),
    (429, None, True),
    (500, None, True),
    (503, "backendError", True),
])
def test_what_is_retried(status, reason, retried):
    assert GoogleRetryPolicy().should_retry(answer(status, reason)) is retried


def test_rate_limit_waits_double_from_ten_seconds(monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_BACKOFF_SCALE", "1")
    policy = GoogleRetryPolicy()
    limited = answer(403, "userRateLimitExceeded")
    assert [policy.delay(n, limited) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert policy.delay(1, answer(503)) < 10


def test_reason_comes_from_v3_errors_or_newer_status():
    assert error_reason(answer(400, "invalidParameter")) == "invalidParameter"
    newer = answer(429, body='{"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}')
    assert error_reason(newer) == "RESOURCE_EXHAUSTED"
    assert error_reason(answer(403, body="<html>no</html>")) is None


def test_the_final_error_is_one_clear_line():
    error = google_error(answer(403, "insufficientPermissions"), "Google Analytics",
                         "https://www.googleapis.com/analytics/v3/data/ga")
    assert isinstance(error, SourceError)
    message = str(error)
    assert "\n" not in message
    assert "HTTP 403, reason insufficientPermissions: Explained" in message
    assert error.status == 403
    assert google_error(answer(200, body="{}"), "x", "https://example.org/") is None
