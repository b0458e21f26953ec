"""End-to-end: the real CLI runs each Webtrends entrypoint against the sandbox."""

from __future__ import annotations

import base64

import pytest
import requests

from tests.helpers import inject, served, stored

V2 = "https://ws.webtrends.com/v2_0/ReportService"
V3 = "https://ws.webtrends.com/v3/Reporting/profiles/fgkdatFA7d7"
CREDENTIALS_V2 = {"user": "acct\\someone", "password": "wt-secret-password",
                  "keymetrics_url": f"{V2}/keymetrics/nasprofile01/",
                  "reports_url": f"{V2}/profiles/nasprofile01/reports/"}
CREDENTIALS_V3 = {**CREDENTIALS_V2, "api_version": "v3",
                  "keymetrics_url": f"{V3}/Keymetrics/", "reports_url": f"{V3}/reports/"}
KEYMETRICS_MAPPINGS = {"Page Views": "page_views", "Visits": "sessions", "Visitors": "users",
                       "Bounce Rate": "bounce_rate", "Avg. Time on Site": "avg_session_duration",
                       "Avg. Visitors per Day": "avg_visitors_per_day",
                       "Page Views per Visit": "page_views_per_session",
                       "New Visitors": "new_users"}


def query(entrypoint: str, data_type: str, options: dict, report_id: str | None = None) -> dict:
    return {"entrypoint": f"performanceplatform.collector.{entrypoint}",
            "data-set": {"data-group": "webtrends-test", "data-type": data_type},
            "query": {"report_id": report_id} if report_id else {}, "options": options}


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


def answer(sandbox, url: str, **params) -> dict:
    """What the sandbox answers to a request (deterministic), fetched by the test itself."""
    local = url.replace("https://", f"{sandbox.url}/")
    got = requests.get(local, params={**params, "format": "json"}, auth=("x", "y"), timeout=10)
    return got.json()["data"]


def test_keymetrics_v2_writes_every_non_null_hour(run_cli, sandbox):
    options = {"mappings": KEYMETRICS_MAPPINGS, "idMapping": ["dataType", "_timestamp"]}
    result = run_cli(query("webtrends.keymetrics", "site-use", options), CREDENTIALS_V2,
                     "-s", "2018-08-10", "-e", "2018-08-11")
    assert result.code == 0, result.stderr
    assert [dict(r["query"])["userealtime"] for r in served(sandbox, "webtrends")] == ["True"]
    data = answer(sandbox, CREDENTIALS_V2["keymetrics_url"], start_period="2018m08d10",
                  end_period="2018m08d11")
    (blob,) = data.values()
    hours = {label: row for label, row in blob["SubRows"].items() if row}
    assert 0 < len(hours) <= 48
    records = stored(sandbox, "webtrends-test", "site-use")
    assert len(records) == len(hours)
    for label, row in hours.items():
        month, day, year_hour = label.split("/")
        year, hour = year_hour.split()
        human = f"site-use{year}-{month}-{day} {hour}:00:00+00:00"
        (record,) = [r for r in records if r["_id"] == b64(human)]
        assert record["humanId"] == human
        assert record["sessions"] == row["measures"]["Visits"]
        assert record["users"] == row["measures"]["Visitors"]
        assert "Visits" not in record
    assert all(r["_timestamp"].startswith("2018-08-1") for r in records)


