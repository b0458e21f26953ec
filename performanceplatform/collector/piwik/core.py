"""Piwik/Matomo periodic reports (``performanceplatform.collector.piwik.core``)."""

from __future__ import annotations

import logging
from typing import Any

from performanceplatform.collector.piwik import QUERY_KEYS  # noqa: F401
from performanceplatform.collector.piwik.client import PiwikClient, check_credentials
from performanceplatform.utils.checks import Problems, raise_all, where_of
from performanceplatform.utils.options import check_record_options

log = logging.getLogger(__name__)

PERIODS = {"daily": "day", "weekly": "week", "monthly": "month"}
DEFAULT_FREQUENCY = "weekly"


def validate(credentials: Any, query: Any, options: Any) -> None:
    """Every problem of the credentials, query and options, as one ``ConfigError``."""
    secrets = Problems(where_of(credentials, "credentials"))
    check_credentials(credentials, secrets)
    problems = Problems("query config")
    query = query if isinstance(query, dict) else {}
    options = options if isinstance(options, dict) else {}
    problems.text(query, "site_id", "query.site_id")
    problems.text(query, "api_method", "query.api_method")
    problems.one_of(query, "frequency", list(PERIODS), "query.frequency")
    arguments = query.get("api_method_arguments")
    if "api_method_arguments" in query and not isinstance(arguments, dict):
        problems.add("query.api_method_arguments", "expected an object")
    check_record_options(problems, options)
    raise_all(secrets, problems)


def date_param(start_at, end_at) -> str:
    """``A,B`` when both ends are given, else ``previous1`` (the last complete period)."""
    if start_at and end_at:
        return f"{start_at.strftime('%Y-%m-%d')},{end_at.strftime('%Y-%m-%d')}"
    if start_at or end_at:
        log.warning("piwik: only one of start and end given; asking for previous1 as the "
                    "original did (give both for a range)")
    return "previous1"


def request_params(query: dict[str, Any], start_at, end_at) -> dict[str, Any]:
    """The Reporting API parameters of the original (``token_auth`` is added by the client)."""
    params = {
        "method": query["api_method"],
        "idSite": query["site_id"],
        "format": "json",
        "period": PERIODS[query.get("frequency", DEFAULT_FREQUENCY)],
        "date": date_param(start_at, end_at),
    }
    params.update(query.get("api_method_arguments") or {})
    return params


def main(credentials, data_set_config, query, options, start_at, end_at) -> None:
    """Fetch one report over the periods asked for and write a record per row."""
    from performanceplatform.collector.piwik.records import core_records
    from performanceplatform.utils.data_pusher import Pusher

    options = options or {}
    validate(credentials, query, options)
    params = request_params(query, start_at, end_at)
    answer = PiwikClient(credentials).call(params)
    time_span = PERIODS[query.get("frequency", DEFAULT_FREQUENCY)]
    records = core_records(answer, options, data_set_config["data-type"], time_span)
    log.info("piwik: %d records", len(records))
    Pusher(data_set_config, options).push(records)
