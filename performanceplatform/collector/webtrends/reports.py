"""``performanceplatform.collector.webtrends.reports``: one Webtrends report, day by day.

``query.report_id`` names the report (appended to ``reports_url``); each of the report's rows
becomes one record whose ``options.row_type_name`` field holds the row's name.
"""

from __future__ import annotations

from functools import partial

from performanceplatform.collector.webtrends.client import report_periods
from performanceplatform.collector.webtrends.collect import (
    check_credentials,
    collect_parse_and_push,
    is_v3,
)
from performanceplatform.collector.webtrends.records import reports_v2, reports_v3
from performanceplatform.utils.checks import Problems, raise_all, where_of
from performanceplatform.utils.options import check_record_options

QUERY_KEYS = frozenset({"report_id"})
OPTION_KEYS = frozenset({"row_type_name"})


def main(credentials, data_set_config, query, options, start_at, end_at):
    """Collect one Webtrends report, one request per day, into the data set."""
    query, options = query or {}, options or {}
    settings = Problems(where_of(query, "query file"))
    settings.text(query, "report_id", "query.report_id")
    settings.text(options, "row_type_name", "options.row_type_name")
    check_record_options(settings, options)
    raise_all(check_credentials(credentials, "reports_url"), settings)
    parse = reports_v3 if is_v3(credentials) else reports_v2
    url = str(credentials["reports_url"]) + str(query["report_id"])
    collect_parse_and_push(
        credentials, url, report_periods(start_at, end_at),
        partial(parse, row_type_name=options["row_type_name"]), data_set_config, options)
