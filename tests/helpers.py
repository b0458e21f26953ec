"""Helpers for tests that run the real CLI against the sandbox (see conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from performanceplatform.sandbox import Sandbox

SANDBOX_TOKEN = "sandbox-token-0123456789"
OMNISCIENT_TOKEN = "sandbox-omniscient-0123456789"
REPO = Path(__file__).resolve().parents[1]
# tests/collectors registered in the entry-point group pp_collector.collectors, as a
# third-party package registers its collectors (the CLI refuses unregistered modules)
TEST_COLLECTORS = REPO / "tests" / "collectors" / "site"


def stored(sandbox: Sandbox, data_group: str, data_type: str) -> list[dict[str, Any]]:
    """The records Backdrop holds for a data set, in write order, as a reader gets them."""
    answer = requests.get(f"{sandbox.url}/data/{data_group}/{data_type}", timeout=10)
    answer.raise_for_status()
    return answer.json()["data"]


def served(sandbox: Sandbox, service: str | None = None) -> list[dict[str, Any]]:
    """The requests the sandbox served (optionally of one service), in order."""
    entries = requests.get(f"{sandbox.url}/_sandbox/requests", timeout=10).json()["requests"]
    return [e for e in entries if service is None or e["service"] == service]


def post_records(sandbox: Sandbox, data_group: str, data_type: str,
                 records: list[dict[str, Any]]) -> None:
    """Write records through the Backdrop API, as a collector does (``data_group`` may hold
    characters to percent-encode)."""
    url = f"{sandbox.url}/data/{quote(data_group, safe='')}/{quote(data_type, safe='')}"
    answer = requests.post(url, json=records, timeout=30,
                           headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"})
    assert answer.status_code == 200, answer.text


def inject(sandbox: Sandbox, **fault: Any) -> None:
    """Queue a fault, e.g. ``inject(sandbox, service="backdrop", status=503, count=2)``."""
    requests.post(f"{sandbox.url}/_sandbox/faults", json=fault, timeout=10).raise_for_status()


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str
    workdir: Path

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class CliRunner:
    """Writes the config files and runs the real ``pp-collector`` against the sandbox."""

    def __init__(self, sandbox: Sandbox, workdir: Path):
        self.sandbox = sandbox
        self.workdir = workdir

    def write(self, name: str, content: Any) -> Path:
        path = self.workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        path.write_text(text, encoding="utf-8")
        return path

    def __call__(self, query: dict[str, Any] | None = None, credentials: dict | None = None,
                 *extra: str, token: str = SANDBOX_TOKEN, env: dict[str, str] | None = None,
                 args: list[str] | None = None, console: bool = True,
                 timeout: float = 120) -> CliResult:
        """Run ``pp-collector``; ``args`` replaces the generated arguments when given."""
        command, run_env = self._invocation(query, credentials, extra, token, env, args, console)
        done = subprocess.run(command, cwd=self.workdir, env=run_env, capture_output=True,
                              text=True, timeout=timeout)
        return CliResult(done.returncode, done.stdout, done.stderr, self.workdir)

    def start(self, query: dict[str, Any] | None = None, credentials: dict | None = None,
              *extra: str, token: str = SANDBOX_TOKEN, env: dict[str, str] | None = None,
              console: bool = True, stderr: Any = subprocess.PIPE) -> subprocess.Popen:
        """Start ``pp-collector`` without waiting for it (to signal it mid-run; ``stderr``: a
        pseudo-terminal's file descriptor, to be a terminal)."""
        command, run_env = self._invocation(query, credentials, extra, token, env, None, console)
        return subprocess.Popen(command, cwd=self.workdir, env=run_env, text=True,
                                stdout=subprocess.PIPE, stderr=stderr)

    def _invocation(self, query: dict[str, Any] | None, credentials: dict | None,
                    extra: tuple[str, ...], token: str, env: dict[str, str] | None,
                    args: list[str] | None, console: bool) -> tuple[list[str], dict[str, str]]:
        if args is None:
            args = ["-c", str(self.write("credentials.json", credentials or {})),
                    "-t", str(self.write("token.json", {"token": token})),
                    "-b", str(self.write("performanceplatform.json", {
                        "backdrop_url": f"{self.sandbox.url}/data",
                        "stagecraft_url": self.sandbox.url,
                        "omniscient_api_token": OMNISCIENT_TOKEN}))]
            if query is not None:
                args += ["-q", str(self.write("query.json", query))]
            if console:
                args.append("--console-logging")
        run_env = dict(os.environ)
        run_env.update({
            "PP_COLLECTOR_SANDBOX_URL": self.sandbox.url,
            "PP_COLLECTOR_BACKOFF_SCALE": "0",
            "PP_COLLECTOR_LOG_DIR": str(self.workdir / "log"),
            "PYTHONPATH": os.pathsep.join([str(REPO), str(TEST_COLLECTORS)]),
        })
        run_env.update(env or {})
        return [sys.executable, "-m", "performanceplatform.collector", *args, *extra], run_env
