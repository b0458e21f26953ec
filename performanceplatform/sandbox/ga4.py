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
``orderBys`` on one metric or dimension are applied. Each behaviour below follows Google's
documentation (https://developers.google.com/analytics/devguides/reporting/data/v1/, pages
named in brackets):

- ``dateHour`` is ``YYYYMMDDHH``, ``date`` ``YYYYMMDD``, ``hour`` ``00``-``23`` [api-schema];
- at most 9 dimensions and 10 metrics [rest/v1beta/Dimension, Metric: "Requests are allowed up
  to 9 dimensions", "... up to 10 metrics"]; at most 4 ``dateRanges`` (``YYYY-MM-DD``,
  ``NdaysAgo``, ``yesterday``, ``today``; start not after end) [DateRange]; at most 2
  ``minuteRanges``, minutes 0-29 ago, start not after end [MinuteRange]; a realtime request
  takes only the realtime schema's dimensions and metrics (``customUser:*`` too) and no
  ``offset`` [realtime-api-schema, properties/runRealtimeReport]. Anything else is Google's
  400 ``INVALID_ARGUMENT`` (``{"error": {"code", "message", "status"}}``) [errors];
- with several date or minute ranges every row gets a ``dateRange`` dimension valued by the
  range's ``name`` or ``date_range_<i>``, added after the requested ones [DateRange];
- ``metricAggregations`` ``TOTAL``/``MAXIMUM``/``MINIMUM`` give ``totals``/``maximums``/
  ``minimums``: one row per range, dimensions valued ``RESERVED_TOTAL`` (``..._MAX``,
  ``..._MIN``) but for ``dateRange`` [RunReportResponse, MetricAggregation]. A user is counted
  once in a total, so a user metric's total is below the sum of its rows when there are
  several (made up as two thirds of the sum, at least the largest row);
- ``returnPropertyQuota`` gives ``propertyQuota``: the six ``QuotaStatus`` of a standard
  property, each request consuming 5 tokens [PropertyQuota]. A request that would overspend
  a token quota (limits lowered with ``quota_limits``) is refused with 429
  ``RESOURCE_EXHAUSTED`` naming it, as is every request to the property after it [quotas:
  "If any quota for a property is exhausted, all requests to that property will return
  Resource Exhausted errors"];
- ``(other)`` and ``(not set)`` rows, and ``metadata.subjectToThresholding`` (always for the
  demographic dimensions ``userAgeBracket``, ``userGender``, ``brandingInterest``, which
  Google thresholds) [ResponseMetaData; "About data thresholds"], as the settings below say.

Settings in ``config.services["ga4"]``:

``rows_per_day``          rows per day (or per range without ``date``); default 3
``realtime_rows``         rows of a realtime report with dimensions; default 3
``subject_to_thresholding``, ``sampling``
                          true: the answer's ``metadata`` says so
``data_loss_from_other_row``
                          true: ``metadata.dataLossFromOtherRow``, and each day (or range) ends
                          with an ``(other)`` row (dimensions but the date valued ``(other)``)
``not_set_rows``          true: the first row of each day (or range) has ``(not set)`` as its
                          first dimension that is not a date
``quota_limits``          ``{"tokensPerHour": 20, ...}``: lower limits than a standard
                          property's (one count for the whole simulator, every property;
                          it starts again at a reset)
``cache_answers``         true: a report asked again (same property, same body) is answered
                          with the bytes of its first answer (not a behaviour of Google's:
                          it lets a benchmark measure the collector rather than the
                          simulator's generating of rows; quotas still count every request;
                          kept across resets)
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
MAX_DIMENSIONS, MAX_METRICS, MAX_DATE_RANGES, MAX_MINUTE_RANGES = 9, 10, 4, 2
MAX_MINUTES_AGO = 29  # standard properties: the last 30 minutes
RELATIVE_DATE = re.compile(r"^(\d+)daysAgo$")
DATE_DIMENSIONS = ("date", "dateHour")
DATE_RANGE = "dateRange"
REALTIME_DIMENSIONS = frozenset({
    "appVersion", "audienceId", "audienceName", "audienceResourceName", "city", "cityId",
    "country", "countryId", "deviceCategory", "eventName", "minutesAgo", "platform", "streamId",
    "streamName", "unifiedScreenName",
})
REALTIME_METRICS = frozenset({"activeUsers", "eventCount", "keyEvents", "screenPageViews"})
THRESHOLDED_DIMENSIONS = frozenset({"userAgeBracket", "userGender", "brandingInterest"})
AGGREGATIONS = {"TOTAL": ("totals", "RESERVED_TOTAL"), "MAXIMUM": ("maximums", "RESERVED_MAX"),
                "MINIMUM": ("minimums", "RESERVED_MIN")}
