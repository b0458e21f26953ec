"""The four steps of a Core Reporting run (``pipeline.collector``): check the config, one
unit per period, the rows of a period (every page), rows → ``(item, fields)``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from performanceplatform.pipeline.collector import Checks, Collector, Unit

log = logging.getLogger(__name__)

# "10 concurrent requests per view (profile)" (Core Reporting API v3, Limits and Quotas)
CONCURRENT_REQUESTS_PER_VIEW = 10


class CoreReports(Collector):
    """``performanceplatform.collector.ga``: one report (all its pages) per period."""

    source = "Google Analytics"
    concurrency_limit = CONCURRENT_REQUESTS_PER_VIEW

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        from performanceplatform.google.credentials import check_credentials
        from performanceplatform.records.options import check_record_options

        from .client import ANALYTICS_SCOPE
        from .query import core_problems

        for key, message in core_problems(query):
            problems.query.add(key, message)
        check_record_options(problems.query, options)
        self.credentials = credentials
        self.google_credentials = check_credentials(credentials, problems.credentials,
                                                    [ANALYTICS_SCOPE])

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        from performanceplatform.pipeline.periods import period_units

        from .client import CoreReportingClient
        from .query import TIME_SPANS, parse_core_query

        self.request, frequency = parse_core_query(query)
        self.time_span = TIME_SPANS[frequency]
        units = period_units(start_at, end_at, frequency)
        self.client = CoreReportingClient.authorized(self.google_credentials, self.credentials)
        return units

    def fetch(self, unit: Unit) -> Iterator[dict[str, Any]]:
        from .records import items_from_page

        log.info("Querying GA for data in the period: %s - %s", unit.start, unit.end)
        request = self.request.for_period(unit.start, unit.end)
        for page in self.client.pages(request):
            yield from items_from_page(page, request)

    def build(self, unit: Unit, rows: Iterable[dict[str, Any]]):
        from .records import special_fields

        return ((item, special_fields(item, self.time_span)) for item in rows)
