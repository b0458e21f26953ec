"""GA4 and GA4 realtime, run as a user runs them, against the sandbox."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from tests.helpers import inject, served, stored
from tests.performanceplatform.google import keys

ENTRYPOINT = "performanceplatform.collector.ga4"


def ga4_query(query: dict | None = None, options: dict | None = None,
              entrypoint: str = ENTRYPOINT) -> dict:
    base = {"property": "123456", "metrics": ["sessions", "averageSessionDuration"],
            "dimensions": ["date", "browser"], "frequency": "weekly"}
    return {"entrypoint": entrypoint, "data-set": {"data-group": "g4", "data-type": "visits"},
            "query": {**base, **(query or {})}, "options": options or {}}


@pytest.fixture
def settings(service_settings, sandbox_config):
    service_settings("ga4")
    service_settings("google_oauth")
    return sandbox_config.services


@pytest.fixture
def credentials(tmp_path):
    folder = tmp_path / "google"
    folder.mkdir()
    return keys.write_storage_credentials(folder)


def id_of(human_id: str) -> str:
    return base64.urlsafe_b64encode(human_id.encode()).decode()


def test_backfill_over_several_pages(run_cli, sandbox, settings, credentials):
    settings["ga4"]["rows_per_day"] = 3
    result = run_cli(ga4_query({"limit": 4}), credentials, "-s", "2018-07-16", "-e",
                     "2018-07-29")
    assert result.code == 0, result.stderr
    records = stored(sandbox, "g4", "visits")
    assert len(records) == 42  # 2 weeks x 7 days x 3 rows
    assert [r["date"] for r in records[:3]] == ["20180716"] * 3
    assert records[-1]["date"] == "20180729"
    first = records[0]
    assert first["humanId"] == "visits_20180716000000_week_20180716_2018-07-16 00:00:00_" \
        + first["browser"]
    assert all(r["_id"] == id_of(r["humanId"]) for r in records)
    assert len({r["_id"] for r in records}) == 42
    assert first["timeSpan"] == "week" and first["dataType"] == "visits"
    assert first["_timestamp"] == "2018-07-16T00:00:00+00:00"
    assert isinstance(first["sessions"], int)
    pages = [r for r in served(sandbox, "ga4")]
    assert len(pages) == 12  # 21 rows a week in pages of 4: 6 pages a week
    # the same run again writes the same records (same ids, same values)
    again = run_cli(ga4_query({"limit": 4}), credentials, "-s", "2018-07-16", "-e",
                    "2018-07-29")
    assert again.code == 0
    rerun = stored(sandbox, "g4", "visits")
    assert [(r["_id"], r["sessions"]) for r in rerun] == \
        [(r["_id"], r["sessions"]) for r in records]


def test_records_are_pinned(run_cli, sandbox, settings, credentials):
    """One record, value by value: the sandbox's data is deterministic, so is the record."""
    settings["ga4"]["rows_per_day"] = 1
    query = ga4_query({"dimensions": ["deviceCategory"], "frequency": "daily"})
    assert run_cli(query, credentials, "-s", "2018-07-16", "-e", "2018-07-16").code == 0
    (record,) = stored(sandbox, "g4", "visits")
    pinned = {"_timestamp": "2018-07-16T00:00:00+00:00", "dataType": "visits",
              "deviceCategory": "tablet", "sessions": 736,
              "averageSessionDuration": 241990.51, "timeSpan": "day",
              "_id": "dmlzaXRzXzIwMTgwNzE2MDAwMDAwX2RheV90YWJsZXQ=",
              "humanId": "visits_20180716000000_day_tablet"}
    assert {key: record[key] for key in pinned} == pinned
    assert record["_id"] == id_of(record["humanId"])


