"""The replay harness itself, without the CLI: server matching rules, rendering, comparison.

Needs the golden recordings (skipped without them), like ``test_replay.py``.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from . import replay

GOLDEN_DIR = replay.golden_dir()
pytestmark = pytest.mark.skipif(
    not replay.scenario_dirs(GOLDEN_DIR),
    reason=f"golden recordings not found at {GOLDEN_DIR}; set {replay.GOLDEN_ENV}",
)

RATE_LIMIT = "edge--ga-403-rate-limit-retried"
BACKDROP_RETRY = "edge--backdrop-503-retry-small-body"
GCLOUD = "gcloud--gcloud--sales"
PINGDOM = "pingdom--govuk--monitoring"
PIWIK = "piwik-core--verify--browsers"
FRESH_TOKEN = "Bearer fresh-token-from-the-token-endpoint"


def load(name: str) -> replay.Scenario:
    return replay.Scenario.load(GOLDEN_DIR / name)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        http.trust_env = False  # no proxy between us and 127.0.0.1
        yield http


def serve(name: str) -> replay.ReplayServer:
    server = replay.ReplayServer(load(name))
    server.start()
    return server


@pytest.fixture
def rate_limit() -> Iterator[replay.ReplayServer]:
    server = serve(RATE_LIMIT)
    yield server
    server.stop()


def send_exchange(http: requests.Session, server: replay.ReplayServer, exchange: dict[str, Any],
                  authorization: str = FRESH_TOKEN, path: str | None = None,
                  shuffle: bool = False) -> requests.Response:
    """Send the request of a recorded exchange (params possibly reordered)."""
    request = exchange["request"]
    params = list(map(tuple, request["query"]))
    if shuffle:
        random.Random(exchange["seq"]).shuffle(params)
    headers = {"Authorization": authorization}
    url = server.url + (path or request["path"])
    if "form" in request:
        return http.post(url, data=[tuple(pair) for pair in request["form"]], timeout=10)
    return http.request(request["method"], url, params=params, headers=headers, timeout=10)


def send_write(http: requests.Session, server: replay.ReplayServer, method: str, path: str,
               body: Any, token: str, zipped: bool = True) -> requests.Response:
    """A Backdrop request, gzipped like the client sends big bodies."""
    data = json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if zipped:
        data = gzip.compress(data)
        headers["Content-Encoding"] = "gzip"
    return http.request(method, server.url + path, data=data, headers=headers, timeout=10)


def fake_cli(code: int = 0, stderr: str = "") -> replay.CliResult:
    return replay.CliResult(code, "", stderr)


def replay_recording(http: requests.Session, server: replay.ReplayServer) -> None:
    """Behave exactly like the original: every exchange, then every Backdrop request."""
    scenario = server.scenario
    for exchange in scenario.exchanges:
        auth = scenario.stale_authorization if exchange.get("stale_token_probe") else FRESH_TOKEN
        response = send_exchange(http, server, exchange, authorization=auth, shuffle=True)
        assert response.status_code == exchange["response"]["status"]
    for write in scenario.expected:
        token = scenario.backdrop_token if write["auth_ok"] else "someone-else"
        response = send_write(http, server, write["method"], write["path"], write["body"], token,
                              zipped=write["gzip"])
        assert response.status_code == write["response"]["status"]


# -- matching rules -------------------------------------------------------------------------


def test_parameter_order_does_not_matter(rate_limit, session):
    exchange = rate_limit.scenario.exchanges[2]
    response = send_exchange(session, rate_limit, exchange, shuffle=True)
    assert response.status_code == 200
    assert response.json() == json.loads(exchange["response"]["body"])
    assert rate_limit.used == [exchange["seq"]]


def test_a_missing_or_extra_parameter_does_not_match(rate_limit, session):
    request = rate_limit.scenario.exchanges[2]["request"]
    params = request["query"][:-1]
    url = rate_limit.url + request["path"]
    assert session.get(url, params=params, timeout=10).status_code == 404
    assert session.get(url, params=[*request["query"], ["x", "1"]], timeout=10).status_code == 404
    assert [u.reason.split(";")[0] for u in rate_limit.unmatched] == ["not recorded"] * 2
    assert rate_limit.used == []
    missing, extra = (u.reason for u in rate_limit.unmatched)
    assert missing == "not recorded; closest recorded #3: missing ids=ga:12345678"
    assert extra == "not recorded; closest recorded #3: not recorded x=1"


def test_a_request_by_another_method_gets_a_hint(rate_limit, session):
    request = rate_limit.scenario.exchanges[2]["request"]
    url = rate_limit.url + request["path"]
    assert session.post(url, params=request["query"], timeout=10).status_code == 404
    [unmatched] = rate_limit.unmatched
    assert unmatched.reason == "not recorded; closest recorded #3: recorded method GET"


def test_duplicates_are_served_in_recorded_order(rate_limit, session):
    exchanges = rate_limit.scenario.exchanges
    week_two = [ex for ex in exchanges if ex["seq"] in (4, 5, 6)]
    assert len({json.dumps(sorted(ex["request"]["query"])) for ex in week_two}) == 1
    statuses = [send_exchange(session, rate_limit, week_two[0]).status_code for _ in range(4)]
    assert statuses == [403, 403, 200, 404]
    assert rate_limit.used == [4, 5, 6]


def test_todays_google_hosts_are_aliases(rate_limit, session):
    data = rate_limit.scenario.exchanges[2]
    path = data["request"]["path"].replace("/www.googleapis.com/", "/analytics.googleapis.com/")
    assert send_exchange(session, rate_limit, data, path=path).status_code == 200
    token = rate_limit.scenario.exchanges[1]
    response = send_exchange(session, rate_limit, token, path="/oauth2.googleapis.com/token")
    assert response.status_code == 200
    assert "access_token" in response.json()
    assert rate_limit.used == [3, 2]


def test_token_posts_match_on_method_and_path_only(rate_limit, session):
    url = rate_limit.url + "/accounts.google.com/o/oauth2/token"
    response = session.post(url, data={"grant_type": "refresh_token", "other": "form"},
                            timeout=10)
    assert response.status_code == 200
    assert session.get(url, timeout=10).status_code == 404


def piwik_server(rows_in_a_period: int | None = None) -> replay.ReplayServer:
    """The Piwik scenario's server; with ``rows_in_a_period``, its first week holds that many."""
    scenario = load(PIWIK)
    if rows_in_a_period is not None:
        exchange = json.loads(json.dumps(scenario.exchanges[0]))
        body = json.loads(exchange["response"]["body"])
        first = next(iter(body))
        body[first] = (body[first] * rows_in_a_period)[:rows_in_a_period]
        exchange["response"]["body"] = json.dumps(body)
        scenario = replay.Scenario(scenario.folder, scenario.args, scenario.meta, [exchange],
                                   scenario.expected)
    server = replay.ReplayServer(scenario)
    server.start()
    return server


