"""The v3 entrypoints with every credentials shape, explicit endpoints, and bad options.

Each run is the real CLI against the sandbox; Backdrop's records are checked.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import served, stored
from tests.performanceplatform.google import keys

CORE = {"id": "ga:12345", "metrics": ["sessions"], "dimensions": ["browser"]}
WEEK = ("-s", "2018-07-16", "-e", "2018-07-22")
RUNS = {
    "ga": (CORE, {}, WEEK),
    "ga.realtime": ({"ids": "ga:1", "metrics": "rt:activeUsers"}, {}, ()),
    "ga.trending": ({"id": "1", "metric": "pageviews",
                     "dimensions": ["pageTitle", "pagePath"]}, {}, ()),
    "ga.contrib.content.table": (
        {"id": "ga:1", "metrics": ["pageviews"], "dimensions": ["pageTitle"],
         "filters": ["pagePath=~^/a"]},
        {"filtersets": [["Organisation=~^Some Dept"]]}, WEEK),
}


def query_file(entrypoint: str, query: dict, options: dict | None = None) -> dict:
    return {"entrypoint": f"performanceplatform.collector.{entrypoint}", "query": query,
            "options": options or {}, "data-set": {"data-group": "ga", "data-type": "v3"}}


def grants(sandbox) -> list[dict]:
    return sandbox.service("google_oauth").issued


@pytest.mark.parametrize("entrypoint", sorted(RUNS))
@pytest.mark.parametrize("kind", ["p12", "pem"])
def test_every_v3_entrypoint_with_a_service_account(sandbox, run_cli, tmp_path, entrypoint,
                                                    kind):
    query, options, dates = RUNS[entrypoint]
    credentials = keys.write_service_account_credentials(tmp_path, kind)
    result = run_cli(query_file(entrypoint, query, options), credentials, *dates,
                     env={"PP_COLLECTOR_NOW": "2018-08-13T09:30:00Z"})  # a re-run slot
    assert result.code == 0, result.stderr
    [grant] = grants(sandbox)
    assert grant["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert grant["claims"]["iss"] == keys.ACCOUNT
    records = stored(sandbox, "ga", "v3")
    assert records
    assert all(r.get("_id") for r in records)
    kept = json.loads((tmp_path / "sa-storage.db").read_text())
    assert kept["access_token"] == grant["access_token"]
    assert grant["access_token"] not in result.output


@pytest.mark.parametrize("entrypoint", sorted(RUNS))
def test_every_v3_entrypoint_with_oauth2_credentials(sandbox, run_cli, entrypoint):
    """OAUTH2_CREDENTIALS: the serialized credentials Stagecraft hands over, as JSON text."""
    query, options, dates = RUNS[entrypoint]
    serialized = keys.storage_record()
    del serialized["client_secret"]  # from CLIENT_SECRETS
    credentials = {"CLIENT_SECRETS": keys.client_secrets(),
                   "OAUTH2_CREDENTIALS": json.dumps(serialized)}
    result = run_cli(query_file(entrypoint, query, options), credentials, *dates)
    assert result.code == 0, result.stderr
    assert [g["subject"] for g in grants(sandbox)] == [keys.REFRESH_TOKEN]
    assert stored(sandbox, "ga", "v3")
    for secret in (keys.REFRESH_TOKEN, keys.CLIENT_SECRET, grants(sandbox)[0]["access_token"]):
        assert secret not in result.output


@pytest.mark.parametrize("kind", ["storage", "pem"])
def test_explicit_token_uri_and_api_root_without_sandbox_redirection(sandbox, run_cli,
                                                                     tmp_path, kind):
    """TOKEN_URI and API_ROOT aimed at the sandbox's own http URLs, as one would aim them at
    a proxy; the service account's JWT keeps Google's documented audience."""
    if kind == "storage":
        credentials = keys.write_storage_credentials(tmp_path)
    else:
        credentials = keys.write_service_account_credentials(tmp_path, "pem")
    token_uri = f"{sandbox.url}/oauth2.googleapis.com/token"
    credentials.update(TOKEN_URI=token_uri,
                       API_ROOT={"www.googleapis.com": f"{sandbox.url}/www.googleapis.com"})
    result = run_cli(query_file("ga", CORE), credentials, *WEEK,
                     env={"PP_COLLECTOR_SANDBOX_URL": ""})
    assert result.code == 0, result.stderr
    [grant] = grants(sandbox)
    if kind == "pem":
        assert grant["claims"]["aud"] == "https://oauth2.googleapis.com/token"
    assert [r["path"] for r in served(sandbox, "google_oauth")] == [
        "/oauth2.googleapis.com/token"]
    assert [r["path"] for r in served(sandbox, "google_v3")] == [
        "/www.googleapis.com/analytics/v3/data/ga"]
    assert len(stored(sandbox, "ga", "v3")) == 3


BAD_OPTIONS = {"chunk-size": "abc", "empty-data-set": "yes", "mappings": ["x"],
               "idMapping": 5, "additionalFields": [1], "dataType": 7,
               "plugins": ["Bogus(1)", "__import__('os')", "ComputeRank('rank')"]}


@pytest.mark.parametrize("entrypoint", ["ga", "ga.contrib.content.table"])
def test_bad_options_are_one_config_error_before_any_request(sandbox, run_cli, tmp_path,
                                                              entrypoint):
    query, options, dates = RUNS[entrypoint]
    credentials = keys.write_storage_credentials(tmp_path)
    result = run_cli(query_file(entrypoint, query, {**options, **BAD_OPTIONS}), credentials,
                     *dates)
    assert result.code == 1
    lines = [line for line in result.stderr.splitlines() if "options." in line]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    for key in BAD_OPTIONS:
        assert f"key 'options.{key}'" in line, key
    assert "unknown plugin 'Bogus'" in line and "__import__" in line
    assert "last plugin must be ComputeIdFrom" in line
    assert "TypeError" not in result.stderr and "Traceback" not in result.stderr
    assert served(sandbox, "google_oauth") == [] and served(sandbox, "google_v3") == []
    assert stored(sandbox, "ga", "v3") == []


def test_query_options_and_filtersets_problems_are_reported_together(sandbox, run_cli,
                                                                      tmp_path):
    credentials = keys.write_storage_credentials(tmp_path)
    result = run_cli(query_file("ga.contrib.content.table", {"metrics": ["pageviews"]},
                                {"filtersets": [["no-department"]], "chunk-size": -1}),
                     credentials, *WEEK)
    assert result.code == 1
    for key in ("query.id", "options.filtersets", "options.chunk-size"):
        assert f"key '{key}'" in result.stderr, key
    assert served(sandbox, "google_oauth") == [] and served(sandbox, "google_v3") == []


def test_options_of_the_original_that_the_core_ignores_still_work(sandbox, run_cli, tmp_path):
    """Existing query files may carry keys the original never read (filtersets in a core
    query, as in the original's own test): they are not refused."""
    credentials = keys.write_storage_credentials(tmp_path)
    options = {"filtersets": [["x"]], "something-else": 1, "chunk-size": 2,
               "plugins": ["Comment('kept')", "ComputeIdFrom('_timestamp', 'browser')"]}
    result = run_cli(query_file("ga", CORE, options), credentials, *WEEK)
    assert result.code == 0, result.stderr
    assert len(stored(sandbox, "ga", "v3")) == 3
