"""The base of the Backdrop and Stagecraft clients (spec core.md §2.1–2.7).

Changes from performanceplatform-client 0.11.5, on purpose:

- every request has a connect and a read timeout;
- retries cover 429, 5xx and connection errors, with jittered exponential backoff that
  honours ``Retry-After``, bounded in attempts and total time (the original retried only 500,
  502 and 503, and never a dropped connection);
- a gzipped body is ``bytes``, so a retried POST resends the whole body (the original resent
  an empty, already-read stream);
- dry runs show the token as ``Bearer ***``;
- a 3xx answer is never followed: it is a ``SinkError`` naming the URL and the ``Location``
  (requests turned a redirected POST into a GET, so nothing was written and the run exited
  0, or resent the records and the token to the new URL).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin

import requests

from performanceplatform.client.chunks import ChunkProgress
from performanceplatform.transport.http import (
    USER_AGENT,
    RetryPolicy,
    iter_chunks,
    make_session,
    redact_url,
    send,
)
from performanceplatform.utils.errors import SinkError

log = logging.getLogger(__name__)

GZIP_ABOVE = 2048


class ChunkingError(Exception):
    """Raised when asked to chunk something that is not a list-like iterable."""


class JsonEncoder(json.JSONEncoder):
    """JSON with datetimes as ISO 8601; a naive datetime is taken to be UTC."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            if o.tzinfo is None:
                o = o.replace(tzinfo=dt.timezone.utc)
            return o.isoformat()
        return super().default(o)


def encode_json(data: Any) -> str:
    return json.dumps(data, cls=JsonEncoder)


def _not_set() -> str:
    return "Not-Set"


def is_chunkable(data: Any) -> bool:
    """Lists, tuples, sets, generators and iterators chunk; text, bytes and dicts do not."""
    if isinstance(data, (str, bytes, bytearray, dict)):
        return False
    return hasattr(data, "__iter__")