@pytest.mark.parametrize("rows, extra, status", [
    (None, [], 200),  # the recorded request
    (None, [("filter_limit", "-1")], 200),  # every row: the recorded answer was not cut
    (99, [("filter_limit", "-1")], 200),
    (100, [("filter_limit", "-1")], 404),  # the original may have lost rows: no match
    (None, [("filter_limit", "50")], 404),  # another limit is another request
    (None, [("filter_limit", "-1"), ("x", "1")], 404),
])
def test_piwik_may_ask_for_every_row_when_the_recording_was_not_cut(session, rows, extra,
                                                                    status):
    server = piwik_server(rows)
    try:
        exchange = server.scenario.exchanges[0]
        params = [*map(tuple, exchange["request"]["query"]), *extra]
        response = session.get(server.url + exchange["request"]["path"], params=params,
                               timeout=10)
    finally:
        server.stop()
    assert response.status_code == status
    assert server.used == ([1] if status == 200 else [])


def test_a_missing_parameter_is_not_made_up_for_by_filter_limit(session):
    server = piwik_server()
    try:
        request = server.scenario.exchanges[0]["request"]
        params = [*map(tuple, request["query"][:-1]), ("filter_limit", "-1")]
        response = session.get(server.url + request["path"], params=params, timeout=10)
    finally:
        server.stop()
    assert response.status_code == 404


