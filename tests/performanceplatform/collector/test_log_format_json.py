"""``--log-format json`` (or ``PP_COLLECTOR_LOG_FORMAT=json``): the log on stderr, one JSON object
a line in the shape of the ``.json.log`` files, and no log files; run through the real CLI."""

from __future__ import annotations

import json

import pytest

from tests.helpers import inject
from tests.performanceplatform.collector.test_main import QUERY, STAGECRAFT_CONFIG
from tests.performanceplatform.collector.test_summary import summaries

ECHO = "tests.collectors.echo"


def json_lines(stderr: str) -> list[dict]:
    """Every line of stderr but the CLI's own last line (``pp-collector: error: ...``)."""
    return [json.loads(line) for line in stderr.splitlines()
            if not line.startswith("pp-collector:")]


@pytest.mark.parametrize("how, env", [(["--log-format", "json"], {}),
                                      (["--log-format=json", "--console-logging"], {}),
                                      ([], {"PP_COLLECTOR_LOG_FORMAT": "json"})])
def test_every_line_is_a_logstash_json_object_and_no_file_is_written(run_cli, sandbox, how,
                                                                     env):
    result = run_cli(QUERY, {}, *how, console=False, env=env)
    assert result.code == 0, result.stderr
    lines = json_lines(result.stderr)
    assert len(lines) == len(result.stderr.splitlines()) >= 2
    for line in lines:
        assert set(line) == {"@message", "@timestamp", "@source_host", "@tags", "@fields"}
        assert line["@tags"] == ["collector", ECHO]
        assert line["@timestamp"].endswith("Z")
        fields = line["@fields"]
        assert fields["data_group_data_type"] == "g/t"
        assert fields["path_to_query"].endswith("query.json")
        assert {"levelname", "name", "created"} <= set(fields)
    assert "Running collection into g/t" in [line["@message"] for line in lines]
    last = lines[-1]
    assert summaries(last["@message"])[0][:3] == ("wrote", 5, "g/t")
    assert last["@fields"]["summary"] == {"records": 5, "requests": 1, "retries": 0,
                                          "seconds": last["@fields"]["summary"]["seconds"],
                                          "dry_run": False}
    assert not (result.workdir / "log").exists()


def test_a_failure_is_a_json_line_too_then_the_one_error_line(run_cli, sandbox):
    inject(sandbox, service="backdrop", status=401, count=1)
    result = run_cli(QUERY, {}, "--log-format", "json", console=False)
    assert result.code == 1
    *lines, last = result.stderr.splitlines()
    assert last.startswith("pp-collector: error: POST ") and "HTTP 401" in last
    errors = [line for line in map(json.loads, lines) if line["@fields"]["levelname"] == "ERROR"]
    assert errors[-1]["@fields"]["exception_class"] == "SinkError"
    assert "HTTP 401" in errors[-1]["@message"]
    assert not summaries(result.stderr)


def test_a_failure_before_the_data_set_is_known_is_a_json_line(run_cli, sandbox,
                                                                sandbox_config):
    result = run_cli(None, {}, "-l", "no-such-slug", "--log-format", "json", console=False)
    assert result.code == 1
    *lines, last = result.stderr.splitlines()
    assert last.startswith("pp-collector: error: ") and "no-such-slug" in last
    error = json.loads(lines[-1])
    assert error["@fields"]["collector_slug"] == "no-such-slug"
    assert error["@fields"]["levelname"] == "ERROR"
    assert error["@tags"] == ["collector", "pp-collector"]
    assert not (result.workdir / "log").exists()


def test_a_stagecraft_run_names_its_data_set_in_every_line(run_cli, sandbox, sandbox_config):
    sandbox_config.collectors["echo-slug"] = STAGECRAFT_CONFIG
    result = run_cli(None, {}, "-l", "echo-slug", "--log-format", "json", console=False)
    assert result.code == 0, result.stderr
    lines = json_lines(result.stderr)
    assert all(line["@fields"]["data_group_data_type"] == "g/t" for line in lines)
    # Stagecraft's GET and two chunks of two and one record
    assert summaries(lines[-1]["@message"]) == [("wrote", 3, "g/t", 3, 0)]


def test_an_unknown_format_is_named(run_cli, sandbox):
    result = run_cli(QUERY, {}, env={"PP_COLLECTOR_LOG_FORMAT": "xml"})
    assert result.code == 1
    assert result.stderr.splitlines()[-1] == ("pp-collector: error: PP_COLLECTOR_LOG_FORMAT: "
                                              "expected one of text, json, got 'xml'")
    flag = run_cli(QUERY, {}, "--log-format", "xml")
    assert flag.code == 2 and "invalid choice: 'xml'" in flag.stderr
