"""The progress bar of a back-fill: drawn when stderr is a terminal (a pseudo-terminal here),
never when stderr is a pipe or a file (cron), and turned off or forced by flag or variable."""

from __future__ import annotations

import errno
import fcntl
import os
import pty
import struct
import termios

import pytest

from tests.helpers import CliRunner, inject
from tests.performanceplatform.collector.ga4.test_e2e import ga4_query
from tests.performanceplatform.collector.test_summary import BACKFILL, credentials, summaries

__all__ = ["credentials"]  # the fixture, shared with the summary's tests

BAR = "/2 periods"  # "0/2 periods", "1/2 periods"...


def on_a_terminal(run_cli: CliRunner, credentials: dict, *extra: str,
                  console: bool = False, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run the CLI with stderr on a 120-column pseudo-terminal; its exit code and what the
    terminal received."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    try:
        process = run_cli.start(ga4_query(), credentials, *BACKFILL, *extra, console=console,
                                env=env, stderr=follower)
    finally:
        os.close(follower)
    received = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError as exc:  # EIO: the process closed its end
            if exc.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    process.stdout.close()
    return process.wait(timeout=60), received.decode("utf-8", "replace")


@pytest.fixture
def slow_source(sandbox):
    """Each GA4 request takes a moment, so the bar is seen moving."""
    inject(sandbox, service="ga4", delay=0.3, status=None, count=10)


def test_a_terminal_shows_the_bar_then_the_summary(run_cli, sandbox, credentials, slow_source):
    code, shown = on_a_terminal(run_cli, credentials)
    assert code == 0, shown
    assert "g4/visits" in shown and "0/2 periods" in shown and "\r" in shown
    assert "records written" in shown
    last = shown.rstrip().splitlines()[-1]
    assert last.startswith("pp-collector: wrote 42 records to g4/visits in ")
    assert summaries(last) and summaries(last)[0][:3] == ("wrote", 42, "g4/visits")


def test_a_pipe_gets_no_bar_and_under_cron_no_line_at_all(run_cli, sandbox, credentials):
    result = run_cli(ga4_query(), credentials, *BACKFILL, console=False)
    assert result.code == 0, result.stderr
    assert result.stderr == ""  # cron mails only failures
    log = (result.workdir / "log" / "production.log").read_text(encoding="utf-8")
    assert summaries(log)[0][:3] == ("wrote", 42, "g4/visits")  # the log has the summary


def test_console_logging_on_a_pipe_has_log_lines_and_no_bar(run_cli, sandbox, credentials):
    result = run_cli(ga4_query(), credentials, *BACKFILL)
    assert result.code == 0, result.stderr
    assert BAR not in result.stderr and "\r" not in result.stderr
    assert all(line.startswith(("INFO:", "WARNING:")) for line in result.stderr.splitlines())


def test_log_lines_on_the_terminal_are_not_broken_by_the_bar(run_cli, sandbox, credentials,
                                                              slow_source):
    code, shown = on_a_terminal(run_cli, credentials, console=True)
    assert code == 0, shown
    assert BAR in shown
    lines = [line.split("\r")[-1] for line in shown.replace("\r\n", "\n").split("\n")]
    logged = [line for line in lines if "INFO:" in line]
    assert any("Querying GA4" in line for line in logged)
    assert all(line.lstrip().startswith("INFO:") for line in logged), logged
    assert "INFO:pp_collector.summary:wrote 42 records to g4/visits" in shown


@pytest.mark.parametrize("how", [["--no-progress"], ["--log-format", "json"]])
def test_no_bar_when_turned_off_or_the_log_is_json(run_cli, sandbox, credentials, how):
    code, shown = on_a_terminal(run_cli, credentials, *how)
    assert code == 0, shown
    assert BAR not in shown


def test_the_variable_turns_it_off(run_cli, sandbox, credentials):
    code, shown = on_a_terminal(run_cli, credentials, env={"PP_COLLECTOR_PROGRESS": "0"})
    assert code == 0, shown
    assert BAR not in shown
    assert "pp-collector: wrote 42 records" in shown  # the summary still ends the run


@pytest.mark.parametrize("how, env", [(["--progress"], {}),
                                      ([], {"PP_COLLECTOR_PROGRESS": "1"})])
def test_forced_even_on_a_pipe(run_cli, sandbox, credentials, how, env):
    result = run_cli(ga4_query(), credentials, *BACKFILL, *how, console=False, env=env)
    assert result.code == 0, result.stderr
    assert "0/2 periods" in result.stderr


def test_one_period_gets_no_bar(run_cli, sandbox, credentials):
    result = run_cli(ga4_query(), credentials, "-s", "2018-07-16", "-e", "2018-07-22",
                     "--progress", console=False)
    assert result.code == 0, result.stderr
    assert "periods" not in result.stderr and "1/1" not in result.stderr