def test_the_stale_token_probe_only_answers_the_stale_token(rate_limit, session):
    scenario = rate_limit.scenario
    probe, first = scenario.exchanges[0], scenario.exchanges[2]
    assert probe["stale_token_probe"]
    assert send_exchange(session, rate_limit, first).status_code == 200  # fresh token: no probe
    stale = scenario.stale_authorization
    assert stale == "Bearer ya29.stale-access-token-from-storage"
    response = send_exchange(session, rate_limit, probe, authorization=stale)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert rate_limit.used == [3, 1]


def test_the_stale_token_sent_again_is_reported(rate_limit, session):
    probe = rate_limit.scenario.exchanges[0]
    stale = rate_limit.scenario.stale_authorization
    assert send_exchange(session, rate_limit, probe, authorization=stale).status_code == 401
    assert send_exchange(session, rate_limit, probe, authorization=stale).status_code == 401
    [again] = rate_limit.unmatched
    assert again.reason == ("stale access token sent again; closest recorded #3: differs only "
                            "in the access token (stale-token probe rule)")


def test_unused_exchanges_leave_out_probes(rate_limit, session):
    assert [ex["seq"] for ex in rate_limit.unused()] == [2, 3, 4, 5, 6, 7]
    for exchange in rate_limit.scenario.exchanges[1:]:
        send_exchange(session, rate_limit, exchange)
    assert rate_limit.unused() == []


def test_body_files_are_served_as_bytes(session):
    server = serve(GCLOUD)
    try:
        csv = server.scenario.exchanges[1]
        response = send_exchange(session, server, csv)
    finally:
        server.stop()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv"
    assert response.content == (GOLDEN_DIR / GCLOUD / "sales.csv").read_bytes()


# -- Backdrop -------------------------------------------------------------------------------


def test_backdrop_writes_are_gunzipped_and_answered_by_position(session):
    server = serve(BACKDROP_RETRY)
    token = server.scenario.backdrop_token
    try:
        first = send_write(session, server, "POST", "/data/a/b", [{"x": 1}], token)
        second = send_write(session, server, "POST", "/data/a/b", [{"x": 1.0}], token,
                            zipped=False)
        third = send_write(session, server, "PUT", "/data/a/b", [], "wrong")
    finally:
        server.stop()
    assert [first.status_code, second.status_code, third.status_code] == [503, 200, 200]
    assert third.json() == {"status": "ok"}
    assert [(w.method, w.gzip) for w in server.writes] == [("POST", True), ("POST", False),
                                                           ("PUT", True)]
    assert [w.body for w in server.writes] == [[{"x": 1}], [{"x": 1.0}], []]
    views = replay.actual_views(server.writes, token)
    assert [v.auth_ok for v in views] == [True, True, False]


def test_chunked_request_bodies_are_read(session):
    server = serve(BACKDROP_RETRY)
    body = gzip.compress(b'[{"a": "chunked"}]')
    try:
        session.post(server.url + "/data/a/b", data=iter([body[:5], body[5:]]), timeout=10,
                     headers={"Content-Encoding": "gzip"})
    finally:
        server.stop()
    assert server.writes[0].body == [{"a": "chunked"}]


def test_an_unreadable_body_is_recorded_as_such(session):
    server = serve(BACKDROP_RETRY)
    try:
        session.post(server.url + "/data/a/b", data=b"not gzip",
                     headers={"Content-Encoding": "gzip"}, timeout=10)
    finally:
        server.stop()
    assert server.writes[0].error and "unreadable" in server.writes[0].error


# -- rendering ------------------------------------------------------------------------------


def test_templates_and_argv_are_rendered(tmp_path):
    scenario = load(RATE_LIMIT)
    argv = replay.render_scenario(scenario, tmp_path, 4321)
    assert argv[:2] == ["-c", f"{tmp_path}/credentials.json"]
    rendered = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert set(rendered) == {"query.json", "credentials.json", "token.json", "backdrop.json",
                             "client_secrets.json", "storage.db"}
    assert "http://127.0.0.1:4321/data" in rendered["backdrop.json"]
    assert "http://127.0.0.1:4321/accounts.google.com/o/oauth2/token" in rendered["storage.db"]
    assert not [name for name, text in rendered.items() if "{FAKE}" in text or "{WORK}" in text
                or "{PORT}" in text]


