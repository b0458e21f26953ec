"""A Webtrends Data Extraction API double: key metrics and reports, v2 and v3.

Routes (under ``/ws.webtrends.com``)::

    /v2_0/ReportService/keymetrics/<profile>/           v2 key metrics (v2_1 too)
    /v2_0/ReportService/profiles/<profile>/reports/<id>  v2 report
    /v3/Reporting/profiles/<profile>/Keymetrics/         v3 key metrics
    /v3/Reporting/profiles/<profile>/reports/<id>        v3 report

Query: ``start_period`` and ``end_period`` (``2018m08d10``, ``2018m08d10h13``,
``current_day-1``, ``current_hour-1``; relative periods count from the sandbox's clock),
``format=json``. Every request needs HTTP Basic auth; with ``services.webtrends.user`` /
``password`` set, other credentials get a 401. ``services.webtrends.rows`` sets how many rows
a report has (default 4). Numbers come from a generator seeded by the request, so the same
request always gets the same answer.

Which documentation each behaviour follows:

- Basic auth with ``ACCOUNT\\USER`` and the ``start_period``/``end_period`` syntax follow the
  surviving DX documents (help.webtrends.com/en/dxapi/parameters_dx.html;
  onpremises.webtrends.help/docs/authentication-and-access-to-data).
- No surviving document shows the JSON answers; their shapes follow the original
  collector's parsers and test fixtures (alphagov/performanceplatform-collector,
  ``webtrends/keymetrics.py`` and ``reports.py``). Its key-metrics parsers skip null rows: a v2 hour
  and a v3 day that lie after the sandbox's clock (no data yet) answer ``null`` in place
  of a row (the v3 one under its profile id in ``SubRows``), and v2 leaves out about one
  hour in twenty the same way.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
import re
from typing import Any

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.server import Request, Response, Service, json_response
from performanceplatform.utils import clock

HOST = "/ws.webtrends.com"
ROUTES = (
    ("v2", "keymetrics", re.compile(r"^/v2_[01]/ReportService/keymetrics/([^/]+)/?$")),
    ("v2", "report", re.compile(r"^/v2_[01]/ReportService/profiles/([^/]+)/reports/([^/]+)/?$")),
    ("v3", "keymetrics", re.compile(r"^/v3/Reporting/profiles/([^/]+)/[Kk]eymetrics/?$")),
    ("v3", "report", re.compile(r"^/v3/Reporting/profiles/([^/]+)/reports/([^/]+)/?$")),
)
DAY = re.compile(r"^(\d{4})m(\d{2})d(\d{2})(?:h(\d{2}))?$")
RELATIVE = re.compile(r"^current_(day|hour)(?:-(\d+))?$")
ROW_NAMES = ("Mozilla", "Google Chrome", "Safari", "Microsoft Edge", "Samsung Internet",
             "Opera", "Microsoft Internet Explorer", "Android Browser", "Firefox", "Other")
V2_MEASURES = ("Page Views", "Visits", "Visitors", "Bounce Rate", "Avg. Time on Site",
               "Avg. Visitors per Day", "Page Views per Visit", "New Visitors")
V3_MEASURES = ("PageViews", "Visits", "Visitors", "NewVisitors", "BounceRate", "AvgTimeonSite",
               "AvgVisitorsperDay", "PageViewsperVisit", "AvgTimeonSiteperVisitor")
RATES = {"Bounce Rate", "BounceRate"}


class PeriodError(ValueError):
    pass


def parse_period(text: str | None, end: bool, now: dt.datetime) -> tuple[dt.datetime, bool]:
    """``(first hour, hourly?)`` of a period; an end day reaches to its last hour."""
    if not text:
        raise PeriodError("start_period and end_period are required")
    match = DAY.match(text)
    if match:
        year, month, day, hour = match.groups()
        try:
            value = dt.datetime(int(year), int(month), int(day), int(hour or 0))
        except ValueError as exc:
            raise PeriodError(f"bad period {text!r}: {exc}")
        if hour is None and end:
            value += dt.timedelta(hours=23)
        return value, hour is not None
    match = RELATIVE.match(text)
    if not match:
        raise PeriodError(f"bad period {text!r}")
    unit, back = match.group(1), int(match.group(2) or 0)
    base = now.replace(tzinfo=None, minute=0, second=0, microsecond=0)
    if unit == "hour":
        return base - dt.timedelta(hours=back), True
    day = base.replace(hour=0) - dt.timedelta(days=back)
    return day + dt.timedelta(hours=23 if end else 0), False


def seeded(*parts: Any) -> random.Random:
    digest = hashlib.sha256("|".join(map(str, parts)).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _measures(rng: random.Random, names: tuple[str, ...], as_float: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in names:
        if name in RATES:
            values[name] = round(rng.uniform(5, 95), 4)
        elif name.startswith("Avg") or "per" in name:
            values[name] = rng.uniform(1, 2000)
        else:
            count = rng.randint(100, 60000)
            values[name] = float(count) if as_float else count
    return values


def _hours(first: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
    hours = []
    while first <= last and len(hours) < 24 * 400:
        hours.append(first)
        first += dt.timedelta(hours=1)
    return hours


def _days(first: dt.datetime, last: dt.datetime) -> list[dt.date]:
    days, day = [], first.date()
    while day <= last.date() and len(days) < 400:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


class Webtrends(Service):
    name = "webtrends"
    prefixes = (HOST + "/",)

    def __init__(self, config: SandboxConfig):
        self.config = config


    def handle(self, request: Request) -> Response:
        if request.method != "GET":
            return json_response({"Error": "method not allowed"}, 405)
        if not self._authorised(request):
            return json_response({"Error": "Unauthorized", "Status": 401}, 401,
                                 {"WWW-Authenticate": 'Basic realm="Webtrends DX"'})
        path = request.path[len(HOST):]
        for version, kind, pattern in ROUTES:
            match = pattern.match(path)
            if match:
                return self._answer(request, version, kind, match.groups())
        return json_response({"Error": f"no such resource {path}", "Status": 404}, 404)

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization") or ""
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode("latin-1").partition(":")
        except ValueError:
            return False
        wanted = self.settings
        if "user" in wanted and user != wanted["user"]:
            return False
        if "password" in wanted and password != wanted["password"]:
            return False
        return bool(user)

    def _answer(self, request: Request, version: str, kind: str, ids: tuple) -> Response:
        now = clock.now()
        try:
            first, hourly = parse_period(request.arg("start_period"), False, now)
            last, _ = parse_period(request.arg("end_period") or request.arg("start_period"),
                                   True, now)
        except PeriodError as exc:
            return json_response({"Error": str(exc), "Status": 400}, 400)
        rng_key = (request.path, first, last)
        if kind == "keymetrics":
            data = (keymetrics_v2 if version == "v2" else keymetrics_v3)(
                first, last, hourly, now, rng_key)
            definition = {"accountID": 12345, "profileID": ids[0], "name": "KeyMetrics"}
        else:
            rows = int(self.settings.get("rows", 4))
            data = (report_v2 if version == "v2" else report_v3)(first, last, rows, rng_key)
            definition = {"accountID": 12345, "profileID": ids[0], "ID": ids[1],
                          "name": f"Report {ids[1]}"}
        return json_response({"definition": definition, "data": data})


def keymetrics_v2(first: dt.datetime, last: dt.datetime, hourly: bool, now: dt.datetime,
                  key: tuple) -> dict[str, Any]:
    """``{"<range>": {"measures", "SubRows": {"MM/DD/YYYY HH": row or null}}}``."""
    rng = seeded("keymetrics-v2", *key)
    sub_rows: dict[str, Any] = {}
    for hour in _hours(first, last):
        future = hour >= now.replace(tzinfo=None)
        missing = future or rng.random() < 0.05
        row = None if missing else {"measures": _measures(rng, V2_MEASURES, True),
                                    "SubRows": None}
        sub_rows[hour.strftime("%m/%d/%Y %H")] = row
    label = f"{first:%m/%d/%Y %H}-{last:%m/%d/%Y %H}"
    return {label: {"measures": _measures(rng, V2_MEASURES, True), "SubRows": sub_rows}}


def keymetrics_v3(first: dt.datetime, last: dt.datetime, hourly: bool, now: dt.datetime,
                  key: tuple) -> list[dict[str, Any]]:
    """One element per day (``period`` Day, or Hour for an hourly period)."""
    rng = seeded("keymetrics-v3", *key)
    profile = key[0].rstrip("/").split("/")[-2]
    items = []
    for day in _days(first, last):
        measures = _measures(rng, V3_MEASURES, False)
        row = None if day > now.date() else {"attributes": {}, "measures": dict(measures),
                                             "SubRows": None}
        items.append({
            "period": "Hour" if hourly else "Day", "start_date": day.isoformat(),
            "end_date": day.isoformat(), "attributes": {}, "measures": measures,
            "SubRows": {profile: row}})
    return items


def _report_rows(rng: random.Random, count: int, as_float: bool) -> dict[str, Any]:
    names = rng.sample(ROW_NAMES, min(max(count, 0), len(ROW_NAMES)))
    return {name: {"measures": _measures(rng, ("Visits", "Hits"), as_float), "SubRows": None}
            for name in names}


def _totals(rows: dict[str, Any]) -> dict[str, Any]:
    return {m: sum(r["measures"][m] for r in rows.values()) for m in ("Visits", "Hits")}


def report_v2(first: dt.datetime, last: dt.datetime, count: int, key: tuple) -> dict[str, Any]:
    """``{"MM/DD/YYYY-MM/DD/YYYY": {"SubRows": {name: row}, "measures": totals}}``."""
    rows = _report_rows(seeded("report-v2", *key), count, True)
    label = f"{first:%m/%d/%Y}-{last:%m/%d/%Y}"
    return {label: {"SubRows": rows, "measures": _totals(rows)}}


def report_v3(first: dt.datetime, last: dt.datetime, count: int, key: tuple
              ) -> list[dict[str, Any]]:
    """``[{"period", "start_date", "end_date", "measures", "SubRows": [{name: row}]}]``."""
    rows = _report_rows(seeded("report-v3", *key), count, False)
    period = "Day" if first.date() == last.date() else "Range"
    return [{"period": period, "start_date": first.date().isoformat(),
             "end_date": last.date().isoformat(), "attributes": {},
             "measures": _totals(rows), "SubRows": [rows]}]