def test_keymetrics_v3_writes_one_record_per_day(run_cli, sandbox):
    options = {"mappings": KEYMETRICS_MAPPINGS, "idMapping": ["dataType", "_timestamp"]}
    result = run_cli(query("webtrends.keymetrics", "site-use", options), CREDENTIALS_V3,
                     "-s", "2018-08-10", "-e", "2018-08-11")
    assert result.code == 0, result.stderr
    data = answer(sandbox, CREDENTIALS_V3["keymetrics_url"], start_period="2018m08d10",
                  end_period="2018m08d11")
    records = stored(sandbox, "webtrends-test", "site-use")
    assert [r["humanId"] for r in records] == ["site-use2018-08-10 00:00:00+00:00",
                                               "site-use2018-08-11 00:00:00+00:00"]
    assert records[0]["_id"] == "c2l0ZS11c2UyMDE4LTA4LTEwIDAwOjAwOjAwKzAwOjAw"
    assert records[1]["sessions"] == data[1]["SubRows"]["fgkdatFA7d7"]["measures"]["Visits"]
    assert records[1]["PageViews"] == data[1]["measures"]["PageViews"]


def test_keymetrics_v3_skips_the_null_profile_entry_of_a_day_without_data(run_cli, sandbox,
                                                                           monkeypatch):
    now = "2018-08-11T09:30:00Z"
    monkeypatch.setenv("PP_COLLECTOR_NOW", now)  # the sandbox's clock: the 12th has no data
    options = {"mappings": KEYMETRICS_MAPPINGS, "idMapping": ["dataType", "_timestamp"]}
    result = run_cli(query("webtrends.keymetrics", "site-use", options), CREDENTIALS_V3,
                     "-s", "2018-08-10", "-e", "2018-08-12", env={"PP_COLLECTOR_NOW": now})
    assert result.code == 0, result.stderr
    data = answer(sandbox, CREDENTIALS_V3["keymetrics_url"], start_period="2018m08d10",
                  end_period="2018m08d12")
    assert [item["SubRows"]["fgkdatFA7d7"] is None for item in data] == [False, False, True]
    records = stored(sandbox, "webtrends-test", "site-use")
    assert [r["_timestamp"][:10] for r in records] == ["2018-08-10", "2018-08-11"]


@pytest.mark.parametrize("entrypoint,credentials", [
    ("webtrends.reports", CREDENTIALS_V2),
    ("webtrends", CREDENTIALS_V3),  # the bare package dispatches on report_id
])
def test_reports_one_request_per_day(run_cli, sandbox, entrypoint, credentials):
    options = {"row_type_name": "browser", "additionalFields": {"timeSpan": "day"},
               "mappings": {"Visits": "sessions"},
               "idMapping": ["dataType", "_timestamp", "timeSpan", "browser"]}
    result = run_cli(query(entrypoint, "browsers", options, "aK4SbIcXwb7"), credentials,
                     "-s", "2018-08-06", "-e", "2018-08-08")
    assert result.code == 0, result.stderr
    requests_made = served(sandbox, "webtrends")
    assert [dict(r["query"])["start_period"] for r in requests_made] == [
        "2018m08d06", "2018m08d07", "2018m08d08"]
    assert all(r["path"].endswith("/reports/aK4SbIcXwb7") for r in requests_made)
    records = stored(sandbox, "webtrends-test", "browsers")
    assert len(records) == 12
    day_one = answer(sandbox, credentials["reports_url"] + "aK4SbIcXwb7",
                     start_period="2018m08d06", end_period="2018m08d06")
    rows = (day_one[0]["SubRows"][0] if isinstance(day_one, list)
            else next(iter(day_one.values()))["SubRows"])
    for name, row in rows.items():
        human = f"browsers2018-08-06 00:00:00+00:00day{name}"
        (record,) = [r for r in records if r["_id"] == b64(human)]
        assert record["browser"] == name and record["timeSpan"] == "day"
        assert record["sessions"] == row["measures"]["Visits"]
        assert record["_timestamp"].startswith("2018-08-06T00:00:00")


