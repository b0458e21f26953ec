"""The simulated GA4 Data API."""

from __future__ import annotations

import pytest
import requests

TOKEN = {"Authorization": "Bearer sandbox-access-test"}
BODY = {"dateRanges": [{"startDate": "2018-08-01", "endDate": "2018-08-03"}],
        "dimensions": [{"name": "date"}, {"name": "browser"}],
        "metrics": [{"name": "sessions"}, {"name": "bounceRate"}]}


def run(sandbox, body: dict, method: str = "runReport", headers: dict | None = None,
        prop: str = "123") -> requests.Response:
    url = f"{sandbox.url}/analyticsdata.googleapis.com/v1beta/properties/{prop}:{method}"
    return requests.post(url, json=body, headers=TOKEN if headers is None else headers,
                         timeout=10)


@pytest.fixture
def settings(service_settings):
    return service_settings("ga4")


def test_refuses_tokens_it_did_not_issue(sandbox):
    for headers in ({"Authorization": "Bearer ya29.real"}, {}):
        answer = run(sandbox, BODY, headers=headers)
        assert answer.status_code == 401
        assert answer.json()["error"]["status"] == "UNAUTHENTICATED"


def test_rows_per_day_with_a_date_dimension(sandbox, settings):
    settings["rows_per_day"] = 2
    body = run(sandbox, BODY).json()
    assert body["rowCount"] == 6
    dates = [row["dimensionValues"][0]["value"] for row in body["rows"]]
    assert dates == ["20180801"] * 2 + ["20180802"] * 2 + ["20180803"] * 2
    assert [h["name"] for h in body["dimensionHeaders"]] == ["date", "browser"]
    assert [h["type"] for h in body["metricHeaders"]] == ["TYPE_INTEGER", "TYPE_FLOAT"]
    assert body["kind"] == "analyticsData#runReport"
    assert body["metadata"]["timeZone"] == "Europe/London"


def test_same_request_same_answer_and_paging_slices_it(sandbox, settings):
    settings["rows_per_day"] = 4
    whole = run(sandbox, BODY).json()
    assert run(sandbox, BODY).json() == whole
    pages = [run(sandbox, dict(BODY, limit=5, offset=offset)).json() for offset in (0, 5, 10)]
    assert [len(p["rows"]) for p in pages] == [5, 5, 2]
    assert all(p["rowCount"] == 12 for p in pages)
    assert sum((p["rows"] for p in pages), []) == whole["rows"]
    beyond = run(sandbox, dict(BODY, limit=5, offset=12)).json()
    assert "rows" not in beyond and beyond["rowCount"] == 12


def test_without_a_date_dimension_the_range_has_rows_per_day_rows(sandbox, settings):
    settings["rows_per_day"] = 7
    body = run(sandbox, dict(BODY, dimensions=[{"name": "browser"}])).json()
    values = [row["dimensionValues"][0]["value"] for row in body["rows"]]
    assert len(values) == 7 and len(set(values)) == 7


def test_order_bys(sandbox, settings):
    """On several rows that are not in order by themselves, both ways, metric and dimension."""
    settings["rows_per_day"] = 4

    def column(order: list | None, index: int, kind: str = "metricValues") -> list:
        body = dict(BODY, orderBys=order) if order else BODY
        return [row[kind][index]["value"] for row in run(sandbox, body).json()["rows"]]

    plain = [int(v) for v in column(None, 0)]
    assert len(plain) == 12 and plain != sorted(plain) and plain != sorted(plain, reverse=True)
    down = [int(v) for v in column([{"metric": {"metricName": "sessions"}, "desc": True}], 0)]
    assert down == sorted(plain, reverse=True)
    up = [int(v) for v in column([{"metric": {"metricName": "sessions"}}], 0)]
    assert up == sorted(plain)
    browsers = column([{"dimension": {"dimensionName": "browser"}}], 1, "dimensionValues")
    assert browsers == sorted(browsers) and len(set(browsers)) > 1


