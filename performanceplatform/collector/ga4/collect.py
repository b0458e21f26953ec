"""The four steps of a GA4 run (``pipeline.collector``): check the config, one unit per
period, the report rows of a period, rows → ``(item, fields)``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from performanceplatform.collector.ga4.quota import CONCURRENT_REQUESTS_PER_PROPERTY
from performanceplatform.google.credentials import ANALYTICS_READONLY_SCOPE
from performanceplatform.pipeline.collector import Checks, Collector, Unit

log = logging.getLogger(__name__)

SCOPES = [ANALYTICS_READONLY_SCOPE]


class Reports(Collector):
    """``performanceplatform.collector.ga4``: one ``runReport`` (all its pages) per period."""

    source = "GA4"
    concurrency_limit = CONCURRENT_REQUESTS_PER_PROPERTY

    api: Any = None

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        from performanceplatform.collector.ga4.query import parse_report_query
        from performanceplatform.google.credentials import check_credentials

        self.credentials = credentials
        self.google_credentials = check_credentials(credentials, problems.credentials, SCOPES)
        self.report = parse_report_query(query, options, problems.query)

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        from performanceplatform.collector.ga4.client import DEFAULT_API_ROOT, DataApi
        from performanceplatform.google.credentials import GoogleSession, api_root
        from performanceplatform.pipeline.periods import period_units

        units = period_units(start_at, end_at, self.report.frequency)
        self.api = DataApi(GoogleSession(self.google_credentials),
                           api_root(self.credentials, DEFAULT_API_ROOT), self.report.property_id)
        return units

    def fetch(self, unit: Unit) -> Iterator[Any]:
        from performanceplatform.collector.ga4.records import values_of

        log.info("Querying GA4 for data in the period: %s - %s", unit.start, unit.end)
        report = self.report
        return (values_of(row) for _answer, row in self.api.report_rows(
            report.body(unit.start, unit.end), report.page_size, report.max_results,
            describe=unit.label))

    def build(self, unit: Unit, rows: Iterable[dict[str, Any]]):
        from performanceplatform.collector.ga4.records import items_for

        report = self.report
        return items_for(rows, report.dimensions, report.metrics, (unit.start, unit.end),
                         report.time_span)

    def close(self) -> None:
        if self.api is not None:
            self.api.quota.log_summary(self.report.property_id)
