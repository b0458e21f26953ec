"""Simulated Piwik/Matomo Reporting API: ``index.php?module=API&method=...``.

Served at ``/piwik.example.service.gov.uk/index.php`` and ``/matomo.example.service.gov.uk/
index.php`` (point the credentials' ``url`` there, or at ``https://<that host>/index.php``
with ``PP_COLLECTOR_SANDBOX_URL`` set). Parameters are read from the query string and from a
form body alike, so ``token_auth`` may come by GET or POST.

- Reports (``DevicesDetection.getBrowsers``, ``UserSettings.getBrowserVersion``,
  ``DevicesDetection.getType``, any other ``Module.getX``): ``period`` day/week/month/range,
  ``date`` ``YYYY-MM-DD``, ``A,B``, ``previousN``, ``lastN``, ``today``, ``yesterday``. A
  multi-period date answers an object keyed by period (``2015-02-13``, ``From 2015-02-02 to
  2015-02-08``, ``2015-02``); a single date or ``period=range`` answers the rows alone.
  Rows are drawn from a generator seeded by the site, method and period.
  ``Goals.get`` answers one object per period instead of a list of rows.
- ``Live.getCounters`` (``lastMinutes``): ``[{"visits", "actions", "visitors",
  "visitsConverted"}]`` as strings.
- Errors come as HTTP 200 ``{"result": "error", "message": ...}``, as Matomo sends them: a
  wrong token, an unknown method, a bad date or period.

Tokens: any ``token_auth`` is accepted except ``bad-token``; ``post-only-token`` is refused
when sent in the URL (a Matomo 5 "POST only" token). Settings in
``config.services["piwik"]``: ``tokens`` (accept only these), ``post_only_tokens``,
``week_labels`` (``"from-to"``, the default and the 2015 shape, or ``"comma"``, believed to
be today's Matomo shape), ``rows`` (rows per period, default 4, at most 10).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from dateutil.relativedelta import relativedelta

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.server import Request, Response, Service, json_response
from performanceplatform.utils import clock

HOSTS = ("piwik.example.service.gov.uk", "matomo.example.service.gov.uk")
BROWSERS = ("Chrome 68.0", "Safari 11.1", "Firefox 61.0", "Internet Explorer 11.0",
            "Microsoft Edge 17.17134", "Samsung Browser 7.2", "Mobile Safari 11.0",
            "Chrome Mobile 68.0", "Opera 54.0", "Unknown")
DEVICES = ("Desktop", "Smartphone", "Tablet", "Phablet", "Unknown")
PERIODS = ("day", "week", "month", "year", "range")


class PiwikError(Exception):
    """An error Matomo would answer as ``{"result": "error"}``."""


def _error(message: str) -> Response:
    return json_response({"result": "error", "message": message})


class Piwik(Service):
    name = "piwik"
    prefixes = tuple(f"/{host}/" for host in HOSTS)

    def __init__(self, config: SandboxConfig):
        self.config = config


    def handle(self, request: Request) -> Response:
        if not request.path.endswith("/index.php"):
            return json_response({"result": "error", "message": "not found"}, 404)
        if request.arg("module") != "API":
            return _error("The module parameter must be API")
        refusal = self._refusal(request)
        if refusal:
            return _error(refusal)
        method = request.arg("method") or ""
        try:
            return json_response(self._answer(method, request))
        except PiwikError as exc:
            return _error(str(exc))

    def _refusal(self, request: Request) -> str | None:
        token = request.arg("token_auth")
        allowed = self.settings.get("tokens")
        if not token or token == "bad-token" or (allowed is not None and token not in allowed):
            return ("You can't access this resource as it requires 'view' access for the "
                    f"website id = {request.arg('idSite')}.")
        in_url = any(key == "token_auth" for key, _ in request.query)
        post_only = self.settings.get("post_only_tokens", ["post-only-token"])
        if in_url and token in post_only:
            return "This token can only be used in a POST request (token_auth in the body)."
        return None

    def _answer(self, method: str, request: Request) -> Any:
        site = request.arg("idSite") or ""
        if not site.isdigit():
            raise PiwikError("Please specify a value for 'idSite'.")
        if method == "Live.getCounters":
            return _counters(site, request.arg("lastMinutes") or "30")
        if "." not in method or not method.split(".", 1)[1].startswith("get"):
            raise PiwikError(f"The method '{method}' does not exist or is not available in "
                             "the module.")
        period = request.arg("period") or ""
        if period not in PERIODS:
            raise PiwikError("The period is not valid: day, week, month, year or range.")
        dates, keyed = _dates(request.arg("date") or "", period)
        labels = self.settings.get("week_labels", "from-to")
        if not keyed:
            return self._report(method, site, period, dates[0], dates[-1])
        answer = {}
        for first in dates:
            last = _period_end(first, period)
            answer[_label(first, last, period, labels)] = self._report(
                method, site, period, first, last)
        return answer

    def _report(self, method: str, site: str, period: str, first: dt.date,
                last: dt.date) -> Any:
        rng = random.Random(_seed("report", site, method, period, first, last))
        if method == "Goals.get":
            conversions = rng.randint(100, 900)
            return {"nb_conversions": conversions, "nb_visits_converted": conversions,
                    "conversion_rate": round(rng.uniform(5, 25), 2), "revenue": 0}
        names = DEVICES if "Type" in method or "Device" in method.split(".")[1] else BROWSERS
        count = max(0, min(int(self.settings.get("rows", 4)), len(names)))
        return [_row(rng, label) for label in rng.sample(list(names), count)]


def _row(rng: random.Random, label: str) -> dict[str, Any]:
    visits = rng.randint(100, 6000)
    return {
        "label": label, "nb_uniq_visitors": rng.randint(visits // 2, visits),
        "nb_visits": visits, "nb_actions": visits * rng.randint(1, 6),
        "max_actions": rng.randint(5, 120), "sum_visit_length": visits * rng.randint(30, 500),
        "bounce_count": rng.randint(0, visits), "nb_visits_converted": rng.randint(0, visits),
        "segment": "", "logo": f"plugins/Morpheus/icons/dist/{label.split()[0].lower()}.png",
    }


def _counters(site: str, minutes: str) -> list[dict[str, str]]:
    if not minutes.isdigit() or not 1 <= int(minutes) <= 2880:
        raise PiwikError("lastMinutes must be between 1 and 2880.")
    rng = random.Random(_seed("live", site, minutes))
    visitors = rng.randint(1, 40) * int(minutes)
    visits = visitors + rng.randint(0, visitors // 4 + 1)
    return [{"visits": str(visits), "actions": str(visits * rng.randint(1, 4)),
             "visitors": str(visitors), "visitsConverted": str(rng.randint(0, visits // 5))}]


def _seed(*parts: Any) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def _parse_date(text: str) -> dt.date:
    today = clock.today()
    named = {"today": today, "yesterday": today - dt.timedelta(days=1)}
    if text in named:
        return named[text]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PiwikError(f"The date '{text}' is not a correct date.")


def _dates(value: str, period: str) -> tuple[list[dt.date], bool]:
    """The first day of each period asked for, and whether the answer is keyed by period."""
    if period == "range":
        first, _, last = value.partition(",")
        return [_parse_date(first), _parse_date(last or first)], False
    for prefix in ("previous", "last"):
        if value.startswith(prefix) and value[len(prefix):].isdigit():
            count = int(value[len(prefix):])
            current = _align(clock.today(), period)
            if prefix == "previous":
                current = _step(current, period, -1)
            return [_step(current, period, -n) for n in reversed(range(count))], True
    if "," in value:
        first, last = (_parse_date(part) for part in value.split(",", 1))
        if first > last:
            raise PiwikError("The date range is not valid: the start is after the end.")
        dates = [_align(first, period)]
        while _step(dates[-1], period, 1) <= last:
            dates.append(_step(dates[-1], period, 1))
        return dates, True
    return [_align(_parse_date(value), period)], False


def _align(day: dt.date, period: str) -> dt.date:
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "year":
        return day.replace(month=1, day=1)
    return day


def _step(day: dt.date, period: str, count: int) -> dt.date:
    sizes = {"day": relativedelta(days=1), "week": relativedelta(weeks=1),
             "month": relativedelta(months=1), "year": relativedelta(years=1)}
    return day + sizes[period] * count


def _period_end(first: dt.date, period: str) -> dt.date:
    return _step(first, period, 1) - dt.timedelta(days=1)


def _label(first: dt.date, last: dt.date, period: str, week_labels: str) -> str:
    if period == "week":
        if week_labels == "comma":
            return f"{first.isoformat()},{last.isoformat()}"
        return f"From {first.isoformat()} to {last.isoformat()}"
    if period == "month":
        return first.strftime("%Y-%m")
    if period == "year":
        return first.strftime("%Y")
    return first.isoformat()
