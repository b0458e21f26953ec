"""Requests to the Core Reporting API v3 (and its realtime sibling), with paging.

Every request goes through the one HTTP layer (timeouts, retries, sandbox redirection) on
a session that carries a fresh OAuth bearer token (``google.credentials``), with
Google's retry rules (``google.retry``). Pages are followed as gapy did: after a page,
stop once ``max-results`` rows have come back, else ask again with the parameters of the
answer's ``nextLink``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from performanceplatform.google.retry import V3_ERRORS_HELP, GoogleRetryPolicy, google_hook
from performanceplatform.transport.http import source_json
from performanceplatform.utils.errors import SourceError

from .query import CoreQuery

log = logging.getLogger(__name__)

SOURCE = "Google Analytics"
ANALYTICS_SCOPE = "https://www.googleapis.com/auth/analytics"
DEFAULT_API_ROOT = "https://www.googleapis.com/"
DATA_PATH = "analytics/v3/data/ga"
REALTIME_PATH = "analytics/v3/data/realtime"
# The envelope every answer of each API carries (its ``kind``, whose ``columnHeaders`` and
# ``totalResults`` are always there, rows or not): anything else is not an answer of it.
KINDS = {DATA_PATH: "analytics#gaData", REALTIME_PATH: "analytics#realtimeData"}


class CoreReportingClient:
    """GETs of ``data/ga`` and ``data/realtime`` under ``api_root`` with ``session``."""

    def __init__(self, session: requests.Session, api_root: str = DEFAULT_API_ROOT,
                 policy: GoogleRetryPolicy | None = None):
        self.session = session
        self.api_root = api_root if api_root.endswith("/") else api_root + "/"
        self.policy = policy or GoogleRetryPolicy()

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any]) -> CoreReportingClient:
        """A client authorised by a credentials file of any of the original's shapes."""
        from performanceplatform.google.credentials import load_credentials

        return cls.authorized(load_credentials(credentials, [ANALYTICS_SCOPE]), credentials)

    @classmethod
    def authorized(cls, google_credentials: Any, credentials: Mapping[str, Any]
                   ) -> CoreReportingClient:
        """A client on a ``GoogleSession`` of already loaded Google credentials."""
        from performanceplatform.google.credentials import GoogleSession, api_root

        return cls(GoogleSession(google_credentials), api_root(credentials, DEFAULT_API_ROOT))

    def get(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        """One GET, retried as Google's rules say; the JSON answer or a ``SourceError``."""
        url = self.api_root + path
        kind = KINDS.get(path)
        # a body that is not JSON is the HTTP layer's to name
        error = google_hook(SOURCE, url, lambda body: None if body is None else
                            envelope_problem(body, kind),
                            help_url=V3_ERRORS_HELP)
        return source_json(self.session, "GET", url, policy=self.policy, source=SOURCE,
                           error=error, params=dict(params),
                           describe=f"GA GET {path} {params.get('start-date', '')}".rstrip())

    def pages(self, request: CoreQuery) -> Iterator[dict[str, Any]]:
        """Every page of one period's report, following ``nextLink`` (with a loop guard)."""
        params = request.params()
        seen: set[tuple] = set()
        rows = 0
        while True:
            key = tuple(sorted(params.items()))
            if key in seen:
                raise SourceError(f"{SOURCE}: loop detected in pagination: nextLink asks for "
                                  f"start-index {params.get('start-index')} again")
            seen.add(key)
            page = self.get(DATA_PATH, params)
            yield page
            rows += len(page.get("rows") or [])
            if request.max_results is not None and rows >= request.max_results:
                return
            next_link = page.get("nextLink")
            if not next_link:
                return
            params = next_page_params(next_link)

    def realtime(self, params: Mapping[str, str]) -> dict[str, Any]:
        return self.get(REALTIME_PATH, params)


def envelope_problem(body: Any, kind: str | None) -> str | None:
    """What makes ``body`` not a Core Reporting (or Real Time) answer, or ``None``."""
    if not isinstance(body, dict):
        return "JSON that is not an object"
    if kind is not None and body.get("kind") != kind:
        return f"an answer whose kind is {body.get('kind')!r:.40}, not {kind!r}"
    if not isinstance(body.get("columnHeaders"), list) or \
            not isinstance(body.get("totalResults"), int):
        return "an answer without the columnHeaders and totalResults of a report"
    if not isinstance(body.get("rows", []), list):
        return "rows that are not a list"
    return None


def next_page_params(next_link: str) -> dict[str, str]:
    """The parameters of a ``nextLink`` (``;`` is kept inside values), plus ``alt=json``."""
    query = urlsplit(next_link).query.replace(";", "%3B")
    params = dict(parse_qsl(query, keep_blank_values=False))
    params["alt"] = "json"
    return params
