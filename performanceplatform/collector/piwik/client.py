"""One call to the Piwik/Matomo Reporting API (``index.php?module=API&method=...``).

``token_auth`` travels in a POST body by default, as Matomo recommends (Matomo 5 can issue
tokens valid for POST only). The original sent it as a GET query parameter; that mode is
kept for servers or tokens that need it, chosen by

- the credentials key ``token_in_url`` (``true``/``false``), or else
- the environment variable ``PP_COLLECTOR_PIWIK_TOKEN_IN_URL`` (``1``/``true`` = in the URL).

Every other parameter stays in the URL in both modes. An answer ``{"result": "error",
"message": ...}`` (Matomo sends errors with HTTP 200) is a ``SourceError``, as is an HTTP
error after retries; the token never appears in the message.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import SourceError
from performanceplatform.utils.http import RetryPolicy, make_session, redact_url, source_json

log = logging.getLogger(__name__)

ENV_TOKEN_IN_URL = "PP_COLLECTOR_PIWIK_TOKEN_IN_URL"
TRUE_TEXTS = ("1", "true", "yes", "on")


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
        self.token = credentials["token_auth"]
        self.token_in_url = token_in_url(credentials)
        self.policy = policy or RetryPolicy()
        self.session = make_session()

    def call(self, params: Mapping[str, Any]) -> Any:
        """The decoded JSON answer to one API call with ``params`` (without the token)."""
        params = dict(params)
        if self.token_in_url:
            params.setdefault("token_auth", self.token)
            method, kwargs = "GET", {"params": params}
        else:
            token = params.pop("token_auth", self.token)
            method, kwargs = "POST", {"params": params, "data": {"token_auth": token}}
        shown = redact_url(self._full_url(params))
        log.info("piwik: %s %s", method, shown)
        answer = source_json(self.session, method, self.url, policy=self.policy,
                             source="piwik", **kwargs)
        if isinstance(answer, dict) and answer.get("result") == "error":
            message = " ".join(str(answer.get("message", "")).split())[:300]
            raise SourceError(f"piwik: {method} {shown} answered an error: {message}",
                              url=shown)
        return answer

    def _full_url(self, params: Mapping[str, Any]) -> str:
        return f"{self.url}&{urlencode(params)}"
