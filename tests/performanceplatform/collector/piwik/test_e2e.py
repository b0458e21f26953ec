"""``pp-collector`` with the Piwik/Matomo entrypoints against the sandbox, end to end."""

import base64

import pytest
import requests

from tests.helpers import inject, served, stored

TOKEN = "piwik-token-0123456789"
OPTIONS = {"mappings": {"label": "browser", "nb_visits": "sessions"},
           "idMapping": ["dataType", "_timestamp", "timeSpan", "browser"]}


def credentials(sandbox, **extra):
    return {"token_auth": TOKEN, "url": f"{sandbox.url}/matomo.example.service.gov.uk/index.php",
            **extra}


def query(entrypoint="performanceplatform.collector.piwik.core", frequency="daily",
          options=None, **extra):
    q = {"site_id": "3", "api_method": "DevicesDetection.getBrowsers", **extra}
    if frequency:
        q["frequency"] = frequency
    return {"entrypoint": entrypoint, "data-set": {"data-group": "site", "data-type": "browsers"},
            "query": q, "options": OPTIONS if options is None else options}


def written(sandbox):
    return [{k: v for k, v in record.items()
             if not (k.endswith("_start_at") or k == "_updated_at")}
            for record in stored(sandbox, "site", "browsers")]


def source_answer(sandbox, **params):
    """What the simulated Matomo answers, fetched by hand."""
    url = f"{sandbox.url}/matomo.example.service.gov.uk/index.php"
    params = {"module": "API", "idSite": "3", "format": "json", "token_auth": TOKEN,
              "method": "DevicesDetection.getBrowsers", **params}
    return requests.get(url, params=params, timeout=10).json()


def expected(answer, span, first_days):
    """The records, by hand: mapped columns only, ids from idMapping."""
    records = []
    for label, rows in answer.items():
        day = first_days[label]
        for row in rows:
            human = f"browsers{day} 00:00:00+00:00{span}{row['label']}"
            records.append({
                "_timestamp": f"{day}T00:00:00+00:00", "dataType": "browsers",
                "browser": row["label"], "sessions": row["nb_visits"], "timeSpan": span,
                "humanId": human,
                "_id": base64.urlsafe_b64encode(human.encode()).decode()})
    return records


def by_id(records):
    return sorted(records, key=lambda r: r["_id"])


def test_daily_range_in_the_originals_order(sandbox, run_cli):
    result = run_cli(query(), credentials(sandbox), "-s", "2018-08-01", "-e", "2018-08-05")
    assert result.code == 0, result.stderr
    answer = source_answer(sandbox, period="day", date="2018-08-01,2018-08-05")
    want = expected(answer, "day", {d: d for d in answer})
    got = written(sandbox)
    assert by_id(got) == by_id(want)
    days = list(dict.fromkeys(r["_timestamp"][:10] for r in got))
    assert days == ["2018-08-05", "2018-08-04", "2018-08-01", "2018-08-03", "2018-08-02"]


def test_weekly_range(sandbox, run_cli):
    result = run_cli(query(frequency="weekly"), credentials(sandbox),
                     "-s", "2018-07-16", "-e", "2018-08-05")
    assert result.code == 0, result.stderr
    answer = source_answer(sandbox, period="week", date="2018-07-16,2018-08-05")
    assert list(answer) == ["2018-07-16,2018-07-22", "2018-07-23,2018-07-29",
                            "2018-07-30,2018-08-05"]
    want = expected(answer, "week", {k: k[:10] for k in answer})
    assert by_id(written(sandbox)) == by_id(want)


def test_both_week_label_forms_write_the_same_records(sandbox, run_cli, service_settings):
    runs = []
    for version in ("2.16.5", "5.2.0"):  # "From 2018-07-16 to 2018-07-22", "2018-07-16,..."
        service_settings("piwik")["version"] = version
        result = run_cli(query(frequency="weekly"), credentials(sandbox),
                         "-s", "2018-07-16", "-e", "2018-08-05")
        assert result.code == 0, result.stderr
        runs.append(written(sandbox))
        sandbox.service("backdrop").store.empty("site_browsers")
    weeks = [dict(r["query"])["date"] for r in served(sandbox, "piwik")]
    assert weeks == ["2018-07-16,2018-08-05"] * 2
    # the same records and ids (in another order: periods come in Python 2's order of keys)
    assert by_id(runs[0]) == by_id(runs[1]) and len(runs[0]) == 12
    assert {r["_timestamp"][:10] for r in runs[0]} == {"2018-07-16", "2018-07-23", "2018-07-30"}


