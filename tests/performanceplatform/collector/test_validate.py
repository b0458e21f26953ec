"""``pp-collector validate`` (and ``--validate``) through the real CLI: a good folder exits 0
and shows the plan, typos and bad files are listed one line each, no request is made (the
sandbox's request log stays empty), and every collector's sample query validates clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from performanceplatform.collector.catalogue import samples
from performanceplatform.collector.entrypoints import BUILTIN
from tests.helpers import SANDBOX_TOKEN, served, stored
from tests.performanceplatform.collector.sandbox_configs import (
    Secrets,
    ga_v3_credentials,
    query_file,
)

SAMPLES = Path(__file__).resolve().parents[3] / "performanceplatform" / "collector"
DAILY = query_file("ga4", {"property": "123456789", "metrics": ["sessions"],
                           "dimensions": ["browser"], "frequency": "daily"},
                   group="validate", data_type="visits")
PIWIK = {"url": "https://piwik.example.org/index.php", "token_auth": "piwik-secret-0123456789"}
MATOMO = query_file("matomo", {"site_id": "1", "api_method": "DevicesDetection.getBrowsers",
                               "frequency": "daily"}, group="validate", data_type="browsers")


def shared_files(run_cli, credentials: dict, store: str | None = None) -> list[str]:
    """``-c -t -b`` files for every query file (``-b`` pointing at the sandbox)."""
    backdrop = store or f"{run_cli.sandbox.url}/data"
    return ["-c", str(run_cli.write("shared/credentials.json", credentials)),
            "-t", str(run_cli.write("shared/token.json", {"token": SANDBOX_TOKEN})),
            "-b", str(run_cli.write("shared/pp.json", {"backdrop_url": backdrop}))]


def blocks(stdout: str) -> dict[str, list[str]]:
    """The output's blocks, by the file each starts with (its indented lines)."""
    found: dict[str, list[str]] = {}
    current = None
    for line in stdout.splitlines():
        if line.startswith("  ") and current is not None:
            found[current].append(line.strip())
        elif ": " in line:
            current = line.split(": ", 1)[0]
            found[current] = [line.split(": ", 1)[1]]
    return found


def test_a_good_folder_exits_0_and_shows_each_plan(sandbox, run_cli):
    ga = ga_v3_credentials(run_cli, Secrets())
    run_cli.write("queries/ga4/visits.json", DAILY)
    run_cli.write("queries/ga4/weekly.json", {**DAILY, "query": {**DAILY["query"],
                                                                "frequency": "weekly"}})
    result = run_cli(args=["validate", *shared_files(run_cli, ga), "queries",
                           "-s", "2026-11-01", "-e", "2026-11-03"])
    assert result.code == 0, result.output
    found = blocks(result.stdout)
    daily = found[str(Path("queries/ga4/visits.json"))]
    assert daily[0] == "ok"
    assert "collector: performanceplatform.collector.ga4" in daily
    assert "data set: validate/visits" in daily
    assert f"store: {sandbox.url}/data" in daily
    assert ("plan: 3 periods: 2026-11-01 - 2026-11-01, 2026-11-02 - 2026-11-02, "
            "2026-11-03 - 2026-11-03") in daily
    weekly = found[str(Path("queries/ga4/weekly.json"))]
    assert "plan: 2 periods: 2026-10-26 - 2026-11-01, 2026-11-02 - 2026-11-08" in weekly
    assert result.stdout.splitlines()[-1] == "2 files: 2 ok, 0 with problems"
    assert result.stderr == ""
    assert not (result.workdir / "log").exists()  # validate writes no log


def test_without_dates_the_plan_is_the_run_s_default_window(sandbox, run_cli):
    ga = ga_v3_credentials(run_cli, Secrets())
    query = run_cli.write("visits.json", DAILY)
    env = {"PP_COLLECTOR_NOW": "2026-11-18T10:00:00+00:00"}
    result = run_cli(args=["validate", *shared_files(run_cli, ga), str(query)], env=env)
    assert result.code == 0, result.output
    plans = [line for line in blocks(result.stdout)[str(query)] if line.startswith("plan:")]
    assert plans == ["plan: 1 period: 2026-11-17 - 2026-11-17"]


