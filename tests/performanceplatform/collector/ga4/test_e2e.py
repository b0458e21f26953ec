"""GA4 and GA4 realtime, run as a user runs them, against the sandbox."""

from __future__ import annotations

import base64
import json

import pytest

from tests.helpers import inject, served, stored
from tests.performanceplatform.utils.google import keys

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
    first = records[0]
    assert first["humanId"] == f"browsers{first['agent']}20180716"
    assert first["service"] == "tax" and "browser" not in first


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
    assert "property quota" in result.stderr and "tokensPerDay" in result.stderr
    assert "thresholding" in result.stderr and "sampled" in result.stderr


def test_resource_exhausted_is_retried(run_cli, sandbox, settings, credentials):
    body = json.dumps({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED",
                                 "message": "Exhausted property tokens"}})
    inject(sandbox, service="ga4", status=429, count=2, body=body)
    result = run_cli(ga4_query(), credentials, "-s", "2018-07-16", "-e", "2018-07-22")
    assert result.code == 0, result.stderr
    assert len(stored(sandbox, "g4", "visits")) == 21
    assert [r["status"] for r in served(sandbox, "ga4")] == [429, 429, 200]


def test_google_error_is_one_line_and_nothing_is_written(run_cli, sandbox, settings,
                                                        credentials):
    inject(sandbox, service="ga4", status=403, count=1, body=json.dumps(
        {"error": {"code": 403, "status": "PERMISSION_DENIED",
                   "message": "User does not have sufficient permissions"}}))
    result = run_cli(ga4_query(), credentials, "-s", "2018-07-16", "-e", "2018-07-22")
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "HTTP 403" in line and "PERMISSION_DENIED" in line and "runReport" in line
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


def test_realtime_cannot_backfill(run_cli, sandbox, settings, credentials):
    query = ga4_query(entrypoint=ENTRYPOINT + ".realtime")
    query["query"] = {"property": "123456"}
    result = run_cli(query, credentials, "-s", "2018-07-16")
    assert result.code == 2  # a command-line error
    assert "Cannot backfill realtime collectors" in result.stderr
    assert served(sandbox) == []
