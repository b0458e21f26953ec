"""The GA4 Data API v1beta: ``runReport`` paged with ``limit``/``offset``, and
``runRealtimeReport``.

Requests go through an authorized session (``utils.google.credentials``) and ``send()`` with
Google's retry policy: 429 ``RESOURCE_EXHAUSTED``, 5xx and connection errors are retried with
backoff (honouring ``Retry-After``); 403 rate-limit reasons too. Anything else is one
``SourceError`` line with Google's status and message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from performanceplatform.utils.errors import SourceError
from performanceplatform.utils.google.retry import GoogleRetryPolicy, raise_for_google_error
from performanceplatform.utils.http import redact_url, send

log = logging.getLogger(__name__)

DEFAULT_API_ROOT = "https://analyticsdata.googleapis.com/"
API_VERSION = "v1beta"


@dataclass
class OffsetPaginator:
    """``limit``/``offset`` paging until ``rowCount`` (or ``max_rows``) rows were read.

    A page that brings no rows while ``rowCount`` promises more would make the loop spin: it
    is a ``SourceError`` instead, as is a page count far beyond what ``rowCount`` needs.
    """

    page_size: int
    max_rows: int | None = None
    offset: int = 0
    pages: int = 0

    def next_limit(self) -> int:
        if self.max_rows is None:
            return self.page_size
        return min(self.page_size, self.max_rows - self.offset)

    def advance(self, rows: int, row_count: int) -> bool:
        """Record a page of ``rows`` rows; whether another page is needed."""
        self.pages += 1
        self.offset += rows
        wanted = row_count if self.max_rows is None else min(row_count, self.max_rows)
        if self.offset >= wanted:
            return False
        if rows == 0 or self.pages > wanted // self.page_size + 2:
            raise SourceError(
                f"ga4: loop detected in pagination: page {self.pages} at offset {self.offset} "
                f"brought {rows} rows although rowCount is {row_count}")
        return True


class DataApi:
    """One GA4 property of the Data API."""

    def __init__(self, session: requests.Session, root: str, property_id: str,
                 policy: GoogleRetryPolicy | None = None):
        self.session = session
        self.base = f"{root}{API_VERSION}/properties/{property_id}"
        self.policy = policy or GoogleRetryPolicy()

    def call(self, method: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST ``body`` to ``<property>:<method>``; the JSON answer."""
        url = f"{self.base}:{method}"
        try:
            response = send(self.session, "POST", url, policy=self.policy, json=dict(body))
        except requests.RequestException as exc:
            raise SourceError(f"ga4: could not reach {redact_url(url)}: {type(exc).__name__}",
                              url=redact_url(url))
        if not response.ok:
            raise_for_google_error(response, "ga4", url, method="POST")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise SourceError(f"ga4: POST {redact_url(url)} answered HTTP {response.status_code} "
                              "with a body that is not a JSON object", url=redact_url(url),
                              status=response.status_code)
        return answer

    def report_rows(self, body: Mapping[str, Any], page_size: int, max_rows: int | None = None,
                    describe: str = "") -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """(answer, row) for every row of a report, page after page."""
        paginator = OffsetPaginator(page_size, max_rows)
        while True:
            page = dict(body, limit=paginator.next_limit(), offset=paginator.offset)
            answer = self.call("runReport", page)
            report_notes(answer, describe)
            rows = answer.get("rows") or []
            yield from ((answer, row) for row in rows)
            if not paginator.advance(len(rows), int(answer.get("rowCount") or 0)):
                return

    def realtime(self, body: Mapping[str, Any]) -> dict[str, Any]:
        answer = self.call("runRealtimeReport", body)
        report_notes(answer, "realtime")
        return answer


def report_notes(answer: Mapping[str, Any], describe: str) -> None:
    """Log the property quota (when asked for) and the metadata's data-quality flags."""
    quota = answer.get("propertyQuota")
    if isinstance(quota, dict):
        shown = ", ".join(
            f"{name} {value.get('consumed', 0)} used, {value.get('remaining', '?')} left"
            for name, value in quota.items() if isinstance(value, dict))
        log.info("ga4 property quota after %s: %s", describe or "the request", shown)
    meta = answer.get("metadata")
    if not isinstance(meta, dict):
        return
    if meta.get("subjectToThresholding"):
        log.warning("ga4 %s: the answer is subject to thresholding (rows with few users are "
                    "withheld)", describe)
    if meta.get("dataLossFromOtherRow"):
        log.warning("ga4 %s: some rows were folded into an '(other)' row", describe)
    for sample in meta.get("samplingMetadatas") or []:
        log.warning("ga4 %s: the answer is sampled (%s of %s events read)", describe,
                    sample.get("samplesReadCount"), sample.get("samplingSpaceSize"))
