"""Pingdom's request limits, and when a refused call is worth another try.

Pingdom API 3.1 ("Limits" in https://pingdom.com/resources/api, the Pingdom Public API 3.1
OpenAPI document) sends two headers in every response::

    Req-Limit-Short: Remaining: 394 Time until reset: 3589
    Req-Limit-Long: Remaining: 71994 Time until reset: 2591989

and answers 429 "Request limit exceeded, try again later" once a limit is spent; it sends no
``Retry-After``. The short limit resets after up to about an hour, the long one after up to
30 days. API 2.0 answered some rate-limited calls with 403 instead, with a body saying so
(the original retried every 403, spec sources.md §2).

=============================================  ================================================
answer                                         what the collector does
=============================================  ================================================
429, or a 403 whose ``errormessage`` speaks    a spent limit (``Remaining: 0``) that resets
of a request or rate limit, or whose           within ``MAX_WAIT`` (60 s): wait until it has
``Req-Limit-*`` header says ``Remaining: 0``   reset, then ask again; one that resets later:
                                               fail at once with a line saying when to run
                                               again; no readable header: retry with backoff
                                               (429: 1, 2, 4, 8 s; 403: the original's 10, 20,
                                               40, 80 s)
any other 403, 401                             fail at once (the credentials were refused)
5xx, connection errors                         retry with backoff (``RetryPolicy``)
=============================================  ================================================

Attempts stay bounded by the policy (5 by default).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import requests

from performanceplatform.transport.http import RetryPolicy, backoff_scale
from performanceplatform.utils import clock

LIMIT_HEADERS = ("Req-Limit-Short", "Req-Limit-Long")
MAX_WAIT = 60.0  # seconds: a limit that resets within this is waited for
RESET_MARGIN = 1.0  # seconds added to "Time until reset", which Pingdom gives in whole seconds
LEGACY_403_FIRST_WAIT = 10.0  # the original's first wait after a 403 (then 20, 40, 80)
_LIMIT = re.compile(r"Remaining:\s*(\d+)\s*Time until reset:\s*(\d+)", re.IGNORECASE)
_RATE_LIMIT_TEXT = re.compile(r"(request|rate)[ -]?limit|too many requests", re.IGNORECASE)


@dataclass(frozen=True)
class Limit:
    """One ``Req-Limit-*`` header: requests left and seconds until the window resets."""

    header: str
    remaining: int
    reset: int


def read_limits(response: requests.Response) -> list[Limit]:
    """The ``Req-Limit-Short`` / ``Req-Limit-Long`` headers that can be read."""
    found = []
    for header in LIMIT_HEADERS:
        match = _LIMIT.search(response.headers.get(header) or "")
        if match:
            found.append(Limit(header, int(match.group(1)), int(match.group(2))))
    return found


def spent_reset(response: requests.Response) -> int | None:
    """Seconds until every spent limit has reset, or ``None`` if no header says one is spent."""
    resets = [limit.reset for limit in read_limits(response) if limit.remaining <= 0]
    return max(resets) if resets else None


def error_message(response: requests.Response) -> str:
    """Pingdom's ``error.errormessage`` (else ``statusdesc``, else the body's first 200
    characters), on one line."""
    detail = " ".join(response.text[:200].split())
    try:
        error = json.loads(response.content or b"{}")["error"]
        detail = error.get("errormessage") or error.get("statusdesc") or detail
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    return str(detail)


def is_rate_limited(response: requests.Response) -> bool:
    """A 429, or a 403 that says a request limit (not the credentials) refused the call."""
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    return spent_reset(response) is not None or bool(_RATE_LIMIT_TEXT.search(
        error_message(response)))


def retry_hint(response: requests.Response) -> str:
    """When to run again, for the error line of a rate-limited call."""
    reset = spent_reset(response)
    if reset is None:
        return "request limit exceeded, still after retries; run again later"
    when = clock.now() + dt.timedelta(seconds=reset)
    return (f"request limit exceeded; it resets in {_duration(reset)}: run again after "
            f"{when:%Y-%m-%d %H:%M} UTC")


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} days {seconds % 86400 // 3600} h"


@dataclass
class PingdomRetryPolicy(RetryPolicy):
    """``RetryPolicy`` plus Pingdom's limits: wait for a close reset, never for a far one."""

    max_wait: float = MAX_WAIT
    legacy_403_wait: float = LEGACY_403_FIRST_WAIT

    def should_retry(self, response: requests.Response) -> bool:
        if is_rate_limited(response):
            reset = spent_reset(response)
            return reset is None or reset <= self.max_wait
        return super().should_retry(response)

    def delay(self, attempt: int, response: requests.Response | None = None) -> float:
        if response is None or not is_rate_limited(response):
            return super().delay(attempt, response)
        reset = spent_reset(response)
        if reset is not None:
            return (min(reset, self.max_wait) + RESET_MARGIN) * backoff_scale()
        if response.status_code == 403:
            return self.legacy_403_wait * 2 ** (attempt - 1) * backoff_scale()
        return super().delay(attempt, response)


__all__ = [
    "LIMIT_HEADERS",
    "Limit",
    "MAX_WAIT",
    "PingdomRetryPolicy",
    "error_message",
    "is_rate_limited",
    "read_limits",
    "retry_hint",
    "spent_reset",
]
