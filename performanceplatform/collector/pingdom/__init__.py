"""Pingdom: hourly response time and uptime of one check (see README.rst)."""

from __future__ import annotations

from performanceplatform.collector.pingdom.constants import (  # noqa: F401
    QUERY_KEYS,
    RETIRED_CREDENTIALS,
)


def main(credentials, data_set_config, query, options, start_at, end_at) -> None:
    """Write one record per hour of the check ``query["name"]`` to the data set."""
    from performanceplatform.collector.pingdom.collect import Hours
    from performanceplatform.pipeline.runner import run

    run(Hours(data_set_config["data-type"]), credentials, data_set_config, query, options,
        start_at, end_at)
