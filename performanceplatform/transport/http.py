"""The one HTTP layer: every source client and every sink talks through it.

- ``make_session()`` gives a ``requests.Session`` whose requests always carry a connect and a
  read timeout and a ``User-Agent`` naming pp-collector, and which sends built-in ``https://``
  URLs to the sandbox when ``PP_COLLECTOR_SANDBOX_URL`` is set (see ``resolve_url``). It
  follows a redirect only within the origin (scheme, host and port; ``http`` to ``https`` on
  the same host too): a redirect to another host is a ``SourceError`` naming both URLs, so a
  header key (Pingdom's ``App-Key``) or a token in a POST body never goes elsewhere. Sessions
  that carry no secret (G-Cloud's public files) may follow any redirect.
- ``send()`` makes one logical request with retries: exponential backoff with jitter on
  connection errors, timeouts, 429 and 5xx (or whatever the ``RetryPolicy`` says), honouring
  ``Retry-After``, bounded in attempts and in total time.

Environment:

``PP_COLLECTOR_TIMEOUT``       ``connect,read`` seconds (default ``10,120``)
``PP_COLLECTOR_BACKOFF_SCALE`` multiplies every wait between retries (default ``1``; the
                               tests set ``0``)
``PP_COLLECTOR_SANDBOX_URL``   send requests for built-in hosts (``https://api.pingdom.com/...``)
                               to ``<sandbox>/api.pingdom.com/...`` instead
"""

from __future__ import annotations

import email.utils
import logging
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

import requests

from performanceplatform.utils import run_counts
from performanceplatform.utils.errors import SourceError
from performanceplatform.utils.redact import SECRET_PARAMS
from performanceplatform.utils.version import __version__

log = logging.getLogger(__name__)

ENV_TIMEOUT = "PP_COLLECTOR_TIMEOUT"
ENV_BACKOFF_SCALE = "PP_COLLECTOR_BACKOFF_SCALE"
ENV_SANDBOX_URL = "PP_COLLECTOR_SANDBOX_URL"

USER_AGENT = f"pp-collector/{__version__} (Performance Platform Client compatible)"
DEFAULT_TIMEOUT = (10.0, 120.0)
DEFAULT_PORTS = {"http": 80, "https": 443}



def timeout_from_env() -> tuple[float, float]:
    raw = os.environ.get(ENV_TIMEOUT)
    if not raw:
        return DEFAULT_TIMEOUT
    parts = [float(p) for p in raw.split(",")]
    return (parts[0], parts[-1])


def backoff_scale() -> float:
    raw = os.environ.get(ENV_BACKOFF_SCALE)
    return float(raw) if raw else 1.0


