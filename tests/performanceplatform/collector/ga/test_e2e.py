"""Each GA entrypoint run as a user runs it, against the sandbox, checking what Backdrop stored."""

from __future__ import annotations

import base64
import json

import pytest

from tests.helpers import inject, served, stored
from tests.performanceplatform.google import keys

RATE_LIMITED = json.dumps({"error": {"errors": [{"domain": "usageLimits",
                                                 "reason": "userRateLimitExceeded",
                                                 "message": "User Rate Limit Exceeded"}],
                                     "code": 403, "message": "User Rate Limit Exceeded"}})
BAD_PARAMETER = json.dumps({"error": {"errors": [{"domain": "global",
                                                  "reason": "invalidParameter",
                                                  "message": "Invalid value 'ga:nope'"}],
                                      "code": 400, "message": "Invalid value 'ga:nope'"}})


@pytest.fixture
def credentials(run_cli):
    """An installed-app client and a storage file holding a valid sandbox access token."""
    return keys.write_valid_user_credentials(run_cli.write, "ga-test")


@pytest.fixture
def google(service_settings):
    return service_settings("google_v3")


def query_file(entrypoint: str, query: dict, options: dict | None = None,
               data_type: str = "browsers") -> dict:
    return {"entrypoint": f"performanceplatform.collector.{entrypoint}", "query": query,
            "options": options or {}, "data-set": {"data-group": "ga", "data-type": data_type}}


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


def ga_requests(sandbox) -> list[dict]:
    """The GA requests in period order (periods are fetched several at once; within one
    period the pages come in the order they were asked for)."""
    answered = [r for r in served(sandbox, "google_v3") if not r.get("fault")]
    return sorted(answered, key=lambda r: dict(map(tuple, r["query"])).get("start-date", ""))


CORE = {"id": "ga:12345", "metrics": ["sessions", "avgSessionDuration"],
        "dimensions": ["browser", "browserVersion"]}


def test_core_weekly_records_with_the_original_default_ids(sandbox, run_cli, credentials,
                                                           google):
    google["rows_per_day"] = 2
    result = run_cli(query_file("ga", CORE), credentials, "-s", "2018-07-16", "-e", "2018-07-29")
    assert result.code == 0, result.stderr
    records = stored(sandbox, "ga", "browsers")
    assert len(records) == 4
    assert [r["_timestamp"] for r in records] == ["2018-07-16T00:00:00+00:00"] * 2 + \
        ["2018-07-23T00:00:00+00:00"] * 2
    for record in records:
        # Python 2 dict order puts browserVersion before browser
        human = (f"browsers_{record['_timestamp'][:10].replace('-', '')}000000_week_"
                 f"{record['browserVersion']}_{record['browser']}")
        assert record["humanId"] == human
        assert record["_id"] == b64(human)
        assert record["timeSpan"] == "week" and record["dataType"] == "browsers"
        assert isinstance(record["sessions"], int)
        assert isinstance(record["avgSessionDuration"], float)
    sent = ga_requests(sandbox)[0]["query"]
    assert sorted(sent) == sorted([
        ["ids", "ga:12345"], ["start-date", "2018-07-16"], ["end-date", "2018-07-22"],
        ["metrics", "ga:sessions,ga:avgSessionDuration"],
        ["dimensions", "ga:browser,ga:browserVersion"], ["alt", "json"]])


def test_a_multi_page_back_fill_follows_next_link(sandbox, run_cli, credentials, google):
    google.update(rows_per_day=3, page_size=4)
    query = dict(CORE, dimensions=["date", "browser"], frequency="daily")
    result = run_cli(query_file("ga", query, data_type="daily"), credentials,
                     "-s", "2018-08-01", "-e", "2018-08-03")
    assert result.code == 0, result.stderr
    records = stored(sandbox, "ga", "daily")
    assert len(records) == 9
    assert len({r["_id"] for r in records}) == 9
    assert [r["date"] for r in records] == ["20180801"] * 3 + ["20180802"] * 3 + ["20180803"] * 3
    assert all(r["datetime"] == f"{r['date'][:4]}-{r['date'][4:6]}-{r['date'][6:]}T00:00:00+00:00"
               for r in records)
    indexes = [dict(map(tuple, r["query"])).get("start-index") for r in ga_requests(sandbox)]
    assert indexes == [None, None, None]  # 3 rows per day fit in one page of 4
    google["page_size"] = 2
    sandbox.reset()
    assert run_cli(query_file("ga", query, data_type="daily"), credentials,
                   "-s", "2018-08-01", "-e", "2018-08-03").code == 0
    indexes = [dict(map(tuple, r["query"])).get("start-index") for r in ga_requests(sandbox)]
    assert indexes == [None, "3"] * 3
    assert [r["_id"] for r in stored(sandbox, "ga", "daily")][-9:] == [r["_id"] for r in records]


