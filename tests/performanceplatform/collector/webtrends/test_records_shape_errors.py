"""What a Webtrends answer of the wrong shape is reported as: which part, which type, which
API version it looks like, and which rows are skipped rather than refused."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.collector.webtrends.records import (
    ShapeError,
    keymetrics_v2,
    keymetrics_v3,
    reports_v2,
    reports_v3,
    v2_day,
    v2_hour,
    v3_start,
)

UTC = dt.timezone.utc


def message(parse, *args) -> str:
    with pytest.raises(ShapeError) as failure:
        list(parse(*args))
    return str(failure.value)


def hint(found: str, expected: str, what: str, version: str) -> str:
    other = "v3" if version == "v2" else "v2"
    return (f"{what} is a {found}, not a {expected} as in a {version} answer (is credentials "
            f"'api_version' meant to be '{other}'?)")


def test_keymetrics_v2_names_data_and_sub_rows():
    assert message(keymetrics_v2, []) == hint("list", "dict", "'data'", "v2")
    assert message(keymetrics_v2, {"r": {"SubRows": [1]}}) == \
        hint("list", "dict", "'SubRows'", "v2")


def test_keymetrics_v3_names_data_and_sub_rows():
    assert message(keymetrics_v3, {}) == hint("dict", "list", "'data'", "v3")
    item = {"start_date": "2015-03-02", "SubRows": [1]}
    assert message(keymetrics_v3, [item]) == hint("list", "dict", "'SubRows'", "v3")


def test_reports_v2_names_data_and_sub_rows():
    assert message(reports_v2, [], "b") == hint("list", "dict", "'data'", "v2")
    blob = {"10/14/2014-10/14/2014": {"SubRows": [1]}}
    assert message(reports_v2, blob, "b") == hint("list", "dict", "'SubRows'", "v2")


def test_reports_v3_names_data_and_each_sub_rows_level():
    assert message(reports_v3, {}, "b") == hint("dict", "list", "'data'", "v3")
    item = {"start_date": "2015-03-02", "SubRows": {"a": 1}}
    assert message(reports_v3, [item], "b") == hint("dict", "list", "'SubRows'", "v3")
    item = {"start_date": "2015-03-02", "SubRows": [[1]]}
    assert message(reports_v3, [item], "b") == hint("list", "dict", "'SubRows[0]'", "v3")


def test_a_row_without_measures_is_named():
    assert message(reports_v2, {"10/14/2014-10/14/2014": {"SubRows": {"Mozilla": {}}}},
                   "b") == "row 'Mozilla' has no 'measures' object"
    item = {"start_date": "2015-03-02", "SubRows": [{"Safari": {"measures": 3}}]}
    assert message(reports_v3, [item], "b") == "row 'Safari' has no 'measures' object"
    item = {"start_date": "2015-03-02", "SubRows": {"p": {"x": 1}}}
    assert message(keymetrics_v3, [item]) == "row '2015-03-02' has no 'measures' object"
    blob = {"r": {"SubRows": {"10/30/2014 13": ["x"]}}}
    assert message(keymetrics_v2, blob) == "row '10/30/2014 13' has no 'measures' object"


def test_a_v2_report_period_that_is_not_an_object_has_no_rows():
    assert list(reports_v2({"10/14/2014-10/14/2014": None}, "b")) == []
    assert list(keymetrics_v2({"r": "text"})) == []


def test_a_v3_report_with_no_rows_in_one_period_goes_on_to_the_next():
    data = [{"start_date": "2015-03-01", "SubRows": []},
            {"start_date": "2015-03-02", "SubRows": [{"Safari": {"measures": {"v": 1}}}]}]
    assert list(reports_v3(data, "b")) == [
        (dt.datetime(2015, 3, 2, tzinfo=UTC), {"b": "Safari", "v": 1})]


def test_keymetrics_v3_skips_empty_profiles_and_goes_on():
    data = [{"start_date": "2015-03", "SubRows": {"a": None, "b": {}, "c": {"measures": {}}}},
            {"start_date": "2015-04", "SubRows": None}]
    assert list(keymetrics_v3(data)) == [(dt.datetime(2015, 3, 1, tzinfo=UTC), {})]


@pytest.mark.parametrize("item", [{}, {"start_date": 20150302}, "2015-03-02"])
def test_a_v3_element_without_a_start_date(item):
    with pytest.raises(ShapeError, match="^a data element has no 'start_date'$"):
        v3_start(item)


@pytest.mark.parametrize("parse, label, fmt", [
    (v2_hour, "10/30/2014", "%m/%d/%Y %H"),
    (v2_day, "2014-10-14", "%m/%d/%Y"),
    (v3_start, {"start_date": "2015/03/02"}, "%Y-%m"),
])
def test_a_label_in_another_format_is_named_with_the_format(parse, label, fmt):
    with pytest.raises(ShapeError) as failure:
        parse(label)
    assert str(failure.value).endswith(f"is not in the format {fmt!r}")
    assert str(failure.value).startswith("period label ")


def test_keymetrics_v2_goes_on_after_a_range_without_sub_rows():
    data = {"a": {"SubRows": None},
            "b": {"SubRows": {"10/30/2014 13": {"measures": {"Visits": 1.0}}}}}
    assert list(keymetrics_v2(data)) == [(dt.datetime(2014, 10, 30, 13, tzinfo=UTC),
                                          {"Visits": 1.0})]
