"""``pp-collector`` with the Pingdom entrypoint against the sandbox, end to end."""

import datetime as dt

from performanceplatform.sandbox.pingdom import _period
from tests.helpers import inject, served, stored

LEGACY = {"user": "someone@example.org", "password": "pw-123456", "app_key": "appkey-123456",
          "account_email": "owner@example.org"}
TOKEN = {"token": "pingdom-api-token-123"}
WINDOW = ("-s", "2018-08-10T00:00:00", "-e", "2018-08-10T05:00:00")


def written(sandbox, group="govuk", type_="monitoring"):
    """What Backdrop stored, without the fields Backdrop adds itself."""
    return [{k: v for k, v in record.items()
             if not (k.endswith("_start_at") or k == "_updated_at")}
            for record in stored(sandbox, group, type_)]


def query(name="govuk_search", options=None):
    return {"entrypoint": "performanceplatform.collector.pingdom",
            "data-set": {"data-group": "govuk", "data-type": "monitoring"},
            "query": {"name": name}, "options": options or {}}


def unix(*when):
    return int(dt.datetime(*when, tzinfo=dt.timezone.utc).timestamp())


def summaries(sandbox):
    """``(from, to)`` of each summary.performance request, as integers, in time order (the
    pieces of a long window are asked for several at once)."""
    return sorted((int(float(dict(r["query"])["from"])), int(float(dict(r["query"])["to"])))
                  for r in served(sandbox, "pingdom") if "summary.performance" in r["path"])


def statuses(sandbox):
    return [r["status"] for r in served(sandbox, "pingdom")]


def expected_records(check_id, name, hours=5, start=None):
    start = unix(2018, 8, 10) if start is None else start
    records = []
    for n in range(hours):
        hour = _period(str(check_id), start + 3600 * n, 3600, True)
        stamp = dt.datetime.fromtimestamp(hour["starttime"], dt.timezone.utc).isoformat()
        records.append({"_id": f"{name.replace(' ', '_')}.{stamp}", "_timestamp": stamp,
                        "check": name, "avgresponse": hour["avgresponse"],
                        "uptime": hour["uptime"], "downtime": hour["downtime"],
                        "unmonitored": hour["unmonitored"]})
    return records


def test_api_2_0_writes_one_record_per_hour(sandbox, run_cli):
    result = run_cli(query(), LEGACY, *WINDOW)
    assert result.code == 0, result.stderr
    assert written(sandbox) == expected_records(5257438, "govuk_search")
    paths = [r["path"] for r in served(sandbox, "pingdom")]
    assert paths == ["/api.pingdom.com/api/2.0/checks",
                     "/api.pingdom.com/api/2.0/summary.performance/5257438"]


def test_api_3_1_with_a_token_writes_the_same_records(sandbox, run_cli):
    name = "Electronic Vehicle Licensing - Tax Disc"
    result = run_cli(query(name), TOKEN, *WINDOW)
    assert result.code == 0, result.stderr
    assert written(sandbox) == expected_records(1652876, name)
    assert {r["authorization"] for r in served(sandbox, "pingdom")} == {"Bearer"}
    assert all("/api/3.1/" in r["path"] for r in served(sandbox, "pingdom"))


def test_records_are_chunked_by_the_chunk_size_option(sandbox, run_cli):
    result = run_cli(query(options={"chunk-size": 2}), TOKEN, *WINDOW)
    assert result.code == 0, result.stderr
    posts = [r for r in served(sandbox, "backdrop") if r["method"] == "POST"]
    assert len(posts) == 3
    assert len(stored(sandbox, "govuk", "monitoring")) == 5


def test_an_unknown_check_is_one_line_and_nothing_is_written(sandbox, run_cli):
    result = run_cli(query("no such check"), TOKEN, *WINDOW)
    assert result.code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("pp-collector: error: pingdom: "
                                                             "no check named 'no such check'")
    assert "Traceback" not in result.stderr
    assert stored(sandbox, "govuk", "monitoring") == []


def test_a_refused_token_is_one_line_without_the_token(sandbox, run_cli):
    result = run_cli(query(), {"token": "bad-token"}, *WINDOW)
    assert result.code == 1
    assert "HTTP 401" in result.stderr and "credentials were refused" in result.stderr
    assert "bad-token" not in result.output
    assert stored(sandbox, "govuk", "monitoring") == []


