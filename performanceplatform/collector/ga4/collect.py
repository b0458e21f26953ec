"""The steps of a GA4 run: check the config, split the dates, fetch, build records."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from itertools import tee
from typing import Any

from performanceplatform.collector.ga4.client import DataApi
from performanceplatform.collector.ga4.query import ReportQuery, parse_report_query
from performanceplatform.collector.ga4.records import items_for
from performanceplatform.utils.checks import Problems, raise_all, where_of
from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.google.credentials import ANALYTICS_READONLY_SCOPE, check_credentials

log = logging.getLogger(__name__)

SCOPES = [ANALYTICS_READONLY_SCOPE]


def validate_report(credentials: Any, query: Any, options: Any) -> tuple[ReportQuery, Any]:
    """The checked query and the Google credentials, or one ``ConfigError`` for all problems."""
    secrets = Problems(where_of(credentials, "credentials"))
    google_credentials = check_credentials(credentials, secrets, SCOPES)
    problems = Problems("query config")
    report = parse_report_query(query, options, problems)
    raise_all(secrets, problems)
    return report, google_credentials


def periods_between(start_at: Any, end_at: Any, frequency: str) -> list[tuple[dt.date, dt.date]]:
    """The periods of the run, as the v3 collector splits them."""
    from performanceplatform.utils.datetimeutil import period_range

    try:
        return list(period_range(start_at, end_at, frequency))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{exc} (give both --start and --end, or neither)",
                          where="--start/--end")


def fetch(api: DataApi, report: ReportQuery, periods: list[tuple[dt.date, dt.date]]
          ) -> Iterator[tuple[dict, dict]]:
    """(item, special fields) for every row of every period, in period order."""
    for start, end in periods:
        log.info("Querying GA4 for data in the period: %s - %s", start, end)
        rows = (row for _answer, row in api.report_rows(
            report.body(start, end), report.page_size, report.max_results,
            describe=f"{start} - {end}"))
        yield from items_for(rows, report.dimensions, report.metrics, (start, end),
                             report.time_span)


def records(api: DataApi, report: ReportQuery, periods: list[tuple[dt.date, dt.date]],
            options: Mapping[str, Any], data_type: str) -> Iterator[dict[str, Any]]:
    """The records, streamed (all at once when plugins need the whole set)."""
    from performanceplatform.utils.data_parser import DataParser

    left, right = tee(fetch(api, report, periods))
    items = (item for item, _fields in left)
    fields = (special for _item, special in right)
    return DataParser(items, options, data_type).iter_data(fields)
