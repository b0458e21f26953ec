"""``make demo`` keeps working: every collector of the demo runs against the sandbox, and
``DEMO_KEEP=1`` leaves the sandbox serving its page of what landed until Ctrl-C."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys

import requests

from tests.helpers import REPO
from tests.performanceplatform.sandbox.pages import Dom

KEEPING = re.compile(r"look at (http://\S+/) in a browser")


def test_demo_runs_every_job_and_keeps_its_page_until_interrupted():
    jobs = json.loads((REPO / "demo" / "jobs.json").read_text(encoding="utf-8"))
    demo = subprocess.Popen([sys.executable, str(REPO / "demo" / "run.py")], cwd=REPO,
                            env=dict(os.environ, DEMO_KEEP="1"), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        lines = []
        while not (lines and KEEPING.search(lines[-1])) and (line := demo.stdout.readline()):
            lines.append(line)
        output = "".join(lines)
        assert f"{len(jobs)} of {len(jobs)} collector runs succeeded" in output, output
        page = requests.get(KEEPING.search(output)[1], timeout=30)
        listed = {row[0]: int(row[1].replace(",", "")) for row in Dom.parse(page.text).table_rows()}
        for job in jobs:
            assert listed[job["data_set"].replace("/", "_").replace("-", "_")] > 0, job
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=30) == 0
    finally:
        demo.kill()
        demo.stdout.close()
    entrypoints = {json.loads((REPO / "demo" / job["query"]).read_text())["entrypoint"]
                   for job in jobs if "query" in job}
    for name in ("ga", "ga.realtime", "ga.trending", "ga.contrib.content.table", "ga4",
                 "ga4.realtime", "pingdom", "piwik.core", "piwik.realtime", "matomo",
                 "webtrends.reports", "webtrends.keymetrics", "gcloud"):
        assert f"performanceplatform.collector.{name}" in entrypoints


def test_the_demo_stops_its_sandbox_unless_asked_to_keep_it(monkeypatch):
    spec = importlib.util.spec_from_file_location("demo_run", REPO / "demo" / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    monkeypatch.delenv("DEMO_KEEP", raising=False)
    assert run.parse_args([]).keep is False and run.parse_args(["--keep"]).keep is True
    monkeypatch.setenv("DEMO_KEEP", "1")
    assert run.parse_args([]).keep is True
    monkeypatch.setenv("DEMO_KEEP", "0")
    assert run.parse_args([]).keep is False
