"""GA4 (Google Analytics Data API) reports, period by period (see README.rst)."""

from __future__ import annotations

from performanceplatform.collector.ga4.query import REPORT_KEYS as QUERY_KEYS  # noqa: F401
from performanceplatform.pipeline.entrypoint import entrypoint

REFUSED_UNKNOWN_KEYS = ("query", "options")  # its check refuses them (did you mean ...?)


main = entrypoint(__name__, "performanceplatform.collector.ga4.collect:Reports")