def test_options_mappings_id_mapping_and_additional_fields(run_cli, sandbox, settings,
                                                          credentials):
    settings["ga4"]["rows_per_day"] = 2
    options = {"mappings": {"browser": "agent"}, "idMapping": ["dataType", "agent", "date"],
               "additionalFields": {"service": "tax"}, "dataType": "browsers",
               "chunk-size": 5}
    result = run_cli(ga4_query(options=options), credentials, "-s", "2018-07-16", "-e",
                     "2018-07-17")
    assert result.code == 0, result.stderr
    records = stored(sandbox, "g4", "visits")
    assert len(records) == 14
    for record in records:  # in any order: chunks of 5 are POSTed several at a time
        assert record["humanId"] == f"browsers{record['agent']}{record['date']}", record
        assert record["service"] == "tax" and "browser" not in record
    days = sorted({record["date"] for record in records})
    assert days == [f"201807{day}" for day in range(16, 23)]


def test_no_dimensions_gives_the_short_default_id(run_cli, sandbox, settings, credentials):
    query = ga4_query({"dimensions": [], "metrics": "activeUsers"})
    assert run_cli(query, credentials, "-s", "2018-07-16", "-e", "2018-07-22").code == 0
    records = stored(sandbox, "g4", "visits")
    assert [r["humanId"] for r in records] == ["visits_20180716000000_week"]
    assert set(records[0]) >= {"activeUsers", "timeSpan", "_timestamp"}


def test_quota_and_metadata_flags_are_logged(run_cli, sandbox, settings, credentials):
    settings["ga4"].update(subject_to_thresholding=True, sampling=True)
    result = run_cli(ga4_query({"returnPropertyQuota": True}), credentials, "-s",
                     "2018-07-16", "-e", "2018-07-22")
    assert result.code == 0
    assert "quota at the end of the run" in result.stderr and "tokensPerDay" in result.stderr
    assert "thresholding" in result.stderr and "sampled" in result.stderr


def test_resource_exhausted_stops_at_once_naming_the_quota(run_cli, sandbox, settings,
                                                           credentials):
    body = json.dumps({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED",
                                 "message": "Exhausted property tokens per hour."}})
    inject(sandbox, service="ga4", status=429, count=2, body=body)
    result = run_cli(ga4_query(), credentials, "-s", "2018-07-16", "-e", "2018-07-22")
    assert result.code == 1
    assert [r["status"] for r in served(sandbox, "ga4")] == [429]
    line = result.stderr.strip().splitlines()[-1]
    assert "RESOURCE_EXHAUSTED" in line and "tokensPerHour is spent" in line
    assert "without retrying" in line and ":runReport" in line
    assert stored(sandbox, "g4", "visits") == []


def test_a_quota_spent_during_a_back_fill_is_named_from_the_last_answer(
        run_cli, sandbox, settings, credentials):
    """The simulator refuses the third request (5 tokens each, 12 allowed an hour). One
    period at a time, so that the last answer before the refusal is known."""
    settings["ga4"]["quota_limits"] = {"tokensPerHour": 12}
    result = run_cli(ga4_query({"limit": 8}), credentials, "-s", "2018-07-16", "-e",
                     "2018-07-29", "--concurrency", "1")
    assert result.code == 1
    assert [r["status"] for r in served(sandbox, "ga4")] == [200, 200, 429]
    line = result.stderr.strip().splitlines()[-1]
    assert "property quota tokensPerHour is spent" in line
    assert "quota at the end of the run: tokensPerDay" in result.stderr
    assert "tokensPerHour 2 left" in result.stderr


def test_a_quota_spent_while_periods_are_fetched_at_once_stops_every_worker(
        run_cli, sandbox, settings, credentials):
    """Two periods fetched at once: each worker's refused request is not retried, no worker
    asks again after a refusal, and the line names the quota and what was written."""
    settings["ga4"]["quota_limits"] = {"tokensPerHour": 12}
    result = run_cli(ga4_query({"limit": 8}), credentials, "-s", "2018-07-16", "-e",
                     "2018-07-29", "--concurrency", "4")
    assert result.code == 1
    statuses = [r["status"] for r in served(sandbox, "ga4")]
    assert statuses[:2] == [200, 200] and set(statuses[2:]) == {429} and len(statuses) <= 4
    line = result.stderr.strip().splitlines()[-1]
    assert "property quota tokensPerHour is spent" in line
    assert "no period was written; 2 periods from 2018-07-16 - 2018-07-22 on were not" in line