def redact_url(url: str) -> str:
    """The URL with its password and the values of secret query parameters (any letter case)
    replaced by ``***``; the rest of the URL is left exactly as it was."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = "&".join(_redact_pair(pair) for pair in parts.query.split("&"))
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _redact_pair(pair: str) -> str:
    name, sep, _ = pair.partition("=")
    if sep and unquote_plus(name).lower() in SECRET_PARAMS:
        return f"{name}=***"
    return pair


def resolve_url(url: str) -> str:
    """Where a request for ``url`` really goes.

    With ``PP_COLLECTOR_SANDBOX_URL`` set, an ``https://host/path`` URL built into a collector
    becomes ``<sandbox>/host/path`` so that the demo and the tests run every collector against
    the simulated services on loopback. URLs that already point at loopback are left alone.
    """
    sandbox = os.environ.get(ENV_SANDBOX_URL)
    if not sandbox:
        return url
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return url
    base = urlsplit(sandbox.rstrip("/"))
    path = f"{base.path}/{parts.netloc}{parts.path}"
    return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))


_following: ContextVar[bool] = ContextVar("following", default=False)


class CollectorSession(requests.Session):
    """A session whose every request has a timeout and goes through ``resolve_url``, and
    whose redirects stay within their origin unless ``any_redirect``."""

    def __init__(self, timeout: tuple[float, float] | None = None, any_redirect: bool = False):
        super().__init__()
        self.timeout = timeout or timeout_from_env()
        self.headers["User-Agent"] = USER_AGENT
        self.any_redirect = any_redirect

    def send(self, request, **kwargs):  # type: ignore[override]
        token = _following.set(bool(kwargs.get("allow_redirects", True)))
        try:
            return super().send(request, **kwargs)
        finally:
            _following.reset(token)

    def get_redirect_target(self, resp):  # type: ignore[override]
        """The redirect's target; one to another origin is refused when it would be followed
        (requests also asks when it will not follow, to fill in ``response.next``)."""
        target = super().get_redirect_target(resp)
        if target is not None and not self.any_redirect and _following.get():
            location = urljoin(resp.url, target)
            if not same_origin(resp.url, location):
                raise SourceError(
                    f"{resp.request.method} {redact_url(resp.url)} answered HTTP "
                    f"{resp.status_code} redirecting to {redact_url(location)}, another host: "
                    "not followed (a source's redirects are followed only within its own host)",
                    url=redact_url(resp.url), status=resp.status_code)
        return target

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        if _offline.get():
            raise NetworkRefused(f"{method} {redact_url(url)}")
        kwargs.setdefault("timeout", self.timeout)
        run_counts.note_request()  # the run's summary line counts every request sent
        return super().request(method, resolve_url(url), *args, **kwargs)


class NetworkRefused(BaseException):
    """A request made inside ``offline()``. A ``BaseException``, so that no ``except
    Exception`` on the way (a client turning failures into ``SourceError``) swallows it."""


_offline: ContextVar[bool] = ContextVar("pp_collector_offline", default=False)


@contextmanager
def offline() -> Iterator[None]:
    """Inside, every request of a ``CollectorSession`` raises ``NetworkRefused`` instead of
    being sent (``pp-collector validate`` makes no network call)."""
    token = _offline.set(True)
    try:
        yield
    finally:
        _offline.reset(token)


def same_origin(url: str, location: str) -> bool:
    """Whether ``location`` is on ``url``'s scheme, host and port (``http`` to ``https`` on
    the same host and default ports counts: the upgrade is safe)."""
    old, new = urlsplit(url), urlsplit(location)
    if old.hostname != new.hostname:
        return False
    old_port, new_port = _port(old.scheme, old.port), _port(new.scheme, new.port)
    if old.scheme == new.scheme:
        return old_port == new_port
    return (old.scheme, old_port, new.scheme, new_port) == ("http", 80, "https", 443)


def _port(scheme: str, port: int | None) -> int | None:
    return port if port is not None else DEFAULT_PORTS.get(scheme)


def make_session(headers: dict[str, str] | None = None,
                 any_redirect: bool = False) -> CollectorSession:
    """The session factory every client uses (``any_redirect``: only for sessions that send
    no secret)."""
    session = CollectorSession(any_redirect=any_redirect)
    if headers:
        session.headers.update(headers)
    return session


RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class RetryPolicy:
    """How many times, how long and on what a request is retried.

    ``retry_on`` decides from a response whether it is worth another attempt; the default
    retries ``statuses``. Connection errors and timeouts are retried when
    ``retry_connection_errors`` is true (safe for GETs, and for Backdrop POSTs because records
    carry ``_id``s).
    """

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_total: float = 300.0
    statuses: frozenset[int] = RETRYABLE_STATUSES
    retry_connection_errors: bool = True
    retry_on: Callable[[requests.Response], bool] | None = None

    def should_retry(self, response: requests.Response) -> bool:
        if self.retry_on is not None:
            return self.retry_on(response)
        return response.status_code in self.statuses

    def delay(self, attempt: int, response: requests.Response | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        wait = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        wait += random.uniform(0, min(1.0, self.base_delay))
        retry_after = _retry_after_seconds(response)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_total))
        return wait * backoff_scale()


def _retry_after_seconds(response: requests.Response | None) -> float | None:
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # neither seconds nor an HTTP date: use the normal backoff
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


def send(
    session: requests.Session,
    method: str,
    url: str,
    policy: RetryPolicy | None = None,
    describe: str | None = None,
    **kwargs,
) -> requests.Response:
    """Send one request, retrying as ``policy`` says; return the last response.

    Raises the last ``requests.RequestException`` when every attempt failed to connect. The
    caller decides what a final non-2xx response means (``SourceError``, ``SinkError``...).
    ``describe`` is how the request is named in log lines (default: the redacted URL).
    """
    policy = policy or RetryPolicy()
    name = describe or f"{method} {redact_url(url)}"
    started = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
        response: requests.Response | None = None
        try:
            response = session.request(method, url, **kwargs)
        except TRANSIENT_ERRORS as exc:
            if not policy.retry_connection_errors or _exhausted(policy, attempt, started):
                raise
            reason = type(exc).__name__
        else:
            if not policy.should_retry(response) or _exhausted(policy, attempt, started):
                return response
            reason = f"HTTP {response.status_code}"
        wait = policy.delay(attempt, response)
        run_counts.note_retry()
        log.warning(
            "%s failed with %s (attempt %d of %d); retrying in %.1f s",
            name, reason, attempt, policy.attempts, wait,
        )
        time.sleep(wait)


def _exhausted(policy: RetryPolicy, attempt: int, started: float) -> bool:
    if attempt >= policy.attempts:
        return True
    return time.monotonic() - started >= policy.max_total


NOT_JSON = object()  # the body an error hook is given when the answer is not JSON


@dataclass(frozen=True)
class SourceRequest:
    """One request to a source, as its errors name it: ``<source>: <METHOD> <url>``, the
    URL redacted (``shown``)."""

    source: str
    method: str
    shown: str

    @property
    def named(self) -> str:
        return f"{self.source}: {self.method} {self.shown}"

    def error(self, text: str, status: int | None = None):  # -> SourceError
        """``<source>: <text>`` as a ``SourceError`` naming the URL (and the status)."""
        from performanceplatform.utils.errors import SourceError

        return SourceError(f"{self.source}: {text}", url=self.shown, status=status)


# A source's one response-to-error hook: given each final answer and its decoded JSON body
# (``NOT_JSON`` when it is not JSON), the ``SourceError`` it stands for, or ``None``.
ErrorHook = Callable[[SourceRequest, requests.Response, Any], Any]


def http_error(request: SourceRequest, response: requests.Response, body: Any):
    """The default hook: a non-2xx answer is an error quoting the start of its body."""
    if response.ok:
        return None
    snippet = " ".join(response.text[:200].split())
    return request.error(f"{request.method} {request.shown} answered HTTP "
                         f"{response.status_code}: {snippet}", response.status_code)


def source_response(session: requests.Session, method: str, url: str,
                    policy: RetryPolicy | None = None, source: str = "source",
                    error: ErrorHook = http_error, shown: str | None = None,
                    json_body: bool = False, **kwargs) -> tuple[requests.Response, Any]:
    """``send()`` a request to a source: ``(the answer, its JSON body or NOT_JSON)``.

    Every source reads its answers here. No answer after retries is a ``SourceError``
    (``<source>: could not reach <url>: <exception>``); then the source's ``error`` hook
    says whether the answer stands for an error. ``shown``: the URL as errors name it
    (default: ``url``, redacted).
    """
    request = SourceRequest(source, method, shown or redact_url(url))
    try:
        response = send(session, method, url, policy=policy, **kwargs)
    except requests.RequestException as exc:
        raise request.error(f"could not reach {request.shown}: {type(exc).__name__}")
    body = _json_or_not(response) if json_body else NOT_JSON
    failure = error(request, response, body)
    if failure is not None:
        raise failure
    return response, body


def source_json(session: requests.Session, method: str, url: str,
                policy: RetryPolicy | None = None, source: str = "source",
                error: ErrorHook = http_error, shown: str | None = None, **kwargs) -> Any:
    """``source_response()``, and the JSON body of the answer: a body that is not JSON
    (the hook having let it pass) is a ``SourceError`` too."""
    response, body = source_response(session, method, url, policy, source, error, shown,
                                     json_body=True, **kwargs)
    if body is NOT_JSON:
        request = SourceRequest(source, method, shown or redact_url(url))
        raise request.error(f"{request.method} {request.shown} answered HTTP "
                            f"{response.status_code} with a body that is not JSON",
                            response.status_code)
    return body


def _json_or_not(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return NOT_JSON


def iter_chunks(items: Iterable, size: int):
    """Yield lists of at most ``size`` items from any iterable, lazily."""
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


__all__ = [
    "CollectorSession",
    "NetworkRefused",
    "RetryPolicy",
    "make_session",
    "offline",
    "redact_url",
    "resolve_url",
    "send",
    "iter_chunks",
    "source_json",
    "source_response",
    "SourceRequest",
    "NOT_JSON",
    "http_error",
]