def test_403_rate_limit_is_retried_then_succeeds(sandbox, run_cli, credentials):
    inject(sandbox, service="google_v3", status=403, body=RATE_LIMITED, count=2)
    result = run_cli(query_file("ga", CORE), credentials, "-s", "2018-07-16", "-e", "2018-07-22")
    assert result.code == 0, result.stderr
    assert [r["status"] for r in served(sandbox, "google_v3")] == [403, 403, 200]
    assert len(stored(sandbox, "ga", "browsers")) == 3


def test_a_bad_request_fails_with_one_line_and_writes_nothing(sandbox, run_cli, credentials):
    inject(sandbox, service="google_v3", status=400, body=BAD_PARAMETER, count=1)
    result = run_cli(query_file("ga", CORE), credentials, "-s", "2018-07-16", "-e", "2018-07-29")
    assert result.code == 1
    [line] = [x for x in result.stderr.splitlines() if x.startswith("pp-collector: error")]
    assert "HTTP 400, reason invalidParameter: Invalid value 'ga:nope'" in line
    asked = [dict(map(tuple, r["query"]))["start-date"] for r in served(sandbox, "google_v3")]
    assert len(asked) == len(set(asked))  # not retried (both weeks may be asked at once)
    assert stored(sandbox, "ga", "browsers") == []


def test_a_refused_token_fails_clearly_without_writing(sandbox, run_cli, credentials):
    refused = json.dumps({"error": {"errors": [{"domain": "global", "reason": "authError",
                                                "message": "Invalid Credentials"}],
                                    "code": 401, "message": "Invalid Credentials"}})
    inject(sandbox, service="google_v3", status=401, body=refused, count=2)
    result = run_cli(query_file("ga", CORE), credentials, "-s", "2018-07-16", "-e", "2018-07-22")
    assert result.code == 1
    assert "HTTP 401, reason authError" in result.stderr
    assert "sandbox-access-ga-test" not in result.output
    assert stored(sandbox, "ga", "browsers") == []


def test_query_problems_are_reported_before_any_request(sandbox, run_cli, credentials):
    result = run_cli(query_file("ga", {"metrics": [], "frequency": "hourly"}), credentials)
    assert result.code == 1
    assert "query.id" in result.stderr and "query.frequency" in result.stderr
    assert served(sandbox, "google_v3") == []


def test_realtime_posts_one_object_stamped_now(sandbox, run_cli, credentials, google):
    google["active_users"] = 2446
    query = {"ids": "ga:58451694", "metrics": "rt:activeUsers", "filters": "ga:pagePath==/a"}
    result = run_cli(query_file("ga.realtime", query, data_type="realtime"), credentials,
                     env={"PP_COLLECTOR_NOW": "2018-11-09T14:05:35.123456Z"})
    assert result.code == 0, result.stderr
    [record] = stored(sandbox, "ga", "realtime")
    wanted = {"_id": "2018-11-09T14:05:35+00:00", "_timestamp": "2018-11-09T14:05:35+00:00",
              "unique_visitors": 2446, "for_url": "ga:pagePath==/a"}
    assert {key: record[key] for key in wanted} == wanted
    assert not {k for k in record if not k.startswith("_")} - set(wanted)  # nothing else


def test_realtime_refuses_to_back_fill(sandbox, run_cli, credentials):
    query = {"ids": "ga:1", "metrics": "rt:activeUsers"}
    result = run_cli(query_file("ga.realtime", query, data_type="realtime"), credentials,
                     "-s", "2018-08-01", "-e", "2018-08-02")
    assert result.code == 2  # a command-line error
    assert "Cannot backfill realtime collectors" in result.stderr
    assert served(sandbox, "google_v3") == []


def test_trending_empties_then_writes_week_on_week_records(sandbox, run_cli, credentials,
                                                           google):
    google["rows_per_day"] = 2
    query = {"id": "53872948", "metric": "pageviews", "dimensions": ["pageTitle", "pagePath"]}
    result = run_cli(query_file("ga.trending", query, data_type="trending"), credentials,
                     env={"PP_COLLECTOR_NOW": "2018-08-13T09:30:00Z"})
    assert result.code == 0, result.stderr
    sent = dict(map(tuple, ga_requests(sandbox)[0]["query"]))
    assert (sent["start-date"], sent["end-date"]) == ("2018-07-30", "2018-08-12")
    assert sent["dimensions"] == "ga:pageTitle,ga:pagePath,ga:day,ga:month,ga:year"
    writes = [r["method"] for r in served(sandbox, "backdrop") if r["method"] != "GET"]
    assert writes == ["PUT", "POST"]
    records = stored(sandbox, "ga", "trending")
    assert records and len({r["pageTitle"] for r in records}) == len(records)
    for record in records:
        assert record["_id"] == b64(record["pagePath"])
        assert record["week1"] >= 500 and record["week2"] >= 500
        change = (record["week2"] - record["week1"]) / record["week1"] * 100
        assert record["percent_change"] == pytest.approx(change)
        assert record["_timestamp"] == "2018-07-30T00:00:00+00:00"