def test_the_cli_environment_freezes_the_clock_and_redirects(tmp_path):
    env = replay.cli_env(load(PINGDOM), 4321, tmp_path)
    assert env["PP_COLLECTOR_NOW"] == "2018-08-13T09:30:00Z"
    assert env["PP_COLLECTOR_SANDBOX_URL"] == "http://127.0.0.1:4321"
    assert env["PP_COLLECTOR_BACKOFF_SCALE"] == "0"
    assert env["TZ"] == "UTC"


# -- comparison -----------------------------------------------------------------------------


@pytest.mark.parametrize("folder", replay.scenario_dirs(GOLDEN_DIR), ids=lambda p: p.name)
def test_a_faithful_run_passes(folder, session):
    """Acting out the recording itself passes: the harness accepts what the original did."""
    server = replay.ReplayServer(replay.Scenario.load(folder))
    with server:
        replay_recording(session, server)
    outcome = replay.evaluate(server.scenario, server, fake_cli(server.scenario.expected_exit_code))
    assert outcome.passed, outcome.report()


def run_with_body(name: str, session, change) -> replay.Outcome:
    """Act out the recording, but send the first write's body through ``change``."""
    server = replay.ReplayServer(load(name))
    with server:
        for exchange in server.scenario.exchanges:
            stale = exchange.get("stale_token_probe")
            auth = server.scenario.stale_authorization if stale else FRESH_TOKEN
            send_exchange(session, server, exchange, authorization=auth)
        for index, write in enumerate(server.scenario.expected):
            body = change(write["body"]) if index == 0 else write["body"]
            send_write(session, server, write["method"], write["path"], body,
                       server.scenario.backdrop_token)
    return replay.evaluate(server.scenario, server, fake_cli(stderr="a line\nlast line"))


def test_a_wrong_value_is_reported_with_a_diff(session):
    def wrong(body):
        body = json.loads(json.dumps(body))
        body[3]["sessions"] = body[3]["sessions"] + 1
        return body

    outcome = run_with_body(RATE_LIMIT, session, wrong)
    assert not outcome.passed
    report = outcome.report()
    assert RATE_LIMIT in report
    assert "first differing record: #3" in report
    assert '\n    - "sessions": ' in report and '\n    + "sessions": ' in report
    assert "differ as a multiset too" in report
    assert "last line" in report


def test_an_int_is_not_a_float(session):
    def floats(body):
        body = json.loads(json.dumps(body))
        body[0]["sessions"] = float(body[0]["sessions"])
        return body

    outcome = run_with_body(RATE_LIMIT, session, floats)
    assert "first differing record: #0" in outcome.report()


def test_another_order_is_a_failure_that_says_same_records(session):
    outcome = run_with_body(RATE_LIMIT, session, lambda body: list(reversed(body)))
    assert not outcome.passed
    assert "SAME RECORDS, DIFFERENT ORDER" in outcome.report()


def test_a_missing_record_is_reported(session):
    outcome = run_with_body(RATE_LIMIT, session, lambda body: body[:-1])
    report = outcome.report()
    assert "9 records expected, 8 sent" in report
    assert "first missing record: #8" in report


def test_wrong_exit_status_unmatched_and_unused_are_reported(rate_limit, session):
    session.get(rate_limit.url + "/somewhere/else", params={"a": "1"}, timeout=10)
    outcome = replay.evaluate(rate_limit.scenario, rate_limit, fake_cli(code=1))
    report = outcome.report()
    assert "exit status 1, expected 0" in report
    assert "unmatched request: GET /somewhere/else?a=1 (not recorded)" in report
    assert "recorded exchange never requested: #7 ga.data" in report
    assert "1 Backdrop requests expected, 0 sent" in report