def test_server_errors_are_retried_within_a_budget_for_the_run(run_cli, sandbox, settings,
                                                               credentials):
    inject(sandbox, service="ga4", status=503, count=1)
    inject(sandbox, service="ga4", status=500, count=1, path="/analyticsdata.googleapis.com")
    ok = run_cli(ga4_query(), credentials, "-s", "2018-07-16", "-e", "2018-07-29")
    assert ok.code == 0, ok.stderr
    assert [r["status"] for r in served(sandbox, "ga4")] == [503, 500, 200, 200]
    sandbox.reset()
    inject(sandbox, service="ga4", status=503, count=10)
    failed = run_cli(ga4_query(), credentials, "-s", "2018-07-16", "-e", "2018-07-22")
    assert failed.code == 1
    assert [r["status"] for r in served(sandbox, "ga4")] == [503, 503, 503]
    line = failed.stderr.strip().splitlines()[-1]
    assert "HTTP 503" in line and "not retried further" in line and "10 per project" in line


def test_property_quota_is_asked_for_by_default_and_logged_once(run_cli, sandbox, settings,
                                                               credentials):
    result = run_cli(ga4_query(), credentials, "-s", "2018-07-16", "-e", "2018-07-29")
    assert result.code == 0, result.stderr
    assert result.stderr.count("quota at the end of the run") == 1
    assert "tokensPerDay 199990 left" in result.stderr  # two requests of 5 tokens
    opted_out = run_cli(ga4_query({"returnPropertyQuota": False}), credentials, "-s",
                        "2018-07-16", "-e", "2018-07-22")
    assert opted_out.code == 0 and "quota at the end" not in opted_out.stderr


@pytest.mark.parametrize("entrypoint, body", [
    (ENTRYPOINT, {"unexpected": []}),
    (ENTRYPOINT, {"rows": [], "kind": "analyticsData#runRealtimeReport", "metricHeaders": []}),
    (ENTRYPOINT + ".realtime", {"unexpected": [{"value": 3}]}),
    (ENTRYPOINT + ".realtime", {"kind": "analyticsData#runRealtimeReport"}),
])
def test_an_answer_of_the_wrong_shape_is_a_source_error(run_cli, sandbox, settings,
                                                         credentials, entrypoint, body):
    inject(sandbox, service="ga4", status=200, body=json.dumps(body))
    query = ga4_query(entrypoint=entrypoint)
    if entrypoint.endswith("realtime"):
        query["query"] = {"property": "123456"}
        result = run_cli(query, credentials)
    else:
        result = run_cli(query, credentials, "-s", "2018-07-16", "-e", "2018-07-22")
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "analyticsdata.googleapis.com/v1beta/properties/123456:run" in line
    assert "answered HTTP 200 with" in line
    assert stored(sandbox, "g4", "visits") == []


def test_an_answer_without_rows_is_no_data(run_cli, sandbox, settings, credentials):
    empty = {"kind": "analyticsData#runReport", "dimensionHeaders": [{"name": "date"}],
             "metricHeaders": [{"name": "sessions", "type": "TYPE_INTEGER"}],
             "metadata": {"currencyCode": "GBP", "timeZone": "Europe/London"}}
    inject(sandbox, service="ga4", status=200, body=json.dumps(empty))
    # the fault answers the first request to arrive: one period at a time, so it is week one's
    result = run_cli(ga4_query(), credentials, "-s", "2018-07-16", "-e", "2018-07-29",
                     "--concurrency", "1")
    assert result.code == 0, result.stderr
    assert [r["date"][:8] for r in stored(sandbox, "g4", "visits")][:1] == ["20180723"]
    assert len(stored(sandbox, "g4", "visits")) == 21  # the second week only


