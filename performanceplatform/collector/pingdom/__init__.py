"""Pingdom: hourly response time and uptime of one check (see README.rst)."""

from __future__ import annotations

from performanceplatform.pipeline.collector import entrypoint

QUERY_KEYS = frozenset({"name"})
RETIRED_CREDENTIALS = ("Pingdom retired API 2.0 at the end of 2020; replace user, password and "
                       "app_key by an API 3.1 token: {\"token\": \"...\"} "
                       "(collector/pingdom/README.rst)")


main = entrypoint(__name__, "performanceplatform.collector.pingdom.collect:Hours")
