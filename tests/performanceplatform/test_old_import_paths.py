"""The import paths a third-party collector may use from before the layers (issue 9) still
work, and give the very objects of the new modules (README.rst, "Layers")."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

# old path -> where the module lives now
MOVED = {
    "performanceplatform.utils.data_parser": "performanceplatform.records.data_parser",
    "performanceplatform.utils.py2compat": "performanceplatform.records.py2compat",
    "performanceplatform.utils.options": "performanceplatform.records.options",
    "performanceplatform.utils.datetimeutil": "performanceplatform.records.periods",
    "performanceplatform.utils.plugins.aggregate": "performanceplatform.records.plugins.aggregate",
    "performanceplatform.utils.plugins.basic": "performanceplatform.records.plugins.basic",
    "performanceplatform.utils.plugins.department":
        "performanceplatform.records.plugins.department",
    "performanceplatform.utils.plugins.errors": "performanceplatform.records.plugins.errors",
    "performanceplatform.utils.plugins.loader": "performanceplatform.records.plugins.loader",
    "performanceplatform.utils.http": "performanceplatform.transport.http",
    "performanceplatform.utils.google.consent": "performanceplatform.google.consent",
    "performanceplatform.utils.google.credentials": "performanceplatform.google.credentials",
    "performanceplatform.utils.google.retry": "performanceplatform.google.retry",
    "performanceplatform.utils.google.rows": "performanceplatform.google.rows",
    "performanceplatform.utils.data_pusher": "performanceplatform.sinks.pusher",
    "performanceplatform.utils.collector": "performanceplatform.client.stagecraft",
    "performanceplatform.client.store_data_set": "performanceplatform.sinks.store_data_set",
}
MOVED_PACKAGES = {
    "performanceplatform.utils.plugins": "performanceplatform.records.plugins",
}
# names the original's collectors and docs imported from the old paths
USED_NAMES = [
    ("performanceplatform.utils.data_pusher", "Pusher"),
    ("performanceplatform.utils.data_parser", "DataParser"),
    ("performanceplatform.utils.data_parser", "build_document_set"),
    ("performanceplatform.utils.data_parser", "value_id"),
    ("performanceplatform.utils.datetimeutil", "period_range"),
    ("performanceplatform.utils.datetimeutil", "to_datetime"),
    ("performanceplatform.utils.http", "make_session"),
    ("performanceplatform.utils.collector", "get_config"),
    ("performanceplatform.utils.plugins", "ComputeDepartmentKey"),
    ("performanceplatform.client", "DataSet"),
    ("performanceplatform.client.data_set", "DataSet"),
    ("performanceplatform.client.base", "BaseClient"),
    ("performanceplatform.client.collector", "CollectorAPI"),
]


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_module_path_is_the_new_module(old):
    assert importlib.import_module(old) is importlib.import_module(MOVED[old])


@pytest.mark.parametrize("old", sorted(MOVED_PACKAGES))
def test_an_old_package_path_gives_the_new_objects(old):
    moved = importlib.import_module(MOVED_PACKAGES[old])
    package = importlib.import_module(old)
    assert moved.__all__
    for name in moved.__all__:
        assert getattr(package, name) is getattr(moved, name), name


@pytest.mark.parametrize("module, name", USED_NAMES)
def test_a_name_imported_from_an_old_path_resolves(module, name):
    assert getattr(importlib.import_module(module), name) is not None


def test_old_paths_imported_first_in_a_fresh_interpreter_work():
    """A third-party collector that imports the old paths before anything else."""
    lines = [f"import {old}" for old in (*MOVED, *MOVED_PACKAGES)]
    lines += [f"from {module} import {name}" for module, name in USED_NAMES]
    lines += ["import sys",
              *(f"assert sys.modules[{old!r}] is sys.modules[{new!r}], {old!r}"
                for old, new in MOVED.items())]
    done = subprocess.run([sys.executable, "-c", "\n".join(lines)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
