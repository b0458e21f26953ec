"""``main(argv)`` called in-process against the sandbox: exit codes, the one error line, what
lands in Backdrop and in the logs.

``test_main.py`` runs the same paths through a subprocess, as cron does; these run in the
test's own process, so that a planted bug in ``main.py`` or ``config.py`` (``make mutation``)
is seen by them too.
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from performanceplatform.collector import main as main_module
from performanceplatform.collector.main import main
from performanceplatform.utils.errors import ExitCode
from performanceplatform.utils.redact import forget_secrets
from tests.helpers import OMNISCIENT_TOKEN, SANDBOX_TOKEN, TEST_COLLECTORS, served, stored

RECORD = {"_id": "r", "_timestamp": "2018-08-01T00:00:00+00:00", "count": 1}
QUERY = {"entrypoint": "tests.collectors.echo", "data-set": {"data-group": "g", "data-type": "t"},
         "query": {"records": [RECORD], "repeat": 2}, "options": {}}


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.syspath_prepend(str(TEST_COLLECTORS))  # registers tests.collectors.*
    for name in ("DISABLE_COLLECTORS", "LOGLEVEL"):
        monkeypatch.delenv(name, raising=False)
    handlers = list(logging.getLogger().handlers)
    forget_secrets()
    yield
    forget_secrets()
    assert logging.getLogger().handlers == handlers, "a run left a log handler behind"


class InProcess:
    """Writes the config files and calls ``main(argv)``; returns (code, stderr lines)."""

    def __init__(self, sandbox, tmp_path: Path, capsys):
        self.sandbox, self.tmp, self.capsys = sandbox, tmp_path, capsys

    def write(self, name: str, content) -> str:
        path = self.tmp / name
        path.write_text(json.dumps(content), encoding="utf-8")
        return str(path)

    def files(self, query=None, token=SANDBOX_TOKEN, credentials=None, pp=None) -> list[str]:
        pp = pp if pp is not None else {"backdrop_url": f"{self.sandbox.url}/data",
                                        "stagecraft_url": self.sandbox.url,
                                        "omniscient_api_token": OMNISCIENT_TOKEN}
        args = ["-c", self.write("credentials.json", credentials or {}),
                "-t", self.write("token.json", {"token": token}),
                "-b", self.write("pp.json", pp)]
        if query is not None:
            args += ["-q", self.write("query.json", query)]
        return args

    def __call__(self, query=None, *extra: str, console: bool = True, **files):
        args = self.files(query, **files) + list(extra)
        if console:
            args.append("--console-logging")
        self.capsys.readouterr()
        code = main(args)
        return code, self.capsys.readouterr().err

    @property
    def query_path(self) -> str:
        return str(self.tmp / "query.json")


@pytest.fixture
def run(sandbox, tmp_path, capsys) -> InProcess:
    return InProcess(sandbox, tmp_path, capsys)


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("pp-collector:")]
    assert len(lines) == 1, stderr
    return lines[0]


def with_(base: dict, **changes) -> dict:
    merged = json.loads(json.dumps(base))
    merged.update(changes)
    return merged


# -- success ---------------------------------------------------------------------------------

def test_a_run_writes_the_records_with_the_token_and_exits_0(sandbox, run):
    code, err = run(QUERY)
    assert code == ExitCode.OK == 0
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r", "r-1"]
    posts = [r for r in served(sandbox, "backdrop") if r["method"] == "POST"]
    assert [p["path"] for p in posts] == ["/data/g/t"]
    assert posts[0]["authorization"] == "Bearer"  # the sandbox accepts SANDBOX_TOKEN only
    assert "Running collection into g/t" in err
    assert "pp-collector:" not in err


def test_a_dry_run_sends_nothing(sandbox, run):
    code, err = run(QUERY, "--dry-run")
    assert code == 0
    assert stored(sandbox, "g", "t") == []
    assert SANDBOX_TOKEN not in err and "Bearer ***" in err


def stagecraft_config(entry_point: str, bearer_token: str = "stagecraft-bearer") -> dict:
    return {
        "id": "0b7e8f8c", "slug": "echo-slug", "name": "echo", "entry_point": entry_point,
        "query": {"records": [RECORD]}, "options": {},
        "type": {"slug": "echo"}, "data_source": {"slug": "echo"}, "provider": {"slug": "echo"},
        "data_set": {"data_group": "g", "data_type": "t", "bearer_token": bearer_token},
    }


def test_slug_mode_reads_stagecraft_and_writes_with_the_token_file(sandbox, sandbox_config, run):
    sandbox_config.collectors["echo-slug"] = stagecraft_config("tests.collectors.echo")
    code, err = run(None, "-l", "echo-slug")
    assert code == 0, err
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r"]
    assert [r["path"] for r in served(sandbox, "stagecraft")] == ["/collector/echo-slug"]


def test_a_stagecraft_bearer_token_is_masked_in_the_output(sandbox, sandbox_config, run,
                                                            collector_module):
    name = collector_module("telling_collector",
                            "def main(credentials, *args):\n"
                            "    raise RuntimeError('saw ' + credentials['user'])\n")
    sandbox_config.collectors["echo-slug"] = stagecraft_config(name, "stagecraft-bearer")
    code, err = run(None, "-l", "echo-slug", credentials={"user": "stagecraft-bearer"})
    assert code == 1
    assert error_line(err) == "pp-collector: error: unexpected RuntimeError: saw ***"


def test_disable_collectors_logs_what_it_would_run_and_runs_nothing(sandbox, run, monkeypatch):
    monkeypatch.setenv("DISABLE_COLLECTORS", "true")
    code, err = run(QUERY, "-s", "2018-08-01", "-e", "2018-08-02")
    assert code == 0 and stored(sandbox, "g", "t") == []
    line = [x for x in err.splitlines() if "NOT run" in x][0]
    assert line.startswith("INFO:performanceplatform.collector.main:Collector "
                           "tests.collectors.echo NOT run with the following {")
    assert line.endswith("}") and "'query': {'data-set': " in line
    assert "'start_at': datetime.datetime(2018, 8, 1, 0, 0)" in line
    assert "'end_at': datetime.datetime(2018, 8, 2, 0, 0)" in line
    assert "'data-set': {'data-group': 'g', 'data-type': 't'}" in line
    assert "'options': {}" in line and "'repeat': 2" in line
    assert "entrypoint" not in line.split("{", 1)[1]  # only data-set, query and options


@pytest.mark.parametrize("value", ["True", "1", "yes", ""])
def test_disable_collectors_only_when_exactly_true(sandbox, run, monkeypatch, value):
    monkeypatch.setenv("DISABLE_COLLECTORS", value)
    assert run(QUERY)[0] == 0
    assert len(stored(sandbox, "g", "t")) == 2


def test_without_argv_main_exits_with_the_code(sandbox, run, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["pp-collector", *run.files(QUERY), "--console-logging"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 0
    monkeypatch.setattr(sys, "argv", ["pp-collector", *run.files(with_(QUERY, options=[])),
                                      "--console-logging"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 1


# -- the file logs -----------------------------------------------------------------------------

def json_log(folder: Path, name: str = "production") -> list[dict]:
    return [json.loads(line) for line in
            (folder / f"{name}.json.log").read_text(encoding="utf-8").splitlines()]


def test_file_logging_fields_name_the_data_set_query_and_file(sandbox, run, tmp_path):
    query = with_(QUERY, query={"records": [RECORD], "repeat": 1, "a": "x"})
    code, err = run(query, "--log-dir", str(tmp_path / "log"), console=False)
    assert (code, err) == (0, "")
    entries = json_log(tmp_path / "log")
    running = [e for e in entries if e["@message"] == "Running collection into g/t"][0]
    fields = running["@fields"]
    assert fields["data_group"] == "g" and fields["data_type"] == "t"
    assert fields["data_group_data_type"] == "g/t"
    assert fields["query"] == f"a=x records={[RECORD]} repeat=1"
    assert fields["path_to_query"] == run.query_path
    assert running["@tags"] == ["collector", "tests.collectors.echo"]


def test_a_collector_error_in_file_mode_is_one_line_and_logged_without_traceback(
        sandbox, run, tmp_path):
    code, err = run(QUERY, "--log-dir", str(tmp_path / "log"), console=False,
                    token="wrong-token-value")
    assert code == 1 and err.count("\n") == 1
    assert error_line(err).startswith("pp-collector: error: ")
    text = (tmp_path / "log" / "production.log").read_text(encoding="utf-8")
    assert "HTTP 401" in text and "Traceback" not in text
    assert "Unhandled exception" not in text
    failures = [e for e in json_log(tmp_path / "log") if "exception_class" in e["@fields"]]
    assert len(failures) == 1  # logged once, by the run, not again by main()
    assert failures[0]["@fields"]["exception_class"] == "SinkError"
    assert failures[0]["@message"] == error_line(err).removeprefix("pp-collector: error: ")
    assert "wrong-token-value" not in text


def test_a_collector_error_with_debug_logs_the_traceback(sandbox, run, tmp_path, monkeypatch):
    monkeypatch.setenv("LOGLEVEL", "DEBUG")
    code, err = run(QUERY, "--log-dir", str(tmp_path / "log"), console=False,
                    token="wrong-token-value")
    assert code == 1 and "Traceback" in err
    text = (tmp_path / "log" / "production.log").read_text(encoding="utf-8")
    assert "Traceback" in text and "SinkError" in text


def test_an_unexpected_error_in_file_mode_logs_its_traceback(sandbox, run, tmp_path):
    query = with_(QUERY, entrypoint="tests.collectors.broken")
    code, err = run(query, "--log-dir", str(tmp_path / "log"), console=False,
                    credentials={"password": "hunter2-secret"})
    assert code == 1
    assert error_line(err) == "pp-collector: error: unexpected RuntimeError: collector blew up " \
                              "with ***"
    text = (tmp_path / "log" / "production.log").read_text(encoding="utf-8")
    assert "Unhandled exception: Traceback" in text and "hunter2-secret" not in text
    last = json_log(tmp_path / "log")[-1]
    assert last["@fields"]["exception_class"] == "RuntimeError"
    assert last["@message"].startswith("Unhandled exception: Traceback (most recent call last)")


def test_a_failure_before_the_run_in_file_mode_is_logged_with_the_slug(sandbox, run, tmp_path):
    code, err = run(None, "-l", "no-such-slug", "--log-dir", str(tmp_path / "log"),
                    console=False)
    assert code == 1 and err.count("\n") == 1
    last = json_log(tmp_path / "log")[-1]
    assert last["@fields"]["collector_slug"] == "no-such-slug"
    assert "no-such-slug" in last["@message"]


def test_a_failure_before_the_run_on_the_console_writes_no_log(sandbox, run, tmp_path):
    code, err = run(None, "-l", "no-such-slug", "--log-dir", str(tmp_path / "log"))
    assert code == 1 and "no-such-slug" in error_line(err)
    assert not (tmp_path / "log").exists()


def test_a_failure_in_query_mode_has_no_slug_field(sandbox, run, tmp_path):
    code, _ = run(with_(QUERY, options=[]), "--log-dir", str(tmp_path / "log"), console=False)
    assert code == 1
    assert "collector_slug" not in json_log(tmp_path / "log")[-1]["@fields"]


def test_early_failure_console_mode_follows_the_words_when_arguments_fail(
        sandbox, run, tmp_path, capsys, monkeypatch):
    """No Namespace yet (a file cannot be read): ``--console-logging`` is read from argv."""
    monkeypatch.setenv("PP_COLLECTOR_LOG_DIR", str(tmp_path / "log"))
    args = ["-c", "nowhere.json", "-q", "nowhere.json", "-t", "x", "-b", "y"]
    assert main(args + ["--console-logging"]) == 1
    assert "nowhere.json" in error_line(capsys.readouterr().err)
    assert not (tmp_path / "log").exists()
    assert main(args) == 1
    assert "nowhere.json" in (tmp_path / "log" / "production.log").read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["pp-collector", "--console-logging", *args])
    (tmp_path / "log" / "production.log").unlink()
    with pytest.raises(SystemExit):
        main()
    assert not (tmp_path / "log" / "production.log").exists()


# -- errors: one line, exit 1, nothing written ---------------------------------------------------

def assert_refused(sandbox, result, expected: str) -> None:
    code, err = result
    assert code == ExitCode.FAILED == 1, err
    assert error_line(err) == f"pp-collector: error: {expected}"
    assert "Traceback" not in err
    assert [r for r in served(sandbox, "backdrop") if r["method"] != "GET"] == []


@pytest.mark.parametrize("change, message", [
    ({"data-set": None}, "key 'data-set': expected an object, got NoneType None"),
    ({"data-set": {"data-type": "t"}}, "key 'data-set.data-group': missing"),
    ({"data-set": {"data-group": "g"}}, "key 'data-set.data-type': missing"),
    ({"data-set": {"data-group": 5, "data-type": "t"}},
     "key 'data-set.data-group': expected a non-empty string, got int 5"),
    ({"data-set": {"data-group": "g", "data-type": ""}},
     "key 'data-set.data-type': expected a non-empty string, got str ''"),
    ({"query": "x" * 60}, "key 'query': expected an object, got str '" + "x" * 39),
    ({"options": []}, "key 'options': expected an object, got list []"),
    ({"entrypoint": ""}, "key 'entrypoint': expected a non-empty string, got str ''"),
    ({"entrypoint": 7}, "key 'entrypoint': expected a non-empty string, got int 7"),
])
def test_a_query_key_of_the_wrong_shape(sandbox, run, change, message):
    assert_refused(sandbox, run(with_(QUERY, **change)), f"{run.query_path}: {message}")


def test_missing_query_keys_are_all_reported(sandbox, run):
    query = {"entrypoint": "tests.collectors.echo"}
    assert_refused(sandbox, run(query), f"{run.query_path}: key 'data-set': missing; "
                                        "key 'query': missing; key 'options': missing")


def test_a_missing_entrypoint(sandbox, run):
    query = {k: v for k, v in QUERY.items() if k != "entrypoint"}
    assert_refused(sandbox, run(query), f"{run.query_path}: key 'entrypoint': missing")


def test_the_entrypoint_is_checked_first(sandbox, run):
    query = {k: v for k, v in QUERY.items() if k not in ("entrypoint", "options")}
    assert_refused(sandbox, run(query), f"{run.query_path}: key 'entrypoint': missing")


@pytest.mark.parametrize("token, message", [
    ("", "key 'token': expected a non-empty string, got str ''"),
    (12345, "key 'token': expected a non-empty string, got int 12345"),
])
def test_a_bad_token(sandbox, run, tmp_path, token, message):
    assert_refused(sandbox, run(QUERY, token=token), f"{tmp_path / 'token.json'}: {message}")


@pytest.mark.parametrize("pp, message", [
    ({}, "key 'backdrop_url': missing"),
    ({"backdrop_url": ""}, "key 'backdrop_url': expected a non-empty string, got str ''"),
    ({"backdrop_url": ["http://x"]},
     "key 'backdrop_url': expected a non-empty string, got list ['http://x']"),
])
def test_a_bad_backdrop_url(sandbox, run, tmp_path, pp, message):
    assert_refused(sandbox, run(QUERY, pp=pp), f"{tmp_path / 'pp.json'}: {message}")


def test_the_store_is_checked_before_the_token(sandbox, run, tmp_path):
    """Whether a token is needed depends on the store (a local store needs none)."""
    assert_refused(sandbox, run(QUERY, token="", pp={}),
                   f"{tmp_path / 'pp.json'}: key 'backdrop_url': missing")


NOT_A_COLLECTOR = ("is not a collector: {hint}name a built-in one "
                   "(performanceplatform.collector.ga, .ga4, .pingdom, ...; README: Collectors) "
                   "or one that an installed package "
                   "registers in the entry-point group 'pp_collector.collectors'; nothing was "
                   "imported")


def test_an_unknown_entrypoint_is_refused_before_any_import(sandbox, run):
    query = with_(QUERY, entrypoint="performanceplatform.collector.nosuch")
    assert_refused(sandbox, run(query), f"{run.query_path}: key 'entrypoint': "
                                        "'performanceplatform.collector.nosuch' "
                                        + NOT_A_COLLECTOR.format(hint=""))
    assert "performanceplatform.collector.nosuch" not in sys.modules


@pytest.fixture
def collector_module(tmp_path, monkeypatch):
    """``collector_module("name", source)`` makes an importable module for one test,
    registered as a collector (entry-point group ``pp_collector.collectors``) as a package
    installing it would."""
    folder = tmp_path / "modules"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))

    def make(name: str, source: str) -> str:
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
        info = folder / f"pp_test_{name}-0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: pp-test-{name}\n"
                                       "Version: 0\n", encoding="utf-8")
        (info / "entry_points.txt").write_text(f"[pp_collector.collectors]\n{name} = {name}\n",
                                               encoding="utf-8")
        monkeypatch.delitem(sys.modules, name, raising=False)
        return name
    return make


def test_a_collector_whose_dependency_is_missing_says_so(sandbox, run, collector_module):
    name = collector_module("needs_a_dependency", "import pp_no_such_dependency\n"
                                                  "def main(*args):\n    pass\n")
    assert_refused(sandbox, run(with_(QUERY, entrypoint=name)),
                   f"{run.query_path}: key 'entrypoint': collector '{name}' needs the module "
                   "'pp_no_such_dependency', which is not installed")


def test_an_unregistered_submodule_of_a_registered_collector_is_refused(sandbox, run):
    query = with_(QUERY, entrypoint="tests.collectors.echo.deeper")
    code, err = run(query)
    assert code == ExitCode.FAILED, err
    line = error_line(err)
    assert line.startswith(f"pp-collector: error: {run.query_path}: key 'entrypoint': "
                           "'tests.collectors.echo.deeper' is not a collector: ")
    assert line.endswith("nothing was imported")
    assert [r for r in served(sandbox, "backdrop") if r["method"] != "GET"] == []


def test_a_module_named_like_a_prefix_is_not_the_entrypoint(sandbox, run, collector_module):
    """``import pp_dep`` failing inside ``pp_dep_collector`` is a missing dependency."""
    name = collector_module("pp_dep_collector", "import pp_dep\n")
    assert_refused(sandbox, run(with_(QUERY, entrypoint=name)),
                   f"{run.query_path}: key 'entrypoint': collector '{name}' needs the module "
                   "'pp_dep', which is not installed")


@pytest.mark.parametrize("source", ["", "main = 'not callable'\n"])
def test_an_entrypoint_without_a_callable_main(sandbox, run, collector_module, source):
    name = collector_module("no_main_collector", source)
    assert_refused(sandbox, run(with_(QUERY, entrypoint=name)),
                   f"{run.query_path}: key 'entrypoint': '{name}' has no "
                   "main(credentials, data_set_config, query, options, start_at, end_at) "
                   "function")


def test_the_collector_gets_every_argument(sandbox, run, collector_module, tmp_path):
    seen = tmp_path / "seen.json"
    name = collector_module("recording_collector", f"""
