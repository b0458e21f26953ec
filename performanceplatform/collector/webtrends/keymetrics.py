"""``performanceplatform.collector.webtrends.keymetrics``: a profile's key metrics, by hour.

One request covers the whole ``--start``..``--end`` range (or the last complete hour);
each hourly (v2) or per-period (v3) row becomes one record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from performanceplatform.collector.webtrends.collect import Parse, WebtrendsCollector, is_v3
from performanceplatform.pipeline.entrypoint import entrypoint


class KeyMetrics(WebtrendsCollector):
    """One unit: the whole range (the query is not used)."""

    unit_noun = "range"
    url_key = "keymetrics_url"
    extra_params = {"userealtime": "True"}

    def periods(self, start_at: Any, end_at: Any):
        from performanceplatform.collector.webtrends.client import keymetrics_periods

        return keymetrics_periods(start_at, end_at)

    def parser(self, options: Mapping[str, Any]) -> Parse:
        from performanceplatform.collector.webtrends.records import keymetrics_v2, keymetrics_v3

        return keymetrics_v3 if is_v3(self.credentials) else keymetrics_v2

QUERY_KEYS: frozenset[str] = frozenset()  # the query is not read
OPTION_KEYS = frozenset({"row_type_name"})  # old configs carry it; not read


main = entrypoint(__name__, "performanceplatform.collector.webtrends.keymetrics:KeyMetrics")