def test_typos_are_listed_with_the_nearest_key_and_exit_1(sandbox, run_cli):
    run_cli.write("queries/a.json", {**MATOMO, "query": {**MATOMO["query"], "frequncy": "daily"}})
    run_cli.write("queries/b.json", {**MATOMO, "options": {"chunk_size": 10, "mapings": {}}})
    run_cli.write("queries/c.json", MATOMO)
    result = run_cli(args=["validate", *shared_files(run_cli, PIWIK), "queries"])
    assert result.code == 1, result.output
    lines = result.stdout.splitlines()
    a, b = str(Path("queries/a.json")), str(Path("queries/b.json"))
    name = "performanceplatform.collector.matomo"
    assert f"  problem: {a}: unknown key 'query.frequncy': not one that {name} reads " \
           "(did you mean `frequency`?)" in lines
    assert f"  problem: {b}: unknown key 'options.chunk_size': not one that {name} reads " \
           "(did you mean `chunk-size`?)" in lines
    assert f"  problem: {b}: unknown key 'options.mapings': not one that {name} reads " \
           "(did you mean `mappings`?)" in lines
    assert f"{a}: 1 problem" in lines and f"{b}: 2 problems" in lines
    assert f"{Path('queries/c.json')}: ok" in lines
    assert lines[-1] == "3 files: 1 ok, 2 with problems"


def test_every_problem_of_a_file_is_a_line_naming_the_file_and_key(sandbox, run_cli):
    query = run_cli.write("q.json", {**MATOMO, "query": {"frequency": "hourly"},
                                     "options": {"chunk-size": -1}})
    credentials = {"url": "https://piwik.example.org/index.php"}
    result = run_cli(args=["validate", *shared_files(run_cli, credentials), str(query)])
    assert result.code == 1, result.output
    problems = [line.strip() for line in result.stdout.splitlines() if "problem:" in line]
    creds = str(result.workdir / "shared" / "credentials.json")
    keys = {"query.site_id", "query.api_method", "query.frequency", "options.chunk-size"}
    for key in keys:
        assert any(line.startswith(f"problem: {query}: key '{key}': ") for line in problems), \
            (key, problems)
    assert any(line.startswith(f"problem: {creds}: key 'token_auth': ") for line in problems)
    assert len(problems) == len(keys) + 1


def test_bad_json_names_the_file(sandbox, run_cli):
    run_cli.write("queries/broken.json", '{"entrypoint": ')
    run_cli.write("queries/list.json", "[1, 2]")
    run_cli.write("queries/good.json", MATOMO)
    result = run_cli(args=["validate", *shared_files(run_cli, PIWIK), "queries"])
    assert result.code == 1, result.output
    lines = result.stdout.splitlines()
    broken, listed = str(Path("queries/broken.json")), str(Path("queries/list.json"))
    assert any(line.startswith(f"  problem: {broken}: not JSON: ") for line in lines), lines
    assert f"  problem: {listed}: a JSON object is expected, not list" in lines
    assert lines[-1] == "3 files: 1 ok, 2 with problems"


def test_a_folder_without_query_files_is_a_problem(sandbox, run_cli):
    run_cli.write("config/credentials.json", PIWIK)
    result = run_cli(args=["validate", "config"])
    assert result.code == 1, result.output
    assert "  problem: config: no query file in this folder (*.json with an entrypoint, " \
           "data-set, query or options key)" in result.stdout.splitlines()


