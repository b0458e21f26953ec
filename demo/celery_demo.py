"""The Celery demo: Redis, two workers and beat run the demo's jobs on schedule for a while.

Run it with ``make demo-celery`` (needs ``redis-server``: ``apt-get install redis-server``).
It starts the sandbox, a private ``redis-server`` on a free port, two
``pp-collector-worker`` processes and one ``pp-collector-beat`` reading ``celery-jobs``, prints
each run's outcome line as the workers log it, then shows what landed and stops everything.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import render_tree, show_landed, start_sandbox  # noqa: E402

SECONDS = float(os.environ.get("DEMO_SECONDS", "25"))


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if not binary:
        raise SystemExit("demo: redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                                "--appendonly", "yes", "--dir", str(workdir)],
                               stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def start(name: str, args: list[str], workdir: Path, env: dict[str, str]) -> subprocess.Popen:
    log = (workdir / f"{name}.log").open("w")
    return subprocess.Popen([sys.executable, "-m", "performanceplatform.workers", *args],
                            cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def follow_outcomes(workdir: Path, seconds: float) -> int:
    """Print outcome lines from the workers' logs as they appear; the number of runs."""
    seen: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for log in sorted(workdir.glob("worker-*.log")):
            for line in log.read_text(errors="replace").splitlines():
                start_at = line.find('{"collector": ')
                if start_at >= 0 and line not in seen:
                    seen.add(line)
                    outcome = json.loads(line[start_at:])
                    print(f"  {log.stem}: {outcome['collector']:<26} {outcome['status']:<8} "
                          f"{outcome.get('records_written', 0):>4} records "
                          f"in {outcome['seconds']:.2f} s")
        time.sleep(0.5)
    return len(seen)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="pp-celery-demo-") as tmp:
        workdir = Path(tmp)
        sandbox, sandbox_url = start_sandbox(workdir)
        redis, redis_url = start_redis(workdir)
        render_tree(HERE, workdir / "config", sandbox_url)
        env = dict(os.environ, PP_COLLECTOR_BROKER_URL=redis_url,
                   PP_COLLECTOR_SANDBOX_URL=sandbox_url, PP_COLLECTOR_LOG_DIR=str(workdir / "log"))
        processes = [start(f"worker-{n}", ["worker", "--concurrency", "1", "-n",
                                            f"demo{n}@%h", "--without-gossip"], workdir, env)
                     for n in (1, 2)]
        processes.append(start("beat", ["beat", "--app-dir", str(workdir),
                                        str(workdir / "config" / "celery-jobs")], workdir, env))
        print(f"Sandbox on {sandbox_url}, Redis on {redis_url}; two workers and beat run "
              f"demo/celery-jobs for {SECONDS:.0f} s:\n")
        try:
            runs = follow_outcomes(workdir, SECONDS)
            show_landed(sandbox_url, ["govuk/monitoring-from-stagecraft",
                                      "verify/browsers-from-stagecraft",
                                      "verify/realtime-from-stagecraft"])
        finally:
            for process in processes:
                os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                process.wait(30)
            for process in (sandbox, redis):
                process.terminate()
                process.wait(10)
    print(f"\n{runs} scheduled runs finished.")
    return 0 if runs else 1


if __name__ == "__main__":
    sys.exit(main())
