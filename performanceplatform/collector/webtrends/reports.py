"""``performanceplatform.collector.webtrends.reports``: one Webtrends report, day by day.

``query.report_id`` names the report (appended to ``reports_url``); each of the report's rows
becomes one record whose ``options.row_type_name`` field holds the row's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from performanceplatform.collector.webtrends.collect import Parse, WebtrendsCollector, is_v3
from performanceplatform.pipeline.entrypoint import entrypoint
from performanceplatform.utils.checks import Problems


class Reports(WebtrendsCollector):
    """One unit per day."""

    unit_noun = "day"
    url_key = "reports_url"

    def check_query(self, query: Mapping[str, Any], options: Mapping[str, Any],
                    problems: Problems) -> None:
        problems.text(query, "report_id", "query.report_id")
        problems.text(options, "row_type_name", "options.row_type_name")

    def periods(self, start_at: Any, end_at: Any):
        from performanceplatform.collector.webtrends.client import report_periods

        return report_periods(start_at, end_at)

    def url(self, query: Mapping[str, Any]) -> str:
        return str(self.credentials[self.url_key]) + str(query["report_id"])

    def parser(self, options: Mapping[str, Any]) -> Parse:
        from performanceplatform.collector.webtrends.records import reports_v2, reports_v3

        parse = reports_v3 if is_v3(self.credentials) else reports_v2
        return partial(parse, row_type_name=options["row_type_name"])

QUERY_KEYS = frozenset({"report_id"})
OPTION_KEYS = frozenset({"row_type_name"})


main = entrypoint(__name__, "performanceplatform.collector.webtrends.reports:Reports")
