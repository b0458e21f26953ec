"""Pingdom: hourly response time and uptime of one check (see README.rst)."""

from __future__ import annotations

QUERY_KEYS = frozenset({"name"})
RETIRED_CREDENTIALS = ("Pingdom retired API 2.0 at the end of 2020; replace user, password and "
                       "app_key by an API 3.1 token: {\"token\": \"...\"} "
                       "(collector/pingdom/README.rst)")


def main(credentials, data_set_config, query, options, start_at, end_at) -> None:
    """Write one record per hour of the check ``query["name"]`` to the data set."""
    from performanceplatform.collector.pingdom.collect import Hours
    from performanceplatform.pipeline.runner import run

    run(Hours(data_set_config["data-type"]), credentials, data_set_config, query, options,
        start_at, end_at)
