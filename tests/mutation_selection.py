"""pytest plugin for ``make mutation``: keep only the tests that run the code in-process.

mutmut switches mutants on inside the pytest process and learns which tests reach which
function by watching that process, so a test that runs the CLI in a subprocess (the
``run_cli`` fixture), the golden replay, the demo and the README quick start cannot be
matched to a mutant: they only cost time; the Celery worker tests (fixtures ``cluster``,
``redis_server``) run the package in worker subprocesses, where mutmut's switch cannot
work at all. Loaded with ``-p tests.mutation_selection`` from ``[tool.mutmut]``.
"""

from __future__ import annotations

import sys

import pytest

SUBPROCESS_FIXTURES = {"run_cli", "cluster", "redis_server"}
SUBPROCESS_FILES = ("tests/golden/", "tests/test_demo.py",
                    "tests/performanceplatform/workers/test_jobs.py::test_beat_check_",
                    "tests/performanceplatform/sinks/test_quickstart.py",
                    "tests/tools/test_generate_ga_credentials.py::test_the_script_and_the_")
# tests of the repository's own files (docs, packaging), which mutmut does not copy, and of
# the sandbox's HTTP server (outside the scope; its timing checks fail on a loaded machine)
REPOSITORY_FILES = ("tests/test_docs.py", "tests/test_packaging.py",
                    "tests/performanceplatform/sandbox/test_server.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        out_of_process = (SUBPROCESS_FIXTURES & set(getattr(item, "fixturenames", ()))
                          or item.nodeid.startswith(SUBPROCESS_FILES + REPOSITORY_FILES))
        (drop if out_of_process else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_runtest_setup(item: pytest.Item) -> None:
    """mutmut forks each mutant's pytest from a process that has already run the tests, so
    a ``functools.lru_cache`` of the package would answer with results computed before the
    mutant was switched on (py2compat caches string hashes): clear them before each test."""
    for name, module in list(sys.modules.items()):
        if name.startswith("performanceplatform") and module is not None:
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)) and \
                        getattr(value, "__module__", None) == name:
                    value.cache_clear()