def test_wrong_credentials_fail_in_one_line_and_write_nothing(run_cli, sandbox, sandbox_config,
                                                              monkeypatch):
    monkeypatch.setitem(sandbox_config.services, "webtrends",
                        {"user": "acct\\someone", "password": "the-right-one"})
    options = {"mappings": KEYMETRICS_MAPPINGS, "idMapping": ["dataType", "_timestamp"]}
    result = run_cli(query("webtrends.keymetrics", "site-use", options), CREDENTIALS_V2,
                     "-s", "2018-08-10", "-e", "2018-08-11")
    assert result.code == 1
    lines = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert len(lines) == 1 and "401" in lines[0] and "webtrends" in lines[0]
    assert "wt-secret-password" not in result.output
    assert [r for r in served(sandbox, "backdrop") if r["method"] != "GET"] == []


def test_server_errors_are_retried(run_cli, sandbox):
    inject(sandbox, service="webtrends", status=503, count=2)
    options = {"row_type_name": "browser", "mappings": {"Visits": "sessions"},
               "idMapping": ["_timestamp", "browser"]}
    result = run_cli(query("webtrends.reports", "browsers", options, "r1"), CREDENTIALS_V3,
                     "-s", "2018-08-06", "-e", "2018-08-06")
    assert result.code == 0, result.stderr
    assert [r["status"] for r in served(sandbox, "webtrends")] == [503, 503, 200]
    assert len(stored(sandbox, "webtrends-test", "browsers")) == 4


def test_a_failure_on_a_later_day_writes_nothing(run_cli, sandbox):
    options = {"row_type_name": "browser", "mappings": {"Visits": "sessions"}}
    inject(sandbox, service="webtrends", status=404, count=1, path="/nowhere")  # unrelated
    inject(sandbox, service="webtrends", status=403, count=1)
    result = run_cli(query("webtrends.reports", "browsers", options, "r1"),
                     {**CREDENTIALS_V3}, "-s", "2018-08-06", "-e", "2018-08-07")
    assert result.code == 1
    assert "HTTP 403" in result.stderr
    assert stored(sandbox, "webtrends-test", "browsers") == []


def test_missing_keys_are_reported_together_before_any_request(run_cli, sandbox):
    credentials = {"user": "someone", "reports_url": CREDENTIALS_V2["reports_url"]}
    result = run_cli(query("webtrends.reports", "browsers", {}), credentials)
    assert result.code == 1
    (line,) = [line for line in result.stderr.splitlines() if "error" in line]
    assert "password" in line and "report_id" in line and "row_type_name" in line
    assert "credentials.json" in line
    assert served(sandbox) == []


def test_without_dates_keymetrics_asks_for_the_last_hour(run_cli, sandbox, monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_NOW", "2018-08-13T09:30:00+00:00")
    options = {"mappings": KEYMETRICS_MAPPINGS, "idMapping": ["dataType", "_timestamp"]}
    result = run_cli(query("webtrends.keymetrics", "site-use", options), CREDENTIALS_V2)
    assert result.code == 0, result.stderr
    (request,) = served(sandbox, "webtrends")
    assert dict(request["query"])["start_period"] == "current_hour-1"
    records = stored(sandbox, "webtrends-test", "site-use")
    assert [r["humanId"] for r in records] in ([], ["site-use2018-08-13 08:00:00+00:00"])


@pytest.mark.parametrize("entrypoint,report_id", [("webtrends.keymetrics", None),
                                                  ("webtrends.reports", "rep1")])
def test_bad_record_options_are_refused_before_any_request(run_cli, sandbox, entrypoint,
                                                           report_id):
    options = {"row_type_name": "browser", "mappings": ["Visits"], "chunk-size": "50",
               "empty-data-set": True, "plugins": ["eval('boom')"]}
    result = run_cli(query(entrypoint, "bad-options", options, report_id), CREDENTIALS_V3,
                     "-s", "2018-08-10", "-e", "2018-08-11")
    assert result.code == 1
    [line] = [ln for ln in result.stderr.splitlines() if ln.startswith("pp-collector:")]
    for key in ("options.mappings", "options.chunk-size", "options.plugins"):
        assert key in line
    assert served(sandbox, "webtrends") == [] and served(sandbox, "backdrop") == []
