"""The CLI end to end: the real ``pp-collector`` process against the sandbox (spec core.md §1,
§5.2), and every error of the issue's list giving one line, exit 1 and nothing written."""

from __future__ import annotations

import json
import os

import pytest

from performanceplatform.collector.main import (
    _get_query_params,
    merge_performanceplatform_config,
)
from tests.helpers import OMNISCIENT_TOKEN, SANDBOX_TOKEN, inject, served, stored

RECORD = {"_id": "r", "_timestamp": "2018-08-01T00:00:00+00:00", "count": 1}
QUERY = {"entrypoint": "tests.collectors.echo", "data-set": {"data-group": "g", "data-type": "t"},
         "query": {"records": [RECORD], "repeat": 5}, "options": {}}
STAGECRAFT_CONFIG = {
    "id": "0b7e8f8c", "slug": "echo-slug", "name": "echo", "entry_point": "tests.collectors.echo",
    "query": {"records": [RECORD], "repeat": 3}, "options": {"chunk-size": 2},
    "type": {"slug": "echo"}, "data_source": {"slug": "echo"}, "provider": {"slug": "echo"},
    "data_set": {"data_group": "g", "data_type": "t", "bearer_token": "not-the-write-token"},
}


def with_(base: dict, **changes) -> dict:
    merged = json.loads(json.dumps(base))
    merged.update(changes)
    return merged


