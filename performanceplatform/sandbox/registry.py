"""Which simulated services a sandbox runs.

Each entry is ``module:Class``; the class is a ``Service`` built from the ``SandboxConfig``.
Source APIs are served under ``/<real host>/<path>`` (``/api.pingdom.com/api/3.1/checks``),
which is where ``PP_COLLECTOR_SANDBOX_URL`` sends the collectors' built-in URLs.
"""

from __future__ import annotations

import importlib

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.server import Sandbox, Service
from performanceplatform.store import SQLiteStore

SOURCE_SERVICES = (
    "performanceplatform.sandbox.google_oauth:GoogleOAuth",
    "performanceplatform.sandbox.google_v3:GoogleAnalyticsV3",
    "performanceplatform.sandbox.ga4:GoogleAnalyticsData",
    "performanceplatform.sandbox.pingdom:Pingdom",
    "performanceplatform.sandbox.piwik:Piwik",
    "performanceplatform.sandbox.webtrends:Webtrends",
    "performanceplatform.sandbox.gcloud:GCloud",
)


def source_services(config: SandboxConfig) -> list[Service]:
    services = []
    for entry in SOURCE_SERVICES:
        module_name, class_name = entry.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # that simulated service is not written yet
        services.append(getattr(module, class_name)(config))
    return services


def build_sandbox(config: SandboxConfig | None = None, store: SQLiteStore | None = None
                  ) -> Sandbox:
    """A ``Sandbox`` (not started) running Backdrop, Stagecraft, every source API and the
    page (``/``, ``/_sandbox/summary``) over Backdrop's store."""
    from performanceplatform.sandbox.backdrop import Backdrop
    from performanceplatform.sandbox.page import Page
    from performanceplatform.sandbox.stagecraft import Stagecraft

    config = config or SandboxConfig(auto_data_sets=True)
    backdrop = Backdrop(config, store)
    page = Page(backdrop.store, "memory" if config.database == ":memory:" else config.database)
    services: list[Service] = [backdrop, Stagecraft(config), *source_services(config), page]
    sandbox = Sandbox(services, host=config.host, port=config.port, seed=config.seed)
    sandbox.controls["summary"] = page.summary
    return sandbox
