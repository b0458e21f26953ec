"""``performanceplatform.collector.ga``: Google Analytics Core Reporting API v3 reports.

One report per day, week or month of the run (``query.frequency``), every page followed;
each row becomes a record with the id the original collector gave it. See README.rst.
"""

from __future__ import annotations

from typing import Any

RETIRED = ("Google shut down Universal Analytics and its Core Reporting API v3 in 2023-2024; "
           "move the query to performanceplatform.collector.ga4 (collector/ga4/MIGRATION.rst)")
QUERY_KEYS = frozenset({"id", "metrics", "dimensions", "filters", "maxResults", "sort", "segment",
                        "frequency"})


def main(credentials: dict[str, Any], data_set_config: dict[str, Any], query: dict[str, Any],
         options: dict[str, Any], start_at: Any, end_at: Any) -> None:
    from performanceplatform.pipeline.runner import run

    from .collect import CoreReports

    run(CoreReports(data_set_config["data-type"]), credentials, data_set_config, query, options,
        start_at, end_at)
