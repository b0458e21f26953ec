"""The simulated Core Reporting / Real Time Reporting API v3."""

from __future__ import annotations

import pytest
import requests

from performanceplatform.sandbox import Sandbox

TOKEN = {"Authorization": "Bearer sandbox-access-test"}
PARAMS = {"ids": "ga:1", "start-date": "2018-08-01", "end-date": "2018-08-03",
          "metrics": "ga:sessions,ga:bounceRate", "dimensions": "ga:date,ga:browser"}


def get(sandbox: Sandbox, path: str = "data/ga", host: str = "www.googleapis.com",
        headers: dict | None = None, **params) -> requests.Response:
    return requests.get(f"{sandbox.url}/{host}/analytics/v3/{path}", params=params,
                        headers=TOKEN if headers is None else headers, timeout=10)


@pytest.fixture
def settings(service_settings):
    return service_settings("google_v3")


def test_refuses_tokens_it_did_not_issue(sandbox):
    answer = get(sandbox, headers={"Authorization": "Bearer ya29.real"}, **PARAMS)
    assert answer.status_code == 401
    assert answer.json()["error"]["errors"][0]["reason"] == "authError"


def test_one_group_of_rows_per_day_with_a_date_dimension(sandbox, settings):
    settings["rows_per_day"] = 2
    body = get(sandbox, **PARAMS).json()
    assert body["totalResults"] == 6
    assert [row[0] for row in body["rows"]] == ["20180801"] * 2 + ["20180802"] * 2 + \
        ["20180803"] * 2
    assert [h["name"] for h in body["columnHeaders"]] == ["ga:date", "ga:browser",
                                                          "ga:sessions", "ga:bounceRate"]
    assert body["query"]["start-date"] == "2018-08-01"
    assert "nextLink" not in body


def test_pages_fit_together_and_link_to_each_other(sandbox, settings):
    settings.update(rows_per_day=4, page_size=5)
    whole = get(sandbox, **PARAMS, **{"max-results": "100"}).json()["rows"]
    first = get(sandbox, **PARAMS).json()
    assert first["nextLink"].startswith("https://www.googleapis.com/analytics/v3/data/ga?")
    assert "start-index=6" in first["nextLink"]
    second = get(sandbox, **PARAMS, **{"start-index": "6", "max-results": "5"}).json()
    third = get(sandbox, **PARAMS, **{"start-index": "11", "max-results": "5"}).json()
    assert "nextLink" not in third
    assert first["rows"] + second["rows"] + third["rows"] == whole


def test_same_request_same_data_and_sort_applies(sandbox):
    params = dict(PARAMS, dimensions="ga:browser", sort="-ga:sessions")
    one = get(sandbox, **params).json()["rows"]
    assert get(sandbox, host="analytics.googleapis.com", **params).json()["rows"] == one
    sessions = [int(row[1]) for row in one]
    assert sessions == sorted(sessions, reverse=True)
    assert one != get(sandbox, **dict(params, filters="ga:browser==x")).json()["rows"]


def test_bad_requests_answer_google_errors(sandbox):
    missing = get(sandbox, ids="ga:1", metrics="ga:sessions")
    assert missing.status_code == 400
    assert missing.json()["error"]["errors"][0]["reason"] == "required"
    unprefixed = get(sandbox, **dict(PARAMS, metrics="sessions"))
    assert unprefixed.json()["error"]["errors"][0]["reason"] == "invalidParameter"


def test_realtime_counts_active_users(sandbox, settings):
    settings["active_users"] = 42
    body = get(sandbox, "data/realtime", ids="ga:1", metrics="rt:activeUsers").json()
    assert body["rows"] == [["42"]]
    assert body["kind"] == "analytics#realtimeData"
