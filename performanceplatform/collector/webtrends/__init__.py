"""Webtrends collectors: ``webtrends.keymetrics`` and ``webtrends.reports``.

The bare package is an entrypoint too: a query with ``report_id`` runs the reports
collector, any other query the key-metrics collector.
"""

from __future__ import annotations

QUERY_KEYS = frozenset({"report_id"})  # those of .reports and .keymetrics
OPTION_KEYS = frozenset({"row_type_name"})


def main(credentials, data_set_config, query, options, start_at, end_at):
    """Run ``reports`` when the query names a ``report_id``, else ``keymetrics``."""
    if isinstance(query, dict) and "report_id" in query:
        from performanceplatform.collector.webtrends.reports import main as collect
    else:
        from performanceplatform.collector.webtrends.keymetrics import main as collect
    collect(credentials, data_set_config, query, options, start_at, end_at)