import json
def main(credentials, data_set_config, query, options, start_at, end_at):
    with open({str(seen)!r}, "w") as f:
        json.dump([credentials, data_set_config, query, options, str(start_at), str(end_at)], f)
""")
    query = with_(QUERY, entrypoint=name, options={"chunk-size": 3})
    code, _ = run(query, "-s", "2018-08-01", "-e", "2018-08-03",
                  credentials={"user": "u"})
    assert code == 0
    credentials, config, got_query, options, start, end = json.loads(seen.read_text())
    assert credentials == {"user": "u", "path_to_json_file": str(tmp_path / "credentials.json")}
    assert config == {"url": f"{sandbox.url}/data/g/t", "token": SANDBOX_TOKEN,
                      "data-group": "g", "data-type": "t", "dry_run": False}
    assert got_query == QUERY["query"] and options == {"chunk-size": 3}
    assert (start, end) == ("2018-08-01 00:00:00", "2018-08-03 00:00:00")


def test_ctrl_c_exits_130(sandbox, run, collector_module):
    name = collector_module("interrupted_collector",
                            "def main(*args):\n    raise KeyboardInterrupt\n")
    code, err = run(with_(QUERY, entrypoint=name))
    assert code == 130
    assert err.splitlines()[-1] == "pp-collector: interrupted (Ctrl-C): no records were written"


def test_an_end_days_before_the_start_is_refused_before_running(sandbox, run):
    code, err = run(QUERY, "-s", "2018-08-05", "-e", "2018-08-01")
    assert code != 0 and stored(sandbox, "g", "t") == []
    line = error_line(err)
    assert line == ("pp-collector: error: command line: -e/--end 2018-08-01 is a day before "
                    "-s/--start 2018-08-05 (days compared in UTC; a start and an end on the same "
                    "day collect that day)")


@pytest.mark.parametrize("dates", [("-s", "2018-08-01"), ("-e", "2018-08-01"),
                                   ("-s", "2018-08-01", "-e", "2018-08-01"),
                                   ("-s", "2018-08-01", "-e", "2018-08-02")])
def test_one_date_or_dates_in_order_run(sandbox, run, dates):
    code, err = run(QUERY, *dates)
    assert code == 0, err


def test_an_unexpected_error_is_named_by_its_class(sandbox, run):
    code, err = run(with_(QUERY, entrypoint="tests.collectors.broken"),
                    credentials={"password": "hunter2-secret"})
    assert code == 1
    assert error_line(err) == "pp-collector: error: unexpected RuntimeError: collector blew up " \
                              "with ***"
    assert "Traceback" not in err


def test_loglevel_debug_prints_a_masked_traceback_first(sandbox, run, monkeypatch):
    monkeypatch.setenv("LOGLEVEL", "debug")
    code, err = run(with_(QUERY, entrypoint="tests.collectors.broken"),
                    credentials={"password": "hunter2-secret"})
    assert code == 1
    assert "Traceback (most recent call last):\n  File " in err and "hunter2-secret" not in err
    assert "\nRuntimeError: collector blew up with ***\npp-collector: error: " in err
    assert err.index("Traceback") < err.index("pp-collector: error:")
    assert err.rstrip("\n").splitlines()[-1].startswith("pp-collector: error: unexpected")


def test_query_params_sorted_for_the_json_log():
    assert main_module._get_query_params({"query": {}}) == ""
    assert main_module._get_query_params({"query": {"b": [1], "a": "x"}}) == "a=x b=[1]"


# -- Stagecraft's in-process call ---------------------------------------------------------------

def test_run_collector_with_a_minimal_namespace_logs_to_files(sandbox, tmp_path):
    """Stagecraft's Namespace may lack ``console_logging``, ``log_dir`` and ``dry_run``."""
    import argparse

    namespace = argparse.Namespace(
        performanceplatform={"backdrop_url": f"{sandbox.url}/data"}, credentials={},
        query={"data-set": {"data-group": "g", "data-type": "t"},
               "query": {"records": [RECORD]}, "options": {}},
        token={"token": SANDBOX_TOKEN}, start_at=None, end_at=None)
    line = main_module._run_collector("tests.collectors.echo", namespace, str(tmp_path),
                                      "stagecraft")
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r"]
    assert line.startswith("wrote 1 record to g/t in ")  # not a dry run
    entries = json_log(tmp_path, "stagecraft")
    running = [e for e in entries if e["@message"] == "Running collection into g/t"][0]
    assert "path_to_query" not in running["@fields"]
    assert running["@fields"]["data_group_data_type"] == "g/t"