def test_a_refused_password_is_reported(sandbox, run_cli):
    result = run_cli(query(), dict(LEGACY, password="bad-password"), *WINDOW)
    assert result.code == 1
    assert "HTTP 401" in result.stderr
    assert "bad-password" not in result.output


def test_429_without_limit_headers_is_retried_with_backoff(sandbox, run_cli):
    inject(sandbox, service="pingdom", status=429, count=2)
    result = run_cli(query(), TOKEN, *WINDOW)
    assert result.code == 0, result.stderr
    assert statuses(sandbox) == [429, 429, 200, 200]
    assert written(sandbox) == expected_records(5257438, "govuk_search")


def test_a_spent_limit_that_resets_soon_is_waited_for(sandbox, run_cli, service_settings):
    # a 3 s window: the plain backoff's first wait (1-2 s) would be refused again
    service_settings("pingdom").update(short_limit=1, short_window=3)
    result = run_cli(query(), TOKEN, *WINDOW, env={"PP_COLLECTOR_BACKOFF_SCALE": "1"})
    assert result.code == 0, result.stderr
    assert statuses(sandbox) == [200, 429, 200]
    assert "retrying in 4.0 s" in result.stderr
    assert written(sandbox) == expected_records(5257438, "govuk_search")


def test_a_spent_limit_that_resets_later_fails_at_once_saying_when(sandbox, run_cli,
                                                                    service_settings):
    service_settings("pingdom").update(short_limit=1)
    result = run_cli(query(), TOKEN, *WINDOW, env={"PP_COLLECTOR_NOW": "2018-08-13T09:30Z"})
    assert result.code == 1
    assert statuses(sandbox) == [200, 429]
    line = result.stderr.strip().splitlines()[-1]
    assert "HTTP 429" in line and "Request limit exceeded, try again later" in line
    assert "resets in 60 min: run again after 2018-08-13 10:30 UTC" in line
    assert stored(sandbox, "govuk", "monitoring") == []


def test_api_2_0_rate_limit_403_is_waited_for(sandbox, run_cli, service_settings):
    service_settings("pingdom").update(short_limit=1, short_window=1)
    result = run_cli(query(), LEGACY, *WINDOW, env={"PP_COLLECTOR_BACKOFF_SCALE": "1"})
    assert result.code == 0, result.stderr
    assert statuses(sandbox) == [200, 403, 200]
    assert written(sandbox) == expected_records(5257438, "govuk_search")


def test_a_403_whose_body_says_rate_limit_is_retried_with_backoff(sandbox, run_cli):
    body = ('{"error": {"statuscode": 403, "statusdesc": "Forbidden", '
            '"errormessage": "Request limit exceeded, try again later"}}')
    inject(sandbox, service="pingdom", status=403, count=2, body=body,
           path="/api.pingdom.com/api/2.0/summary")
    result = run_cli(query(), LEGACY, *WINDOW)
    assert result.code == 0, result.stderr
    assert statuses(sandbox) == [200, 403, 403, 200]
    assert written(sandbox) == expected_records(5257438, "govuk_search")


def test_any_other_403_fails_at_once_as_refused_credentials(sandbox, run_cli):
    result = run_cli(query(), dict(LEGACY, app_key="bad-app-key"), *WINDOW)
    assert result.code == 1
    assert statuses(sandbox) == [403]
    line = result.stderr.strip().splitlines()[-1]
    assert "HTTP 403" in line and "credentials were refused" in line
    assert "bad-app-key" not in result.output


def test_a_long_window_is_asked_for_in_pieces_of_at_most_31_days(sandbox, run_cli):
    result = run_cli(query(options={"chunk-size": 5000}), TOKEN,
                     "-s", "2018-01-01T00:00:00", "-e", "2018-03-15T00:00:00")
    assert result.code == 0, result.stderr
    assert summaries(sandbox) == [(unix(2018, 1, 1), unix(2018, 2, 1)),
                                  (unix(2018, 2, 1), unix(2018, 3, 4)),
                                  (unix(2018, 3, 4), unix(2018, 3, 15))]
    assert written(sandbox) == expected_records(5257438, "govuk_search", hours=73 * 24,
                                                start=unix(2018, 1, 1))


