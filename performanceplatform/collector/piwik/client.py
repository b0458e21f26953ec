"""One call to the Piwik/Matomo Reporting API (``index.php?module=API&method=...``).

``token_auth`` travels in a POST body by default, as Matomo recommends (Matomo 5 can issue
tokens valid for POST only). The original sent it as a GET query parameter; that mode is
kept for servers or tokens that need it, chosen by

- the credentials key ``token_in_url`` (``true``/``false``), or else
- the environment variable ``PP_COLLECTOR_PIWIK_TOKEN_IN_URL`` (``1``/``true`` = in the URL).

Every other parameter stays in the URL in both modes.

Matomo answers an error as ``{"result": "error", "message": ...}``: with HTTP 401 for a
missing or refused token since Matomo 5.0, with HTTP 400 for an unknown method since 5.2,
and with HTTP 200 otherwise (and for everything before those versions). Each is a
``SourceError`` naming the URL (``token_auth=***`` when it travels there) and Matomo's
message; a refused token, whatever its status, says to check ``token_auth`` in the
credentials file. Any other failed answer, after retries, is a ``SourceError`` too. The
token never appears in a message.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import requests

from performanceplatform.transport.http import (
    RetryPolicy,
    SourceRequest,
    make_session,
    redact_url,
    source_json,
)
from performanceplatform.utils.checks import Problems, where_of
from performanceplatform.utils.errors import SourceError

log = logging.getLogger(__name__)

ENV_TOKEN_IN_URL = "PP_COLLECTOR_PIWIK_TOKEN_IN_URL"
TRUE_TEXTS = ("1", "true", "yes", "on")
# Words of Matomo's messages for a refused token (answered with 200 before Matomo 5.0).
REFUSED_TOKEN_WORDS = ("token", "'view' access", "you must be logged in")


def check_credentials(credentials: Any, problems: Problems) -> None:
    """Record what is wrong with ``url``, ``token_auth`` and ``token_in_url``."""
    if not isinstance(credentials, Mapping):
        problems.add("credentials", "expected a JSON object")
        return
    url = problems.text(credentials, "url")
    if isinstance(url, str) and not url.startswith(("http://", "https://")):
        problems.add("url", f"expected an http(s) URL, got {url!r:.60}")
    problems.text(credentials, "token_auth")
    flag = credentials.get("token_in_url")
    if "token_in_url" in credentials and not isinstance(flag, bool):
        problems.add("token_in_url", f"expected true or false, got {flag!r:.20}")


def token_in_url(credentials: Mapping[str, Any]) -> bool:
    """Whether ``token_auth`` goes in the URL (the original's way) rather than a POST body."""
    if isinstance(credentials.get("token_in_url"), bool):
        return credentials["token_in_url"]
    return os.environ.get(ENV_TOKEN_IN_URL, "").strip().lower() in TRUE_TEXTS


def api_url(base: str) -> str:
    """``<url>?module=API`` as the original built it (``&module=API`` if ``url`` has a query)."""
    return f"{base}{'&' if '?' in base else '?'}module=API"


class PiwikClient:
    """Calls the Reporting API of the Piwik/Matomo at ``credentials["url"]``."""

    def __init__(self, credentials: Mapping[str, Any], policy: RetryPolicy | None = None):
        self.url = api_url(credentials["url"])
        self.where = where_of(credentials, "the credentials")
        self.token = credentials["token_auth"]
        self.token_in_url = token_in_url(credentials)
        self.policy = policy or RetryPolicy()
        self.session = make_session()

    def call(self, params: Mapping[str, Any]) -> Any:
        """The decoded JSON answer to one API call with ``params`` (without the token)."""
        params = dict(params)
        kwargs: dict[str, Any]
        if self.token_in_url:
            params.setdefault("token_auth", self.token)
            method, kwargs = "GET", {"params": params}
        else:
            token = params.pop("token_auth", self.token)
            method, kwargs = "POST", {"params": params, "data": {"token_auth": token}}
        shown = redact_url(self._full_url(params))
        log.info("piwik: %s %s", method, shown)
        site = params.get("idSite")
        return source_json(self.session, method, self.url, policy=self.policy, source="piwik",
                           shown=shown, error=lambda *answer: self._error(site, *answer),
                           **kwargs)

    def _error(self, site: Any, request: SourceRequest, response: requests.Response,
               body: Any) -> SourceError | None:
        """The ``SourceError`` an answer stands for (Matomo's error envelope, even with
        HTTP 200), or ``None`` (a body that is not JSON is the HTTP layer's to name)."""
        message = _error_message(body)
        if message is None and response.ok:
            return None
        if message is None:
            message = " ".join(response.text[:200].split())
        status = response.status_code
        return request.error(self._describe(f"{request.method} {request.shown}", status,
                                            message, site), status)

    def _describe(self, request: str, status: int, message: str, site: Any) -> str:
        """The one line saying what Matomo refused, and what to check."""
        answered = "an error" if status == 200 else f"HTTP {status}"
        line = f"{request} answered {answered}: {message}"
        lowered = message.lower()
        if status == 401 or (status == 200 and any(w in lowered for w in REFUSED_TOKEN_WORDS)):
            hint = (f"the token was refused: check 'token_auth' in {self.where}, a token of "
                    f"a user with view access to idSite {site}")
            if self.token_in_url:
                hint += ("; a token made for POST requests only is refused in the URL: "
                         "set 'token_in_url' to false")
            return f"{line} ({hint})"
        if status == 400:
            return line + (" (Matomo refused the request: check query.api_method and the "
                           "parameters of query.api_method_arguments)")
        return line

    def _full_url(self, params: Mapping[str, Any]) -> str:
        return f"{self.url}&{urlencode(params)}"


def _error_message(answer: Any) -> str | None:
    """Matomo's error message, one line, if ``answer`` is its error envelope."""
    if isinstance(answer, dict) and answer.get("result") == "error":
        return " ".join(str(answer.get("message", "")).split())[:300]
    return None