def test_a_bad_shared_file_is_a_problem_too(sandbox, run_cli):
    query = run_cli.write("q.json", MATOMO)
    files = shared_files(run_cli, PIWIK, store="ftp://nowhere")
    result = run_cli(args=["validate", *files, str(query)])
    assert result.code == 1, result.output
    pp = str(result.workdir / "shared" / "pp.json")
    assert any(line.startswith(f"problem: {pp}: key 'backdrop_url': expected ")
               for line in result.stdout.splitlines()), result.stdout
    assert result.stdout.splitlines()[-1].endswith("1 problem(s) in the -c/-t/-b/--store "
                                                   "configs")


def test_no_request_is_made(sandbox, run_cli):
    """Pingdom plans with a request (it looks the check up by name) and GA refreshes tokens:
    inside validate every request is refused before it is sent."""
    run_cli.write("queries/pingdom.json", query_file("pingdom", {"name": "govuk_search"}))
    run_cli.write("queries/gcloud.json", query_file("gcloud", {}))
    result = run_cli(args=["validate", *shared_files(run_cli, {"token": "pingdom-123"}),
                           "queries"])
    assert result.code == 0, result.output
    found = blocks(result.stdout)
    pingdom = found[str(Path("queries/pingdom.json"))]
    assert "plan: not shown: planning asks the source first (GET " \
           "https://api.pingdom.com/api/3.1/checks; not sent)" in pingdom
    gcloud = found[str(Path("queries/gcloud.json"))]
    assert any(line.startswith("plan: 1 spend file") for line in gcloud), gcloud
    assert served(sandbox) == []  # every built-in host goes to the sandbox: none asked


def test_a_collector_off_the_pipeline_is_checked_and_stopped_at_its_first_request(
        sandbox, run_cli):
    """ga.trending checks its query before its first request: a bad one is a problem, a
    good one stops where it would ask Google, and nothing is sent."""
    ga = ga_v3_credentials(run_cli, Secrets())
    trending = json.loads((SAMPLES / "ga" / "sample" / "trending-query.json").read_text())
    run_cli.write("q/good.json", trending)
    run_cli.write("q/bad.json", {**trending, "query": {"id": "ga:1"}})
    result = run_cli(args=["validate", *shared_files(run_cli, ga), "q"])
    assert result.code == 1, result.output
    found = blocks(result.stdout)
    bad = str(Path("q/bad.json"))
    assert found[bad][0] == "2 problems"  # one line each, though the collector raised once
    for key in ("query.metric", "query.dimensions"):
        assert any(line.startswith(f"problem: {bad}: key '{key}': ") for line in found[bad])
    assert found[str(Path("q/good.json"))][0] == "ok"
    assert served(sandbox) == []


def test_without_credentials_the_queries_are_still_checked(sandbox, run_cli):
    run_cli.write("queries/ok.json", MATOMO)
    run_cli.write("queries/typo.json", {**MATOMO, "options": {"chunksize": 1}})
    trending = json.loads((SAMPLES / "ga" / "sample" / "trending-query.json").read_text())
    run_cli.write("queries/trending.json", {**trending, "query": {"id": "ga:1"}})
    result = run_cli(args=["validate", "queries"])
    assert result.code == 1, result.output
    found = blocks(result.stdout)
    assert any("key 'query.metric'" in line
               for line in found[str(Path("queries/trending.json"))]), result.stdout
    ok = found[str(Path("queries/ok.json"))]
    assert ok[0] == "ok" and "credentials: not checked (give -c)" in ok
    assert not any(line.startswith("store:") for line in ok)
    assert any("options.chunksize" in line for line in found[str(Path("queries/typo.json"))])


def test_retired_apis_and_registered_collectors_are_said(sandbox, run_cli):
    ga = json.loads((SAMPLES / "ga" / "sample" / "query.json").read_text())
    run_cli.write("queries/ga.json", ga)
    run_cli.write("queries/echo.json", {"entrypoint": "tests.collectors.echo",
                                        "data-set": {"data-group": "v", "data-type": "echo"},
                                        "query": {"records": []}, "options": {}})
    result = run_cli(args=["validate", "queries"])
    assert result.code == 0, result.output
    found = blocks(result.stdout)
    assert any(line.startswith("warning: deprecated: collector 'performanceplatform.collector"
                               ".ga' uses a retired API: ") for line in
               found[str(Path("queries/ga.json"))])
    assert "collector checks and plan: not run (a registered collector's main may make " \
           "requests; validate makes none)" in found[str(Path("queries/echo.json"))]
    assert served(sandbox) == []


