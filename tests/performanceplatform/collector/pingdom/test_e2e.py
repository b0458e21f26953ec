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


def expected_records(check_id, name, hours=5):
    start = int(dt.datetime(2018, 8, 10, tzinfo=dt.timezone.utc).timestamp())
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


def test_429_is_retried_after_retry_after_then_succeeds(sandbox, run_cli):
    inject(sandbox, service="pingdom", status=429, count=2, headers={"Retry-After": "1"})
    result = run_cli(query(), TOKEN, *WINDOW)
    assert result.code == 0, result.stderr
    assert [r["status"] for r in served(sandbox, "pingdom")] == [429, 429, 200, 200]
    assert written(sandbox) == expected_records(5257438, "govuk_search")


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
