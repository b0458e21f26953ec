"""Start-up imports only what is used (issue 9, item 5): ``--help`` imports no Google library,
no HTTP stack and none of the libraries only a run needs; a Pingdom or Matomo run imports no
Google library. Read from ``python -X importtime`` (``PYTHONPROFILEIMPORTTIME``), which lists
every module a process imported."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.performanceplatform.collector.pingdom.test_e2e import TOKEN as PINGDOM_TOKEN
from tests.performanceplatform.collector.pingdom.test_e2e import query as pingdom_query
from tests.performanceplatform.collector.piwik.test_e2e import credentials as piwik_credentials
from tests.performanceplatform.collector.piwik.test_e2e import query as piwik_query

GOOGLE = ("google", "googleapiclient", "oauthlib", "requests_oauthlib")
# what only a run needs, left out of --help: HTTP, dates, logging to files/JSON, the extras
RUN_ONLY = ("requests", "urllib3", "dateutil", "argcomplete", "pythonjsonlogger",
            "concurrent_log_handler", "celery", "psycopg", "tqdm", *GOOGLE)


def imported(stderr: str) -> set[str]:
    """The modules an ``-X importtime`` process imported, from its stderr."""
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines()
            if line.startswith("import time:") and line.count("|") == 2}


def among(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in packages)


def python(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          check=True)


def test_help_imports_nothing_only_a_run_needs():
    done = python("-m", "performanceplatform.collector", "--help")
    assert "usage:" in done.stdout
    modules = imported(done.stderr)
    assert "argparse" in modules  # the importtime lines were read
    assert among(modules, RUN_ONLY) == []


@pytest.mark.parametrize("entrypoint", ["pingdom", "matomo", "matomo.core", "matomo.realtime",
                                        "piwik.realtime"])
def test_pingdom_and_matomo_entrypoints_import_no_google_library_nor_http(entrypoint):
    done = python("-c", f"import performanceplatform.collector.{entrypoint}")
    modules = imported(done.stderr)
    assert f"performanceplatform.collector.{entrypoint}" in modules
    assert among(modules, ("requests", "urllib3", *GOOGLE)) == []


def test_a_pingdom_run_imports_no_google_library(sandbox, run_cli):
    result = run_cli(pingdom_query(), PINGDOM_TOKEN, "-s", "2018-08-01", "-e", "2018-08-01",
                     env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.code == 0, result.stderr[-2000:]
    modules = imported(result.stderr)
    assert "performanceplatform.collector.pingdom.client" in modules
    assert among(modules, GOOGLE) == []


def test_a_matomo_run_imports_no_google_library(sandbox, run_cli):
    query = piwik_query("performanceplatform.collector.matomo")
    result = run_cli(query, piwik_credentials(sandbox), "-s", "2018-08-01", "-e", "2018-08-01",
                     env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.code == 0, result.stderr[-2000:]
    modules = imported(result.stderr)
    assert "performanceplatform.collector.piwik.client" in modules
    assert among(modules, GOOGLE) == []