def test_the_original_command_line_with_validate_runs_nothing(sandbox, run_cli):
    """``pp-collector -q -c -t -b --validate``: the files of a run, checked; no write."""
    result = run_cli(MATOMO, PIWIK, "--validate", "-s", "2026-11-01", "-e", "2026-11-07")
    assert result.code == 0, result.output
    assert "plan: 1 date range: 2026-11-01,2026-11-07" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 file: 1 ok, 0 with problems"
    assert served(sandbox) == []
    assert stored(sandbox, "validate", "browsers") == []
    assert not (result.workdir / "log").exists()


def test_a_jobs_file_pairs_each_query_with_its_own_files(sandbox, run_cli):
    """``--jobs``: every job as the crontab generator runs it, names relative to the jobs
    file's folder; a ``-l`` job is listed as not checked (Stagecraft is a network call)."""
    run_cli.write("config/queries/matomo.json", MATOMO)
    run_cli.write("config/queries/typo.json", {**MATOMO, "options": {"chunksize": 1}})
    run_cli.write("config/queries/pingdom.json", query_file("pingdom", {"name": "x"}))
    run_cli.write("config/credentials/piwik.json", PIWIK)
    run_cli.write("config/credentials/pingdom.json", {"token": "pingdom-123"})
    run_cli.write("config/tokens/t.json", {"token": SANDBOX_TOKEN})
    run_cli.write("config/pp.json", {"backdrop_url": f"{sandbox.url}/data"})
    jobs = run_cli.write("config/cronjobs", "".join(
        f"{schedule},{target},credentials/{creds}.json,tokens/t.json,pp.json\n"
        for schedule, target, creds in (
            ("0 * * * *", "query:queries/matomo.json", "piwik"),
            ("5 * * * *", "query:queries/typo.json", "piwik"),
            ("9 * * * *", "query:queries/pingdom.json", "pingdom"),
            ("9 * * * *", "query:queries/matomo.json", "pingdom"),  # the wrong credentials
            ("7 * * * *", "some-slug", "piwik"))))
    result = run_cli(args=["validate", "--jobs", str(jobs)])
    assert result.code == 1, result.output
    config = f"{jobs.parent}"
    lines = result.stdout.splitlines()
    assert lines[:2] == [f"{config}/queries/matomo.json: ok", f"  job: {jobs}:1"]
    assert f"  problem: {config}/queries/typo.json: unknown key 'options.chunksize': not one " \
           "that performanceplatform.collector.matomo reads (did you mean `chunk-size`?)" \
        in lines
    assert any(line.startswith(f"  problem: {config}/credentials/pingdom.json: key ")
               for line in lines), lines
    assert "some-slug: not checked" in lines
    assert lines[-1] == "5 jobs: 2 ok, 2 with problems, 1 not checked"
    assert served(sandbox) == []


def test_a_bad_jobs_line_is_a_problem_naming_file_and_line(sandbox, run_cli):
    jobs = run_cli.write("cronjobs", "0 * * *,query:q.json,c.json,t.json,pp.json\n")
    result = run_cli(args=["validate", "--jobs", str(jobs)])
    assert result.code == 1, result.output
    assert f"  problem: {jobs}:1: " in result.stdout