@pytest.mark.parametrize("query, where", [
    (["not", "an", "object"], "query config"),
    ({"data-set": {"data-group": "g", "data-type": "t"}, "query": {}}, "query config"),
    ({"data-set": {"data-group": "g", "data-type": "t"}, "query": {},
      "path_to_json_file": "q.json"}, "q.json"),
])
def test_run_collector_names_the_query_it_was_given(query, where):
    import argparse

    from performanceplatform.utils.errors import ConfigError

    namespace = argparse.Namespace(performanceplatform={"backdrop_url": "http://x"},
                                   credentials={}, query=query, token={"token": "t0k3n"},
                                   start_at=None, end_at=None)
    with pytest.raises(ConfigError) as failure:
        main_module._run_collector("tests.collectors.echo", namespace)
    assert str(failure.value).startswith(f"{where}: key ")


def test_loglevel_debug_shows_debug_lines_on_the_console(sandbox, run, monkeypatch):
    monkeypatch.setenv("LOGLEVEL", "DEBUG")
    code, err = run(QUERY)
    assert code == 0
    assert any(line.startswith("DEBUG:") for line in err.splitlines()), err


def test_a_slug_config_without_an_entrypoint_names_the_slug(sandbox, sandbox_config, run):
    config = stagecraft_config("x")
    del config["entry_point"]
    sandbox_config.collectors["echo-slug"] = config
    code, err = run(None, "-l", "echo-slug")
    assert code == 1
    assert error_line(err) == ("pp-collector: error: stagecraft collector 'echo-slug': key "
                               "'entrypoint': expected a non-empty string, got NoneType None")


