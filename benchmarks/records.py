"""Issue 9's record path: 1,000,000 GA4 rows through the real CLI, throughput and memory.

The rows come from the sandbox's GA4 (a process of its own: ``benchmarks/sandbox.py``), one
daily period of 10,000 rows after another (100 days for 1M rows, 10 for 100k), no latency.
The simulator takes longer to generate rows than the collector to take them, so a first,
unmeasured run fills its answer cache (``cache_answers``) and the measured runs get the
same answers as bytes.
Each run is the real ``pp-collector`` in a child process (``--child``), measured from the
parent: its wall time (from ``main()`` to its return, reported by the child) and its peak
RSS (``os.wait4``'s ``ru_maxrss`` of that child alone). Figures, each beside its baseline
measured in the same run:

- records/s into a sink that discards (the Backdrop client's one HTTP method, ``_send``,
  drops each chunk: everything up to the request body is done), beside the rows/s of the
  same run with ``build`` giving nothing (the fetching and JSON parsing alone: the floor);
- records/s into the sandbox's Backdrop (gzip, HTTP, its validation and SQLite upserts),
  beside the discarding sink's figure;
- the same two as rows per CPU second of the CLI (``ru_utime + ru_stime``): on a loaded
  machine the wall-time rate follows the share of a core the CLI gets, the CPU rate what it
  costs;
- peak RSS at 100k and at 1M rows (ratio: flat means the same), beside an idle CLI's
  (``--version``: the interpreter and the imports);
- the top 5 (own time) of a cProfile of the 1M run into the discarding sink.

    python -m benchmarks.records [--rows 1000000] [--backdrop-rows 200000] [--profile-top 5]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.backfill import write_inputs
from benchmarks.sandbox import SandboxProcess

ROWS_PER_DAY = 10_000
RESULT = "PP-BENCH-RESULT "


@dataclass
class Measured:
    rows: int
    seconds: float
    peak_mb: float
    cpu: float = 0.0  # CPU seconds of the child, from its start (imports included)
    profile: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def cpu_rate(self) -> float:
        """Rows per CPU second: what a machine of its own would reach, where the loaded
        machine's share of a core makes the wall-time rate wander."""
        return self.rows / self.cpu if self.cpu else 0.0


