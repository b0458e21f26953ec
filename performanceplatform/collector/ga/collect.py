"""The four steps of a Core Reporting run (``pipeline.collector``): check the config, one
unit per period, the rows of a period (every page), rows → ``(item, fields)``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from performanceplatform.google.rows import DEFAULT_FREQUENCY
from performanceplatform.pipeline.collector import Checks, Collector, Unit
from performanceplatform.utils.checks import Problems

log = logging.getLogger(__name__)

# "10 concurrent requests per view (profile)" (Core Reporting API v3, Limits and Quotas)
CONCURRENT_REQUESTS_PER_VIEW = 10


class CoreReports(Collector):
    """``performanceplatform.collector.ga``: one report (all its pages) per period.

    ``ga.trending`` and ``ga.contrib.content.table`` are variations of it: they replace
    the steps that differ (``read_query``, ``plan``, ``request_for``, ``build``)."""

    source = "Google Analytics"
    concurrency_limit = CONCURRENT_REQUESTS_PER_VIEW

    request: Any = None
    frequency = DEFAULT_FREQUENCY

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        from performanceplatform.google.credentials import check_credentials

        from .client import ANALYTICS_SCOPE

        self.read_query(query, problems.query)
        self.read_options(options, problems.query)
        self.credentials = credentials
        self.google_credentials = check_credentials(credentials, problems.credentials,
                                                    [ANALYTICS_SCOPE])

    def read_query(self, query: Any, problems: Problems) -> None:
        """The query, parsed once (its problems recorded)."""
        from .query import read_core_query

        parsed = read_core_query(problems, query)
        if parsed is not None:
            self.request, self.frequency = parsed

    def read_options(self, options: Any, problems: Problems) -> None:
        from performanceplatform.records.options import check_record_options

        check_record_options(problems, options)

    def connect(self) -> Any:
        from .client import CoreReportingClient

        return CoreReportingClient.authorized(self.google_credentials, self.credentials)

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        from performanceplatform.pipeline.periods import period_units

        units = period_units(start_at, end_at, self.frequency)
        self.client = self.connect()
        return units

    def request_for(self, unit: Unit) -> Any:
        """The ``CoreQuery`` of one unit."""
        return self.request.for_period(unit.start, unit.end)

    def fetch(self, unit: Unit) -> Iterable[dict[str, Any]]:
        from .records import items_from_page

        log.info("Querying GA for data in the period: %s - %s", unit.start, unit.end)
        request = self.request_for(unit)
        for page in self.client.pages(request):
            yield from items_from_page(page, request)

    def build(self, unit: Unit, rows: Iterable[dict[str, Any]]):
        from .query import TIME_SPANS
        from .records import special_fields

        time_span = TIME_SPANS[self.frequency]
        return ((item, special_fields(item, time_span)) for item in rows)
