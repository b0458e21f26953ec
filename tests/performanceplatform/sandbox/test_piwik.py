"""The simulated Piwik/Matomo, called directly (no HTTP)."""

import json
from email.message import Message

import pytest

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.piwik import Piwik
from performanceplatform.sandbox.server import Request

PATH = "/piwik.example.service.gov.uk/index.php"


def call(service, form=None, **params):
    query = {"module": "API", "idSite": "3", "format": "json", **params}
    headers = Message()
    body = b""
    if form:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = "&".join(f"{k}={v}" for k, v in form.items()).encode()
        method = "POST"
    else:
        query.setdefault("token_auth", "tok-1234")
        method = "GET"
    response = service.handle(Request(method, PATH, list(query.items()), headers, body))
    assert response.status == 200
    return json.loads(response.body)


@pytest.fixture
def service():
    return Piwik(SandboxConfig())


def test_a_date_range_answers_one_key_per_period(service):
    days = call(service, method="DevicesDetection.getBrowsers", period="day",
                date="2018-08-01,2018-08-03")
    assert list(days) == ["2018-08-01", "2018-08-02", "2018-08-03"]
    weeks = call(service, method="DevicesDetection.getBrowsers", period="week",
                 date="2018-07-18,2018-07-30")
    assert list(weeks) == ["From 2018-07-16 to 2018-07-22", "From 2018-07-23 to 2018-07-29",
                           "From 2018-07-30 to 2018-08-05"]
    months = call(service, method="DevicesDetection.getBrowsers", period="month",
                  date="2018-05-15,2018-07-31")
    assert list(months) == ["2018-05", "2018-06", "2018-07"]


def test_answers_are_deterministic_and_shaped_like_matomos(service):
    params = {"method": "DevicesDetection.getType", "period": "day", "date": "2018-08-01"}
    rows = call(service, **params)
    assert rows == call(service, **params)
    assert isinstance(rows, list) and {"label", "nb_visits"} <= set(rows[0])
    goals = call(service, method="Goals.get", period="week", date="2018-07-16,2018-07-22")
    assert isinstance(goals["From 2018-07-16 to 2018-07-22"], dict)


def test_previous1_is_the_last_complete_period(service, monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_NOW", "2018-08-13T09:30:00Z")
    answer = call(service, method="DevicesDetection.getType", period="week", date="previous1")
    assert list(answer) == ["From 2018-08-06 to 2018-08-12"]


def test_week_labels_like_todays_matomo():
    service = Piwik(SandboxConfig(services={"piwik": {"week_labels": "comma"}}))
    answer = call(service, method="X.getY", period="week", date="2018-07-16,2018-07-22")
    assert list(answer) == ["2018-07-16,2018-07-22"]


def test_live_counters_are_strings(service):
    answer = call(service, method="Live.getCounters", lastMinutes="1")
    assert set(answer[0]) == {"visits", "actions", "visitors", "visitsConverted"}
    assert answer[0]["visitors"].isdigit()


def test_the_token_may_come_in_a_post_body(service):
    answer = call(service, form={"token_auth": "post-only-token"}, method="Live.getCounters")
    assert "result" not in answer[0]


@pytest.mark.parametrize("params", [
    {"token_auth": "bad-token", "method": "Live.getCounters"},
    {"token_auth": "post-only-token", "method": "Live.getCounters"},
    {"method": "Nope"},
    {"method": "X.getY", "period": "hour", "date": "2018-08-01"},
    {"method": "X.getY", "period": "day", "date": "2018-13-01"},
])
def test_errors_are_answered_with_200(service, params):
    answer = call(service, **params)
    assert answer["result"] == "error" and answer["message"]
