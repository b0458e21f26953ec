"""``main(argv)`` in-process: what a person at a terminal, a container's log collector and a
cron job's log folder each get. The summary line and the progress bar on a terminal, the
JSON log on stderr, and where a failure that happens while the command line is read is logged.

``test_summary.py``, ``test_progress_bar.py`` and ``test_log_format_json.py`` run the same
behaviours through a subprocess (a real pseudo-terminal); these run in the test's own process,
so that a planted bug in ``main.py`` (``make mutation``) is seen by them too.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys

import pytest

from performanceplatform.collector import arguments
from performanceplatform.collector.main import main, run
from performanceplatform.utils import run_counts
from performanceplatform.utils.errors import ExitCode
from tests.helpers import served, stored
from tests.performanceplatform.collector.ga4.test_e2e import ga4_query
from tests.performanceplatform.collector.test_main_in_process import (  # noqa: F401 (fixtures)
    QUERY,
    InProcess,
    _clean,
    collector_module,
    error_line,
    json_log,
    stagecraft_config,
    with_,
)
from tests.performanceplatform.collector.test_summary import BACKFILL, credentials

# the fixtures, shared with the modules they come from
__all__ = ["_clean", "collector_module", "credentials"]

SUMMARY = r"wrote 2 records to g/t in \d+\.\d s \(1 request, 0 retries\)"


class Terminal(io.StringIO):
    """What stderr shows when it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch, capsys):
    """Makes stderr a terminal, from when it is called (pytest's capture replaces stderr
    once the fixtures are set up)."""
    monkeypatch.delenv("PP_COLLECTOR_PROGRESS", raising=False)
    monkeypatch.delenv("PP_COLLECTOR_LOG_FORMAT", raising=False)

    def make() -> Terminal:
        screen = Terminal()
        monkeypatch.setattr(sys, "stderr", screen)
        return screen
    return make


class Cli(InProcess):
    def run_words(self, words: list[str]) -> tuple[int, str]:
        """``main(words)``: its exit code and stderr."""
        self.capsys.readouterr()
        code = main(words)
        return code, self.capsys.readouterr().err


@pytest.fixture
def cli(sandbox, tmp_path, capsys) -> Cli:
    return Cli(sandbox, tmp_path, capsys)


def json_lines(text: str) -> list[dict]:
    """Every line of ``text`` as JSON (fails on a line that is not)."""
    return [json.loads(line) for line in text.splitlines()]


# -- the summary line on a terminal ------------------------------------------------------------

def test_a_terminal_gets_the_summary_when_the_log_goes_to_files(sandbox, cli, terminal,
                                                                 tmp_path):
    screen = terminal()
    code = main(cli.files(QUERY) + ["--log-dir", str(tmp_path / "log")])
    assert code == 0
    assert re.fullmatch(f"pp-collector: {SUMMARY}\n", screen.getvalue())
    logged = (tmp_path / "log" / "production.log").read_text(encoding="utf-8")
    assert re.search(f"\\[INFO\\] -> {SUMMARY}\n", logged)


def test_a_dry_run_says_what_it_would_write(sandbox, cli, terminal, tmp_path):
    screen = terminal()
    code = main(cli.files(QUERY) + ["--log-dir", str(tmp_path / "log"), "--dry-run"])
    assert code == 0 and stored(sandbox, "g", "t") == []
    assert re.fullmatch(r"pp-collector: would write 2 records to g/t in \d+\.\d s "
                        r"\(0 requests, 0 retries\)\n", screen.getvalue())


def test_with_console_logging_the_summary_is_logged_once(sandbox, cli, terminal):
    screen = terminal()
    assert main(cli.files(QUERY) + ["--console-logging"]) == 0
    lines = screen.getvalue().splitlines()
    assert [line for line in lines if "records to" in line] == [
        line for line in lines if re.fullmatch(f"INFO:pp_collector.summary:{SUMMARY}", line)]
    assert len([line for line in lines if "records to" in line]) == 1
    assert not [line for line in lines if line.startswith("pp-collector:")]


