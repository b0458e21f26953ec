"""The simulated Pingdom, called directly (no HTTP)."""

import base64
import json
from email.message import Message

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.pingdom import Pingdom
from performanceplatform.sandbox.server import Request

BASE = "/api.pingdom.com/api"
SUMMARY = [("from", "1533859200.0"), ("to", "1533870000.0"), ("resolution", "hour"),
           ("includeuptime", "true")]


def request(path, query=(), **headers):
    message = Message()
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return Request("GET", path, list(query), message)


def basic(user="u@example.org", password="pw"):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def legacy(path, query=(), password="pw", app_key="key"):
    return request(f"{BASE}/2.0/{path}", query, Authorization=basic(password=password),
                   App_Key=app_key)


def bearer(path, query=(), token="tok"):
    return request(f"{BASE}/3.1/{path}", query, Authorization=f"Bearer {token}")


def body(response):
    return json.loads(response.body)


def test_checks_by_both_versions():
    service = Pingdom(SandboxConfig())
    names = [c["name"] for c in body(service.handle(legacy("checks")))["checks"]]
    assert "govuk_search" in names
    answer = body(service.handle(bearer("checks")))
    assert answer["counts"]["total"] == len(answer["checks"])


def test_hours_in_the_window_are_deterministic_and_add_up():
    service = Pingdom(SandboxConfig())
    first = body(service.handle(legacy("summary.performance/5257438", SUMMARY)))
    again = body(service.handle(bearer("summary.performance/5257438",
                                       [(k, v.replace(".0", "")) for k, v in SUMMARY])))
    hours = first["summary"]["hours"]
    assert hours == again["summary"]["hours"]
    assert [h["starttime"] for h in hours] == [1533859200, 1533862800, 1533866400]
    assert all(h["uptime"] + h["downtime"] + h["unmonitored"] == 3600 for h in hours)


def test_without_includeuptime_only_response_times():
    service = Pingdom(SandboxConfig())
    query = [q for q in SUMMARY if q[0] != "includeuptime"]
    hours = body(service.handle(bearer("summary.performance/5257438", query)))["summary"]["hours"]
    assert set(hours[0]) == {"starttime", "avgresponse"}


def test_refusals():
    service = Pingdom(SandboxConfig())
    assert service.handle(bearer("checks", token="bad-token")).status == 401
    assert service.handle(legacy("checks", password="bad-password")).status == 401
    assert service.handle(legacy("checks", app_key="bad-app-key")).status == 403
    assert service.handle(request(f"{BASE}/3.1/checks", Authorization=basic())).status == 401
    assert service.handle(bearer("summary.performance/1", SUMMARY)).status == 403


def test_configured_credentials_only():
    config = SandboxConfig(services={"pingdom": {"tokens": ["only"],
                                                 "users": {"u@example.org": "secret"}}})
    service = Pingdom(config)
    assert service.handle(bearer("checks", token="tok")).status == 401
    assert service.handle(bearer("checks", token="only")).status == 200
    assert service.handle(legacy("checks")).status == 401


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def limited(clock, **settings):
    return Pingdom(SandboxConfig(services={"pingdom": settings}), clock=clock)


def test_every_answer_carries_both_limit_headers_in_the_documented_format():
    service = limited(Clock())
    for response in (service.handle(bearer("checks")),
                     service.handle(bearer("checks", token="bad-token")),
                     service.handle(legacy("summary.performance/1", SUMMARY))):
        assert response.headers["Req-Limit-Short"].startswith("Remaining: ")
        assert response.headers["Req-Limit-Long"].startswith("Remaining: ")
    last = service.handle(bearer("checks")).headers
    assert last["Req-Limit-Short"] == "Remaining: 11996 Time until reset: 3600"
    assert last["Req-Limit-Long"] == "Remaining: 47996 Time until reset: 2592000"


def test_a_spent_limit_is_429_without_retry_after_until_its_window_resets():
    clock = Clock()
    service = limited(clock, short_limit=2, short_window=60)
    assert service.handle(bearer("checks")).status == 200
    clock.now += 10
    second = service.handle(bearer("checks"))
    assert second.headers["Req-Limit-Short"] == "Remaining: 0 Time until reset: 50"
    refused = service.handle(bearer("checks"))
    assert refused.status == 429 and "Retry-After" not in refused.headers
    assert body(refused)["error"]["errormessage"] == "Request limit exceeded, try again later"
    assert refused.headers["Req-Limit-Short"] == "Remaining: 0 Time until reset: 50"
    clock.now += 50
    again = service.handle(bearer("checks"))
    assert again.status == 200
    assert again.headers["Req-Limit-Short"] == "Remaining: 1 Time until reset: 60"


def test_the_long_limit_refuses_too_and_api_2_answers_403():
    clock = Clock()
    service = limited(clock, long_limit=1)
    assert service.handle(legacy("checks")).status == 200
    refused = service.handle(legacy("checks"))
    assert refused.status == 403
    assert body(refused)["error"]["errormessage"] == "Request limit exceeded, try again later"
    assert refused.headers["Req-Limit-Long"] == "Remaining: 0 Time until reset: 2592000"
    assert service.handle(bearer("checks")).status == 429
    service.reset()
    assert service.handle(bearer("checks")).status == 200


def test_hours_can_lack_fields_and_a_check_its_created_time():
    service = limited(Clock(), missing={"avgresponse": 3, "uptime": 1},
                      checks=[{"id": 7, "name": "x", "created": None}])
    assert "created" not in body(service.handle(bearer("checks")))["checks"][0]
    hours = body(service.handle(bearer("summary.performance/7", SUMMARY)))["summary"]["hours"]
    assert [h["starttime"] // 3600 % 3 == 0 for h in hours] == [
        "avgresponse" not in h for h in hours]
    assert all("uptime" not in h and "downtime" in h for h in hours)