def test_bad_requests(sandbox):
    assert run(sandbox, dict(BODY, metrics=[{"name": "ga:sessions"}])).status_code == 400
    assert run(sandbox, dict(BODY, metrics=[])).status_code == 400
    assert run(sandbox, {"metrics": [{"name": "sessions"}]}).status_code == 400
    assert run(sandbox, dict(BODY, limit=-1)).status_code == 400
    assert run(sandbox, BODY, method="runPivotReport").status_code == 404


def test_metadata_flags_and_quota(sandbox, settings):
    settings.update(subject_to_thresholding=True, data_loss_from_other_row=True, sampling=True)
    body = run(sandbox, dict(BODY, returnPropertyQuota=True)).json()
    assert body["metadata"]["subjectToThresholding"] is True
    assert body["metadata"]["dataLossFromOtherRow"] is True
    assert body["metadata"]["samplingMetadatas"][0]["samplesReadCount"] == "1000"
    assert body["propertyQuota"]["tokensPerDay"]["remaining"] < 200000
    assert "propertyQuota" not in run(sandbox, BODY).json()


def test_realtime(sandbox, settings):
    plain = run(sandbox, {"metrics": [{"name": "activeUsers"}]}, "runRealtimeReport").json()
    assert plain["kind"] == "analyticsData#runRealtimeReport"
    assert len(plain["rows"]) == 1 and plain["rowCount"] == 1
    assert int(plain["rows"][0]["metricValues"][0]["value"]) >= 0
    settings["realtime_rows"] = 2
    by_screen = run(sandbox, {"metrics": [{"name": "activeUsers"}],
                              "dimensions": [{"name": "unifiedScreenName"}]},
                    "runRealtimeReport").json()
    assert len(by_screen["rows"]) == 2


def error_of(answer: requests.Response) -> dict:
    return answer.json()["error"]


@pytest.mark.parametrize("change, words", [
    ({"dimensions": [{"name": f"customEvent:d{i}"} for i in range(10)]}, "9 dimensions"),
    ({"metrics": [{"name": f"m{i}"} for i in range(11)]}, "10 metrics"),
    ({"dateRanges": [{"startDate": "2018-08-01", "endDate": "2018-08-02"}] * 5},
     "4 date ranges"),
    ({"dateRanges": [{"startDate": "2018-08-03", "endDate": "2018-08-01"}]}, "before"),
    ({"dateRanges": [{"startDate": "1/8/2018", "endDate": "2018-08-01"}]}, "Invalid date"),
])
def test_report_limits_are_google_s_400(sandbox, change, words):
    answer = run(sandbox, dict(BODY, **change))
    assert answer.status_code == 400
    assert error_of(answer)["status"] == "INVALID_ARGUMENT" and words in error_of(answer)["message"]


@pytest.mark.parametrize("body, words", [
    ({"metrics": [{"name": "sessions"}]}, "sessions is not a valid metric for a realtime"),
    ({"metrics": [{"name": "activeUsers"}], "dimensions": [{"name": "pagePath"}]},
     "pagePath is not a valid dimension for a realtime"),
    ({"metrics": [{"name": "activeUsers"}], "dimensions": [{"name": "date"}]}, "date"),
    ({"metrics": [{"name": "activeUsers"}], "offset": 10}, "offset"),
    ({"metrics": [{"name": "activeUsers"}], "minuteRanges": [{}, {}, {}]}, "2 minute ranges"),
    ({"metrics": [{"name": "activeUsers"}], "minuteRanges": [{"startMinutesAgo": 30}]}, "29"),
    ({"metrics": [{"name": "activeUsers"}],
      "minuteRanges": [{"startMinutesAgo": 5, "endMinutesAgo": 10}]}, "endMinutesAgo"),
])
def test_realtime_schema_and_limits(sandbox, body, words):
    answer = run(sandbox, body, "runRealtimeReport")
    assert answer.status_code == 400, answer.text
    assert error_of(answer)["status"] == "INVALID_ARGUMENT" and words in error_of(answer)["message"]


