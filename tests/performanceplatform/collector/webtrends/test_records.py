"""Webtrends v2/v3 parsers and record building (spec sources.md §7.5, #36 and #43–#61)."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest

from performanceplatform.collector.webtrends.records import (
    ShapeError,
    build_records,
    keymetrics_v2,
    keymetrics_v3,
    reports_v2,
    reports_v3,
    v2_day,
    v2_hour,
    v3_start,
)

UTC = dt.timezone.utc
ZEROES = {"Avg. Time on Site": 0.0, "Avg. Visitors per Day": 0.0, "Bounce Rate": 0.0}
KEYMETRICS_V2 = {
    "10/30/2014 13-10/30/2014 13": {
        "measures": {"Visits": 5.0},
        "SubRows": {
            "10/30/2014 12": {"measures": {"Visitors": 1.0, "Page Views per Visit": 9.5,
                                           "Page Views": 19.0, "New Visitors": 0.0,
                                           "Visits": 2.0, **ZEROES}},
            "10/30/2014 13": {"measures": {"Visitors": 2.0, "Page Views per Visit": 4.0,
                                           "Page Views": 12.0, "New Visitors": 1.0,
                                           "Visits": 3.0, **ZEROES}},
            "10/30/2014 14": None,
        },
    }
}
KEYMETRICS_OPTIONS = {
    "mappings": {"Visitors": "visitors", "Page Views per Visit": "page_views_per_visit"},
    "additionalFields": {"test": "field"},
    "idMapping": ["dataType", "_timestamp", "test"],
}
V3_MEASURES = {"PageViews": 96971613, "Visits": 44331856, "Visitors": 34451356,
               "NewVisitors": 10651479, "BounceRate": 65.7744489650963,
               "AvgTimeonSite": 403.282126908444, "AvgVisitorsperDay": 1392933.67857143,
               "PageViewsperVisit": 2.18740250802944,
               "AvgTimeonSiteperVisitor": 176.891636021526}
KEYMETRICS_V3 = [{"period": "Day", "start_date": "2015-03-26", "end_date": "2015-04-22",
                  "attributes": {}, "measures": V3_MEASURES,
                  "SubRows": {"fgkdatFA7d7": {"attributes": {}, "measures": V3_MEASURES,
                                              "SubRows": None}}}]
REPORT_OPTIONS = {"row_type_name": "browser", "mappings": {"Visits": "visitors"},
                  "additionalFields": {"test": "field"},
                  "idMapping": ["dataType", "_timestamp", "browser"]}
REPORT_V2 = {"10/14/2014-10/14/2014": {
    "SubRows": {"Mozilla": {"measures": {"Visits": 1.0}},
                "Google Chrome": {"measures": {"Visits": 18.0}}},
    "measures": {"Visits": 19.0}}}
REPORT_V3 = [{"period": "Month", "start_date": "2015-03", "end_date": "2015-03",
              "measures": {"Visits": 49152881, "Hits": 121076884},
              "SubRows": [{
                  "Android Browser": {"measures": {"Visits": 3862240, "Hits": 9983638},
                                      "SubRows": {"4.4": {"measures": {"Visits": 1}}}},
                  "Firefox": {"measures": {"Visits": 1850026, "Hits": 5565793},
                              "SubRows": {"36.0": {"measures": {"Visits": 1}}}}}]}]


def test_keymetrics_v2_records_in_the_original_order_with_its_ids():  # 36, 45
    records = build_records(keymetrics_v2(KEYMETRICS_V2), KEYMETRICS_OPTIONS, "realtime")
    assert records == [
        {"_id": "cmVhbHRpbWUyMDE0LTEwLTMwIDEzOjAwOjAwKzAwOjAwZmllbGQ=",
         "_timestamp": dt.datetime(2014, 10, 30, 13, tzinfo=UTC), "dataType": "realtime",
         "humanId": "realtime2014-10-30 13:00:00+00:00field", "visitors": 2.0,
         "page_views_per_visit": 4.0, "Page Views": 12.0, "New Visitors": 1.0, "Visits": 3.0,
         "test": "field", **ZEROES},
        {"_id": "cmVhbHRpbWUyMDE0LTEwLTMwIDEyOjAwOjAwKzAwOjAwZmllbGQ=",
         "_timestamp": dt.datetime(2014, 10, 30, 12, tzinfo=UTC), "dataType": "realtime",
         "humanId": "realtime2014-10-30 12:00:00+00:00field", "visitors": 1.0,
         "page_views_per_visit": 9.5, "Page Views": 19.0, "New Visitors": 0.0, "Visits": 2.0,
         "test": "field", **ZEROES},
    ]


def test_v2_labels():  # 43, 56
    assert v2_hour("10/30/2014 13") == dt.datetime(2014, 10, 30, 13, tzinfo=UTC)
    assert v2_day("10/14/2014-10/15/2014") == dt.datetime(2014, 10, 14, tzinfo=UTC)


def test_v2_null_sub_rows_give_nothing():  # 44, 57
    assert list(keymetrics_v2({"10/30/2014 13-10/30/2014 13": {"SubRows": None}})) == []
    assert list(reports_v2({"10/14/2014-10/14/2014": {"SubRows": None}}, "browser")) == []


def test_v2_malformed_label_is_a_shape_error_even_for_a_null_row():
    blob = {"x": {"SubRows": {"30/10/2014 13": None}}}
    with pytest.raises(ShapeError, match="30/10/2014 13"):
        list(keymetrics_v2(blob))


@pytest.mark.parametrize("start,expected", [  # 46, 59
    ({"start_date": "2015-03"}, dt.datetime(2015, 3, 1, tzinfo=UTC)),
    ({"start_date": "2015-03-02", "end_date": "2015-03-03"}, dt.datetime(2015, 3, 2, tzinfo=UTC)),
])
def test_v3_start_dates(start, expected):
    assert v3_start(start) == expected


@pytest.mark.parametrize("sub_rows", [[], None])
def test_v3_empty_sub_rows_give_nothing(sub_rows):  # 47, 60
    item = [{"start_date": "2015-03", "SubRows": sub_rows}]
    assert list(reports_v3(item, "browser")) == []
    assert list(keymetrics_v3([{"start_date": "2015-03", "SubRows": None}])) == []


@pytest.mark.parametrize("entry", [None, {}])
def test_keymetrics_v3_skips_null_and_empty_profile_entries(entry):
    sub_rows = {"nullprofile": entry, "fgkdatFA7d7": KEYMETRICS_V3[0]["SubRows"]["fgkdatFA7d7"]}
    item = {**KEYMETRICS_V3[0], "SubRows": sub_rows}
    rows = list(keymetrics_v3([item, {**item, "SubRows": {"nullprofile": entry}}]))
    assert rows == [(dt.datetime(2015, 3, 26, tzinfo=UTC), V3_MEASURES)]


def test_keymetrics_v3_record():  # 48
    records = build_records(keymetrics_v3(KEYMETRICS_V3), KEYMETRICS_OPTIONS, "realtime")
    assert len(records) == 1
    expected = {"_timestamp": dt.datetime(2015, 3, 26, tzinfo=UTC), "dataType": "realtime",
                "_id": "cmVhbHRpbWUyMDE1LTAzLTI2IDAwOjAwOjAwKzAwOjAwZmllbGQ=",
                "humanId": "realtime2015-03-26 00:00:00+00:00field", "visitors": 34451356,
                "PageViews": 96971613, "BounceRate": 65.7744489650963, "test": "field",
                "AvgVisitorsperDay": 1392933.67857143}
    assert expected.items() <= records[0].items()


def test_reports_v2_records():  # 49, 58
    parse = partial(reports_v2, row_type_name="browser")
    records = build_records(parse(REPORT_V2), REPORT_OPTIONS, "browsers")
    assert records == [
        {"_id": "YnJvd3NlcnMyMDE0LTEwLTE0IDAwOjAwOjAwKzAwOjAwTW96aWxsYQ==",
         "_timestamp": dt.datetime(2014, 10, 14, tzinfo=UTC), "browser": "Mozilla",
         "dataType": "browsers", "humanId": "browsers2014-10-14 00:00:00+00:00Mozilla",
         "visitors": 1.0, "test": "field"},
        {"_id": "YnJvd3NlcnMyMDE0LTEwLTE0IDAwOjAwOjAwKzAwOjAwR29vZ2xlIENocm9tZQ==",
         "_timestamp": dt.datetime(2014, 10, 14, tzinfo=UTC), "browser": "Google Chrome",
         "dataType": "browsers", "humanId": "browsers2014-10-14 00:00:00+00:00Google Chrome",
         "visitors": 18.0, "test": "field"},
    ]


def test_reports_v3_reads_the_first_sub_rows_object_only():  # 61
    records = build_records(reports_v3(REPORT_V3, "browser"), REPORT_OPTIONS, "browsers")
    assert [r["browser"] for r in records] == ["Android Browser", "Firefox"]
    assert {"visitors": 3862240, "_timestamp": dt.datetime(2015, 3, 1, tzinfo=UTC),
            "humanId": "browsers2015-03-01 00:00:00+00:00Android Browser",
            "_id": "YnJvd3NlcnMyMDE1LTAzLTAxIDAwOjAwOjAwKzAwOjAwQW5kcm9pZCBCcm93c2Vy",
            }.items() <= records[0].items()
    assert records[1]["visitors"] == 1850026
    assert records[1]["_id"] == "YnJvd3NlcnMyMDE1LTAzLTAxIDAwOjAwOjAwKzAwOjAwRmlyZWZveA=="


def test_a_measure_named_like_the_row_type_wins():
    blob = {"10/14/2014-10/14/2014": {"SubRows": {"Mozilla": {"measures": {"browser": "x"}}}}}
    assert list(reports_v2(blob, "browser"))[0][1] == {"browser": "x"}


def test_null_report_rows_are_skipped():
    blob = {"10/14/2014-10/14/2014": {"SubRows": {"Mozilla": None,
                                                  "Safari": {"measures": {"Visits": 2}}}}}
    assert [fields["browser"] for _, fields in reports_v2(blob, "browser")] == ["Safari"]


@pytest.mark.parametrize("parse,data", [
    (keymetrics_v2, KEYMETRICS_V3),
    (keymetrics_v3, KEYMETRICS_V2),
    (partial(reports_v2, row_type_name="b"), REPORT_V3),
    (partial(reports_v3, row_type_name="b"), REPORT_V2),
])
def test_an_answer_of_the_other_version_names_api_version(parse, data):
    with pytest.raises(ShapeError, match="api_version"):
        list(parse(data))
