"""GA4 (Google Analytics Data API) reports, period by period (see README.rst)."""

from __future__ import annotations

import logging
from typing import Any

from performanceplatform.collector.ga4.query import REPORT_KEYS as QUERY_KEYS  # noqa: F401

log = logging.getLogger(__name__)


def main(credentials, data_set_config, query, options, start_at, end_at) -> None:
    """Write one record per report row of each period between ``start_at`` and ``end_at``."""
    from performanceplatform.collector.ga4.client import DEFAULT_API_ROOT, DataApi
    from performanceplatform.collector.ga4.collect import (
        periods_between,
        records,
        validate_report,
    )
    from performanceplatform.utils.data_pusher import Pusher
    from performanceplatform.utils.google.credentials import GoogleSession, api_root

    options = options or {}
    report, google_credentials = validate_report(credentials, query, options)
    periods = periods_between(start_at, end_at, report.frequency)
    session = GoogleSession(google_credentials)
    api = DataApi(session, api_root(credentials, DEFAULT_API_ROOT), report.property_id)
    data_type: Any = data_set_config["data-type"]
    try:
        Pusher(data_set_config, options).push(records(api, report, periods, options, data_type))
    finally:
        api.quota.log_summary(report.property_id)
