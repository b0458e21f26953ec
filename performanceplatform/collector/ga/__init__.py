"""``performanceplatform.collector.ga``: Google Analytics Core Reporting API v3 reports.

One report per day, week or month of the run (``query.frequency``), every page followed;
each row becomes a record with the id the original collector gave it. See README.rst.
"""

from __future__ import annotations

from typing import Any

QUERY_KEYS = frozenset({"id", "metrics", "dimensions", "filters", "maxResults", "sort", "segment",
                        "frequency"})


def main(credentials: dict[str, Any], data_set_config: dict[str, Any], query: dict[str, Any],
         options: dict[str, Any], start_at: Any, end_at: Any) -> None:
    from performanceplatform.utils.data_pusher import Pusher

    from .client import CoreReportingClient
    from .query import check_core_config
    from .records import periods_for, query_documents_for

    _, frequency = check_core_config(query, options)  # every problem before any request
    periods_for(start_at, end_at, frequency)
    client = CoreReportingClient.from_credentials(credentials)
    documents = query_documents_for(client, query, options, data_set_config["data-type"],
                                    start_at, end_at)
    Pusher(data_set_config, options).push(documents)
