"""The Webtrends double: routes, Basic auth, periods, deterministic answers."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from performanceplatform.sandbox.webtrends import PeriodError, parse_period

NOW = dt.datetime(2018, 8, 13, 9, 30, tzinfo=dt.timezone.utc)
V2 = "/ws.webtrends.com/v2_0/ReportService"
V3 = "/ws.webtrends.com/v3/Reporting/profiles/prof1"


def get(sandbox, path, auth=("acct\\user", "pw"), **params):
    params.setdefault("format", "json")
    return requests.get(sandbox.url + path, params=params, auth=auth, timeout=10)


@pytest.mark.parametrize("text,end,expected", [
    ("2018m08d10", False, (dt.datetime(2018, 8, 10, 0), False)),
    ("2018m08d10", True, (dt.datetime(2018, 8, 10, 23), False)),
    ("2018m08d10h13", True, (dt.datetime(2018, 8, 10, 13), True)),
    ("current_hour-1", False, (dt.datetime(2018, 8, 13, 8), True)),
    ("current_day-1", True, (dt.datetime(2018, 8, 12, 23), False)),
])
def test_periods(text, end, expected):
    assert parse_period(text, end, NOW) == expected


@pytest.mark.parametrize("text", ["", "2018-08-10", "2018m13d01", "yesterday"])
def test_bad_periods(text):
    with pytest.raises(PeriodError):
        parse_period(text, False, NOW)


def test_v2_keymetrics_hourly_rows(sandbox):
    answer = get(sandbox, f"{V2}/keymetrics/prof1/", start_period="2018m08d10",
                 end_period="2018m08d10")
    assert answer.status_code == 200
    (label, blob), = answer.json()["data"].items()
    assert label == "08/10/2018 00-08/10/2018 23"
    assert len(blob["SubRows"]) == 24
    row = next(r for r in blob["SubRows"].values() if r)
    assert isinstance(row["measures"]["Page Views"], float)


def test_v3_keymetrics_one_element_per_day(sandbox):
    data = get(sandbox, f"{V3}/Keymetrics/", start_period="2018m08d10",
               end_period="2018m08d11").json()["data"]
    assert [d["start_date"] for d in data] == ["2018-08-10", "2018-08-11"]
    assert list(data[0]["SubRows"]) == ["prof1"]
    assert isinstance(data[0]["measures"]["Visits"], int)


def test_reports_v2_and_v3(sandbox, sandbox_config, monkeypatch):
    monkeypatch.setitem(sandbox_config.services, "webtrends", {"rows": 6})
    v2 = get(sandbox, f"{V2}/profiles/prof1/reports/r1", start_period="2018m08d06",
             end_period="2018m08d06").json()
    assert list(v2["data"]) == ["08/06/2018-08/06/2018"]
    assert len(v2["data"]["08/06/2018-08/06/2018"]["SubRows"]) == 6
    v3 = get(sandbox, f"{V3}/reports/r1", start_period="2018m08d06",
             end_period="2018m08d06").json()
    assert v3["definition"]["ID"] == "r1"
    assert len(v3["data"][0]["SubRows"][0]) == 6


def test_the_same_request_gets_the_same_answer(sandbox):
    path = f"{V3}/reports/r1"
    first = get(sandbox, path, start_period="2018m08d06", end_period="2018m08d06").json()
    again = get(sandbox, path, start_period="2018m08d06", end_period="2018m08d06").json()
    other = get(sandbox, path, start_period="2018m08d07", end_period="2018m08d07").json()
    assert first == again and first["data"] != other["data"]


def test_basic_auth_is_required_and_can_be_pinned(sandbox, sandbox_config, monkeypatch):
    path = f"{V3}/reports/r1"
    assert get(sandbox, path, auth=None, start_period="2018m08d06").status_code == 401
    monkeypatch.setitem(sandbox_config.services, "webtrends", {"user": "u", "password": "p"})
    refused = get(sandbox, path, auth=("u", "nope"), start_period="2018m08d06")
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Basic")
    assert get(sandbox, path, auth=("u", "p"), start_period="2018m08d06").status_code == 200


def test_bad_period_and_unknown_path(sandbox):
    assert get(sandbox, f"{V3}/reports/r1", start_period="2018-08-06").status_code == 400
    assert get(sandbox, "/ws.webtrends.com/v9/nothing", start_period="x").status_code == 404
