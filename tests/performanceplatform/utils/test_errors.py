"""Exit codes live in one place, and each error says its own."""

from __future__ import annotations

import pytest

from performanceplatform.utils.errors import (
    CollectorError,
    ConfigError,
    ExitCode,
    SinkError,
    SourceError,
    Terminated,
    UsageError,
)


def test_the_exit_codes():
    assert [int(code) for code in ExitCode] == [0, 1, 2, 130, 143]
    assert ExitCode.INTERRUPTED == 128 + 2 and ExitCode.TERMINATED == 128 + 15


@pytest.mark.parametrize("error,code", [
    (CollectorError("x"), 1),
    (SourceError("x"), 1),
    (SinkError("x"), 1),
    (ConfigError("x", where="query.json", key="options.chunk-size"), 1),
    (ConfigError("x", where="-query.json"), 1),  # a file name, not a flag
    (UsageError("x"), 2),
    (ConfigError("Cannot backfill realtime collectors", where="command line"), 2),
    (ConfigError("Cannot backfill realtime collectors", key="--start/--end"), 2),
    (ConfigError("Cannot backfill realtime collectors", where="--start/--end"), 2),
])
def test_each_error_carries_its_exit_code(error, code):
    assert error.exit_code == code


def test_usage_errors_name_the_command_line():
    assert str(UsageError("-e before -s")) == "command line: -e before -s"


def test_terminated_is_not_an_exception():
    """``except Exception`` in a collector must not swallow it."""
    assert not issubclass(Terminated, Exception)
    assert str(Terminated()) == "terminated by SIGTERM"


def test_the_cli_reports_each_errors_own_exit_code(capsys):
    from performanceplatform.collector.main import _report

    class Custom(CollectorError):
        exit_code = 7

    assert _report(Custom("custom")) == 7
    assert _report(UsageError("bad")) == 2
    assert _report(RuntimeError("boom")) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["pp-collector: error: custom", "pp-collector: error: command line: bad",
                   "pp-collector: error: unexpected RuntimeError: boom"]


def test_an_error_is_one_line_that_keeps_the_spacing_of_what_it_quotes():
    error = ConfigError("got 'two  spaces\tand a tab'\nsecond line", where="q.json")
    assert str(error) == "q.json: got 'two  spaces\tand a tab' second line"
