"""Google's retry rules, for any Google JSON API (Core Reporting v3, GA4 Data API, ...).

Google answers errors with a JSON body such as::

    {"error": {"code": 403, "message": "User Rate Limit Exceeded",
               "errors": [{"domain": "usageLimits", "reason": "userRateLimitExceeded"}]}}

(GA4 and other newer APIs use ``"status": "RESOURCE_EXHAUSTED"`` and ``details`` instead of
``errors``). What a status means depends on that *reason*:

=========================================  =============================================
answer                                     what we do
=========================================  =============================================
403 ``userRateLimitExceeded``,             retry, waiting 10 s, 20 s, 40 s, 80 s (as the
``quotaExceeded``, ``rateLimitExceeded``   original collector did)
429, 5xx, connection errors                retry with backoff and jitter, honouring
                                           ``Retry-After``
400, 401, any other 403 (e.g.              fail at once: retrying cannot help
``insufficientPermissions``,
``dailyLimitExceeded``)
=========================================  =============================================

Attempts are bounded (5 by default), so a run never loops on a quota.
``google_error`` turns the final failure into one ``SourceError`` line naming the
status, the reason and Google's message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from performanceplatform.transport.http import RetryPolicy, backoff_scale, redact_url
from performanceplatform.utils.errors import SourceError

RATE_LIMIT_REASONS = frozenset({"userRateLimitExceeded", "quotaExceeded", "rateLimitExceeded"})
RATE_LIMIT_FIRST_WAIT = 10.0
V3_ERRORS_HELP = "https://developers.google.com/analytics/devguides/reporting/core/v3/coreErrors"


def error_body(response: requests.Response) -> dict[str, Any]:
    """The ``error`` object of a Google JSON error answer, or ``{}``."""
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def error_reason(response: requests.Response) -> str | None:
    """The first ``errors[].reason`` (v3 style), else ``details[].reason`` or ``status``."""
    error = error_body(response)
    for key in ("errors", "details"):
        entries = error.get(key)
        if isinstance(entries, list):
            for entry in entries:
                if isinstance(entry, dict) and isinstance(entry.get("reason"), str):
                    return entry["reason"]
    status = error.get("status")
    return status if isinstance(status, str) else None


def is_rate_limited(response: requests.Response) -> bool:
    """A 403 that only says "not so fast": worth waiting and asking again."""
    return response.status_code == 403 and error_reason(response) in RATE_LIMIT_REASONS


@dataclass
class GoogleRetryPolicy(RetryPolicy):
    """``RetryPolicy`` plus Google's 403 rate-limit rule and its 10 s, 20 s, ... waits."""

    rate_limit_wait: float = RATE_LIMIT_FIRST_WAIT
    max_total: float = 600.0

    def should_retry(self, response: requests.Response) -> bool:
        if is_rate_limited(response):
            return True
        return super().should_retry(response)

    def delay(self, attempt: int, response: requests.Response | None = None) -> float:
        if response is not None and is_rate_limited(response):
            wait = self.rate_limit_wait * 2 ** (attempt - 1)
            return wait * backoff_scale()
        return super().delay(attempt, response)


Advice = Callable[[int, "str | None", str], str]


def google_error(response: requests.Response, source: str, url: str,
                 help_url: str | None = None, method: str = "GET",
                 advice: Advice | None = None) -> SourceError | None:
    """One clear ``SourceError`` line for a failed answer (``None`` for a 2xx one): the
    status, the reason and Google's message (the Google sources' error hook starts here).

    ``advice(status, reason, message)`` words what to do about it (default: the v3 API's
    advice, which speaks of views and daily quotas)."""
    if response.ok:
        return None
    error = error_body(response)
    reason = error_reason(response)
    message = error.get("message") if isinstance(error.get("message"), str) else ""
    if not error:
        message = " ".join(response.text[:200].split()) or response.reason
    text = f"{source}: {method} {redact_url(url)} failed with HTTP {response.status_code}"
    if reason:
        text += f", reason {reason}"
    if message:
        text += f": {message}"
    text += (advice or v3_advice)(response.status_code, reason, message)
    if help_url:
        text += f" (see {help_url})"
    return SourceError(text, url=redact_url(url), status=response.status_code)


def google_hook(source: str, url: str, envelope: Callable[[Any], str | None],
                help_url: str | None = None, advice: Advice | None = None) -> Any:
    """The error hook of a Google JSON API (``transport.http.source_response``): a failed answer
    is :func:`google_error`'s line; a 2xx answer that ``envelope(body)`` finds wrong (the
    body is ``None`` when it is not JSON) is ``answered HTTP 200 with <what is wrong>``."""
    from performanceplatform.transport.http import NOT_JSON

    def error(request: Any, response: requests.Response, body: Any) -> SourceError | None:
        if not response.ok:
            return google_error(response, source, url, help_url, request.method, advice)
        problem = envelope(None if body is NOT_JSON else body)
        if problem:
            return request.error(f"{request.method} {request.shown} answered HTTP "
                                 f"{response.status_code} with {problem}", response.status_code)
        return None

    return error


def v3_advice(status: int, reason: str | None, message: str) -> str:
    """The v3 API's advice (its ``message`` is not needed: the status and reason say it all)."""
    if status == 401:
        return " - the credentials were refused; renew the stored token or key"
    if status == 403 and reason in RATE_LIMIT_REASONS:
        return " - still rate limited after retrying; run again later"
    if status == 403:
        return " - the account may lack access to this view, or a daily quota is spent"
    if status == 429:
        return " - the quota is spent; run again later"
    return ""


__all__ = [
    "GoogleRetryPolicy",
    "RATE_LIMIT_REASONS",
    "error_body",
    "error_reason",
    "is_rate_limited",
    "v3_advice",
    "google_error",
    "google_hook",
]
