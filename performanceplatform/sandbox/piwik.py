"""Simulated Piwik/Matomo Reporting API: ``index.php?module=API&method=...``.

Served at ``/piwik.example.service.gov.uk/index.php`` and ``/matomo.example.service.gov.uk/
index.php`` (point the credentials' ``url`` there, or at ``https://<that host>/index.php``
with ``PP_COLLECTOR_SANDBOX_URL`` set). It behaves as Matomo 5.2 by default; the setting
``version`` makes it an older Matomo or Piwik. Each behaviour and the documentation it
follows:

- Parameters come from the query string and from a form body alike, so ``token_auth`` may
  come by GET or POST (developer.matomo.org/api-reference/reporting-api recommends a POST
  with ``token_auth`` in the body).
- Reports (``DevicesDetection.getBrowsers``, ``UserSettings.getBrowserVersion``,
  ``DevicesDetection.getType``, any other ``Module.getX``): ``period`` day/week/month/year/
  range, ``date`` ``YYYY-MM-DD``, ``A,B``, ``previousN``, ``lastN``, ``today``,
  ``yesterday`` (reporting-api reference, "Standard API parameters"). A multi-period date
  answers an object keyed by period (``2015-02-13``, ``2015-02-02,2015-02-08``, ``2015-02``);
  a single date or ``period=range`` answers the rows alone. Rows are drawn from a generator
  seeded by the site, method and period, most visited first. ``Goals.get`` answers one
  object per period instead of a list of rows.
- Week keys are ``2015-02-02,2015-02-08`` since Matomo (then Piwik) 3.0 and were
  ``From 2015-02-02 to 2015-02-08`` before (matomo-org/matomo issue #7480, "API should not
  prettify labels when requesting period=week with many periods", fixed by PR #10381 for
  3.0). ``version`` below ``3`` gives the old keys, as does ``week_labels: "from-to"``
  (``"comma"`` forces today's).
- Row limit: a report answers at most ``filter_limit`` rows per period, 100 when the
  request has no ``filter_limit`` and all of them with ``filter_limit=-1``; ``filter_offset``
  skips rows (reporting-api reference: ``filter_limit``, ``-1`` for all; Matomo's config
  ``API_datatable_default_limit = 100``; "Default filter_limit now applies to all HTTP API
  methods (#8458)" in matomo.org/blog/2016/10/piwik-3-development-update-4-important-notes-
  breaking-changes). ``rows`` sets how many rows a report really has: a number, or an
  object by ``idSite`` (``{"7": 250}`` makes site 7 a large site); default 4.
- ``Live.getCounters`` (``lastMinutes`` 1 to 2880): ``[{"visits", "actions", "visitors",
  "visitsConverted"}]`` as strings (Matomo's ``plugins/Live/API.php``: "lastMinutes only
  accepts values between 1 and 2880").
- Errors are ``{"result": "error", "message": ...}``. A missing or refused token, or a token
  without view access to the site, is HTTP 401 since Matomo 5.0 (matomo-org/matomo PR
  #19813, "Return status code 401 for invalid tokens in API requests"; issue #18055); an
  unknown method is HTTP 400 since 5.2 (PR #22334, issue #21425); before those versions,
  and for other errors (a bad date or period), the status is 200.

Tokens: any ``token_auth`` is accepted except ``bad-token``; ``post-only-token`` is refused
when sent in the URL, like a Matomo 5 token made "only valid for secure requests"
(matomo.org/faq/general/faq_114). Settings in ``config.services["piwik"]``: ``version``
(default ``"5.2.0"``), ``tokens`` (accept only these), ``post_only_tokens``,
``week_labels``, ``rows``.
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
DEFAULT_VERSION = "5.2.0"
DEFAULT_ROWS = 4
DEFAULT_FILTER_LIMIT = 100  # Matomo's API_datatable_default_limit


class PiwikError(Exception):
    """An error Matomo answers as ``{"result": "error"}``: with HTTP ``status`` from Matomo
    ``since`` on, with 200 before."""

    def __init__(self, message: str, status: int = 200, since: str = "0"):
        super().__init__(message)
        self.status = status
        self.since = since


def no_access(message: str) -> PiwikError:
    return PiwikError(message, 401, "5.0")


def _version(text: Any) -> tuple[int, ...]:
    return tuple(int(part) for part in str(text).split(".") if part.isdigit())


class Piwik(Service):
    name = "piwik"
    prefixes = tuple(f"/{host}/" for host in HOSTS)

    def __init__(self, config: SandboxConfig):
        self.config = config

    def handle(self, request: Request) -> Response:
        if not request.path.endswith("/index.php"):
            return json_response({"result": "error", "message": "not found"}, 404)
        try:
            if request.arg("module") != "API":
                raise PiwikError("The module parameter must be API")
            self._check_token(request)
            return json_response(self._answer(request.arg("method") or "", request))
        except PiwikError as exc:
            status = exc.status if self._at_least(exc.since) else 200
            return json_response({"result": "error", "message": str(exc)}, status)

    def _at_least(self, version: str) -> bool:
        return _version(self.settings.get("version", DEFAULT_VERSION)) >= _version(version)

    def _check_token(self, request: Request) -> None:
        token = request.arg("token_auth")
        allowed = self.settings.get("tokens")
        if not token or token == "bad-token" or (allowed is not None and token not in allowed):
            raise no_access("You can't access this resource as it requires 'view' access for "
                            f"the website id = {request.arg('idSite')}.")
        in_url = any(key == "token_auth" for key, _ in request.query)
        post_only = self.settings.get("post_only_tokens", ["post-only-token"])
        if in_url and token in post_only:
            raise no_access("This token can only be used in a POST request (token_auth in the "
                            "body).")

    def _answer(self, method: str, request: Request) -> Any:
        site = request.arg("idSite") or ""
        if not site.isdigit():
            raise PiwikError("Please specify a value for 'idSite'.")
        if method == "Live.getCounters":
            return _counters(site, request.arg("lastMinutes") or "30")
        if "." not in method or not method.split(".", 1)[1].startswith("get"):
            raise PiwikError(f"The method '{method}' does not exist or is not available in "
                             "the module.", 400, "5.2")
        period = request.arg("period") or ""
        if period not in PERIODS:
            raise PiwikError("The period is not valid: day, week, month, year or range.")
        dates, keyed = _dates(request.arg("date") or "", period)
        window = _window(request)
        if not keyed:
            return window(self._report(method, site, period, dates[0], dates[-1]))
        labels = self._week_labels()
        answer = {}
        for first in dates:
            last = _period_end(first, period)
            answer[_label(first, last, period, labels)] = window(
                self._report(method, site, period, first, last))
        return answer

    def _week_labels(self) -> str:
        default = "comma" if self._at_least("3.0") else "from-to"
        return self.settings.get("week_labels", default)

    def _rows(self, site: str) -> int:
        rows = self.settings.get("rows", DEFAULT_ROWS)
        if isinstance(rows, dict):
            rows = rows.get(site, DEFAULT_ROWS)
        return max(0, int(rows))

    def _report(self, method: str, site: str, period: str, first: dt.date,
                last: dt.date) -> Any:
        rng = random.Random(_seed("report", site, method, period, first, last))
        if method == "Goals.get":
            conversions = rng.randint(100, 900)
            return {"nb_conversions": conversions, "nb_visits_converted": conversions,
                    "conversion_rate": round(rng.uniform(5, 25), 2), "revenue": 0}
        names = DEVICES if "Type" in method or "Device" in method.split(".")[1] else BROWSERS
        rows = [_row(rng, label) for label in _labels(rng, names, self._rows(site))]
        return sorted(rows, key=lambda row: -row["nb_visits"])


def _window(request: Request):
    """What ``filter_offset`` and ``filter_limit`` leave of a period's rows."""
    limit = _int_arg(request, "filter_limit", DEFAULT_FILTER_LIMIT)
    offset = max(0, _int_arg(request, "filter_offset", 0))

    def cut(rows: Any) -> Any:
        if not isinstance(rows, list):
            return rows
        return rows[offset:] if limit < 0 else rows[offset:offset + limit]

    return cut


def _int_arg(request: Request, name: str, default: int) -> int:
    value = request.arg(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise PiwikError(f"{name} must be a whole number, got '{value}'.")


def _labels(rng: random.Random, names: tuple[str, ...], count: int) -> list[str]:
    """``count`` distinct labels: the known names in a seeded order, then numbered ones."""
    if count <= len(names):
        return rng.sample(list(names), count)
    extra = [f"{names[i % len(names)]} ({i // len(names)})" for i in range(len(names), count)]
    return list(names) + extra


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
