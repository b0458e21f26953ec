"""Token requests through our HTTP layer: the transport google-auth refreshes with, and how
its answers are retried."""

from __future__ import annotations

import requests

import google.auth.credentials
import google.auth.exceptions
import google.auth.transport
from performanceplatform.google.credentials.constants import RETRYABLE_TOKEN_ERRORS
from performanceplatform.transport.http import (
    RETRYABLE_STATUSES,
    RetryPolicy,
    make_session,
    redact_url,
    send,
)


def token_answer_is_retryable(response: requests.Response) -> bool:
    """429, 5xx, or an OAuth error that asks to try again later."""
    if response.status_code in RETRYABLE_STATUSES:
        return True
    if response.ok:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and any(
        body.get(key) in RETRYABLE_TOKEN_ERRORS for key in ("error", "error_description"))


def token_retry_policy() -> RetryPolicy:
    """How token requests are retried (a POST of the same grant is safe to repeat)."""
    return RetryPolicy(retry_on=token_answer_is_retryable)


class TokenEndpointUnavailable(google.auth.exceptions.TransportError):
    """The token endpoint still answered 429/5xx (or asked to retry) after our retries."""

    def __init__(self, url: str, response: requests.Response, attempts: int):
        super().__init__(f"HTTP {response.status_code}")
        self.url = url
        self.response = response
        self.attempts = attempts


class _TransportResponse(google.auth.transport.Response):
    def __init__(self, response: requests.Response):
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self):  # type: ignore[no-untyped-def]
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class TokenTransport(google.auth.transport.Request):
    """The HTTP transport google-auth refreshes with: ``send()`` on a ``make_session()``.

    Retryable answers are retried here, with our policy; if one is still the last answer, it
    is raised as ``TokenEndpointUnavailable`` instead of being handed to google-auth, whose
    own backoff loop would sleep outside our policy.
    """

    def __init__(self, session: requests.Session | None = None,
                 policy: RetryPolicy | None = None):
        self.session = session or make_session()
        self.policy = policy or token_retry_policy()

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None,  # type: ignore[override]
                 **kwargs):
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            response = send(self.session, method, url, policy=self.policy, data=body,
                            headers=headers, describe=f"token {method} {redact_url(url)}",
                            **kwargs)
        except requests.RequestException as exc:
            raise google.auth.exceptions.TransportError(exc) from exc
        if self.policy.should_retry(response):
            raise TokenEndpointUnavailable(url, response, self.policy.attempts)
        return _TransportResponse(response)