def test_stderr_that_is_not_a_terminal_gets_no_summary(sandbox, cli, tmp_path):
    code, err = cli(QUERY, "--log-dir", str(tmp_path / "log"), console=False)
    assert (code, err) == (0, "")  # cron mails nothing on success


def test_a_stagecraft_run_counts_stagecraft_s_answer(sandbox, sandbox_config, cli, terminal,
                                                      tmp_path):
    screen = terminal()
    sandbox_config.collectors["echo-slug"] = stagecraft_config("tests.collectors.echo")
    code = main(cli.files() + ["-l", "echo-slug", "--log-dir", str(tmp_path / "log")])
    assert code == 0
    assert len(served(sandbox)) == 2  # GET /collector/echo-slug, POST /data/g/t
    assert re.fullmatch(r"pp-collector: wrote 1 record to g/t in \d+\.\d s "
                        r"\(2 requests, 0 retries\)\n", screen.getvalue())


def test_run_counts_into_the_callers_counts(sandbox, sandbox_config, cli):
    """The Celery task (``run``) counts the run's requests, Stagecraft's included, in its own."""
    sandbox_config.collectors["echo-slug"] = stagecraft_config("tests.collectors.echo")
    with run_counts.counting() as outer:
        run(cli.files() + ["-l", "echo-slug", "--console-logging"])
    assert outer.requests == 2


# -- the JSON log on stderr ------------------------------------------------------------------

def test_json_log_on_a_terminal_is_json_only_with_the_run_s_tags_and_fields(
        sandbox, cli, terminal, credentials, service_settings, monkeypatch):
    screen = terminal()
    monkeypatch.setenv("PP_COLLECTOR_SANDBOX_URL", sandbox.url)
    code = main(cli.files(ga4_query(), credentials=credentials) + list(BACKFILL)
                + ["--log-format", "json", "--dry-run"])
    assert code == 0
    entries = json_lines(screen.getvalue())  # no bar, no plain summary line
    running = [e for e in entries if e["@message"] == "Running collection into g4/visits"]
    assert running[0]["@tags"] == ["collector", "performanceplatform.collector.ga4"]
    fields = running[0]["@fields"]
    assert (fields["data_group"], fields["data_type"]) == ("g4", "visits")
    assert fields["path_to_query"] == cli.query_path
    [summary] = [e for e in entries if "summary" in e["@fields"]]
    assert re.fullmatch(r"would write 42 records to g4/visits in \d+\.\d s \(\d+ requests, "
                        r"0 retries\)", summary["@message"])
    numbers = summary["@fields"]["summary"]
    assert (numbers["records"], numbers["retries"], numbers["dry_run"]) == (42, 0, True)


def test_json_log_follows_loglevel(sandbox, cli, terminal, monkeypatch):
    screen = terminal()
    monkeypatch.setenv("LOGLEVEL", "WARNING")
    assert main(cli.files(QUERY) + ["--log-format", "json"]) == 0
    messages = [e["@message"] for e in json_lines(screen.getvalue())]
    assert len(messages) == 1 and re.fullmatch(SUMMARY, messages[0])  # the summary always


def test_json_log_with_console_logging_logs_the_failure_once(sandbox, cli, monkeypatch):
    code, err = cli(QUERY, "--log-format", "json", token="wrong-token-value")
    assert code == 1
    *entries, line = err.splitlines()
    failures = [e for e in json_lines("\n".join(entries)) if "exception_class" in e["@fields"]]
    assert [f["@message"] for f in failures] == [line.removeprefix("pp-collector: error: ")]
    assert "HTTP 401" in line


