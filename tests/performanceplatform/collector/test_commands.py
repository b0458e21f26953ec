"""``pp-collector collectors``, ``sample``, ``--version`` and the deprecation warning, through
the real CLI; the original flag interface is untouched beside them (a query file named
``collectors`` still runs)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from performanceplatform.collector import __version__
from performanceplatform.collector.catalogue import PREFIX, samples
from performanceplatform.collector.entrypoints import BUILTIN, resolve
from tests.helpers import SANDBOX_TOKEN, stored
from tests.performanceplatform.collector.sandbox_configs import valid_config, window

ECHO = {"entrypoint": "tests.collectors.echo",
        "data-set": {"data-group": "commands", "data-type": "echo"},
        "query": {"records": [{"_id": "a", "_timestamp": "2018-08-01T00:00:00+00:00"}]},
        "options": {}}


def listed(run_cli) -> dict[str, dict]:
    result = run_cli(args=["collectors", "--json"])
    assert result.code == 0, result.stderr
    return {entry["name"]: entry for entry in map(json.loads, result.stdout.splitlines())}


def test_collectors_lists_every_built_in_and_registered_collector(sandbox, run_cli):
    entries = listed(run_cli)
    assert set(BUILTIN) <= set(entries)
    assert "tests.collectors.echo" in entries  # registered by the tests' distribution
    echo = entries["tests.collectors.echo"]
    assert echo["origin"] == "registered by pp-collector-test-collectors"
    assert {entries[name]["origin"] for name in BUILTIN} == {"built-in"}


@pytest.mark.parametrize("name, replacement", [
    ("ga", "performanceplatform.collector.ga4 "), ("ga.realtime", "ga4.realtime"),
    ("ga.trending", "performanceplatform.collector.ga4 "),
    ("ga.contrib.content.table", "performanceplatform.collector.ga4 "),
])
def test_ga_v3_collectors_are_retired_with_their_replacement(sandbox, run_cli, name,
                                                              replacement):
    entry = listed(run_cli)[PREFIX + name]
    assert entry["status"] == "retired"
    assert replacement in entry["retired"] and "MIGRATION.rst" in entry["retired"]


def test_current_collectors_and_pingdoms_retired_credentials(sandbox, run_cli):
    entries = listed(run_cli)
    current = {name for name, entry in entries.items() if entry["status"] == "current"}
    assert {PREFIX + name for name in ("ga4", "ga4.realtime", "pingdom", "piwik", "piwik.core",
                                       "matomo", "matomo.realtime", "webtrends.reports",
                                       "gcloud")} <= current
    assert "3.1 token" in entries[PREFIX + "pingdom"]["retired_credentials"]
    assert entries[PREFIX + "ga4"]["summary"].startswith("GA4")


def test_a_broken_registered_collector_is_listed_as_such(sandbox, run_cli):
    result = run_cli(args=["collectors"])
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == 'built-in collectors ("entrypoint": "performanceplatform.collector.NAME"):'
    gone = lines.index(next(line for line in lines if "tests.collectors.gone " in line))
    assert " broken " in lines[gone]
    assert "cannot be loaded: " in lines[gone + 1] and "no_such_module" in lines[gone + 1]
    ga = next(line for line in lines if line.startswith("  ga "))
    assert " retired " in ga


def test_sample_prints_the_query_and_credentials_files(sandbox, run_cli):
    result = run_cli(args=["sample", "ga4"])
    assert result.code == 0, result.stderr
    module = sys.modules[resolve(PREFIX + "ga4", "test").main.__module__]
    folder = Path(module.__file__).parent / "sample"
    headers = [line for line in result.stdout.splitlines() if line.startswith("==> ")]
    assert headers == [f"==> {folder / name} <==" for name in
                       ("query.json", "credentials.json", "service-account-credentials.json")]
    assert (folder / "query.json").read_text(encoding="utf-8") in result.stdout


@pytest.mark.parametrize("name, entrypoint", [
    ("matomo.realtime", "matomo.realtime"), ("performanceplatform.collector.ga.trending",
                                             "ga.trending"),
    ("piwik", "piwik.core"), ("webtrends.keymetrics", "webtrends.keymetrics"),
])
def test_sample_query_is_plain_json_to_redirect_into_a_file(sandbox, run_cli, name, entrypoint):
    result = run_cli(args=["sample", name, "--query"])
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["entrypoint"] == PREFIX + entrypoint


def test_sample_credentials_first_is_the_current_form(sandbox, run_cli):
    result = run_cli(args=["sample", "pingdom", "--credentials"])
    assert json.loads(result.stdout) == {"token": "YOUR-PINGDOM-API-3.1-TOKEN"}


@pytest.mark.parametrize("argv, fragment", [
    (["sample", "ga5"], "'ga5' is not a collector (did you mean 'ga"),
    (["sample", "tests.collectors.echo"], "ships no sample files"),
    (["sample"], "the following arguments are required: name"),
    (["collectors", "--bogus"], "unrecognized arguments: --bogus"),
    (["validate"], "name the query files or folders to validate"),
    (["validate", "-l", "slug"], "-l/--collector reads the config from Stagecraft"),
])
def test_subcommand_mistakes_are_one_line_and_exit_2(sandbox, run_cli, argv, fragment):
    result = run_cli(args=argv)
    assert result.code == 2
    assert fragment in result.stderr
    assert result.stdout == ""
    assert not (result.workdir / "log").exists()  # a subcommand writes no log


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_every_built_in_collector_has_a_sample_query_and_credentials(name):
    found = samples(name)
    assert found.queries and found.credentials, name
    for path in found.queries:
        entrypoint = json.loads(path.read_text(encoding="utf-8"))["entrypoint"]
        assert resolve(entrypoint, str(path)).main is not None


def test_version(sandbox, run_cli):
    result = run_cli(args=["--version"])
    assert (result.code, result.stdout) == (0, f"pp-collector {__version__}\n")


@pytest.mark.parametrize("order", ["query last", "query first"])
def test_a_query_file_named_collectors_still_runs(sandbox, run_cli, order):
    run_cli.write("collectors", ECHO)
    run_cli.write("sample", ECHO)
    flags = ["-c", str(run_cli.write("credentials.json", {})),
             "-t", str(run_cli.write("token.json", {"token": SANDBOX_TOKEN})),
             "-b", str(run_cli.write("performanceplatform.json",
                                     {"backdrop_url": f"{sandbox.url}/data"})),
             "--console-logging"]
    query = ["-q", "collectors"]  # relative: the file in the working directory
    result = run_cli(args=query + flags if order == "query first" else flags + query)
    assert result.code == 0, result.stderr
    assert [record["_id"] for record in stored(sandbox, "commands", "echo")] == ["a"]
    assert run_cli(args=["--query=sample"] + flags).code == 0


def test_the_word_collectors_with_a_file_of_that_name_lists(sandbox, run_cli):
    run_cli.write("collectors", ECHO)
    result = run_cli(args=["collectors"])
    assert result.code == 0 and "ga4" in result.stdout
    assert stored(sandbox, "commands", "echo") == []


def deprecations(output: str) -> list[str]:
    return [line for line in output.splitlines() if "deprecated:" in line]


@pytest.mark.parametrize("name, replacement", [
    ("ga", "performanceplatform.collector.ga4 "), ("ga.realtime", "ga4.realtime"),
    ("pingdom-2.0", "API 3.1 token"),
])
def test_a_run_against_a_retired_api_logs_one_deprecation_warning(sandbox, run_cli, name,
                                                                   replacement):
    query, credentials = valid_config(name, run_cli)
    result = run_cli(query, credentials, *window(name))
    assert result.code == 0, result.stderr
    [line] = deprecations(result.stderr)
    assert "WARNING" in line and replacement in line


@pytest.mark.parametrize("name", ["ga4", "pingdom", "matomo.core", "piwik.core"])
def test_a_run_against_a_current_api_logs_no_deprecation(sandbox, run_cli, name):
    query, credentials = valid_config(name, run_cli)
    result = run_cli(query, credentials, *window(name))
    assert result.code == 0, result.stderr
    assert deprecations(result.stderr) == []


@pytest.mark.parametrize("line, expected", [
    ("pp-collector sam", {"sample"}),
    ("pp-collector --dr", {"--dry-run"}),
    ("pp-collector sample matomo.", {"matomo.core", "matomo.realtime"}),
    ("pp-collector sample ga4 --q", {"--query"}),
    ("pp-collector vali", {"validate"}),
    ("pp-collector validate --js", {"--json"}),
])
def test_shell_completion_with_argcomplete(sandbox, run_cli, line, expected):
    pytest.importorskip("argcomplete", reason="the 'completion' extra is not installed")
    answer = run_cli.workdir / "completions"
    result = run_cli(args=[], env={"_ARGCOMPLETE": "1", "_ARGCOMPLETE_IFS": "\n",
                                   "COMP_LINE": line, "COMP_POINT": str(len(line)),
                                   "_ARGCOMPLETE_STDOUT_FILENAME": str(answer)})
    assert result.code == 0, result.stderr
    assert {word.strip() for word in answer.read_text().splitlines()} == expected


def test_collectors_into_a_closed_pipe_stops_quietly(sandbox, run_cli):
    """``pp-collector collectors | head -1``: the reader is gone before the listing ends."""
    command, env = run_cli._invocation(None, None, (), SANDBOX_TOKEN, None, ["collectors"], True)
    process = subprocess.Popen(command, env=env, cwd=run_cli.workdir, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # before the program writes anything
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == ""