def run_child(url: str, rows: int, mode: str, folder: Path, profile: bool = False
              ) -> Measured:
    """One CLI run in a child process: ``mode`` is ``discard``, ``fetch`` (build nothing),
    ``backdrop`` or ``idle`` (``--version``)."""
    days = max(rows // ROWS_PER_DAY, 1)
    args = write_inputs(folder, url, days)
    command = [sys.executable, "-m", "benchmarks.records", "--child", mode,
               "--profile-top" if profile else "--no-profile", *args]
    env = {**os.environ, "PP_COLLECTOR_SANDBOX_URL": url, "PP_COLLECTOR_LOG_DIR": str(folder),
           "LOGLEVEL": "WARNING"}
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    stdout, stderr = _communicate(child)
    if child.returncode:
        raise SystemExit(f"benchmarks.records: the {mode} run failed: {stderr[-800:]}")
    result = json.loads(next(line[len(RESULT):] for line in stdout.splitlines()
                             if line.startswith(RESULT)))
    return Measured(result["rows"], result["seconds"], child.peak_kb / 1024,  # type: ignore
                    child.cpu, result.get("profile", ""))  # type: ignore[attr-defined]


def _communicate(child: subprocess.Popen) -> tuple[str, str]:
    """Wait for ``child`` with ``os.wait4``, keeping its own peak RSS on it."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        pumps = [_pump(child.stdout, out), _pump(child.stderr, err)]
        _, status, usage = os.wait4(child.pid, 0)
        for pump in pumps:
            pump.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        child.peak_kb = usage.ru_maxrss  # type: ignore[attr-defined]  # KB on Linux
        child.cpu = usage.ru_utime + usage.ru_stime  # type: ignore[attr-defined]
        out.seek(0)
        err.seek(0)
        return out.read(), err.read()


def _pump(stream, into):
    import threading

    thread = threading.Thread(target=lambda: into.write(stream.read()), daemon=True)
    thread.start()
    return thread


# -- the child -------------------------------------------------------------------------------


def child(mode: str, profile: bool, argv: list[str]) -> int:
    """Run the CLI in this process as ``mode`` says; print the rows and seconds."""
    counted = {"rows": 0}
    from performanceplatform.client import base

    send = base.BaseClient._send

    def counting(self, method, url, data, params):
        if method == "POST":
            counted["rows"] += len(data) if isinstance(data, list) else 1
        return None if mode != "backdrop" else send(self, method, url, data, params)

    base.BaseClient._send = counting  # type: ignore[method-assign]
    if mode == "fetch":
        from performanceplatform.collector.ga4 import collect

        def nothing(self, unit, rows):
            for _ in rows:
                counted["rows"] += 1
            return iter(())

        collect.Reports.build = nothing  # type: ignore[method-assign]
    if mode == "idle":
        argv = ["--version"]
    from performanceplatform.collector.main import main

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    try:
        code = main(argv)
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    seconds = time.perf_counter() - started
    if profiler:
        profiler.disable()
    if code:
        return int(code)
    result = {"rows": counted["rows"], "seconds": seconds}
    if profiler:
        result["profile"] = _top(profiler)
    print(RESULT + json.dumps(result), flush=True)
    return 0


def _top(profiler: cProfile.Profile, count: int = int(os.environ.get("PP_BENCH_TOP", "5"))) -> str:
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs().sort_stats("tottime").print_stats(count)
    lines = [line for line in text.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    return "\n".join(lines[start:start + count + 1])


# -- the parent ------------------------------------------------------------------------------


def bench_records(rows: int, backdrop_rows: int, profile: bool = True) -> list[str]:
    lines = []
    print(f"records: {rows:,} rows, 4 times, and {backdrop_rows:,} into Backdrop: a few minutes",
          file=sys.stderr)
    settings = {"ga4": {"rows_per_day": ROWS_PER_DAY, "cache_answers": True}}
    with SandboxProcess(settings) as sandbox, \
            tempfile.TemporaryDirectory() as tmp:
        def measure(count: int, mode: str, profiled: bool = False) -> Measured:
            folder = Path(tempfile.mkdtemp(dir=tmp))
            sandbox.reset()
            return run_child(sandbox.url, count, mode, folder, profiled)

        measure(max(rows, backdrop_rows), "fetch")  # the simulator generates its answers
        idle = measure(0, "idle")
        small = measure(rows // 10, "discard")
        large = measure(rows, "discard")
        floor = measure(rows, "fetch")
        lines.append(f"records  {large.rows:,} GA4 rows into a discarding sink "
                     f"{large.rate:8.0f} records/s  fetch+parse alone {floor.rate:8.0f} rows/s"
                     f"  ratio {large.rate / floor.rate:5.2f}x  (target 50,000 records/s: "
                     f"{large.rate / 50_000:4.2f}x of it)")
        lines.append(f"cpu      per CPU second of the CLI: discarding sink {large.cpu_rate:8.0f} "
                     f"records  fetch+parse alone {floor.cpu_rate:8.0f} rows  ratio "
                     f"{large.cpu_rate / floor.cpu_rate:5.2f}x  ({large.cpu:.1f} and "
                     f"{floor.cpu:.1f} CPU s in {large.seconds:.1f} and {floor.seconds:.1f} s)")
        if backdrop_rows:
            into = measure(backdrop_rows, "backdrop")
            lines.append(f"records  {into.rows:,} GA4 rows into the sandbox Backdrop "
                         f"{into.rate:8.0f} records/s  discarding sink {large.rate:8.0f} "
                         f"records/s  ratio {into.rate / large.rate:5.2f}x  (Backdrop CPU: "
                         f"{sandbox.cpu_seconds():5.1f} s in all)")
        lines.append(f"memory   peak RSS {small.rows:,} rows {small.peak_mb:6.1f} MB  "
                     f"{large.rows:,} rows {large.peak_mb:6.1f} MB  ratio "
                     f"{large.peak_mb / small.peak_mb:5.2f}x (target <= 1.3x, <= 150 MB)  "
                     f"idle CLI (--version) {idle.peak_mb:6.1f} MB")
        if profile:
            profiled = measure(rows, "discard", profiled=True)
            lines.append(f"profile  top 5 by own time, {profiled.rows:,} rows into the "
                         f"discarding sink ({profiled.seconds:.1f} s under cProfile):")
            lines.extend("         " + line for line in profiled.profile.splitlines())
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1], argv[2] == "--profile-top", argv[3:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks.records", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backdrop-rows", type=int, default=200_000,
                        help="rows for the sandbox Backdrop figure (0: skip it)")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args(argv)
    print("\n".join(bench_records(args.rows, args.backdrop_rows, not args.no_profile)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