TOKENS_PER_REQUEST = 5
STANDARD_QUOTA = {  # PropertyQuota of a standard property
    "tokensPerDay": 200000, "tokensPerHour": 40000, "concurrentRequests": 10,
    "serverErrorsPerProjectPerHour": 10, "potentiallyThresholdedRequestsPerHour": 120,
    "tokensPerProjectPerHour": 14000,
}
TOKEN_QUOTAS = {"tokensPerDay": "property tokens per day",
                "tokensPerHour": "property tokens per hour",
                "tokensPerProjectPerHour": "property tokens per project per hour"}

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
        self._answers: dict[tuple[str, bytes], bytes] = {}  # ``cache_answers``


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
        key = (request.path, request.body)
        cached = self._answers.get(key)
        try:
            body = request.json() if request.body else {}
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            if cached is None:
                report = Report(match.group(1), body, self.settings,
                                realtime=match.group(2) == "runRealtimeReport")
                answer = report.answer()
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return _error(400, "INVALID_ARGUMENT", str(exc))
        limits = {**STANDARD_QUOTA, **(self.settings.get("quota_limits") or {})}
        with self._lock:
            spent = self._spent_quota(limits)
            if spent is None:
                self.reports += 1
            used = self.reports
        if spent is not None:
            return _error(429, "RESOURCE_EXHAUSTED",
                          f"Exhausted {TOKEN_QUOTAS[spent]} for property {match.group(1)}.")
        if cached is not None:
            return Response(200, cached, "application/json")
        if body.get("returnPropertyQuota"):
            answer["propertyQuota"] = _quota(used, limits)
        response = json_response(answer)
        if self.settings.get("cache_answers") and not body.get("returnPropertyQuota"):
            self._answers[key] = response.body
        return response

    def _spent_quota(self, limits: dict[str, int]) -> str | None:
        """The token quota the next request would overspend, if any."""
        for name in TOKEN_QUOTAS:
            if (self.reports + 1) * TOKENS_PER_REQUEST > int(limits[name]):
                return name
        return None


def _error(status: int, code: str, message: str) -> Response:
    return json_response({"error": {"code": status, "message": message, "status": code}},
                         status)


def _quota(used: int, limits: dict[str, int]) -> dict[str, Any]:
    def status(name: str) -> dict[str, int]:
        if name not in TOKEN_QUOTAS:
            return {"consumed": 0, "remaining": int(limits[name])}
        return {"consumed": TOKENS_PER_REQUEST,
                "remaining": max(0, int(limits[name]) - TOKENS_PER_REQUEST * used)}

    return {name: status(name) for name in STANDARD_QUOTA}


def _names(body: dict[str, Any], key: str, realtime: bool) -> list[str]:
    entries = body.get(key) or []
    if not isinstance(entries, list):
        raise ValueError(f"{key} must be a list")
    most = MAX_DIMENSIONS if key == "dimensions" else MAX_METRICS
    if len(entries) > most:
        raise ValueError(f"Requests are limited to {most} {key}; this one has {len(entries)}.")
    names = []
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not VALID_NAME.match(name) or name.startswith("ga:"):
            raise ValueError(f"Field {name} is not a valid {key[:-1]} name")
        if realtime and not _in_realtime_schema(name, key):
            raise ValueError(f"Field {name} is not a valid {key[:-1]} for a realtime report. "
                             "For a list of valid realtime dimensions and metrics, see "
                             "https://developers.google.com/analytics/devguides/reporting/"
                             "data/v1/realtime-api-schema")
        names.append(name)
    return names


def _in_realtime_schema(name: str, key: str) -> bool:
    if key == "metrics":
        return name in REALTIME_METRICS
    return name in REALTIME_DIMENSIONS or name.startswith("customUser:")


