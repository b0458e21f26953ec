"""The sandbox in its own process, driven over its control endpoints.

A benchmark must measure the collector, not the simulated services: served from threads of
the benchmark's own process, the sandbox's GA4 answers and Backdrop's validation and SQLite
upserts competed for one interpreter lock with each other (and the request log), and made
every POST some 25 ms slower than its injected latency. In a process of its own it runs
beside the collector as a real server would; its CPU time is read from ``/proc`` (Linux) so
each figure can say what the simulated services cost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

TOKEN = "bench-token"


class SandboxProcess:
    """``python -m performanceplatform.sandbox`` on a free port, with ``services`` settings."""

    def __init__(self, services: dict[str, Any] | None = None, token: str = TOKEN):
        self._tmp = tempfile.TemporaryDirectory(prefix="pp-bench-sandbox-")
        folder = Path(self._tmp.name)
        config = folder / "sandbox.json"
        config.write_text(json.dumps({"services": services or {}}))
        ready = folder / "url"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "performanceplatform.sandbox", "--config", str(config),
             "--port", "0", "--auto-data-sets", "--auto-token", token, "--ready-file",
             str(ready)], stdout=subprocess.DEVNULL)
        self.url = _wait_for(ready, self.process)
        self.session = requests.Session()

    def reset(self) -> None:
        self._control("POST", "reset")

    def add_faults(self, faults: list[dict[str, Any]]) -> None:
        self._control("POST", "faults", json=faults)

    def requests(self) -> list[dict[str, Any]]:
        return self._control("GET", "requests")["requests"]

    def cpu_seconds(self) -> float:
        """User + system CPU time of the sandbox process so far (0.0 where /proc is not)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _control(self, method: str, action: str, **kwargs: Any) -> Any:
        answer = self.session.request(method, f"{self.url}/_sandbox/{action}", timeout=60,
                                      **kwargs)
        answer.raise_for_status()
        return answer.json()

    def close(self) -> None:
        self.session.close()
        self.process.terminate()
        self.process.wait()
        self._tmp.cleanup()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _wait_for(ready: Path, process: subprocess.Popen) -> str:
    for _ in range(600):
        if ready.exists() and ready.read_text():
            return ready.read_text()
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise SystemExit("benchmarks: the sandbox did not start")
