"""The Pingdom client against the simulated Pingdom (spec sources.md §7.2 examples 9–12)."""

import logging

import pytest

from performanceplatform.collector.pingdom.client import (
    API_2_0,
    API_3_1,
    PingdomClient,
    check_credentials,
)
from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import ConfigError, SourceError
from tests.helpers import inject, served

LEGACY = {"user": "foo@bar.com", "password": "secret", "app_key": "12345",
          "account_email": "foo@bar.com"}
START, END = 1356976800, 1357063200  # 2012-12-31 18:00 .. 2013-01-01 18:00 UTC


@pytest.fixture
def pingdom(sandbox, monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("PP_COLLECTOR_BACKOFF_SCALE", "0")
    return sandbox


def test_legacy_credentials_choose_api_2_0():  # 9
    client = PingdomClient.from_credentials(LEGACY)
    assert client.api is API_2_0
    assert client.session.headers["App-Key"] == "12345"
    assert client.session.headers["Account-Email"] == "foo@bar.com"


def test_a_token_chooses_api_3_1():
    client = PingdomClient.from_credentials({"token": "tok-123"})
    assert client.api is API_3_1
    assert client.session.headers["Authorization"] == "Bearer tok-123"


def test_no_account_email_sends_no_header():
    creds = {k: v for k, v in LEGACY.items() if k != "account_email"}
    assert "Account-Email" not in PingdomClient.from_credentials(creds).session.headers


@pytest.mark.parametrize("credentials, keys", [
    ({}, ["token"]),
    ({"user": "u"}, ["password", "app_key"]),
    ({"token": ""}, ["token"]),
    ({"user": "u", "password": "p", "app_key": "k", "account_email": 3}, ["account_email"]),
])
def test_credentials_problems_name_the_keys(credentials, keys):
    problems = Problems("creds.json")
    check_credentials(credentials, problems)
    assert [key for key, _ in problems.found] == keys
    with pytest.raises(ConfigError, match="creds.json"):
        problems.raise_if_any()


def test_summary_is_asked_by_the_hour_with_uptime(pingdom):  # 10
    client = PingdomClient.from_credentials(LEGACY)
    check_id = client.check_id("govuk_search")
    hours = client.hours(check_id, START, END)
    assert len(hours) == 24
    request = served(pingdom, "pingdom")[-1]
    assert request["path"] == "/api.pingdom.com/api/2.0/summary.performance/5257438"
    assert sorted(request["query"]) == sorted([
        ["includeuptime", "true"], ["from", "1356976800.0"], ["to", "1357063200.0"],
        ["resolution", "hour"]])
    assert request["authorization"] == "Basic"


def test_api_3_1_gets_integer_times_and_a_bearer_token(pingdom):
    client = PingdomClient.from_credentials({"token": "tok-123"})
    client.hours(client.check_id("govuk_search"), START, END)
    request = served(pingdom, "pingdom")[-1]
    assert request["path"].startswith("/api.pingdom.com/api/3.1/")
    assert ["from", "1356976800"] in request["query"]
    assert request["authorization"] == "Bearer"


def test_an_unknown_check_is_a_source_error_naming_it(pingdom):
    with pytest.raises(SourceError, match="no check named 'nope'"):
        PingdomClient.from_credentials(LEGACY).check_id("nope")


def test_a_failed_summary_raises_instead_of_returning_none(pingdom):  # 12 (changed)
    inject(pingdom, service="pingdom", status=500, count=10)
    with pytest.raises(SourceError, match="HTTP 500"):
        PingdomClient.from_credentials(LEGACY).hours(5257438, START, END)


def test_a_refused_token_says_so(pingdom):
    with pytest.raises(SourceError, match="credentials were refused") as caught:
        PingdomClient.from_credentials({"token": "bad-token"}).check_id("x")
    assert caught.value.status == 401


def test_limits_are_logged_and_a_low_allowance_warns(pingdom, caplog):
    inject(pingdom, service="pingdom", status=200, count=1, body='{"checks": []}',
           headers={"Req-Limit-Short": "Remaining: 3 Time until reset: 60"})
    with caplog.at_level(logging.DEBUG, "performanceplatform.collector.pingdom.client"):
        with pytest.raises(SourceError):
            PingdomClient.from_credentials(LEGACY).check_id("x")
    assert any("running low" in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
