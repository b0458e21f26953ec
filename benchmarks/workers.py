"""``python -m benchmarks.workers`` (or ``make bench-workers``): collector runs on Celery.

Runs the same ``--runs`` Matomo collector runs (one Stagecraft collector each, every source
request answered after ``--latency`` seconds by the sandbox) four ways in one go, and prints
each time beside the cron-style baseline (one ``pp-collector`` process after another):

- sequential: ``pp-collector -l SLUG`` runs one after another, as cron on one host would;
- 1, 2 and 4 worker processes (``pp-collector-worker --concurrency 1`` each) over a real
  ``redis-server``, all runs sent at once.

The runs wait on their source, so the speed-up of 2 and 4 workers is not capped by this
machine's two cores. Needs ``redis-server`` and ``pip install -e '.[celery]'``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

TOKEN = "bench-token"
MATOMO_TOKEN = "bench-matomo-token"
OMNISCIENT = "bench-omniscient-token"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(tmp: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if not binary:
        raise SystemExit("benchmarks.workers: redis-server is not installed "
                         "(apt-get install redis-server)")
    port = _free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save",
                                "", "--dir", str(tmp)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    for _ in range(200):
        try:
            redis.Redis.from_url(url).ping()
            return process, url
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def write_collectors(tmp: Path, runs: int) -> list[str]:
    folder = tmp / "collectors"
    folder.mkdir()
    slugs = []
    for number in range(runs):
        slug = f"bench-{number}"
        (folder / f"{slug}.json").write_text(json.dumps({
            "id": slug, "slug": slug, "name": slug,
            "entry_point": "performanceplatform.collector.piwik.core",
            "query": {"site_id": "3", "api_method": "DevicesDetection.getBrowsers",
                      "frequency": "daily"},
            "options": {"mappings": {"label": "browser", "nb_visits": "sessions"}},
            "provider": {"slug": "piwik"}, "data_source": {"slug": "matomo"},
            "data_set": {"data_group": "bench", "data_type": f"runs-{number}"},
        }))
        slugs.append(slug)
    (tmp / "sandbox.json").write_text(json.dumps({
        "auto_data_sets": True, "auto_token": TOKEN, "collectors_dir": str(folder),
        "omniscient_token": OMNISCIENT}))
    return slugs


def start_sandbox(tmp: Path, latency: float) -> tuple[subprocess.Popen, str]:
    ready = tmp / "url"
    process = subprocess.Popen(
        [sys.executable, "-m", "performanceplatform.sandbox", "--config",
         str(tmp / "sandbox.json"), "--port", "0", "--ready-file", str(ready)],
        stdout=subprocess.DEVNULL)
    for _ in range(300):
        if ready.exists() and ready.read_text():
            url = ready.read_text()
            requests.post(f"{url}/_sandbox/faults", json={
                "service": "piwik", "status": None, "delay": latency, "count": 10**6},
                timeout=10).raise_for_status()
            return process, url
        time.sleep(0.05)
    process.kill()
    raise SystemExit("sandbox did not start")


def write_configs(tmp: Path, sandbox_url: str) -> dict[str, str]:
    config = tmp / "config"
    config.mkdir()
    files = {
        "credentials": {"token_auth": MATOMO_TOKEN,
                        "url": f"{sandbox_url}/matomo.example.service.gov.uk/index.php"},
        "token": {"token": TOKEN},
        "performanceplatform": {"backdrop_url": f"{sandbox_url}/data",
                                "stagecraft_url": sandbox_url,
                                "omniscient_api_token": OMNISCIENT},
    }
    paths = {}
    for name, content in files.items():
        path = config / f"{name}.json"
        path.write_text(json.dumps(content))
        paths[name] = str(path)
    return paths


def env_for(tmp: Path, sandbox_url: str, redis_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ, PP_COLLECTOR_SANDBOX_URL=sandbox_url, LOGLEVEL="WARNING",
               PP_COLLECTOR_LOG_DIR=str(tmp / "log"))
    if redis_url:
        env["PP_COLLECTOR_BROKER_URL"] = redis_url
    return env


def sequential(slugs: list[str], files: dict[str, str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    for slug in slugs:
        subprocess.run([sys.executable, "-m", "performanceplatform.collector", "-l", slug,
                        "-c", files["credentials"], "-t", files["token"],
                        "-b", files["performanceplatform"]], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def on_workers(count: int, slugs: list[str], files: dict[str, str], env: dict[str, str],
               tmp: Path, redis_url: str) -> float:
    from performanceplatform.workers.app import TASK_NAME, make_app
    from performanceplatform.workers.settings import WorkerSettings

    workers = []
    for number in range(count):
        log = tmp / f"worker-{count}-{number}.log"
        workers.append(subprocess.Popen(
            [sys.executable, "-m", "performanceplatform.workers", "worker", "--concurrency",
             "1", "-n", f"bench{number}@%h", "--without-gossip", "--without-mingle",
             "--loglevel", "WARNING"],
            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True))
    sender = make_app(WorkerSettings(redis_url, redis_url, redis_url, 600, 900, 0))
    try:
        _wait_for_workers(sender, count)
        started = time.perf_counter()
        results = [sender.send_task(TASK_NAME, args=[{"slug": slug, **files}])
                   for slug in slugs]
        outcomes = [result.get(timeout=600) for result in results]
        elapsed = time.perf_counter() - started
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
        sender.close()
    failed = [o for o in outcomes if o["status"] != "ok"]
    if failed:
        raise SystemExit(f"benchmarks.workers: {len(failed)} runs failed: {failed[:3]}")
    return elapsed


def _wait_for_workers(sender, count: int) -> None:
    for _ in range(600):
        replies = sender.control.ping(timeout=0.5) or []
        if len(replies) >= count:
            return
    raise SystemExit("benchmarks.workers: the workers did not start")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.workers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200, help="collector runs per figure")
    parser.add_argument("--latency", type=float, default=0.5,
                        help="seconds the sandbox takes to answer each Matomo request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        slugs = write_collectors(tmp, args.runs)
        redis_process, redis_url = start_redis(tmp)
        sandbox, sandbox_url = start_sandbox(tmp, args.latency)
        try:
            files = write_configs(tmp, sandbox_url)
            env = env_for(tmp, sandbox_url, redis_url)
            baseline = sequential(slugs, files, env)
            print(f"cron     sequential    {baseline:7.1f} s  {args.runs / baseline:6.2f} runs/s")
            one = None
            for count in (1, 2, 4):
                elapsed = on_workers(count, slugs, files, env, tmp, redis_url)
                one = one or elapsed
                print(f"celery   {count} worker{'s' if count > 1 else ' '}     {elapsed:7.1f} s  "
                      f"{args.runs / elapsed:6.2f} runs/s  speed-up over 1 worker "
                      f"{one / elapsed:5.2f}x  over cron {baseline / elapsed:5.2f}x")
        finally:
            sandbox.terminate()
            redis_process.terminate()
            sandbox.wait()
            redis_process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