def test_an_end_only_run_starts_at_the_hour_the_check_was_created(sandbox, run_cli,
                                                                  service_settings):
    created = unix(2018, 8, 8, 13, 20)
    service_settings("pingdom")["checks"] = [
        {"id": 5257438, "name": "govuk_search", "created": created}]
    result = run_cli(query(), TOKEN, "-e", "2018-08-10T05:00:00")
    assert result.code == 0, result.stderr
    assert summaries(sandbox) == [(unix(2018, 8, 8, 13), unix(2018, 8, 10, 5))]
    assert written(sandbox) == expected_records(5257438, "govuk_search", hours=40,
                                                start=unix(2018, 8, 8, 13))


def test_an_end_only_run_without_a_created_time_looks_back_366_days(sandbox, run_cli,
                                                                    service_settings):
    service_settings("pingdom")["checks"] = [
        {"id": 5257438, "name": "govuk_search", "created": None}]
    result = run_cli(query(), TOKEN, "-e", "2018-08-10T05:00:00", "--dry-run")
    assert result.code == 0, result.stderr
    asked = summaries(sandbox)
    assert asked[0][0] == unix(2018, 8, 10, 5) - 366 * 86400
    assert asked[-1][1] == unix(2018, 8, 10, 5) and len(asked) == 12
    assert all(b - a <= 31 * 86400 for a, b in asked)
    assert all(asked[n][1] == asked[n + 1][0] for n in range(len(asked) - 1))


def test_hours_lacking_metrics_are_written_with_what_they_have(sandbox, run_cli,
                                                               service_settings):
    service_settings("pingdom")["missing"] = {"avgresponse": 2}
    result = run_cli(query(), TOKEN, *WINDOW)
    assert result.code == 0, result.stderr
    expected = expected_records(5257438, "govuk_search")
    for record in expected[::2]:  # 2018-08-10T00:00 is an even hour since the epoch
        del record["avgresponse"]
    assert written(sandbox) == expected
    notes = [line for line in result.stderr.splitlines() if "lacked fields" in line]
    assert len(notes) == 1 and "3 of 5 hours" in notes[0] and "avgresponse 3" in notes[0]


def test_503_twice_then_success(sandbox, run_cli):  # spec §7.7 examples 87–89, today's rules
    inject(sandbox, service="pingdom", status=503, count=2, path="/api.pingdom.com/api/3.1/summ")
    result = run_cli(query(), TOKEN, *WINDOW)
    assert result.code == 0, result.stderr
    assert [r["status"] for r in served(sandbox, "pingdom")] == [200, 503, 503, 200]


def test_a_call_failing_after_retries_is_one_line_and_nothing_is_written(sandbox, run_cli):
    inject(sandbox, service="pingdom", status=500, count=50,
           path="/api.pingdom.com/api/3.1/summary")
    result = run_cli(query(), TOKEN, *WINDOW)
    assert result.code == 1
    lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(lines) == 1 and "HTTP 500" in lines[0]
    assert stored(sandbox, "govuk", "monitoring") == []


def test_missing_credentials_and_query_keys_are_reported_together(sandbox, run_cli):
    bad = query(options={"chunk-size": -1})
    bad["query"] = {}
    result = run_cli(bad, {"user": "u"}, *WINDOW)
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    for key in ("password", "app_key", "query.name", "options.chunk-size", "credentials.json"):
        assert key in line
    assert served(sandbox, "pingdom") == []


def test_dry_run_sends_nothing_to_backdrop(sandbox, run_cli):
    result = run_cli(query(), TOKEN, *WINDOW, "--dry-run")
    assert result.code == 0, result.stderr
    assert stored(sandbox, "govuk", "monitoring") == []
    assert "pingdom-api-token-123" not in result.output


def test_a_same_day_window_ending_before_its_start_hour_says_there_is_nothing_to_collect(
        sandbox, run_cli):
    result = run_cli(query(), TOKEN, "-s", "2018-08-10T13:45:00", "-e", "2018-08-10T02:00:00")
    assert result.code == 0, result.stderr
    assert summaries(sandbox) == []  # no request for an empty window
    assert written(sandbox) == []
    assert "nothing to collect for check 'govuk_search'" in result.stderr
    assert "2018-08-10 02:00:00, not after its start at 2018-08-10 13:00:00" in result.stderr