def assert_one_line_failure(result, *fragments, code=1):
    assert result.code == code, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("pp-collector:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def posts(sandbox):
    return [r for r in served(sandbox, "backdrop") if r["method"] in ("POST", "PUT")]


# -- the pieces ------------------------------------------------------------------------------

def test_merge_performanceplatform_config():
    merged = merge_performanceplatform_config(
        {"backdrop_url": "http://foo/data"}, {"data-group": "group", "data-type": "type"},
        {"token": "foo"})
    assert merged == {"url": "http://foo/data/group/type", "token": "foo",
                      "data-group": "group", "data-type": "type", "dry_run": False}
    assert merge_performanceplatform_config(
        {"backdrop_url": "http://foo/data"}, {"data-group": "group", "data-type": "type"},
        {"token": "foo"}, dry_run=True)["dry_run"] is True


def test_query_params_for_the_json_log():
    assert _get_query_params({"query": {"a": 1, "c": 3, "b": 5}}) == "a=1 b=5 c=3"


# -- running ---------------------------------------------------------------------------------

def test_query_mode_writes_records_and_never_asks_stagecraft(sandbox, run_cli):
    result = run_cli(QUERY, {})
    assert result.code == 0, result.output
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r", "r-1", "r-2", "r-3", "r-4"]
    assert served(sandbox, "stagecraft") == []


def test_slug_mode_fetches_the_config_and_writes_with_the_token_file(sandbox, sandbox_config,
                                                                     run_cli):
    sandbox_config.collectors["echo-slug"] = STAGECRAFT_CONFIG
    result = run_cli(None, {}, "-l", "echo-slug")
    assert result.code == 0, result.output
    [fetch] = served(sandbox, "stagecraft")
    assert fetch["path"] == "/collector/echo-slug"
    assert len(stored(sandbox, "g", "t")) == 3
    assert len(posts(sandbox)) == 2  # chunk-size 2 from Stagecraft's options


def test_chunks_and_gzip_as_the_server_saw_them(sandbox, run_cli):
    query = with_(QUERY, options={"chunk-size": 40})
    query["query"]["repeat"] = 100
    result = run_cli(query, {})
    assert result.code == 0, result.output
    # 40 records are over 2048 bytes of JSON and go gzipped; the last 20 are not
    assert [r["gzip"] for r in posts(sandbox)] == [True, True, False]
    assert len(stored(sandbox, "g", "t")) == 100


def test_empty_data_set_option_puts_before_posting(sandbox, run_cli):
    result = run_cli(with_(QUERY, options={"empty-data-set": True}), {})
    assert result.code == 0
    assert [r["method"] for r in posts(sandbox)] == ["PUT", "POST"]


def test_dry_run_sends_nothing_and_masks_the_token(sandbox, run_cli):
    result = run_cli(QUERY, {"password": "hunter2-secret"}, "--dry-run")
    assert result.code == 0, result.output
    assert posts(sandbox) == []
    assert "Bearer ***" in result.stderr and '"_id": "r-4"' in result.stderr
    assert SANDBOX_TOKEN not in result.output


def test_disable_collectors_logs_and_does_not_run(sandbox, run_cli):
    result = run_cli(QUERY, {}, env={"DISABLE_COLLECTORS": "true"})
    assert result.code == 0
    assert "NOT run with the following" in result.stderr
    assert posts(sandbox) == []


def test_disable_collectors_must_be_exactly_true(sandbox, run_cli):
    assert run_cli(QUERY, {}, env={"DISABLE_COLLECTORS": "True"}).code == 0
    assert len(stored(sandbox, "g", "t")) == 5


@pytest.mark.parametrize("status", [503, 429])
def test_backdrop_transient_failures_are_retried(sandbox, run_cli, status):
    inject(sandbox, service="backdrop", status=status, count=2, headers={"Retry-After": "0"})
    result = run_cli(QUERY, {})
    assert result.code == 0, result.output
    assert [r["status"] for r in posts(sandbox)] == [status, status, 200]
    assert len(stored(sandbox, "g", "t")) == 5


def test_file_logging_writes_both_logs_with_query_fields(sandbox, run_cli):
    result = run_cli(QUERY, {}, console=False)
    assert result.code == 0, result.output
    lines = (result.workdir / "log" / "production.json.log").read_text().splitlines()
    fields = json.loads(lines[-1])["@fields"]
    assert fields["data_group_data_type"] == "g/t"
    assert fields["path_to_query"].endswith("query.json")
    assert "Running collection into g/t" in (result.workdir / "log" / "production.log").read_text()


def test_log_dir_flag(sandbox, run_cli, tmp_path):
    result = run_cli(QUERY, {}, "--log-dir", str(tmp_path / "elsewhere"), console=False)
    assert result.code == 0
    assert (tmp_path / "elsewhere" / "production.log").exists()


# -- every error: one line naming what is at fault, exit 1, nothing written ----------------

def test_missing_file(sandbox, run_cli):
    result = run_cli(QUERY, {}, args=["-c", "nowhere.json", "-q", "nowhere.json", "-t", "x",
                                      "-b", "y"])
    assert_one_line_failure(result, "nowhere.json", "cannot read file")


def test_unreadable_file(sandbox, run_cli):
    if os.geteuid() == 0:
        folder = run_cli.write("folder.json/x", "{}").parent  # a folder cannot be read as a file
        path = str(folder)
    else:
        path = str(run_cli.write("secret.json", "{}"))
        os.chmod(path, 0)
    result = run_cli(QUERY, {}, args=["-c", path, "-q", path, "-t", path, "-b", path])
    assert_one_line_failure(result, path)


def test_invalid_json_is_a_usage_error(sandbox, run_cli):
    bad = str(run_cli.write("bad.json", "{nope"))
    result = run_cli(QUERY, {}, args=["-c", bad, "-q", bad, "-t", bad, "-b", bad])
    assert result.code == 2 and "invalid _load_json_file value" in result.stderr
    assert posts(sandbox) == []


@pytest.mark.parametrize("change,fragments", [
    ({"data-set": {"data-group": "g"}}, ["key 'data-set.data-type': missing"]),
    ({"options": ["chunk-size", 2]}, ["key 'options': expected an object"]),
    ({"query": "records"}, ["key 'query': expected an object"]),
    ({"entrypoint": 42}, ["key 'entrypoint'"]),
])
def test_wrong_or_missing_query_keys(sandbox, run_cli, change, fragments):
    result = run_cli(with_(QUERY, **change), {})
    assert_one_line_failure(result, "query.json", *fragments)
    assert posts(sandbox) == []


def test_every_problem_is_reported_at_once(sandbox, run_cli):
    query = with_(QUERY, options=[], query=[])
    result = run_cli(query, {})
    assert_one_line_failure(result, "key 'query'", "key 'options'")


def test_missing_backdrop_url(sandbox, run_cli):
    pp = str(run_cli.write("pp.json", {"stagecraft_url": sandbox.url}))
    result = run_cli(QUERY, {}, args=["-c", str(run_cli.write("c.json", {})),
                                      "-q", str(run_cli.write("q.json", QUERY)),
                                      "-t", str(run_cli.write("t.json", {"token": "x"})),
                                      "-b", pp, "--console-logging"])
    assert_one_line_failure(result, "pp.json", "backdrop_url")


def test_unknown_entrypoint(sandbox, run_cli):
    result = run_cli(with_(QUERY, entrypoint="performanceplatform.collector.nosuch"), {})
    assert_one_line_failure(result, "query.json: key 'entrypoint': "
                                    "'performanceplatform.collector.nosuch' is not a collector",
                            "pp_collector.collectors")


def test_entrypoint_without_main(sandbox, run_cli):
    result = run_cli(with_(QUERY, entrypoint="tests.collectors.no_main"), {})
    assert_one_line_failure(result, "key 'entrypoint'", "has no main(")


@pytest.mark.parametrize("token,status,fragment", [
    ("wrong-omniscient", 401, "refused"),
])
def test_stagecraft_refusing_the_token(sandbox, sandbox_config, run_cli, token, status,
                                       fragment):
    sandbox_config.collectors["echo-slug"] = STAGECRAFT_CONFIG
    pp = str(run_cli.write("pp.json", {"backdrop_url": f"{sandbox.url}/data",
                                       "stagecraft_url": sandbox.url,
                                       "omniscient_api_token": token}))
    result = run_cli(None, {}, args=["-c", pp, "-l", "echo-slug", "-t", pp, "-b", pp])
    assert_one_line_failure(result, "echo-slug", str(status), fragment)
    assert token not in result.stderr
    assert posts(sandbox) == []


def test_stagecraft_without_permission(sandbox, sandbox_config, run_cli):
    sandbox_config.collectors["echo-slug"] = STAGECRAFT_CONFIG
    inject(sandbox, service="stagecraft", status=403, count=1,
           body="Forbidden: user lacks permission.")
    result = run_cli(None, {}, "-l", "echo-slug")
    assert_one_line_failure(result, "echo-slug", "403", "lacks permission")


def test_stagecraft_unknown_slug(sandbox, run_cli):
    result = run_cli(None, {}, "-l", "no-such-slug")
    assert_one_line_failure(result, "no-such-slug", "404", "no such collector")
    assert posts(sandbox) == []


def test_stagecraft_5xx_after_retries(sandbox, sandbox_config, run_cli):
    sandbox_config.collectors["echo-slug"] = STAGECRAFT_CONFIG
    inject(sandbox, service="stagecraft", status=502, count=10)
    result = run_cli(None, {}, "-l", "echo-slug")
    assert_one_line_failure(result, "echo-slug", "502")
    assert len(served(sandbox, "stagecraft")) == 5


def test_unreachable_backdrop(sandbox, run_cli):
    pp = str(run_cli.write("pp.json", {"backdrop_url": "http://127.0.0.1:9/data"}))
    result = run_cli(QUERY, {}, args=["-c", pp, "-q", str(run_cli.write("q.json", QUERY)),
                                      "-t", str(run_cli.write("t.json", {"token": "x"})),
                                      "-b", pp, "--console-logging"],
                     env={"PP_COLLECTOR_TIMEOUT": "2,2"})
    assert_one_line_failure(result, "127.0.0.1:9", "could not connect")


def test_unreachable_stagecraft(sandbox, run_cli):
    pp = str(run_cli.write("pp.json", {"backdrop_url": f"{sandbox.url}/data",
                                       "stagecraft_url": "http://127.0.0.1:9",
                                       "omniscient_api_token": OMNISCIENT_TOKEN}))
    result = run_cli(None, {}, args=["-c", pp, "-l", "slug", "-t", pp, "-b", pp])
    assert_one_line_failure(result, "slug", "could not connect")


@pytest.mark.parametrize("case,fragment", [
    ("bad-record", "HTTP 400"), ("bad-token", "HTTP 401"), ("no-data-set", "HTTP 404")])
def test_backdrop_refusals(sandbox, sandbox_config, run_cli, case, fragment):
    query, token = QUERY, SANDBOX_TOKEN
    if case == "bad-record":
        query = with_(QUERY, query={"records": [dict(RECORD, **{"bad-key": 1})]})
    elif case == "bad-token":
        token = "wrong-token-value"
    else:
        sandbox_config.auto_data_sets = False
    try:
        result = run_cli(query, {}, token=token)
    finally:
        sandbox_config.auto_data_sets = True
    assert_one_line_failure(result, "/data/g/t", fragment)
    assert token not in result.stderr or case != "bad-token"
    assert stored(sandbox, "g", "t") == []


def test_a_failed_chunk_says_what_was_written(sandbox, run_cli):
    records = [dict(RECORD, _id=f"r{i}") for i in range(5)]
    records[3]["bad-key"] = 1
    result = run_cli(with_(QUERY, query={"records": records}, options={"chunk-size": 2}), {})
    assert_one_line_failure(result, "chunk 2", "1 earlier chunk with 2 records was written")
    assert len(stored(sandbox, "g", "t")) == 2


def test_unexpected_exception_in_file_mode_goes_to_the_log_and_one_line(sandbox, run_cli):
    result = run_cli(with_(QUERY, entrypoint="tests.collectors.broken"),
                     {"password": "hunter2-secret"}, console=False)
    assert_one_line_failure(result, "RuntimeError", "collector blew up")
    assert "hunter2-secret" not in result.stderr
    log_text = (result.workdir / "log" / "production.log").read_text()
    assert "Unhandled exception" in log_text and "Traceback" in log_text
    assert "hunter2-secret" not in log_text


def test_loglevel_debug_shows_the_traceback(sandbox, run_cli):
    result = run_cli(with_(QUERY, entrypoint="tests.collectors.broken"), {},
                     env={"LOGLEVEL": "DEBUG"})
    assert result.code == 1 and "Traceback" in result.stderr


def test_module_entry_point_and_console_script_agree(sandbox, run_cli):
    result = run_cli(None, None, args=["--help"])
    assert result.code == 0 and "Performance Platform Collector collector" in result.stdout


@pytest.fixture
def test_collectors(monkeypatch):
    """The test collectors' registration on sys.path, for in-process runs."""
    from tests.helpers import TEST_COLLECTORS

    monkeypatch.syspath_prepend(str(TEST_COLLECTORS))


def test_stagecraft_calls_run_collector_in_process(sandbox, tmp_path, test_collectors):
    """Stagecraft's Celery task builds its own Namespace (spec core.md §1.15)."""
    import argparse
    import datetime as dt

    from performanceplatform.collector.main import _run_collector

    namespace = argparse.Namespace(
        performanceplatform={"backdrop_url": f"{sandbox.url}/data"},
        credentials={},
        query={"data-set": {"data-group": "g", "data-type": "t"},
               "query": {"records": [RECORD]}, "options": {}},
        token={"token": SANDBOX_TOKEN},
        dry_run=False,
        start_at=dt.datetime(2018, 8, 1),
        end_at=dt.datetime(2018, 8, 2),
        console_logging=False,
    )
    _run_collector("tests.collectors.echo", namespace, str(tmp_path), "collectors")
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r"]
    assert "Running collection into g/t" in (tmp_path / "collectors.log").read_text()
    assert (tmp_path / "collectors.json.log").exists()


def test_run_collector_raises_for_the_caller_and_closes_its_logs(sandbox, tmp_path,
                                                                test_collectors):
    import argparse
    import logging

    from performanceplatform.collector.main import _run_collector
    from performanceplatform.utils.errors import SinkError

    namespace = argparse.Namespace(
        performanceplatform={"backdrop_url": f"{sandbox.url}/data"}, credentials={},
        query={"data-set": {"data-group": "g", "data-type": "t"},
               "query": {"records": [RECORD]}, "options": {}},
        token={"token": "wrong-token-value"}, dry_run=False, start_at=None, end_at=None,
        console_logging=False)
    handlers = list(logging.getLogger().handlers)
    with pytest.raises(SinkError):
        _run_collector("tests.collectors.echo", namespace, str(tmp_path), "collectors")
    assert logging.getLogger().handlers == handlers
    assert "HTTP 401" in (tmp_path / "collectors.log").read_text()


# -- file-logging mode: stderr is exactly one line, the log has the rest -------------------

def test_stagecraft_failure_in_file_mode_is_one_line_and_logged(sandbox, run_cli):
    result = run_cli(None, {}, "-l", "no-such-slug", console=False)
    assert result.code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("pp-collector: error:")
    log_text = (result.workdir / "log" / "production.log").read_text()
    assert "[PP-C]" in log_text and "model not found" in log_text
    assert "no-such-slug" in log_text and "404" in log_text
    last = json.loads((result.workdir / "log" / "production.json.log").read_text()
                      .splitlines()[-1])
    assert last["@fields"]["collector_slug"] == "no-such-slug"


def test_unreachable_stagecraft_in_file_mode_keeps_retries_in_the_log(sandbox, run_cli):
    pp = str(run_cli.write("pp.json", {"backdrop_url": f"{sandbox.url}/data",
                                       "stagecraft_url": "http://127.0.0.1:9",
                                       "omniscient_api_token": OMNISCIENT_TOKEN}))
    result = run_cli(None, {}, args=["-c", pp, "-l", "slug", "-t", pp, "-b", pp])
    assert result.code == 1 and result.stderr.count("\n") == 1
    assert "attempt 1 of 5" in (result.workdir / "log" / "production.log").read_text()


def test_a_missing_file_in_file_mode_is_logged_too(sandbox, run_cli):
    result = run_cli(QUERY, {}, args=["-c", "nowhere.json", "-q", "nowhere.json", "-t", "x",
                                      "-b", "y"])
    assert result.code == 1 and result.stderr.count("\n") == 1
    assert "nowhere.json" in (result.workdir / "log" / "production.log").read_text()


def test_a_successful_slug_run_keeps_the_stagecraft_lines_in_its_log(sandbox, sandbox_config,
                                                                    run_cli):
    sandbox_config.collectors["echo-slug"] = STAGECRAFT_CONFIG
    inject(sandbox, service="stagecraft", status=503, count=1)
    result = run_cli(None, {}, "-l", "echo-slug", console=False)
    assert result.code == 0 and result.stderr == ""
    log_text = (result.workdir / "log" / "production.log").read_text()
    assert "HTTP 503 (attempt 1 of 5)" in log_text
    assert log_text.index("attempt 1 of 5") < log_text.index("Running collection into g/t")


def test_the_backdrop_token_never_reaches_the_logs_or_a_debug_traceback(sandbox, run_cli):
    token = "wrong-token-SECRET-value"
    result = run_cli(QUERY, {}, token=token, console=False, env={"LOGLEVEL": "DEBUG"})
    assert result.code == 1 and "Traceback" in result.stderr
    assert token not in result.stderr
    for name in ("production.log", "production.json.log"):
        text = (result.workdir / "log" / name).read_text()
        assert "Invalid bearer token" in text and token not in text


def test_end_before_start_is_a_command_line_error(sandbox, run_cli):
    result = run_cli(QUERY, {}, "-s", "2018-08-05", "-e", "2018-08-01")
    assert_one_line_failure(result, "command line: -e/--end 2018-08-01 is a day before "
                                    "-s/--start 2018-08-05", code=2)
    assert posts(sandbox) == []


def test_an_unparseable_retry_after_falls_back_to_backoff(sandbox, run_cli):
    inject(sandbox, service="backdrop", status=503, count=1, headers={"Retry-After": "soon"})
    result = run_cli(QUERY, {})
    assert result.code == 0, result.output
    assert len(stored(sandbox, "g", "t")) == 5
