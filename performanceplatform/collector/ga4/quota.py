"""GA4 property quotas: what a run may spend, and what it tells about them.

The Data API charges every request to the property's quotas and answers
``RESOURCE_EXHAUSTED`` (HTTP 429) for every request to the property once any of them is
spent (https://developers.google.com/analytics/devguides/reporting/data/v1/quotas and the
``PropertyQuota`` reference). For a standard property: 200,000 tokens a day, 40,000 an hour,
14,000 per project an hour, 10 concurrent requests, 10 server errors per project an hour, 120
potentially thresholded requests an hour (Analytics 360: more). So a run

- retries server errors (5xx) at most ``SERVER_ERROR_RETRIES`` times in all, not five times
  per request: ten of them lock the project out of the property for the rest of the hour;
- stops at the first ``RESOURCE_EXHAUSTED``, naming the quota: an hourly or daily quota does
  not come back within a retry's few seconds;
- asks for ``returnPropertyQuota`` (unless the query says ``false``) and logs what is left at
  the end of the run.

``CONCURRENT_REQUESTS_PER_PROPERTY`` is the documented cap on requests in flight to one
property: a pipeline that fetches periods in parallel must stay within it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from performanceplatform.google.retry import GoogleRetryPolicy, error_body, error_reason

log = logging.getLogger(__name__)

CONCURRENT_REQUESTS_PER_PROPERTY = 10
SERVER_ERRORS_PER_PROJECT_PER_HOUR = 10
SERVER_ERROR_RETRIES = 2
RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED"
# The PropertyQuota fields, and words of Google's RESOURCE_EXHAUSTED message that name each.
QUOTA_WORDS = (
    ("tokensPerProjectPerHour", ("tokens per project per hour", "project tokens per hour")),
    ("tokensPerHour", ("tokens per hour",)),
    ("tokensPerDay", ("tokens per day",)),
    ("concurrentRequests", ("concurrent",)),
    ("serverErrorsPerProjectPerHour", ("server errors",)),
    ("potentiallyThresholdedRequestsPerHour", ("thresholded",)),
)
RESET_HINT = ("hourly quotas refill within the hour and the daily one within the day; run again "
              "then, or spread a back-fill over several runs")


def is_resource_exhausted(response: requests.Response) -> bool:
    return response.status_code == 429 and (
        error_body(response).get("status") == RESOURCE_EXHAUSTED or
        error_reason(response) == RESOURCE_EXHAUSTED)


@dataclass
class Ga4RetryPolicy(GoogleRetryPolicy):
    """Google's rules, plus: no retry of ``RESOURCE_EXHAUSTED``, and a budget of server-error
    retries for the whole run (the policy lives as long as the run's ``DataApi``)."""

    server_error_retries: int = SERVER_ERROR_RETRIES
    server_errors_retried: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def should_retry(self, response: requests.Response) -> bool:
        if is_resource_exhausted(response):
            return False
        if response.status_code >= 500:
            with self._lock:
                if self.server_errors_retried >= self.server_error_retries:
                    log.warning("ga4: not retrying HTTP %d: this run has retried %d server "
                                "errors, its budget (the property allows %d an hour)",
                                response.status_code, self.server_errors_retried,
                                SERVER_ERRORS_PER_PROJECT_PER_HOUR)
                    return False
        return super().should_retry(response)

    def delay(self, attempt: int, response: requests.Response | None = None) -> float:
        if response is not None and response.status_code >= 500:
            with self._lock:
                self.server_errors_retried += 1
        return super().delay(attempt, response)


class QuotaTracker:
    """The last ``propertyQuota`` an answer brought, for the end-of-run line and for naming
    the quota a ``RESOURCE_EXHAUSTED`` answer is about."""

    def __init__(self) -> None:
        self.last: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def note(self, answer: Mapping[str, Any]) -> None:
        """Keep the latest state of each quota. Periods are fetched several at once, so the
        answer noted last is not always the latest: within a run a quota only goes down, so
        the latest is the one with the least ``remaining``."""
        quota = answer.get("propertyQuota")
        if not isinstance(quota, dict):
            return
        with self._lock:
            for name, value in quota.items():
                if isinstance(value, dict) and _remaining(value) <= _remaining(
                        self.last.get(name, {})):
                    self.last[name] = value

    def summary(self) -> str | None:
        if not self.last:
            return None
        return ", ".join(f"{name} {value.get('remaining', '?')} left "
                         f"({value.get('consumed', 0)} used by the last request)"
                         for name, value in self.last.items())

    def log_summary(self, prop: str) -> None:
        shown = self.summary()
        if shown:
            log.info("ga4 property %s quota at the end of the run: %s", prop, shown)

    def exhausted(self, message: str) -> str:
        """The name of the spent quota: from Google's message, else the last answer's."""
        words = " ".join(message.lower().split())
        for name, phrases in QUOTA_WORDS:
            if any(phrase in words for phrase in phrases):
                return name
        spent = [name for name, value in self.last.items() if value.get("remaining") == 0]
        return spent[0] if spent else "a property quota"


def _remaining(value: Mapping[str, Any]) -> float:
    remaining = value.get("remaining")
    return remaining if isinstance(remaining, (int, float)) else float("inf")


def exhausted_advice(tracker: QuotaTracker, message: str) -> str:
    return (f" - the property quota {tracker.exhausted(message)} is spent, so Google refuses "
            f"every request to this property; stopped without retrying ({RESET_HINT})")
