"""``GoogleSession``: a session that authorizes every request with the Google credentials,
refreshing the token once for all the threads that share it.

It is our ``CollectorSession`` with a refresh lock, not google-auth's ``AuthorizedSession``:
that one would bring its own request timeout (120 s) over ours, refresh up to twice on a 401
where one refresh is right, and send requests outside our HTTP layer, so they would lose its
retries, redirect rule, sandbox routing and the run's request count."""

from __future__ import annotations

import logging
import threading
from typing import Any

import google.auth.credentials
import google.auth.exceptions
import google.auth.transport
from performanceplatform.google.credentials.token_transport import TokenTransport
from performanceplatform.transport.http import (
    CollectorSession,
    redact_url,
)

log = logging.getLogger(__name__)

# ``requests.Session.request``'s arguments after ``method`` and ``url``, in order
REQUEST_ARGUMENTS = ("params", "data", "headers", "cookies", "files", "auth", "timeout",
                     "allow_redirects", "proxies", "hooks", "stream", "verify", "cert", "json")


class GoogleSession(CollectorSession):
    """A ``CollectorSession`` that authorizes every request with the Google credentials."""

    def __init__(self, credentials: google.auth.credentials.Credentials):
        super().__init__()
        self.credentials = credentials
        self._refresh_request = TokenTransport()
        self._lock = threading.Lock()

    def refresh(self, stale_token: str | None = None) -> None:
        """Get a new access token, unless another thread already replaced ``stale_token``
        (``None``: there was none yet) with a valid one while this one waited for the lock,
        so that workers starting together share one refresh."""
        with self._lock:
            if self.credentials.token != stale_token and self.credentials.valid:
                return
            self.credentials.refresh(self._refresh_request)

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        kwargs.update(zip(REQUEST_ARGUMENTS, args, strict=False))  # headers by position kept
        if not self.credentials.valid:
            self.refresh(self.credentials.token)
        token = self.credentials.token
        response = super().request(method, url, **self._authorized(kwargs, token))
        if response.status_code == 401:
            log.info("%s answered 401: refreshing the access token", redact_url(url))
            response.close()
            self.refresh(token)
            token = self.credentials.token
            response = super().request(method, url, **self._authorized(kwargs, token))
        return response

    @staticmethod
    def _authorized(kwargs: dict[str, Any], token: str | None) -> dict[str, Any]:
        headers = dict(kwargs.get("headers") or {})
        headers["Authorization"] = f"Bearer {token}"
        return {**kwargs, "headers": headers}
