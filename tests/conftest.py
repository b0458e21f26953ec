"""Fixtures shared by the whole suite: a real sandbox server, and the real CLI as a user runs it.

``sandbox``      a started ``Sandbox`` (Backdrop, Stagecraft, every simulated source API)
                 on 127.0.0.1, port 0, reset for each test; any data set exists, with the
                 token ``SANDBOX_TOKEN``.
``run_cli``      runs ``python -m performanceplatform.collector`` in a subprocess with files
                 it writes for you, pointed at the sandbox; returns a ``CliResult`` (exit code,
                 stdout, stderr). ``tests.helpers`` has ``stored``, ``served`` and ``inject``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from performanceplatform.sandbox import Sandbox, build_sandbox
from performanceplatform.sandbox.config import SandboxConfig
from tests.helpers import OMNISCIENT_TOKEN, SANDBOX_TOKEN, CliRunner

# Retries wait for real in production; in the suite they must not.
os.environ["PP_COLLECTOR_BACKOFF_SCALE"] = "0"


@pytest.fixture(scope="session")
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(auto_data_sets=True, auto_token=SANDBOX_TOKEN,
                         omniscient_token=OMNISCIENT_TOKEN)


@pytest.fixture(scope="session")
def _sandbox_server(sandbox_config: SandboxConfig):
    with build_sandbox(sandbox_config) as server:
        yield server


@pytest.fixture
def sandbox(_sandbox_server: Sandbox, sandbox_config: SandboxConfig) -> Sandbox:
    _sandbox_server.reset()
    backdrop = _sandbox_server.service("backdrop")
    for name in backdrop.store.data_sets():
        backdrop.store.empty(name)
    sandbox_config.collectors.clear()
    sandbox_config.data_sets.clear()
    sandbox_config.services.clear()
    return _sandbox_server


@pytest.fixture
def service_settings(sandbox, sandbox_config):
    """``service_settings("pingdom")``: that simulated service's settings, for this test only."""
    return lambda name: sandbox_config.services.setdefault(name, {})


@pytest.fixture
def run_cli(sandbox: Sandbox, tmp_path: Path) -> CliRunner:
    return CliRunner(sandbox, tmp_path)
