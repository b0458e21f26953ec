"""``google_hook``: what a GA v3 or GA4 answer becomes once it is back, seen through the two
clients that use it, in-process against the sandbox (an injected fault is the answer).

A failed answer is ``google_error``'s one line with the source's own advice, method and help
link; a 200 answer of the wrong shape is named as such; a good answer goes through.
"""

from __future__ import annotations

import json

import pytest
import requests

from performanceplatform.collector.ga.client import V3_ERRORS_HELP, CoreReportingClient
from performanceplatform.collector.ga4.client import DataApi
from performanceplatform.utils.errors import SourceError
from tests.helpers import inject

GA4_OK = {"kind": "analyticsData#runReport", "metricHeaders": [{"name": "sessions"}],
          "rows": [{"metricValues": [{"value": "3"}]}], "rowCount": 1}
V3_OK = {"kind": "analytics#gaData", "columnHeaders": [{"name": "ga:sessions"}],
         "totalResults": 1, "rows": [["3"]]}


@pytest.fixture
def v3(sandbox):
    client = CoreReportingClient(requests.Session(), f"{sandbox.url}/www.googleapis.com/")
    return client, f"{sandbox.url}/www.googleapis.com/analytics/v3/data/ga"


@pytest.fixture
def ga4(sandbox):
    api = DataApi(requests.Session(), f"{sandbox.url}/analyticsdata.googleapis.com/", "123456")
    return api, f"{sandbox.url}/analyticsdata.googleapis.com/v1beta/properties/123456:runReport"


def google_answer(status: int, body) -> dict:
    return {"status": status, "count": 1, "body": json.dumps(body)}


def test_a_v3_refusal_is_one_line_with_the_v3_advice_and_help(sandbox, v3):
    client, url = v3
    inject(sandbox, service="google_v3", **google_answer(403, {"error": {
        "code": 403, "message": "User does not have any Google Analytics account.",
        "errors": [{"domain": "global", "reason": "insufficientPermissions"}]}}))
    with pytest.raises(SourceError) as failure:
        client.get("analytics/v3/data/ga", {"ids": "ga:1"})
    assert str(failure.value) == (
        f"Google Analytics: GET {url} failed with HTTP 403, reason insufficientPermissions: "
        "User does not have any Google Analytics account. - the account may lack access to "
        f"this view, or a daily quota is spent (see {V3_ERRORS_HELP})")
    assert failure.value.status == 403


def test_a_ga4_refusal_names_the_post_and_gives_the_ga4_advice(sandbox, ga4):
    api, url = ga4
    inject(sandbox, service="ga4", **google_answer(403, {"error": {
        "code": 403, "status": "PERMISSION_DENIED", "message": "No access."}}))
    with pytest.raises(SourceError) as failure:
        api.call("runReport", {"metrics": [{"name": "sessions"}]})
    assert str(failure.value) == (
        f"ga4: POST {url} failed with HTTP 403, reason PERMISSION_DENIED: No access. - check "
        "that the account has at least the Viewer role on GA4 property 123456, and that the "
        "Google Analytics Data API is enabled in its Cloud project")
    assert failure.value.status == 403


@pytest.mark.parametrize("body, problem", [
    ({"kind": "analytics#gaData", "rows": []},
     "an answer without the columnHeaders and totalResults of a report"),
    ([V3_OK], "JSON that is not an object"),
])
def test_a_v3_answer_of_the_wrong_shape_is_named(sandbox, v3, body, problem):
    client, url = v3
    inject(sandbox, service="google_v3", **google_answer(200, body))
    with pytest.raises(SourceError) as failure:
        client.get("analytics/v3/data/ga", {"ids": "ga:1"})
    assert str(failure.value) == f"Google Analytics: GET {url} answered HTTP 200 with {problem}"
    assert failure.value.status == 200


def test_a_v3_answer_that_is_not_json_is_the_http_layers_to_name(sandbox, v3):
    client, url = v3
    inject(sandbox, service="google_v3", status=200, count=1, body="<html>sorry</html>")
    with pytest.raises(SourceError) as failure:
        client.get("analytics/v3/data/ga", {"ids": "ga:1"})
    assert str(failure.value).startswith(f"Google Analytics: GET {url} answered HTTP 200 ")
    assert "not an object" not in str(failure.value)


def test_a_ga4_answer_that_is_not_json_is_named(sandbox, ga4):
    api, url = ga4
    inject(sandbox, service="ga4", status=200, count=1, body="<html>sorry</html>")
    with pytest.raises(SourceError) as failure:
        api.call("runReport", {})
    assert str(failure.value) == \
        f"ga4: POST {url} answered HTTP 200 with a body that is not a JSON object"
    assert failure.value.status == 200


def test_good_answers_go_through(sandbox, v3, ga4):
    inject(sandbox, service="google_v3", **google_answer(200, V3_OK))
    assert v3[0].get("analytics/v3/data/ga", {"ids": "ga:1"}) == V3_OK
    inject(sandbox, service="ga4", **google_answer(200, GA4_OK))
    assert ga4[0].call("runReport", {}) == GA4_OK


def test_a_spent_ga4_quota_is_named_from_googles_message(sandbox, ga4):
    api, url = ga4
    inject(sandbox, service="ga4", **google_answer(429, {"error": {
        "code": 429, "status": "RESOURCE_EXHAUSTED",
        "message": "Exhausted property tokens per day for this property."}}))
    with pytest.raises(SourceError) as failure:
        api.call("runReport", {})
    assert str(failure.value).startswith(
        f"ga4: POST {url} failed with HTTP 429, reason RESOURCE_EXHAUSTED: Exhausted property "
        "tokens per day for this property. - the property quota tokensPerDay is spent, so "
        "Google refuses every request to this property; stopped without retrying (")