class BaseClient:
    """Requests with bearer auth, JSON bodies, optional gzip, retries and dry runs."""

    should_gzip = True
    url_setting = "backdrop_url"  # where the user sets this client's URL, for messages

    def __init__(self, base_url: str, token: str | None, dry_run: bool = False,
                 request_id_fn: Callable[[], str] | None = None, retry_on_error: bool = True,
                 retry_policy: RetryPolicy | None = None):
        if not isinstance(base_url, str):
            raise ValueError("base_url must be a string")
        if token is not None and not isinstance(token, str):
            raise ValueError("token must be a string or None")
        self._base_url = base_url
        self._token = token
        self._dry_run = dry_run
        self._request_id_fn = request_id_fn or _not_set
        self.retry_policy = retry_policy or RetryPolicy(attempts=5 if retry_on_error else 1)
        # made now, not on first use: the POSTs in flight (``client.in_flight``) share it
        self.session: requests.Session = make_session()

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def token(self) -> str | None:
        return self._token

    @property
    def dry_run(self) -> bool:
        return self._dry_run

    def _headers(self, has_body: bool) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            "Govuk-Request-Id": self._request_id_fn(),
        }
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _request(self, method: str, path: str, data: Any = None,
                 params: dict[str, Any] | None = None) -> Any:
        url = self._base_url + path
        if self._dry_run:
            self._log_dry_run(method, url, self._headers(data is not None), data)
            return None
        return self._send(method, url, data, params)

    def _send(self, method: str, url: str, data: Any, params: dict[str, Any] | None) -> Any:
        """One HTTP request, retried by the policy; its answer's JSON. (A data set in a local
        store replaces this one method: ``sinks.store_data_set``.)"""
        headers = self._headers(data is not None)
        text = None if data is None else data if isinstance(data, str) else encode_json(data)
        body: bytes | None = None
        if text is not None and self.should_gzip and len(text) > GZIP_ABOVE:
            headers["Content-Encoding"] = "gzip"
            body = gzip.compress(text.encode("utf-8"), mtime=0)
        elif text is not None:
            body = text.encode("utf-8")
        try:
            response = send(self.session, method, url, policy=self.retry_policy,
                            headers=headers, data=body, params=params, allow_redirects=False)
        except requests.RequestException as exc:
            raise SinkError(f"{method} {redact_url(url)} failed: could not connect "
                            f"({type(exc).__name__})", url=redact_url(url))
        return self._result(method, url, response)

    def _result(self, method: str, url: str, response: requests.Response) -> Any:
        if 300 <= response.status_code < 400:
            raise self._redirect_error(method, url, response)
        if not response.ok:
            text = " ".join(response.text.split())[:300]
            log.error("[PP-C] %s", text)
            raise SinkError(f"{method} {redact_url(url)} answered HTTP {response.status_code}: "
                            f"{text}", url=redact_url(url), status=response.status_code)
        if not response.content:  # a 204 has none
            return None
        try:
            return response.json()
        except ValueError:
            raise SinkError(f"{method} {redact_url(url)} answered HTTP {response.status_code} "
                            "with a body that is not JSON", url=redact_url(url),
                            status=response.status_code)

    def _redirect_error(self, method: str, url: str, response: requests.Response) -> SinkError:
        """A 3xx is never followed. Clients may turn a redirected POST into a GET (RFC 9110
        §15.4: 301 and 302 may, 303 does; requests does for all three), so nothing is written
        yet the answer is 200; 307/308 carry the records and the token elsewhere; and a
        redirected Stagecraft read lands on a login page."""
        shown = redact_url(url)
        location = response.headers.get("Location")
        target = redact_url(urljoin(url, location)) if location else "no Location"
        hint = ""
        if location and url.startswith("http://") and target.startswith("https://"):
            hint = (f"; {self.url_setting} is an http:// URL and the server redirects to "
                    f"https://: put the https:// URL in {self.url_setting}")
        return SinkError(f"{method} {shown} answered HTTP {response.status_code} redirecting to "
                         f"{target}: not followed (writes and Stagecraft reads never follow a "
                         f"redirect){hint}", url=shown, status=response.status_code)

    def _log_dry_run(self, method: str, url: str, headers: dict[str, str], data: Any) -> None:
        shown = dict(headers)
        if "Authorization" in shown:
            shown["Authorization"] = "Bearer ***"
        log.info('HTTP %s to "%s"\nheaders: %s', method, redact_url(url), shown)
        log.info("%s", data if isinstance(data, str) else encode_json(data))

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._request("GET", path, params=params)

    def _put(self, path: str, data: Any) -> Any:
        return self._request("PUT", path, data=data)

    def _post(self, path: str, data: Any, chunk_size: int, in_flight: int) -> Any:
        if chunk_size > 0:
            return self._post_chunks(path, data, chunk_size, in_flight)
        if is_chunkable(data) and not isinstance(data, list):
            data = list(data)
        return self._request("POST", path, data=data)

    def _post_chunks(self, path: str, data: Iterable[Any], chunk_size: int,
                     in_flight: int) -> None:
        """One POST per chunk, in order; with ``in_flight`` > 1, that many at once
        (``client.in_flight``; never in a dry run, whose log shows each POST in turn)."""
        if not is_chunkable(data):
            raise ChunkingError("Can only chunk on lists")
        progress = ChunkProgress()
        chunks = iter_chunks(data, chunk_size)
        if in_flight > 1 and not self._dry_run:
            from performanceplatform.client.in_flight import post_in_flight

            return post_in_flight(self, path, chunks, in_flight, progress)
        while (chunk := progress.next_chunk(chunks)) is not None:
            log.info("Sending chunk %d", progress.chunks + 1)
            try:
                self._request("POST", path, data=chunk)
            except SinkError as exc:
                raise SinkError(f"{exc} ({progress.failed(len(chunk))})", url=exc.url,
                                status=exc.status, written_records=progress.records,
                                written_chunks=progress.chunks)
            progress.records += len(chunk)
            progress.chunks += 1
        return None
