"""Simulated services on loopback: Backdrop, Stagecraft and the source APIs, and a page of
what Backdrop's store holds (``/``, see ``page.py``).

``build_sandbox(config)`` assembles them into one ``Sandbox`` server; ``pp-sandbox`` (see
``cli.py``) serves it from the command line; the test suite uses it as a fixture.
"""

from performanceplatform.sandbox.registry import build_sandbox
from performanceplatform.sandbox.server import Request, Response, Sandbox, Service

__all__ = ["Request", "Response", "Sandbox", "Service", "build_sandbox"]
