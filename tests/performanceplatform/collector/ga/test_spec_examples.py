"""Acceptance examples of the original's GA tests (spec ga.md §14) not covered elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.collector.ga.collect import CoreReports
from performanceplatform.collector.ga.realtime import realtime_record
from performanceplatform.collector.ga.trending import sum_weeks, week_dates
from performanceplatform.pipeline.periods import period_units
from performanceplatform.pipeline.records import RecordBuilder
from performanceplatform.utils import clock
from performanceplatform.utils.checks import Problems
from tests.helpers import stored


class OnePageClient:
    """A Core Reporting client stub that answers one page."""

    def __init__(self, page: dict):
        self.page = page
        self.asked: list = []

    def pages(self, request):
        self.asked.append(request)
        yield self.page


def test_14_1_1_uc_browser_records_with_compute_id_from():
    query = {"metrics": ["visitors"], "maxResults": 0, "dimensions": ["browser", "browserVersion"],
             "filters": ["pagePath=~^/vehicle-tax"], "id": "ga:74473500"}
    options = {"additionalFields": {"department": "driver-and-vehicle-standards-agency"},
               "filtersets": [["customVarValue9=~^<D10>"]],  # the core ignores it
               "plugins": ["Comment('Ids of the browsers and their versions')",
                           "ComputeIdFrom('_timestamp', 'timeSpan', 'dataType', 'department', "
                           "'browser', 'browserVersion')"]}
    reports, problems = CoreReports("browsers"), Problems("query.json")
    reports.read_query(query, problems)
    reports.read_options(options, problems)
    assert problems.found == []  # accepted as the original accepted it
    reports.client = client = OnePageClient({
        "query": {"start-date": "2014-10-13", "end-date": "2014-10-19"},
        "rows": [["UC Browser", "9.4.1.482", "14"], ["UC Browser", "9.7.6.428", "14"]]})
    [unit] = period_units(dt.datetime(2014, 10, 13), dt.datetime(2014, 10, 19), "weekly")
    builder = RecordBuilder(options, "browsers")
    docs = builder.finish(list(builder.records(reports.build(unit, reports.fetch(unit)))))
    assert len(docs) == 2
    first, second = docs
    assert first["humanId"] == ("20141013000000_week_browsers_driver-and-vehicle-standards-agency"
                                "_UC Browser_9.4.1.482")
    assert first["_id"] == ("MjAxNDEwMTMwMDAwMDBfd2Vla19icm93c2Vyc19kcml2ZXItYW5kLXZlaGljbGUtc3Rh"
                            "bmRhcmRzLWFnZW5jeV9VQyBCcm93c2VyXzkuNC4xLjQ4Mg==")
    assert second["humanId"].endswith("_UC Browser_9.7.6.428")
    assert second["_id"] == ("MjAxNDEwMTMwMDAwMDBfd2Vla19icm93c2Vyc19kcml2ZXItYW5kLXZlaGljbGUtc3Rh"
                             "bmRhcmRzLWFnZW5jeV9VQyBCcm93c2VyXzkuNy42LjQyOA==")
    expected = {"browser": "UC Browser", "browserVersion": "9.4.1.482", "timeSpan": "week",
                "dataType": "browsers", "visitors": 14,
                "department": "driver-and-vehicle-standards-agency"}
    assert {key: first[key] for key in expected} == expected
    assert first["_timestamp"] == dt.datetime(2014, 10, 13, tzinfo=dt.timezone.utc)
    assert set(first) == set(expected) | {"_timestamp", "humanId", "_id"}
    assert [r.params()["filters"] for r in client.asked] == ["ga:pagePath=~^/vehicle-tax"]


@pytest.mark.parametrize("now, stamp", [
    ("2014-01-07T10:20:57Z", "2014-01-07T10:20:57+00:00"),  # winter (GMT)
    ("2014-04-07T10:20:57Z", "2014-04-07T10:20:57+00:00"),  # summer: still UTC, not BST
])
def test_14_2_20_realtime_timestamp_is_utc_in_summer_and_winter(monkeypatch, now, stamp):
    monkeypatch.setenv("PP_COLLECTOR_NOW", now)
    assert realtime_record({"rows": [["20459"]]}, {}) == {
        "_timestamp": stamp, "_id": stamp, "unique_visitors": 20459, "for_url": ""}


@pytest.mark.parametrize("now, stamp", [
    ("2014-01-07T10:20:57Z", "2014-01-07T10:20:57+00:00"),  # 14.2 #15
    ("2014-04-07T10:20:57Z", "2014-04-07T10:20:57+00:00"),  # 14.2 #16
])
def test_14_2_15_and_16_realtime_posts_the_count_stamped_now(sandbox, run_cli, service_settings,
                                                              now, stamp):
    service_settings("google_v3")["active_users"] = 20459
    credentials = {"CLIENT_SECRETS": {"installed": {"client_id": "c", "client_secret": "s"}},
                   "OAUTH2_CREDENTIALS": {"access_token": "sandbox-access-x",
                                          "refresh_token": "r", "client_id": "c",
                                          "client_secret": "s",
                                          "token_expiry": "2999-01-01T00:00:00Z"}}
    query = {"entrypoint": "performanceplatform.collector.ga.realtime",
             "query": {"ids": "ga:1", "metrics": "rt:activeUsers"}, "options": {},
             "data-set": {"data-group": "ga", "data-type": "realtime"}}
    result = run_cli(query, credentials, env={"PP_COLLECTOR_NOW": now})
    assert result.code == 0, result.stderr
    [record] = stored(sandbox, "ga", "realtime")
    assert {k: v for k, v in record.items() if not k.startswith("_")} == {
        "unique_visitors": 20459, "for_url": ""}
    assert record["_id"] == record["_timestamp"] == stamp


def _item(day: str, views: str) -> dict:
    return {"dimensions": {"pageTitle": day, "pagePath": "/" + day, "day": day[8:],
                           "month": day[5:7], "year": day[:4]},
            "metrics": {"pageviews": views}}


def test_14_3_28_days_are_assigned_to_weeks_across_the_year_boundary(monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_NOW", "2013-01-05T00:00:00Z")
    start, middle, end = week_dates(clock.today())
    assert (start, middle, end) == (dt.date(2012, 12, 22), dt.date(2012, 12, 29),
                                    dt.date(2013, 1, 4))
    days = ["2012-12-22", "2012-12-28", "2012-12-29", "2013-01-04"]
    pages = sum_weeks([_item(day, "1000") for day in days], "pageviews", start, middle)
    week = {day: 1 if pages[day]["week1"] == 1000 else 2 for day in days}
    assert week == {"2012-12-22": 1, "2012-12-28": 1, "2012-12-29": 2, "2013-01-04": 2}
    assert all(500 in (p["week1"], p["week2"]) for p in pages.values())  # the other is floored
