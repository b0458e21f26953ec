"""The Matomo entrypoints are Piwik's collectors under the new name."""

import importlib

import pytest

from performanceplatform.collector.piwik import core, realtime


@pytest.mark.parametrize("name, target", [
    ("performanceplatform.collector.matomo.core", core.main),
    ("performanceplatform.collector.matomo.realtime", realtime.main),
])
def test_alias_modules_run_piwiks_main(name, target):
    assert importlib.import_module(name).main is target


def test_the_bare_package_names_run_the_periodic_reports(monkeypatch):
    calls = []
    monkeypatch.setattr(core, "main", lambda *args: calls.append(args))
    for name in ("performanceplatform.collector.matomo", "performanceplatform.collector.piwik"):
        importlib.import_module(name).main(1, 2, 3, 4, 5, 6)
    assert calls == [(1, 2, 3, 4, 5, 6)] * 2