def config_recorder(collector_module, name: str, seen) -> str:
    """A collector module that writes the data set config it is given to ``seen``."""
    return collector_module(name, f"""
import json
def main(credentials, data_set_config, *args):
    with open({str(seen)!r}, "w") as f:
        json.dump(data_set_config, f)
""")


def test_a_minimal_namespace_without_a_log_folder_uses_the_environment(
        sandbox, tmp_path, monkeypatch, collector_module):
    import argparse

    seen = tmp_path / "seen.json"
    name = config_recorder(collector_module, "config_recorder", seen)
    monkeypatch.setenv("PP_COLLECTOR_LOG_DIR", str(tmp_path / "env-log"))
    namespace = argparse.Namespace(
        performanceplatform={"backdrop_url": f"{sandbox.url}/data"}, credentials={},
        query={"data-set": {"data-group": "g", "data-type": "t"}, "query": {}, "options": {}},
        token={"token": SANDBOX_TOKEN}, start_at=None, end_at=None)
    main_module._run_collector(name, namespace)
    assert json.loads(seen.read_text())["dry_run"] is False
    assert (tmp_path / "env-log" / "production.log").exists()


def test_a_failure_with_a_minimal_namespace_is_logged_to_its_file(sandbox, tmp_path):
    import argparse

    namespace = argparse.Namespace(
        performanceplatform={"backdrop_url": f"{sandbox.url}/data"}, credentials={},
        query={"data-set": {"data-group": "g", "data-type": "t"},
               "query": {"records": [RECORD]}, "options": {}},
        token={"token": "wrong-token-value"}, start_at=None, end_at=None)
    with pytest.raises(Exception, match="HTTP 401"):
        main_module._run_collector("tests.collectors.echo", namespace, str(tmp_path), "sc")
    assert "HTTP 401" in json_log(tmp_path, "sc")[-1]["@message"]


