"""A real Redis server, and real worker and beat processes, for the Celery tests.

``redis_server``  a ``redis-server`` on a free loopback port, with append-only persistence
                  (as the README recommends), restartable; skipped with a message when
                  ``redis-server`` or Celery is missing, except under CI, where that fails.
``cluster``       starts ``pp-collector-worker`` / ``pp-collector-beat`` processes pointed
                  at that Redis and at the sandbox, and stops them after the test.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import OMNISCIENT_TOKEN, REPO, SANDBOX_TOKEN


def _missing(what: str) -> None:
    message = f"{what}: the Celery tests need it (apt-get install redis-server; " \
              "pip install -e '.[test]')"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, binary: str, workdir: Path):
        self.binary = binary
        self.workdir = workdir
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)


@pytest.fixture(scope="session")
def _redis_binary() -> str:
    binary = shutil.which("redis-server")
    if not binary:
        _missing("redis-server is not installed")
    try:
        import celery  # noqa: F401
        import redis  # noqa: F401
    except ImportError:
        _missing("celery[redis] is not installed")
    return binary


@pytest.fixture
def redis_server(_redis_binary: str, tmp_path: Path):
    server = RedisServer(_redis_binary, tmp_path)
    server.start()
    yield server
    server.stop()


class Cluster:
    """Worker and beat processes of one test; their output goes to files in ``workdir``."""

    def __init__(self, redis_server: RedisServer, sandbox, workdir: Path):
        self.redis = redis_server
        self.sandbox = sandbox
        self.workdir = workdir
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = dict(os.environ, **{
            "PP_COLLECTOR_BROKER_URL": redis_server.url,
            "PP_COLLECTOR_SANDBOX_URL": sandbox.url,
            "PP_COLLECTOR_BACKOFF_SCALE": "0",
            "PP_COLLECTOR_LOG_DIR": str(workdir / "log"),
            "PP_COLLECTOR_VISIBILITY_TIMEOUT": "8",
            "PP_COLLECTOR_LOCK_TTL": "4",
            "PYTHONPATH": str(REPO),
        })

    def config_files(self) -> dict[str, str]:
        """The token and performanceplatform files every job uses."""
        token = self.workdir / "config" / "token.json"
        token.parent.mkdir(parents=True, exist_ok=True)
        token.write_text(f'{{"token": "{SANDBOX_TOKEN}"}}')
        pp = self.workdir / "config" / "performanceplatform.json"
        pp.write_text(f'{{"backdrop_url": "{self.sandbox.url}/data", '
                      f'"stagecraft_url": "{self.sandbox.url}", '
                      f'"omniscient_api_token": "{OMNISCIENT_TOKEN}"}}')
        return {"token": str(token), "performanceplatform": str(pp)}

    def start(self, name: str, command: str, *args: str) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "-m", "performanceplatform.workers", command, *args],
            cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.processes[name] = process
        return process

    def worker(self, name: str, concurrency: int = 1) -> subprocess.Popen:
        process = self.start(name, "worker", "--concurrency", str(concurrency), "-n",
                             f"{name}@%h", "--without-gossip", "--without-mingle")
        self.wait_for_log(name, "ready.")
        return process

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    def wait_for_log(self, name: str, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log(name):
                return
            if self.processes[name].poll() is not None:
                raise AssertionError(f"{name} exited:\n{self.log(name)}")
            time.sleep(0.1)
        raise AssertionError(f"{name} never logged {text!r}:\n{self.log(name)}")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (a worker's pool children too)."""
        process = self.processes[name]
        if process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(30)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


@pytest.fixture
def cluster(redis_server, sandbox, tmp_path):
    started = Cluster(redis_server, sandbox, tmp_path)
    yield started
    started.stop_all()


def outcome_lines(text: str) -> list[dict]:
    """The outcome lines (``pp_collector.outcome``) in a worker's log, as dicts."""
    import json

    found = []
    for line in text.splitlines():
        start = line.find('{"collector": ')
        if start >= 0:
            found.append(json.loads(line[start:]))
    return found
