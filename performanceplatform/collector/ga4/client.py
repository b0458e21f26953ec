"""The GA4 Data API v1beta: ``runReport`` paged with ``limit``/``offset``, and
``runRealtimeReport``.

Requests go through an authorized session (``google.credentials``) and ``send()`` with
Google's retry policy and the property's quota rules (``quota.py``): 5xx within a per-run
budget, connection errors and 403 rate-limit reasons are retried with backoff; 429
``RESOURCE_EXHAUSTED`` stops the run at once, naming the quota. Anything else is one
``SourceError`` line with Google's status and message. An answer must carry the envelope of
its method (``kind`` and ``metricHeaders``; rows may be absent: no data); anything else is a
``SourceError`` naming the URL. Data-quality notes are logged once per run (``notes.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from performanceplatform.collector.ga4.notes import DataQualityNotes
from performanceplatform.collector.ga4.quota import (
    SERVER_ERRORS_PER_PROJECT_PER_HOUR,
    Ga4RetryPolicy,
    QuotaTracker,
    exhausted_advice,
)
from performanceplatform.google.retry import google_hook, v3_advice
from performanceplatform.transport.http import source_response
from performanceplatform.utils.errors import SourceError

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
                 policy: Ga4RetryPolicy | None = None):
        self.session = session
        self.property_id = property_id
        self.base = f"{root}{API_VERSION}/properties/{property_id}"
        self.policy = policy or Ga4RetryPolicy()
        self.quota = QuotaTracker()
        self.notes = DataQualityNotes()

    def call(self, method: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST ``body`` to ``<property>:<method>``; the JSON answer."""
        url = f"{self.base}:{method}"
        error = google_hook("ga4", url, lambda answer: envelope_problem(answer, method),
                            advice=self._advice)
        _, answer = source_response(self.session, "POST", url, policy=self.policy,
                                    source="ga4", error=error, json_body=True,
                                    json=dict(body))
        self.quota.note(answer)
        return answer

    def _advice(self, status: int, reason: str | None, message: str) -> str:
        if status == 429 and reason == "RESOURCE_EXHAUSTED":
            return exhausted_advice(self.quota, message)
        if status == 403:
            return (f" - check that the account has at least the Viewer role on GA4 property "
                    f"{self.property_id}, and that the Google Analytics Data API is enabled "
                    "in its Cloud project")
        if status >= 500:
            return (f" - not retried further: Google counts server errors against the property "
                    f"({SERVER_ERRORS_PER_PROJECT_PER_HOUR} per project an hour)")
        return v3_advice(status, reason, message)

    def report_rows(self, body: Mapping[str, Any], page_size: int, max_rows: int | None = None,
                    describe: str = "") -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """(answer, row) for every row of a report, page after page."""
        paginator = OffsetPaginator(page_size, max_rows)
        while True:
            page = dict(body, limit=paginator.next_limit(), offset=paginator.offset)
            answer = self.call("runReport", page)
            self.notes.check(answer, describe or "the report")
            rows = answer.get("rows") or []
            yield from ((answer, row) for row in rows)
            if not paginator.advance(len(rows), int(answer.get("rowCount") or 0)):
                return

    def realtime(self, body: Mapping[str, Any]) -> dict[str, Any]:
        answer = self.call("runRealtimeReport", body)
        self.notes.check(answer, "the realtime report")
        return answer


def envelope_problem(answer: Any, method: str) -> str | None:
    """What makes ``answer`` not an answer of ``method``, or ``None``.

    ``RunReportResponse``/``RunRealtimeReportResponse``: ``kind`` is always
    ``analyticsData#<method>`` and ``metricHeaders`` describe the metrics asked for; ``rows`` and
    ``rowCount`` are left out when there is no data (proto3 JSON omits empty fields).
    """
    if not isinstance(answer, dict):
        return "a body that is not a JSON object"
    kind = f"analyticsData#{method}"
    if answer.get("kind") != kind:
        return f"an answer whose kind is {answer.get('kind')!r:.40}, not {kind!r}"
    if not isinstance(answer.get("metricHeaders"), list):
        return "an answer without metricHeaders"
    if not isinstance(answer.get("rows", []), list) or \
            not isinstance(answer.get("rowCount", 0), int):
        return "rows or a rowCount of the wrong type"
    return None
