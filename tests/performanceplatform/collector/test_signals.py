"""A run stopped by a signal says what was and was not written: SIGTERM exits 143, Ctrl-C
(SIGINT) 130. The real CLI runs against the sandbox, whose Backdrop is slowed down so that the
signal arrives while a request is in flight."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

from performanceplatform.utils.errors import ExitCode
from tests.helpers import inject, served, stored
from tests.performanceplatform.collector.test_main import QUERY, STAGECRAFT_CONFIG, with_

RECORDS = [{"_id": f"r{i}", "_timestamp": "2018-08-01T00:00:00+00:00", "count": i}
           for i in range(6)]
# a data set of its own: the delayed request completes after the test
SLOW = with_(QUERY, query={"records": RECORDS}, options={"chunk-size": 2},
             **{"data-set": {"data-group": "signalled", "data-type": "t"}})


def wait_for(log: Path, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text():
            time.sleep(0.3)  # the request is on its way
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in {log}")


def settle(sandbox, service: str, path: str, count: int, timeout: float = 30) -> None:
    """Wait until the sandbox has finished the delayed requests a killed run left behind, so
    they are not logged during the next test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len([r for r in served(sandbox, service) if path in r["path"]]) >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"the sandbox never finished {count} {service} requests to {path}")


def stop(process, signum: int) -> tuple[int, str]:
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    return process.returncode, stderr


def test_sigterm_mid_run_says_what_was_written_and_exits_143(sandbox, run_cli):
    inject(sandbox, service="backdrop", status=None, count=1)  # chunk 1 goes through
    inject(sandbox, service="backdrop", status=None, delay=12, count=1)  # chunk 2 hangs
    process = run_cli.start(SLOW, {}, console=False)
    log = run_cli.workdir / "log" / "production.log"
    wait_for(log, "Sending chunk 2")
    code, stderr = stop(process, signal.SIGTERM)
    line = ("terminated (SIGTERM): 2 records in 1 chunk were written (a re-run overwrites "
            "them by _id); the rest were not written")
    assert code == ExitCode.TERMINATED == 143
    assert stderr == f"pp-collector: {line}\n"
    assert line in log.read_text()
    last = json.loads((run_cli.workdir / "log" / "production.json.log").read_text()
                      .splitlines()[-1])
    assert last["@message"] == line and last["@fields"]["levelname"] == "ERROR"
    assert [r["_id"] for r in stored(sandbox, "signalled", "t")] == ["r0", "r1"]
    settle(sandbox, "backdrop", "/data/signalled/t", 2)


def test_sigterm_before_anything_is_written(sandbox, sandbox_config, run_cli):
    sandbox_config.collectors["echo-slug"] = STAGECRAFT_CONFIG
    inject(sandbox, service="stagecraft", status=None, delay=5, count=1)
    process = run_cli.start(None, {}, "-l", "echo-slug", console=False)
    time.sleep(2)  # Python started, the config request is on its way
    code, stderr = stop(process, signal.SIGTERM)
    assert code == 143
    assert stderr == "pp-collector: terminated (SIGTERM): no records were written\n"
    last = json.loads((run_cli.workdir / "log" / "production.json.log").read_text()
                      .splitlines()[-1])
    assert "terminated (SIGTERM)" in last["@message"]
    assert last["@fields"]["collector_slug"] == "echo-slug"
    settle(sandbox, "stagecraft", "/collector/echo-slug", 1)


def test_ctrl_c_mid_request_exits_130(sandbox, run_cli):
    inject(sandbox, service="backdrop", status=None, delay=12, count=1)  # a loaded machine
    process = run_cli.start(SLOW, {}, console=False)
    wait_for(run_cli.workdir / "log" / "production.log", "Sending chunk 1")
    code, stderr = stop(process, signal.SIGINT)
    assert code == ExitCode.INTERRUPTED == 130
    assert stderr.startswith("pp-collector: interrupted (Ctrl-C): no records were written")
    assert "Traceback" not in stderr
    settle(sandbox, "backdrop", "/data/signalled/t", 1)
