"""Piwik/Matomo: periodic reports (``.core``) and visitors right now (``.realtime``).

The bare package name ``performanceplatform.collector.piwik`` runs the periodic reports
(``.core``); in the original it had no ``main`` and failed. See README.rst.
"""

from __future__ import annotations

from performanceplatform.collector.piwik.constants import QUERY_KEYS  # noqa: F401 (.core)


def main(credentials, data_set_config, query, options, start_at, end_at) -> None:
    """Same as ``performanceplatform.collector.piwik.core.main``."""
    from performanceplatform.collector.piwik.core import main as core_main

    core_main(credentials, data_set_config, query, options, start_at, end_at)