# -- stopped by a signal, in-process (test_signals.py sends real signals to the CLI) -----------

STOPPING_COLLECTOR = """
from performanceplatform.sinks.pusher import Pusher
from performanceplatform.utils.errors import Terminated

def main(credentials, data_set_config, query, options, start_at, end_at):
    Pusher(data_set_config, options).push(query["records"])
    raise {stop}
"""
WROTE_ONE = ("1 record in 1 chunk were written (a re-run overwrites them by _id); the rest were "
             "not written")


@pytest.mark.parametrize("stop, reason, exit_code", [
    ("Terminated('SIGTERM')", "terminated (SIGTERM)", ExitCode.TERMINATED),
    ("KeyboardInterrupt", "interrupted (Ctrl-C)", ExitCode.INTERRUPTED),
])
def test_a_stopped_run_says_why_and_what_was_written(sandbox, run, collector_module, tmp_path,
                                                    stop, reason, exit_code):
    name = collector_module("stopping_collector", STOPPING_COLLECTOR.format(stop=stop))
    code, err = run(with_(QUERY, entrypoint=name), "--log-dir", str(tmp_path / "log"),
                    console=False)
    assert code == exit_code
    assert err == f"pp-collector: {reason}: {WROTE_ONE}\n"
    logged = [e["@message"] for e in json_log(tmp_path / "log")]
    assert [m for m in logged if m.startswith(reason)] == [f"{reason}: {WROTE_ONE}"]  # once
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r"]


