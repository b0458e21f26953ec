"""Simulated Google Analytics Core Reporting API v3 and Real Time Reporting API v3.

Served under both of Google's hosts for it::

    GET /www.googleapis.com/analytics/v3/data/ga          (and /analytics.googleapis.com/...)
    GET /www.googleapis.com/analytics/v3/data/realtime

``data/ga`` needs ``ids``, ``start-date``, ``end-date`` (``YYYY-MM-DD``) and ``metrics``;
``dimensions``, ``filters``, ``sort``, ``segment``, ``start-index`` (1-based) and
``max-results`` are understood. Answers look like Google's (``query``, ``columnHeaders``,
``totalResults``, ``itemsPerPage``, ``nextLink``/``previousLink``, ``rows`` as text).

Rows are made up, deterministically from the request (never from the page asked for, so
pages of one report fit together): with a date-like dimension (``ga:date``, ``ga:day``,
``ga:month``, ``ga:year``) one group of rows per day of the range, else one group for the
whole range; a group has ``rows_per_day`` distinct combinations of the other dimensions
(one row when there are none). ``sort`` is applied; ``filters`` only change the seed.

Requests need ``Authorization: Bearer sandbox-access-...`` (what the simulated OAuth
endpoint issues), else 401 with Google's JSON error. The documentation each follows (the
APIs are retired; the pages are kept at https://developers.google.com/analytics/devguides/
reporting/): the answer's fields, ``kind`` ``analytics#gaData`` / ``analytics#realtimeData``
with ``columnHeaders`` and ``totalResults`` even without ``rows``, and ``nextLink`` paging
[core/v3/reference#data_response, realtime/v3/reference]; parameters and ``start-index``/
``max-results`` [core/v3/reference#q_summary]; errors ``{"error": {"errors": [{"domain",
"reason", "message"}], "code", "message"}}`` [core/v3/errors]. Settings
(``config.services["google_v3"]``):

``rows_per_day``  combinations per day / per range (default 3)
``page_size``     rows per page when ``max-results`` is not given (default 1000)
``active_users``  fixes the realtime count (default: made up from the request)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any
from urllib.parse import urlencode

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.server import Request, Response, Service, json_response

HOSTS = ("/www.googleapis.com", "/analytics.googleapis.com")
DATA = "/analytics/v3/data/ga"
REALTIME = "/analytics/v3/data/realtime"
ACCESS_PREFIX = "sandbox-access-"
MAX_PAGE = 10000
DATE_LIKE = ("ga:date", "ga:day", "ga:month", "ga:year")

VOCABULARY = {
    "ga:browser": ["Chrome", "Safari", "Firefox", "Edge", "Internet Explorer",
                   "Samsung Internet", "Opera", "UC Browser"],
    "ga:browserVersion": ["68.0.3440.106", "11.1", "61.0", "17.17134", "11.0", "7.2.5.1",
                          "54.0.2952.64", "12.9.7.1158"],
    "ga:operatingSystem": ["Windows", "iOS", "Android", "Macintosh", "Linux", "Chrome OS"],
    "ga:operatingSystemVersion": ["10", "7", "11.4.1", "8.0.0", "10.13.6", "(not set)"],
    "ga:deviceCategory": ["desktop", "mobile", "tablet"],
    "ga:userType": ["New Visitor", "Returning Visitor"],
    "ga:country": ["United Kingdom", "Côte d'Ivoire", "United States", "España", "India"],
    "ga:city": ["London", "Manchester", "Zürich", "Kraków", "Belfast"],
    "ga:pageTitle": ["Vehicle tax - GOV.UK", "Renew your passport - GOV.UK",
                     "Café culture petition – Petitions", "Universal Credit: sign in",
                     "Create a petition - Petitions", "Find a job - GOV.UK"],
    "ga:pagePath": ["/vehicle-tax", "/renew-passport", "/petitions/123456",
                    "/sign-in-universal-credit", "/petitions/new", "/find-a-job"],
    "ga:eventCategory": ["navigation", "search", "form-error", "transaction"],
    "ga:eventAction": ["click", "next", "back", "complete"],
    "ga:eventLabel": ["stage:information:start", "routing:search", "page:1:2", "help"],
    "ga:hour": [f"{hour:02d}" for hour in range(24)],
}
RATE_WORDS = ("avg", "Rate", "PerSession", "percent", "Per")


class GoogleAnalyticsV3(Service):
    name = "google_v3"
    prefixes = HOSTS

    def __init__(self, config: SandboxConfig):
        self.config = config


    def claims(self, request: Request) -> bool:
        return any(request.path.startswith(host + "/analytics/v3/") for host in HOSTS)

    def handle(self, request: Request) -> Response:
        if not (request.bearer or "").startswith(ACCESS_PREFIX):
            return google_error(401, "authError", "Invalid Credentials",
                                {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
        if request.method != "GET":
            return google_error(405, "httpMethodNotAllowed", "Use GET")
        host, _, path = request.path[1:].partition("/")
        try:
            if "/" + path == DATA:
                return json_response(Report(request, host, self.settings).answer())
            if "/" + path == REALTIME:
                return json_response(realtime_answer(request, self.settings))
        except BadRequest as exc:
            return google_error(400, exc.reason, str(exc))
        return google_error(404, "notFound", f"Not Found: {request.path}")


class BadRequest(Exception):
    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def google_error(status: int, reason: str, message: str,
                 headers: dict[str, str] | None = None) -> Response:
    domain = "global" if status != 403 else "usageLimits"
    body = {"error": {"errors": [{"domain": domain, "reason": reason, "message": message}],
                      "code": status, "message": message}}
    return json_response(body, status, headers)


def _names(value: str | None) -> list[str]:
    return [name for name in (value or "").split(",") if name]


def _required(request: Request, name: str) -> str:
    value = request.arg(name)
    if not value:
        raise BadRequest("required", f"Required parameter: {name}")
    return value


def _date(request: Request, name: str) -> dt.date:
    value = _required(request, name)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest("invalidParameter", f"Invalid value '{value}' for {name} parameter")


def _positive(request: Request, name: str, default: int) -> int:
    value = request.arg(name)
    if value is None:
        return default
    if not value.isdigit() or int(value) < 1:
        raise BadRequest("invalidParameter", f"Invalid value '{value}' for {name} parameter")
    return int(value)


def _seed(request: Request, skip: tuple[str, ...] = ("start-index", "max-results", "alt")
          ) -> int:
    kept = sorted((k, v) for k, v in request.query if k not in skip)
    return int.from_bytes(hashlib.sha256(repr(kept).encode("utf-8")).digest()[:8], "big")


class Report:
    """One ``data/ga`` answer."""

    def __init__(self, request: Request, host: str, settings: dict[str, Any]):
        self.host = host
        self.ids = _required(request, "ids")
        self.start, self.end = _date(request, "start-date"), _date(request, "end-date")
        if self.start > self.end:
            raise BadRequest("invalidParameter", "start-date must be before end-date")
        self.metrics = _names(_required(request, "metrics"))
        self.dimensions = _names(request.arg("dimensions"))
        self.sort = _names(request.arg("sort"))
        self.filters, self.segment = request.arg("filters"), request.arg("segment")
        self.start_index = _positive(request, "start-index", 1)
        self.max_results = min(_positive(request, "max-results",
                                         int(settings.get("page_size", 1000))), MAX_PAGE)
        self.asked_max = request.arg("max-results") is not None
        self.per_day = int(settings.get("rows_per_day", 3))
        self.seed = _seed(request)
        self._check_names()

    def _check_names(self) -> None:
        for name in self.metrics + self.dimensions:
            if not name.startswith("ga:"):
                raise BadRequest("invalidParameter", f"Invalid dimension or metric: {name}")
        for name in self.sort:
            if name.lstrip("-") not in self.metrics + self.dimensions:
                raise BadRequest("invalidParameter",
                                 f"Sort key {name} is not a dimension or metric in the query")

    def answer(self) -> dict[str, Any]:
        rows = self.rows()
        page = rows[self.start_index - 1:self.start_index - 1 + self.max_results]
        body: dict[str, Any] = {
            "kind": "analytics#gaData",
            "id": self.link(self.start_index),
            "query": self.echo(),
            "itemsPerPage": self.max_results,
            "totalResults": len(rows),
            "selfLink": self.link(self.start_index),
            "profileInfo": {"profileId": self.ids.replace("ga:", ""), "tableId": self.ids,
                            "profileName": "All Web Site Data"},
            "containsSampledData": False,
            "columnHeaders": self.headers(),
            "totalsForAllResults": self.totals(rows),
        }
        if self.start_index - 1 + self.max_results < len(rows):
            body["nextLink"] = self.link(self.start_index + self.max_results)
        if self.start_index > 1:
            body["previousLink"] = self.link(max(1, self.start_index - self.max_results))
        if page:
            body["rows"] = page
        return body

    def echo(self) -> dict[str, Any]:
        echoed: dict[str, Any] = {"start-date": self.start.isoformat(),
                                  "end-date": self.end.isoformat(), "ids": self.ids}
        if self.dimensions:
            echoed["dimensions"] = ",".join(self.dimensions)
        echoed["metrics"] = self.metrics
        if self.sort:
            echoed["sort"] = self.sort
        if self.filters:
            echoed["filters"] = self.filters
        if self.segment:
            echoed["segment"] = self.segment
        echoed.update({"start-index": self.start_index, "max-results": self.max_results})
        return echoed

    def link(self, start_index: int) -> str:
        params = [("ids", self.ids)]
        if self.dimensions:
            params.append(("dimensions", ",".join(self.dimensions)))
        params.append(("metrics", ",".join(self.metrics)))
        for name, value in (("sort", ",".join(self.sort)), ("filters", self.filters),
                            ("segment", self.segment)):
            if value:
                params.append((name, value))
        params += [("start-date", self.start.isoformat()), ("end-date", self.end.isoformat()),
                   ("start-index", str(start_index)), ("max-results", str(self.max_results))]
        return f"https://{self.host}{DATA}?" + urlencode(params, safe=":,/")

    def headers(self) -> list[dict[str, str]]:
        return ([{"name": d, "columnType": "DIMENSION", "dataType": "STRING"}
                 for d in self.dimensions] +
                [{"name": m, "columnType": "METRIC", "dataType": _metric_type(m)}
                 for m in self.metrics])

    def totals(self, rows: list[list[str]]) -> dict[str, str]:
        width = len(self.dimensions)
        totals = {}
        for index, metric in enumerate(self.metrics):
            total = sum(float(row[width + index]) for row in rows)
            totals[metric] = _metric_text(metric, total)
        return totals

    def rows(self) -> list[list[str]]:
        days = self._days() if any(d in DATE_LIKE for d in self.dimensions) else [None]
        rows = []
        for day in days:
            for combo in self._combinations(day):
                rows.append(self._row(day, combo))
        return self._sorted(rows)

    def _days(self) -> list[dt.date]:
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=n) for n in range(count)]

    def _free_dimensions(self) -> list[str]:
        return [d for d in self.dimensions if d not in DATE_LIKE]

    def _combinations(self, day: dt.date | None) -> list[tuple[str, ...]]:
        free = self._free_dimensions()
        if not free:
            return [()]
        rng = random.Random(f"{self.seed}:{day}")
        choices = [VOCABULARY.get(d) or [f"{d[3:]} {n}" for n in range(1, 9)] for d in free]
        possible = 1
        for values in choices:
            possible *= len(values)
        combos: list[tuple[str, ...]] = []
        while len(combos) < min(self.per_day, possible):
            combo = tuple(rng.choice(values) for values in choices)
            if combo not in combos:
                combos.append(combo)
        return combos

    def _row(self, day: dt.date | None, combo: tuple[str, ...]) -> list[str]:
        free = iter(combo)
        cells = [_date_cell(d, day) if d in DATE_LIKE else next(free) for d in self.dimensions]
        rng = random.Random(f"{self.seed}:{day}:{combo}")
        return cells + [_metric_text(m, _metric_value(m, rng)) for m in self.metrics]

    def _sorted(self, rows: list[list[str]]) -> list[list[str]]:
        columns = self.dimensions + self.metrics
        for name in reversed(self.sort):
            index = columns.index(name.lstrip("-"))
            numeric = name.lstrip("-") in self.metrics
            rows.sort(key=lambda row, i=index, n=numeric: float(row[i]) if n else row[i],
                      reverse=name.startswith("-"))
        return rows


def _date_cell(name: str, day: dt.date | None) -> str:
    assert day is not None
    return {"ga:date": day.strftime("%Y%m%d"), "ga:day": day.strftime("%d"),
            "ga:month": day.strftime("%m"), "ga:year": day.strftime("%Y")}[name]


def _is_rate(metric: str) -> bool:
    return any(word in metric for word in RATE_WORDS)


def _metric_type(metric: str) -> str:
    if "Duration" in metric or "avgTime" in metric:
        return "TIME"
    return "PERCENT" if _is_rate(metric) else "INTEGER"


def _metric_value(metric: str, rng: random.Random) -> float:
    if _is_rate(metric):
        return round(rng.uniform(1, 400), 6)
    return float(rng.randint(1, 50000))


def _metric_text(metric: str, value: float) -> str:
    if _is_rate(metric):
        return repr(round(value, 6))
    return str(int(value))


def realtime_answer(request: Request, settings: dict[str, Any]) -> dict[str, Any]:
    ids = _required(request, "ids")
    metrics = _names(_required(request, "metrics"))
    rng = random.Random(_seed(request))
    count = settings.get("active_users")
    count = int(count) if count is not None else rng.randint(1, 5000)
    query: dict[str, Any] = {"ids": ids, "metrics": metrics, "max-results": 1000}
    if request.arg("filters"):
        query["filters"] = request.arg("filters")
    return {
        "kind": "analytics#realtimeData",
        "query": query,
        "totalResults": 1,
        "profileInfo": {"profileId": ids.replace("ga:", ""), "tableId": f"realtime:{ids[3:]}"},
        "columnHeaders": [{"name": m, "columnType": "METRIC", "dataType": "INTEGER"}
                          for m in metrics],
        "totalsForAllResults": {m: str(count) for m in metrics},
        "rows": [[str(count)] * len(metrics)],
    }