def test_content_table_ranks_each_department(sandbox, run_cli, credentials, google):
    google["rows_per_day"] = 3
    departments = run_cli.write("departments.json", {"<D1>": "attorney-generals-office"})
    query = {"id": "ga:74473500", "metrics": ["pageviews", "uniquePageviews"],
             "dimensions": ["pageTitle"], "filters": ["pagePath=~^/government"],
             "sort": ["-uniquePageviews"]}
    options = {"filtersets": [["dimension9=~^<D1>"], ["Organisation=~^Some Dept", "ga:x==y"]],
               "departments-file": str(departments),
               "plugins": ["ComputeRank('rank')",
                           "ComputeIdFrom('_timestamp', 'timeSpan', 'dataType', 'department', "
                           "'rank', )"]}
    result = run_cli(query_file("ga.contrib.content.table", query, options, "table"),
                     credentials, "-s", "2018-07-30", "-e", "2018-08-05")
    assert result.code == 0, result.stderr
    # the departments' reports of one period are fetched at once, in any order
    filters = sorted(dict(map(tuple, r["query"]))["filters"] for r in ga_requests(sandbox))
    assert filters == ["ga:pagePath=~^/government;ga:Organisation=~^Some Dept;ga:ga:x==y",
                       "ga:pagePath=~^/government;ga:dimension9=~^<D1>"]
    records = stored(sandbox, "ga", "table")
    assert [(r["department"], r["rank"]) for r in records] == [
        ("attorney-generals-office", 1), ("attorney-generals-office", 2),
        ("attorney-generals-office", 3), ("Some Dept", 1), ("Some Dept", 2), ("Some Dept", 3)]
    assert records[0]["humanId"] == "20180730000000_week_table_attorney-generals-office_1"
    assert records[0]["_id"] == b64(records[0]["humanId"])
    assert records[0]["uniquePageviews"] >= records[1]["uniquePageviews"]


def test_server_errors_are_retried_with_backoff(sandbox, run_cli, credentials):
    inject(sandbox, service="google_v3", status=503, count=2)
    result = run_cli(query_file("ga", CORE), credentials, "-s", "2018-07-16", "-e", "2018-07-22")
    assert result.code == 0, result.stderr
    assert [r["status"] for r in served(sandbox, "google_v3")] == [503, 503, 200]
    assert len(stored(sandbox, "ga", "browsers")) == 3


def test_dry_run_writes_nothing_and_shows_no_token(sandbox, run_cli, credentials):
    result = run_cli(query_file("ga", CORE), credentials, "-s", "2018-07-16", "-e", "2018-07-22",
                     "--dry-run")
    assert result.code == 0, result.stderr
    assert "browsers_20180716000000_week_" in result.output
    for secret in ("sandbox-access-ga-test", "ga-test-secret", "1/ga-test-refresh"):
        assert secret not in result.output
    assert stored(sandbox, "ga", "browsers") == []


GA_V3_EMPTY = {"kind": "analytics#gaData", "columnHeaders": [], "totalResults": 0,
               "query": {}, "itemsPerPage": 1000}


@pytest.mark.parametrize("entrypoint, query, dates, body", [
    ("ga", CORE, ("-s", "2018-07-16", "-e", "2018-07-22"), {"unexpected": [["Chrome", "1"]]}),
    ("ga", CORE, ("-s", "2018-07-16", "-e", "2018-07-22"),
     {"kind": "analytics#realtimeData", "columnHeaders": [], "totalResults": 0}),
    ("ga.realtime", {"ids": "ga:1", "metrics": "rt:activeUsers"}, (), {"unexpected": []}),
    ("ga.trending", {"id": "1", "metric": "pageviews", "dimensions": ["pageTitle", "pagePath"]},
     (), {"kind": "analytics#gaData", "rows": []}),
])
def test_an_answer_of_the_wrong_shape_is_a_source_error(sandbox, run_cli, credentials,
                                                         entrypoint, query, dates, body):
    inject(sandbox, service="google_v3", status=200, body=json.dumps(body))
    result = run_cli(query_file(entrypoint, query), credentials, *dates)
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "www.googleapis.com/analytics/v3/data/" in line and "answered HTTP 200 with" in line
    assert stored(sandbox, "ga", "browsers") == []


def test_an_answer_without_rows_is_no_data(sandbox, run_cli, credentials):
    inject(sandbox, service="google_v3", status=200, body=json.dumps(GA_V3_EMPTY))
    result = run_cli(query_file("ga", CORE), credentials, "-s", "2018-07-16", "-e", "2018-07-29")
    assert result.code == 0, result.stderr
    assert len(stored(sandbox, "ga", "browsers")) == 3  # the second week only
