"""Pingdom: hourly response time and uptime of one check (see README.rst)."""

from __future__ import annotations

from performanceplatform.collector.pingdom.constants import (  # noqa: F401
    QUERY_KEYS,
    RETIRED_CREDENTIALS,
)
from performanceplatform.pipeline.entrypoint import entrypoint

main = entrypoint(__name__, "performanceplatform.collector.pingdom.collect:Hours")