def test_a_sigterm_before_anything_is_written(sandbox, run, collector_module):
    name = collector_module("terminated_collector", STOPPING_COLLECTOR.format(
        stop="Terminated('SIGTERM')").replace("Pusher(", "0 and Pusher("))
    code, err = run(with_(QUERY, entrypoint=name))
    assert code == ExitCode.TERMINATED == 143
    assert err.splitlines()[-1] == "pp-collector: terminated (SIGTERM): no records were written"


# -- run(argv): the Celery task's entry, raising instead of printing ---------------------------

def test_run_writes_the_records_and_returns_nothing(sandbox, run):
    assert main_module.run(run.files(QUERY)) is None
    assert sorted(r["_id"] for r in stored(sandbox, "g", "t")) == ["r", "r-1"]


def test_run_raises_the_collector_error_instead_of_printing(sandbox, run, capsys):
    from performanceplatform.utils.errors import SinkError

    with pytest.raises(SinkError) as caught:
        main_module.run(run.files(QUERY, token="wrong-token-value"))
    assert caught.value.status == 401
    assert "pp-collector: error" not in capsys.readouterr().err
    assert stored(sandbox, "g", "t") == []


def test_run_with_a_bad_command_line_exits_2_as_argparse_does(sandbox, run):
    with pytest.raises(SystemExit) as caught:
        main_module.run(run.files(QUERY) + ["--no-such-flag"])
    assert caught.value.code == 2


