"""``make demo`` keeps working: every collector of the demo runs against the sandbox."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import REPO


def test_demo_runs_every_job():
    jobs = json.loads((REPO / "demo" / "jobs.json").read_text(encoding="utf-8"))
    done = subprocess.run([sys.executable, str(REPO / "demo" / "run.py")], capture_output=True,
                          text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(jobs)} of {len(jobs)} collector runs succeeded" in done.stdout
    entrypoints = {json.loads((REPO / "demo" / job["query"]).read_text())["entrypoint"]
                   for job in jobs if "query" in job}
    for name in ("ga", "ga.realtime", "ga.trending", "ga.contrib.content.table", "ga4",
                 "ga4.realtime", "pingdom", "piwik.core", "piwik.realtime", "matomo",
                 "webtrends.reports", "webtrends.keymetrics", "gcloud"):
        assert f"performanceplatform.collector.{name}" in entrypoints
