"""Matomo (the renamed Piwik): an alias of ``performanceplatform.collector.piwik``.

``matomo`` and ``matomo.core`` run the periodic reports, ``matomo.realtime`` the visitors
right now; the code, query keys and credentials are Piwik's (see ../piwik/README.rst).
"""

from __future__ import annotations

from performanceplatform.collector.piwik import QUERY_KEYS  # noqa: F401


def main(credentials, data_set_config, query, options, start_at, end_at) -> None:
    """Same as ``performanceplatform.collector.piwik.core.main``."""
    from performanceplatform.collector.piwik.core import main as core_main

    core_main(credentials, data_set_config, query, options, start_at, end_at)