# -- subcommands, a real SIGTERM, other threads -------------------------------------------------

def test_a_subcommand_returns_its_code_and_output(run, capsys, monkeypatch):
    capsys.readouterr()
    assert main(["sample", "performanceplatform.collector.piwik", "--query"]) == 0
    sample = json.loads(capsys.readouterr().out)
    assert sample["entrypoint"] == "performanceplatform.collector.piwik.core"
    assert main(["validate"]) == ExitCode.USAGE == 2
    assert capsys.readouterr().err == (
        "pp-collector: error: command line: name the query files or folders to validate (PATH "
        "or -q FILE), or --jobs JOBS_FILE\n")
    monkeypatch.setattr(sys, "argv", ["pp-collector", "validate"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    monkeypatch.setattr(sys, "argv", ["pp-collector", "sample",
                                      "performanceplatform.collector.piwik", "--query"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 0
    assert json.loads(capsys.readouterr().out) == sample


SIGTERM_COLLECTOR = """
import os, signal
from performanceplatform.sinks.pusher import Pusher

def main(credentials, data_set_config, query, options, start_at, end_at):
    Pusher(data_set_config, options).push(query["records"])
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, signal.SIG_IGN, None):
        raise AssertionError("main() put no SIGTERM handler in place")  # not kill pytest
    os.kill(os.getpid(), signal.SIGTERM)
    raise AssertionError("SIGTERM did not stop the run")
"""


def test_a_real_sigterm_stops_the_run_with_143_and_the_old_handler_comes_back(
        sandbox, run, collector_module):
    name = collector_module("sigterm_collector", SIGTERM_COLLECTOR)
    before = signal.getsignal(signal.SIGTERM)
    code, err = run(with_(QUERY, entrypoint=name))
    assert code == ExitCode.TERMINATED == 143
    assert err.splitlines()[-1] == f"pp-collector: terminated (SIGTERM): {WROTE_ONE}"
    assert signal.getsignal(signal.SIGTERM) is before
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r"]


def test_main_runs_in_a_thread_other_than_the_main_one(sandbox, run):
    """A worker thread cannot install signal handlers: main() runs without one."""
    args = run.files(QUERY) + ["--console-logging"]
    codes: list[int] = []
    worker = threading.Thread(target=lambda: codes.append(main(args)))
    worker.start()
    worker.join(60)
    assert codes == [0]
    assert len(stored(sandbox, "g", "t")) == 2


@contextlib.contextmanager
def sigterm_after(seconds: float):
    """Send this process a SIGTERM ``seconds`` after main() has put its handler in place
    (never to pytest itself)."""
    default = signal.getsignal(signal.SIGTERM)
    target = threading.get_ident()  # the thread running main(), blocked in a system call

    def terminate() -> None:
        deadline = time.monotonic() + 30
        while signal.getsignal(signal.SIGTERM) is default and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(seconds)
        if signal.getsignal(signal.SIGTERM) is not default:
            signal.pthread_kill(target, signal.SIGTERM)

    killer = threading.Thread(target=terminate)
    killer.start()
    try:
        yield
    finally:
        killer.join()


def test_a_sigterm_while_stagecraft_answers_is_logged_with_the_slug(
        sandbox, sandbox_config, run, tmp_path):
    """Stopped before the run's log is open: the line still reaches the log, once."""
    from tests.helpers import inject

    sandbox_config.collectors["echo-slug"] = stagecraft_config("tests.collectors.echo")
    inject(sandbox, service="stagecraft", status=None, delay=4, count=1)
    with sigterm_after(1):  # the Stagecraft request is waiting for its (delayed) answer
        code, err = run(None, "-l", "echo-slug", "--log-dir", str(tmp_path / "log"),
                        console=False)
    line = "terminated (SIGTERM): no records were written"
    assert (code, err) == (ExitCode.TERMINATED, f"pp-collector: {line}\n")
    logged = [e for e in json_log(tmp_path / "log") if "terminated" in e["@message"]]
    assert [e["@message"] for e in logged] == [line]
    assert logged[0]["@fields"]["collector_slug"] == "echo-slug"
    assert logged[0]["@fields"]["exception_class"] == "Terminated"
    assert logged[0]["@fields"]["exception_message"] == "terminated by SIGTERM"
    time.sleep(3)  # the delayed answer goes out before the next test


def test_a_local_store_needs_no_token_and_is_handed_to_the_collector(
        sandbox, run, collector_module, tmp_path):
    seen = tmp_path / "seen.json"
    name = config_recorder(collector_module, "store_recorder", seen)
    store = f"jsonl:///{tmp_path}/records.jsonl"
    args = ["-c", run.write("credentials.json", {}), "-q",
            run.write("query.json", with_(QUERY, entrypoint=name)), "--store", store,
            "--console-logging"]
    assert main(args) == 0
    assert json.loads(seen.read_text()) == {
        "url": f"{store}/g/t", "token": None, "data-group": "g", "data-type": "t",
        "dry_run": False, "store": store}
    assert served(sandbox) == []



SETTINGS_COLLECTOR = """
import json
from performanceplatform.pipeline.settings import concurrency, query_file
QUERY_KEYS = ["records", "repeat"]
RETIRED = "move to the v4 API"

def main(credentials, data_set_config, query, options, start_at, end_at):
    with open({seen!r}, "w") as f:
        json.dump([concurrency(options, None, "test"), query_file()], f)
"""


def test_the_collector_runs_with_the_flags_warnings_and_file_name(
        sandbox, run, collector_module, tmp_path):
    """``--concurrency`` and the query file reach the pipeline; a retired collector and an
    unknown query key are warned about, naming the collector and the key."""
    seen = tmp_path / "seen.json"
    name = collector_module("settings_collector", SETTINGS_COLLECTOR.format(seen=str(seen)))
    query = with_(QUERY, entrypoint=name, query={"records": [], "recrods": 1},
                  options={"chunk-sise": 2})
    code, err = run(query, "--concurrency", "3")
    assert code == 0, err
    assert json.loads(seen.read_text()) == [3, run.query_path]
    lines = err.splitlines()
    assert (f"WARNING:performanceplatform.retired:deprecated: collector '{name}' uses a "
            "retired API: move to the v4 API") in lines
    unknown = f"WARNING:performanceplatform.collector.config:{run.query_path}: unknown key"
    assert f"{unknown} 'query.recrods': not one that {name} reads (did you mean `records`?)" \
        in lines
    assert f"{unknown} 'options.chunk-sise': not one that {name} reads (did you mean " \
           "`chunk-size`?)" in lines


def test_a_dependency_the_collector_imports_while_running_is_named(sandbox, run,
                                                                   collector_module):
    name = collector_module("lazy_dependency", "def main(*args):\n"
                                               "    import pp_lazy_no_such_dependency\n")
    assert_refused(sandbox, run(with_(QUERY, entrypoint=name)),
                   f"{run.query_path}: key 'entrypoint': collector '{name}' needs the module "
                   "'pp_lazy_no_such_dependency', which is not installed")


def test_a_bad_stagecraft_data_set_names_the_slug(sandbox, sandbox_config, run):
    config = stagecraft_config("tests.collectors.echo")
    config["data_set"] = dict(config["data_set"], data_type="Bad Name")
    sandbox_config.collectors["echo-slug"] = config
    code, err = run(None, "-l", "echo-slug")
    assert code == 1
    assert error_line(err) == ("pp-collector: error: stagecraft collector 'echo-slug': key "
                               "'data-set.data-type': expected lower-case letters, digits, '-' "
                               "and '_' only, got 'Bad Name'")


def test_run_counts_into_the_callers_recording(sandbox, run):
    """The Celery task opens the recording and reports the count the run made in it."""
    from performanceplatform.utils import writes

    with writes.recording() as outer:
        main_module.run(run.files(QUERY))
    assert (outer.records, outer.chunks) == (2, 1)