def test_pingdom_posts_are_compared_concatenated(session):
    server = replay.ReplayServer(load(PINGDOM))
    scenario = server.scenario
    with server:
        for exchange in scenario.exchanges:
            send_exchange(session, server, exchange)
        [write] = scenario.expected
        for start in range(0, len(write["body"]), 20):
            send_write(session, server, "POST", write["path"], write["body"][start:start + 20],
                       scenario.backdrop_token)
    assert len(server.writes) == 3
    outcome = replay.evaluate(scenario, server, fake_cli())
    assert outcome.passed, outcome.report()


def test_other_sources_are_compared_request_by_request():
    scenario = load(RATE_LIMIT)
    want = replay.expected_views(scenario)
    body = want[0].body
    halves = [replay.WriteView("POST", want[0].path, True, part) for part in (body[:4], body[4:])]
    problems = replay.compare_writes(want, halves)
    assert [p for p in problems if p.startswith("1 Backdrop requests expected, 2 sent")]
    assert replay.compare_writes(replay.merge_posts(want), replay.merge_posts(halves)) == []


def test_scenarios_are_found_under_the_env_var(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(replay.GOLDEN_ENV, str(tmp_path))
    assert replay.golden_dir() == tmp_path.resolve()
    assert replay.scenario_dirs(tmp_path) == []
    monkeypatch.delenv(replay.GOLDEN_ENV)
    assert replay.golden_dir() == replay.DEFAULT_GOLDEN_DIR


def test_a_hanging_cli_is_reported_as_a_timeout(tmp_path):
    scenario = load(PINGDOM)
    cli = replay.run_cli(["--help"], replay.cli_env(scenario, 1, tmp_path), tmp_path,
                         timeout=0.001)
    assert cli.timed_out
    assert replay.check_exit(0, cli) == ["the CLI did not finish within 0.001 s"]


def test_the_cli_environment_sets_the_concurrency_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.delenv("PP_COLLECTOR_CONCURRENCY", raising=False)
    assert replay.cli_env(load(PINGDOM), 4321, tmp_path, 4)["PP_COLLECTOR_CONCURRENCY"] == "4"
    assert "PP_COLLECTOR_CONCURRENCY" not in replay.cli_env(load(PINGDOM), 4321, tmp_path)


def test_a_failed_run_may_leave_the_exchanges_after_its_last_request_unasked():
    exchanges = [{"seq": n} for n in range(5)]
    # asked 0, 1, 3: exchange 2 was skipped (a difference), 4 was never reached (fine)
    assert replay.not_reached([exchanges[2], exchanges[4]], [0, 1, 3]) == [exchanges[2]]
    assert replay.not_reached(exchanges, []) == []


def post(number: int, answered_as: int | None = None) -> replay.Write:
    write = replay.Write("POST", "/data/g/t", None, [{"_id": str(number)}], True)
    write.answered_as, write.same_body = (number if answered_as is None else answered_as), True
    return write


def test_posts_in_flight_are_compared_in_the_order_they_were_started() -> None:
    arrived = [post(1), post(0), post(3), post(2), post(4)]
    ordered, problems = replay.in_sent_order(arrived, 4)
    assert problems == [] and [w.answered_as for w in ordered] == [0, 1, 2, 3, 4]
    assert replay.in_sent_order(arrived, 1) == (arrived, [])  # one at a time: as they came


def test_a_post_earlier_than_the_window_allows_is_a_problem() -> None:
    _, problems = replay.in_sent_order([post(4), post(0), post(1), post(2), post(3)], 4)
    assert problems == ["Backdrop request 5 came before requests [1, 2, 3, 4] were answered: "
                        "more than 4 POSTs in flight"]
    # a slow request 1 while 2 to 5 were answered: never more than 4 in flight
    assert replay.in_sent_order([post(1), post(2), post(3), post(4), post(0)], 4)[1] == []


def test_writes_in_flight_when_the_recorded_run_failed_are_left_out() -> None:
    extra = replay.Write("POST", "/data/g/t", None, [{"_id": "later"}], True)
    writes, problems = replay.in_sent_order([post(0), extra, post(1)], 4, failed_write=True)
    assert writes == [post(0), post(1)] and problems == []
    kept, _ = replay.in_sent_order([post(0), extra, post(1)], 4)  # not after a failure
    assert extra in kept
