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


def test_order_bys(sandbox):
    order = [{"metric": {"metricName": "sessions"}, "desc": True}]
    rows = run(sandbox, dict(BODY, orderBys=order)).json()["rows"]
    sessions = [int(row["metricValues"][0]["value"]) for row in rows]
    assert sessions == sorted(sessions, reverse=True)


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
