"""Piwik/Matomo visitors right now (``performanceplatform.collector.piwik.realtime``)."""

from __future__ import annotations

from typing import Any

from performanceplatform.collector.piwik.client import PiwikClient, check_credentials
from performanceplatform.utils.checks import Problems, raise_all, where_of
from performanceplatform.utils.errors import ConfigError

DEFAULT_MINUTES = 2
QUERY_KEYS = frozenset({"site_id", "api_method", "minutes"})


def validate(credentials: Any, query: Any, options: Any) -> None:
    """Every problem of the credentials, query and options, as one ``ConfigError``."""
    secrets = Problems(where_of(credentials, "credentials"))
    check_credentials(credentials, secrets)
    problems = Problems("query config")
    query = query if isinstance(query, dict) else {}
    problems.text(query, "site_id", "query.site_id")
    problems.text(query, "api_method", "query.api_method")
    minutes = query.get("minutes", DEFAULT_MINUTES)
    if isinstance(minutes, bool) or not str(minutes).isdigit() or int(minutes) < 1:
        problems.add("query.minutes", f"expected a whole number of minutes, got {minutes!r:.20}")
    problems.chunk_size(options if isinstance(options, dict) else {})
    raise_all(secrets, problems)


def main(credentials, data_set_config, query, options, start_at, end_at) -> None:
    """Write one record: the unique visitors of the last ``minutes`` minutes, stamped now."""
    from performanceplatform.collector.piwik.records import realtime_record
    from performanceplatform.utils import clock
    from performanceplatform.utils.data_pusher import Pusher

    if start_at or end_at:
        raise ConfigError("Cannot backfill realtime collectors (drop -s/--start and -e/--end)",
                          where="command line")
    options = options or {}
    validate(credentials, query, options)
    params = {
        "method": query["api_method"],
        "idSite": query["site_id"],
        "format": "json",
        "lastMinutes": query.get("minutes", DEFAULT_MINUTES),
    }
    answer = PiwikClient(credentials).call(params)
    record = realtime_record(answer, clock.now())
    Pusher(data_set_config, options).push([record])
