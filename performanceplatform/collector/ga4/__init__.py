"""GA4 (Google Analytics Data API) reports, period by period (see README.rst)."""

from __future__ import annotations

from performanceplatform.collector.ga4.query import REPORT_KEYS as QUERY_KEYS  # noqa: F401

REFUSED_UNKNOWN_KEYS = ("query", "options")  # its check refuses them (did you mean ...?)


def main(credentials, data_set_config, query, options, start_at, end_at) -> None:
    """Write one record per report row of each period between ``start_at`` and ``end_at``."""
    from performanceplatform.collector.ga4.collect import Reports
    from performanceplatform.pipeline.runner import run

    run(Reports(data_set_config["data-type"]), credentials, data_set_config, query, options,
        start_at, end_at)