def test_a_large_site_gets_every_row_and_keeps_the_first_100_as_before(
        sandbox, run_cli, service_settings):
    service_settings("piwik")["rows"] = {"3": 250}
    result = run_cli(query(), credentials(sandbox), "-s", "2018-08-01", "-e", "2018-08-02")
    assert result.code == 0, result.stderr
    assert dict(served(sandbox, "piwik")[0]["query"])["filter_limit"] == "-1"
    everything = source_answer(sandbox, period="day", date="2018-08-01,2018-08-02",
                               filter_limit="-1")
    got = by_id(written(sandbox))
    assert len(got) == 500
    assert got == by_id(expected(everything, "day", {d: d for d in everything}))
    # what the original asked for (no filter_limit): Matomo's first 100 rows of each day
    before = source_answer(sandbox, period="day", date="2018-08-01,2018-08-02")
    assert [len(rows) for rows in before.values()] == [100, 100]
    first_100 = expected(before, "day", {d: d for d in before})
    assert all(record in got for record in first_100)


@pytest.mark.parametrize("where", ["query", "api_method_arguments"])
def test_a_filter_limit_of_the_query_is_honoured_and_a_full_period_warned(
        sandbox, run_cli, service_settings, where):
    service_settings("piwik")["rows"] = 250
    extra = ({"filter_limit": 150} if where == "query"
             else {"api_method_arguments": {"filter_limit": "150"}})
    result = run_cli(query(**extra), credentials(sandbox), "-s", "2018-08-01", "-e",
                     "2018-08-02")
    assert result.code == 0, result.stderr
    assert dict(served(sandbox, "piwik")[0]["query"])["filter_limit"] == "150"
    assert len(written(sandbox)) == 300
    assert "2 period(s) hold exactly filter_limit=150 rows" in result.stderr


def test_a_bad_filter_limit_is_a_config_error_before_any_request(sandbox, run_cli):
    result = run_cli(query(filter_limit="all"), credentials(sandbox))
    assert result.code == 1
    assert "query.filter_limit" in result.stderr.strip().splitlines()[-1]
    assert served(sandbox, "piwik") == []


def test_monthly_range_with_chunks_and_emptying(sandbox, run_cli):
    options = dict(OPTIONS, **{"chunk-size": 5, "empty-data-set": True})
    result = run_cli(query(frequency="monthly", options=options), credentials(sandbox),
                     "-s", "2018-05-15", "-e", "2018-07-31")
    assert result.code == 0, result.stderr
    answer = source_answer(sandbox, period="month", date="2018-05-15,2018-07-31")
    want = expected(answer, "month", {k: f"{k}-01" for k in answer})
    assert by_id(written(sandbox)) == by_id(want)
    backdrop = [r["method"] for r in served(sandbox, "backdrop") if r["method"] != "GET"]
    assert backdrop == ["PUT", "POST", "POST", "POST"]


def test_without_dates_previous1_of_the_default_weekly_frequency(sandbox, run_cli):
    result = run_cli(query(frequency=None), credentials(sandbox))
    assert result.code == 0, result.stderr
    request = served(sandbox, "piwik")[0]
    assert dict(request["query"])["date"] == "previous1"
    assert dict(request["query"])["period"] == "week"
    assert {r["timeSpan"] for r in written(sandbox)} == {"week"}


def test_token_travels_in_a_post_body_by_default(sandbox, run_cli):
    run_cli(query(), credentials(sandbox), "-s", "2018-08-01", "-e", "2018-08-01")
    request = served(sandbox, "piwik")[0]
    assert request["method"] == "POST" and "token_auth" not in dict(request["query"])


@pytest.mark.parametrize("how", ["credentials", "env"])
def test_token_in_the_url_when_asked(sandbox, run_cli, how):
    extra = {"token_in_url": True} if how == "credentials" else {}
    env = {"PP_COLLECTOR_PIWIK_TOKEN_IN_URL": "1"} if how == "env" else {}
    result = run_cli(query(), credentials(sandbox, **extra), "-s", "2018-08-01",
                     "-e", "2018-08-01", env=env)
    assert result.code == 0, result.stderr
    request = served(sandbox, "piwik")[0]
    assert request["method"] == "GET" and dict(request["query"])["token_auth"] == TOKEN
    assert TOKEN not in result.output


