"""The back-fill of issue 9: a year of daily GA4 periods, fetched N at a time.

365 daily periods × 200 rows, 100 ms per GA4 request and 20 ms per Backdrop POST (latency
injected in the sandbox, which runs in a process of its own: ``benchmarks/sandbox.py``),
written by the real CLI in a child process with ``--concurrency 4`` and ``--concurrency 1``.
Each figure is printed beside the baselines measured in the same run:

- concurrency 1 (one period after another and one POST after another, as the original did);
- N·L/C, the time the requests alone take with C in flight (365 × 0.1 s / 4 = 9.1 s);
- the POST floor with C POSTs in flight: 730 × 20 ms / C (the run starts its POSTs in plan
  order, at most C at once: ``pipeline/writer.py``).

    python -m benchmarks.backfill [--days 365] [--rows 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.sandbox import TOKEN, SandboxProcess

CHUNK = 100  # the default chunk-size
CLIENT_ID = "123-bench.apps.googleusercontent.com"


@dataclass
class Scenario:
    days: int = 365
    rows: int = 200
    request_latency: float = 0.1
    post_latency: float = 0.02

    @property
    def posts(self) -> int:
        return -(-self.days * self.rows // CHUNK)

    def ideal(self, concurrency: int) -> float:
        """N·L/C: the source requests alone, ``concurrency`` at a time."""
        return self.days * self.request_latency / concurrency

    def post_floor(self, concurrency: int) -> float:
        """The POSTs alone, ``concurrency`` at a time."""
        return self.posts * self.post_latency / concurrency


def write_inputs(folder: Path, url: str, days: int) -> list[str]:
    """The CLI's files: GA4 query (daily), storage credentials, token, Backdrop URL."""
    files = {
        "query.json": {"entrypoint": "performanceplatform.collector.ga4",
                       "data-set": {"data-group": "bench", "data-type": "backfill"},
                       "query": {"property": "123456", "metrics": ["sessions"],
                                 "dimensions": ["date", "browser"], "frequency": "daily"},
                       "options": {}},
        "client_secrets.json": {"installed": {
            "client_id": CLIENT_ID, "client_secret": "bench-secret",
            "token_uri": "https://oauth2.googleapis.com/token"}},
        "storage.db": {"_module": "oauth2client.client", "_class": "OAuth2Credentials",
                       "access_token": "expired", "client_id": CLIENT_ID,
                       "client_secret": "bench-secret", "refresh_token": "1/bench-refresh",
                       "token_expiry": "2018-01-01T00:00:00Z",
                       "token_uri": "https://oauth2.googleapis.com/token", "invalid": False},
        "token.json": {"token": TOKEN},
        "backdrop.json": {"backdrop_url": f"{url}/data"},
    }
    files["credentials.json"] = {"CLIENT_SECRETS": str(folder / "client_secrets.json"),
                                 "STORAGE_PATH": str(folder / "storage.db")}
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content))
    start = dt.date(2018, 1, 1)
    end = start + dt.timedelta(days=days - 1)
    return ["-c", str(folder / "credentials.json"), "-q", str(folder / "query.json"),
            "-t", str(folder / "token.json"), "-b", str(folder / "backdrop.json"),
            "-s", start.isoformat(), "-e", end.isoformat(), "--console-logging"]


@dataclass
class Run:
    seconds: float
    cli_cpu: float      # CPU seconds of the collector process
    sandbox_cpu: float  # CPU seconds of the sandbox process: the simulated GA4 and Backdrop


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def timed_run(sandbox: SandboxProcess, scenario: Scenario, args: list[str], concurrency: int,
              folder: Path) -> Run:
    sandbox.reset()
    sandbox.add_faults([
        {"service": "ga4", "status": None, "delay": scenario.request_latency,
         "count": scenario.days},
        {"service": "backdrop", "status": None, "delay": scenario.post_latency,
         "count": scenario.posts}])
    env = {**os.environ, "PP_COLLECTOR_SANDBOX_URL": sandbox.url,
           "PP_COLLECTOR_LOG_DIR": str(folder), "LOGLEVEL": "WARNING"}
    cpu_before = _cpu(resource.RUSAGE_CHILDREN), sandbox.cpu_seconds()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "performanceplatform.collector", *args,
                           "--concurrency", str(concurrency)], env=env, capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - started
    cpu = (_cpu(resource.RUSAGE_CHILDREN) - cpu_before[0],
           sandbox.cpu_seconds() - cpu_before[1])
    if done.returncode != 0:
        raise SystemExit(f"back-fill at concurrency {concurrency} failed: {done.stderr[-500:]}")
    posts = [r for r in sandbox.requests() if r.get("service") == "backdrop"]
    if len(posts) != scenario.posts:
        raise SystemExit(f"expected {scenario.posts} POSTs, Backdrop got {len(posts)}")
    return Run(elapsed, *cpu)


def bench_backfill(scenario: Scenario, concurrencies: tuple[int, ...] = (4, 1)
                   ) -> dict[int, Run]:
    with tempfile.TemporaryDirectory() as tmp, \
            SandboxProcess({"ga4": {"rows_per_day": scenario.rows}}) as sandbox:
        folder = Path(tmp)
        args = write_inputs(folder, sandbox.url, scenario.days)
        return {c: timed_run(sandbox, scenario, args, c, folder) for c in concurrencies}


def report(scenario: Scenario, runs: dict[int, Run]) -> list[str]:
    one = runs[1].seconds if 1 in runs else None
    lines = []
    for concurrency, run in sorted(runs.items(), reverse=True):
        ideal = scenario.ideal(concurrency)
        line = (f"backfill {scenario.days} days x {scenario.rows} rows  concurrency "
                f"{concurrency:2d}  {run.seconds:6.1f} s  N·L/C {ideal:5.1f} s  ratio to N·L/C "
                f"{run.seconds / ideal:5.2f}x")
        if one and concurrency != 1:
            line += f"  speed-up over concurrency 1 {one / run.seconds:5.2f}x"
        line += f"  (CPU: collector {run.cli_cpu:5.1f} s, sandbox {run.sandbox_cpu:5.1f} s)"
        lines.append(line)
    for concurrency, run in sorted(runs.items(), reverse=True):
        floor = scenario.post_floor(concurrency)
        lines.append(f"backfill POST floor at concurrency {concurrency:2d} ({scenario.posts} "
                     f"POSTs x {scenario.post_latency * 1000:.0f} ms / {concurrency}) "
                     f"{floor:5.1f} s; run / floor {run.seconds / floor:5.2f}x")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.backfill", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--concurrency", type=int, action="append",
                        help="concurrencies to run (default: 4 and 1)")
    args = parser.parse_args(argv)
    scenario = Scenario(days=args.days, rows=args.rows)
    times = bench_backfill(scenario, tuple(args.concurrency or (4, 1)))
    print("\n".join(report(scenario, times)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