def test_data_quality_notes_are_logged_once_per_run(run_cli, sandbox, settings, credentials):
    settings["ga4"].update(data_loss_from_other_row=True, not_set_rows=True,
                           subject_to_thresholding=True)
    result = run_cli(ga4_query({"limit": 5}), credentials, "-s", "2018-07-16", "-e",
                     "2018-07-29")
    assert result.code == 0, result.stderr
    assert "ERROR" not in result.stderr
    notes = [line for line in result.stderr.splitlines() if "data-quality note" in line]
    assert len(notes) == 3, notes
    assert sum("thresholding" in n for n in notes) == 1
    assert sum("(other)" in n for n in notes) == 1
    assert sum("browser is '(not set)'" in n for n in notes) == 1
    records = stored(sandbox, "g4", "visits")
    assert len(records) == 14 * 4  # 3 rows and an (other) row a day
    assert sum(r["browser"] == "(other)" for r in records) == 14
    assert sum(r["browser"] == "(not set)" for r in records) == 14


def test_date_hour_keeps_its_hour(run_cli, sandbox, settings, credentials):
    settings["ga4"]["rows_per_day"] = 3
    query = ga4_query({"dimensions": ["dateHour"], "metrics": ["sessions"],
                       "frequency": "daily"})
    result = run_cli(query, credentials, "-s", "2018-07-16", "-e", "2018-07-16")
    assert result.code == 0, result.stderr
    records = stored(sandbox, "g4", "visits")
    assert [r["dateHour"] for r in records] == ["2018071600", "2018071601", "2018071602"]
    assert [r["humanId"] for r in records] == [
        f"visits_20180716000000_day_{hour}_2018-07-16 0{hour[-1]}:00:00"
        for hour in ("2018071600", "2018071601", "2018071602")]
    assert len({r["_id"] for r in records}) == 3


def test_order_bys_order_the_records(run_cli, sandbox, settings, credentials):
    settings["ga4"]["rows_per_day"] = 6
    query = ga4_query({"dimensions": ["browser"], "orderBys": ["-sessions"],
                       "frequency": "daily"})
    assert run_cli(query, credentials, "-s", "2018-07-16", "-e", "2018-07-16").code == 0
    sessions = [r["sessions"] for r in stored(sandbox, "g4", "visits")]
    assert len(sessions) == 6 and len(set(sessions)) > 1
    assert sessions == sorted(sessions, reverse=True)


def test_google_error_is_one_line_and_nothing_is_written(run_cli, sandbox, settings,
                                                        credentials):
    inject(sandbox, service="ga4", status=403, count=1, body=json.dumps(
        {"error": {"code": 403, "status": "PERMISSION_DENIED",
                   "message": "User does not have sufficient permissions"}}))
    result = run_cli(ga4_query(), credentials, "-s", "2018-07-16", "-e", "2018-07-22")
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "HTTP 403" in line and "PERMISSION_DENIED" in line and "runReport" in line
    assert "Viewer role on GA4 property 123456" in line and "Data API is enabled" in line
    assert "view" not in line.replace("Viewer", "") and "daily quota" not in line
    assert stored(sandbox, "g4", "visits") == []


def test_refused_refresh_is_one_line_naming_the_file(run_cli, sandbox, settings, credentials):
    settings["google_oauth"]["revoked"] = [keys.REFRESH_TOKEN]
    result = run_cli(ga4_query(), credentials, "-s", "2018-07-16", "-e", "2018-07-22")
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert credentials["STORAGE_PATH"] in line and "refused" in line
    assert keys.REFRESH_TOKEN not in result.output and keys.CLIENT_SECRET not in result.output
    assert stored(sandbox, "g4", "visits") == []
    assert served(sandbox, "ga4") == []


@pytest.mark.parametrize("shape", ["storage", "pem", "p12", "json", "credentials_file"])
def test_each_credentials_shape(run_cli, sandbox, settings, tmp_path, shape):
    folder = tmp_path / "google"
    folder.mkdir()
    if shape == "storage":
        creds = keys.write_storage_credentials(folder)
    elif shape == "credentials_file":
        (folder / "sa.json").write_text(json.dumps(keys.json_key()))
        creds = {"CREDENTIALS_FILE": str(folder / "sa.json")}
    else:
        creds = keys.write_service_account_credentials(folder, shape)
    result = run_cli(ga4_query(), creds, "-s", "2018-07-16", "-e", "2018-07-22")
    assert result.code == 0, result.stderr
    assert len(served(sandbox, "google_oauth")) == 1
    assert len(stored(sandbox, "g4", "visits")) == 21


