"""``python -m benchmarks`` (or ``make bench``): figures and ratios, two ways in one run.

The machines are shared and noisy, so each figure is compared with another measured in the
same run, and the ratio is what to read:

- memory: posting N records from a generator in chunks vs from a materialised list
  (peak traced memory of the client);
- upload: records per second to the sandbox's Backdrop with gzip vs without;
- records: documents per second from ``DataParser`` with the default (Python 2 ordered) id
  vs ``idMapping``;
- start: wall time of ``pp-collector --help`` vs a bare ``python -c pass``, and of the
  sandbox from launch to listening (it should stay under a second);
- backfill: a year of daily GA4 periods at ``--concurrency 4`` vs 1 vs N·L/C
  (``benchmarks/backfill.py``);
- 1M GA4 rows: records/s into a discarding sink vs fetching alone, into the sandbox's
  Backdrop vs the discarding sink; peak RSS of the CLI at 100k vs 1M rows vs an idle CLI;
  the top 5 of a profile of the 1M run (``benchmarks/records.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from performanceplatform.client import DataSet
from performanceplatform.client import base as client_base

TOKEN = "bench-token"


def start_sandbox(tmp: Path) -> tuple[subprocess.Popen, str]:
    ready = tmp / "url"
    process = subprocess.Popen(
        [sys.executable, "-m", "performanceplatform.sandbox", "--port", "0", "--auto-data-sets",
         "--auto-token", TOKEN, "--ready-file", str(ready)], stdout=subprocess.DEVNULL)
    for _ in range(300):
        if ready.exists() and ready.read_text():
            return process, ready.read_text()
        time.sleep(0.05)
    process.kill()
    raise SystemExit("sandbox did not start")


def bench_sandbox_start(repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            process, _ = start_sandbox(Path(tmp))
            runs.append(time.perf_counter() - started)
            process.terminate()
            process.wait()
    return statistics.median(runs)


def records(n: int):
    start = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    for i in range(n):
        yield {"_id": f"bench-{i}", "_timestamp": start + dt.timedelta(hours=i),
               "visitors": i, "browser": f"Browser {i % 17}", "pageviews": i * 3.5}


def bench_memory(url: str, n: int) -> tuple[float, float]:
    data_set = DataSet(f"{url}/data/bench/memory", TOKEN)
    peaks = []
    for source in (lambda: records(n), lambda: list(records(n))):
        tracemalloc.start()
        data_set.post(source(), chunk_size=100)
        peaks.append(tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
    return peaks[0], peaks[1]


def bench_upload(url: str, n: int) -> tuple[float, float]:
    rates = []
    data_set = DataSet(f"{url}/data/bench/upload", TOKEN)
    for threshold in (client_base.GZIP_ABOVE, 10**12):
        client_base.GZIP_ABOVE = threshold
        started = time.perf_counter()
        data_set.post(records(n), chunk_size=100)
        rates.append(n / (time.perf_counter() - started))
    client_base.GZIP_ABOVE = 2048
    return rates[0], rates[1]


def bench_records(n: int) -> tuple[float, float]:
    from performanceplatform.records.data_parser import DataParser

    day = dt.date(2020, 1, 6)
    items = [{"start_date": day, "end_date": day,
              "dimensions": {"browser": f"B{i % 13}", "operatingSystem": f"OS{i % 7}",
                             "browserVersion": str(i), "deviceCategory": "desktop"},
              "metrics": {"sessions": str(i)}} for i in range(n)]
    special = [{"sessions": i, "timeSpan": "week"} for i in range(n)]
    rates = []
    for options in ({}, {"idMapping": ["browser", "browserVersion"]}):
        started = time.perf_counter()
        DataParser(items, options, "browsers").get_data(special)
        rates.append(n / (time.perf_counter() - started))
    return rates[0], rates[1]


def bench_start(repeat: int) -> tuple[float, float]:
    def timed(args: list[str]) -> float:
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
            runs.append(time.perf_counter() - started)
        return statistics.median(runs)

    cli = timed([sys.executable, "-m", "performanceplatform.collector", "--help"])
    bare = timed([sys.executable, "-c", "pass"])
    return cli, bare


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20000, help="records per figure")
    parser.add_argument("--backfill-days", type=int, default=365,
                        help="daily periods of the back-fill figure (0: skip it)")
    parser.add_argument("--ga-rows", type=int, default=1_000_000,
                        help="GA4 rows of the records and memory figures (0: skip them)")
    parser.add_argument("--backdrop-rows", type=int, default=200_000,
                        help="GA4 rows of the records into the sandbox Backdrop figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_sandbox(Path(tmp))
        try:
            streamed, listed = bench_memory(url, args.records)
            print(f"memory   streamed {streamed:8.2f} MB  listed {listed:8.2f} MB  "
                  f"ratio listed/streamed {listed / streamed:6.1f}x")
            gzipped, plain = bench_upload(url, args.records)
            print(f"upload   gzip {gzipped:10.0f} rec/s  plain {plain:10.0f} rec/s  "
                  f"ratio gzip/plain {gzipped / plain:6.2f}x")
        finally:
            process.terminate()
            process.wait()
    default_id, id_mapping = bench_records(args.records)
    print(f"records  default id {default_id:8.0f} doc/s  idMapping {id_mapping:8.0f} doc/s  "
          f"ratio {default_id / id_mapping:6.2f}x")
    cli, bare = bench_start(5)
    print(f"start    pp-collector --help {cli * 1000:6.0f} ms  python -c pass {bare * 1000:6.0f} ms"
          f"  ratio {cli / bare:6.1f}x")
    sandbox = bench_sandbox_start(3)
    print(f"sandbox  launch to listening {sandbox * 1000:6.0f} ms  ratio to python -c pass "
          f"{sandbox / bare:6.1f}x")
    if args.backfill_days:
        from benchmarks.backfill import Scenario, bench_backfill, report

        scenario = Scenario(days=args.backfill_days)
        print("\n".join(report(scenario, bench_backfill(scenario))), flush=True)
    if args.ga_rows:
        from benchmarks import records as ga_rows

        print("\n".join(ga_rows.bench_records(args.ga_rows, args.backdrop_rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
