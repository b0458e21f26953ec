"""Piwik constants that the package (the bare ``performanceplatform.collector.piwik``
entrypoint) and ``core`` both declare, here so that neither imports the other."""

from __future__ import annotations

QUERY_KEYS = frozenset({"site_id", "api_method", "frequency", "api_method_arguments"})  # .core
