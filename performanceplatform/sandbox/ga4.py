"""Simulated Google Analytics Data API (GA4) v1beta: ``runReport`` and ``runRealtimeReport``.

Served at ``/analyticsdata.googleapis.com/v1beta/properties/<id>:runReport`` and
``...:runRealtimeReport``. Only bearer tokens starting with ``sandbox-access-`` (issued by
the simulated token endpoint) are accepted; anything else gets Google's 401.

Rows are made up from the request, so the same request always gets the same answer:

- with a ``date`` dimension, every day of the date range has ``rows_per_day`` rows; without
  it the range has ``rows_per_day`` rows in all; with no dimension but ``date``, one row
  (per day) holds the totals;
- other dimensions take values from a small vocabulary per known name (``browser``,
  ``deviceCategory``, ``country``...) or ``<name>-<n>``;
- metric values come from a generator seeded by the property, the range, the dimension
  values and the metric name: integers, or decimals for averages, rates and durations.

``limit`` (default 10000) and ``offset`` page through the rows; ``rowCount`` is the total;
``orderBys`` on one metric or dimension are applied. Settings in
``config.services["ga4"]``:

``rows_per_day``          rows per day (or per range without ``date``); default 3
``realtime_rows``         rows of a realtime report with dimensions; default 3
``subject_to_thresholding``, ``data_loss_from_other_row``, ``sampling``
                          true: the answer's ``metadata`` says so
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import threading
from typing import Any

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.server import Request, Response, Service, json_response

HOST_PREFIX = "/analyticsdata.googleapis.com/v1beta/properties/"
ROUTE = re.compile(r"^/analyticsdata\.googleapis\.com/v1beta/properties/(\d+):(\w+)$")
ACCESS_PREFIX = "sandbox-access-"
DEFAULT_LIMIT = 10000
MAX_LIMIT = 250000
VALID_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(:[A-Za-z0-9_]+)?$")

VOCABULARY = {
    "browser": ["Chrome", "Safari", "Edge", "Firefox", "Samsung Internet", "Opera"],
    "deviceCategory": ["desktop", "mobile", "tablet"],
    "operatingSystem": ["Windows", "iOS", "Android", "Macintosh", "Linux"],
    "country": ["United Kingdom", "United States", "France", "Ireland", "India"],
    "city": ["London", "Manchester", "Cardiff", "Edinburgh", "Belfast"],
    "newVsReturning": ["new", "returning"],
    "pagePath": ["/", "/search", "/browse/benefits", "/vehicle-tax", "/register-to-vote"],
    "unifiedScreenName": ["GOV.UK", "Search - GOV.UK", "Vehicle tax - GOV.UK"],
    "sessionDefaultChannelGroup": ["Organic Search", "Direct", "Referral", "Email"],
}
DECIMAL_HINTS = ("average", "rate", "Rate", "Duration", "PerSession", "PerUser")


class GoogleAnalyticsData(Service):
    name = "ga4"
    prefixes = (HOST_PREFIX,)

    def __init__(self, config: SandboxConfig):
        self.config = config
        self.reports = 0
        self._lock = threading.Lock()


    def reset(self) -> None:
        with self._lock:
            self.reports = 0

    def handle(self, request: Request) -> Response:
        match = ROUTE.match(request.path)
        if not match or match.group(2) not in ("runReport", "runRealtimeReport"):
            return _error(404, "NOT_FOUND", f"no such method: {request.path}")
        if request.method != "POST":
            return _error(405, "INVALID_ARGUMENT", "use POST")
        if not (request.bearer or "").startswith(ACCESS_PREFIX):
            return _error(401, "UNAUTHENTICATED",
                          "Request had invalid authentication credentials.")
        try:
            body = request.json() if request.body else {}
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            report = Report(match.group(1), body, self.settings,
                            realtime=match.group(2) == "runRealtimeReport")
            answer = report.answer()
        except (ValueError, KeyError, TypeError) as exc:
            return _error(400, "INVALID_ARGUMENT", str(exc))
        with self._lock:
            self.reports += 1
            used = self.reports
        if body.get("returnPropertyQuota"):
            answer["propertyQuota"] = _quota(used)
        return json_response(answer)


def _error(status: int, code: str, message: str) -> Response:
    return json_response({"error": {"code": status, "message": message, "status": code}},
                         status)


def _quota(used: int) -> dict[str, Any]:
    def left(limit: int, consumed: int) -> dict[str, int]:
        return {"consumed": consumed, "remaining": max(0, limit - consumed * used)}

    return {
        "tokensPerDay": left(200000, 5),
        "tokensPerHour": left(40000, 5),
        "concurrentRequests": {"consumed": 0, "remaining": 10},
        "serverErrorsPerProjectPerHour": {"consumed": 0, "remaining": 10},
        "potentiallyThresholdedRequestsPerHour": {"consumed": 0, "remaining": 120},
        "tokensPerProjectPerHour": left(14000, 5),
    }


def _names(body: dict[str, Any], key: str) -> list[str]:
    entries = body.get(key) or []
    if not isinstance(entries, list):
        raise ValueError(f"{key} must be a list")
    names = []
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not VALID_NAME.match(name) or name.startswith("ga:"):
            raise ValueError(f"Field {name} is not a valid {key[:-1]} name")
        names.append(name)
    return names


class Report:
    """One request's made-up answer."""

    def __init__(self, prop: str, body: dict[str, Any], settings: dict[str, Any],
                 realtime: bool):
        self.prop, self.body, self.settings, self.realtime = prop, body, settings, realtime
        self.dimensions = _names(body, "dimensions")
        self.metrics = _names(body, "metrics")
        if not self.metrics:
            raise ValueError("at least one metric is required")
        self.limit = int(body.get("limit") or DEFAULT_LIMIT)
        self.offset = int(body.get("offset") or 0)
        if not 0 < self.limit <= MAX_LIMIT or self.offset < 0:
            raise ValueError(f"limit must be 1..{MAX_LIMIT} and offset >= 0")

    def answer(self) -> dict[str, Any]:
        rows = self._sorted(self._rows())
        page = rows[self.offset:self.offset + self.limit]
        answer: dict[str, Any] = {
            "dimensionHeaders": [{"name": n} for n in self.dimensions],
            "metricHeaders": [{"name": n, "type": _metric_type(n)} for n in self.metrics],
        }
        if page:
            answer["rows"] = [_row(dims, mets) for dims, mets in page]
        if rows:
            answer["rowCount"] = len(rows)
        if self.realtime:
            answer["kind"] = "analyticsData#runRealtimeReport"
        else:
            answer["metadata"] = self._metadata()
            answer["kind"] = "analyticsData#runReport"
        return answer

    def _metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {"currencyCode": "GBP", "timeZone": "Europe/London"}
        if self.settings.get("subject_to_thresholding"):
            meta["subjectToThresholding"] = True
        if self.settings.get("data_loss_from_other_row"):
            meta["dataLossFromOtherRow"] = True
        if self.settings.get("sampling"):
            meta["samplingMetadatas"] = [{"samplesReadCount": "1000",
                                          "samplingSpaceSize": "50000"}]
        return meta

    def _ranges(self) -> list[tuple[str, list[str]]]:
        """(range label, the days it covers) for each date range (one for realtime)."""
        if self.realtime:
            return [("realtime", [])]
        ranges = self.body.get("dateRanges")
        if not isinstance(ranges, list) or not ranges:
            raise ValueError("dateRanges is required")
        found = []
        for entry in ranges:
            start = dt.date.fromisoformat(entry["startDate"])
            end = dt.date.fromisoformat(entry["endDate"])
            if end < start:
                raise ValueError("endDate is before startDate")
            days = [(start + dt.timedelta(d)).strftime("%Y%m%d")
                    for d in range((end - start).days + 1)]
            found.append((f"{start}..{end}", days))
        return found

    def _rows(self) -> list[tuple[list[str], list[str]]]:
        per_slot = int(self.settings.get(
            "realtime_rows" if self.realtime else "rows_per_day", 3))
        if not [name for name in self.dimensions if name != "date"]:
            per_slot = 1  # nothing to break the totals down by
        rows = []
        for label, days in self._ranges():
            slots = days if "date" in self.dimensions else [None]
            for day in slots:
                for index in range(per_slot):
                    dims = [self._dimension(name, index, day) for name in self.dimensions]
                    rows.append((dims, self._metric_values(label, dims)))
        return rows

    def _dimension(self, name: str, index: int, day: str | None) -> str:
        if name == "date":
            return day or ""
        if name == "hour":
            return f"{index % 24:02d}"
        offset = sum(map(ord, name))
        words = VOCABULARY.get(name)
        if words is None:
            return f"{name}-{index + 1}"
        word = words[(index + offset) % len(words)]
        lap = index // len(words)
        return word if lap == 0 else f"{word} ({lap + 1})"

    def _metric_values(self, label: str, dims: list[str]) -> list[str]:
        values = []
        for name in self.metrics:
            seed = json.dumps([self.prop, label, dims, name, self.realtime])
            rng = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))
            if _metric_type(name) == "TYPE_INTEGER":
                values.append(str(rng.randint(0, 5000)))
            else:
                values.append(f"{rng.uniform(0, 400):.6f}".rstrip("0").rstrip("."))
        return values

    def _sorted(self, rows: list[tuple[list[str], list[str]]]):
        order = self.body.get("orderBys") or []
        for spec in reversed(order if isinstance(order, list) else []):
            desc = bool(spec.get("desc"))
            if "metric" in spec and spec["metric"].get("metricName") in self.metrics:
                i = self.metrics.index(spec["metric"]["metricName"])
                rows = sorted(rows, key=lambda r: float(r[1][i]), reverse=desc)
            elif "dimension" in spec and spec["dimension"].get("dimensionName") in self.dimensions:
                i = self.dimensions.index(spec["dimension"]["dimensionName"])
                rows = sorted(rows, key=lambda r: r[0][i], reverse=desc)
        return rows


def _metric_type(name: str) -> str:
    if any(hint in name for hint in DECIMAL_HINTS):
        return "TYPE_SECONDS" if "Duration" in name else "TYPE_FLOAT"
    return "TYPE_INTEGER"


def _row(dims: list[str], mets: list[str]) -> dict[str, Any]:
    return {"dimensionValues": [{"value": v} for v in dims],
            "metricValues": [{"value": v} for v in mets]}