def test_realtime_writes_the_visitors_now(sandbox, run_cli):
    q = query("performanceplatform.collector.piwik.realtime", frequency=None, options={},
              api_method="Live.getCounters", minutes="1")
    result = run_cli(q, credentials(sandbox), env={"PP_COLLECTOR_NOW": "2018-08-13T09:31:07Z"})
    assert result.code == 0, result.stderr
    visitors = int(source_answer(sandbox, method="Live.getCounters", lastMinutes="1")[0]
                   ["visitors"])
    assert written(sandbox) == [{"_id": "2018-08-13T09:31:07+00:00",
                                 "_timestamp": "2018-08-13T09:31:07+00:00",
                                 "unique_visitors": visitors, "for_url": ""}]
    assert dict(served(sandbox, "piwik")[0]["query"])["lastMinutes"] == "1"


def test_realtime_refuses_a_backfill_in_one_line(sandbox, run_cli):
    q = query("performanceplatform.collector.piwik.realtime", frequency=None, options={})
    result = run_cli(q, credentials(sandbox), "-s", "2015-01-21", "-e", "2015-01-22")
    assert result.code == 2  # a command-line error
    assert "Cannot backfill realtime collectors" in result.stderr
    assert served(sandbox, "piwik") == [] and written(sandbox) == []


@pytest.mark.parametrize("entrypoint", [
    "performanceplatform.collector.piwik",
    "performanceplatform.collector.matomo",
    "performanceplatform.collector.matomo.core",
])
def test_core_aliases(sandbox, run_cli, entrypoint):
    result = run_cli(query(entrypoint), credentials(sandbox), "-s", "2018-08-01",
                     "-e", "2018-08-02")
    assert result.code == 0, result.stderr
    answer = source_answer(sandbox, period="day", date="2018-08-01,2018-08-02")
    assert by_id(written(sandbox)) == by_id(expected(answer, "day", {d: d for d in answer}))


def test_matomo_realtime_alias(sandbox, run_cli):
    q = query("performanceplatform.collector.matomo.realtime", frequency=None, options={},
              api_method="Live.getCounters")
    result = run_cli(q, credentials(sandbox))
    assert result.code == 0, result.stderr
    assert len(written(sandbox)) == 1


@pytest.mark.parametrize("version, answered", [("5.2.0", "answered HTTP 401"),
                                               ("4.16.1", "answered an error")])
def test_a_refused_token_is_one_line_naming_the_credentials_and_nothing_is_written(
        sandbox, run_cli, service_settings, version, answered):
    service_settings("piwik")["version"] = version
    creds = dict(credentials(sandbox), token_auth="bad-token")
    result = run_cli(query(), creds, "-s", "2018-08-01", "-e", "2018-08-02")
    assert result.code == 1
    lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(lines) == 1 and f"{answered}: You can't access" in lines[0]
    assert "matomo.example.service.gov.uk/index.php" in lines[0]
    assert f"check 'token_auth' in {result.workdir / 'credentials.json'}" in lines[0]
    assert "bad-token" not in result.output
    assert written(sandbox) == []


@pytest.mark.parametrize("version, answered", [("5.2.0", "answered HTTP 400"),
                                               ("5.1.0", "answered an error")])
def test_an_unknown_method_is_one_line_and_nothing_is_written(
        sandbox, run_cli, service_settings, version, answered):
    service_settings("piwik")["version"] = version
    result = run_cli(query(api_method="DevicesDetection.browsers"), credentials(sandbox),
                     "-s", "2018-08-01", "-e", "2018-08-02")
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert f"{answered}: The method 'DevicesDetection.browsers' does not exist" in line
    assert TOKEN not in result.output
    assert [r["status"] for r in served(sandbox, "piwik")] == [int(answered[-3:])
                                                               if "HTTP" in answered else 200]
    assert written(sandbox) == []


def test_a_failed_call_is_one_line_and_nothing_is_written(sandbox, run_cli):
    inject(sandbox, service="piwik", status=502, count=50)
    result = run_cli(query(), credentials(sandbox), "-s", "2018-08-01", "-e", "2018-08-02")
    assert result.code == 1
    assert "HTTP 502" in result.stderr.strip().splitlines()[-1]
    assert TOKEN not in result.output
    assert written(sandbox) == []


def test_a_503_is_retried(sandbox, run_cli):
    inject(sandbox, service="piwik", status=503, count=1)
    result = run_cli(query(), credentials(sandbox), "-s", "2018-08-01", "-e", "2018-08-02")
    assert result.code == 0, result.stderr
    assert [r["status"] for r in served(sandbox, "piwik")] == [503, 200]
    assert len(written(sandbox)) == 8


def test_config_problems_are_reported_together_before_any_request(sandbox, run_cli):
    bad = query(frequency="hourly")
    del bad["query"]["site_id"]
    result = run_cli(bad, {"url": "not-a-url"})
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    for key in ("'url'", "'token_auth'", "query.site_id", "query.frequency"):
        assert key in line
    assert served(sandbox, "piwik") == []
