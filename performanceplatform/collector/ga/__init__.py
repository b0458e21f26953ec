"""``performanceplatform.collector.ga``: Google Analytics Core Reporting API v3 reports.

One report per day, week or month of the run (``query.frequency``), every page followed;
each row becomes a record with the id the original collector gave it. See README.rst.
"""

from __future__ import annotations

from performanceplatform.pipeline.entrypoint import entrypoint

RETIRED = ("Google shut down Universal Analytics and its Core Reporting API v3 in 2023-2024; "
           "move the query to performanceplatform.collector.ga4 (collector/ga4/MIGRATION.rst)")
QUERY_KEYS = frozenset({"id", "metrics", "dimensions", "filters", "maxResults", "sort", "segment",
                        "frequency"})


main = entrypoint(__name__, "performanceplatform.collector.ga.collect:CoreReports")