def _day(text: Any, today: dt.date) -> dt.date:
    """A ``DateRange`` date: ``YYYY-MM-DD``, ``NdaysAgo``, ``yesterday`` or ``today``."""
    if not isinstance(text, str):
        raise ValueError(f"Invalid date {text!r}")
    relative = RELATIVE_DATE.match(text)
    if relative:
        return today - dt.timedelta(days=int(relative.group(1)))
    if text in ("today", "yesterday"):
        return today - dt.timedelta(days=text == "yesterday")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Invalid date {text!r}: use YYYY-MM-DD, NdaysAgo, yesterday or today")


def _range_names(ranges: list[Any]) -> list[str]:
    return [str(r.get("name") or f"date_range_{i}") for i, r in enumerate(ranges)]


class Report:
    """One request's made-up answer."""

    def __init__(self, prop: str, body: dict[str, Any], settings: dict[str, Any],
                 realtime: bool):
        self.prop, self.body, self.settings, self.realtime = prop, body, settings, realtime
        self.requested = _names(body, "dimensions", realtime)
        self.metrics = _names(body, "metrics", realtime)
        if not self.metrics:
            raise ValueError("at least one metric is required")
        if realtime and "offset" in body:
            raise ValueError("Invalid JSON payload received. Unknown name \"offset\": "
                             "runRealtimeReport has no offset")
        self.limit = int(body.get("limit") or DEFAULT_LIMIT)
        self.offset = int(body.get("offset") or 0)
        if not 0 < self.limit <= MAX_LIMIT or self.offset < 0:
            raise ValueError(f"limit must be 1..{MAX_LIMIT} and offset >= 0")
        self.ranges = self._ranges()
        several = len(self.ranges) > 1 and DATE_RANGE not in self.requested
        self.dimensions = self.requested + [DATE_RANGE] * several

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
        answer.update(self._aggregations(rows))
        if self.realtime:
            answer["kind"] = "analyticsData#runRealtimeReport"
        else:
            answer["metadata"] = self._metadata()
            answer["kind"] = "analyticsData#runReport"
        return answer

    def _metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {"currencyCode": "GBP", "timeZone": "Europe/London"}
        if self.settings.get("subject_to_thresholding") or \
                THRESHOLDED_DIMENSIONS.intersection(self.requested):
            meta["subjectToThresholding"] = True
        if self.settings.get("data_loss_from_other_row"):
            meta["dataLossFromOtherRow"] = True
        if self.settings.get("sampling"):
            meta["samplingMetadatas"] = [{"samplesReadCount": "1000",
                                          "samplingSpaceSize": "50000"}]
        return meta

    def _aggregations(self, rows: list[tuple[list[str], list[str]]]) -> dict[str, Any]:
        """``totals``/``maximums``/``minimums`` as asked: one row per range."""
        asked = self.body.get("metricAggregations") or []
        if not isinstance(asked, list) or any(a not in AGGREGATIONS for a in asked):
            raise ValueError(f"metricAggregations must be a list of {sorted(AGGREGATIONS)}")
        found: dict[str, Any] = {}
        for aggregation in asked:
            key, label = AGGREGATIONS[aggregation]
            found[key] = [self._aggregate(aggregation, label, name, rows)
                          for name, _seed, _days in self.ranges]
        return found

    def _aggregate(self, aggregation: str, label: str, range_name: str,
                   rows: list[tuple[list[str], list[str]]]) -> dict[str, Any]:
        in_range = [mets for dims, mets in rows
                    if DATE_RANGE not in self.dimensions or dims[-1] == range_name]
        dims = [range_name if name == DATE_RANGE else label for name in self.dimensions]
        values = []
        for index, metric in enumerate(self.metrics):
            column = [float(mets[index]) for mets in in_range] or [0.0]
            if aggregation == "MAXIMUM":
                value = max(column)
            elif aggregation == "MINIMUM":
                value = min(column)
            elif "sers" in metric and len(column) > 1:  # users count once in a total
                value = max(max(column), sum(column) * 2 // 3)
            else:
                value = sum(column)
            values.append(_number_text(metric, value))
        return _row(dims, values)

    def _ranges(self) -> list[tuple[str, str, list[str]]]:
        """(range name, seed label, the days it covers) for each date or minute range."""
        if self.realtime:
            return self._minute_ranges()
        ranges = self.body.get("dateRanges")
        if not isinstance(ranges, list) or not ranges:
            raise ValueError("dateRanges is required")
        if len(ranges) > MAX_DATE_RANGES:
            raise ValueError(f"Requests are limited to {MAX_DATE_RANGES} date ranges.")
        today = dt.date.today()
        found = []
        for name, entry in zip(_range_names(ranges), ranges, strict=True):
            start, end = _day(entry["startDate"], today), _day(entry["endDate"], today)
            if end < start:
                raise ValueError("endDate is before startDate")
            days = [(start + dt.timedelta(d)).strftime("%Y%m%d")
                    for d in range((end - start).days + 1)]
            found.append((name, f"{start}..{end}", days))
        return found

    def _minute_ranges(self) -> list[tuple[str, str, list[str]]]:
        ranges = self.body.get("minuteRanges") or [{}]
        if not isinstance(ranges, list) or len(ranges) > MAX_MINUTE_RANGES:
            raise ValueError(f"Requests are limited to {MAX_MINUTE_RANGES} minute ranges.")
        for entry in ranges:
            start = entry.get("startMinutesAgo", MAX_MINUTES_AGO)
            end = entry.get("endMinutesAgo", 0)
            if not (isinstance(start, int) and isinstance(end, int) and
                    0 <= end <= start <= MAX_MINUTES_AGO):
                raise ValueError(f"minuteRanges: need 0 <= endMinutesAgo <= startMinutesAgo <= "
                                 f"{MAX_MINUTES_AGO}, got {start} and {end}")
        return [(name, "realtime" if index == 0 else f"realtime-{index}", [])
                for index, name in enumerate(_range_names(ranges))]

    def _rows(self) -> list[tuple[list[str], list[str]]]:
        per_slot = int(self.settings.get(
            "realtime_rows" if self.realtime else "rows_per_day", 3))
        free = [name for name in self.requested if name not in (*DATE_DIMENSIONS, "hour")]
        if not free and "hour" not in self.requested and "dateHour" not in self.requested:
            per_slot = 1  # nothing to break the totals down by
        by_day = any(name in DATE_DIMENSIONS for name in self.requested)
        rows = []
        for name, seed, days in self.ranges:
            for day in days if by_day else [None]:
                slot = [self._slot_row(name, seed, day, index) for index in range(per_slot)]
                rows += self._quirks(slot, free, seed)
        return rows

    def _slot_row(self, name: str, seed: str, day: str | None, index: int
                  ) -> tuple[list[str], list[str]]:
        dims = [name if dim == DATE_RANGE else self._dimension(dim, index, day)
                for dim in self.dimensions]
        return dims, self._metric_values(seed, dims)

    def _quirks(self, slot: list[tuple[list[str], list[str]]], free: list[str], label: str
                ) -> list[tuple[list[str], list[str]]]:
        """``(not set)`` in the first row and an ``(other)`` row, when the settings ask."""
        if not free:
            return slot
        first = self.dimensions.index(free[0])
        if self.settings.get("not_set_rows"):
            dims = list(slot[0][0])
            dims[first] = "(not set)"
            slot[0] = (dims, self._metric_values(label, dims))
        if self.settings.get("data_loss_from_other_row"):
            dims = ["(other)" if name in free else value
                    for name, value in zip(self.dimensions, slot[0][0], strict=True)]
            slot.append((dims, self._metric_values(label, dims)))
        return slot

    def _dimension(self, name: str, index: int, day: str | None) -> str:
        if name == "date":
            return day or ""
        if name == "dateHour":
            return f"{day or ''}{index % 24:02d}"
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
                values.append(_number_text(name, rng.uniform(0, 400)))
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


def _number_text(metric: str, value: float) -> str:
    if _metric_type(metric) == "TYPE_INTEGER":
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _row(dims: list[str], mets: list[str]) -> dict[str, Any]:
    return {"dimensionValues": [{"value": v} for v in dims],
            "metricValues": [{"value": v} for v in mets]}
