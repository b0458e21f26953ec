"""Simulated Pingdom API, 2.0 and 3.1, under ``/api.pingdom.com/api/<version>/``.

Endpoints: ``GET checks`` and ``GET summary.performance/<checkid>`` (``from``, ``to`` as Unix
seconds, integer or float text; ``resolution`` hour/day/week; ``includeuptime``). The hours
returned are those starting in ``[from, to)`` (as the original's recorded runs show: 54
hours for a 54-hour window), with response times and uptime drawn from a generator seeded
by the check id and the hour, so a request always gets the same answer.

Authentication (3.1: "Authentication" and "Basic Auth" of the 3.1 documentation; 2.0: the
archived 2.0 API page, e-mail/password Basic auth, ``App-Key``, ``Account-Email``):

- 2.0: HTTP Basic (``user``/``password``) and an ``App-Key`` header; ``Account-Email`` is
  optional. Without settings any user, password and app key are accepted, except the
  password ``bad-password`` and the app key ``bad-app-key`` (401 / 403).
- 3.1: ``Authorization: Bearer <token>`` (or Basic with the token as user name). Any token is
  accepted except ``bad-token`` (401). Email/password Basic auth is refused on 3.1.

Behaviour, and the Pingdom documentation each part follows (the Pingdom Public API 3.1
OpenAPI document, https://pingdom.com/resources/api, unless noted):

- ``GET checks`` lists ``id``, ``name``, ``hostname``, ``status``, ``type``, ``resolution`` and
  ``created`` (Unix seconds) of each check, and ``counts`` on 3.1 (schema ``Check``,
  ``ChecksAll``). A configured check whose ``created`` is ``null`` is listed without it
  ("all attributes of a method response are not always present").
- ``summary.performance`` answers ``{"summary": {"hours": [...]}}`` with ``starttime``,
  ``avgresponse`` and, with ``includeuptime=true``, ``uptime``, ``downtime``,
  ``unmonitored``; ``from`` defaults to 10 intervals before ``to``, ``to`` to now;
  ``order=desc`` reverses (paths ``/summary.performance/{checkid}``). The documentation gives
  no maximum span, so none is enforced. The setting ``missing`` leaves fields out of some
  hours, as the documentation warns a client to expect: ``{"avgresponse": 24}`` drops
  ``avgresponse`` from every hour whose start is a multiple of 24 hours.
- Limits ("Limits"): every answer, errors included, carries ``Req-Limit-Short`` and
  ``Req-Limit-Long`` as ``Remaining: 394 Time until reset: 3589``. Each limit counts requests
  in a window that starts with the first request and resets after its length (short: 3600 s,
  long: 2592000 s = 30 days, the largest resets in the documentation's example). A request
  beyond either limit is answered 429 "Request limit exceeded, try again later", with the
  headers and **without** ``Retry-After`` (the documentation names none). API 2.x answers
  the same refusal with 403 (the original collector retried 403 for this; issue 7 §1.3); the
  setting ``legacy_limit_status`` changes that status.
- Errors are ``{"error": {"statuscode", "statusdesc", "errormessage"}}`` ("JSON Responses").

Settings, in ``config.services["pingdom"]``::

    {"checks": [{"id": 5257438, "name": "govuk_search"}],   # replaces the default checks
     "users": {"someone@example.org": "password"},          # only these (2.0)
     "app_keys": ["key"], "tokens": ["token"],              # only these
     "account_emails": ["owner@example.org"],              # Account-Email must be one
     "short_limit": 12000, "short_window": 3600,           # requests, seconds
     "long_limit": 48000, "long_window": 2592000,
     "legacy_limit_status": 403,                           # 2.x answer to a spent limit
     "missing": {"avgresponse": 24}}                       # fields left out of some hours
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.server import Request, Response, Service, json_response

PREFIX = "/api.pingdom.com/api/"
VERSIONS = ("2.0", "2.1", "3.1")
SHORT_LIMIT = 12000
SHORT_WINDOW = 3600
LONG_LIMIT = 48000
LONG_WINDOW = 30 * 86400
LIMIT_MESSAGE = "Request limit exceeded, try again later"
DEFAULT_CHECKS = (
    {"id": 8182281, "name": "GOV.UK homepage", "hostname": "www.gov.uk"},
    {"id": 5257438, "name": "govuk_search", "hostname": "www.gov.uk"},
    {"id": 1652876, "name": "Electronic Vehicle Licensing - Tax Disc",
     "hostname": "www.taxdisc.service.gov.uk"},
    {"id": 9897117, "name": "carers_allowance", "hostname": "www.gov.uk"},
)
RESOLUTIONS = {"hour": ("hours", 3600), "day": ("days", 86400), "week": ("weeks", 604800)}


def _error(status: int, description: str, message: str,
           headers: dict[str, str] | None = None) -> Response:
    body = {"error": {"statuscode": status, "statusdesc": description, "errormessage": message}}
    return json_response(body, status, headers)


class Window:
    """One request limit: ``limit`` requests per ``length`` seconds, counted from the first
    request after a reset."""

    def __init__(self) -> None:
        self.started: float | None = None
        self.used = 0

    def refresh(self, now: float, length: float) -> None:
        if self.started is None or now - self.started >= length:
            self.started, self.used = now, 0

    def header(self, now: float, limit: int, length: float) -> str:
        left = length - (now - (self.started if self.started is not None else now))
        return f"Remaining: {max(limit - self.used, 0)} Time until reset: {math.ceil(left)}"


class Pingdom(Service):
    name = "pingdom"
    prefixes = (PREFIX,)

    def __init__(self, config: SandboxConfig, clock: Callable[[], float] = time.monotonic):
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()
        self.windows = {"short": Window(), "long": Window()}

    def reset(self) -> None:
        with self._lock:
            self.windows = {"short": Window(), "long": Window()}

    # -- dispatch ---------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        version, _, resource = request.path[len(PREFIX):].partition("/")
        allowed, headers = self._spend()
        if allowed:
            response = self._answer(request, version, resource)
        else:
            status = 429 if version == "3.1" else int(self.settings.get(
                "legacy_limit_status", 403))
            response = _error(status, "Too Many Requests" if status == 429 else "Forbidden",
                              LIMIT_MESSAGE)
        response.headers.update(headers)
        return response

    def _answer(self, request: Request, version: str, resource: str) -> Response:
        if version not in VERSIONS:
            return _error(404, "Not Found", f"API version {version} does not exist")
        refused = self._refusal(request, version)
        if refused is not None:
            return refused
        if request.method != "GET":
            return _error(405, "Method Not Allowed", "only GET is simulated")
        if resource == "checks":
            return self._checks(version)
        if resource.startswith("summary.performance/"):
            return self._summary(request, resource.split("/", 1)[1])
        return _error(404, "Not Found", f"no such resource: {resource}")

    def _limits(self) -> dict[str, tuple[int, float]]:
        settings = self.settings
        return {"short": (int(settings.get("short_limit", SHORT_LIMIT)),
                          float(settings.get("short_window", SHORT_WINDOW))),
                "long": (int(settings.get("long_limit", LONG_LIMIT)),
                         float(settings.get("long_window", LONG_WINDOW)))}

    def _spend(self) -> tuple[bool, dict[str, str]]:
        """Count one request against both limits (unless one is spent) and the headers."""
        limits = self._limits()
        with self._lock:
            now = self.clock()
            for name, (_, length) in limits.items():
                self.windows[name].refresh(now, length)
            allowed = all(self.windows[name].used < limit for name, (limit, _) in limits.items())
            if allowed:
                for window in self.windows.values():
                    window.used += 1
            headers = {f"Req-Limit-{name.capitalize()}": self.windows[name].header(now, *limit)
                       for name, limit in limits.items()}
        return allowed, headers

    # -- authentication ---------------------------------------------------------------
    def _refusal(self, request: Request, version: str) -> Response | None:
        if version == "3.1":
            return self._refuse_token(request)
        return self._refuse_legacy(request)

    def _refuse_token(self, request: Request) -> Response | None:
        token = request.bearer
        basic = _basic(request)
        if token is None and basic is not None and basic[1] == "":
            token = basic[0]
        allowed = self.settings.get("tokens")
        if not token or token == "bad-token" or (allowed is not None and token not in allowed):
            return _error(401, "Unauthorized", "Invalid or missing API token (API 3.1 takes "
                          "'Authorization: Bearer <token>')")
        return None

    def _refuse_legacy(self, request: Request) -> Response | None:
        basic = _basic(request)
        users = self.settings.get("users")
        if basic is None or basic[1] == "bad-password" or (
                users is not None and users.get(basic[0]) != basic[1]):
            return _error(401, "Unauthorized", "Invalid email and/or password")
        app_key = request.headers.get("App-Key")
        keys = self.settings.get("app_keys")
        if not app_key or app_key == "bad-app-key" or (keys is not None and app_key not in keys):
            return _error(403, "Forbidden", "Missing or invalid application key")
        emails = self.settings.get("account_emails")
        if emails is not None and request.headers.get("Account-Email") not in emails:
            return _error(403, "Forbidden", "You do not have access to this account")
        return None

    # -- resources --------------------------------------------------------------------
    def _all_checks(self) -> list[dict[str, Any]]:
        return [dict(c) for c in self.settings.get("checks", DEFAULT_CHECKS)]

    def _checks(self, version: str) -> Response:
        checks = self._all_checks()
        for check in checks:
            check.setdefault("hostname", "example.org")
            check.setdefault("status", "up")
            check.setdefault("type", "http")
            check.setdefault("resolution", 1)
            check.setdefault("created", 1380000000)
            for key in [key for key, value in check.items() if value is None]:
                del check[key]
        body: dict[str, Any] = {"checks": checks}
        if version == "3.1":
            body["counts"] = {"total": len(checks), "limited": len(checks),
                              "filtered": len(checks)}
        return json_response(body)

    def _summary(self, request: Request, check_id: str) -> Response:
        if not any(str(c["id"]) == check_id for c in self._all_checks()):
            return _error(403, "Forbidden", f"Something went wrong! This user does not have "
                          f"access to check {check_id}")
        resolution = request.arg("resolution", "hour")
        if resolution not in RESOLUTIONS:
            return _error(400, "Bad Request", "Invalid parameter value: resolution")
        try:
            end = int(float(request.arg("to") or dt.datetime.now(dt.timezone.utc).timestamp()))
            start = int(float(request.arg("from") or end - 10 * RESOLUTIONS[resolution][1]))
        except ValueError:
            return _error(400, "Bad Request", "Invalid parameter value: from/to")
        uptime = request.arg("includeuptime") == "true"
        key, step = RESOLUTIONS[resolution]
        first = start - start % step if resolution == "hour" else start
        missing = self.settings.get("missing", {})
        rows = [_without(_period(check_id, t, step, uptime), t, missing)
                for t in range(first, end, step) if t >= start]
        if request.arg("order") == "desc":
            rows.reverse()
        return json_response({"summary": {key: rows}})


def _period(check_id: str, start: int, step: int, uptime: bool) -> dict[str, Any]:
    seed = hashlib.sha256(f"pingdom:{check_id}:{start}:{step}".encode()).hexdigest()
    rng = random.Random(seed)
    row: dict[str, Any] = {"starttime": start, "avgresponse": rng.randint(150, 950)}
    if uptime:
        down = rng.choice((0, 0, 0, 0, rng.randint(1, step // 6)))
        unmonitored = rng.choice((0, 0, 0, rng.randint(1, 30)))
        row.update(uptime=step - down - unmonitored, downtime=down, unmonitored=unmonitored)
    return row


def _without(row: dict[str, Any], start: int, missing: dict[str, int]) -> dict[str, Any]:
    """``row`` without each field ``f`` whose ``missing[f]`` hours divide its start hour."""
    for name, every in missing.items():
        if (start // 3600) % int(every) == 0:
            row.pop(name, None)
    return row


def _basic(request: Request) -> tuple[str, str] | None:
    value = request.headers.get("Authorization") or ""
    if not value.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(value[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return user, password
