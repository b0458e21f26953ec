"""Pingdom: hourly response time and uptime of one check (see README.rst)."""

from __future__ import annotations

import logging
from typing import Any

from performanceplatform.collector.pingdom.client import PingdomClient, check_credentials
from performanceplatform.collector.pingdom.records import Gaps, to_records
from performanceplatform.collector.pingdom.window import run_window
from performanceplatform.utils.checks import Problems, raise_all, where_of

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 100
QUERY_KEYS = frozenset({"name"})


def validate(credentials: Any, query: Any, options: Any) -> None:
    """Every problem of the credentials, query and options, as one ``ConfigError``."""
    secrets = Problems(where_of(credentials, "credentials"))
    check_credentials(credentials, secrets)
    problems = Problems("query config")
    problems.text(query if isinstance(query, dict) else {}, "name", "query.name")
    problems.chunk_size(options if isinstance(options, dict) else {})
    raise_all(secrets, problems)


def main(credentials, data_set_config, query, options, start_at, end_at) -> None:
    """Write one record per hour of the check ``query["name"]`` to the data set."""
    from performanceplatform.client import DataSet

    options = options or {}
    validate(credentials, query, options)
    client = PingdomClient.from_credentials(credentials)
    check = client.find_check(query["name"])
    start, end = run_window(start_at, end_at, check.get("created"))
    log.info("pingdom API %s: check %r from %s to %s", client.api.version, query["name"],
             start, end)
    hours = client.window_hours(check["id"], start, end)
    gaps = Gaps()
    records = list(to_records(hours, query["name"], gaps))
    note = gaps.summary()
    if note:
        log.warning("%s", note)
    log.info("pingdom: %d hourly records", len(records))
    chunk_size = options.get("chunk-size", DEFAULT_CHUNK_SIZE)
    DataSet.from_config(data_set_config).post(records, chunk_size=chunk_size)
