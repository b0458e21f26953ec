"""The demo: start the sandbox, run every collector against it, show what landed, stop.

Run it with ``make demo`` (which sets up ``.venv`` first) or ``python demo/run.py``. Nothing
leaves this machine: the source APIs, Backdrop and Stagecraft are the sandbox's simulated
services on 127.0.0.1. The jobs are listed in ``demo/jobs.json``; each runs the real
``pp-collector`` with a query file (``-q``) or a Stagecraft slug (``-l``) from this folder.
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

HERE = Path(__file__).resolve().parent
PLACEHOLDER = "{SANDBOX}"


def render_tree(source: Path, target: Path, sandbox_url: str) -> None:
    """Copy the demo's configs, with ``{SANDBOX}`` replaced by the sandbox's URL."""
    shutil.copytree(source, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for path in target.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(PLACEHOLDER, sandbox_url), encoding="utf-8")


def start_sandbox(workdir: Path) -> tuple[subprocess.Popen, str]:
    ready = workdir / "sandbox.url"
    process = subprocess.Popen(
        [sys.executable, "-m", "performanceplatform.sandbox", "--config",
         str(HERE / "sandbox.json"), "--port", "0", "--ready-file", str(ready)],
        stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if ready.exists() and ready.read_text():
            return process, ready.read_text().strip()
        if process.poll() is not None:
            raise SystemExit("demo: the sandbox did not start")
        time.sleep(0.05)
    process.kill()
    raise SystemExit("demo: the sandbox did not start within 15 s")


def run_job(job: dict, workdir: Path, sandbox_url: str) -> int:
    args = [sys.executable, "-m", "performanceplatform.collector",
            "-c", job["credentials"], "-t", "token.json", "-b", "performanceplatform.json",
            "--console-logging", *job.get("args", [])]
    args += ["-l", job["slug"]] if "slug" in job else ["-q", job["query"]]
    env = dict(os.environ, PP_COLLECTOR_SANDBOX_URL=sandbox_url, LOGLEVEL="WARNING")
    env.update(job.get("env", {}))
    done = subprocess.run(args, cwd=workdir, env=env, capture_output=True, text=True)
    status = "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
    print(f"  {job['name']:<34} {status}")
    if done.returncode != 0:
        print("    " + "\n    ".join(done.stderr.strip().splitlines()[-3:]))
    return done.returncode


def show_landed(sandbox_url: str, data_sets: list[str]) -> None:
    print("\nWhat landed in Backdrop:")
    for data_set in data_sets:
        records = requests.get(f"{sandbox_url}/data/{data_set}", timeout=10).json()["data"]
        print(f"\n  {data_set}: {len(records)} records")
        if records:
            first = {k: v for k, v in records[0].items()
                     if not k.endswith("_start_at") and k != "_updated_at"}
            print("    first: " + json.dumps(first, ensure_ascii=False)[:300])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """``--keep`` (or ``DEMO_KEEP=1``, e.g. ``make demo DEMO_KEEP=1``) leaves the sandbox
    running at the end and prints the URL of its page (every data set, charted) until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Run every collector against the sandbox.")
    parser.add_argument("--keep", action="store_true",
                        default=os.environ.get("DEMO_KEEP", "") not in ("", "0"),
                        help="leave the sandbox and its page running until Ctrl-C "
                             "(also DEMO_KEEP=1)")
    return parser.parse_args(argv)


def keep_serving(process: subprocess.Popen, sandbox_url: str) -> None:
    """Wait for Ctrl-C (or a ``kill``): the caller then stops the sandbox."""
    print(f"\nThe sandbox keeps running: look at {sandbox_url}/ in a browser. "
          "Ctrl-C stops it.", flush=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process.wait()
    except KeyboardInterrupt:
        pass


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    jobs = json.loads((HERE / "jobs.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="pp-demo-") as tmp:
        workdir = Path(tmp)
        process, sandbox_url = start_sandbox(workdir)
        try:
            print(f"Sandbox serving on {sandbox_url}\n\nRunning the collectors:")
            render_tree(HERE, workdir, sandbox_url)
            failures = sum(run_job(job, workdir, sandbox_url) != 0 for job in jobs)
            data_sets = list(dict.fromkeys(job["data_set"] for job in jobs))
            show_landed(sandbox_url, data_sets)
            print(f"\n{len(jobs) - failures} of {len(jobs)} collector runs succeeded.")
            if args.keep:
                keep_serving(process, sandbox_url)
            else:
                print("To look at it in a browser, keep the sandbox running: "
                      "make demo DEMO_KEEP=1 (or python demo/run.py --keep).")
        finally:
            process.terminate()
            process.wait(timeout=10)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
