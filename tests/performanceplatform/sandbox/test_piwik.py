"""The simulated Piwik/Matomo, called directly (no HTTP)."""

import json
from email.message import Message

import pytest

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.piwik import Piwik
from performanceplatform.sandbox.server import Request

PATH = "/piwik.example.service.gov.uk/index.php"


def call(service, form=None, status=200, **params):
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
    assert response.status == status
    return json.loads(response.body)


def matomo(**settings):
    return Piwik(SandboxConfig(services={"piwik": settings}))


@pytest.fixture
def service():
    return matomo()


def test_a_date_range_answers_one_key_per_period(service):
    days = call(service, method="DevicesDetection.getBrowsers", period="day",
                date="2018-08-01,2018-08-03")
    assert list(days) == ["2018-08-01", "2018-08-02", "2018-08-03"]
    weeks = call(service, method="DevicesDetection.getBrowsers", period="week",
                 date="2018-07-18,2018-07-30")
    assert list(weeks) == ["2018-07-16,2018-07-22", "2018-07-23,2018-07-29",
                           "2018-07-30,2018-08-05"]
    months = call(service, method="DevicesDetection.getBrowsers", period="month",
                  date="2018-05-15,2018-07-31")
    assert list(months) == ["2018-05", "2018-06", "2018-07"]


def test_answers_are_deterministic_and_shaped_like_matomos(service):
    params = {"method": "DevicesDetection.getType", "period": "day", "date": "2018-08-01"}
    rows = call(service, **params)
    assert rows == call(service, **params)
    assert isinstance(rows, list) and {"label", "nb_visits"} <= set(rows[0])
    goals = call(service, method="Goals.get", period="week", date="2018-07-16,2018-07-22")
    assert isinstance(goals["2018-07-16,2018-07-22"], dict)


def test_previous1_is_the_last_complete_period(service, monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_NOW", "2018-08-13T09:30:00Z")
    answer = call(service, method="DevicesDetection.getType", period="week", date="previous1")
    assert list(answer) == ["2018-08-06,2018-08-12"]


@pytest.mark.parametrize("settings, label", [
    ({}, "2018-07-16,2018-07-22"),  # Matomo 3.0 and later
    ({"version": "2.16.5"}, "From 2018-07-16 to 2018-07-22"),  # Piwik 2
    ({"week_labels": "from-to"}, "From 2018-07-16 to 2018-07-22"),
    ({"version": "2.16.5", "week_labels": "comma"}, "2018-07-16,2018-07-22"),
])
def test_week_labels_by_version(settings, label):
    answer = call(matomo(**settings), method="X.getY", period="week",
                  date="2018-07-16,2018-07-22")
    assert list(answer) == [label]


BROWSERS = {"method": "DevicesDetection.getBrowserVersions", "period": "day"}


def test_a_report_is_cut_at_100_rows_unless_filter_limit_says_otherwise():
    service = matomo(rows={"3": 250})
    days = "2018-08-01,2018-08-02"
    cut = call(service, date=days, **BROWSERS)
    everything = call(service, date=days, filter_limit="-1", **BROWSERS)
    assert [len(rows) for rows in cut.values()] == [100, 100]
    assert [len(rows) for rows in everything.values()] == [250, 250]
    for day, rows in everything.items():
        assert cut[day] == rows[:100]  # the most visited first, so a limit keeps the top
        assert len({row["label"] for row in rows}) == 250
        assert [r["nb_visits"] for r in rows] == sorted((r["nb_visits"] for r in rows),
                                                        reverse=True)
    some = call(service, date="2018-08-01", filter_limit="5", filter_offset="10", **BROWSERS)
    assert some == everything["2018-08-01"][10:15]


def test_rows_apply_to_every_site_or_by_site():
    assert len(call(matomo(rows=7), date="2018-08-01", **BROWSERS)) == 7
    assert len(call(matomo(rows={"9": 300}), date="2018-08-01", **BROWSERS)) == 4


def test_live_counters_are_strings(service):
    answer = call(service, method="Live.getCounters", lastMinutes="1")
    assert set(answer[0]) == {"visits", "actions", "visitors", "visitsConverted"}
    assert answer[0]["visitors"].isdigit()


def test_the_token_may_come_in_a_post_body(service):
    answer = call(service, form={"token_auth": "post-only-token"}, method="Live.getCounters")
    assert "result" not in answer[0]


ERRORS = [  # (params, status since Matomo 5.2, status before 5.0)
    ({"token_auth": "bad-token", "method": "Live.getCounters"}, 401, 200),
    ({"token_auth": "post-only-token", "method": "Live.getCounters"}, 401, 200),
    ({"token_auth": "", "method": "Live.getCounters"}, 401, 200),
    ({"method": "Nope"}, 400, 200),
    ({"method": "X.doY", "period": "day", "date": "2018-08-01"}, 400, 200),
    ({"method": "X.getY", "period": "hour", "date": "2018-08-01"}, 200, 200),
    ({"method": "X.getY", "period": "day", "date": "2018-13-01"}, 200, 200),
]


@pytest.mark.parametrize("params, status, _old", ERRORS)
def test_errors_have_todays_http_status(service, params, status, _old):
    answer = call(service, status=status, **params)
    assert answer["result"] == "error" and answer["message"]


@pytest.mark.parametrize("params, _status, old", ERRORS)
def test_errors_of_an_older_matomo_come_with_200(params, _status, old):
    answer = call(matomo(version="4.16.1"), status=old, **params)
    assert answer["result"] == "error" and answer["message"]


def test_matomo_5_0_and_5_1_answer_401_but_not_yet_400():
    service = matomo(version="5.1")
    call(service, status=401, token_auth="bad-token", method="Live.getCounters")
    call(service, status=200, method="Nope")
