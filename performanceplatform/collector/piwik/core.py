"""Piwik/Matomo periodic reports (``performanceplatform.collector.piwik.core``).

Matomo answers at most ``filter_limit`` rows per period, 100 when a request has none
(its ``API_datatable_default_limit``), so every request asks for all rows with
``filter_limit=-1`` unless the query sets its own ``filter_limit`` (a query key, or in
``api_method_arguments``, passed on as it is and winning, as every argument there does).
With a limit of its own, a period that comes back with exactly that many rows is logged
as a warning: its report may be cut.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from performanceplatform.collector.piwik.constants import QUERY_KEYS  # noqa: F401
from performanceplatform.pipeline.collector import Checks, Collector, Unit
from performanceplatform.pipeline.entrypoint import entrypoint
from performanceplatform.records.options import check_record_options
from performanceplatform.records.periods import DEFAULT_FREQUENCY
from performanceplatform.records.periods import TIME_SPANS as PERIODS

log = logging.getLogger(__name__)

ALL_ROWS = "-1"  # Matomo's filter_limit for "every row"


def validate(credentials: Any, query: Any, options: Any) -> None:
    """Every problem of the credentials, query and options, as one ``ConfigError``."""
    from performanceplatform.pipeline.runner import check as check_all

    check_all(Reports(None), credentials, query, options)


def check(query: Any, options: Any, credentials: Any, problems: Checks) -> None:
    """Record every problem of the credentials, query and options in ``problems``."""
    from performanceplatform.collector.piwik.client import check_credentials

    check_credentials(credentials, problems.credentials)
    found = problems.query
    query = query if isinstance(query, dict) else {}
    options = options if isinstance(options, dict) else {}
    found.text(query, "site_id", "query.site_id")
    found.text(query, "api_method", "query.api_method")
    found.one_of(query, "frequency", list(PERIODS), "query.frequency")
    arguments = query.get("api_method_arguments")
    if "api_method_arguments" in query and not isinstance(arguments, dict):
        found.add("query.api_method_arguments", "expected an object")
    if "filter_limit" in query and _row_limit(query["filter_limit"]) is None:
        found.add("query.filter_limit", "expected a whole number of rows, or -1 for all "
                  f"of them, got {query['filter_limit']!r:.20}")
    check_record_options(found, options)


def date_param(start_at, end_at) -> str:
    """``A,B`` when both ends are given, else ``previous1`` (the last complete period)."""
    if start_at and end_at:
        return f"{start_at.strftime('%Y-%m-%d')},{end_at.strftime('%Y-%m-%d')}"
    if start_at or end_at:
        log.warning("piwik: only one of start and end given; asking for previous1 as the "
                    "original did (give both for a range)")
    return "previous1"


def _row_limit(value: Any) -> int | None:
    """``filter_limit`` as a number: -1 (all rows) or at least 1; ``None`` if it is neither."""
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    if isinstance(value, bool) or not text.lstrip("-").isdigit():
        return None
    number = int(text)
    return number if number == -1 or number >= 1 else None


def request_params(query: dict[str, Any], start_at, end_at) -> dict[str, Any]:
    """The Reporting API parameters of the original, and ``filter_limit`` (all rows unless
    the query says otherwise); ``token_auth`` is added by the client."""
    params = {
        "method": query["api_method"],
        "idSite": query["site_id"],
        "format": "json",
        "period": PERIODS[query.get("frequency", DEFAULT_FREQUENCY)],
        "date": date_param(start_at, end_at),
        "filter_limit": str(query.get("filter_limit", ALL_ROWS)).strip(),
    }
    params.update(query.get("api_method_arguments") or {})
    return params


def warn_if_cut(answer: Any, filter_limit: Any) -> None:
    """Log the periods that hold exactly ``filter_limit`` rows: Matomo may have cut them."""
    limit = _row_limit(filter_limit)
    if limit is None or limit < 1 or not isinstance(answer, dict):
        return
    full = [period for period, rows in answer.items()
            if isinstance(rows, list) and len(rows) == limit]
    if full:
        log.warning("piwik: %d period(s) hold exactly filter_limit=%d rows, so Matomo may "
                    "have left rows out (first: %s); raise filter_limit, or drop it to get "
                    "every row", len(full), limit, full[0])


class Reports(Collector):
    """One Reporting API request for the whole date range: Matomo answers every period of it
    at once, so the run has a single unit."""

    source = "piwik"
    unit_noun = "date range"

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        check(query, options, credentials, problems)
        self.credentials = credentials

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        params = request_params(query, start_at, end_at)
        self.time_span = PERIODS[query.get("frequency", DEFAULT_FREQUENCY)]
        self.mappings = options.get("mappings") or {}
        return [Unit(params["date"], extra=params)]

    def fetch(self, unit: Unit) -> list[tuple[str, dict[str, Any]]]:
        from performanceplatform.collector.piwik.client import PiwikClient
        from performanceplatform.collector.piwik.records import period_rows

        answer = PiwikClient(self.credentials).call(unit.extra)
        warn_if_cut(answer, unit.extra["filter_limit"])
        return list(period_rows(answer))

    def build(self, unit: Unit, rows: Iterable[tuple[str, dict[str, Any]]]):
        from performanceplatform.collector.piwik.records import core_pairs

        rows = list(rows)
        log.info("piwik: %d records", len(rows))
        return core_pairs(rows, self.mappings, self.time_span)


main = entrypoint(__name__, "performanceplatform.collector.piwik.core:Reports")