@pytest.mark.parametrize("argv, fragment", [
    (["validate", "--jobs", "cronjobs", "-c", "c.json"], "--jobs takes each job's files"),
    (["-l", "some-slug", "--validate"], "-l/--collector reads the config from Stagecraft"),
    (["validate", "q.json", "-s", "2026-11-05", "-e", "2026-11-01"],
     "-e/--end 2026-11-01 is a day before -s/--start 2026-11-05"),
    (["validate", "q.json", "--bogus"], "unrecognized arguments: --bogus"),
])
def test_usage_errors_exit_2(sandbox, run_cli, argv, fragment):
    run_cli.write("q.json", MATOMO)
    result = run_cli(args=argv)
    assert result.code == 2, result.output
    assert fragment in result.stderr
    assert result.stdout == ""


def test_realtime_cannot_be_back_filled(sandbox, run_cli):
    realtime = query_file("matomo.realtime", {"site_id": "1", "api_method": "Live.getCounters"},
                          group="validate", data_type="realtime")
    query = run_cli.write("rt.json", realtime)
    result = run_cli(args=["validate", *shared_files(run_cli, PIWIK), str(query),
                           "-s", "2026-11-01", "-e", "2026-11-02"])
    assert result.code == 1, result.output
    assert any(line.startswith(f"  problem: {query}: ") and "Cannot backfill realtime" in line
               for line in result.stdout.splitlines()), result.stdout


def test_json_output_for_ci(sandbox, run_cli):
    run_cli.write("queries/ok.json", MATOMO)
    run_cli.write("queries/typo.json", {**MATOMO, "options": {"chunksize": 1}})
    result = run_cli(args=["validate", "--json", *shared_files(run_cli, PIWIK), "queries"])
    assert result.code == 1, result.output
    document = json.loads(result.stdout)
    assert document["summary"] == {"files": 2, "ok": 1, "with_problems": 1, "not_checked": 0,
                                   "skipped": 0, "shared_problems": 0}
    by_path = {Path(entry["path"]).name: entry for entry in document["files"]}
    assert by_path["ok.json"]["plan"] == ["previous1"]
    assert by_path["ok.json"]["data_set"] == "validate/browsers"
    assert len(by_path["typo.json"]["problems"]) == 1


def test_no_secret_is_shown(sandbox, run_cli):
    secret = "hunter2-store-password"
    query = run_cli.write("q.json", {**MATOMO, "options": {"chunksize": 1}})
    store = f"https://user:{secret}@backdrop.example/data"
    files = shared_files(run_cli, PIWIK, store=store)
    for extra in ([], ["--json"]):
        result = run_cli(args=["validate", *files, str(query), *extra])
        assert result.code == 1
        for value in (secret, SANDBOX_TOKEN, PIWIK["token_auth"]):
            assert value not in result.output
        assert "https://***@backdrop.example/data" in result.stdout


SAMPLE_FOLDERS = sorted({Path(path).parent for name in BUILTIN
                         for path in samples(name).queries})


@pytest.mark.parametrize("folder", SAMPLE_FOLDERS, ids=lambda folder: folder.parent.name)
def test_every_sample_query_validates_clean(sandbox, run_cli, folder):
    """With its own sample credentials (for GA the files they name, made in the working
    folder, and the content table's departments file)."""
    ga = ga_v3_credentials(run_cli, Secrets())
    creds = run_cli.workdir / "creds" / "ga"
    creds.mkdir(parents=True)
    shutil.copy(ga["CLIENT_SECRETS"], creds / "client_secret.json")
    shutil.copy(ga["STORAGE_PATH"], creds / "storage.db")
    run_cli.write("departments.json", {"D1": "department-one", "D2": "department-two"})
    queries = sorted(path for path in folder.glob("*.json")
                     if "entrypoint" in json.loads(path.read_text(encoding="utf-8")))
    for credentials in sorted(folder.glob("credentials*.json")):
        result = run_cli(args=["validate", "-c", str(credentials), str(folder)])
        assert result.code == 0, result.output
        assert "problem:" not in result.stdout
        n = len(queries)
        assert result.stdout.splitlines()[-1].startswith(
            f"{n} file{'s' * (n != 1)}: {n} ok, 0 with problems"), result.stdout
    assert served(sandbox) == []
