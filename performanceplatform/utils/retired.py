"""The one deprecation warning a run against a retired API logs.

A collector module (built-in or registered) that calls an API its provider has shut down
declares it with ``RETIRED = "<what replaced it, and where the guide is>"``; the core logs
``retired(...)`` once per run and ``pp-collector collectors`` lists it. A collector that
only retires some credentials (Pingdom's API 2.0 user/password/app_key) calls
``warn_retired`` itself when it sees them.
"""

from __future__ import annotations

import logging

log = logging.getLogger("performanceplatform.retired")


def warn_retired(subject: str, pointer: str) -> None:
    """Log one WARNING: ``subject`` uses a retired API; ``pointer`` says what to move to."""
    log.warning("deprecated: %s uses a retired API: %s", subject, pointer)