def test_the_log_format_flag_wins_over_a_bad_variable(sandbox, cli, monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_LOG_FORMAT", "xml")
    code, err = cli(QUERY, "--log-format", "text")
    assert code == 0, err
    assert len(stored(sandbox, "g", "t")) == 2


def test_a_bad_log_format_variable_is_one_line_and_logged_as_text(sandbox, cli, monkeypatch,
                                                                   tmp_path):
    monkeypatch.setenv("PP_COLLECTOR_LOG_FORMAT", "xml")
    code, err = cli(QUERY, "--log-dir", str(tmp_path / "log"), console=False)
    assert code == ExitCode.FAILED
    assert err == ("pp-collector: error: PP_COLLECTOR_LOG_FORMAT: expected one of text, json, "
                   "got 'xml'\n")
    logged = (tmp_path / "log" / "production.log").read_text(encoding="utf-8")
    assert "[ERROR] -> PP_COLLECTOR_LOG_FORMAT: expected one of text, json" in logged
    assert stored(sandbox, "g", "t") == []


def test_a_password_in_the_store_url_is_masked_wherever_it_shows(sandbox, cli,
                                                                  collector_module):
    name = collector_module("url_teller", "def main(credentials, data_set_config, *args):\n"
                                          "    raise RuntimeError(data_set_config['url'])\n")
    url = sandbox.url.replace("http://", "http://user:url-password-secret@")
    code, err = cli(with_(QUERY, entrypoint=name), pp={"backdrop_url": f"{url}/data"})
    assert code == 1
    assert "url-password-secret" not in err
    assert error_line(err) == ("pp-collector: error: unexpected RuntimeError: "
                               f"{sandbox.url.replace('http://', 'http://user:***@')}/data/g/t")


# -- the progress bar ------------------------------------------------------------------------

@pytest.fixture
def ga4_backfill(sandbox, cli, credentials, service_settings, monkeypatch):
    """The command line of a two-week GA4 back-fill (two periods: a bar is worth drawing)."""
    monkeypatch.setenv("PP_COLLECTOR_SANDBOX_URL", sandbox.url)
    return cli.files(ga4_query(), credentials=credentials) + list(BACKFILL)


def test_progress_draws_the_bar_named_after_the_data_set(sandbox, ga4_backfill, tmp_path,
                                                         capsys):
    capsys.readouterr()
    assert main(ga4_backfill + ["--progress", "--log-dir", str(tmp_path / "log")]) == 0
    err = capsys.readouterr().err  # not a terminal: the flag forces the bar
    assert "\rg4/visits   0%|" in err and "| 0/2 periods [" in err


def test_no_progress_draws_no_bar_on_a_terminal(sandbox, ga4_backfill, terminal, tmp_path):
    screen = terminal()
    assert main(ga4_backfill + ["--no-progress", "--log-dir", str(tmp_path / "log")]) == 0
    assert screen.getvalue().startswith("pp-collector: wrote 42 records to g4/visits")
    assert "periods" not in screen.getvalue()


def test_a_terminal_gets_the_bar_by_default(sandbox, ga4_backfill, terminal, tmp_path):
    screen = terminal()
    assert main(ga4_backfill + ["--log-dir", str(tmp_path / "log")]) == 0
    assert screen.getvalue().startswith("\rg4/visits   0%|")
    assert "| 0/2 periods [" in screen.getvalue()


# -- a failure while the command line is read --------------------------------------------------

def broken_command_line(cli: Cli) -> list[str]:
    """A command line whose credentials file cannot be read (exit 1, not argparse's 2)."""
    files = cli.files(QUERY)
    files[files.index("-c") + 1] = str(cli.tmp / "missing.json")
    return files


@pytest.mark.parametrize("flag", [["--log-dir", "{dir}"], ["--log-dir={dir}"],
                                  ["--log-d", "{dir}"]])
def test_a_failure_reading_the_files_is_logged_in_the_log_dir_given(sandbox, cli, tmp_path,
                                                                    monkeypatch, flag):
    monkeypatch.setenv("PP_COLLECTOR_LOG_DIR", str(tmp_path / "default"))
    given = [word.format(dir=tmp_path / "given") for word in flag]
    code, err = cli.run_words(broken_command_line(cli) + given)
    assert code == 1 and "missing.json" in error_line(err)
    assert "missing.json" in (tmp_path / "given" / "production.log").read_text(encoding="utf-8")
    assert not (tmp_path / "default").exists()


@pytest.mark.parametrize("flag", ["--console-logging", "--console"])
def test_a_failure_reading_the_files_on_the_console_writes_no_log(sandbox, cli, tmp_path,
                                                                  monkeypatch, flag):
    monkeypatch.setenv("PP_COLLECTOR_LOG_DIR", str(tmp_path / "log"))
    code, err = cli.run_words(broken_command_line(cli) + [flag])
    assert code == 1 and err.count("\n") == 1 and "missing.json" in error_line(err)
    assert not (tmp_path / "log").exists()


@pytest.mark.parametrize("flag", [["--log-format", "json"], ["--log-format=json"],
                                  ["--log-f", "json"]])
def test_a_failure_reading_the_files_with_a_json_log_is_logged_as_json(sandbox, cli, flag):
    code, err = cli.run_words(broken_command_line(cli) + ["-l", "a-slug"] + flag)
    assert code == 1
    entry, line = err.splitlines()
    logged = json.loads(entry)
    assert logged["@message"] == line.removeprefix("pp-collector: error: ")
    assert "missing.json" in logged["@message"]
    assert logged["@fields"]["collector_slug"] == "a-slug"
    assert logged["@tags"] == ["collector", "pp-collector"]


def test_a_failure_reading_the_files_in_file_mode_names_the_slug(sandbox, cli, tmp_path):
    code, _ = cli.run_words(broken_command_line(cli)
                            + ["-l", "a-slug", "--log-dir", str(tmp_path / "log")])
    assert code == 1
    last = json_log(tmp_path / "log")[-1]
    assert last["@fields"]["collector_slug"] == "a-slug" and "missing.json" in last["@message"]


def test_ctrl_c_while_the_files_are_read_is_logged_in_the_log_dir(sandbox, cli, tmp_path,
                                                                  monkeypatch):
    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(arguments, "read_json_config", interrupted)
    code, err = cli.run_words(cli.files(QUERY) + ["--log-dir", str(tmp_path / "log")])
    assert code == ExitCode.INTERRUPTED
    assert err == "pp-collector: interrupted (Ctrl-C): no records were written\n"
    assert json_log(tmp_path / "log")[-1]["@message"] == (
        "interrupted (Ctrl-C): no records were written")


def test_the_peek_reads_what_the_real_parser_would():
    peeked = arguments.peek_logging(["-c", "x.json", "--console", "--log-f=json", "-lslug"])
    assert (peeked.console_logging, peeked.log_format, peeked.log_dir,
            peeked.collector_slug) == (True, "json", None, "slug")
    nothing = arguments.peek_logging(["--log-format"])  # the real parse says what is wrong
    assert (nothing.console_logging, nothing.log_format, nothing.log_dir,
            nothing.collector_slug) == (False, None, None, None)


# -- shell completion ------------------------------------------------------------------------

def test_main_answers_the_shell_s_completion_request_and_only_then(tmp_path, monkeypatch,
                                                                   capsys):
    """argcomplete answers and ends the process (``os._exit``): ``main`` runs in a fork for
    that; without the request the same words are a command line (missing -c: exit 2)."""
    pytest.importorskip("argcomplete", reason="the 'completion' extra is not installed")
    answer = tmp_path / "completions"
    line = "pp-collector --dr"
    request = {"_ARGCOMPLETE": "1", "_ARGCOMPLETE_IFS": "\n", "COMP_LINE": line,
               "COMP_POINT": str(len(line)), "_ARGCOMPLETE_STDOUT_FILENAME": str(answer)}
    for name in request:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit) as stopped:
        main(["--dr"])
    assert stopped.value.code == ExitCode.USAGE and not answer.exists()
    assert "the following arguments are required: -c/--credentials" in capsys.readouterr().err
    for name, value in request.items():
        monkeypatch.setenv(name, value)
    child = os.fork()
    if child == 0:  # pragma: no cover (the child ends in argcomplete, or here)
        try:
            main(["--dr"])
        finally:
            os._exit(99)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert answer.read_text().split() == ["--dry-run"]
