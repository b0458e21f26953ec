"""Pingdom's API: the check id of a name, and a check's hourly performance summary.

Two ways in, chosen by the credentials:

- ``token`` → API 3.1 with ``Authorization: Bearer <token>`` (today's API);
- ``user``, ``password``, ``app_key`` (and optionally ``account_email``) → API 2.0 with HTTP
  Basic auth and the ``App-Key`` / ``Account-Email`` headers, as the original sent them.
  Pingdom retired 2.x at the end of 2020; the path stays for old configs and replays.

Every call goes through :func:`performanceplatform.transport.http.source_json` with a
:class:`~performanceplatform.collector.pingdom.limits.PingdomRetryPolicy`: connection errors
and 5xx are retried with backoff, and a call refused by a request limit (429, or 2.0's
rate-limit 403) waits for a close reset or fails with a line saying when to run again (see
``limits.py``). The ``Req-Limit-Short`` / ``Req-Limit-Long`` headers are logged at DEBUG, and a
warning is logged when few requests remain.

A window longer than 31 days is asked for in pieces of at most 31 days, in order
(``window.pieces``); Pingdom answers the hours that start in ``[from, to)``, so the pieces
neither overlap nor miss an hour.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from performanceplatform.collector.pingdom.limits import (
    PingdomRetryPolicy,
    error_message,
    is_rate_limited,
    read_limits,
    retry_hint,
)
from performanceplatform.transport.http import (
    RetryPolicy,
    SourceRequest,
    make_session,
    source_json,
)
from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import SourceError

log = logging.getLogger(__name__)

API_ROOT = "https://api.pingdom.com/api/"
LEGACY_KEYS = ("user", "password", "app_key")
LOW_REMAINING = 20


@dataclass(frozen=True)
class Api:
    """One Pingdom API version: where it lives and how ``from``/``to`` are written."""

    version: str
    float_times: bool  # 2.0 got ``1356976800.0`` from the original; 3.1 wants integers

    @property
    def root(self) -> str:
        return f"{API_ROOT}{self.version}/"

    def seconds(self, value: int) -> float | int:
        return float(value) if self.float_times else value


API_2_0 = Api("2.0", float_times=True)
API_3_1 = Api("3.1", float_times=False)


def check_credentials(credentials: Any, problems: Problems) -> None:
    """Record what is wrong with the credentials: a ``token``, or ``user``/``password``/
    ``app_key`` are needed."""
    if not isinstance(credentials, Mapping):
        problems.add("credentials", "expected a JSON object")
        return
    if "token" in credentials:
        problems.text(credentials, "token")
        return
    if not any(key in credentials for key in LEGACY_KEYS):
        problems.add("token", "missing (or give user, password and app_key for API 2.0)")
        return
    for key in LEGACY_KEYS:
        problems.text(credentials, key)
    email = credentials.get("account_email")
    if email is not None and not isinstance(email, str):
        problems.add("account_email", f"expected a string, got {type(email).__name__}")


class PingdomClient:
    """A Pingdom API client for one set of credentials."""

    def __init__(self, api: Api, session: requests.Session, policy: RetryPolicy | None = None):
        self.api = api
        self.session = session
        self.policy = policy or PingdomRetryPolicy()

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any]) -> PingdomClient:
        """The client the credentials call for (they must have passed ``check_credentials``)."""
        if "token" in credentials:
            session = make_session({"Authorization": f"Bearer {credentials['token']}"})
            return cls(API_3_1, session)
        headers = {"App-Key": credentials["app_key"]}
        if credentials.get("account_email"):
            headers["Account-Email"] = credentials["account_email"]
        session = make_session(headers)
        session.auth = (credentials["user"], credentials["password"])
        return cls(API_2_0, session)

    def check_id(self, name: str) -> Any:
        """The id of the first check whose name is exactly ``name``."""
        return self.find_check(name)["id"]

    def find_check(self, name: str) -> dict[str, Any]:
        """The first check whose name is exactly ``name``, as ``GET checks`` lists it (``id``,
        ``name``, ``created``, ...)."""
        answer = self._get("checks")
        checks = answer.get("checks") if isinstance(answer, dict) else None
        if not isinstance(checks, list):
            raise SourceError(f"pingdom: GET {self.api.root}checks answered without a "
                              "'checks' list", url=f"{self.api.root}checks")
        for check in checks:
            if isinstance(check, dict) and check.get("name") == name and "id" in check:
                return check
        known = sorted(str(c.get("name")) for c in checks if isinstance(c, dict))
        shown = ", ".join(repr(n) for n in known[:10]) + (" ..." if len(known) > 10 else "")
        raise SourceError(f"pingdom: no check named {name!r} (query key 'name'; the account "
                          f"has {len(known)} checks: {shown or 'none'})")

    def hours(self, check_id: Any, start: int, end: int) -> list[dict[str, Any]]:
        """``summary.performance`` of a check by the hour, with uptime, for Unix seconds
        ``start``..``end``."""
        path = f"summary.performance/{check_id}"
        params = {
            "includeuptime": "true",
            "from": self.api.seconds(start),
            "to": self.api.seconds(end),
            "resolution": "hour",
        }
        answer = self._get(path, params)
        summary = answer.get("summary") if isinstance(answer, dict) else None
        hours = summary.get("hours") if isinstance(summary, dict) else None
        if not isinstance(hours, list):
            raise SourceError(f"pingdom: GET {self.api.root}{path} answered without "
                              "'summary.hours'", url=f"{self.api.root}{path}")
        return hours

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return source_json(self.session, "GET", self.api.root + path, policy=self.policy,
                           source="pingdom", error=_error, params=params)


def _error(request: SourceRequest, response: requests.Response, body: Any
           ) -> SourceError | None:
    """Pingdom's hook: log the request allowance left; a failed answer is one line (its
    ``error.errormessage`` if any)."""
    log_limits(response)
    if response.ok:
        return None
    detail = error_message(response)
    status = response.status_code
    hint = ""
    if is_rate_limited(response):
        hint = f" ({retry_hint(response)})"
    elif status in (401, 403):
        hint = " (the credentials were refused: check token, or user/password/app_key)"
    return request.error(f"GET {request.shown} answered HTTP {status}{hint}: {detail}", status)


def log_limits(response: requests.Response) -> None:
    """Log Pingdom's remaining request allowance; warn when it runs low."""
    for limit in read_limits(response):
        value = response.headers[limit.header]
        log.debug("pingdom %s: %s", limit.header, value)
        if limit.remaining < LOW_REMAINING:
            log.warning("pingdom request limit running low (%s: %s)", limit.header, value)


__all__ = ["API_2_0", "API_3_1", "PingdomClient", "check_credentials"]
