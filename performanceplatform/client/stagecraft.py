"""Collector configs fetched from Stagecraft by slug (spec core.md §1.6)."""

from __future__ import annotations

from typing import Any

from performanceplatform.client import CollectorAPI
from performanceplatform.utils.errors import ConfigError, SinkError


def _required(config: dict[str, Any], key: str, where: str) -> Any:
    value = config.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError("missing (needed to fetch a collector config with -l)",
                          where=where, key=key)
    return value


def get_config(collector_slug: str, performanceplatform: dict[str, Any]) -> dict[str, Any]:
    """The query-file shaped config of the Stagecraft collector ``collector_slug``."""
    where = performanceplatform.get("path_to_json_file", "performanceplatform config")
    url = _required(performanceplatform, "stagecraft_url", where)
    token = _required(performanceplatform, "omniscient_api_token", where)
    try:
        collector = CollectorAPI(url, token).get_collector(collector_slug)
    except SinkError as exc:
        detail = _stagecraft_reason(exc.status)
        raise SinkError(f"stagecraft collector '{collector_slug}': {detail}{exc}",
                        url=exc.url, status=exc.status)
    return stagecraft_to_query(collector, collector_slug)


def _stagecraft_reason(status: int | None) -> str:
    """What a failed Stagecraft read means, as a prefix for its error line."""
    if status is not None and 300 <= status < 400:
        return "Stagecraft redirected the request instead of answering (to a login page?): "
    reason = {401: "the omniscient_api_token was refused",
              403: "the omniscient_api_token lacks permission",
              404: "no such collector"}.get(status or 0, "")
    return f"{reason}: " if reason else ""


def stagecraft_to_query(collector: Any, slug: str) -> dict[str, Any]:
    where = f"stagecraft collector '{slug}'"
    if not isinstance(collector, dict):
        raise ConfigError("Stagecraft's answer is not a JSON object", where=where)
    data_set = collector.get("data_set")
    provider = collector.get("provider")
    for key, value in (("data_set", data_set), ("provider", provider)):
        if not isinstance(value, dict):
            raise ConfigError("missing or not an object", where=where, key=key)
    return {
        "query": collector.get("query"),
        "options": collector.get("options"),
        "data-set": {
            "data-group": data_set.get("data_group"),
            "data-type": data_set.get("data_type"),
            "bearer_token": data_set.get("bearer_token"),
        },
        "entrypoint": collector.get("entry_point"),
        "token": provider.get("slug"),
    }
