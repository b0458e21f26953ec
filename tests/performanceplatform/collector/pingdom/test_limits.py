"""Pingdom's request limits: reading ``Req-Limit-*`` and deciding whether to wait."""

import json

import pytest
import requests

from performanceplatform.collector.pingdom.limits import (
    PingdomRetryPolicy,
    is_rate_limited,
    read_limits,
    retry_hint,
    spent_reset,
)

LIMIT_BODY = {"error": {"statuscode": 403, "statusdesc": "Forbidden",
                        "errormessage": "Request limit exceeded, try again later"}}
KEY_BODY = {"error": {"statuscode": 403, "statusdesc": "Forbidden",
                      "errormessage": "Missing or invalid application key"}}


def answer(status, body=None, short=None, long=None):
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body or {}).encode()
    if short:
        response.headers["Req-Limit-Short"] = short
    if long:
        response.headers["Req-Limit-Long"] = long
    return response


def test_the_documented_header_format_is_read():
    limits = read_limits(answer(200, short="Remaining: 394 Time until reset: 3589",
                                long="Remaining: 71994 Time until reset: 2591989"))
    assert [(x.header, x.remaining, x.reset) for x in limits] == [
        ("Req-Limit-Short", 394, 3589), ("Req-Limit-Long", 71994, 2591989)]
    assert read_limits(answer(200, short="garbled")) == []


def test_the_reset_that_matters_is_the_latest_of_the_spent_limits():
    assert spent_reset(answer(429, short="Remaining: 0 Time until reset: 30",
                              long="Remaining: 5 Time until reset: 900")) == 30
    assert spent_reset(answer(429, short="Remaining: 0 Time until reset: 30",
                              long="Remaining: 0 Time until reset: 900")) == 900
    assert spent_reset(answer(429, short="Remaining: 3 Time until reset: 30")) is None


@pytest.mark.parametrize("response, limited", [
    (answer(429), True),
    (answer(403, LIMIT_BODY), True),
    (answer(403, KEY_BODY, short="Remaining: 0 Time until reset: 9"), True),
    (answer(403, KEY_BODY, short="Remaining: 7 Time until reset: 9"), False),
    (answer(403, KEY_BODY), False),
    (answer(401, LIMIT_BODY), False),
    (answer(500), False),
])
def test_which_answers_are_rate_limits(response, limited):
    assert is_rate_limited(response) is limited


def test_a_close_reset_is_waited_for_and_a_far_one_is_not(monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_BACKOFF_SCALE", "1")
    policy = PingdomRetryPolicy()
    close = answer(429, short="Remaining: 0 Time until reset: 60")
    assert policy.should_retry(close) and policy.delay(1, close) == 61.0
    assert not policy.should_retry(answer(429, short="Remaining: 0 Time until reset: 61"))
    legacy = answer(403, LIMIT_BODY)
    assert policy.should_retry(legacy)
    assert [policy.delay(n, legacy) for n in (1, 2, 3)] == [10.0, 20.0, 40.0]
    assert not policy.should_retry(answer(403, KEY_BODY))
    assert policy.should_retry(answer(503))


def test_the_hint_says_when_to_run_again(monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_NOW", "2018-08-13T09:30:00Z")
    long_spent = answer(429, long="Remaining: 0 Time until reset: 2591989")
    assert retry_hint(long_spent) == ("request limit exceeded; it resets in 29 days 23 h: run "
                                      "again after 2018-09-12 09:29 UTC")
    assert "run again later" in retry_hint(answer(429))