def test_realtime_schema_fields_are_accepted(sandbox):
    body = {"metrics": [{"name": m} for m in ("activeUsers", "eventCount", "keyEvents",
                                               "screenPageViews")],
            "dimensions": [{"name": "country"}, {"name": "minutesAgo"},
                           {"name": "customUser:level"}]}
    assert run(sandbox, body, "runRealtimeReport").status_code == 200


def test_totals_one_row_per_range_and_users_counted_once(sandbox, settings):
    settings["realtime_rows"] = 3
    body = {"metrics": [{"name": "activeUsers"}, {"name": "eventCount"}],
            "dimensions": [{"name": "country"}], "metricAggregations": ["TOTAL", "MAXIMUM"],
            "minuteRanges": [{"startMinutesAgo": 29}, {"startMinutesAgo": 4, "name": "last5"}]}
    answer = run(sandbox, body, "runRealtimeReport").json()
    assert [h["name"] for h in answer["dimensionHeaders"]] == ["country", "dateRange"]
    assert answer["rowCount"] == 6
    for total, name in zip(answer["totals"], ("date_range_0", "last5"), strict=True):
        assert [v["value"] for v in total["dimensionValues"]] == ["RESERVED_TOTAL", name]
        rows = [r for r in answer["rows"] if r["dimensionValues"][1]["value"] == name]
        users = [int(r["metricValues"][0]["value"]) for r in rows]
        events = [int(r["metricValues"][1]["value"]) for r in rows]
        assert max(users) <= int(total["metricValues"][0]["value"]) < sum(users)
        assert int(total["metricValues"][1]["value"]) == sum(events)
    assert [v["value"] for v in answer["maximums"][0]["dimensionValues"]] == [
        "RESERVED_MAX", "date_range_0"]
    alone = run(sandbox, {"metrics": [{"name": "activeUsers"}],
                          "metricAggregations": ["TOTAL"]}, "runRealtimeReport").json()
    assert alone["totals"][0]["metricValues"] == alone["rows"][0]["metricValues"]
    assert "totals" not in run(sandbox, BODY).json()


def test_other_and_not_set_rows_and_thresholding(sandbox, settings):
    settings.update(data_loss_from_other_row=True, not_set_rows=True, rows_per_day=2)
    body = run(sandbox, BODY).json()
    browsers = [row["dimensionValues"][1]["value"] for row in body["rows"]]
    assert browsers.count("(other)") == 3 and browsers.count("(not set)") == 3
    assert body["rowCount"] == 9 and body["metadata"]["dataLossFromOtherRow"] is True
    other = body["rows"][2]["dimensionValues"]
    assert [v["value"] for v in other] == ["20180801", "(other)"]
    settings.clear()
    demographic = dict(BODY, dimensions=[{"name": "userGender"}])
    assert run(sandbox, demographic).json()["metadata"]["subjectToThresholding"] is True
    assert "subjectToThresholding" not in run(sandbox, BODY).json()["metadata"]


def test_date_hour(sandbox, settings):
    settings["rows_per_day"] = 2
    body = dict(BODY, dimensions=[{"name": "dateHour"}])
    values = [r["dimensionValues"][0]["value"] for r in run(sandbox, body).json()["rows"]]
    assert values == ["2018080100", "2018080101", "2018080200", "2018080201", "2018080300",
                      "2018080301"]


def test_a_spent_quota_refuses_every_request(sandbox, settings):
    settings["quota_limits"] = {"tokensPerDay": 10}
    quotas = [run(sandbox, dict(BODY, returnPropertyQuota=True)) for _ in range(2)]
    assert [q.json()["propertyQuota"]["tokensPerDay"] for q in quotas] == [
        {"consumed": 5, "remaining": 5}, {"consumed": 5, "remaining": 0}]
    for _ in range(2):
        refused = run(sandbox, BODY)
        assert refused.status_code == 429
        assert error_of(refused) == {"code": 429, "status": "RESOURCE_EXHAUSTED",
                                     "message": "Exhausted property tokens per day for "
                                                "property 123."}
