"""``performanceplatform.collector.webtrends.keymetrics``: a profile's key metrics, by hour.

One request covers the whole ``--start``..``--end`` range (or the last complete hour);
each hourly (v2) or per-period (v3) row becomes one record.
"""

from __future__ import annotations

from performanceplatform.collector.webtrends.client import keymetrics_periods
from performanceplatform.collector.webtrends.collect import (
    check_credentials,
    collect_parse_and_push,
    is_v3,
)
from performanceplatform.collector.webtrends.records import keymetrics_v2, keymetrics_v3
from performanceplatform.utils.checks import Problems, raise_all, where_of
from performanceplatform.utils.options import check_record_options

QUERY_KEYS: frozenset[str] = frozenset()  # the query is not read
OPTION_KEYS = frozenset({"row_type_name"})  # old configs carry it; not read


def main(credentials, data_set_config, query, options, start_at, end_at):
    """Collect Webtrends key metrics into the data set (the query is not used)."""
    settings = Problems(where_of(query, "query file"))
    check_record_options(settings, options or {})
    raise_all(check_credentials(credentials, "keymetrics_url"), settings)
    parse = keymetrics_v3 if is_v3(credentials) else keymetrics_v2
    collect_parse_and_push(
        credentials, credentials["keymetrics_url"], keymetrics_periods(start_at, end_at),
        parse, data_set_config, options or {}, extra_params={"userealtime": "True"})
