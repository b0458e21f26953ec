"""Piwik/Matomo visitors right now (``performanceplatform.collector.piwik.realtime``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from performanceplatform.collector.piwik.client import PiwikClient, check_credentials
from performanceplatform.pipeline.collector import Checks, Collector, Unit
from performanceplatform.utils.checks import Problems, raise_all, where_of
from performanceplatform.utils.errors import ConfigError

DEFAULT_MINUTES = 2
QUERY_KEYS = frozenset({"site_id", "api_method", "minutes"})


def validate(credentials: Any, query: Any, options: Any) -> None:
    """Every problem of the credentials, query and options, as one ``ConfigError``."""
    checks = Checks(query=Problems("query config"),
                    credentials=Problems(where_of(credentials, "credentials")))
    Realtime(None).check(query, options, credentials, checks)
    raise_all(checks.credentials, checks.query)


class Realtime(Collector):
    """One unit: ``Live.getCounters`` now; one record."""

    source = "piwik realtime"
    unit_noun = "request"
    builds_records = True

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        check_credentials(credentials, problems.credentials)
        found = problems.query
        query = query if isinstance(query, dict) else {}
        found.text(query, "site_id", "query.site_id")
        found.text(query, "api_method", "query.api_method")
        minutes = query.get("minutes", DEFAULT_MINUTES)
        if isinstance(minutes, bool) or not str(minutes).isdigit() or int(minutes) < 1:
            found.add("query.minutes", f"expected a whole number of minutes, got {minutes!r:.20}")
        found.chunk_size(options if isinstance(options, dict) else {})
        self.credentials = credentials

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        if start_at or end_at:
            raise ConfigError("Cannot backfill realtime collectors (drop -s/--start and "
                              "-e/--end)", where="command line")
        params = {"method": query["api_method"], "idSite": query["site_id"], "format": "json",
                  "lastMinutes": query.get("minutes", DEFAULT_MINUTES)}
        return [Unit("now", extra=params)]

    def fetch(self, unit: Unit) -> list[Any]:
        return [PiwikClient(self.credentials).call(unit.extra)]

    def build(self, unit: Unit, rows: Iterable[Any]) -> list[dict[str, Any]]:
        from performanceplatform.collector.piwik.records import realtime_record
        from performanceplatform.utils import clock

        return [realtime_record(answer, clock.now()) for answer in rows]


def main(credentials, data_set_config, query, options, start_at, end_at) -> None:
    """Write one record: the unique visitors of the last ``minutes`` minutes, stamped now."""
    from performanceplatform.pipeline.runner import run

    run(Realtime(data_set_config["data-type"]), credentials, data_set_config, query, options,
        start_at, end_at)