def test_config_problems_are_reported_together(run_cli, sandbox, settings, credentials):
    query = ga4_query({"property": "ga:123", "metrics": ["ga:sessions"], "frequency": "hourly",
                       "filters": "ga:browser==Chrome"})
    del query["query"]["property"]
    result = run_cli(query, credentials, "-s", "2018-07-16", "-e", "2018-07-22")
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    for key in ("query.property", "query.metrics", "query.frequency", "query.filters"):
        assert key in line
    assert served(sandbox) == []


def test_realtime_record(run_cli, sandbox, settings, credentials):
    query = ga4_query({"for_url": "/account"}, entrypoint=ENTRYPOINT + ".realtime")
    query["query"] = {"property": "123456", "for_url": "/account",
                      "dimensionFilter": {"filter": {"fieldName": "unifiedScreenName",
                                                     "stringFilter": {"value": "Account"}}}}
    result = run_cli(query, credentials, env={"PP_COLLECTOR_NOW": "2018-11-09T14:05:35.123Z"})
    assert result.code == 0, result.stderr
    (record,) = stored(sandbox, "g4", "visits")
    assert record["_id"] == record["_timestamp"] == "2018-11-09T14:05:35+00:00"
    assert record["for_url"] == "/account"
    assert isinstance(record["unique_visitors"], int) and record["unique_visitors"] >= 0
    assert set(record) >= {"_id", "_timestamp", "unique_visitors", "for_url"}
    assert "dataType" not in record and "humanId" not in record


def test_realtime_uses_the_total_not_a_sum_over_rows(run_cli, sandbox, settings, credentials):
    """With dimensions and two minute ranges a user is in several rows; the API's total counts
    each once, per range."""
    settings["ga4"]["realtime_rows"] = 4
    realtime = {"property": "123456", "dimensions": ["unifiedScreenName", "deviceCategory"],
                "minuteRanges": [{"startMinutesAgo": 29, "endMinutesAgo": 0, "name": "now"},
                                 {"startMinutesAgo": 29, "endMinutesAgo": 15}]}
    query = ga4_query(entrypoint=ENTRYPOINT + ".realtime")
    query["query"] = realtime
    result = run_cli(query, credentials)
    assert result.code == 0, result.stderr
    (record,) = stored(sandbox, "g4", "visits")
    direct = requests.post(
        f"{sandbox.url}/analyticsdata.googleapis.com/v1beta/properties/123456:runRealtimeReport",
        headers={"Authorization": "Bearer sandbox-access-test"}, timeout=10,
        json={"dimensions": [{"name": n} for n in realtime["dimensions"]],
              "metrics": [{"name": "activeUsers"}], "minuteRanges": realtime["minuteRanges"],
              "metricAggregations": ["TOTAL"]}).json()
    totals = {t["dimensionValues"][-1]["value"]: int(t["metricValues"][0]["value"])
              for t in direct["totals"]}
    assert set(totals) == {"now", "date_range_1"}
    summed = sum(int(r["metricValues"][0]["value"]) for r in direct["rows"])
    assert record["unique_visitors"] == totals["now"]
    assert record["unique_visitors"] < summed


def test_realtime_with_an_invalid_field_gets_google_s_400(run_cli, sandbox, settings,
                                                          credentials):
    query = ga4_query(entrypoint=ENTRYPOINT + ".realtime")
    query["query"] = {"property": "123456", "dimensions": ["pagePath"]}
    result = run_cli(query, credentials)
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "HTTP 400" in line and "INVALID_ARGUMENT" in line and "pagePath" in line


def test_realtime_cannot_backfill(run_cli, sandbox, settings, credentials):
    query = ga4_query(entrypoint=ENTRYPOINT + ".realtime")
    query["query"] = {"property": "123456"}
    result = run_cli(query, credentials, "-s", "2018-07-16")
    assert result.code == 2  # a command-line error
    assert "Cannot backfill realtime collectors" in result.stderr
    assert served(sandbox) == []
